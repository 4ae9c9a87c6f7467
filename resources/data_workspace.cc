#include "resources/data_workspace.h"

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "resources/common/arm_id.h"
#include "resources/common/azure_context.h"
#include "resources/common/validators.h"
#include "resources/common/workspace_helpers.h"
#include "resources/workspace.h"

namespace secureaml::resources {
namespace {

using tf::Attribute;
using tf::AttributePath;
using tf::Type;
using tf::Value;

tf::Schema BuildSchema() {
  tf::Schema s;
  s.block.description =
      "Reads an existing Azure Machine Learning workspace, by `id` or by "
      "`name` and `resource_group_name`.";
  auto computed = [](const char* name, Type type, const char* desc) {
    return Attribute::Computed(name, std::move(type), desc);
  };
  s.block.attributes = {
      Attribute::OptionalComputed(
          "id", Type::String(),
          "ARM ID of the workspace. Set either `id` or both `name` and "
          "`resource_group_name`.")
          .Validate(ArmIdValidator(kWorkspaceType)),
      Attribute::OptionalComputed("name", Type::String(),
                                  "Name of the workspace.")
          .Validate(WorkspaceName()),
      Attribute::OptionalComputed("resource_group_name", Type::String(),
                                  "Resource group of the workspace.")
          .Validate(ResourceGroupName()),
      computed("location", Type::String(), "Azure region of the workspace."),
      computed("storage_account_id", Type::String(),
               "ID of the default storage account."),
      computed("key_vault_id", Type::String(),
               "ID of the workspace Key Vault."),
      computed("application_insights_id", Type::String(),
               "ID of the Application Insights component (empty when none)."),
      computed("container_registry_id", Type::String(),
               "ID of the container registry (empty when none)."),
      computed("public_network_access_enabled", Type::Bool(),
               "Whether the workspace accepts traffic from the public "
               "internet."),
      computed("high_business_impact", Type::Bool(),
               "Whether the workspace is a high business impact workspace."),
      computed("image_build_compute_name", Type::String(),
               "Compute cluster that builds images (empty when none)."),
      computed("storage_account_access_type", Type::String(),
               "How studio reads the default storage: `identity`, "
               "`access_key` or `user_delegation_sas`."),
      computed("description", Type::String(), "Description of the workspace."),
      computed("friendly_name", Type::String(), "Display name in studio."),
      computed("tags", Type::Map(Type::String()), "Tags on the workspace."),
      computed("workspace_id", Type::String(),
               "The workspace's immutable GUID."),
      computed("discovery_url", Type::String(),
               "URL of the workspace's discovery service."),
      computed(
          "identity_type", Type::String(),
          "Managed identity type (`SystemAssigned`, `UserAssigned`, ...)."),
      computed("identity_ids", Type::Set(Type::String()),
               "User-assigned identities attached to the workspace."),
      computed("identity_principal_id", Type::String(),
               "Object ID of the system-assigned identity (empty without "
               "one)."),
      computed("encryption_key_vault_id", Type::String(),
               "Key Vault of the customer-managed key (empty without CMK)."),
      computed("encryption_key_id", Type::String(),
               "Customer-managed key identifier (empty without CMK)."),
      computed("managed_network_isolation_mode", Type::String(),
               "Managed network isolation mode (`Disabled` when none)."),
      computed("private_endpoint_connections",
               Type::List(workspace_internal::PrivateEndpointConnectionType()),
               "Private endpoint connections: `id`, `private_endpoint_id`, "
               "`status` and `description`."),
  };
  return s;
}

}  // namespace

namespace data_workspace_internal {

Value StateFromJson(const nlohmann::json& body, const Value& config,
                    const Type& type) {
  const nlohmann::json empty = nlohmann::json::object();
  const nlohmann::json* pp = JsonAt(body, {"properties"});
  const nlohmann::json& props =
      (pp != nullptr && pp->is_object()) ? *pp : empty;
  std::map<std::string, Value> a;
  std::string id = JsonString(body, {"id"});
  if (id.empty()) id = config.GetString("id").value_or("");
  absl::StatusOr<ArmId> parsed = ParseArmId(id);
  auto s = [](std::string v) { return Value::String(std::move(v)); };
  a["id"] = PreferPriorCasing(config.GetAttr("id"), id);
  a["name"] = PreferPriorCasing(
      config.GetAttr("name"),
      parsed.ok() ? parsed->Name() : JsonString(body, {"name"}));
  a["resource_group_name"] =
      PreferPriorCasing(config.GetAttr("resource_group_name"),
                        parsed.ok() ? parsed->resource_group : "");
  a["location"] = s(JsonString(body, {"location"}));
  a["storage_account_id"] = s(JsonString(props, {"storageAccount"}));
  a["key_vault_id"] = s(JsonString(props, {"keyVault"}));
  a["application_insights_id"] = s(JsonString(props, {"applicationInsights"}));
  a["container_registry_id"] = s(JsonString(props, {"containerRegistry"}));
  a["public_network_access_enabled"] = Value::Bool(
      EqualsIgnoreCase(JsonString(props, {"publicNetworkAccess"}), "Enabled"));
  a["high_business_impact"] =
      Value::Bool(JsonBool(props, {"hbiWorkspace"}).value_or(false));
  a["image_build_compute_name"] = s(JsonString(props, {"imageBuildCompute"}));
  std::string auth = JsonString(props, {"systemDatastoresAuthMode"});
  a["storage_account_access_type"] =
      s(auth.empty() ? "access_key"
                     : workspace_internal::AuthModeToTerraform(auth));
  a["description"] = s(JsonString(props, {"description"}));
  a["friendly_name"] = s(JsonString(props, {"friendlyName"}));
  Value tags =
      TagsFromJson(JsonAt(body, {"tags"}), Value::Map(Type::String(), {}));
  a["tags"] = tags;
  a["workspace_id"] = s(JsonString(props, {"workspaceId"}));
  a["discovery_url"] = s(JsonString(props, {"discoveryUrl"}));
  a["identity_type"] = s(JsonString(body, {"identity", "type"}));
  std::vector<std::string> ids;
  if (const nlohmann::json* u =
          JsonAt(body, {"identity", "userAssignedIdentities"});
      u != nullptr && u->is_object()) {
    for (auto it = u->begin(); it != u->end(); ++it) ids.push_back(it.key());
  }
  a["identity_ids"] = Value::StringSet(ids);
  a["identity_principal_id"] = s(JsonString(body, {"identity", "principalId"}));
  a["encryption_key_vault_id"] = s(
      JsonString(props, {"encryption", "keyVaultProperties", "keyVaultArmId"}));
  a["encryption_key_id"] = s(
      JsonString(props, {"encryption", "keyVaultProperties", "keyIdentifier"}));
  std::string mode = JsonString(props, {"managedNetwork", "isolationMode"});
  a["managed_network_isolation_mode"] = s(mode.empty() ? "Disabled" : mode);
  a["private_endpoint_connections"] =
      workspace_internal::PrivateEndpointConnections(body);
  return Value::Object(type, std::move(a));
}

}  // namespace data_workspace_internal

const tf::Schema& WorkspaceDataSource::GetSchema() const {
  static const tf::Schema* schema = new tf::Schema(BuildSchema());
  return *schema;
}

void WorkspaceDataSource::ValidateConfig(
    const core::ValidateConfigRequest& req,
    core::ValidateConfigResponse& resp) const {
  const Value& c = req.config;
  if (!c.IsKnown()) return;
  bool has_id = !c.GetAttr("id").IsNull();
  bool has_name = !c.GetAttr("name").IsNull();
  bool has_rg = !c.GetAttr("resource_group_name").IsNull();
  if (has_id && (has_name || has_rg)) {
    resp.diagnostics.AddAttributeError(
        AttributePath::Root("id"), "Conflicting arguments",
        "Set either id, or name and resource_group_name, not both.");
  } else if (!has_id && !(has_name && has_rg)) {
    resp.diagnostics.AddAttributeError(
        AttributePath::Root(has_name ? "resource_group_name" : "name"),
        "Missing argument",
        "Set id, or both name and resource_group_name, to find the "
        "workspace.");
  }
}

void WorkspaceDataSource::Read(const core::ReadDataRequest& req,
                               core::ReadDataResponse& resp) const {
  const AzureProviderData* az = RequireAzure(req.ctx, resp.diagnostics);
  if (az == nullptr) return;
  const Value& c = req.config;
  std::string id = c.GetString("id").value_or("");
  if (id.empty()) {
    id = ProviderResourceId(az->subscription_id,
                            c.GetString("resource_group_name").value_or(""),
                            "Microsoft.MachineLearningServices",
                            {{"workspaces", c.GetString("name").value_or("")}});
  }
  auto r = az->arm->Get(id, kWorkspaceApiVersion, RequestOptionsFor(req.ctx));
  if (absl::IsNotFound(r.status())) {
    resp.diagnostics.AddError(
        "Workspace not found",
        absl::StrCat("No Azure ML workspace exists at ", id,
                     ". Check the name, resource group and the provider's "
                     "subscription."));
    return;
  }
  if (!r.ok()) {
    AddAzureError(resp.diagnostics, r.status(), "Failed to read workspace", id);
    return;
  }
  resp.state = data_workspace_internal::StateFromJson(
      r->body,
      c.WithAttr("id", c.GetAttr("id").IsKnown() ? c.GetAttr("id")
                                                 : Value::String(id)),
      GetSchema().ImpliedType());
}

std::unique_ptr<core::DataSource> NewWorkspaceDataSource() {
  return std::make_unique<WorkspaceDataSource>();
}

}  // namespace secureaml::resources
