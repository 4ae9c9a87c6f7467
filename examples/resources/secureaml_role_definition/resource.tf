# The three custom roles of the walkthrough (section 6), from the
# least-privilege presets. Create waits until each role is readable, so an
# assignment in the same apply does not fail with RoleDefinitionDoesNotExist.
resource "secureaml_role_definition" "it_admin" {
  scope  = "/subscriptions/00000000-0000-0000-0000-000000000000"
  preset = "it_admin"
}

resource "secureaml_role_definition" "data_scientist" {
  scope  = "/subscriptions/00000000-0000-0000-0000-000000000000"
  preset = "data_scientist"
}

# A preset extended with extra permissions, assignable in one resource group.
resource "secureaml_role_definition" "super_data_scientist" {
  scope       = "/subscriptions/00000000-0000-0000-0000-000000000000"
  name        = "AML Super Data Scientist (ws1103)"
  description = "Data scientists who also manage compute in ws1103."
  preset      = "super_data_scientist"

  permissions {
    actions = ["Microsoft.Insights/components/read"]
  }

  assignable_scopes = [
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ws1103",
  ]
}

output "data_scientist_actions" {
  value = secureaml_role_definition.data_scientist.effective_actions
}
