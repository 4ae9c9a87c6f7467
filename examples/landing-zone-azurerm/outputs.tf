output "workspace_id" {
  value = module.secure_aml.workspace_id
}

output "hosts_file" {
  description = "Hosts-file lines for point-to-site VPN users without custom DNS."
  value       = module.secure_aml.hosts_file
}

output "role_definition_ids" {
  value = module.secure_aml.role_definition_ids
}
