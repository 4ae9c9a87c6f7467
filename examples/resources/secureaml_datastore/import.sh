# Import a datastore by its ARM ID.
terraform import secureaml_datastore.training /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ws1103/providers/Microsoft.MachineLearningServices/workspaces/ws1103/datastores/training_data
