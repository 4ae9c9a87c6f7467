# An identity-based blob datastore: no account key is stored, and studio
# previews data through the workspace's managed identity.
resource "secureaml_datastore" "training" {
  name               = "training_data"
  workspace_id       = secureaml_workspace.ws.id
  datastore_type     = "blob"
  storage_account_id = azurerm_storage_account.data.id
  container_name     = "training"
  description        = "Curated training data"
}

# ADLS Gen2 file system.
resource "secureaml_datastore" "lake" {
  name               = "lake"
  workspace_id       = secureaml_workspace.ws.id
  datastore_type     = "adls_gen2"
  storage_account_id = azurerm_storage_account.lake.id
  container_name     = "raw"
}
