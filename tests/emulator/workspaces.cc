// Microsoft.MachineLearningServices/workspaces (2025-06-01): PUT answers 202
// + Location and the workspace stays invisible (GET 404) until the operation
// ends; DELETE is 202 + Location and soft-deletes unless forceToPurge=true.
#include <regex>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "tests/emulator/service.h"

namespace secureaml::emulator {
namespace {

constexpr char kNs[] = "Microsoft.MachineLearningServices";

const std::vector<std::string> kWritable = {"allowPublicAccessWhenBehindVnet",
                                            "allowRoleAssignmentOnRG",
                                            "applicationInsights",
                                            "associatedWorkspaces",
                                            "containerRegistries",
                                            "containerRegistry",
                                            "description",
                                            "discoveryUrl",
                                            "enableDataIsolation",
                                            "enableServiceSideCMKEncryption",
                                            "enableSimplifiedCmk",
                                            "enableSoftwareBillOfMaterials",
                                            "encryption",
                                            "existingWorkspaces",
                                            "featureStoreSettings",
                                            "friendlyName",
                                            "hbiWorkspace",
                                            "hubResourceId",
                                            "imageBuildCompute",
                                            "ipAllowlist",
                                            "keyVault",
                                            "keyVaults",
                                            "managedNetwork",
                                            "networkAcls",
                                            "primaryUserAssignedIdentity",
                                            "provisionNetworkNow",
                                            "publicNetworkAccess",
                                            "serverlessComputeSettings",
                                            "serviceManagedResourcesSettings",
                                            "sharedPrivateLinkResources",
                                            "softDeleteRetentionInDays",
                                            "storageAccount",
                                            "storageAccounts",
                                            "systemDatastoresAuthMode",
                                            "v1LegacyMode",
                                            "workspaceHubConfig"};

const std::vector<std::string> kPatchable = {"allowRoleAssignmentOnRG",
                                             "applicationInsights",
                                             "containerRegistry",
                                             "description",
                                             "enableDataIsolation",
                                             "enableSoftwareBillOfMaterials",
                                             "encryption",
                                             "featureStoreSettings",
                                             "friendlyName",
                                             "imageBuildCompute",
                                             "ipAllowlist",
                                             "managedNetwork",
                                             "networkAcls",
                                             "primaryUserAssignedIdentity",
                                             "publicNetworkAccess",
                                             "serverlessComputeSettings",
                                             "serviceManagedResourcesSettings",
                                             "softDeleteRetentionInDays",
                                             "systemDatastoresAuthMode",
                                             "v1LegacyMode"};

// Cannot change after create (the service rejects the PUT).
const std::vector<std::string> kImmutable = {
    "storageAccount", "keyVault", "hbiWorkspace",
    "allowPublicAccessWhenBehindVnet", "hubResourceId"};

bool SameArmId(const json& a, const json& b) {
  if (!a.is_string() || !b.is_string()) return a == b;
  return ArmService::Lower(a.get<std::string>()) ==
         ArmService::Lower(b.get<std::string>());
}

HttpResponse Validation(absl::string_view message, absl::string_view target) {
  return ArmService::Error(400, "ValidationError", message, target);
}

// Linked resources must be well-formed ARM IDs (ARM's own check) and exist.
std::optional<HttpResponse> CheckLinked(ArmService& s, const json& props,
                                        const char* key,
                                        absl::string_view want_type) {
  if (!props.contains(key) || props[key].is_null()) return std::nullopt;
  if (!props[key].is_string()) {
    return ArmService::Error(400, "InvalidRequestContent",
                             absl::StrCat("The request content was invalid and "
                                          "could not be deserialized: "
                                          "'properties.",
                                          key, "' must be a string."));
  }
  std::string id = props[key].get<std::string>();
  if (!absl::StartsWithIgnoreCase(id, "/subscriptions/")) {
    return ArmService::Error(
        400, "LinkedInvalidPropertyId",
        absl::StrCat("Property id '", id, "' at path 'properties.", key,
                     "' is invalid. Expect fully qualified resource Id that "
                     "start with '/subscriptions/{subscriptionId}' or "
                     "'/providers/{resourceProviderNamespace}/'."));
  }
  Resource* r = s.Find(id);
  if (r == nullptr || !absl::EqualsIgnoreCase(r->type, want_type)) {
    return Validation(
        absl::StrCat("The linked resource '", id, "' (", want_type,
                     ") referenced by 'properties.", key, "' was not found."),
        absl::StrCat("properties.", key));
  }
  return std::nullopt;
}

class Workspaces : public ResourceType {
 public:
  std::string Type() const override { return absl::StrCat(kNs, "/workspaces"); }
  std::vector<std::string> ApiVersions() const override {
    return {"2025-06-01", "2024-10-01", "2024-04-01"};
  }

