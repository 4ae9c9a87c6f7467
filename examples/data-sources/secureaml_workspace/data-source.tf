# Look up a workspace another team manages, by name and resource group...
data "secureaml_workspace" "shared" {
  name                = "ws1103"
  resource_group_name = "ws1103"
}

# ...or by ID.
data "secureaml_workspace" "by_id" {
  id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ws1103/providers/Microsoft.MachineLearningServices/workspaces/ws1103"
}

output "workspace_is_private" {
  value = !data.secureaml_workspace.shared.public_network_access_enabled
}
