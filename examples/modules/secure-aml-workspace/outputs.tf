output "workspace_id" {
  description = "ARM ID of the workspace."
  value       = secureaml_workspace.this.id
}

output "workspace_guid" {
  description = "The workspace's immutable GUID."
  value       = secureaml_workspace.this.workspace_id
}

output "discovery_url" {
  description = "Discovery URL of the workspace."
  value       = secureaml_workspace.this.discovery_url
}

output "hosts_file" {
  description = "Hosts-file lines for point-to-site VPN users without custom DNS (walkthrough section 2)."
  value       = join("", [for k in sort(keys(secureaml_private_endpoint.pe)) : secureaml_private_endpoint.pe[k].hosts_file])
}

output "private_ip_addresses" {
  description = "Private IPs of each private endpoint."
  value       = { for k, pe in secureaml_private_endpoint.pe : k => pe.private_ip_addresses }
}

output "role_definition_ids" {
  description = "Role definition IDs of the custom roles, by preset."
  value       = { for k, r in secureaml_role_definition.role : k => r.role_definition_resource_id }
}

output "nsg_rule_names" {
  description = "NSG rules this module owns."
  value       = secureaml_network_rules.compute.rule_names
}

output "firewall_fqdns" {
  description = "FQDNs an egress firewall must allow for the compute subnet."
  value       = data.secureaml_network_requirements.compute.firewall_fqdns
}

output "workspace_principal_id" {
  description = "Object ID of the workspace's system-assigned identity, for role assignments the caller makes (Key Vault crypto, storage data reader)."
  value       = secureaml_workspace.this.identity_principal_id
}

output "training_cluster_id" {
  description = "ARM ID of the training cluster."
  value       = secureaml_compute_cluster.training.id
}

output "compute_instance_ids" {
  description = "ARM IDs of the personal compute instances, by name."
  value       = { for k, ci in secureaml_compute_instance.personal : k => ci.id }
}

output "inference_cluster_fqdn" {
  description = "API server FQDN Azure ML uses for the attached AKS cluster (its private FQDN)."
  value       = one(secureaml_inference_cluster.scoring[*].cluster_fqdn)
}
