#include "resources/role_definition.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "provider/azure/arm_error.h"
#include "provider/azure/uuid.h"
#include "provider/core/object_checks.h"
#include "provider/core/timeouts.h"
#include "resources/common/azure_context.h"
#include "resources/common/validators.h"

namespace secureaml::resources {
namespace {

using tf::Attribute;
using tf::AttributePath;
using tf::Type;
using tf::Value;

constexpr char kProvidersAuthorization[] =
    "/providers/Microsoft.Authorization/";
constexpr const char* kPermissionLists[] = {"actions", "not_actions",
                                            "data_actions", "not_data_actions"};
constexpr const char* kArmPermissionLists[] = {"actions", "notActions",
                                               "dataActions", "notDataActions"};

std::vector<std::string> StringsOf(const Value& object,
                                   const std::string& name) {
  std::vector<std::string> out;
  if (!object.IsKnown()) return out;
  const Value& list = object.GetAttr(name);
  if (!list.IsKnown()) return out;
  for (const Value& e : list.Elements()) {
    if (e.IsKnown()) out.push_back(e.AsString());
  }
  return out;
}

// A member of a JSON object, or null: const operator[] on a missing key is
// undefined behaviour in nlohmann::json.
const nlohmann::json& Member(const nlohmann::json& j, const char* key) {
  static const nlohmann::json kNull;
  if (!j.is_object()) return kNull;
  auto it = j.find(key);
  return it == j.end() ? kNull : *it;
}

std::vector<std::string> JsonStrings(const nlohmann::json& j) {
  std::vector<std::string> out;
  if (!j.is_array()) return out;
  for (const auto& e : j) {
    if (e.is_string()) out.push_back(e.get<std::string>());
  }
  return out;
}

std::string JsonString(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return "";
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

std::string Lower(absl::string_view s) { return absl::AsciiStrToLower(s); }

// The four permission lists a configuration asks for: the preset's lists
// extended by the explicit `permissions` block. nullopt while any input is
// unknown (the plan then shows "known after apply").
std::optional<RolePermissions> EffectivePermissions(const Value& config) {
  if (!config.IsKnown()) return std::nullopt;
  const Value& preset = config.GetAttr("preset");
  const Value& blocks = config.GetAttr("permissions");
  if (preset.IsUnknown() || blocks.IsUnknown()) return std::nullopt;
  RolePermissions out;
  if (preset.IsKnown()) {
    std::optional<RolePreset> p = FindRolePreset(preset.AsString());
    if (p) out = p->permissions;
  }
  if (blocks.IsKnown()) {
    for (const Value& block : blocks.Elements()) {
      if (!block.IsWhollyKnown()) return std::nullopt;
      out.actions = MergeActions(out.actions, StringsOf(block, "actions"));
      out.not_actions =
          MergeActions(out.not_actions, StringsOf(block, "not_actions"));
      out.data_actions =
          MergeActions(out.data_actions, StringsOf(block, "data_actions"));
      out.not_data_actions = MergeActions(out.not_data_actions,
                                          StringsOf(block, "not_data_actions"));
    }
  }
  return out;
}

const std::vector<std::string>& ListAt(const RolePermissions& p, int i) {
  switch (i) {
    case 0:
      return p.actions;
    case 1:
      return p.not_actions;
    case 2:
      return p.data_actions;
    default:
      return p.not_data_actions;
  }
}

std::vector<std::string>* ListOf(RolePermissions& p, int i) {
  switch (i) {
    case 0:
      return &p.actions;
    case 1:
      return &p.not_actions;
    case 2:
      return &p.data_actions;
    default:
      return &p.not_data_actions;
  }
}

// What `name` and `description` plan to when the configuration leaves them
// out: the preset's, so `preset = "data_scientist"` alone is a whole role.
std::optional<std::string> PresetField(const Value& config, bool want_name) {
  std::optional<std::string> preset = config.GetString("preset");
  if (!preset) return std::nullopt;
  std::optional<RolePreset> p = FindRolePreset(*preset);
  if (!p) return std::nullopt;
  return want_name ? p->role_name : p->description;
}

std::string DefinitionId(absl::string_view scope, absl::string_view guid) {
  return absl::StrCat(absl::StripSuffix(scope, "/"), kProvidersAuthorization,
                      "roleDefinitions/", guid);
}

nlohmann::json BuildBody(const Value& planned, const RolePermissions& perms,
                         const std::string& name) {
  nlohmann::json p;
  p["actions"] = perms.actions;
  p["notActions"] = perms.not_actions;
  p["dataActions"] = perms.data_actions;
  p["notDataActions"] = perms.not_data_actions;
  nlohmann::json props;
  props["roleName"] = name;
  props["type"] = "CustomRole";
  props["permissions"] = nlohmann::json::array({p});
  std::vector<std::string> scopes = StringsOf(planned, "assignable_scopes");
  if (scopes.empty()) scopes.push_back(planned.GetString("scope").value_or(""));
  props["assignableScopes"] = scopes;
  if (std::optional<std::string> d = planned.GetString("description")) {
    props["description"] = *d;
  } else {
    props["description"] = "";
  }
  return nlohmann::json{{"properties", props}};
}

// Reads the definition until kConsecutiveReads GETs in a row succeed. The
// client retries each 404 (Authorization reads replicate behind writes), so
// a flapping replica restarts nothing here but costs one more backoff.
absl::StatusOr<nlohmann::json> WaitReadable(const AzureProviderData& az,
                                            const core::OperationContext& ctx,
                                            const std::string& id) {
  azure::RequestOptions opts = RequestOptionsFor(ctx);
  opts.retry_rules.push_back(
      azure::RetryNotFoundAfterCreate(absl::Minutes(10)));
  nlohmann::json last;
  for (int i = 0; i < RoleDefinitionResource::kConsecutiveReads; ++i) {
    absl::StatusOr<azure::ArmResponse> r =
        az.arm->Get(id, kAuthorizationApiVersion, opts);
    if (!r.ok()) return r.status();
    last = r->body;
  }
  return last;
}

// Copies what the service reports onto a state value: service-owned fields
// always, configuration-shaped fields only where they differ in substance
// (ARM may reorder lists or change casing).
Value ApplyBody(const Value& state, const nlohmann::json& body, bool imported) {
  Value out = state;
  const nlohmann::json props = body.is_object() && body.contains("properties")
                                   ? body["properties"]
                                   : nlohmann::json::object();
  if (std::string id = JsonString(body, "id"); !id.empty()) {
    out = out.WithAttr("role_definition_resource_id", Value::String(id));
  }
  if (std::string guid = JsonString(body, "name"); !guid.empty()) {
    std::optional<std::string> prior = state.GetString("role_definition_id");
    if (!prior || !absl::EqualsIgnoreCase(*prior, guid)) {
      out = out.WithAttr("role_definition_id", Value::String(guid));
    }
  }
  out = out.WithAttr("name", Value::String(JsonString(props, "roleName")));
  std::string description = JsonString(props, "description");
  std::optional<std::string> prior_description = state.GetString("description");
  if (!(description.empty() && !prior_description)) {
    out = out.WithAttr("description", Value::String(description));
  }
  std::vector<std::string> scopes =
      JsonStrings(Member(props, "assignableScopes"));
  std::vector<std::string> prior_scopes = StringsOf(state, "assignable_scopes");
  if (!SameActions(scopes, prior_scopes)) {
    out = out.WithAttr("assignable_scopes", Value::StringList(scopes));
  }

  RolePermissions actual;
  if (Member(props, "permissions").is_array()) {
    for (const auto& p : Member(props, "permissions")) {
      for (int i = 0; i < 4; ++i) {
        *ListOf(actual, i) = MergeActions(
            *ListOf(actual, i), JsonStrings(Member(p, kArmPermissionLists[i])));
      }
    }
  }
  for (int i = 0; i < 4; ++i) {
    std::string attr = absl::StrCat("effective_", kPermissionLists[i]);
    std::vector<std::string> prior = StringsOf(state, attr);
    if (state.GetAttr(attr).IsNull() ||
        !SameActions(prior, *ListOf(actual, i))) {
      out = out.WithAttr(attr, Value::StringList(*ListOf(actual, i)));
    }
  }

  if (imported) {
    // Nothing in state says how the role was written. A role that is exactly
    // a preset imports as that preset so a preset configuration plans clean.
    const tf::Type block_type =
        state.type().AttributeTypes().count("permissions")
            ? state.type().AttributeTypes().at("permissions").ElementType()
            : Type::Dynamic();
    std::optional<std::string> preset_name;
    for (const RolePreset& p : AllRolePresets()) {
      RolePermissions pp = p.permissions;
      bool same = true;
      for (int i = 0; i < 4; ++i) {
        same = same && SameActions(*ListOf(pp, i), *ListOf(actual, i));
      }
      if (same) {
        preset_name = p.name;
        break;
      }
    }
    if (preset_name) {
      out = out.WithAttr("preset", Value::String(*preset_name));
      out = out.WithAttr("permissions", Value::List(block_type, {}));
    } else {
      std::map<std::string, Value> attrs;
      // Empty lists import as unset: configurations usually omit them.
      for (int i = 0; i < 4; ++i) {
        if (!ListAt(actual, i).empty()) {
          attrs[kPermissionLists[i]] = Value::StringList(ListAt(actual, i));
        }
      }
      out = out.WithAttr(
          "permissions",
          Value::List(block_type,
                      {Value::Object(block_type, std::move(attrs))}));
    }
  }
  return out;
}

Value WithEffective(Value state, const RolePermissions& perms) {
  for (int i = 0; i < 4; ++i) {
    state = state.WithAttr(absl::StrCat("effective_", kPermissionLists[i]),
                           Value::StringList(ListAt(perms, i)));
  }
  return state;
}

}  // namespace

std::string AuthorizationId::ToString() const {
  return absl::StrCat(absl::StripSuffix(scope, "/"), kProvidersAuthorization,
                      type, "/", name);
}

absl::StatusOr<AuthorizationId> ParseAuthorizationId(absl::string_view id,
                                                     absl::string_view type) {
  const std::string marker =
      Lower(absl::StrCat(kProvidersAuthorization, type, "/"));
  const std::string lower = Lower(id);
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", id, "\" is not a valid ", type, " ID: ", why,
        ". Expected {scope}", kProvidersAuthorization, type,
        "/{guid}, for example /subscriptions/00000000-0000-0000-0000-"
        "000000000000",
        kProvidersAuthorization, type,
        "/11111111-1111-1111-1111-111111111111."));
  };
  size_t at = lower.rfind(marker);
  if (at == std::string::npos) {
    return bad(absl::StrCat("it does not contain ", kProvidersAuthorization,
                            type, "/"));
  }
  AuthorizationId out;
  out.scope = std::string(id.substr(0, at));
  out.type = std::string(
      id.substr(at + std::string(kProvidersAuthorization).size(), type.size()));
  out.name = std::string(id.substr(at + marker.size()));
  if (out.name.empty() || absl::StrContains(out.name, "/")) {
    return bad("the last segment must be the GUID");
  }
  if (!IsGuid(out.name)) return bad("the last segment is not a GUID");
  if (!out.scope.empty() && !IsValidRoleScope(out.scope)) {
    return bad(
        "the scope must start with /subscriptions/ or "
        "/providers/Microsoft.Management/managementGroups/");
  }
  return out;
}

