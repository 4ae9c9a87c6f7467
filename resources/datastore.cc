#include "resources/datastore.h"

#include <map>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "provider/core/timeouts.h"
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

constexpr char kDatastoreType[] =
    "Microsoft.MachineLearningServices/workspaces/datastores";
constexpr char kBlob[] = "blob";
constexpr char kAdls[] = "adls_gen2";
constexpr char kNoCredentials[] = "None";

tf::Schema BuildSchema() {
  tf::Schema s;
  s.block.description =
      "An Azure ML datastore for an Azure Blob container or an ADLS Gen2 "
      "file system with identity-based access: no account key or SAS token "
      "is stored (credentials are always `None`), jobs use the identity of "
      "the user or compute, and Azure ML studio previews data through the "
      "workspace managed identity. The datastore is created with "
      "`skipValidation`, so a storage account behind a firewall works.";
  s.block.attributes = {
      Attribute::Computed("id", Type::String(),
                          "ARM resource ID of the datastore.")
          .UseStateForUnknown(),
      Attribute::Required("name", Type::String(),
                          "Datastore name: letters, digits and `_`. Changing "
                          "it forces a new datastore.")
          .ForceNew()
          .Validate(MatchesRegex("[a-zA-Z0-9_]{1,255}",
                                 "a datastore name has 1 to 255 characters: "
                                 "letters, digits and '_'")),
      Attribute::Required("workspace_id", Type::String(),
                          "ID of the workspace. Changing it forces a new "
                          "datastore.")
          .ForceNew()
          .Validate(ArmIdValidator(kWorkspaceType)),
      Attribute::Required("datastore_type", Type::String(),
                          "`blob` (Azure Blob container) or `adls_gen2` "
                          "(ADLS Gen2 file system). Changing it forces a new "
                          "datastore.")
          .ForceNew()
          .Validate(OneOf({kBlob, kAdls})),
      Attribute::Required("storage_account_id", Type::String(),
                          "ID of the storage account. Changing it forces a "
                          "new datastore.")
          .ForceNew()
          .Validate(ArmIdValidator("Microsoft.Storage/storageAccounts")),
      Attribute::Required("container_name", Type::String(),
                          "Blob container (for `blob`) or file system (for "
                          "`adls_gen2`). Changing it forces a new datastore.")
          .ForceNew()
          .Validate(MatchesRegex(
              "[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]|\\$root",
              "a container name has 3 to 63 characters: lowercase letters, "
              "digits and single '-', starting and ending with a letter or "
              "digit")),
      Attribute::Optional(
          "service_data_identity", Type::String(),
          "Identity Azure ML studio uses to preview and profile the data: "
          "`WorkspaceSystemAssignedIdentity` (default), "
          "`WorkspaceUserAssignedIdentity` or `None` (studio then uses the "
          "signed-in user's identity). Updates in place.")
          .WithDefault(Value::String("WorkspaceSystemAssignedIdentity"))
          .Validate(OneOf({"None", "WorkspaceSystemAssignedIdentity",
                           "WorkspaceUserAssignedIdentity"})),
      Attribute::Optional("description", Type::String(),
                          "Description of the datastore. Updates in place."),
      Attribute::Optional("tags", Type::Map(Type::String()),
                          "Tags on the datastore (datastore properties, not "
                          "ARM tags). Update in place."),
      Attribute::Computed(
          "credentials_type", Type::String(),
          "Credentials type Azure reports: always `None` for datastores this "
          "provider manages. If someone adds an account key or SAS outside "
          "Terraform, the next plan shows the change back to `None`."),
  };
  s.block.blocks = {core::TimeoutsBlock(core::DefaultTimeouts{})};
  return s;
}

std::string Str(const Value& obj, std::string_view name) {
  return obj.GetString(name).value_or("");
}

std::string DatastoreIdFromState(const Value& state) {
  std::string id = Str(state, "id");
  if (!id.empty()) return id;
  return absl::StrCat(Str(state, "workspace_id"), "/datastores/",
                      Str(state, "name"));
}

azure::RequestOptions WriteOptions(const core::OperationContext& ctx) {
  azure::RequestOptions opts = RequestOptionsFor(ctx);
  // The service's reachability probe comes from outside the VNet and fails
  // against a storage firewall; identity access needs no probe.
  opts.query.emplace_back("skipValidation", "true");
  return opts;
}

}  // namespace

