# Walkthrough section 4: training compute behind the VNet. Nodes get no
# public IP, the public SSH port stays closed and local authentication is
# off. The subnet's NSG must allow BatchNodeManagement and
# AzureMachineLearning inbound (secureaml_network_rules does that).
resource "secureaml_compute_cluster" "cpu" {
  name         = "cpu-cluster"
  workspace_id = secureaml_workspace.ws.id
  location     = "eastus"
  vm_size      = "Standard_DS3_v2"
  subnet_id    = azurerm_subnet.training.id

  # Scale settings update the running cluster in place.
  scale {
    min_nodes                   = 0
    max_nodes                   = 8
    idle_time_before_scale_down = "PT15M"
  }

  # Jobs reach storage and registries with this identity, not keys.
  identity {
    type = "SystemAssigned"
  }

  description = "CPU cluster behind the VNet"
  tags = {
    env = "dev"
  }
}

# "Compute Cluster with Private IP": low-priority GPU nodes with an SSH
# account reachable from inside the VNet only.
resource "secureaml_compute_cluster" "gpu" {
  name         = "gpu-cluster"
  workspace_id = secureaml_workspace.ws.id
  location     = "eastus"
  vm_size      = "Standard_NC6s_v3"
  vm_priority  = "LowPriority"
  subnet_id    = azurerm_subnet.training.id

  scale {
    max_nodes = 4
  }

  ssh {
    admin_username   = "azureuser"
    admin_public_key = file("~/.ssh/id_rsa.pub")
  }

  timeouts {
    create = "45m"
  }
}
