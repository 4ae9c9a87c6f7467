// Microsoft.MachineLearningServices/workspaces/computes (2025-06-01):
// AmlCompute, ComputeInstance and AKS (create or attach). PUT answers 201 +
// Azure-AsyncOperation with provisioningState Creating; DELETE needs
// underlyingResourceAction and answers 202 + Azure-AsyncOperation + Location.
// The type-specific settings nest under properties.properties.
#include <regex>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "tests/emulator/service.h"

namespace secureaml::emulator {
namespace {

constexpr char kNs[] = "Microsoft.MachineLearningServices";

HttpResponse Invalid(absl::string_view message, absl::string_view target = "") {
  return ArmService::Error(400, "ValidationError", message, target);
}

json Without(json j, std::initializer_list<const char*> keys) {
  if (!j.is_object()) return j;
  for (const char* k : keys) j.erase(k);
  return j;
}

class Computes : public ResourceType {
 public:
  std::string Type() const override {
    return absl::StrCat(kNs, "/workspaces/computes");
  }
  std::vector<std::string> ApiVersions() const override {
    return {"2025-06-01", "2024-10-01", "2024-04-01"};
  }

  std::optional<HttpResponse> CheckSubnet(ArmService& s, const json& props) {
    if (!props.contains("subnet") || props["subnet"].is_null())
      return std::nullopt;
    if (!props["subnet"].is_object() || !props["subnet"].contains("id") ||
        !props["subnet"]["id"].is_string()) {
      return Invalid("subnet.id is required when subnet is set.",
                     "properties.properties.subnet.id");
    }
    std::string id = props["subnet"]["id"].get<std::string>();
    Resource* sn = s.Find(id);
    if (sn == nullptr ||
        !absl::EqualsIgnoreCase(sn->type,
                                "Microsoft.Network/virtualNetworks/subnets")) {
      return Invalid(absl::StrCat("Subnet '", id, "' was not found."),
                     "properties.properties.subnet.id");
    }
    if (sn->body["properties"].contains("delegations") &&
        !sn->body["properties"]["delegations"].empty()) {
      return Invalid(absl::StrCat("Subnet '", id,
                                  "' is delegated; compute subnets must not "
                                  "be delegated."),
                     "properties.properties.subnet.id");
    }
    return std::nullopt;
  }