namespace datastore_internal {

std::string StorageEndpoint(Cloud cloud) {
  switch (cloud) {
    case Cloud::kUsGovernment:
      return "core.usgovcloudapi.net";
    case Cloud::kChina:
      return "core.chinacloudapi.cn";
    case Cloud::kPublic:
      break;
  }
  return "core.windows.net";
}

nlohmann::json Body(const Value& planned, Cloud cloud) {
  absl::StatusOr<ArmId> sa = ParseArmId(Str(planned, "storage_account_id"));
  bool adls = Str(planned, "datastore_type") == kAdls;
  nlohmann::json props;
  props["datastoreType"] = adls ? "AzureDataLakeGen2" : "AzureBlob";
  props["accountName"] = sa.ok() ? sa->Name() : "";
  props[adls ? "filesystem" : "containerName"] = Str(planned, "container_name");
  props["endpoint"] = StorageEndpoint(cloud);
  props["protocol"] = "https";
  if (sa.ok()) {
    props["subscriptionId"] = sa->subscription_id;
    props["resourceGroup"] = sa->resource_group;
  }
  props["serviceDataAccessAuthIdentity"] =
      planned.GetString("service_data_identity")
          .value_or("WorkspaceSystemAssignedIdentity");
  props["credentials"] = {{"credentialsType", kNoCredentials}};
  if (auto d = planned.GetString("description")) props["description"] = *d;
  props["tags"] = TagsToJson(planned.GetAttr("tags"));
  return {{"properties", props}};
}

Value StateFromJson(const nlohmann::json& body, const Value& prior,
                    const Type& type) {
  const nlohmann::json empty = nlohmann::json::object();
  const nlohmann::json* pp = JsonAt(body, {"properties"});
  const nlohmann::json& props =
      (pp != nullptr && pp->is_object()) ? *pp : empty;
  std::map<std::string, Value> a;
  std::string id = JsonString(body, {"id"});
  if (id.empty()) id = Str(prior, "id");
  a["id"] = PreferPriorCasing(prior.GetAttr("id"), id);
  absl::StatusOr<ArmId> parsed = ParseArmId(id);
  a["name"] = PreferPriorCasing(
      prior.GetAttr("name"), parsed.ok() ? parsed->Name() : Str(prior, "name"));
  a["workspace_id"] = PreferPriorCasing(
      prior.GetAttr("workspace_id"),
      parsed.ok() ? parsed->Parent().ToString() : Str(prior, "workspace_id"));

  std::string dtype = JsonString(props, {"datastoreType"});
  bool adls = EqualsIgnoreCase(dtype, "AzureDataLakeGen2");
  a["datastore_type"] = Value::String(
      adls ? kAdls
           : (EqualsIgnoreCase(dtype, "AzureBlob") || dtype.empty() ? kBlob
                                                                    : dtype));
  std::string account = JsonString(props, {"accountName"});
  std::string sub = JsonString(props, {"subscriptionId"});
  std::string rg = JsonString(props, {"resourceGroup"});
  const Value& prior_sa = prior.GetAttr("storage_account_id");
  absl::StatusOr<ArmId> prior_sa_id =
      prior_sa.IsKnown() ? ParseArmId(prior_sa.AsString())
                         : absl::StatusOr<ArmId>(absl::NotFoundError(""));
  if (sub.empty() && prior_sa_id.ok()) sub = prior_sa_id->subscription_id;
  if (rg.empty() && prior_sa_id.ok()) rg = prior_sa_id->resource_group;
  if (sub.empty() && parsed.ok()) sub = parsed->subscription_id;
  a["storage_account_id"] = PreferPriorCasing(
      prior_sa, ProviderResourceId(sub, rg, "Microsoft.Storage",
                                   {{"storageAccounts", account}}));
  a["container_name"] =
      Value::String(JsonString(props, {adls ? "filesystem" : "containerName"}));
  std::string sdi = JsonString(props, {"serviceDataAccessAuthIdentity"});
  a["service_data_identity"] = Value::String(sdi.empty() ? "None" : sdi);
  a["description"] = OptionalString(prior.GetAttr("description"),
                                    JsonString(props, {"description"}));
  a["tags"] = TagsFromJson(JsonAt(props, {"tags"}), prior.GetAttr("tags"));
  std::string creds = JsonString(props, {"credentials", "credentialsType"});
  a["credentials_type"] = Value::String(creds.empty() ? kNoCredentials : creds);
  a["timeouts"] = prior.GetAttr("timeouts").IsKnown()
                      ? prior.GetAttr("timeouts")
                      : Value::Null(type.AttributeTypes().at("timeouts"));
  return Value::Object(type, std::move(a));
}

}  // namespace datastore_internal

const tf::Schema& DatastoreResource::GetSchema() const {
  static const tf::Schema* schema = new tf::Schema(BuildSchema());
  return *schema;
}

void DatastoreResource::ValidateConfig(
    const core::ValidateConfigRequest& req,
    core::ValidateConfigResponse& resp) const {
  if (!req.config.IsKnown()) return;
  core::ValidateTimeouts(req.config, resp.diagnostics);
}

void DatastoreResource::ModifyPlan(const core::ModifyPlanRequest& req,
                                   core::ModifyPlanResponse& resp) const {
  Value& planned = resp.planned_state;
  if (planned.IsNull()) return;
  // Credentials are always None; anything else found in Azure is drift that
  // the next apply removes.
  planned = planned.WithAttr("credentials_type", Value::String(kNoCredentials));
}

