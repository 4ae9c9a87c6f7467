// Microsoft.Resources: resource groups (sync PUT, 202 + Location DELETE that
// removes everything inside), the subscription itself and provider
// registration (clients such as azurerm register RPs before use).
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "tests/emulator/service.h"

namespace secureaml::emulator {
namespace {

const std::vector<std::string>& ResourcesVersions() {
  static const auto* v = new std::vector<std::string>{
      "2025-04-01", "2024-11-01", "2024-07-01", "2024-03-01",
      "2023-07-01", "2022-09-01", "2021-04-01"};
  return *v;
}

class ResourceGroups : public ResourceType {
 public:
  std::string Type() const override {
    return "Microsoft.Resources/resourceGroups";
  }
  std::vector<std::string> ApiVersions() const override {
    return ResourcesVersions();
  }

  HttpResponse NotFound(ArmService& s, RequestContext& c) override {
    return ArmService::Error(404, "ResourceGroupNotFound",
                             absl::StrCat("Resource group '", c.path.Name(),
                                          "' could not be found."));
  }

  HttpResponse Get(ArmService& s, RequestContext& c) override {
    Resource* r = s.Find(c.path.resource_id);
    if (c.http->method == "HEAD") return ArmService::Empty(r ? 204 : 404);
    if (r == nullptr) return NotFound(s, c);
    return ArmService::JsonResponse(200, r->body);
  }

  HttpResponse Put(ArmService& s, RequestContext& c) override {
    const std::string& name = c.path.Name();
    Resource* existing = s.Find(c.path.resource_id, true);
    if (existing != nullptr && !existing->pending_op.empty()) {
      return ArmService::Error(
          409, "ResourceGroupBeingDeleted",
          absl::StrCat("The resource group '", name,
                       "' is in deprovisioning state and cannot perform this "
                       "operation."));
    }
    if (!c.body.contains("location") || !c.body["location"].is_string() ||
        c.body["location"].get<std::string>().empty()) {
      return ArmService::Error(
          400, "LocationRequired",
          "The location property is required for this definition.");
    }
    if (auto e = ValidateTags(c.body)) return *e;
    if (c.body.contains("managedBy") && !c.body["managedBy"].is_null() &&
        !c.body["managedBy"].is_string()) {
      return ArmService::Error(
          400, "InvalidRequestContent",
          "The request content was invalid and could not "
          "be deserialized: 'managedBy' must be a string.");
    }
    std::string location =
        NormalizeLocation(c.body["location"].get<std::string>());
    if (existing != nullptr &&
        existing->body["location"].get<std::string>() != location) {
      return ArmService::Error(
          400, "InvalidResourceGroupLocation",
          absl::StrCat("Invalid resource group location '", location,
                       "'. The Resource group already exists in location '",
                       existing->body["location"].get<std::string>(), "'."));
    }
    Resource r;
    r.id = c.path.resource_id;
    r.type = Type();
    std::string id = existing ? existing->id : c.path.resource_id;
    r.body = {
        {"id", id},
        {"name", existing ? existing->body["name"].get<std::string>() : name},
        {"type", Type()},
        {"location", location},
        {"properties", {{"provisioningState", "Succeeded"}}}};
    if (c.body.contains("tags") && !c.body["tags"].is_null())
      r.body["tags"] = c.body["tags"];
    if (c.body.contains("managedBy") && c.body["managedBy"].is_string()) {
      r.body["managedBy"] = c.body["managedBy"];
    }
    bool created = existing == nullptr;
    Resource& stored = s.Upsert(std::move(r));
    return ArmService::JsonResponse(created ? 201 : 200, stored.body);
  }

  HttpResponse Patch(ArmService& s, RequestContext& c) override {
    Resource* r = s.Find(c.path.resource_id);
    if (r == nullptr) return NotFound(s, c);
    if (auto e = ValidateTags(c.body)) return *e;
    if (c.body.contains("tags")) r->body["tags"] = c.body["tags"];
    if (c.body.contains("managedBy") && c.body["managedBy"].is_string()) {
      r->body["managedBy"] = c.body["managedBy"];
    }
    return ArmService::JsonResponse(200, r->body);
  }

