# What a compute subnet without public IPs needs (walkthrough section 8).
data "secureaml_network_requirements" "compute" {
  location               = "eastus"
  environment            = "public"
  high_business_impact   = true
  node_public_ip_enabled = false
}

# Firewall: allow exactly these FQDNs.
resource "azurerm_firewall_policy_rule_collection_group" "aml" {
  name               = "aml"
  firewall_policy_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ws1103/providers/Microsoft.Network/firewallPolicies/hub"
  priority           = 500

  application_rule_collection {
    name     = "aml-fqdns"
    priority = 500
    action   = "Allow"
    rule {
      name              = "aml"
      source_addresses  = ["10.150.0.0/24"]
      destination_fqdns = data.secureaml_network_requirements.compute.firewall_fqdns
      protocols {
        type = "Https"
        port = 443
      }
    }
  }
}

# DNS: one private zone per required name.
resource "azurerm_private_dns_zone" "aml" {
  for_each            = toset(data.secureaml_network_requirements.compute.private_dns_zone_names)
  name                = each.key
  resource_group_name = "ws1103"
}
