# The whole secure Azure ML platform of the walkthrough on an existing
# landing zone. The quickstart (scripts/quickstart.sh) fills the inputs from
# the local ARM emulator's landing zone; on a real subscription, pass the IDs
# of your own VNet, NSG, Key Vault, storage, Premium ACR and Application
# Insights (examples/landing-zone-azurerm creates them with azurerm).

terraform {
  required_version = ">= 0.13"
  required_providers {
    secureaml = {
      source = "secureaml/secureaml"
    }
  }
}

# Credentials and subscription come from the ARM_* environment variables.
provider "secureaml" {}

module "secure_aml" {
  source = "../modules/secure-aml-workspace"

  name                      = var.workspace_name
  location                  = var.location
  resource_group_name       = var.resource_group_name
  vnet_id                   = var.vnet_id
  training_subnet_id        = var.training_subnet_id
  scoring_subnet_id         = var.scoring_subnet_id
  nsg_id                    = var.nsg_id
  key_vault_id              = var.key_vault_id
  key_id                    = var.key_id
  storage_account_id        = var.storage_account_id
  container_registry_id     = var.container_registry_id
  application_insights_id   = var.application_insights_id
  data_scientist_object_ids = [var.data_scientist_object_id]
  tenant_id                 = var.tenant_id
  aks_cluster_id            = var.aks_cluster_id
  training_max_nodes        = var.training_max_nodes
  compute_instance_users = {
    "${var.workspace_name}-ds1" = var.data_scientist_object_id
  }
  tags = merge({
    environment = "secure-ml"
    owner       = "platform-team"
  }, var.extra_tags)
}