  std::optional<HttpResponse> ValidateBody(ArmService& s, RequestContext& c,
                                           bool create) {
    if (!c.body.contains("properties") || !c.body["properties"].is_object()) {
      return ArmService::Error(400, "InvalidRequestContent",
                               "The request content was invalid and could not "
                               "be deserialized: 'Required property "
                               "'properties' not found in JSON.'.");
    }
    if (auto e = ValidateTags(c.body)) return e;
    const json& props = c.body["properties"];
    std::string kind = c.body.value("kind", "Default");
    if (create && kind != "Hub" && kind != "Project" &&
        kind != "FeatureStore") {
      for (const char* k : {"storageAccount", "keyVault"}) {
        if (!props.contains(k) || !props[k].is_string() ||
            props[k].get<std::string>().empty()) {
          return Validation(absl::StrCat("The '", k,
                                         "' property is required to create a "
                                         "workspace of kind '",
                                         kind, "'."),
                            absl::StrCat("properties.", k));
        }
      }
    }
    if (auto e = CheckLinked(s, props, "storageAccount",
                             "Microsoft.Storage/storageAccounts")) {
      return e;
    }
    if (auto e =
            CheckLinked(s, props, "keyVault", "Microsoft.KeyVault/vaults")) {
      return e;
    }
    if (auto e = CheckLinked(s, props, "containerRegistry",
                             "Microsoft.ContainerRegistry/registries")) {
      return e;
    }
    if (auto e = CheckLinked(s, props, "applicationInsights",
                             "Microsoft.Insights/components")) {
      return e;
    }
    if (props.contains("publicNetworkAccess") &&
        props["publicNetworkAccess"] != "Enabled" &&
        props["publicNetworkAccess"] != "Disabled") {
      return Validation("publicNetworkAccess must be 'Enabled' or 'Disabled'.",
                        "properties.publicNetworkAccess");
    }
    if (props.contains("encryption")) {
      const json& e = props["encryption"];
      if (!e.is_object() || !e.contains("status") ||
          !e.contains("keyVaultProperties") ||
          !e["keyVaultProperties"].is_object() ||
          !e["keyVaultProperties"].contains("keyVaultArmId") ||
          !e["keyVaultProperties"].contains("keyIdentifier")) {
        return Validation(
            "encryption requires 'status' and 'keyVaultProperties' with "
            "'keyVaultArmId' and 'keyIdentifier'.",
            "properties.encryption");
      }
    }
    if (c.body.contains("identity")) {
      const json& id = c.body["identity"];
      if (!id.is_object() || !id.contains("type") || !id["type"].is_string()) {
        return ArmService::Error(
            400, "InvalidRequestContent",
            "The request content was invalid: identity.type "
            "is required.");
      }
      static const std::set<std::string> kTypes = {
          "None", "SystemAssigned", "UserAssigned",
          "SystemAssigned,UserAssigned"};
      if (!kTypes.count(id["type"].get<std::string>())) {
        return ArmService::Error(
            400, "InvalidIdentityType",
            absl::StrCat("The identity type '", id["type"].get<std::string>(),
                         "' is not supported."));
      }
    }
    return std::nullopt;
  }

