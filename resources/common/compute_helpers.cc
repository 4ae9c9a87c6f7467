#include "resources/common/compute_helpers.h"

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "provider/azure/arm_error.h"
#include "resources/common/arm_id.h"
#include "resources/common/validators.h"
#include "resources/common/workspace_helpers.h"

namespace secureaml::resources {
namespace {

using tf::AttributePath;
using tf::Value;

std::string Str(const Value& obj, std::string_view name) {
  return obj.GetString(name).value_or("");
}

// What the user can do about the compute-specific failures the generic
// hints (HintFor) do not cover.
std::string ComputeHint(const std::string& code) {
  if (code == "AllocationFailed" || code == "ZonalAllocationFailed" ||
      code == "OverconstrainedAllocationRequest" ||
      code == "OverconstrainedZonalAllocationRequest") {
    return "Azure could not allocate nodes of this size in the region right "
           "now. Try again later, choose another vm_size, or use a region "
           "with more capacity.";
  }
  if (code == "SkuNotAvailable" || code == "VmSizeNotSupported") {
    return "This vm_size is not offered in the region for this "
           "subscription. Choose a size the region supports.";
  }
  if (code == "QuotaExceeded" || code == "InsufficientQuota" ||
      code == "OperationNotAllowed") {
    return "Request a quota increase for this VM family and region "
           "(Azure ML studio > Quota), or choose a smaller size or fewer "
           "nodes.";
  }
  if (code == "SubnetIsFull" || code == "InsufficientSubnetSize" ||
      code == "SubnetFull") {
    return "The subnet has no free addresses for the nodes. Use a larger "
           "subnet or remove unused resources from it.";
  }
  return "";
}

// The ARM error code carried by a status ("" when none).
std::string ArmCode(const absl::Status& status) {
  std::optional<azure::ArmError> e = azure::GetArmError(status);
  return e ? e->code : "";
}

}  // namespace

std::string ComputeIdFromState(const Value& state) {
  std::string id = Str(state, "id");
  if (!id.empty()) return id;
  return absl::StrCat(Str(state, "workspace_id"), "/computes/",
                      Str(state, "name"));
}

std::string WorkspaceIdOfCompute(const std::string& compute_id) {
  absl::StatusOr<ArmId> id = ParseArmIdOfType(compute_id, kComputeType);
  if (!id.ok()) return "";
  return id->Parent().ToString();
}

void CheckComputeNetwork(const AzureProviderData& az,
                         const core::OperationContext& ctx, const Value& config,
                         tf::Diagnostics& diags) {
  const Value& public_ip = config.GetAttr("node_public_ip_enabled");
  const Value& subnet = config.GetAttr("subnet_id");
  const AttributePath subnet_path = AttributePath::Root("subnet_id");
  bool no_public_ip = !public_ip.IsUnknown() &&
                      !config.GetBool("node_public_ip_enabled").value_or(false);

  if (no_public_ip && subnet.IsNull()) {
    std::optional<std::string> ws_id = config.GetString("workspace_id");
    if (ws_id) {
      auto r = az.arm->Get(*ws_id, kComputeApiVersion, RequestOptionsFor(ctx));
      if (r.ok()) {
        std::string mode = JsonString(
            r->body, {"properties", "managedNetwork", "isolationMode"});
        if (mode.empty() || mode == "Disabled") {
          diags.AddAttributeError(
              subnet_path, "Subnet required for nodes without a public IP",
              absl::StrCat(
                  "node_public_ip_enabled is false and the workspace ", *ws_id,
                  " has no managed virtual network, so the nodes need a "
                  "subnet of your virtual network to reach Azure ML. Set "
                  "subnet_id to a subnet in the workspace's region (whose NSG "
                  "allows BatchNodeManagement and AzureMachineLearning "
                  "inbound; see secureaml_network_rules), or enable the "
                  "workspace's managed_network."));
        }
      }
    }
  }

  std::optional<std::string> subnet_id = config.GetString("subnet_id");
  std::optional<std::string> location = config.GetString("location");
  if (!subnet_id) return;
  absl::StatusOr<ArmId> sid = ParseArmIdOfType(*subnet_id, kSubnetType);
  if (!sid.ok()) return;  // the attribute validator reports it
  std::string vnet_id = sid->Parent().ToString();
  auto vnet =
      az.arm->Get(vnet_id, kComputeNetworkApiVersion, RequestOptionsFor(ctx));
  if (absl::IsNotFound(vnet.status())) {
    diags.AddAttributeWarning(
        subnet_path, "Virtual network not found",
        absl::StrCat("The virtual network ", vnet_id,
                     " does not exist (yet), so its region could not be "
                     "checked. Creating the compute fails unless it exists "
                     "by then."));
    return;
  }
  if (!vnet.ok() || !location) return;
  std::string vnet_location = JsonString(vnet->body, {"location"});
  if (!vnet_location.empty() &&
      NormalizeLocation(vnet_location) != NormalizeLocation(*location)) {
    diags.AddAttributeError(
        subnet_path, "Subnet in another region",
        absl::StrCat("The subnet's virtual network ", vnet_id, " is in ",
                     vnet_location, ", but the compute is in ", *location,
                     ". Azure ML compute must be in the same region as the "
                     "virtual network it joins: use a subnet of the "
                     "workspace's virtual network in ",
                     *location, ", or change location."));
  }
}

std::vector<std::pair<std::string, std::string>> ComputeErrors(
    const nlohmann::json& body) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const nlohmann::json* list :
       {JsonAt(body, {"properties", "provisioningErrors"}),
        JsonAt(body, {"properties", "properties", "errors"})}) {
    if (list == nullptr || !list->is_array()) continue;
    for (const nlohmann::json& e : *list) {
      std::string code = JsonString(e, {"error", "code"});
      std::string message = JsonString(e, {"error", "message"});
      if (code.empty() && message.empty()) continue;
      out.emplace_back(code, message);
    }
  }
  return out;
}

