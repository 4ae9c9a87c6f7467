variable "name" {
  description = "Short lowercase name used for every resource (3-12 letters and digits)."
  type        = string
}

variable "location" {
  description = "Azure region."
  type        = string
  default     = "eastus"
}

variable "resource_group_name" {
  description = "Resource group to create for the platform."
  type        = string
}

variable "address_space" {
  description = "VNet address space; the training and scoring subnets are its first two /24s when it is a /16."
  type        = string
  default     = "10.150.0.0/16"
}

variable "data_scientist_object_ids" {
  description = "Entra object IDs of users granted the custom Data Scientist role."
  type        = list(string)
  default     = []
}

variable "compute_instance_users" {
  description = "Personal compute instances: instance name => Entra object ID of its user."
  type        = map(string)
  default     = {}
}

variable "tags" {
  description = "Tags for every taggable resource."
  type        = map(string)
  default     = {}
}