  json BuildIdentity(ArmService& s, const json& req, const json* existing) {
    json out = {{"type", req["type"]}};
    std::string t = req["type"].get<std::string>();
    if (absl::StrContains(t, "SystemAssigned")) {
      if (existing != nullptr && existing->contains("principalId")) {
        out["principalId"] = (*existing)["principalId"];
      } else {
        Principal p;
        p.display_name = "workspace-system-identity";
        p.type = "ServicePrincipal";
        p.managed_identity = true;
        p.app_id = s.NewGuid();
        // A new managed identity replicates like any new principal.
        p.visible_at =
            s.Now() + absl::Seconds(s.config().principal_replication_seconds);
        out["principalId"] = s.AddPrincipal(p).object_id;
      }
      out["tenantId"] = kTenantId;
    }
    if (absl::StrContains(t, "UserAssigned") &&
        req.contains("userAssignedIdentities") &&
        req["userAssignedIdentities"].is_object()) {
      json uais = json::object();
      for (auto it = req["userAssignedIdentities"].begin();
           it != req["userAssignedIdentities"].end(); ++it) {
        uais[it.key()] = {{"principalId", s.NewGuid()},
                          {"clientId", s.NewGuid()}};
      }
      out["userAssignedIdentities"] = uais;
    }
    return out;
  }

