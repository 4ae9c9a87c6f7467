# The two zones an Azure ML workspace private endpoint needs, linked to the
# hub network (and any spoke that must resolve the workspace).
resource "secureaml_private_dns_zone" "api" {
  name                = "privatelink.api.azureml.ms"
  resource_group_name = "ws1103"
  virtual_network_ids = [azurerm_virtual_network.hub.id]
}

resource "secureaml_private_dns_zone" "notebooks" {
  name                = "privatelink.notebooks.azure.net"
  resource_group_name = "ws1103"
  virtual_network_ids = [azurerm_virtual_network.hub.id]
}

resource "secureaml_private_dns_zone" "blob" {
  name                = "privatelink.blob.core.windows.net"
  resource_group_name = "ws1103"
  virtual_network_ids = [azurerm_virtual_network.hub.id]
  tags = {
    env = "dev"
  }
}
