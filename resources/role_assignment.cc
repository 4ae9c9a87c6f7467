#include "resources/role_assignment.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "provider/azure/arm_error.h"
#include "provider/azure/uuid.h"
#include "provider/core/object_checks.h"
#include "provider/core/timeouts.h"
#include "resources/common/azure_context.h"
#include "resources/common/validators.h"
#include "resources/role_definition.h"

namespace secureaml::resources {
namespace {

using tf::Attribute;
using tf::AttributePath;
using tf::Type;
using tf::Value;

std::string JsonString(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return "";
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

// The GUID at the end of a role definition ID, lower-cased, or "".
std::string RoleGuid(absl::string_view role_definition_id) {
  absl::StatusOr<AuthorizationId> id =
      ParseAuthorizationId(role_definition_id, "roleDefinitions");
  return id.ok() ? absl::AsciiStrToLower(id->name) : "";
}

std::string AssignmentId(absl::string_view scope, absl::string_view name) {
  return AuthorizationId{std::string(absl::StripSuffix(scope, "/")),
                         "roleAssignments", std::string(name)}
      .ToString();
}

tf::Validator RoleDefinitionIdValidator() {
  return [](const Value& v, const AttributePath& path, tf::Diagnostics& d) {
    if (!v.IsKnown() || v.type() != Type::String()) return;
    absl::StatusOr<AuthorizationId> id =
        ParseAuthorizationId(v.AsString(), "roleDefinitions");
    if (!id.ok()) {
      d.AddAttributeError(
          path, "Invalid role definition ID",
          absl::StrCat(id.status().message(),
                       " Use `secureaml_role_definition.<name>."
                       "role_definition_resource_id` or a built-in role's "
                       "ID."));
    }
  };
}

tf::Validator GoDuration() {
  return [](const Value& v, const AttributePath& path, tf::Diagnostics& d) {
    if (!v.IsKnown() || v.type() != Type::String()) return;
    absl::StatusOr<absl::Duration> dur = core::ParseGoDuration(v.AsString());
    if (!dur.ok()) {
      d.AddAttributeError(path, "Invalid duration",
                          absl::StrCat(dur.status().message(),
                                       ". Use a duration such as \"90s\" or "
                                       "\"5m\"."));
    }
  };
}

absl::Duration PrincipalTimeout(const Value& config,
                                const AzureProviderData& az) {
  if (std::optional<std::string> s =
          config.GetString("principal_replication_timeout")) {
    absl::StatusOr<absl::Duration> d = core::ParseGoDuration(*s);
    if (d.ok()) return *d;
  }
  return az.principal_replication_timeout;
}

nlohmann::json BuildBody(const Value& plan) {
  nlohmann::json props;
  props["roleDefinitionId"] = plan.GetString("role_definition_id").value_or("");
  props["principalId"] = plan.GetString("principal_id").value_or("");
  if (auto t = plan.GetString("principal_type")) props["principalType"] = *t;
  if (auto d = plan.GetString("description")) props["description"] = *d;
  if (auto c = plan.GetString("condition")) {
    props["condition"] = *c;
    props["conditionVersion"] =
        plan.GetString("condition_version").value_or("2.0");
  }
  return nlohmann::json{{"properties", props}};
}

// Service-reported fields onto state; identifiers keep the configured
// spelling when they mean the same thing (ARM returns the role definition ID
// at subscription level and may change the scope's case).
Value ApplyBody(const Value& state, const nlohmann::json& body) {
  Value out = state;
  const nlohmann::json props = body.is_object() && body.contains("properties")
                                   ? body["properties"]
                                   : nlohmann::json::object();
  if (std::string name = JsonString(body, "name"); !name.empty()) {
    std::optional<std::string> prior = state.GetString("name");
    if (!prior || !absl::EqualsIgnoreCase(*prior, name)) {
      out = out.WithAttr("name", Value::String(name));
    }
  }
  if (std::string scope = JsonString(props, "scope"); !scope.empty()) {
    std::optional<std::string> prior = state.GetString("scope");
    if (!prior || !SameScope(*prior, scope)) {
      out = out.WithAttr("scope", Value::String(scope));
    }
  }
  if (std::string rd = JsonString(props, "roleDefinitionId"); !rd.empty()) {
    std::optional<std::string> prior = state.GetString("role_definition_id");
    if (!prior || RoleGuid(*prior) != RoleGuid(rd)) {
      out = out.WithAttr("role_definition_id", Value::String(rd));
    }
  }
  if (std::string p = JsonString(props, "principalId"); !p.empty()) {
    std::optional<std::string> prior = state.GetString("principal_id");
    if (!prior || !absl::EqualsIgnoreCase(*prior, p)) {
      out = out.WithAttr("principal_id", Value::String(p));
    }
  }
  if (std::string t = JsonString(props, "principalType"); !t.empty()) {
    out = out.WithAttr("principal_type", Value::String(t));
  }
  auto optional_string = [&](const char* attr, const char* key) {
    std::string v = JsonString(props, key);
    if (v.empty()) {
      out = out.WithAttr(attr, Value::Null(Type::String()));
    } else {
      out = out.WithAttr(attr, Value::String(v));
    }
  };
  optional_string("description", "description");
  optional_string("condition", "condition");
  optional_string("condition_version", "conditionVersion");
  return out;
}

// The ID of the assignment a RoleAssignmentExists error refers to: from the
// message when Azure includes it, else by listing the principal's
// assignments at the scope.
std::optional<std::string> FindExisting(const AzureProviderData& az,
                                        const core::OperationContext& ctx,
                                        const Value& plan,
                                        const azure::ArmError* error) {
  const std::string scope = plan.GetString("scope").value_or("");
  if (error != nullptr) {
    if (auto guid = ExistingAssignmentGuidFromMessage(error->message)) {
      return AssignmentId(scope, *guid);
    }
  }
  const std::string principal = plan.GetString("principal_id").value_or("");
  const std::string role =
      RoleGuid(plan.GetString("role_definition_id").value_or(""));
  azure::RequestOptions opts = RequestOptionsFor(ctx);
  opts.query.emplace_back("$filter",
                          absl::StrCat("principalId eq '", principal, "'"));
  std::optional<std::string> found;
  absl::Status listed = az.arm->ListAll(
      absl::StrCat(absl::StripSuffix(scope, "/"),
                   "/providers/Microsoft.Authorization/roleAssignments"),
      kAuthorizationApiVersion, opts,
      [&](const nlohmann::json& a) {
        const nlohmann::json props =
            a.contains("properties") ? a["properties"] : nlohmann::json();
        if (!absl::EqualsIgnoreCase(JsonString(props, "principalId"),
                                    principal) ||
            RoleGuid(JsonString(props, "roleDefinitionId")) != role) {
          return true;
        }
        std::string s = JsonString(props, "scope");
        if (!s.empty() && !SameScope(s, scope)) return true;
        std::string id = JsonString(a, "id");
        if (!id.empty()) found = std::move(id);
        return !found.has_value();
      },
      /*max_pages=*/20);
  if (!listed.ok()) return std::nullopt;
  return found;
}

}  // namespace

std::optional<std::string> ExistingAssignmentGuidFromMessage(
    absl::string_view message) {
  // "... The ID of the existing role assignment is 0123...cdef." (32 hex
  // digits, no dashes).
  size_t run = 0;
  for (size_t i = 0; i <= message.size(); ++i) {
    bool hex = i < message.size() &&
               std::isxdigit(static_cast<unsigned char>(message[i]));
    if (hex) {
      ++run;
      continue;
    }
    if (run == 32) {
      std::string h = absl::AsciiStrToLower(message.substr(i - 32, 32));
      return absl::StrCat(h.substr(0, 8), "-", h.substr(8, 4), "-",
                          h.substr(12, 4), "-", h.substr(16, 4), "-",
                          h.substr(20));
    }
    run = 0;
  }
  return std::nullopt;
}

RoleAssignmentResource::RoleAssignmentResource() {
  schema_.block.description =
      "Grants a role to a user, group or service principal at a scope "
      "(`Microsoft.Authorization/roleAssignments`, API 2022-04-01).\n\n"
      "A principal that Entra ID has not replicated yet (`PrincipalNotFound`) "
      "is retried for `principal_replication_timeout` only, then reported "
      "with its ID, instead of consuming the whole create timeout. An "
      "identical assignment that already exists is reported with the "
      "`terraform import` command that adopts it.";
  schema_.block.attributes = {
      Attribute::Computed("id", Type::String(),
                          "The assignment's ARM ID: `{scope}/providers/"
                          "Microsoft.Authorization/roleAssignments/{name}`.")
          .UseStateForUnknown(),
      Attribute::OptionalComputed(
          "name", Type::String(),
          "The assignment's GUID. Generated at create when not set. Changing "
          "it replaces the assignment.")
          .ForceNew()
          .UseStateForUnknown()
          .Validate(Guid()),
      Attribute::Required(
          "scope", Type::String(),
          "Where the role applies: a subscription, resource group, resource "
          "(such as a workspace) or management group ID. Changing it "
          "replaces the assignment.")
          .ForceNew()
          .Validate(RoleScope()),
      Attribute::Required(
          "role_definition_id", Type::String(),
          "The full ID of the role definition, e.g. "
          "`secureaml_role_definition.ds.role_definition_resource_id` or "
          "`/subscriptions/{sub}/providers/Microsoft.Authorization/"
          "roleDefinitions/{guid}`. Changing it replaces the assignment.")
          .ForceNew()
          .Validate(RoleDefinitionIdValidator()),
      Attribute::Required(
          "principal_id", Type::String(),
          "The object ID (not the application/client ID) of the user, group "
          "or service principal. Changing it replaces the assignment.")
          .ForceNew()
          .Validate(Guid()),
      Attribute::OptionalComputed(
          "principal_type", Type::String(),
          "`User`, `Group`, `ServicePrincipal`, `ForeignGroup` or `Device`. "
          "Setting it lets Azure skip a directory lookup that fails for "
          "principals created moments ago. Changing it replaces the "
          "assignment.")
          .ForceNew()
          .UseStateForUnknown()
          .Validate(OneOf(
              {"User", "Group", "ServicePrincipal", "ForeignGroup", "Device"})),
      Attribute::Optional("description", Type::String(),
                          "Why the assignment exists. Updated in place."),
      Attribute::Optional(
          "condition", Type::String(),
          "An ABAC condition that narrows the assignment, e.g. to one "
          "storage container. Updated in place."),
      Attribute::OptionalComputed(
          "condition_version", Type::String(),
          "The condition language version; `2.0` (the default when "
          "`condition` is set). Updated in place.")
          .Validate(OneOf({"2.0"})),
      Attribute::Optional(
          "principal_replication_timeout", Type::String(),
          "How long to retry `PrincipalNotFound` while Entra ID replicates a "
          "new principal, as a duration such as \"90s\" or \"5m\". Defaults "
          "to the provider's `principal_replication_timeout` (3 minutes). A "
          "principal still missing after that is reported as probably "
          "nonexistent. Not sent to Azure.")
          .Validate(GoDuration()),
  };
  schema_.block.blocks = {core::TimeoutsBlock(Timeouts())};
}

core::DefaultTimeouts RoleAssignmentResource::Timeouts() const {
  core::DefaultTimeouts t;
  t.create = absl::Minutes(30);
  t.read = absl::Minutes(5);
  t.update = absl::Minutes(30);
  t.del = absl::Minutes(30);
  return t;
}

void RoleAssignmentResource::ValidateConfig(
    const core::ValidateConfigRequest& req,
    core::ValidateConfigResponse& resp) const {
  const Value& c = req.config;
  if (!c.IsKnown()) return;
  if (c.GetAttr("condition").IsNull() &&
      c.GetAttr("condition_version").IsKnown()) {
    resp.diagnostics.AddAttributeError(
        AttributePath::Root("condition_version"),
        "condition_version without condition",
        "`condition_version` only applies together with `condition`.");
  }
}

void RoleAssignmentResource::ModifyPlan(const core::ModifyPlanRequest& req,
                                        core::ModifyPlanResponse& resp) const {
  Value plan = resp.planned_state;
  if (!plan.IsKnown() || !req.config.IsKnown()) return;
  const Value& config = req.config;
  // condition_version follows condition: "2.0" with one, null without.
  if (config.GetAttr("condition_version").IsNull()) {
    const Value& cond = config.GetAttr("condition");
    if (cond.IsNull()) {
      plan = plan.WithAttr("condition_version", Value::Null(Type::String()));
    } else if (cond.IsKnown()) {
      plan = plan.WithAttr("condition_version", Value::String("2.0"));
    }
  }
  // principal_type left out: Azure reports it; keep it across updates.
  if (config.GetAttr("principal_type").IsNull() && req.prior_state.IsKnown()) {
    plan = plan.WithAttr("principal_type",
                         req.prior_state.GetAttr("principal_type"));
  }
  const Value& name = plan.GetAttr("name");
  const Value& scope = plan.GetAttr("scope");
  if (req.prior_state.IsNull() && name.IsKnown() && scope.IsKnown()) {
    plan = plan.WithAttr(
        "id", Value::String(AssignmentId(scope.AsString(), name.AsString())));
  }
  resp.planned_state = plan;
}

void RoleAssignmentResource::Create(const core::CreateRequest& req,
                                    core::CreateResponse& resp) const {
  const AzureProviderData* az = RequireAzure(req.ctx, resp.diagnostics);
  if (az == nullptr) return;
  Value plan = req.planned_state;
  const std::string name = plan.GetString("name").value_or(azure::NewUuid());
  const std::string scope = plan.GetString("scope").value_or("");
  const std::string principal = plan.GetString("principal_id").value_or("");
  const std::string id = AssignmentId(scope, name);
  plan = plan.WithAttr("name", Value::String(name));
  plan = plan.WithAttr("id", Value::String(id));

  const absl::Duration principal_timeout = PrincipalTimeout(req.config, *az);
  azure::RequestOptions opts = RequestOptionsFor(req.ctx);
  opts.retry_rules.push_back(azure::RetryPrincipalNotFound(principal_timeout));
  // A custom role created in this apply may not have reached every replica
  // even after its own read-back.
  opts.retry_rules.push_back(
      azure::RetryRoleDefinitionNotReplicated(absl::Minutes(5)));
  // The bound must hold even when the backoff would sleep past it.
  const absl::Time start = az->arm->options().clock->Now();
  const absl::Time bound = start + principal_timeout +
                           std::max(absl::Seconds(15), principal_timeout / 4);
  const bool bounded_by_principal = bound < opts.deadline;
  if (bounded_by_principal) opts.deadline = bound;

  absl::StatusOr<azure::ArmResponse> put =
      az->arm->Put(id, kAuthorizationApiVersion, BuildBody(plan), opts);
  if (!put.ok()) {
    std::optional<azure::ArmError> err = azure::GetArmError(put.status());
    const std::string code = err ? err->code : "";
    if (code == "PrincipalNotFound" ||
        (absl::IsDeadlineExceeded(put.status()) &&
         absl::StrContains(put.status().message(), "PrincipalNotFound"))) {
      resp.diagnostics.AddAttributeError(
          AttributePath::Root("principal_id"), "Principal not found",
          absl::StrCat(
              "Azure does not know the principal ", principal,
              " in this tenant after retrying for ",
              absl::FormatDuration(principal_timeout),
              ". It probably does not exist, or it was created so recently "
              "that Entra ID has not replicated it yet.\n\n"
              "Check that `principal_id` is the principal's object ID (not an "
              "application/client ID). If it was just created, set "
              "`principal_type` (Azure then skips the directory lookup) or "
              "raise `principal_replication_timeout`.\n\nAzure said: ",
              put.status().message()));
      return;
    }
    if (code == "RoleAssignmentExists") {
      std::optional<std::string> existing =
          FindExisting(*az, req.ctx, plan, err ? &*err : nullptr);
      std::string detail = absl::StrCat("The principal ", principal,
                                        " already has this role at ", scope,
                                        " through another assignment");
      if (existing) {
        absl::StrAppend(
            &detail, ": ", *existing,
            ".\n\nTo manage that assignment with Terraform, import it "
            "(replace <NAME> with this resource's name in your "
            "configuration):\n\n  terraform import "
            "secureaml_role_assignment.<NAME> ",
            *existing,
            "\n\nor add an import block:\n\n  import {\n    to = "
            "secureaml_role_assignment.<NAME>\n    id = \"",
            *existing, "\"\n  }\n\nand set `name` to \"",
            existing->substr(existing->rfind('/') + 1), "\".");
      } else {
        absl::StrAppend(&detail,
                        ". Find it with `az role assignment list --assignee ",
                        principal, " --scope ", scope,
                        "` and import it with `terraform import "
                        "secureaml_role_assignment.<NAME> <its ID>`.");
      }
      resp.diagnostics.AddError("Role assignment already exists", detail);
      return;
    }
    if (WriteMayHaveLanded(put.status())) {
      resp.new_state = core::ReplaceUnknowns(plan, nullptr, nullptr);
    }
    AddAzureError(resp.diagnostics, put.status(),
                  "Failed to create role assignment", id);
    return;
  }
  plan = ApplyBody(plan, put->body);
  if (plan.GetAttr("condition_version").IsUnknown()) {
    plan = plan.WithAttr("condition_version", Value::Null(Type::String()));
  }
  if (plan.GetAttr("principal_type").IsUnknown()) {
    plan = plan.WithAttr("principal_type", Value::Null(Type::String()));
  }
  resp.new_state = plan;

  // Read it back until it is consistently visible, so whatever uses the
  // access next in this apply does not race replication.
  azure::RequestOptions read_opts = RequestOptionsFor(req.ctx);
  read_opts.retry_rules.push_back(
      azure::RetryNotFoundAfterCreate(absl::Minutes(5)));
  for (int i = 0; i < kConsecutiveReads; ++i) {
    absl::StatusOr<azure::ArmResponse> r =
        az->arm->Get(id, kAuthorizationApiVersion, read_opts);
    if (!r.ok()) {
      AddAzureError(resp.diagnostics, r.status(),
                    "Role assignment created but not readable yet", id);
      return;
    }
  }
}

void RoleAssignmentResource::Read(const core::ReadRequest& req,
                                  core::ReadResponse& resp) const {
  std::optional<nlohmann::json> body =
      ReadById(req, resp, kAuthorizationApiVersion, "role assignment");
  if (!body) return;
  resp.new_state = ApplyBody(req.current_state, *body);
}

void RoleAssignmentResource::Update(const core::UpdateRequest& req,
                                    core::UpdateResponse& resp) const {
  const AzureProviderData* az = RequireAzure(req.ctx, resp.diagnostics);
  if (az == nullptr) return;
  Value plan = req.planned_state;
  const std::string id = req.prior_state.GetString("id").value_or("");
  const bool azure_fields_changed =
      req.prior_state.GetAttr("description") != plan.GetAttr("description") ||
      req.prior_state.GetAttr("condition") != plan.GetAttr("condition") ||
      req.prior_state.GetAttr("condition_version") !=
          plan.GetAttr("condition_version");
  if (plan.GetAttr("condition_version").IsUnknown()) {
    plan = plan.WithAttr("condition_version", plan.GetAttr("condition").IsNull()
                                                  ? Value::Null(Type::String())
                                                  : Value::String("2.0"));
  }
  if (!azure_fields_changed) {
    // Only principal_replication_timeout or timeouts changed: state only.
    resp.new_state = plan;
    return;
  }
  absl::StatusOr<azure::ArmResponse> put =
      az->arm->Put(id, kAuthorizationApiVersion, BuildBody(plan),
                   RequestOptionsFor(req.ctx));
  if (!put.ok()) {
    resp.new_state = req.prior_state;
    AddAzureError(resp.diagnostics, put.status(),
                  "Failed to update role assignment", id);
    return;
  }
  resp.new_state = plan;
}

void RoleAssignmentResource::Delete(const core::DeleteRequest& req,
                                    core::DeleteResponse& resp) const {
  const AzureProviderData* az = RequireAzure(req.ctx, resp.diagnostics);
  if (az == nullptr) return;
  std::optional<std::string> id = req.prior_state.GetString("id");
  if (!id) return;
  absl::StatusOr<azure::ArmResponse> r = az->arm->Delete(
      *id, kAuthorizationApiVersion, RequestOptionsFor(req.ctx));
  if (!r.ok() && !absl::IsNotFound(r.status())) {
    AddAzureError(resp.diagnostics, r.status(),
                  "Failed to delete role assignment", *id);
  }
}

void RoleAssignmentResource::ImportState(const core::ImportRequest& req,
                                         core::ImportResponse& resp) const {
  absl::string_view raw = absl::StripAsciiWhitespace(req.id);
  absl::StatusOr<AuthorizationId> parsed =
      ParseAuthorizationId(raw, "roleAssignments");
  if (!parsed.ok()) {
    resp.diagnostics.AddError("Invalid import ID",
                              std::string(parsed.status().message()));
    return;
  }
  if (parsed->scope.empty()) {
    resp.diagnostics.AddError(
        "Invalid import ID",
        absl::StrCat("\"", req.id,
                     "\" has no scope. Import with the assignment's full ID, "
                     "{scope}/providers/Microsoft.Authorization/"
                     "roleAssignments/{guid}."));
    return;
  }
  resp.state = Value::Object(schema_.ImpliedType(),
                             {{"id", Value::String(std::string(raw))},
                              {"name", Value::String(parsed->name)},
                              {"scope", Value::String(parsed->scope)}});
}

}  // namespace secureaml::resources
