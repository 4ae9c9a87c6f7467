# Walkthrough section 5: attach an existing private AKS cluster. Azure ML
# reaches it through its private API server FQDN, and scoring endpoints get an
# internal load balancer in the "scoring" subnet of the cluster's VNet.
resource "secureaml_inference_cluster" "private" {
  name                  = "scoring"
  workspace_id          = secureaml_workspace.ws.id
  kubernetes_cluster_id = azurerm_kubernetes_cluster.scoring.id
  cluster_purpose       = "FastProd"
  load_balancer_subnet  = "scoring"
  description           = "Real-time scoring, VNet only"
}

# Or let Azure ML create the cluster inside the VNet. The service range must
# stay outside the VNet's address space and the Docker bridge (checked at
# plan time); destroy deletes the cluster it created.
resource "secureaml_inference_cluster" "vnet" {
  name                 = "scoring-vnet"
  workspace_id         = secureaml_workspace.ws.id
  cluster_purpose      = "DevTest"
  load_balancer_subnet = "scoring"

  create {
    agent_count        = 3
    agent_vm_size      = "Standard_D3_v2"
    subnet_id          = azurerm_subnet.scoring.id
    service_cidr       = "10.0.0.0/16"
    dns_service_ip     = "10.0.0.10"
    docker_bridge_cidr = "172.17.0.1/16"
  }

  tags = {
    team = "scoring"
  }
}
