# A secure Azure ML workspace on an existing landing zone: walkthrough
# sections 1-3 (private-link workspace with a customer-managed key, private
# endpoints and DNS for the workspace and its dependencies, identity-based
# studio access), 4 (training compute without public IPs in the VNet), 5
# (AKS inference behind an internal load balancer), 6 (custom roles and
# assignments) and 8 (DNS, NSG rules, firewall allow-list).

locals {
  subscription_id   = split("/", var.vnet_id)[2]
  resource_group_id = "/subscriptions/${local.subscription_id}/resourceGroups/${var.resource_group_name}"

  # Each private endpoint and the private DNS zones it registers in; the
  # workspace needs both the API and the notebooks zone.
  private_endpoints = {
    workspace = { target = secureaml_workspace.this.id, subresource = "amlworkspace", zones = ["api", "notebooks"] }
    blob      = { target = var.storage_account_id, subresource = "blob", zones = ["blob"] }
    file      = { target = var.storage_account_id, subresource = "file", zones = ["file"] }
    vault     = { target = var.key_vault_id, subresource = "vault", zones = ["vault"] }
    registry  = { target = var.container_registry_id, subresource = "registry", zones = ["registry"] }
  }

  dns_zones = {
    api       = "privatelink.api.azureml.ms"
    notebooks = "privatelink.notebooks.azure.net"
    blob      = "privatelink.blob.core.windows.net"
    file      = "privatelink.file.core.windows.net"
    vault     = "privatelink.vaultcore.azure.net"
    registry  = "privatelink.azurecr.io"
  }

  role_presets = {
    it_admin             = "IT Admin"
    data_scientist       = "Data Scientist"
    super_data_scientist = "Super Data Scientist"
  }
}

# Section 8: what the compute subnet must reach, from Microsoft's current
# requirements.
data "secureaml_network_requirements" "compute" {
  location               = var.location
  high_business_impact   = true
  node_public_ip_enabled = false
}

resource "secureaml_private_dns_zone" "zone" {
  for_each            = local.dns_zones
  name                = each.value
  resource_group_name = var.resource_group_name
  virtual_network_ids = [var.vnet_id]
  tags                = var.tags
}

# Section 1: private-link workspace with a customer-managed key. Public
# network access stays off (the default) and studio reads storage through
# the workspace identity (section 3).
resource "secureaml_workspace" "this" {
  name                     = var.name
  resource_group_name      = var.resource_group_name
  location                 = var.location
  storage_account_id       = var.storage_account_id
  key_vault_id             = var.key_vault_id
  container_registry_id    = var.container_registry_id
  application_insights_id  = var.application_insights_id
  image_build_compute_name = var.image_build_compute_name
  friendly_name            = "Secure ML workspace ${var.name}"
  tags                     = var.tags

  encryption {
    key_vault_id = var.key_vault_id
    key_id       = var.key_id
  }
}

# Sections 1-2: private endpoints for the workspace and its dependencies.
resource "secureaml_private_endpoint" "pe" {
  for_each             = local.private_endpoints
  name                 = "${var.name}-${each.key}-pe"
  resource_group_name  = var.resource_group_name
  location             = var.location
  subnet_id            = var.training_subnet_id
  target_resource_id   = each.value.target
  subresource_name     = each.value.subresource
  private_dns_zone_ids = [for z in each.value.zones : secureaml_private_dns_zone.zone[z].id]
  tags                 = var.tags
}

# Section 3: a datastore studio previews through the workspace identity.
resource "secureaml_datastore" "training_data" {
  name                  = "training_data"
  workspace_id          = secureaml_workspace.this.id
  datastore_type        = "blob"
  storage_account_id    = var.storage_account_id
  container_name        = "training-data"
  service_data_identity = "WorkspaceSystemAssignedIdentity"
  description           = "Training data, read through the workspace managed identity."
}

# Section 8: NSG rules Azure ML compute needs, on the landing zone's NSG.
# Rules other teams own in the same NSG are never touched.
resource "secureaml_network_rules" "compute" {
  network_security_group_id = var.nsg_id
  location                  = var.location
  high_business_impact      = true
  node_public_ip_enabled    = false
}

# Section 6: custom roles from least-privilege presets, and the data
# scientists' assignment on the workspace.
resource "secureaml_role_definition" "role" {
  for_each    = local.role_presets
  scope       = local.resource_group_id
  preset      = each.key
  name        = "${var.name} ${each.value}"
  description = "Custom ${each.value} role for the ${var.name} Azure ML workspace."
}

resource "secureaml_role_assignment" "data_scientist" {
  for_each           = toset(var.data_scientist_object_ids)
  scope              = secureaml_workspace.this.id
  role_definition_id = secureaml_role_definition.role["data_scientist"].role_definition_resource_id
  principal_id       = each.value
  principal_type     = "User"
  description        = "Data scientist on ${var.name}"
}

# Section 4: a training cluster without public IPs in the training subnet.
# It also builds environment images, which serverless builds cannot do
# against a private registry. The NSG rules come first: nodes that cannot
# reach Batch management fail to allocate.
resource "secureaml_compute_cluster" "training" {
  name         = var.image_build_compute_name
  workspace_id = secureaml_workspace.this.id
  location     = var.location
  vm_size      = var.training_vm_size
  subnet_id    = var.training_subnet_id

  scale {
    min_nodes                   = 0
    max_nodes                   = var.training_max_nodes
    idle_time_before_scale_down = "PT15M"
  }

  identity {
    type = "SystemAssigned"
  }

  description = "Training and image builds for ${var.name}, VNet only."
  tags        = var.tags
  depends_on  = [secureaml_network_rules.compute]
}

# Section 4: one personal compute instance per data scientist, without a
# public IP, stopped when idle and outside working hours.
resource "secureaml_compute_instance" "personal" {
  for_each     = var.compute_instance_users
  name         = each.key
  workspace_id = secureaml_workspace.this.id
  location     = var.location
  vm_size      = var.instance_vm_size
  subnet_id    = var.training_subnet_id

  assigned_user {
    object_id = each.value
    tenant_id = var.tenant_id
  }

  idle_shutdown_after = "PT60M"

  schedules {
    action          = "Stop"
    cron_expression = "0 20 * * *"
    time_zone       = "UTC"
  }

  tags       = var.tags
  depends_on = [secureaml_network_rules.compute]
}

# Section 5: the private AKS cluster attached for inference. Scoring
# endpoints get an internal load balancer in the scoring subnet.
resource "secureaml_inference_cluster" "scoring" {
  count                 = var.aks_cluster_id == null ? 0 : 1
  name                  = "scoring"
  workspace_id          = secureaml_workspace.this.id
  kubernetes_cluster_id = var.aks_cluster_id
  cluster_purpose       = "FastProd"
  load_balancer_subnet  = element(split("/", var.scoring_subnet_id), length(split("/", var.scoring_subnet_id)) - 1)
  description           = "Real-time scoring for ${var.name}, VNet only."
  tags                  = var.tags
}
