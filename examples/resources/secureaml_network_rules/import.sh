# Import by the NSG's ID; the rules whose names start with "secureaml-" are adopted.
terraform import secureaml_network_rules.compute /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ws1103/providers/Microsoft.Network/networkSecurityGroups/ws1103nsg

# With another name_prefix, append it after '|'.
terraform import secureaml_network_rules.compute "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ws1103/providers/Microsoft.Network/networkSecurityGroups/ws1103nsg|aml-"
