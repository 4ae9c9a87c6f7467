# Import a private DNS zone (its virtual network links are read with it).
terraform import secureaml_private_dns_zone.api /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ws1103/providers/Microsoft.Network/privateDnsZones/privatelink.api.azureml.ms
