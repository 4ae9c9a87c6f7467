#include "resources/data_role_preset.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "resources/common/platform_knowledge.h"
#include "resources/common/validators.h"

namespace secureaml::resources {

using tf::Attribute;
using tf::Type;
using tf::Value;

RolePresetDataSource::RolePresetDataSource() {
  std::vector<std::string> names;
  std::string docs;
  for (const RolePreset& p : AllRolePresets()) {
    names.push_back(p.name);
    absl::StrAppend(&docs, "\n  - `", p.name, "` (\"", p.role_name,
                    "\"): ", p.description);
  }
  schema_.block.description = absl::StrCat(
      "The permissions of a least-privilege role preset for an Azure ML "
      "platform, for use with other providers (for example "
      "`azurerm_role_definition`). `secureaml_role_definition` applies the "
      "same lists with `preset`.\n\nPresets:",
      docs);
  schema_.block.attributes = {
      Attribute::Required(
          "name", Type::String(),
          absl::StrCat("The preset: `", absl::StrJoin(names, "`, `"), "`."))
          .Validate(OneOf(names)),
      Attribute::Computed("id", Type::String(), "The preset name."),
      Attribute::Computed("role_name", Type::String(),
                          "The suggested role display name."),
      Attribute::Computed("description", Type::String(),
                          "What the role allows and denies."),
      Attribute::Computed("actions", Type::List(Type::String()),
                          "Control-plane operations the role allows."),
      Attribute::Computed("not_actions", Type::List(Type::String()),
                          "Control-plane operations excluded from `actions`."),
      Attribute::Computed("data_actions", Type::List(Type::String()),
                          "Data-plane operations the role allows."),
      Attribute::Computed("not_data_actions", Type::List(Type::String()),
                          "Data-plane operations excluded from "
                          "`data_actions`."),
  };
}

void RolePresetDataSource::Read(const core::ReadDataRequest& req,
                                core::ReadDataResponse& resp) const {
  std::string name = req.config.GetString("name").value_or("");
  std::optional<RolePreset> p = FindRolePreset(name);
  if (!p) {
    std::vector<std::string> names;
    for (const RolePreset& r : AllRolePresets()) names.push_back(r.name);
    resp.diagnostics.AddAttributeError(
        tf::AttributePath::Root("name"), "Unknown role preset",
        absl::StrCat("\"", name, "\" is not a preset. Use one of: ",
                     absl::StrJoin(names, ", "), "."));
    return;
  }
  resp.state = Value::Object(
      schema_.ImpliedType(),
      {{"name", Value::String(name)},
       {"id", Value::String(name)},
       {"role_name", Value::String(p->role_name)},
       {"description", Value::String(p->description)},
       {"actions", Value::StringList(p->permissions.actions)},
       {"not_actions", Value::StringList(p->permissions.not_actions)},
       {"data_actions", Value::StringList(p->permissions.data_actions)},
       {"not_data_actions",
        Value::StringList(p->permissions.not_data_actions)}});
}

}  // namespace secureaml::resources