  // Builds properties.properties for the compute type; returns an error
  // response for invalid input.
  std::optional<HttpResponse> BuildInner(ArmService& s, RequestContext& c,
                                         const std::string& type,
                                         const json& in, const json& outer,
                                         json* out) {
    if (type == "AmlCompute") {
      if (!in.contains("vmSize") || !in["vmSize"].is_string()) {
        return Invalid("vmSize is required for AmlCompute.",
                       "properties.properties.vmSize");
      }
      if (in.contains("scaleSettings")) {
        const json& ss = in["scaleSettings"];
        if (!ss.is_object() || !ss.contains("maxNodeCount") ||
            !ss["maxNodeCount"].is_number_integer()) {
          return Invalid("scaleSettings.maxNodeCount is required.",
                         "properties.properties.scaleSettings.maxNodeCount");
        }
        if (ss.value("minNodeCount", 0) > ss["maxNodeCount"].get<int>()) {
          return Invalid("minNodeCount cannot exceed maxNodeCount.",
                         "properties.properties.scaleSettings");
        }
      }
      if (auto e = CheckSubnet(s, in)) return e;
      bool public_ip = in.value("enableNodePublicIp", true);
      if (!public_ip && !in.contains("subnet")) {
        return Invalid("enableNodePublicIp=false requires a subnet.",
                       "properties.properties.enableNodePublicIp");
      }
      json p = Without(
          in, {"allocationState", "allocationStateTransitionTime", "errors",
               "currentNodeCount", "targetNodeCount", "nodeStateCounts"});
      if (p.contains("userAccountCredentials") &&
          p["userAccountCredentials"].is_object()) {
        // Secrets are never echoed.
        p["userAccountCredentials"].erase("adminUserPassword");
      }
      if (!p.contains("osType")) p["osType"] = "Linux";
      if (!p.contains("vmPriority")) p["vmPriority"] = "Dedicated";
      if (!p.contains("isolatedNetwork")) p["isolatedNetwork"] = false;
      p["enableNodePublicIp"] = public_ip;
      std::string rl = p.value("remoteLoginPortPublicAccess", "NotSpecified");
      if (rl == "NotSpecified") rl = public_ip ? "Enabled" : "Disabled";
      p["remoteLoginPortPublicAccess"] = rl;
      if (!p.contains("scaleSettings")) {
        p["scaleSettings"] = {{"maxNodeCount", 1},
                              {"minNodeCount", 0},
                              {"nodeIdleTimeBeforeScaleDown", "PT120S"}};
      } else if (!p["scaleSettings"].contains("minNodeCount")) {
        p["scaleSettings"]["minNodeCount"] = 0;
      }
      int min_nodes = p["scaleSettings"].value("minNodeCount", 0);
      p["allocationState"] = "Steady";
      p["allocationStateTransitionTime"] = s.Rfc3339(c.now);
      p["currentNodeCount"] = 0;
      p["targetNodeCount"] = min_nodes;
      p["nodeStateCounts"] = {
          {"idleNodeCount", 0},      {"runningNodeCount", 0},
          {"preparingNodeCount", 0}, {"unusableNodeCount", 0},
          {"leavingNodeCount", 0},   {"preemptedNodeCount", 0}};
      *out = p;
      return std::nullopt;
    }
    if (type == "ComputeInstance") {
      if (!in.contains("vmSize") || !in["vmSize"].is_string()) {
        return Invalid("vmSize is required for ComputeInstance.",
                       "properties.properties.vmSize");
      }
      if (auto e = CheckSubnet(s, in)) return e;
      if (in.contains("enableNodePublicIp") &&
          !in["enableNodePublicIp"].get<bool>() && !in.contains("subnet")) {
        return Invalid("enableNodePublicIp=false requires a subnet.",
                       "properties.properties.enableNodePublicIp");
      }
      json p = Without(
          in, {"osImageMetadata", "connectivityEndpoints", "applications",
               "createdBy", "errors", "state", "lastOperation", "containers",
               "dataDisks", "dataMounts", "versions"});
      if (!p.contains("applicationSharingPolicy"))
        p["applicationSharingPolicy"] = "Shared";
      json ssh = p.contains("sshSettings") && p["sshSettings"].is_object()
                     ? p["sshSettings"]
                     : json::object();
      if (!ssh.contains("sshPublicAccess")) ssh["sshPublicAccess"] = "Disabled";
      ssh["adminUserName"] = "azureuser";
      ssh["sshPort"] = 50000;
      p["sshSettings"] = ssh;
      if (!p.contains("enableRootAccess")) p["enableRootAccess"] = true;
      if (!p.contains("enableSSO")) p["enableSSO"] = true;
      p["state"] = "Creating";
      p["connectivityEndpoints"] = {{"privateIpAddress", "10.150.0.10"}};
      if (p.value("enableNodePublicIp", true)) {
        p["connectivityEndpoints"]["publicIpAddress"] = "20.0.0.10";
      }
      p["createdBy"] = {{"userName", c.caller.display},
                        {"userOrgId", kTenantId},
                        {"userId", c.caller.object_id}};
      p["applications"] = json::array();
      *out = p;
      return std::nullopt;
    }
    if (type == "AKS") {
      json p =
          in.is_object() ? Without(in, {"systemServices"}) : json::object();
      if (p.contains("sslConfiguration") && p["sslConfiguration"].is_object()) {
        p["sslConfiguration"].erase("cert");
        p["sslConfiguration"].erase("key");
      }
      if (outer.contains("resourceId") && outer["resourceId"].is_string()) {
        std::string id = outer["resourceId"].get<std::string>();
        Resource* aks = s.Find(id);
        if (aks == nullptr ||
            !absl::EqualsIgnoreCase(
                aks->type, "Microsoft.ContainerService/managedClusters")) {
          return Invalid(absl::StrCat("The AKS cluster '", id,
                                      "' to attach was not found."),
                         "properties.resourceId");
        }
        const json& ap = aks->body["properties"];
        if (!p.contains("clusterFqdn")) {
          p["clusterFqdn"] = ap.value("privateFQDN", ap.value("fqdn", ""));
        }
      } else {
        if (!p.contains("agentCount")) p["agentCount"] = 3;
        if (!p.contains("agentVmSize")) p["agentVmSize"] = "Standard_D3_v2";
      }
      if (!p.contains("clusterPurpose")) p["clusterPurpose"] = "FastProd";
      if (!p.contains("loadBalancerType")) p["loadBalancerType"] = "PublicIp";
      if (p.contains("aksNetworkingConfiguration") &&
          p["aksNetworkingConfiguration"].contains("subnetId")) {
        std::string sid =
            p["aksNetworkingConfiguration"]["subnetId"].get<std::string>();
        if (s.Find(sid) == nullptr) {
          return Invalid(
              absl::StrCat("Subnet '", sid, "' was not found."),
              "properties.properties.aksNetworkingConfiguration.subnetId");
        }
      }
      *out = p;
      return std::nullopt;
    }
    return Invalid(
        absl::StrCat("Compute type '", type,
                     "' is not supported by the emulator; supported: "
                     "AmlCompute, ComputeInstance, AKS."),
        "properties.computeType");
  }

