variable "workspace_name" {
  description = "Name of the Azure ML workspace."
  type        = string
  default     = "ws1103"
}

variable "location" {
  type = string
}

variable "resource_group_name" {
  type = string
}

variable "vnet_id" {
  type = string
}

variable "training_subnet_id" {
  type = string
}

variable "scoring_subnet_id" {
  type = string
}

variable "nsg_id" {
  type = string
}

variable "key_vault_id" {
  type = string
}

variable "key_id" {
  type = string
}

variable "storage_account_id" {
  type = string
}

variable "container_registry_id" {
  type = string
}

variable "application_insights_id" {
  type = string
}

variable "aks_cluster_id" {
  description = "Private AKS cluster to attach for inference; null for none."
  type        = string
  default     = null
}

variable "tenant_id" {
  description = "Entra tenant of the data scientist."
  type        = string
}

variable "data_scientist_object_id" {
  description = "Entra object ID of the data scientist to grant the custom role."
  type        = string
}

variable "training_max_nodes" {
  description = "Most nodes the training cluster scales out to; changing it updates the cluster in place."
  type        = number
  default     = 4
}

variable "extra_tags" {
  description = "Tags added to every taggable resource."
  type        = map(string)
  default     = {}
}
