#include "resources/compute_cluster.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "provider/common/logging.h"
#include "provider/core/timeouts.h"
#include "resources/common/arm_id.h"
#include "resources/common/azure_context.h"
#include "resources/common/compute_helpers.h"
#include "resources/common/validators.h"
#include "resources/common/workspace_helpers.h"
#include "resources/workspace.h"

namespace secureaml::resources {
namespace {

using tf::Attribute;
using tf::AttributePath;
using tf::Type;
using tf::Value;

constexpr char kNoun[] = "compute cluster";
constexpr char kSystemAssigned[] = "SystemAssigned";
constexpr char kUserAssigned[] = "UserAssigned";
constexpr char kBothIdentities[] = "SystemAssigned,UserAssigned";
constexpr char kDefaultIdle[] = "PT120S";

std::string Str(const Value& obj, std::string_view name) {
  return obj.GetString(name).value_or("");
}

bool IsSet(const Value& v) { return v.IsKnown(); }

std::string NormalizeIdentityType(std::string t) {
  t.erase(std::remove(t.begin(), t.end(), ' '), t.end());
  return t;
}

bool HasUserAssigned(const std::string& type) {
  return type.find(kUserAssigned) != std::string::npos;
}

tf::Validator UserAssignedIdentityIds() {
  return [](const Value& value, const AttributePath& path,
            tf::Diagnostics& diags) {
    if (!value.type().IsCollection()) return;
    for (const Value& e : value.Elements()) {
      if (!e.IsKnown()) continue;
      absl::StatusOr<ArmId> id = ParseArmIdOfType(
          e.AsString(), "Microsoft.ManagedIdentity/userAssignedIdentities");
      if (!id.ok()) {
        diags.AddAttributeError(path, "Invalid user-assigned identity ID",
                                std::string(id.status().message()));
      }
    }
  };
}

tf::Schema BuildSchema() {
  tf::Schema s;
  s.block.description =
      "An Azure Machine Learning compute cluster (AmlCompute) that is "
      "private by default: nodes get no public IP address, the public SSH "
      "port is closed, and local (key) authentication is disabled, so jobs "
      "authenticate with Entra ID and managed identities only.\n\n"
      "Without public IPs the nodes need a `subnet_id` in the workspace's "
      "region (unless the workspace has a managed network); the subnet's NSG "
      "must allow BatchNodeManagement (29876-29877) and AzureMachineLearning "
      "(44224) inbound, which `secureaml_network_rules` sets up. Scale "
      "settings, tags, description and identity update in place; everything "
      "else replaces the cluster.";

  tf::Block scale;
  scale.description =
      "Autoscale range of the cluster. Changes update the running cluster in "
      "place.";
  scale.attributes = {
      Attribute::Optional("min_nodes", Type::Number(),
                          "Nodes kept running when idle. Defaults to `0`, so "
                          "an idle cluster costs nothing. Must not exceed "
                          "`max_nodes`.")
          .WithDefault(Value::Int(0))
          .Validate(IntBetween(0, 10000)),
      Attribute::Required("max_nodes", Type::Number(),
                          "Largest number of nodes the cluster scales to "
                          "(at least 1).")
          .Validate(IntBetween(1, 10000)),
      Attribute::Optional(
          "idle_time_before_scale_down", Type::String(),
          "How long a node stays idle before the cluster removes it, as an "
          "ISO 8601 duration (e.g. `PT15M`). Defaults to `PT120S`.")
          .WithDefault(Value::String(kDefaultIdle))
          .Validate(Iso8601Duration()),
  };
  tf::NestedBlock scale_block = tf::NestedBlock::Single("scale", scale);
  scale_block.min_items = 1;
  scale_block.max_items = 1;

  tf::Block ssh;
  ssh.description =
      "Administrator account created on every node, for SSH from inside the "
      "virtual network (or from the internet when "
      "`ssh_public_access_enabled`). Give a public key, a password, or both. "
      "Any change replaces the cluster.";
  ssh.attributes = {
      Attribute::Required("admin_username", Type::String(),
                          "Name of the administrator account. Changing it "
                          "forces a new cluster.")
          .ForceNew()
          .Validate(StringLengthBetween(1, 64)),
      Attribute::Optional("admin_public_key", Type::String(),
                          "SSH public key (OpenSSH format) of the "
                          "administrator. Changing it forces a new cluster.")
          .ForceNew(),
      Attribute::Optional("admin_password", Type::String(),
                          "Password of the administrator. Azure never returns "
                          "it; prefer a public key. Changing it forces a new "
                          "cluster.")
          .Sensitive()
          .ForceNew(),
  };

  tf::Block identity;
  identity.description =
      "Managed identity of the cluster, used by jobs to reach storage, "
      "registries and key vaults without secrets. Changes update the cluster "
      "in place.";
  identity.attributes = {
      Attribute::Required("type", Type::String(),
                          "`SystemAssigned`, `UserAssigned` or "
                          "`SystemAssigned,UserAssigned`.")
          .Validate(OneOf({kSystemAssigned, kUserAssigned, kBothIdentities})),
      Attribute::Optional("identity_ids", Type::Set(Type::String()),
                          "IDs of user-assigned identities to attach; "
                          "required when `type` includes `UserAssigned`.")
          .Validate(UserAssignedIdentityIds()),
  };

  s.block.attributes = {
      Attribute::Computed("id", Type::String(),
                          "ARM resource ID of the compute cluster.")
          .UseStateForUnknown(),
      Attribute::Required("name", Type::String(),
                          "Cluster name: 3 to 24 characters, letters, digits "
                          "and `-`, starting with a letter. Changing it "
                          "forces a new cluster.")
          .ForceNew()
          .Validate(ComputeName()),
      Attribute::Required("workspace_id", Type::String(),
                          "ID of the Azure ML workspace. Changing it forces a "
                          "new cluster.")
          .ForceNew()
          .Validate(ArmIdValidator(kWorkspaceType)),
      Attribute::Required("location", Type::String(),
                          "Azure region of the nodes; must be the region of "
                          "the subnet's virtual network (checked at plan "
                          "time). Changing it forces a new cluster.")
          .ForceNew(),
      Attribute::Required("vm_size", Type::String(),
                          "VM size of the nodes, e.g. `Standard_DS3_v2`. "
                          "Changing it forces a new cluster.")
          .ForceNew()
          .Validate(StringLengthBetween(1, 64)),
      Attribute::Optional("vm_priority", Type::String(),
                          "`Dedicated` (default) or `LowPriority` (cheaper, "
                          "may be preempted). Changing it forces a new "
                          "cluster.")
          .WithDefault(Value::String("Dedicated"))
          .ForceNew()
          .Validate(OneOf({"Dedicated", "LowPriority"})),
      Attribute::Optional(
          "subnet_id", Type::String(),
          "ID of the subnet the nodes join. Required when "
          "`node_public_ip_enabled` is false and the workspace has no "
          "managed network (checked at plan time). Changing it forces a new "
          "cluster.")
          .ForceNew()
          .Validate(ArmIdValidator(kSubnetType)),
      Attribute::Optional("node_public_ip_enabled", Type::Bool(),
                          "Give each node a public IP address. Defaults to "
                          "`false` (private IP only); `true` produces a "
                          "plan-time warning. Changing it forces a new "
                          "cluster.")
          .WithDefault(Value::Bool(false))
          .ForceNew(),
      Attribute::Optional(
          "ssh_public_access_enabled", Type::Bool(),
          "Open the nodes' SSH port to the public internet. Defaults to "
          "`false`; `true` needs an `ssh` block and produces a plan-time "
          "warning. Changing it forces a new cluster.")
          .WithDefault(Value::Bool(false))
          .ForceNew(),
      Attribute::Optional("local_auth_enabled", Type::Bool(),
                          "Allow local (key-based) authentication to the "
                          "compute. Defaults to `false`: only Entra ID and "
                          "managed identities. Changing it forces a new "
                          "cluster.")
          .WithDefault(Value::Bool(false))
          .ForceNew(),
      Attribute::Optional("os_type", Type::String(),
                          "`Linux` (default) or `Windows`. Changing it forces "
                          "a new cluster.")
          .WithDefault(Value::String("Linux"))
          .ForceNew()
          .Validate(OneOf({"Linux", "Windows"})),
      Attribute::Optional("description", Type::String(),
                          "Description of the cluster. Updates in place."),
      Attribute::Optional("tags", Type::Map(Type::String()),
                          "Tags on the cluster. Update in place."),
      Attribute::Computed("identity_principal_id", Type::String(),
                          "Principal (object) ID of the system-assigned "
                          "identity, for role assignments; empty without "
                          "one."),
  };
  s.block.blocks = {
      scale_block,
      tf::NestedBlock::Single("ssh", ssh),
      tf::NestedBlock::Single("identity", identity),
      core::TimeoutsBlock(core::DefaultTimeouts{}),
  };
  return s;
}

// The SSH password goes into request bodies: keep it out of every log line.
void RegisterSshPassword(const Value& state) {
  const Value& ssh = state.GetAttr("ssh");
  if (!IsSet(ssh)) return;
  if (std::optional<std::string> password = ssh.GetString("admin_password")) {
    log::RegisterSecret(*password);
  }
}

nlohmann::json IdentityJson(const Value& identity) {
  nlohmann::json out;
  std::string type = NormalizeIdentityType(Str(identity, "type"));
  out["type"] = type;
  if (HasUserAssigned(type)) {
    nlohmann::json uais = nlohmann::json::object();
    for (const std::string& id : identity.GetStringList("identity_ids")) {
      uais[id] = nlohmann::json::object();
    }
    out["userAssignedIdentities"] = uais;
  }
  return out;
}

Value IdentityFromJson(const nlohmann::json& body, const Value& prior,
                       const Type& type) {
  std::string itype =
      NormalizeIdentityType(JsonString(body, {"identity", "type"}));
  if (itype.empty() || EqualsIgnoreCase(itype, "None")) {
    return Value::Null(type);
  }
  std::vector<std::string> uai_ids;
  if (const nlohmann::json* u =
          JsonAt(body, {"identity", "userAssignedIdentities"});
      u != nullptr && u->is_object()) {
    for (auto it = u->begin(); it != u->end(); ++it) {
      uai_ids.push_back(it.key());
    }
  }
  Value prior_ids = IsSet(prior) ? prior.GetAttr("identity_ids")
                                 : Value::Null(Type::Set(Type::String()));
  Value ids = uai_ids.empty() && !prior_ids.IsKnown()
                  ? Value::Null(Type::Set(Type::String()))
                  : IdSetPreferPrior(prior_ids, uai_ids);
  Value type_value = Value::String(itype);
  if (IsSet(prior) && NormalizeIdentityType(Str(prior, "type")) == itype) {
    type_value = prior.GetAttr("type");
  }
  return Value::Object(type, {{"type", type_value}, {"identity_ids", ids}});
}

}  // namespace

namespace compute_cluster_internal {

nlohmann::json ScaleSettingsJson(const Value& planned) {
  const Value& scale = planned.GetAttr("scale");
  return {
      {"minNodeCount", scale.GetInt("min_nodes").value_or(0)},
      {"maxNodeCount", scale.GetInt("max_nodes").value_or(1)},
      {"nodeIdleTimeBeforeScaleDown",
       scale.GetString("idle_time_before_scale_down").value_or(kDefaultIdle)}};
}

nlohmann::json PutBody(const Value& planned) {
  nlohmann::json body = CommonComputeBody(planned, "AmlCompute");
  nlohmann::json& inner = body["properties"]["properties"];
  inner["vmPriority"] = planned.GetString("vm_priority").value_or("Dedicated");
  inner["osType"] = planned.GetString("os_type").value_or("Linux");
  inner["scaleSettings"] = ScaleSettingsJson(planned);
  inner["remoteLoginPortPublicAccess"] =
      planned.GetBool("ssh_public_access_enabled").value_or(false) ? "Enabled"
                                                                   : "Disabled";
  const Value& ssh = planned.GetAttr("ssh");
  if (IsSet(ssh)) {
    nlohmann::json creds = {{"adminUserName", Str(ssh, "admin_username")}};
    if (auto key = ssh.GetString("admin_public_key")) {
      creds["adminUserSshPublicKey"] = *key;
    }
    if (auto password = ssh.GetString("admin_password")) {
      creds["adminUserPassword"] = *password;
    }
    inner["userAccountCredentials"] = creds;
  }
  const Value& identity = planned.GetAttr("identity");
  body["identity"] = IsSet(identity) ? IdentityJson(identity)
                                     : nlohmann::json{{"type", "None"}};
  return body;
}

nlohmann::json ScalePatchBody(const Value& planned) {
  return {{"properties",
           {{"properties", {{"scaleSettings", ScaleSettingsJson(planned)}}}}}};
}

Value StateFromJson(const nlohmann::json& body, const Value& prior,
                    const Type& type) {
  std::map<std::string, Value> a;
  CommonComputeState(body, prior, type, a);
  const nlohmann::json empty = nlohmann::json::object();
  const nlohmann::json* ip = JsonAt(body, {"properties", "properties"});
  const nlohmann::json& inner =
      (ip != nullptr && ip->is_object()) ? *ip : empty;

  // The service may change the casing of sizes (STANDARD_DS3_V2).
  a["vm_size"] = PreferPriorCasing(prior.GetAttr("vm_size"),
                                   JsonString(inner, {"vmSize"}));
  std::string priority = JsonString(inner, {"vmPriority"});
  a["vm_priority"] = Value::String(priority.empty() ? "Dedicated" : priority);
  std::string os = JsonString(inner, {"osType"});
  a["os_type"] = Value::String(os.empty() ? "Linux" : os);
  std::string remote_login = JsonString(inner, {"remoteLoginPortPublicAccess"});
  a["ssh_public_access_enabled"] =
      Value::Bool(EqualsIgnoreCase(remote_login, "Enabled"));

  const Type& scale_type = type.AttributeTypes().at("scale");
  const Value& prior_scale = prior.GetAttr("scale");
  const Value prior_idle =
      IsSet(prior_scale) ? prior_scale.GetAttr("idle_time_before_scale_down")
                         : Value::Null(Type::String());
  const nlohmann::json* ss = JsonAt(inner, {"scaleSettings"});
  if (ss != nullptr && ss->is_object()) {
    Value idle = PreferPriorDuration(
        prior_idle, JsonString(*ss, {"nodeIdleTimeBeforeScaleDown"}));
    if (idle.IsNull()) idle = Value::String(kDefaultIdle);
    auto count = [&](const char* key, int64_t fallback) {
      const nlohmann::json* v = JsonAt(*ss, {key});
      return Value::Int(v != nullptr && v->is_number_integer()
                            ? v->get<int64_t>()
                            : fallback);
    };
    a["scale"] =
        Value::Object(scale_type, {{"min_nodes", count("minNodeCount", 0)},
                                   {"max_nodes", count("maxNodeCount", 1)},
                                   {"idle_time_before_scale_down", idle}});
  } else {
    a["scale"] = IsSet(prior_scale) ? prior_scale : Value::Null(scale_type);
  }

  const Type& ssh_type = type.AttributeTypes().at("ssh");
  const Value& prior_ssh = prior.GetAttr("ssh");
  std::string admin =
      JsonString(inner, {"userAccountCredentials", "adminUserName"});
  if (admin.empty()) {
    a["ssh"] = Value::Null(ssh_type);
  } else {
    const Value prior_obj =
        IsSet(prior_ssh) ? prior_ssh : Value::Null(ssh_type);
    // Secrets are not returned (x-ms-secret): keep what the user set.
    std::string key =
        JsonString(inner, {"userAccountCredentials", "adminUserSshPublicKey"});
    a["ssh"] = Value::Object(
        ssh_type,
        {{"admin_username",
          PreferPriorCasing(prior_obj.GetAttr("admin_username"), admin)},
         {"admin_public_key", key.empty()
                                  ? prior_obj.GetAttr("admin_public_key")
                                  : Value::String(key)},
         {"admin_password", prior_obj.GetAttr("admin_password")}});
  }

  const Type& identity_type = type.AttributeTypes().at("identity");
  a["identity"] =
      IdentityFromJson(body, prior.GetAttr("identity"), identity_type);
  a["identity_principal_id"] =
      Value::String(JsonString(body, {"identity", "principalId"}));
  return Value::Object(type, std::move(a));
}

}  // namespace compute_cluster_internal

namespace {

const ComputeKind kKind = {"AmlCompute", kNoun, "secureaml_compute_cluster",
                           &compute_cluster_internal::StateFromJson};

}  // namespace

const tf::Schema& ComputeClusterResource::GetSchema() const {
  static const tf::Schema* schema = new tf::Schema(BuildSchema());
  return *schema;
}

void ComputeClusterResource::ValidateConfig(
    const core::ValidateConfigRequest& req,
    core::ValidateConfigResponse& resp) const {
  const Value& config = req.config;
  if (!config.IsKnown()) return;
  core::ValidateTimeouts(config, resp.diagnostics);

  const Value& scale = config.GetAttr("scale");
  if (IsSet(scale)) {
    std::optional<int64_t> min = scale.GetInt("min_nodes");
    std::optional<int64_t> max = scale.GetInt("max_nodes");
    if (min && max && *min > *max) {
      resp.diagnostics.AddAttributeError(
          AttributePath::Root("scale").Attr("min_nodes"),
          "min_nodes exceeds max_nodes",
          absl::StrCat("scale.min_nodes is ", *min, " but scale.max_nodes is ",
                       *max,
                       ". Lower min_nodes or raise max_nodes so that "
                       "min_nodes <= max_nodes."));
    }
  }

  const Value& ssh = config.GetAttr("ssh");
  const Value& ssh_public = config.GetAttr("ssh_public_access_enabled");
  if (ssh_public.IsKnown() && ssh_public.AsBool() && ssh.IsNull()) {
    resp.diagnostics.AddAttributeError(
        AttributePath::Root("ssh_public_access_enabled"),
        "SSH access needs an administrator account",
        "ssh_public_access_enabled = true opens the SSH port, but no ssh "
        "block defines an account to log in with. Add an ssh block with "
        "admin_username and admin_public_key, or leave SSH closed.");
  }
  if (IsSet(ssh) && ssh.GetAttr("admin_public_key").IsNull() &&
      ssh.GetAttr("admin_password").IsNull()) {
    resp.diagnostics.AddAttributeError(
        AttributePath::Root("ssh"), "SSH account without a credential",
        "The ssh block needs admin_public_key (preferred) or admin_password.");
  }

  const Value& identity = config.GetAttr("identity");
  if (IsSet(identity)) {
    std::optional<std::string> type = identity.GetString("type");
    const Value& ids = identity.GetAttr("identity_ids");
    AttributePath ids_path =
        AttributePath::Root("identity").Attr("identity_ids");
    if (type && HasUserAssigned(*type) && ids.IsNull()) {
      resp.diagnostics.AddAttributeError(
          ids_path, "Missing user-assigned identities",
          absl::StrCat("identity.type \"", *type,
                       "\" needs at least one ID in identity_ids."));
    } else if (type && !HasUserAssigned(*type) && ids.IsKnown() &&
               !ids.Elements().empty()) {
      resp.diagnostics.AddAttributeError(
          ids_path, "Unexpected user-assigned identities",
          "identity_ids is only used when identity.type includes "
          "UserAssigned. Set type = \"SystemAssigned,UserAssigned\" or "
          "remove identity_ids.");
    }
  }
}

void ComputeClusterResource::ModifyPlan(const core::ModifyPlanRequest& req,
                                        core::ModifyPlanResponse& resp) const {
  const Value& config = req.config;
  Value& planned = resp.planned_state;
  if (planned.IsNull() || !config.IsKnown()) return;  // destroy
  const Value& prior = req.prior_state;

  WarnNodePublicIp(config, kNoun, resp.diagnostics);
  if (config.GetBool("ssh_public_access_enabled").value_or(false)) {
    resp.diagnostics.AddAttributeWarning(
        AttributePath::Root("ssh_public_access_enabled"),
        "SSH port open to the internet",
        "ssh_public_access_enabled = true opens the SSH port of every node "
        "to the public internet. A secure platform keeps it false and "
        "reaches the nodes over the virtual network (VPN, Bastion or a jump "
        "box).");
  }

  bool replacing = !prior.IsNull() && !resp.requires_replace.empty();
  if (!prior.IsNull() && !replacing) {
    // A new identity gets a new principal; otherwise it stays.
    planned = planned.WithAttr(
        "identity_principal_id",
        prior.GetAttr("identity") == planned.GetAttr("identity")
            ? prior.GetAttr("identity_principal_id")
            : Value::Unknown(Type::String()));
  }

  if (!prior.IsNull() && !replacing) return;
  const auto* az =
      dynamic_cast<const AzureProviderData*>(req.ctx.provider_data);
  if (az == nullptr || az->arm == nullptr) return;
  CheckComputeNetwork(*az, req.ctx, config, resp.diagnostics);
}

void ComputeClusterResource::Create(const core::CreateRequest& req,
                                    core::CreateResponse& resp) const {
  RegisterSshPassword(req.planned_state);
  CreateCompute(kKind, req,
                compute_cluster_internal::PutBody(req.planned_state),
                GetSchema().ImpliedType(), resp);
}

void ComputeClusterResource::Read(const core::ReadRequest& req,
                                  core::ReadResponse& resp) const {
  ReadCompute(kKind, req, GetSchema().ImpliedType(), resp);
}

void ComputeClusterResource::Update(const core::UpdateRequest& req,
                                    core::UpdateResponse& resp) const {
  const AzureProviderData* az = RequireAzure(req.ctx, resp.diagnostics);
  if (az == nullptr) return;
  const Value& prior = req.prior_state;
  const Value& planned = req.planned_state;
  std::string id = ComputeIdFromState(prior);
  const Type type = GetSchema().ImpliedType();
  std::optional<nlohmann::json> body;
  RegisterSshPassword(planned);

  // Scale settings are the one property the service PATCHes.
  if (prior.GetAttr("scale") != planned.GetAttr("scale")) {
    auto r = az->arm->Patch(id, kComputeApiVersion,
                            compute_cluster_internal::ScalePatchBody(planned),
                            RequestOptionsFor(req.ctx));
    if (!r.ok()) {
      AddComputeError(resp.diagnostics, r.status(),
                      "Failed to update the compute cluster's scale settings",
                      id);
      SettleFailedComputeUpdate(kKind, *az, req, id, type, resp);
      return;
    }
    body = r->body;
  }
  if (!PutChangedCompute(kKind, *az, req, id,
                         {"tags", "description", "identity"},
                         compute_cluster_internal::PutBody(
                             planned.WithAttr("id", Value::String(id))),
                         type, body, resp)) {
    return;
  }
  FinishComputeUpdate(kKind, *az, req, id, std::move(body), type, resp);
}

void ComputeClusterResource::Delete(const core::DeleteRequest& req,
                                    core::DeleteResponse& resp) const {
  const AzureProviderData* az = RequireAzure(req.ctx, resp.diagnostics);
  if (az == nullptr) return;
  DeleteCompute(*az, req.ctx, ComputeIdFromState(req.prior_state), kNoun,
                resp.diagnostics);
}

void ComputeClusterResource::ImportState(const core::ImportRequest& req,
                                         core::ImportResponse& resp) const {
  ImportCompute(req, resp, GetSchema());
}

std::unique_ptr<core::Resource> NewComputeClusterResource() {
  return std::make_unique<ComputeClusterResource>();
}

}  // namespace secureaml::resources
