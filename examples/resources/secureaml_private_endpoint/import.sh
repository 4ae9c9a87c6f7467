# Import an existing private endpoint (and its "default" DNS zone group) by ARM ID.
terraform import secureaml_private_endpoint.ws /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ws1103/providers/Microsoft.Network/privateEndpoints/ws1103-pe