bool IsValidRoleScope(absl::string_view scope) {
  const std::string lower = Lower(scope);
  if (absl::StartsWith(lower, "/subscriptions/")) {
    return lower.size() > absl::string_view("/subscriptions/").size();
  }
  constexpr absl::string_view kMg =
      "/providers/microsoft.management/managementgroups/";
  return absl::StartsWith(lower, kMg) && lower.size() > kMg.size();
}

tf::Validator RoleScope() {
  return [](const Value& value, const AttributePath& path,
            tf::Diagnostics& diags) {
    if (!value.IsKnown() || value.type() != Type::String()) return;
    if (!IsValidRoleScope(value.AsString())) {
      diags.AddAttributeError(
          path, "Invalid scope",
          absl::StrCat("\"", value.AsString(),
                       "\" is not a role scope. Use a subscription "
                       "(/subscriptions/{id}), a resource group, a resource "
                       "ID, or a management group "
                       "(/providers/Microsoft.Management/managementGroups/"
                       "{name})."));
    }
  };
}

bool SameScope(absl::string_view a, absl::string_view b) {
  return absl::EqualsIgnoreCase(absl::StripSuffix(a, "/"),
                                absl::StripSuffix(b, "/"));
}

std::vector<std::string> MergeActions(const std::vector<std::string>& a,
                                      const std::vector<std::string>& b) {
  std::vector<std::string> out;
  std::vector<std::string> seen;
  for (const auto* list : {&a, &b}) {
    for (const std::string& s : *list) {
      std::string key = Lower(s);
      if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
      seen.push_back(key);
      out.push_back(s);
    }
  }
  return out;
}

