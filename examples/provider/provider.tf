terraform {
  required_providers {
    secureaml = {
      source = "secureaml/secureaml"
    }
  }
}

# Credentials come from the same ARM_* environment variables azurerm uses
# (ARM_SUBSCRIPTION_ID, ARM_TENANT_ID, ARM_CLIENT_ID, ARM_CLIENT_SECRET,
# ARM_USE_OIDC, ARM_USE_MSI, ...), or from the attributes below.
provider "secureaml" {
  subscription_id = var.subscription_id
  tenant_id       = var.tenant_id
}

variable "subscription_id" {
  type = string
}

variable "tenant_id" {
  type = string
}