  HttpResponse Put(ArmService& s, RequestContext& c) override {
    static const std::regex kName(
        "^[a-zA-Z](?![a-zA-Z0-9-]*-\\d+$)[a-zA-Z0-9\\-]{2,23}$");
    std::string name = c.path.Name();
    if (!std::regex_match(name, kName)) {
      return Invalid(absl::StrCat("Compute name '", name,
                                  "' is invalid: 3-24 characters, letters, "
                                  "digits and '-', starting with a letter and "
                                  "not ending in '-<digits>'."),
                     "name");
    }
    if (auto busy = s.CheckBusy(c, c.path.resource_id, "Put")) return *busy;
    if (!c.body.contains("properties") || !c.body["properties"].is_object() ||
        !c.body["properties"].contains("computeType") ||
        !c.body["properties"]["computeType"].is_string()) {
      return ArmService::Error(400, "InvalidRequestContent",
                               "The request content was invalid and could not "
                               "be deserialized: 'Required property "
                               "'computeType' not found in JSON. Path "
                               "'properties'.'.");
    }
    if (auto e = ValidateTags(c.body)) return *e;
    Resource* ws = s.Find(c.path.parent_id);
    Resource* existing = s.Find(c.path.resource_id);
    const json& outer = c.body["properties"];
    std::string ctype = outer["computeType"].get<std::string>();
    json inner_in =
        outer.contains("properties") ? outer["properties"] : json::object();
    json inner;
    if (auto e = BuildInner(s, c, ctype, inner_in, outer, &inner)) return *e;
    std::string location =
        c.body.contains("location") && c.body["location"].is_string()
            ? NormalizeLocation(c.body["location"].get<std::string>())
            : ws->body["location"].get<std::string>();
    if (existing != nullptr) {
      const json& old = existing->body["properties"];
      auto changed = [&](const json& a, const json& b, const char* key) {
        return a.contains(key) && b.contains(key) && a[key] != b[key];
      };
      if (old["computeType"] != ctype) {
        return Invalid("computeType cannot be changed.",
                       "properties.computeType");
      }
      for (const char* k :
           {"computeLocation", "disableLocalAuth", "resourceId"}) {
        if (changed(outer, old, k)) {
          return Invalid(absl::StrCat("Property '", k,
                                      "' cannot be updated after the compute "
                                      "is created."),
                         absl::StrCat("properties.", k));
        }
      }
      for (const char* k : {"vmSize", "vmPriority", "subnet",
                            "enableNodePublicIp", "isolatedNetwork", "osType",
                            "agentVmSize", "agentCount", "clusterPurpose"}) {
        if (changed(inner, old["properties"], k)) {
          return Invalid(absl::StrCat("Property '", k,
                                      "' cannot be updated after the compute "
                                      "is created."),
                         absl::StrCat("properties.properties.", k));
        }
      }
    }
    json props = {
        {"computeType", ctype},
        {"computeLocation", outer.value("computeLocation", location)},
        {"provisioningState", "Creating"},
        {"createdOn", existing ? existing->body["properties"]["createdOn"]
                               : json(s.Rfc3339(c.now))},
        {"modifiedOn", s.Rfc3339(c.now)},
        {"isAttachedCompute", outer.contains("resourceId")},
        {"disableLocalAuth", outer.value("disableLocalAuth", false)},
        {"properties", inner}};
    if (outer.contains("description"))
      props["description"] = outer["description"];
    if (outer.contains("resourceId")) props["resourceId"] = outer["resourceId"];
    json body = {
        {"id", existing ? existing->id : c.path.resource_id},
        {"name", existing ? existing->body["name"].get<std::string>() : name},
        {"type", Type()},
        {"location", location},
        {"properties", props},
        {"systemData", s.SystemData(c, existing)}};
    if (c.body.contains("tags")) body["tags"] = c.body["tags"];
    if (c.body.contains("sku") && c.body["sku"].is_object())
      body["sku"] = c.body["sku"];
    if (c.body.contains("identity") && c.body["identity"].is_object()) {
      json id = {{"type", c.body["identity"].value("type", "None")}};
      if (absl::StrContains(id["type"].get<std::string>(), "SystemAssigned")) {
        // An update keeps the system-assigned identity it already has.
        const json* had =
            existing != nullptr && existing->body.contains("identity") &&
                    existing->body["identity"].is_object() &&
                    existing->body["identity"].contains("principalId")
                ? &existing->body["identity"]["principalId"]
                : nullptr;
        id["principalId"] = had != nullptr ? *had : json(s.NewGuid());
        id["tenantId"] = kTenantId;
      }
      if (c.body["identity"].contains("userAssignedIdentities")) {
        json u = json::object();
        for (auto it = c.body["identity"]["userAssignedIdentities"].begin();
             it != c.body["identity"]["userAssignedIdentities"].end(); ++it) {
          u[it.key()] = {{"principalId", s.NewGuid()},
                         {"clientId", s.NewGuid()}};
        }
        id["userAssignedIdentities"] = u;
      }
      body["identity"] = id;
    }
    if (existing != nullptr) {
      // Same settings again: an in-place no-op update, answered at once.
      body["properties"]["provisioningState"] = "Succeeded";
      // Server-managed: the cluster Azure ML created for an AKS compute.
      const json& was = existing->body["properties"];
      if (!outer.contains("resourceId") && was.contains("resourceId")) {
        body["properties"]["resourceId"] = was["resourceId"];
        if (was["properties"].contains("clusterFqdn"))
          body["properties"]["properties"]["clusterFqdn"] =
              was["properties"]["clusterFqdn"];
      }
      if (ctype == "ComputeInstance") {
        body["properties"]["properties"]["state"] =
            existing->body["properties"]["properties"].value("state",
                                                             "Running");
      }
      existing->body = body;
      return ArmService::JsonResponse(200, existing->body);
    }
    Resource r;
    r.id = c.path.resource_id;
    r.type = Type();
    r.body = body;
    Resource& stored = s.Upsert(std::move(r));
    double secs = s.Duration(Type(), ctype, "create");
    Operation& op = s.StartOperation(c, stored, "create", secs);
    std::string op_id = op.id;
    int retry = s.RetryAfter(op);
    Resource* now = s.Find(c.path.resource_id);
    HttpResponse resp = ArmService::JsonResponse(201, now ? now->body : body);
    resp.SetHeader(
        "Azure-AsyncOperation",
        s.PollUrl(c, kNs, location, "computeOperationsStatus", op_id) +
            "&type=async");
    // 0 when the operation already finished: poll at once.
    resp.SetHeader("Retry-After", absl::StrCat(retry));
    return resp;
  }