  HttpResponse Delete(ArmService& s, RequestContext& c) override {
    Resource* r = s.Find(c.path.resource_id);
    if (r == nullptr) return NotFound(s, c);
    if (!r->pending_op.empty()) {
      return ArmService::Error(
          409, "ResourceGroupBeingDeleted",
          absl::StrCat("The resource group '", c.path.Name(),
                       "' is in deprovisioning state and cannot perform this "
                       "operation."));
    }
    double secs = s.Duration(Type(), "", "delete");
    r->body["properties"]["provisioningState"] = "Deleting";
    Operation& op = s.StartOperation(c, *r, "delete", secs);
    if (op.applied && !op.failed) return ArmService::Empty(200);
    HttpResponse resp = ArmService::Empty(202);
    resp.SetHeader("Location",
                   absl::StrCat(c.base_url, "/subscriptions/", kSubscriptionId,
                                "/operationresults/", op.id,
                                "?api-version=", c.api_version));
    resp.SetHeader("Retry-After", absl::StrCat(s.RetryAfter(op)));
    return resp;
  }

  void OnOperationDone(ArmService& s, Resource& r,
                       const Operation& op) override {
    if (op.failed) r.body["properties"]["provisioningState"] = "Succeeded";
  }
};

class Subscriptions : public ResourceType {
 public:
  std::string Type() const override {
    return "Microsoft.Resources/subscriptions";
  }
  std::vector<std::string> ApiVersions() const override {
    return {"2022-12-01", "2021-01-01", "2020-01-01", "2016-06-01"};
  }
  json Body() const {
    return {{"id", absl::StrCat("/subscriptions/", kSubscriptionId)},
            {"subscriptionId", kSubscriptionId},
            {"tenantId", kTenantId},
            {"displayName", "secureaml emulator subscription"},
            {"state", "Enabled"},
            {"subscriptionPolicies",
             {{"locationPlacementId", "Public_2014-09-01"},
              {"quotaId", "PayAsYouGo_2014-09-01"},
              {"spendingLimit", "Off"}}},
            {"authorizationSource", "RoleBased"}};
  }
  HttpResponse Get(ArmService& s, RequestContext& c) override {
    return ArmService::JsonResponse(200, Body());
  }
  HttpResponse List(ArmService& s, RequestContext& c) override {
    return ArmService::JsonResponse(200,
                                    json{{"value", json::array({Body()})}});
  }
};

class Providers : public ResourceType {
 public:
  std::string Type() const override { return "Microsoft.Resources/providers"; }
  std::vector<std::string> ApiVersions() const override {
    return ResourcesVersions();
  }
  bool AnyScope() const override { return true; }
  json Body(const RequestContext& c) const {
    return {{"id", absl::StrCat("/subscriptions/", kSubscriptionId,
                                "/providers/", c.path.provider_ns)},
            {"namespace", c.path.provider_ns},
            {"registrationState", "Registered"},
            {"registrationPolicy", "RegistrationRequired"},
            {"resourceTypes", json::array()}};
  }
  HttpResponse Get(ArmService& s, RequestContext& c) override {
    if (c.path.subscription.empty()) return s.NotFoundError(c);
    return ArmService::JsonResponse(200, Body(c));
  }
  HttpResponse Action(ArmService& s, RequestContext& c) override {
    if (!absl::EqualsIgnoreCase(c.path.action, "register")) {
      return ResourceType::Action(s, c);
    }
    return ArmService::JsonResponse(200, Body(c));
  }
};

}  // namespace

void RegisterResourceGroupTypes(
    std::map<std::string, std::unique_ptr<ResourceType>>& types) {
  types["microsoft.resources/resourcegroups"] =
      std::make_unique<ResourceGroups>();
  types["microsoft.resources/subscriptions"] =
      std::make_unique<Subscriptions>();
  types["microsoft.resources/providers"] = std::make_unique<Providers>();
}

}  // namespace secureaml::emulator
