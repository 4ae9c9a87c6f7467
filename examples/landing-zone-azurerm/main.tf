# The secure platform on a real subscription: azurerm creates the generic
# landing zone this provider does not own (resource group, VNet and subnets,
# NSG, Key Vault with purge protection and the customer-managed key, storage,
# Premium container registry, Application Insights, a private AKS cluster),
# and the secure-aml-workspace module builds the Azure ML platform on it.
#
# The quickstart uses the emulator's landing zone instead; this folder is the
# variant for real subscriptions. See README.md here.

terraform {
  required_version = ">= 1.3"
  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 4.0"
    }
    secureaml = {
      source = "secureaml/secureaml"
    }
  }
}

provider "azurerm" {
  features {
    key_vault {
      purge_soft_delete_on_destroy = false
    }
  }
}

# Same ARM_* variables as azurerm (ARM_SUBSCRIPTION_ID, ARM_TENANT_ID,
# ARM_CLIENT_ID with a secret, a certificate, OIDC or managed identity).
provider "secureaml" {}

data "azurerm_client_config" "current" {}

resource "azurerm_resource_group" "ml" {
  name     = var.resource_group_name
  location = var.location
}

resource "azurerm_virtual_network" "hub" {
  name                = "${var.name}-vnet"
  location            = azurerm_resource_group.ml.location
  resource_group_name = azurerm_resource_group.ml.name
  address_space       = [var.address_space]
}

resource "azurerm_network_security_group" "compute" {
  name                = "${var.name}-compute-nsg"
  location            = azurerm_resource_group.ml.location
  resource_group_name = azurerm_resource_group.ml.name
}

# Training compute and private endpoints; scoring (AKS) in its own subnet.
resource "azurerm_subnet" "training" {
  name                 = "training"
  resource_group_name  = azurerm_resource_group.ml.name
  virtual_network_name = azurerm_virtual_network.hub.name
  address_prefixes     = [cidrsubnet(var.address_space, 8, 0)]
  service_endpoints    = ["Microsoft.Storage", "Microsoft.KeyVault", "Microsoft.ContainerRegistry"]
}

resource "azurerm_subnet" "scoring" {
  name                 = "scoring"
  resource_group_name  = azurerm_resource_group.ml.name
  virtual_network_name = azurerm_virtual_network.hub.name
  address_prefixes     = [cidrsubnet(var.address_space, 8, 1)]
  service_endpoints    = ["Microsoft.Storage", "Microsoft.KeyVault", "Microsoft.ContainerRegistry"]
}

resource "azurerm_subnet_network_security_group_association" "training" {
  subnet_id                 = azurerm_subnet.training.id
  network_security_group_id = azurerm_network_security_group.compute.id
}

resource "azurerm_subnet_network_security_group_association" "scoring" {
  subnet_id                 = azurerm_subnet.scoring.id
  network_security_group_id = azurerm_network_security_group.compute.id
}

# A customer-managed key needs purge protection; RBAC authorization lets the
# workspace identity be granted the crypto role by the module's caller.
resource "azurerm_key_vault" "ml" {
  name                          = "${var.name}kv"
  location                      = azurerm_resource_group.ml.location
  resource_group_name           = azurerm_resource_group.ml.name
  tenant_id                     = data.azurerm_client_config.current.tenant_id
  sku_name                      = "premium"
  purge_protection_enabled      = true
  soft_delete_retention_days    = 90
  enable_rbac_authorization     = true
  public_network_access_enabled = false
}

resource "azurerm_role_assignment" "deployer_crypto_officer" {
  scope                = azurerm_key_vault.ml.id
  role_definition_name = "Key Vault Crypto Officer"
  principal_id         = data.azurerm_client_config.current.object_id
}

resource "azurerm_key_vault_key" "cmk" {
  name         = "${var.name}-cmk"
  key_vault_id = azurerm_key_vault.ml.id
  key_type     = "RSA"
  key_size     = 3072
  key_opts     = ["wrapKey", "unwrapKey"]
  depends_on   = [azurerm_role_assignment.deployer_crypto_officer]
}