  HttpResponse Patch(ArmService& s, RequestContext& c) override {
    Resource* r = s.Find(c.path.resource_id);
    if (r == nullptr) return NotFound(s, c);
    if (auto busy = s.CheckBusy(c, c.path.resource_id, "Patch")) return *busy;
    if (r->body["properties"]["computeType"] != "AmlCompute") {
      return Invalid("Only AmlCompute scale settings can be updated.",
                     "properties");
    }
    const json& b = c.body;
    if (!b.contains("properties") || !b["properties"].is_object() ||
        !b["properties"].contains("properties") ||
        !b["properties"]["properties"].is_object()) {
      return Invalid(
          "Body must be "
          "{\"properties\":{\"properties\":{\"scaleSettings\":{...}}}}.",
          "properties");
    }
    const json& inner = b["properties"]["properties"];
    for (auto it = inner.begin(); it != inner.end(); ++it) {
      if (it.key() != "scaleSettings") {
        return Invalid(
            absl::StrCat("Property '", it.key(), "' cannot be updated."),
            absl::StrCat("properties.properties.", it.key()));
      }
    }
    if (inner.contains("scaleSettings")) {
      const json& ss = inner["scaleSettings"];
      if (!ss.is_object() || !ss.contains("maxNodeCount")) {
        return Invalid("scaleSettings.maxNodeCount is required.",
                       "properties.properties.scaleSettings.maxNodeCount");
      }
      r->body["properties"]["properties"]["scaleSettings"] = ss;
      r->body["properties"]["properties"]["targetNodeCount"] =
          ss.value("minNodeCount", 0);
    }
    r->body["properties"]["modifiedOn"] = s.Rfc3339(c.now);
    return ArmService::JsonResponse(200, r->body);
  }

