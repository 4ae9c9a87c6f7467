# The NSG rules an Azure ML compute subnet needs (walkthrough section 8), on
# an NSG that also holds rules managed elsewhere. Only the rules this
# resource creates are ever changed or deleted.
resource "secureaml_network_rules" "compute" {
  network_security_group_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ws1103/providers/Microsoft.Network/networkSecurityGroups/ws1103nsg"
  location                  = "eastus"
  node_public_ip_enabled    = false
  high_business_impact      = true

  priority_range {
    start = 3000
    end   = 3099
  }

  # Limit outbound: deny the internet after the allow rules above.
  rule {
    name                       = "deny-internet"
    direction                  = "Outbound"
    access                     = "Deny"
    protocol                   = "*"
    source_address_prefix      = "VirtualNetwork"
    destination_address_prefix = "Internet"
    destination_port_ranges    = ["*"]
    description                = "Everything else goes through the firewall"
  }
}
