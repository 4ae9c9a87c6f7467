# A private endpoint for an Azure ML workspace. The plan fails if a zone the
# sub-resource needs is missing: "amlworkspace" needs both zones below.
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
  tags = {
    env = "dev"
  }
}

# The workspace's default storage needs blob and file endpoints.
resource "secureaml_private_endpoint" "blob" {
  name                 = "ws1103-blob-pe"
  resource_group_name  = "ws1103"
  location             = "eastus"
  subnet_id            = azurerm_subnet.training.id
  target_resource_id   = azurerm_storage_account.ws.id
  subresource_name     = "blob"
  private_dns_zone_ids = [secureaml_private_dns_zone.blob.id]
}

# For point-to-site VPN users without custom DNS: paste into the hosts file.
output "workspace_hosts_file" {
  value = secureaml_private_endpoint.ws.hosts_file
}