  HttpResponse Delete(ArmService& s, RequestContext& c) override {
    auto action = c.http->Query("underlyingResourceAction");
    if (!action) {
      return ArmService::Error(400, "BadArgument",
                               "The query parameter 'underlyingResourceAction' "
                               "is required (Delete or Detach).",
                               "underlyingResourceAction");
    }
    if (*action != "Delete" && *action != "Detach") {
      return ArmService::Error(
          400, "BadArgument",
          absl::StrCat("Invalid underlyingResourceAction '", *action,
                       "'; use Delete or Detach."),
          "underlyingResourceAction");
    }
    Resource* r = s.Find(c.path.resource_id);
    if (r == nullptr) return ArmService::Empty(204);
    if (auto busy = s.CheckBusy(c, c.path.resource_id, "Delete")) return *busy;
    r->body["properties"]["provisioningState"] = "Deleting";
    std::string location = r->body["location"].get<std::string>();
    std::string ctype = r->body["properties"]["computeType"].get<std::string>();
    double secs = *action == "Detach" ? 0 : s.Duration(Type(), ctype, "delete");
    const json& underlying = r->body["properties"]["resourceId"];
    if (*action == "Delete" && ctype == "AKS" && underlying.is_string()) {
      delete_underlying_[ArmService::Lower(r->id)] = underlying;
    }
    Operation& op = s.StartOperation(c, *r, "delete", secs);
    HttpResponse resp = ArmService::Empty(202);
    resp.SetHeader(
        "Azure-AsyncOperation",
        s.PollUrl(c, kNs, location, "computeOperationsStatus", op.id) +
            "&type=async");
    resp.SetHeader("Location", s.PollUrl(c, kNs, location,
                                         "computeOperationsStatus", op.id) +
                                   "&type=location");
    int retry = s.RetryAfter(op);
    resp.SetHeader("Retry-After", absl::StrCat(retry));
    return resp;
  }

  HttpResponse Action(ArmService& s, RequestContext& c) override {
    Resource* r = s.Find(c.path.resource_id);
    if (r == nullptr) return NotFound(s, c);
    std::string ctype = r->body["properties"]["computeType"].get<std::string>();
    std::string a = ArmService::Lower(c.path.action);
    if (a == "listkeys") {
      return ArmService::JsonResponse(200, json{{"computeType", ctype}});
    }
    if (a == "listnodes") {
      return ArmService::JsonResponse(200, json{{"nodes", json::array()}});
    }
    if (a == "updateidleshutdownsetting" && ctype == "ComputeInstance") {
      // Compute_UpdateIdleShutdownSetting: 200, no body.
      if (!c.body.is_object() || !c.body.contains("idleTimeBeforeShutdown") ||
          !c.body["idleTimeBeforeShutdown"].is_string()) {
        return Invalid("idleTimeBeforeShutdown (ISO 8601) is required.",
                       "idleTimeBeforeShutdown");
      }
      if (auto busy = s.CheckBusy(c, c.path.resource_id, c.path.action))
        return *busy;
      r->body["properties"]["properties"]["idleTimeBeforeShutdown"] =
          c.body["idleTimeBeforeShutdown"];
      r->body["properties"]["modifiedOn"] = s.Rfc3339(c.now);
      return ArmService::Empty(200);
    }
    if ((a == "start" || a == "stop" || a == "restart") &&
        ctype == "ComputeInstance") {
      if (auto busy = s.CheckBusy(c, c.path.resource_id, c.path.action))
        return *busy;
      r->body["properties"]["properties"]["state"] = a == "stop" ? "Stopping"
                                                     : a == "start"
                                                         ? "Starting"
                                                         : "Restarting";
      pending_state_[ArmService::Lower(r->id)] =
          a == "stop" ? "Stopped" : "Running";
      std::string location = r->body["location"].get<std::string>();
      Operation& op = s.StartOperation(c, *r, "action",
                                       s.Duration(Type(), ctype, "update"));
      HttpResponse resp = ArmService::Empty(202);
      resp.SetHeader("Location", s.PollUrl(c, kNs, location,
                                           "computeOperationsStatus", op.id) +
                                     "&type=location");
      resp.SetHeader("Retry-After",
                     absl::StrCat(std::max(1, s.RetryAfter(op))));
      return resp;
    }
    return ResourceType::Action(s, c);
  }

