# Import an existing compute instance by its ARM ID.
terraform import secureaml_compute_instance.ci /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ws1103/providers/Microsoft.MachineLearningServices/workspaces/ws1103/computes/ws1103ci1