bool SameActions(const std::vector<std::string>& a,
                 const std::vector<std::string>& b) {
  auto norm = [](const std::vector<std::string>& v) {
    std::vector<std::string> out;
    for (const auto& s : v) out.push_back(Lower(s));
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  };
  return norm(a) == norm(b);
}

RoleDefinitionResource::RoleDefinitionResource() {
  std::vector<std::string> preset_names;
  std::string preset_docs;
  for (const RolePreset& p : AllRolePresets()) {
    preset_names.push_back(p.name);
    absl::StrAppend(&preset_docs, "\n  - `", p.name, "` (\"", p.role_name,
                    "\"): ", p.description);
  }

  tf::Block perms;
  perms.description =
      "Explicit permissions. With `preset` they extend the preset's lists.";
  perms.attributes = {
      Attribute::Optional("actions", Type::List(Type::String()),
                          "Control-plane operations the role allows, such as "
                          "`Microsoft.MachineLearningServices/workspaces/"
                          "*/read`."),
      Attribute::Optional("not_actions", Type::List(Type::String()),
                          "Control-plane operations excluded from `actions`."),
      Attribute::Optional("data_actions", Type::List(Type::String()),
                          "Data-plane operations the role allows."),
      Attribute::Optional("not_data_actions", Type::List(Type::String()),
                          "Data-plane operations excluded from "
                          "`data_actions`."),
  };

  schema_.block.description = absl::StrCat(
      "An Azure custom role definition "
      "(`Microsoft.Authorization/roleDefinitions`, API 2022-04-01), written "
      "by hand or from a least-privilege preset for an Azure ML platform.\n\n"
      "Create waits until the new definition is readable several times in a "
      "row, so a `secureaml_role_assignment` of it in the same apply does not "
      "fail with `RoleDefinitionDoesNotExist` (azurerm issues #10479 and "
      "#19916).\n\n"
      "Presets:",
      preset_docs);
  schema_.block.attributes = {
      Attribute::Computed(
          "id", Type::String(),
          "The role definition's ARM ID at its scope: "
          "`{scope}/providers/Microsoft.Authorization/roleDefinitions/"
          "{role_definition_id}`.")
          .UseStateForUnknown(),
      Attribute::OptionalComputed(
          "role_definition_id", Type::String(),
          "The role definition's GUID. Generated at create when not set. "
          "Changing it replaces the role.")
          .ForceNew()
          .UseStateForUnknown()
          .Validate(Guid()),
      Attribute::Computed(
          "role_definition_resource_id", Type::String(),
          "The ID Azure reports for the role "
          "(`/subscriptions/{subscription}/providers/Microsoft.Authorization/"
          "roleDefinitions/{guid}` even for a resource-group scope). Use it "
          "as `role_definition_id` of a role assignment.")
          .UseStateForUnknown(),
      Attribute::OptionalComputed(
          "name", Type::String(),
          "The role's display name, unique in the tenant. Defaults to the "
          "preset's role name. Updated in place.")
          .Validate(StringLengthBetween(1, 512)),
      Attribute::Required(
          "scope", Type::String(),
          "Where the role is defined: a subscription "
          "(`/subscriptions/{id}`), a resource group or resource below it, or "
          "a management group. Changing it replaces the role.")
          .ForceNew()
          .Validate(RoleScope()),
      Attribute::OptionalComputed(
          "description", Type::String(),
          "What the role is for. Defaults to the preset's description. "
          "Updated in place."),
      Attribute::Optional(
          "preset", Type::String(),
          absl::StrCat("A least-privilege permission set for an Azure ML "
                       "platform (see the resource description). Explicit "
                       "`permissions` extend it. One of: `",
                       absl::StrJoin(preset_names, "`, `"), "`."))
          .Validate(OneOf(preset_names)),
      Attribute::OptionalComputed(
          "assignable_scopes", Type::List(Type::String()),
          "Scopes at which the role can be assigned. Defaults to "
          "`[scope]`. Updated in place.")
          .Validate([](const Value& v, const AttributePath& path,
                       tf::Diagnostics& diags) {
            if (!v.IsKnown()) return;
            int64_t i = 0;
            for (const Value& e : v.Elements()) {
              if (e.IsKnown() && !IsValidRoleScope(e.AsString())) {
                RoleScope()(e, path.Index(i), diags);
              }
              ++i;
            }
          }),
      Attribute::Computed("effective_actions", Type::List(Type::String()),
                          "The `actions` the role grants: the preset's plus "
                          "the explicit ones, without duplicates."),
      Attribute::Computed("effective_not_actions", Type::List(Type::String()),
                          "The effective `not_actions`."),
      Attribute::Computed("effective_data_actions", Type::List(Type::String()),
                          "The effective `data_actions`."),
      Attribute::Computed("effective_not_data_actions",
                          Type::List(Type::String()),
                          "The effective `not_data_actions`."),
  };
  schema_.block.blocks = {
      tf::NestedBlock::List("permissions", perms, 0, 1),
      core::TimeoutsBlock(Timeouts()),
  };
}

