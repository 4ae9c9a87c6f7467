output "workspace_id" {
  value = module.secure_aml.workspace_id
}

output "hosts_file" {
  description = "Paste into /etc/hosts on a point-to-site VPN client without custom DNS."
  value       = module.secure_aml.hosts_file
}

output "role_definition_ids" {
  value = module.secure_aml.role_definition_ids
}

output "nsg_rule_names" {
  value = module.secure_aml.nsg_rule_names
}

output "firewall_fqdns" {
  value = module.secure_aml.firewall_fqdns
}

output "training_cluster_id" {
  value = module.secure_aml.training_cluster_id
}

output "compute_instance_ids" {
  value = module.secure_aml.compute_instance_ids
}

output "inference_cluster_fqdn" {
  value = module.secure_aml.inference_cluster_fqdn
}