void AddComputeError(tf::Diagnostics& diags, const absl::Status& status,
                     std::string_view summary, const std::string& id) {
  std::string hint = ComputeHint(ArmCode(status));
  if (hint.empty() || !HintFor(status).empty()) {
    AddAzureError(diags, status, summary, id);
    return;
  }
  diags.AddError(
      std::string(summary),
      absl::StrCat("Resource: ", id, "\n", status.message(), "\n\n", hint));
}

namespace {

// "Code: message" lines and the first hint that applies.
std::string DescribeErrors(
    const std::vector<std::pair<std::string, std::string>>& errors) {
  std::vector<std::string> lines;
  std::string hint;
  for (const auto& [code, message] : errors) {
    lines.push_back(
        absl::StrCat("- ", code.empty() ? "(no code)" : code, ": ", message));
    if (hint.empty()) hint = ComputeHint(code);
  }
  std::string out = absl::StrJoin(lines, "\n");
  if (!hint.empty()) absl::StrAppend(&out, "\n\n", hint);
  return out;
}

}  // namespace

ComputePutResult PutCompute(const AzureProviderData& az,
                            const core::OperationContext& ctx,
                            const std::string& id, const nlohmann::json& body,
                            std::string_view summary, tf::Diagnostics& diags) {
  ComputePutResult out;
  azure::RequestOptions opts = RequestOptionsFor(ctx);
  opts.on_accepted = [&out](const azure::AcceptedOperation&) {
    out.accepted = true;
  };
  auto r = az.arm->Put(id, kComputeApiVersion, body, opts);
  if (!r.ok()) {
    // The operation can fail after Azure created the compute (quota, subnet
    // full, node allocation): then it exists in state Failed, with the
    // service's errors, and must stay tracked.
    auto g = az.arm->Get(id, kComputeApiVersion, RequestOptionsFor(ctx));
    if (!g.ok() || !g->body.is_object()) {
      // No answer settled the PUT (timeout, Ctrl-C): it may exist.
      if (WriteMayHaveLanded(r.status())) out.accepted = true;
      AddComputeError(diags, r.status(), summary, id);
      return out;
    }
    out.accepted = true;
    std::vector<std::pair<std::string, std::string>> errors =
        ComputeErrors(g->body);
    if (errors.empty()) {
      AddComputeError(diags, r.status(), summary, id);
    } else {
      diags.AddError(
          std::string(summary),
          absl::StrCat("Resource: ", id, "\n", r.status().message(),
                       "\nAzure ML reports:\n", DescribeErrors(errors),
                       "\n\nThe compute is kept in state and marked tainted: "
                       "the next apply replaces it."));
    }
    out.body = std::move(g->body);
    return out;
  }
  absl::StatusOr<nlohmann::json> written =
      BodyAfterWrite(az, ctx, id, kComputeApiVersion, r->body);
  if (!written.ok()) {
    AddComputeError(diags, written.status(), summary, id);
    return out;
  }
  nlohmann::json result = *std::move(written);
  if (EqualsIgnoreCase(JsonString(result, {"properties", "provisioningState"}),
                       "Failed")) {
    std::vector<std::pair<std::string, std::string>> errors =
        ComputeErrors(result);
    diags.AddError(
        std::string(summary),
        absl::StrCat("Resource: ", id,
                     "\nAzure ML reports provisioningState Failed",
                     errors.empty() ? "." : ":\n", DescribeErrors(errors),
                     "\n\nThe compute is kept in state and marked tainted: "
                     "the next apply replaces it."));
  }
  out.body = std::move(result);
  return out;
}