core::DefaultTimeouts RoleDefinitionResource::Timeouts() const {
  core::DefaultTimeouts t;
  t.create = absl::Minutes(30);
  t.read = absl::Minutes(5);
  t.update = absl::Minutes(30);
  t.del = absl::Minutes(30);
  return t;
}

void RoleDefinitionResource::ValidateConfig(
    const core::ValidateConfigRequest& req,
    core::ValidateConfigResponse& resp) const {
  const Value& c = req.config;
  if (!c.IsKnown()) return;
  const Value& preset = c.GetAttr("preset");
  const Value& name = c.GetAttr("name");
  if (preset.IsNull() && name.IsNull()) {
    resp.diagnostics.AddAttributeError(
        AttributePath::Root("name"), "Missing role name",
        "Set `name`, or set `preset` to use the preset's role name.");
  }
  const Value& blocks = c.GetAttr("permissions");
  if (preset.IsNull() && blocks.IsKnown()) {
    bool any = false;
    for (const Value& b : blocks.Elements()) {
      for (const char* l : kPermissionLists) {
        const Value& v = b.IsKnown() ? b.GetAttr(l) : Value();
        if (v.IsUnknown() || (v.IsKnown() && !v.Elements().empty())) any = true;
      }
      if (!b.IsKnown()) any = true;
    }
    if (!any) {
      resp.diagnostics.AddAttributeError(
          AttributePath::Root("permissions"), "No permissions",
          "A custom role needs permissions: set `preset` (it_admin, "
          "data_scientist or super_data_scientist) or a `permissions` block "
          "with at least one action.");
    }
  }
}

