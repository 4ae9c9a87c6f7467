// Microsoft.Network/privateDnsZones and virtualNetworkLinks (2024-06-01).
// Writes answer 202 with Location (privateDnsOperationResults) and
// Azure-AsyncOperation (privateDnsOperationStatuses) under the resource
// group, as the service does; If-Match / If-None-Match are honoured; a zone
// with links cannot be deleted.
#include <regex>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "tests/emulator/service.h"

namespace secureaml::emulator {
namespace {

constexpr char kZone[] = "Microsoft.Network/privateDnsZones";
constexpr char kLink[] =
    "Microsoft.Network/privateDnsZones/virtualNetworkLinks";

std::string OpUrl(const RequestContext& c, absl::string_view kind,
                  absl::string_view id) {
  return absl::StrCat(c.base_url, "/subscriptions/", kSubscriptionId,
                      "/resourceGroups/", c.path.resource_group,
                      "/providers/Microsoft.Network/", kind, "/", id,
                      "?api-version=", c.api_version);
}

class DnsType : public ResourceType {
 public:
  std::vector<std::string> ApiVersions() const override {
    return {"2024-06-01", "2020-06-01", "2020-01-01", "2018-09-01"};
  }

  virtual std::optional<HttpResponse> Build(ArmService& s, RequestContext& c,
                                            Resource* existing,
                                            json* props) = 0;

  std::optional<HttpResponse> Preconditions(RequestContext& c,
                                            Resource* existing) {
    std::string if_match = c.http->Header("if-match");
    std::string if_none = c.http->Header("if-none-match");
    if (if_none == "*" && existing != nullptr) {
      return ArmService::Error(
          412, "PreconditionFailed",
          "The resource already exists (If-None-Match: *).");
    }
    if (!if_match.empty() && if_match != "*" &&
        (existing == nullptr || existing->body.value("etag", "") != if_match)) {
      return ArmService::Error(
          412, "PreconditionFailed",
          "The etag in If-Match does not match the resource.");
    }
    if (if_match == "*" && existing == nullptr) {
      return ArmService::Error(412, "PreconditionFailed",
                               "The resource does not exist.");
    }
    return std::nullopt;
  }

  HttpResponse Accepted(ArmService& s, RequestContext& c, const Operation& op) {
    HttpResponse resp = ArmService::Empty(202);
    resp.SetHeader("Location", OpUrl(c, "privateDnsOperationResults", op.id));
    resp.SetHeader("Azure-AsyncOperation",
                   OpUrl(c, "privateDnsOperationStatuses", op.id));
    resp.SetHeader("Retry-After", absl::StrCat(std::max(1, s.RetryAfter(op))));
    return resp;
  }

  HttpResponse Put(ArmService& s, RequestContext& c) override {
    if (auto busy = s.CheckBusy(c, c.path.resource_id, "Put")) return *busy;
    Resource* existing = s.Find(c.path.resource_id);
    if (auto e = Preconditions(c, existing)) return *e;
    if (auto e = ValidateTags(c.body)) return *e;
    if (!c.body.contains("location") || !c.body["location"].is_string() ||
        NormalizeLocation(c.body["location"].get<std::string>()) != "global") {
      std::string loc = c.body.value("location", "");
      return ArmService::Error(
          400, "LocationNotAvailableForResourceType",
          absl::StrCat("The provided location '", loc,
                       "' is not available for resource type '", Type(),
                       "'. List of available regions for the resource type is "
                       "'global'."));
    }
    json props;
    if (auto e = Build(s, c, existing, &props)) return *e;
    bool created = existing == nullptr;
    json body = {{"id", existing ? existing->id : c.path.resource_id},
                 {"name", existing ? existing->body["name"].get<std::string>()
                                   : c.path.Name()},
                 {"type", Type()},
                 {"etag", s.NewGuid()},
                 {"location", "global"},
                 {"properties", props}};
    if (c.body.contains("tags") && !c.body["tags"].is_null())
      body["tags"] = c.body["tags"];
    body["properties"]["provisioningState"] = created ? "Creating" : "Updating";
    Resource r;
    r.id = c.path.resource_id;
    r.type = Type();
    r.body = body;
    Resource& stored = s.Upsert(std::move(r));
    Operation& op =
        s.StartOperation(c, stored, created ? "create" : "update",
                         s.Duration(Type(), "", created ? "create" : "update"));
    op.location_returns_resource = true;
    return Accepted(s, c, op);
  }

