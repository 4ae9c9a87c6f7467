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