resource "azurerm_storage_account" "ml" {
  name                            = "${var.name}st"
  location                        = azurerm_resource_group.ml.location
  resource_group_name             = azurerm_resource_group.ml.name
  account_tier                    = "Standard"
  account_replication_type        = "ZRS"
  public_network_access_enabled   = false
  allow_nested_items_to_be_public = false
  shared_access_key_enabled       = false
  min_tls_version                 = "TLS1_2"
}

# A private workspace needs a Premium registry without public access.
resource "azurerm_container_registry" "ml" {
  name                          = "${var.name}acr"
  location                      = azurerm_resource_group.ml.location
  resource_group_name           = azurerm_resource_group.ml.name
  sku                           = "Premium"
  admin_enabled                 = false
  public_network_access_enabled = false
}

resource "azurerm_log_analytics_workspace" "ml" {
  name                = "${var.name}-logs"
  location            = azurerm_resource_group.ml.location
  resource_group_name = azurerm_resource_group.ml.name
  retention_in_days   = 30
}

resource "azurerm_application_insights" "ml" {
  name                = "${var.name}-appi"
  location            = azurerm_resource_group.ml.location
  resource_group_name = azurerm_resource_group.ml.name
  workspace_id        = azurerm_log_analytics_workspace.ml.id
  application_type    = "web"
}

# Walkthrough section 5: a private AKS cluster for inference, attached to
# the workspace by the module with an internal load balancer.
resource "azurerm_kubernetes_cluster" "scoring" {
  name                    = "${var.name}-aks"
  location                = azurerm_resource_group.ml.location
  resource_group_name     = azurerm_resource_group.ml.name
  dns_prefix              = "${var.name}-aks"
  private_cluster_enabled = true

  default_node_pool {
    name           = "system"
    node_count     = 3
    vm_size        = "Standard_D4s_v5"
    vnet_subnet_id = azurerm_subnet.scoring.id
  }

  identity {
    type = "SystemAssigned"
  }

  network_profile {
    network_plugin    = "azure"
    load_balancer_sku = "standard"
    service_cidr      = "10.0.0.0/16"
    dns_service_ip    = "10.0.0.10"
  }
}

module "secure_aml" {
  source = "../modules/secure-aml-workspace"

  name                      = var.name
  location                  = azurerm_resource_group.ml.location
  resource_group_name       = azurerm_resource_group.ml.name
  vnet_id                   = azurerm_virtual_network.hub.id
  training_subnet_id        = azurerm_subnet.training.id
  scoring_subnet_id         = azurerm_subnet.scoring.id
  nsg_id                    = azurerm_network_security_group.compute.id
  key_vault_id              = azurerm_key_vault.ml.id
  key_id                    = azurerm_key_vault_key.cmk.id
  storage_account_id        = azurerm_storage_account.ml.id
  container_registry_id     = azurerm_container_registry.ml.id
  application_insights_id   = azurerm_application_insights.ml.id
  data_scientist_object_ids = var.data_scientist_object_ids
  tenant_id                 = data.azurerm_client_config.current.tenant_id
  aks_cluster_id            = azurerm_kubernetes_cluster.scoring.id
  compute_instance_users    = var.compute_instance_users
  tags                      = var.tags

  depends_on = [
    azurerm_subnet_network_security_group_association.training,
    azurerm_subnet_network_security_group_association.scoring,
  ]
}

# The workspace's system-assigned identity wraps and unwraps with the key
# (for example on key rotation); grant it the crypto role on the vault.
resource "azurerm_role_assignment" "workspace_crypto_user" {
  scope                = azurerm_key_vault.ml.id
  role_definition_name = "Key Vault Crypto Service Encryption User"
  principal_id         = module.secure_aml.workspace_principal_id
}