  HttpResponse Patch(ArmService& s, RequestContext& c) override {
    Resource* r = s.Find(c.path.resource_id);
    if (r == nullptr) return NotFound(s, c);
    if (auto busy = s.CheckBusy(c, c.path.resource_id, "Patch")) return *busy;
    if (auto e = Preconditions(c, r)) return *e;
    if (auto e = ValidateTags(c.body)) return *e;
    if (c.body.contains("tags")) r->body["tags"] = c.body["tags"];
    if (c.body.contains("properties") && c.body["properties"].is_object() &&
        c.body["properties"].contains("registrationEnabled") &&
        absl::EqualsIgnoreCase(r->type, kLink)) {
      r->body["properties"]["registrationEnabled"] =
          c.body["properties"]["registrationEnabled"];
    }
    r->body["etag"] = s.NewGuid();
    return ArmService::JsonResponse(200, Render(s, *r));
  }

  HttpResponse Delete(ArmService& s, RequestContext& c) override {
    Resource* r = s.Find(c.path.resource_id);
    if (r == nullptr) return ArmService::Empty(204);
    if (auto busy = s.CheckBusy(c, c.path.resource_id, "Delete")) return *busy;
    if (auto e = Preconditions(c, r)) return *e;
    if (absl::EqualsIgnoreCase(r->type, kZone) &&
        !s.Children(r->id, kLink).empty()) {
      return ArmService::Error(
          409, "CannotDeleteResource",
          absl::StrCat("Cannot delete Private DNS zone '",
                       r->body["name"].get<std::string>(),
                       "' because it has virtual network links. Delete the "
                       "virtual network links first."));
    }
    r->body["properties"]["provisioningState"] = "Deleting";
    Operation& op =
        s.StartOperation(c, *r, "delete", s.Duration(Type(), "", "delete"));
    return Accepted(s, c, op);
  }

