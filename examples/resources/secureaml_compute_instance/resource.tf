# Walkthrough section 4: a personal compute instance behind the VNet, with
# no public IP, SSH from the VNet with a key, and start/stop schedules so it
# does not run (and bill) overnight.
resource "secureaml_compute_instance" "ci" {
  name         = "ws1103ci1"
  workspace_id = secureaml_workspace.ws.id
  location     = "eastus"
  vm_size      = "Standard_DS3_v2"
  subnet_id    = azurerm_subnet.training.id

  ssh {
    public_key = file("~/.ssh/id_rsa.pub")
  }

  assigned_user {
    object_id = data.azuread_user.data_scientist.object_id
    tenant_id = data.azuread_client_config.current.tenant_id
  }

  # Idle shutdown and schedules update the instance in place.
  idle_shutdown_after = "PT60M"

  schedules {
    action          = "Start"
    cron_expression = "0 7 * * 1-5"
    time_zone       = "W. Europe Standard Time"
  }

  schedules {
    action          = "Stop"
    cron_expression = "0 19 * * 1-5"
    time_zone       = "W. Europe Standard Time"
  }

  tags = {
    owner = "data-science"
  }
}