void WarnComputeErrors(const nlohmann::json& body, std::string_view noun,
                       const std::string& id, tf::Diagnostics& diags) {
  if (EqualsIgnoreCase(JsonString(body, {"properties", "provisioningState"}),
                       "Failed")) {
    return;  // PutCompute already reported them as an error
  }
  const nlohmann::json* node_errors =
      JsonAt(body, {"properties", "properties", "errors"});
  if (node_errors == nullptr || !node_errors->is_array() ||
      node_errors->empty()) {
    return;
  }
  nlohmann::json only_nodes = {
      {"properties", {{"properties", {{"errors", *node_errors}}}}}};
  diags.AddWarning(
      absl::StrCat("The ", std::string(noun), " reports node errors"),
      absl::StrCat("Resource: ", id, "\n",
                   DescribeErrors(ComputeErrors(only_nodes))));
}

void DeleteCompute(const AzureProviderData& az,
                   const core::OperationContext& ctx, const std::string& id,
                   std::string_view noun, tf::Diagnostics& diags) {
  azure::RequestOptions opts = RequestOptionsFor(ctx);
  // Delete the VMs too; Detach is for attached computes only.
  opts.query.emplace_back("underlyingResourceAction", "Delete");
  auto r = az.arm->Delete(id, kComputeApiVersion, opts);
  if (!r.ok() && !absl::IsNotFound(r.status())) {
    AddComputeError(diags, r.status(),
                    absl::StrCat("Failed to delete ", std::string(noun)), id);
  }
}

void ImportCompute(const core::ImportRequest& req, core::ImportResponse& resp,
                   const tf::Schema& schema) {
  ImportByArmId(req, resp, schema, kComputeType,
                "/subscriptions/00000000-0000-0000-0000-000000000000/"
                "resourceGroups/ws1103/providers/"
                "Microsoft.MachineLearningServices/workspaces/ws1103/"
                "computes/cpu-cluster");
  if (resp.diagnostics.HasError()) return;
  resp.state = resp.state.WithAttr("workspace_id",
                                   Value::String(WorkspaceIdOfCompute(req.id)));
}

Value PreferPriorDuration(const Value& prior, const std::string& remote) {
  if (remote.empty()) return Value::Null(tf::Type::String());
  if (prior.IsKnown()) {
    std::optional<absl::Duration> a = ParseIso8601Duration(prior.AsString());
    std::optional<absl::Duration> b = ParseIso8601Duration(remote);
    if (a && b && *a == *b) return prior;
  }
  return Value::String(remote);
}