  HttpResponse Put(ArmService& s, RequestContext& c) override {
    static const std::regex kName("^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$");
    const std::string name = c.path.Name();
    if (!std::regex_match(name, kName)) {
      return Validation(absl::StrCat("Workspace name '", name,
                                     "' is invalid. It must match "
                                     "^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$."),
                        "name");
    }
    Resource* existing = s.Find(c.path.resource_id, true);
    if (existing != nullptr && !existing->visible) existing = nullptr;
    if (existing == nullptr && s.Find(c.path.resource_id, true) != nullptr) {
      // Invisible = a create is already running.
      return *s.CheckBusy(c, c.path.resource_id, "Put");
    }
    if (auto busy = s.CheckBusy(c, c.path.resource_id, "Put")) return *busy;
    if (existing == nullptr &&
        soft_deleted_.count(ArmService::Lower(c.path.resource_id))) {
      return ArmService::Error(
          409, "Conflict",
          absl::StrCat("Soft-deleted workspace exists. Please purge or recover "
                       "it. Workspace '",
                       name, "' in resource group '", c.path.resource_group,
                       "' was soft-deleted; delete it with forceToPurge=true "
                       "to reuse the name. https://aka.ms/wsoftdelete"));
    }
    if (auto e = ValidateLocation(c, existing)) return *e;
    if (auto e = ValidateBody(s, c, existing == nullptr)) return *e;
    const json& props = c.body["properties"];
    if (existing != nullptr) {
      const json& old = existing->body["properties"];
      for (const std::string& k : kImmutable) {
        if (props.contains(k) && old.contains(k) &&
            !SameArmId(props[k], old[k])) {
          return Validation(absl::StrCat("Updating '", k,
                                         "' is not supported once the "
                                         "workspace is created."),
                            absl::StrCat("properties.", k));
        }
      }
      if (c.body.contains("kind") && existing->body.contains("kind") &&
          c.body["kind"] != existing->body["kind"]) {
        return Validation("Updating 'kind' is not supported.", "kind");
      }
      if (props.contains("encryption") && old.contains("encryption")) {
        const json& a = props["encryption"];
        const json& b = old["encryption"];
        if (a["status"] != b["status"] ||
            !SameArmId(a["keyVaultProperties"]["keyVaultArmId"],
                       b["keyVaultProperties"]["keyVaultArmId"])) {
          return Validation(
              "Only encryption.keyVaultProperties.keyIdentifier "
              "can be updated.",
              "properties.encryption");
        }
      }
    }
    json body = {
        {"id", existing ? existing->id : c.path.resource_id},
        {"name", existing ? existing->body["name"].get<std::string>() : name},
        {"type", Type()},
        {"location", NormalizeLocation(c.body["location"].get<std::string>())}};
    if (c.body.contains("tags")) body["tags"] = c.body["tags"];
    body["kind"] = c.body.value("kind", "Default");
    if (c.body.contains("sku") && c.body["sku"].is_object())
      body["sku"] = c.body["sku"];
    if (c.body.contains("identity")) {
      const json* old_id = existing && existing->body.contains("identity")
                               ? &existing->body["identity"]
                               : nullptr;
      body["identity"] = BuildIdentity(s, c.body["identity"], old_id);
    }
    json p = PickKeys(props, kWritable);
    std::string ws_id =
        existing
            ? existing->body["properties"]["workspaceId"].get<std::string>()
            : s.NewGuid();
    std::string loc = body["location"].get<std::string>();
    p["workspaceId"] = ws_id;
    p["tenantId"] = kTenantId;
    p["discoveryUrl"] =
        props.value("discoveryUrl",
                    absl::StrCat("https://", loc, ".api.azureml.ms/discovery"));
    p["mlFlowTrackingUri"] =
        absl::StrCat("azureml://", loc, ".api.azureml.ms/mlflow/v1.0",
                     body["id"].get<std::string>());
    p["storageHnsEnabled"] = false;
    p["privateLinkCount"] = 0;
    p["hbiWorkspace"] = props.value("hbiWorkspace", false);
    p["v1LegacyMode"] = props.value("v1LegacyMode", false);
    p["publicNetworkAccess"] = props.value("publicNetworkAccess", "Enabled");
    p["enableDataIsolation"] = props.value("enableDataIsolation", false);
    p["softDeleteRetentionInDays"] =
        props.value("softDeleteRetentionInDays", 14);
    p["systemDatastoresAuthMode"] =
        props.value("systemDatastoresAuthMode", "AccessKey");
    if (props.contains("encryption")) {
      json enc = props["encryption"];
      p["encryption"] =
          PickKeys(enc, {"status", "keyVaultProperties", "identity",
                         "cosmosDbResourceId", "searchAccountResourceId",
                         "storageAccountResourceId"});
    }
    if (props.contains("managedNetwork") &&
        props["managedNetwork"].is_object()) {
      json mn =
          PickKeys(props["managedNetwork"],
                   {"isolationMode", "outboundRules", "status", "firewallSku",
                    "managedNetworkKind", "enableNetworkMonitor"});
      if (!mn.contains("isolationMode")) mn["isolationMode"] = "Disabled";
      p["managedNetwork"] = mn;
    }
    if (existing != nullptr) {
      for (const std::string& k : kImmutable) {
        if (existing->body["properties"].contains(k)) {
          p[k] = existing->body["properties"][k];
        }
      }
    }
    bool creating = existing == nullptr;
    p["provisioningState"] = creating ? "Creating" : "Updating";
    body["properties"] = p;
    body["systemData"] = s.SystemData(c, existing);
    Resource r;
    r.id = c.path.resource_id;
    r.type = Type();
    r.body = body;
    r.visible = !creating;
    Resource& stored = s.Upsert(std::move(r));
    double secs = s.Duration(Type(), "", creating ? "create" : "update");
    if (!creating && secs <= 0 && c.lro_fault == nullptr) {
      stored.body["properties"]["provisioningState"] = "Succeeded";
      return ArmService::JsonResponse(200, stored.body);
    }
    Operation& op =
        s.StartOperation(c, stored, creating ? "create" : "update", secs);
    op.location_returns_resource = true;
    HttpResponse resp = ArmService::Empty(202);
    resp.SetHeader("Location",
                   s.PollUrl(c, kNs, loc, "workspaceOperationsStatus", op.id) +
                       "&type=location");
    resp.SetHeader("Retry-After", absl::StrCat(s.RetryAfter(op)));
    return resp;
  }

