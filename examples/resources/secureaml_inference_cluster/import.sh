# Import an AKS compute by its ARM ID. An attached cluster imports with
# on_destroy = "detach", one Azure ML created with "delete".
terraform import secureaml_inference_cluster.private /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ws1103/providers/Microsoft.MachineLearningServices/workspaces/ws1103/computes/scoring
