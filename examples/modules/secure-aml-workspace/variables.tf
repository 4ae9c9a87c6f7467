variable "name" {
  description = "Workspace name; also prefixes the private endpoints and custom role names."
  type        = string
}

variable "location" {
  description = "Azure region of the workspace and its private endpoints."
  type        = string
}

variable "resource_group_name" {
  description = "Existing resource group for everything this module creates."
  type        = string
}

variable "vnet_id" {
  description = "Hub virtual network; the private DNS zones are linked to it."
  type        = string
}

variable "training_subnet_id" {
  description = "Subnet for the private endpoints and the training compute (no delegation)."
  type        = string
}

variable "scoring_subnet_id" {
  description = "Subnet of the AKS inference cluster."
  type        = string
}

variable "nsg_id" {
  description = "Network security group of the training and scoring subnets; the module adds the rules Azure ML compute needs."
  type        = string
}

variable "key_vault_id" {
  description = "Key Vault for the workspace and the customer-managed key (purge protection must be on)."
  type        = string
}

variable "key_id" {
  description = "Versioned key identifier of the customer-managed key."
  type        = string
}

variable "storage_account_id" {
  description = "Default storage account of the workspace."
  type        = string
}

variable "container_registry_id" {
  description = "Premium container registry reachable only through its private endpoint."
  type        = string
}

variable "application_insights_id" {
  description = "Application Insights component of the workspace."
  type        = string
}

variable "image_build_compute_name" {
  description = "Compute cluster that builds environment images (serverless builds cannot reach a private registry)."
  type        = string
  default     = "image-builder"
}

variable "data_scientist_object_ids" {
  description = "Entra object IDs of users granted the custom Data Scientist role on the workspace."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags for every taggable resource."
  type        = map(string)
  default     = {}
}

variable "tenant_id" {
  description = "Entra tenant of the users compute instances are assigned to."
  type        = string
}

variable "training_vm_size" {
  description = "VM size of the training cluster's nodes."
  type        = string
  default     = "Standard_DS3_v2"
}

variable "training_max_nodes" {
  description = "Most nodes the training cluster scales out to (it scales to zero when idle)."
  type        = number
  default     = 4
}

variable "instance_vm_size" {
  description = "VM size of the personal compute instances."
  type        = string
  default     = "Standard_DS3_v2"
}

variable "compute_instance_users" {
  description = "Personal compute instances to create: instance name => Entra object ID of its user."
  type        = map(string)
  default     = {}
}

variable "aks_cluster_id" {
  description = "Existing (private) AKS cluster to attach for inference; null for none."
  type        = string
  default     = null
}