void RoleDefinitionResource::ModifyPlan(const core::ModifyPlanRequest& req,
                                        core::ModifyPlanResponse& resp) const {
  Value plan = resp.planned_state;
  if (!plan.IsKnown() || !req.config.IsKnown()) return;
  const Value& config = req.config;

  auto defaulted = [&](const char* attr, bool want_name) {
    if (!config.GetAttr(attr).IsNull()) return;
    if (config.GetAttr("preset").IsUnknown()) {
      plan = plan.WithAttr(attr, Value::Unknown(Type::String()));
    } else if (std::optional<std::string> v = PresetField(config, want_name)) {
      plan = plan.WithAttr(attr, Value::String(*v));
    } else {
      plan = plan.WithAttr(attr, Value::Null(Type::String()));
    }
  };
  defaulted("name", true);
  defaulted("description", false);

  const Value& scope = config.GetAttr("scope");
  if (config.GetAttr("assignable_scopes").IsNull()) {
    if (scope.IsKnown()) {
      // Keep the prior spelling when it only differs in case.
      std::vector<std::string> prior =
          StringsOf(req.prior_state, "assignable_scopes");
      if (prior.size() == 1 && SameScope(prior[0], scope.AsString())) {
        plan = plan.WithAttr("assignable_scopes", Value::StringList(prior));
      } else {
        plan = plan.WithAttr("assignable_scopes",
                             Value::StringList({scope.AsString()}));
      }
    } else {
      plan = plan.WithAttr("assignable_scopes",
                           Value::Unknown(Type::List(Type::String())));
    }
  }

  if (std::optional<RolePermissions> eff = EffectivePermissions(config)) {
    // Keep the prior order when only the order differs: no diff for nothing.
    RolePermissions shown = *eff;
    for (int i = 0; i < 4; ++i) {
      std::string attr = absl::StrCat("effective_", kPermissionLists[i]);
      std::vector<std::string> prior = StringsOf(req.prior_state, attr);
      if (req.prior_state.IsKnown() &&
          req.prior_state.GetAttr(attr).IsKnown() &&
          SameActions(prior, *ListOf(shown, i))) {
        *ListOf(shown, i) = prior;
      }
    }
    plan = WithEffective(plan, shown);
  } else {
    for (const char* l : kPermissionLists) {
      plan = plan.WithAttr(absl::StrCat("effective_", l),
                           Value::Unknown(Type::List(Type::String())));
    }
  }

  // A GUID chosen in configuration gives a known ID at plan time.
  const Value& guid = plan.GetAttr("role_definition_id");
  if (req.prior_state.IsNull() && guid.IsKnown() && scope.IsKnown()) {
    plan = plan.WithAttr(
        "id", Value::String(DefinitionId(scope.AsString(), guid.AsString())));
  }
  resp.planned_state = plan;
}

