# Import an existing workspace by its ARM ID.
terraform import secureaml_workspace.ws /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ws1103/providers/Microsoft.MachineLearningServices/workspaces/ws1103