void CommonComputeState(const nlohmann::json& body, const Value& prior,
                        const tf::Type& type, std::map<std::string, Value>& a) {
  const nlohmann::json empty = nlohmann::json::object();
  const nlohmann::json* p = JsonAt(body, {"properties"});
  const nlohmann::json& props = (p != nullptr && p->is_object()) ? *p : empty;
  const nlohmann::json* ip = JsonAt(props, {"properties"});
  const nlohmann::json& inner =
      (ip != nullptr && ip->is_object()) ? *ip : empty;

  std::string id = JsonString(body, {"id"});
  if (id.empty()) id = Str(prior, "id");
  a["id"] = PreferPriorCasing(prior.GetAttr("id"), id);
  absl::StatusOr<ArmId> parsed = ParseArmId(id);
  std::string name = JsonString(body, {"name"});
  if (name.empty() && parsed.ok()) name = parsed->Name();
  a["name"] = PreferPriorCasing(prior.GetAttr("name"), name);
  std::string ws = WorkspaceIdOfCompute(id);
  if (ws.empty()) ws = Str(prior, "workspace_id");
  a["workspace_id"] = PreferPriorCasing(prior.GetAttr("workspace_id"), ws);
  std::string location = JsonString(body, {"location"});
  if (location.empty()) location = JsonString(props, {"computeLocation"});
  a["location"] = PreferPriorLocation(prior.GetAttr("location"), location);
  a["subnet_id"] = OptionalId(prior.GetAttr("subnet_id"),
                              JsonString(inner, {"subnet", "id"}));
  // Both compute types give nodes a public IP unless told otherwise.
  a["node_public_ip_enabled"] =
      Value::Bool(JsonBool(inner, {"enableNodePublicIp"}).value_or(true));
  std::optional<bool> disable_local = JsonBool(props, {"disableLocalAuth"});
  a["local_auth_enabled"] =
      disable_local
          ? Value::Bool(!*disable_local)
          : Value::Bool(prior.GetBool("local_auth_enabled").value_or(true));
  a["description"] = OptionalString(prior.GetAttr("description"),
                                    JsonString(props, {"description"}));
  a["tags"] = TagsFromJson(JsonAt(body, {"tags"}), prior.GetAttr("tags"));
  a["timeouts"] = prior.GetAttr("timeouts").IsKnown()
                      ? prior.GetAttr("timeouts")
                      : Value::Null(type.AttributeTypes().at("timeouts"));
}

nlohmann::json CommonComputeBody(const Value& planned,
                                 std::string_view compute_type) {
  nlohmann::json inner = nlohmann::json::object();
  inner["vmSize"] = Str(planned, "vm_size");
  if (std::optional<std::string> subnet = planned.GetString("subnet_id")) {
    inner["subnet"] = {{"id", *subnet}};
  }
  inner["enableNodePublicIp"] =
      planned.GetBool("node_public_ip_enabled").value_or(false);
  std::string location = NormalizeLocation(Str(planned, "location"));
  nlohmann::json props;
  props["computeType"] = std::string(compute_type);
  props["computeLocation"] = location;
  props["disableLocalAuth"] =
      !planned.GetBool("local_auth_enabled").value_or(false);
  if (std::optional<std::string> d = planned.GetString("description")) {
    props["description"] = *d;
  }
  props["properties"] = std::move(inner);
  nlohmann::json body;
  body["location"] = location;
  body["tags"] = TagsToJson(planned.GetAttr("tags"));
  body["properties"] = std::move(props);
  return body;
}

void CreateCompute(const ComputeKind& kind, const core::CreateRequest& req,
                   const nlohmann::json& body, const tf::Type& type,
                   core::CreateResponse& resp) {
  const AzureProviderData* az = RequireAzure(req.ctx, resp.diagnostics);
  if (az == nullptr) return;
  const Value& planned = req.planned_state;
  std::string id = ComputeIdFromState(planned);
  if (!EnsureAbsentBeforeCreate(*az, req.ctx, id, kComputeApiVersion,
                                kind.type_name, resp.diagnostics)) {
    return;
  }
  // The workspace may not have existed at plan time: check again.
  CheckComputeNetwork(*az, req.ctx, planned, resp.diagnostics);
  if (resp.diagnostics.HasError()) return;

  ComputePutResult r = PutCompute(*az, req.ctx, id, body,
                                  absl::StrCat("Failed to create ", kind.noun),
                                  resp.diagnostics);
  if (!r.body) {
    if (r.accepted) resp.new_state = PartialState(planned, id);
    return;
  }
  WarnComputeErrors(*r.body, kind.noun, id, resp.diagnostics);
  resp.new_state = kind.state_from_json(
      *r.body, planned.WithAttr("id", Value::String(id)), type);
}