void DatastoreResource::Create(const core::CreateRequest& req,
                               core::CreateResponse& resp) const {
  const AzureProviderData* az = RequireAzure(req.ctx, resp.diagnostics);
  if (az == nullptr) return;
  const Value& planned = req.planned_state;
  std::string id = DatastoreIdFromState(planned);
  if (!EnsureAbsentBeforeCreate(*az, req.ctx, id, kWorkspaceApiVersion,
                                TypeName(), resp.diagnostics)) {
    return;
  }
  azure::RequestOptions opts = WriteOptions(req.ctx);
  bool accepted = false;
  opts.on_accepted = [&](const azure::AcceptedOperation&) { accepted = true; };
  auto r = az->arm->Put(id, kWorkspaceApiVersion,
                        datastore_internal::Body(planned, az->cloud), opts);
  if (!r.ok()) {
    if (accepted || WriteMayHaveLanded(r.status())) {
      resp.new_state = PartialState(planned, id);
    }
    AddAzureError(resp.diagnostics, r.status(), "Failed to create datastore",
                  id);
    return;
  }
  absl::StatusOr<nlohmann::json> body =
      BodyAfterWrite(*az, req.ctx, id, kWorkspaceApiVersion, r->body);
  if (!body.ok()) {
    resp.new_state = PartialState(planned, id);
    AddAzureError(resp.diagnostics, body.status(),
                  "Failed to read the new datastore", id);
    return;
  }
  resp.new_state = datastore_internal::StateFromJson(
      *body, planned.WithAttr("id", Value::String(id)),
      GetSchema().ImpliedType());
}

void DatastoreResource::Read(const core::ReadRequest& req,
                             core::ReadResponse& resp) const {
  const AzureProviderData* az = RequireAzure(req.ctx, resp.diagnostics);
  if (az == nullptr) return;
  std::string id = DatastoreIdFromState(req.current_state);
  auto r = az->arm->Get(id, kWorkspaceApiVersion, RequestOptionsFor(req.ctx));
  if (absl::IsNotFound(r.status())) {
    resp.new_state = Value::Null(GetSchema().ImpliedType());
    return;
  }
  if (!r.ok()) {
    AddAzureError(resp.diagnostics, r.status(), "Failed to read datastore", id);
    return;
  }
  resp.new_state = datastore_internal::StateFromJson(r->body, req.current_state,
                                                     GetSchema().ImpliedType());
}

void DatastoreResource::Update(const core::UpdateRequest& req,
                               core::UpdateResponse& resp) const {
  const AzureProviderData* az = RequireAzure(req.ctx, resp.diagnostics);
  if (az == nullptr) return;
  const Value& planned = req.planned_state;
  std::string id = DatastoreIdFromState(req.prior_state);
  auto r = az->arm->Put(id, kWorkspaceApiVersion,
                        datastore_internal::Body(planned, az->cloud),
                        WriteOptions(req.ctx));
  if (!r.ok()) {
    AddAzureError(resp.diagnostics, r.status(), "Failed to update datastore",
                  id);
    return;
  }
  nlohmann::json body = r->body;
  if (!body.is_object() || JsonAt(body, {"properties"}) == nullptr) {
    auto g = az->arm->Get(id, kWorkspaceApiVersion, RequestOptionsFor(req.ctx));
    if (!g.ok()) {
      AddAzureError(resp.diagnostics, g.status(),
                    "Failed to read the updated datastore", id);
      return;
    }
    body = g->body;
  }
  resp.new_state = datastore_internal::StateFromJson(
      body, planned.WithAttr("id", Value::String(id)),
      GetSchema().ImpliedType());
}

void DatastoreResource::Delete(const core::DeleteRequest& req,
                               core::DeleteResponse& resp) const {
  const AzureProviderData* az = RequireAzure(req.ctx, resp.diagnostics);
  if (az == nullptr) return;
  std::string id = DatastoreIdFromState(req.prior_state);
  auto r =
      az->arm->Delete(id, kWorkspaceApiVersion, RequestOptionsFor(req.ctx));
  if (!r.ok() && !absl::IsNotFound(r.status())) {
    AddAzureError(resp.diagnostics, r.status(), "Failed to delete datastore",
                  id);
  }
}

void DatastoreResource::ImportState(const core::ImportRequest& req,
                                    core::ImportResponse& resp) const {
  absl::StatusOr<ArmId> id = ParseArmIdOfType(req.id, kDatastoreType);
  if (!id.ok()) {
    resp.diagnostics.AddError(
        "Invalid import ID",
        absl::StrCat(id.status().message(),
                     "\n\nImport with the full ARM ID, for example:\n  "
                     "/subscriptions/00000000-0000-0000-0000-000000000000/"
                     "resourceGroups/ml-rg/providers/"
                     "Microsoft.MachineLearningServices/workspaces/ws1/"
                     "datastores/training_data"));
    return;
  }
  resp.state =
      Value::Object(GetSchema().ImpliedType(),
                    {{"id", Value::String(req.id)},
                     {"name", Value::String(id->Name())},
                     {"workspace_id", Value::String(id->Parent().ToString())}});
}

std::unique_ptr<core::Resource> NewDatastoreResource() {
  return std::make_unique<DatastoreResource>();
}

}  // namespace secureaml::resources
