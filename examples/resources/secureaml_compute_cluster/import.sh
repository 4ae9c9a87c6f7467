# Import an existing compute cluster by its ARM ID.
terraform import secureaml_compute_cluster.cpu /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ws1103/providers/Microsoft.MachineLearningServices/workspaces/ws1103/computes/cpu-cluster