void ReadCompute(const ComputeKind& kind, const core::ReadRequest& req,
                 const tf::Type& type, core::ReadResponse& resp) {
  std::optional<nlohmann::json> body =
      ReadById(req, resp, kComputeApiVersion, kind.noun);
  if (!body) return;
  std::string id = Str(req.current_state, "id");
  std::string compute_type = JsonString(*body, {"properties", "computeType"});
  if (!compute_type.empty() && compute_type != kind.compute_type) {
    resp.diagnostics.AddError(
        absl::StrCat("Not a ", kind.noun),
        absl::StrCat("The compute ", id, " is a ", compute_type, ", not a ",
                     kind.noun, " (", kind.compute_type,
                     "). Import it with the resource type for that kind of "
                     "compute."));
    return;
  }
  if (EqualsIgnoreCase(JsonString(*body, {"properties", "provisioningState"}),
                       "Failed")) {
    std::vector<std::pair<std::string, std::string>> errors =
        ComputeErrors(*body);
    resp.diagnostics.AddWarning(
        absl::StrCat("The ", kind.noun, " failed to provision"),
        absl::StrCat("Azure ML reports ", id, " as Failed",
                     errors.empty() ? "." : ":\n", DescribeErrors(errors),
                     "\n\nRun `terraform apply -replace=<address>` to create "
                     "it again."));
  }
  resp.new_state = kind.state_from_json(*body, req.current_state, type);
}

void FinishComputeUpdate(const ComputeKind& kind, const AzureProviderData& az,
                         const core::UpdateRequest& req, const std::string& id,
                         std::optional<nlohmann::json> body,
                         const tf::Type& type, core::UpdateResponse& resp) {
  Value with_id = req.planned_state.WithAttr("id", Value::String(id));
  if (!body || !body->is_object() || JsonAt(*body, {"properties"}) == nullptr) {
    auto g = az.arm->Get(id, kComputeApiVersion, RequestOptionsFor(req.ctx));
    if (!g.ok()) {
      AddComputeError(resp.diagnostics, g.status(),
                      absl::StrCat("Failed to read the updated ", kind.noun),
                      id);
      resp.new_state = PartialState(with_id, id);
      return;
    }
    body = std::move(g->body);
  }
  WarnComputeErrors(*body, kind.noun, id, resp.diagnostics);
  resp.new_state = kind.state_from_json(*body, with_id, type);
}

bool PutChangedCompute(const ComputeKind& kind, const AzureProviderData& az,
                       const core::UpdateRequest& req, const std::string& id,
                       std::initializer_list<const char*> attrs,
                       const nlohmann::json& put_body, const tf::Type& type,
                       std::optional<nlohmann::json>& body,
                       core::UpdateResponse& resp) {
  bool changed = false;
  for (const char* attr : attrs) {
    if (req.prior_state.GetAttr(attr) != req.planned_state.GetAttr(attr)) {
      changed = true;
    }
  }
  if (!changed) return true;
  ComputePutResult r = PutCompute(az, req.ctx, id, put_body,
                                  absl::StrCat("Failed to update ", kind.noun),
                                  resp.diagnostics);
  if (!r.body || resp.diagnostics.HasError()) {
    SettleFailedComputeUpdate(kind, az, req, id, type, resp);
    return false;
  }
  body = std::move(r.body);
  return true;
}

void SettleFailedComputeUpdate(const ComputeKind& kind,
                               const AzureProviderData& az,
                               const core::UpdateRequest& req,
                               const std::string& id, const tf::Type& type,
                               core::UpdateResponse& resp) {
  auto g = az.arm->Get(id, kComputeApiVersion, RequestOptionsFor(req.ctx));
  resp.new_state = g.ok() ? kind.state_from_json(g->body, req.prior_state, type)
                          : req.prior_state;
}

void WarnNodePublicIp(const Value& config, std::string_view noun,
                      tf::Diagnostics& diags) {
  if (!config.GetBool("node_public_ip_enabled").value_or(false)) return;
  diags.AddAttributeWarning(
      AttributePath::Root("node_public_ip_enabled"),
      "Compute nodes get public IP addresses",
      absl::StrCat(
          "node_public_ip_enabled = true gives every node of this ",
          std::string(noun),
          " a public IP address, reachable from the internet subject only to "
          "NSG rules. A secure platform keeps it false and places the nodes "
          "in a subnet (subnet_id) or in the workspace's managed network."));
}

}  // namespace secureaml::resources