  HttpResponse Get(ArmService& s, RequestContext& c) override {
    Resource* r = s.Find(c.path.resource_id);
    if (r == nullptr) return NotFound(s, c);
    HttpResponse resp = ArmService::JsonResponse(200, Render(s, *r));
    resp.SetHeader("ETag", r->body.value("etag", ""));
    return resp;
  }
};

class Zones : public DnsType {
 public:
  std::string Type() const override { return kZone; }
  std::optional<HttpResponse> Build(ArmService& s, RequestContext& c,
                                    Resource* existing, json* props) override {
    static const std::regex kName(
        "^([a-zA-Z0-9_]([a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_])?\\.)+[a-zA-Z0-9-]{1,"
        "63}$");
    if (!std::regex_match(c.path.Name(), kName) || c.path.Name().size() > 253) {
      return ArmService::Error(400, "BadRequest",
                               absl::StrCat("The zone name '", c.path.Name(),
                                            "' is not a valid DNS name with at "
                                            "least two labels."));
    }
    *props = {
        {"maxNumberOfRecordSets", 25000},
        {"maxNumberOfVirtualNetworkLinks", 1000},
        {"maxNumberOfVirtualNetworkLinksWithRegistration", 100},
        {"numberOfRecordSets", 1},
        {"numberOfVirtualNetworkLinks", 0},
        {"numberOfVirtualNetworkLinksWithRegistration", 0},
        {"internalId", existing ? existing->body["properties"]["internalId"]
                                : json(absl::StrCat("Private;", s.NewGuid()))}};
    return std::nullopt;
  }
  json Render(ArmService& s, const Resource& r) override {
    json out = r.body;
    int links = 0, reg = 0, records = 1;
    for (Resource* l : s.Children(r.id, kLink)) {
      ++links;
      if (l->body["properties"].value("registrationEnabled", false)) ++reg;
    }
    // A records created by private endpoint DNS zone groups.
    for (Resource* g : s.All()) {
      if (!absl::EqualsIgnoreCase(
              g->type,
              "Microsoft.Network/privateEndpoints/privateDnsZoneGroups")) {
        continue;
      }
      for (const json& cfg : g->body["properties"]["privateDnsZoneConfigs"]) {
        if (absl::EqualsIgnoreCase(
                cfg["properties"].value("privateDnsZoneId", ""), r.id)) {
          records += static_cast<int>(cfg["properties"]["recordSets"].size());
        }
      }
    }
    out["properties"]["numberOfVirtualNetworkLinks"] = links;
    out["properties"]["numberOfVirtualNetworkLinksWithRegistration"] = reg;
    out["properties"]["numberOfRecordSets"] = records;
    return out;
  }
};

class Links : public DnsType {
 public:
  std::string Type() const override { return kLink; }
  std::optional<HttpResponse> Build(ArmService& s, RequestContext& c,
                                    Resource* existing, json* props) override {
    json in = c.body.value("properties", json::object());
    std::string vnet_id;
    if (in.contains("virtualNetwork") && in["virtualNetwork"].is_object()) {
      vnet_id = in["virtualNetwork"].value("id", "");
    }
    if (vnet_id.empty()) {
      return ArmService::Error(400, "BadRequest",
                               "The virtual network reference "
                               "(properties.virtualNetwork.id) is required.");
    }
    Resource* vnet = s.Find(vnet_id);
    if (vnet == nullptr ||
        !absl::EqualsIgnoreCase(vnet->type,
                                "Microsoft.Network/virtualNetworks")) {
      return ArmService::Error(400, "BadRequest",
                               absl::StrCat("The virtual network '", vnet_id,
                                            "' could not be found."));
    }
    if (existing != nullptr &&
        !absl::EqualsIgnoreCase(
            existing->body["properties"]["virtualNetwork"]["id"]
                .get<std::string>(),
            vnet->id)) {
      return ArmService::Error(400, "BadRequest",
                               "The virtual network of a virtual network link "
                               "cannot be changed.");
    }
    for (Resource* other : s.Children(c.path.parent_id, kLink)) {
      if (absl::EqualsIgnoreCase(other->id, c.path.resource_id)) continue;
      if (absl::EqualsIgnoreCase(
              other->body["properties"]["virtualNetwork"]["id"]
                  .get<std::string>(),
              vnet->id)) {
        return ArmService::Error(
            409, "Conflict",
            "A virtual network cannot be linked to the same "
            "Private DNS zone more than once.");
      }
    }
    *props = {{"virtualNetwork", {{"id", vnet->id}}},
              {"registrationEnabled", in.value("registrationEnabled", false)},
              {"virtualNetworkLinkState", "InProgress"}};
    return std::nullopt;
  }
  void OnOperationDone(ArmService& s, Resource& r,
                       const Operation& op) override {
    r.body["properties"]["provisioningState"] =
        op.failed ? "Failed" : "Succeeded";
    if (!op.failed)
      r.body["properties"]["virtualNetworkLinkState"] = "Completed";
  }
};

}  // namespace

void RegisterPrivateDnsTypes(
    std::map<std::string, std::unique_ptr<ResourceType>>& types) {
  types["microsoft.network/privatednszones"] = std::make_unique<Zones>();
  types["microsoft.network/privatednszones/virtualnetworklinks"] =
      std::make_unique<Links>();
}

}  // namespace secureaml::emulator
