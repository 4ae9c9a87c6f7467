# Import a custom role by its ID at its scope.
terraform import secureaml_role_definition.data_scientist /subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/11111111-2222-3333-4444-555555555555

# azurerm's "{id}|{scope}" form is accepted too.
terraform import secureaml_role_definition.data_scientist "/providers/Microsoft.Authorization/roleDefinitions/11111111-2222-3333-4444-555555555555|/subscriptions/00000000-0000-0000-0000-000000000000"
