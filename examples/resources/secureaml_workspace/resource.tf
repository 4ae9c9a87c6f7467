# A private Azure ML workspace (walkthrough section 1): no public network
# access, high business impact, system-assigned identity, studio access to
# the default storage through that identity, and a customer-managed key.
resource "secureaml_workspace" "ws" {
  name                    = "ws1103"
  resource_group_name     = "ws1103"
  location                = "eastus"
  storage_account_id      = azurerm_storage_account.ws.id
  key_vault_id            = azurerm_key_vault.ws.id
  application_insights_id = azurerm_application_insights.ws.id

  # A private workspace needs a Premium registry, and a registry without
  # public access needs a compute cluster to build images.
  container_registry_id    = azurerm_container_registry.ws.id
  image_build_compute_name = "cpu-cluster"

  # The vault must have purge protection (checked at plan time).
  encryption {
    key_vault_id = azurerm_key_vault.cmk.id
    key_id       = azurerm_key_vault_key.cmk.id
  }

  friendly_name = "Secure ML workspace"
  tags = {
    env = "dev"
  }

  timeouts {
    create = "45m"
  }
}

# Section 2: reach it through a private endpoint with both DNS zones.
resource "secureaml_private_endpoint" "ws" {
  name                = "ws1103-pe"
  resource_group_name = "ws1103"
  location            = "eastus"
  subnet_id           = azurerm_subnet.training.id
  target_resource_id  = secureaml_workspace.ws.id
  subresource_name    = "amlworkspace"
  private_dns_zone_ids = [
    secureaml_private_dns_zone.api.id,
    secureaml_private_dns_zone.notebooks.id,
  ]
}

# Section 3: grant the workspace identity read access to the storage so that
# studio data preview works with storage_account_access_type = "identity".
resource "azurerm_role_assignment" "studio_data_preview" {
  scope                = azurerm_storage_account.ws.id
  role_definition_name = "Storage Blob Data Reader"
  principal_id         = secureaml_workspace.ws.identity_principal_id
}
