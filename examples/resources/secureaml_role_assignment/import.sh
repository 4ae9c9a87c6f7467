# Import a role assignment by its full ID: {scope}/providers/Microsoft.Authorization/roleAssignments/{guid}.
terraform import secureaml_role_assignment.data_scientist /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ws1103/providers/Microsoft.MachineLearningServices/workspaces/ws1103/providers/Microsoft.Authorization/roleAssignments/12345678-1234-1234-1234-123456789abc