void RoleDefinitionResource::Create(const core::CreateRequest& req,
                                    core::CreateResponse& resp) const {
  const AzureProviderData* az = RequireAzure(req.ctx, resp.diagnostics);
  if (az == nullptr) return;
  Value plan = req.planned_state;
  std::optional<RolePermissions> perms = EffectivePermissions(req.config);
  if (!perms) perms = EffectivePermissions(plan);
  if (!perms) {
    resp.diagnostics.AddError("Unknown permissions",
                              "The role's permissions are not known at apply "
                              "time; this is a provider bug.");
    return;
  }
  std::string guid =
      plan.GetString("role_definition_id").value_or(azure::NewUuid());
  std::string scope = plan.GetString("scope").value_or("");
  std::string name = plan.GetString("name").value_or(
      PresetField(req.config, true).value_or(""));
  const std::string id = DefinitionId(scope, guid);

  plan = plan.WithAttr("role_definition_id", Value::String(guid));
  plan = plan.WithAttr("name", Value::String(name));
  plan = plan.WithAttr("id", Value::String(id));
  plan = WithEffective(plan, *perms);
  if (plan.GetAttr("assignable_scopes").IsUnknown() ||
      plan.GetAttr("assignable_scopes").IsNull()) {
    plan = plan.WithAttr("assignable_scopes", Value::StringList({scope}));
  }
  if (plan.GetAttr("description").IsUnknown()) {
    plan = plan.WithAttr("description", Value::Null(Type::String()));
  }

  absl::StatusOr<azure::ArmResponse> put =
      az->arm->Put(id, kAuthorizationApiVersion, BuildBody(plan, *perms, name),
                   RequestOptionsFor(req.ctx));
  if (!put.ok()) {
    if (WriteMayHaveLanded(put.status())) {
      resp.new_state = core::ReplaceUnknowns(
          plan.WithAttr("role_definition_resource_id", Value::String(id)),
          nullptr, nullptr);
    }
    AddAzureError(resp.diagnostics, put.status(),
                  "Failed to create role definition", id);
    return;
  }
  std::string resource_id = JsonString(put->body, "id");
  if (resource_id.empty()) resource_id = id;
  plan =
      plan.WithAttr("role_definition_resource_id", Value::String(resource_id));
  // Tracked from here on: a failed wait taints instead of orphaning.
  resp.new_state = plan;

  absl::StatusOr<nlohmann::json> got = WaitReadable(*az, req.ctx, id);
  if (!got.ok()) {
    AddAzureError(resp.diagnostics, got.status(),
                  "Role definition created but not readable yet", id);
    return;
  }
  if (std::string rid = JsonString(*got, "id"); !rid.empty()) {
    resp.new_state = resp.new_state.WithAttr("role_definition_resource_id",
                                             Value::String(rid));
  }
}

void RoleDefinitionResource::Read(const core::ReadRequest& req,
                                  core::ReadResponse& resp) const {
  std::optional<nlohmann::json> body =
      ReadById(req, resp, kAuthorizationApiVersion, "role definition");
  if (!body) return;
  const Value& state = req.current_state;
  // Freshly imported state has no effective lists yet.
  bool imported = state.GetAttr("effective_actions").IsNull();
  resp.new_state = ApplyBody(state, *body, imported);
}