  void OnOperationDone(ArmService& s, Resource& r,
                       const Operation& op) override {
    json& props = r.body["properties"];
    if (op.kind == "delete") {
      if (op.failed) props["provisioningState"] = "Failed";
      auto it = delete_underlying_.find(ArmService::Lower(r.id));
      if (it != delete_underlying_.end()) {
        if (!op.failed) s.Erase(it->second);
        delete_underlying_.erase(it);
      }
      return;
    }
    if (op.kind == "action") {
      auto it = pending_state_.find(ArmService::Lower(r.id));
      if (it != pending_state_.end()) {
        props["properties"]["state"] = it->second;
        pending_state_.erase(it);
      }
      return;
    }
    if (op.failed) {
      props["provisioningState"] = "Failed";
      props["provisioningErrors"] = json::array(
          {{{"error",
             {{"code", op.error_code}, {"message", op.error_message}}}}});
      if (props["computeType"] == "ComputeInstance") {
        props["properties"]["state"] = "CreateFailed";
      }
      return;
    }
    props["provisioningState"] = "Succeeded";
    if (props["computeType"] == "AKS" && !props.contains("resourceId")) {
      CreateAksCluster(s, r);
    }
    if (props["computeType"] == "ComputeInstance")
      props["properties"]["state"] = "Running";
  }

 private:
  // Azure ML creates the AKS cluster of a non-attached AKS compute in the
  // workspace's resource group and reports it as resourceId.
  static void CreateAksCluster(ArmService& s, Resource& compute) {
    json& props = compute.body["properties"];
    const json& inner = props["properties"];
    std::string name = absl::StrCat(compute.body.value("name", "aks"),
                                    s.NewGuid().substr(0, 6));
    std::string rg = compute.id.substr(0, compute.id.find("/providers/"));
    Resource aks;
    aks.id = absl::StrCat(rg,
                          "/providers/Microsoft.ContainerService/"
                          "managedClusters/",
                          name);
    aks.type = "Microsoft.ContainerService/managedClusters";
    std::string fqdn =
        absl::StrCat(name, ".hcp.", compute.body["location"].get<std::string>(),
                     ".azmk8s.io");
    json net = inner.value("aksNetworkingConfiguration", json::object());
    aks.body = {
        {"id", aks.id},
        {"name", name},
        {"type", aks.type},
        {"location", compute.body["location"]},
        {"properties",
         {{"provisioningState", "Succeeded"},
          {"fqdn", fqdn},
          {"agentPoolProfiles",
           {{{"name", "agentpool"},
             {"count", inner.value("agentCount", 3)},
             {"vmSize", inner.value("agentVmSize", "Standard_D3_v2")},
             {"vnetSubnetID", net.value("subnetId", "")}}}},
          {"networkProfile",
           {{"serviceCidr", net.value("serviceCidr", "10.0.0.0/16")},
            {"dnsServiceIP", net.value("dnsServiceIP", "10.0.0.10")}}}}}};
    props["resourceId"] = aks.id;
    s.Upsert(std::move(aks));
    props["properties"]["clusterFqdn"] = fqdn;
  }

  std::map<std::string, std::string> pending_state_;
  // Compute -> AKS cluster to delete with it (underlyingResourceAction=Delete).
  std::map<std::string, std::string> delete_underlying_;
};

}  // namespace

void RegisterComputeTypes(
    std::map<std::string, std::unique_ptr<ResourceType>>& types) {
  types["microsoft.machinelearningservices/workspaces/computes"] =
      std::make_unique<Computes>();
}

}  // namespace secureaml::emulator