  HttpResponse Patch(ArmService& s, RequestContext& c) override {
    Resource* r = s.Find(c.path.resource_id);
    if (r == nullptr) return NotFound(s, c);
    if (auto busy = s.CheckBusy(c, c.path.resource_id, "Patch")) return *busy;
    if (auto e = ValidateTags(c.body)) return *e;
    if (c.body.contains("properties")) {
      if (!c.body["properties"].is_object()) {
        return ArmService::Error(400, "InvalidRequestContent",
                                 "'properties' must be an object.");
      }
      for (auto it = c.body["properties"].begin();
           it != c.body["properties"].end(); ++it) {
        if (std::find(kPatchable.begin(), kPatchable.end(), it.key()) ==
            kPatchable.end()) {
          return Validation(absl::StrCat("Property '", it.key(),
                                         "' cannot be updated with PATCH."),
                            absl::StrCat("properties.", it.key()));
        }
      }
      json& p = r->body["properties"];
      for (auto it = c.body["properties"].begin();
           it != c.body["properties"].end(); ++it) {
        if (it.key() == "encryption") {
          if (it.value().contains("keyVaultProperties") &&
              it.value()["keyVaultProperties"].contains("keyIdentifier") &&
              p.contains("encryption")) {
            p["encryption"]["keyVaultProperties"]["keyIdentifier"] =
                it.value()["keyVaultProperties"]["keyIdentifier"];
          }
          continue;
        }
        p[it.key()] = it.value();
      }
    }
    if (c.body.contains("tags")) r->body["tags"] = c.body["tags"];
    if (c.body.contains("sku")) r->body["sku"] = c.body["sku"];
    r->body["systemData"] = s.SystemData(c, r);
    return ArmService::JsonResponse(200, r->body);
  }

  HttpResponse Delete(ArmService& s, RequestContext& c) override {
    bool purge = false;
    if (auto f = c.http->Query("forceToPurge")) {
      if (*f != "true" && *f != "false" && *f != "True" && *f != "False") {
        return ArmService::Error(400, "InvalidQueryParameterValue",
                                 "forceToPurge must be true or false.");
      }
      purge = *f == "true" || *f == "True";
    }
    std::string key = ArmService::Lower(c.path.resource_id);
    Resource* r = s.Find(c.path.resource_id);
    if (r == nullptr) {
      if (purge && soft_deleted_.erase(key) > 0) return ArmService::Empty(200);
      return ArmService::Empty(204);
    }
    if (auto busy = s.CheckBusy(c, c.path.resource_id, "Delete")) return *busy;
    r->body["properties"]["provisioningState"] = "Deleting";
    std::string loc = r->body["location"].get<std::string>();
    purge_on_done_[key] = purge;
    Operation& op =
        s.StartOperation(c, *r, "delete", s.Duration(Type(), "", "delete"));
    HttpResponse resp = ArmService::Empty(202);
    resp.SetHeader("Location",
                   s.PollUrl(c, kNs, loc, "workspaceOperationsStatus", op.id) +
                       "&type=location");
    resp.SetHeader("Retry-After", absl::StrCat(s.RetryAfter(op)));
    return resp;
  }

  HttpResponse Action(ArmService& s, RequestContext& c) override {
    Resource* r = s.Find(c.path.resource_id);
    if (r == nullptr) return NotFound(s, c);
    if (absl::EqualsIgnoreCase(c.path.action, "listKeys")) {
      return ArmService::JsonResponse(
          200, json{{"userStorageKey", "<redacted-by-emulator>"},
                    {"userStorageArmId",
                     r->body["properties"].value("storageAccount", "")}});
    }
    return ResourceType::Action(s, c);
  }

  void OnOperationDone(ArmService& s, Resource& r,
                       const Operation& op) override {
    std::string key = ArmService::Lower(r.id);
    if (op.kind == "delete") {
      if (op.failed) {
        r.body["properties"]["provisioningState"] = "Failed";
        return;
      }
      if (!purge_on_done_[key]) soft_deleted_[key] = r.body;
      purge_on_done_.erase(key);
      return;
    }
    ResourceType::OnOperationDone(s, r, op);
  }

 private:
  std::map<std::string, json> soft_deleted_;
  std::map<std::string, bool> purge_on_done_;
};

}  // namespace

void RegisterWorkspaceTypes(
    std::map<std::string, std::unique_ptr<ResourceType>>& types) {
  types["microsoft.machinelearningservices/workspaces"] =
      std::make_unique<Workspaces>();
}

}  // namespace secureaml::emulator
