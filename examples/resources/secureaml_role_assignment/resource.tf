# Grant the custom "Data Scientist" role on the workspace to an account
# created moments before (walkthrough section 6). A principal Entra ID has
# not replicated yet is retried for principal_replication_timeout only.
resource "secureaml_role_assignment" "data_scientist" {
  scope              = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ws1103/providers/Microsoft.MachineLearningServices/workspaces/ws1103"
  role_definition_id = secureaml_role_definition.data_scientist.role_definition_resource_id
  principal_id       = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
  principal_type     = "User"
  description        = "Data scientists of ws1103"

  principal_replication_timeout = "5m"
}

# Restrict a storage role to one container with an ABAC condition.
resource "secureaml_role_assignment" "training_data" {
  scope              = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ws1103/providers/Microsoft.Storage/storageAccounts/ws1103st"
  role_definition_id = "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/ba92f5b4-2d11-453d-a403-e96b0029c9fe"
  principal_id       = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
  principal_type     = "User"
  condition          = "((!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'})) OR (@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringEquals 'training'))"
}
