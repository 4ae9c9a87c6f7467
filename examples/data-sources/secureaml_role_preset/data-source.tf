# Use a preset's least-privilege lists with another provider.
data "secureaml_role_preset" "data_scientist" {
  name = "data_scientist"
}

resource "azurerm_role_definition" "data_scientist" {
  name        = data.secureaml_role_preset.data_scientist.role_name
  description = data.secureaml_role_preset.data_scientist.description
  scope       = "/subscriptions/00000000-0000-0000-0000-000000000000"

  permissions {
    actions          = data.secureaml_role_preset.data_scientist.actions
    not_actions      = data.secureaml_role_preset.data_scientist.not_actions
    data_actions     = data.secureaml_role_preset.data_scientist.data_actions
    not_data_actions = data.secureaml_role_preset.data_scientist.not_data_actions
  }
}