void RoleDefinitionResource::Update(const core::UpdateRequest& req,
                                    core::UpdateResponse& resp) const {
  const AzureProviderData* az = RequireAzure(req.ctx, resp.diagnostics);
  if (az == nullptr) return;
  Value plan = req.planned_state;
  std::optional<RolePermissions> perms = EffectivePermissions(req.config);
  if (!perms) {
    resp.diagnostics.AddError("Unknown permissions",
                              "The role's permissions are not known at apply "
                              "time; this is a provider bug.");
    return;
  }
  const std::string id = req.prior_state.GetString("id").value_or("");
  std::string name = plan.GetString("name").value_or(
      PresetField(req.config, true).value_or(""));
  plan = plan.WithAttr("name", Value::String(name));
  plan = WithEffective(plan, *perms);
  if (plan.GetAttr("description").IsUnknown()) {
    plan = plan.WithAttr("description", Value::Null(Type::String()));
  }
  absl::StatusOr<azure::ArmResponse> put =
      az->arm->Put(id, kAuthorizationApiVersion, BuildBody(plan, *perms, name),
                   RequestOptionsFor(req.ctx));
  if (!put.ok()) {
    resp.new_state = req.prior_state;
    AddAzureError(resp.diagnostics, put.status(),
                  "Failed to update role definition", id);
    return;
  }
  resp.new_state = plan;
  // Updates replicate like creates; assignments in the same apply read them.
  absl::StatusOr<nlohmann::json> got = WaitReadable(*az, req.ctx, id);
  if (!got.ok()) {
    AddAzureError(resp.diagnostics, got.status(),
                  "Role definition updated but not readable yet", id);
  }
}

void RoleDefinitionResource::Delete(const core::DeleteRequest& req,
                                    core::DeleteResponse& resp) const {
  const AzureProviderData* az = RequireAzure(req.ctx, resp.diagnostics);
  if (az == nullptr) return;
  std::optional<std::string> id = req.prior_state.GetString("id");
  if (!id) return;
  azure::RequestOptions opts = RequestOptionsFor(req.ctx);
  // An assignment deleted earlier in the same destroy takes a moment to
  // stop counting against the definition.
  azure::RetryRule has_assignments;
  has_assignments.name = "role definition still has assignments";
  has_assignments.arm_code = "RoleDefinitionHasAssignments";
  has_assignments.window = absl::Minutes(2);
  opts.retry_rules.push_back(has_assignments);
  absl::StatusOr<azure::ArmResponse> r =
      az->arm->Delete(*id, kAuthorizationApiVersion, opts);
  if (!r.ok() && !absl::IsNotFound(r.status())) {
    AddAzureError(resp.diagnostics, r.status(),
                  "Failed to delete role definition", *id);
  }
}

void RoleDefinitionResource::ImportState(const core::ImportRequest& req,
                                         core::ImportResponse& resp) const {
  // Accept azurerm's "{id}|{scope}" as well as the plain ID.
  absl::string_view raw = absl::StripAsciiWhitespace(req.id);
  std::string explicit_scope;
  if (size_t bar = raw.find('|'); bar != absl::string_view::npos) {
    explicit_scope = std::string(raw.substr(bar + 1));
    raw = raw.substr(0, bar);
  }
  absl::StatusOr<AuthorizationId> parsed =
      ParseAuthorizationId(raw, "roleDefinitions");
  if (!parsed.ok()) {
    resp.diagnostics.AddError("Invalid import ID",
                              std::string(parsed.status().message()));
    return;
  }
  std::string scope = explicit_scope.empty() ? parsed->scope : explicit_scope;
  if (scope.empty() || !IsValidRoleScope(scope)) {
    resp.diagnostics.AddError(
        "Invalid import ID",
        absl::StrCat(
            "Cannot tell the scope of \"", req.id,
            "\". Import with the scoped ID "
            "({scope}/providers/Microsoft.Authorization/"
            "roleDefinitions/{guid}) or as \"{id}|{scope}\", for "
            "example \"/providers/Microsoft.Authorization/"
            "roleDefinitions/{guid}|/subscriptions/{subscription}\"."));
    return;
  }
  scope = std::string(absl::StripSuffix(scope, "/"));
  resp.state =
      Value::Object(schema_.ImpliedType(),
                    {{"id", Value::String(DefinitionId(scope, parsed->name))},
                     {"scope", Value::String(scope)},
                     {"role_definition_id", Value::String(parsed->name)}});
}

}  // namespace secureaml::resources
