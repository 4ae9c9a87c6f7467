// Microsoft.Network (2024-07-01): virtual networks and subnets, network
// security groups and security rules, private endpoints and their private DNS
// zone groups. PUT answers 201 (create) or 200 (update) with the resource in
// provisioningState Updating plus Azure-AsyncOperation; DELETE answers 202
// with Location and Azure-AsyncOperation. Every resource carries an etag and
// errors use the Network CloudError shape.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <optional>
#include <regex>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "tests/emulator/service.h"

namespace secureaml::emulator {
namespace {

constexpr char kNs[] = "Microsoft.Network";
constexpr char kVnet[] = "Microsoft.Network/virtualNetworks";
constexpr char kSubnet[] = "Microsoft.Network/virtualNetworks/subnets";
constexpr char kNsg[] = "Microsoft.Network/networkSecurityGroups";
constexpr char kRule[] =
    "Microsoft.Network/networkSecurityGroups/securityRules";
constexpr char kPe[] = "Microsoft.Network/privateEndpoints";
constexpr char kZoneGroup[] =
    "Microsoft.Network/privateEndpoints/privateDnsZoneGroups";

const std::vector<std::string> kVersions = {"2024-07-01", "2025-01-01",
                                            "2024-05-01", "2024-03-01",
                                            "2023-11-01", "2023-09-01"};

HttpResponse Bad(absl::string_view code, absl::string_view message) {
  return ArmService::Error(400, code, message);
}

struct Cidr {
  uint32_t base = 0;
  int bits = 0;
  uint64_t Size() const { return uint64_t{1} << (32 - bits); }
  bool Contains(const Cidr& o) const {
    return o.bits >= bits && o.base >= base &&
           uint64_t{o.base} + o.Size() <= uint64_t{base} + Size();
  }
  bool Overlaps(const Cidr& o) const {
    return uint64_t{base} < uint64_t{o.base} + o.Size() &&
           uint64_t{o.base} < uint64_t{base} + Size();
  }
};

std::optional<Cidr> ParseCidr(absl::string_view text) {
  std::vector<std::string> parts = absl::StrSplit(text, '/');
  if (parts.size() != 2) return std::nullopt;
  std::vector<std::string> oct = absl::StrSplit(parts[0], '.');
  int bits = 0;
  if (oct.size() != 4 || !absl::SimpleAtoi(parts[1], &bits) || bits < 0 ||
      bits > 32) {
    return std::nullopt;
  }
  uint32_t ip = 0;
  for (const std::string& o : oct) {
    int v = 0;
    if (o.empty() || o.size() > 3 || !absl::SimpleAtoi(o, &v) || v < 0 ||
        v > 255) {
      return std::nullopt;
    }
    ip = (ip << 8) | static_cast<uint32_t>(v);
  }
  Cidr c;
  c.bits = bits;
  c.base = bits == 0 ? 0 : ip & (~uint32_t{0} << (32 - bits));
  if (c.base != ip) return std::nullopt;  // host bits set: Azure rejects
  return c;
}

std::string IpString(uint32_t ip) {
  return absl::StrCat(ip >> 24, ".", (ip >> 16) & 255, ".", (ip >> 8) & 255,
                      ".", ip & 255);
}

std::vector<std::string> Prefixes(const json& props, const char* one,
                                  const char* many) {
  std::vector<std::string> out;
  if (props.contains(one) && props[one].is_string())
    out.push_back(props[one].get<std::string>());
  if (props.contains(many) && props[many].is_array()) {
    for (const json& p : props[many]) {
      if (p.is_string()) out.push_back(p.get<std::string>());
    }
  }
  return out;
}

// Shared PUT/DELETE machinery of the Network RP.
class NetworkType : public ResourceType {
 public:
  std::vector<std::string> ApiVersions() const override { return kVersions; }

  HttpResponse NotFound(ArmService& s, RequestContext& c) override {
    if (c.path.segments.size() > 1) {
      return ArmService::Error(
          404, "NotFound",
          absl::StrCat("Resource ", c.path.resource_id, " not found."));
    }
    return s.NotFoundError(c);
  }

  std::string LocationOf(ArmService& s, const RequestContext& c) {
    if (c.path.segments.size() > 1) {
      Resource* parent = s.Find(c.path.parent_id);
      if (parent && parent->body.contains("location")) {
        return parent->body["location"].get<std::string>();
      }
    }
    if (c.body.contains("location") && c.body["location"].is_string()) {
      return NormalizeLocation(c.body["location"].get<std::string>());
    }
    Resource* r = s.Find(c.path.resource_id);
    if (r && r->body.contains("location"))
      return r->body["location"].get<std::string>();
    return "eastus";
  }

  // Type-specific: validate the request and build the stored body (without
  // provisioningState/etag). `existing` is null on create.
  virtual std::optional<HttpResponse> Build(ArmService& s, RequestContext& c,
                                            Resource* existing, json* body) = 0;
  // Extra work after storing (e.g. inline children).
  virtual void AfterStore(ArmService& s, RequestContext& c, Resource& r) {}
  virtual std::optional<HttpResponse> CheckDelete(ArmService& s,
                                                  RequestContext& c,
                                                  Resource& r) {
    return std::nullopt;
  }

  HttpResponse Put(ArmService& s, RequestContext& c) override {
    if (auto busy = s.CheckBusy(c, c.path.resource_id, "Put")) return *busy;
    Resource* existing = s.Find(c.path.resource_id);
    if (c.path.segments.size() == 1) {
      if (auto e = ValidateLocation(c, existing)) return *e;
      if (auto e = ValidateTags(c.body)) return *e;
    }
    if (c.body.contains("properties") && !c.body["properties"].is_object()) {
      return Bad("InvalidRequestFormat", "Cannot parse the request.");
    }
    json body;
    if (auto e = Build(s, c, existing, &body)) return *e;
    std::string location = LocationOf(s, c);
    body["id"] = existing ? existing->id : c.path.resource_id;
    body["name"] =
        existing ? existing->body["name"].get<std::string>() : c.path.Name();
    // privateDnsZoneGroups are the one Network child without a type field.
    if (Type() != kZoneGroup) body["type"] = Type();
    if (c.path.segments.size() == 1) {
      body["location"] = location;
      if (c.body.contains("tags") && !c.body["tags"].is_null())
        body["tags"] = c.body["tags"];
    }
    body["etag"] = s.NewEtag();
    body["properties"]["provisioningState"] = "Updating";
    bool created = existing == nullptr;
    Resource r;
    r.id = c.path.resource_id;
    r.type = Type();
    r.body = body;
    Resource& stored = s.Upsert(std::move(r));
    AfterStore(s, c, stored);
    Operation& op =
        s.StartOperation(c, stored, created ? "create" : "update",
                         s.Duration(Type(), "", created ? "create" : "update"));
    std::string op_id = op.id;
    int retry = s.RetryAfter(op);
    Resource* now = s.Find(c.path.resource_id);
    HttpResponse resp = ArmService::JsonResponse(created ? 201 : 200,
                                                 now ? Render(s, *now) : body);
    resp.SetHeader("Azure-AsyncOperation",
                   s.PollUrl(c, kNs, location, "operations", op_id));
    // 0 when the operation already finished: poll at once.
    resp.SetHeader("Retry-After", absl::StrCat(retry));
    return resp;
  }

  HttpResponse Delete(ArmService& s, RequestContext& c) override {
    Resource* r = s.Find(c.path.resource_id);
    if (r == nullptr) return ArmService::Empty(204);
    if (auto busy = s.CheckBusy(c, c.path.resource_id, "Delete")) return *busy;
    if (auto e = CheckDelete(s, c, *r)) return *e;
    std::string location = LocationOf(s, c);
    r->body["properties"]["provisioningState"] = "Deleting";
    Operation& op =
        s.StartOperation(c, *r, "delete", s.Duration(Type(), "", "delete"));
    if (op.applied && !op.failed) return ArmService::Empty(200);
    HttpResponse resp = ArmService::Empty(202);
    resp.SetHeader("Location",
                   s.PollUrl(c, kNs, location, "operationResults", op.id));
    resp.SetHeader("Azure-AsyncOperation",
                   s.PollUrl(c, kNs, location, "operations", op.id));
    resp.SetHeader("Retry-After", absl::StrCat(std::max(1, s.RetryAfter(op))));
    return resp;
  }

  // Tags-only update, synchronous (virtualNetworks_UpdateTags and friends).
  HttpResponse Patch(ArmService& s, RequestContext& c) override {
    if (c.path.segments.size() != 1) return ResourceType::Patch(s, c);
    Resource* r = s.Find(c.path.resource_id);
    if (r == nullptr) return NotFound(s, c);
    if (auto busy = s.CheckBusy(c, c.path.resource_id, "Patch")) return *busy;
    if (auto e = ValidateTags(c.body)) return *e;
    if (c.body.contains("tags")) r->body["tags"] = c.body["tags"];
    r->body["etag"] = s.NewEtag();
    return ArmService::JsonResponse(200, Render(s, *r));
  }

  HttpResponse Get(ArmService& s, RequestContext& c) override {
    Resource* r = s.Find(c.path.resource_id);
    if (r == nullptr) return NotFound(s, c);
    HttpResponse resp = ArmService::JsonResponse(200, Render(s, *r));
    resp.SetHeader("ETag", r->body.value("etag", ""));
    return resp;
  }

  void OnOperationDone(ArmService& s, Resource& r,
                       const Operation& op) override {
    r.body["properties"]["provisioningState"] =
        op.failed ? "Failed" : "Succeeded";
  }
};

// Which resources reference a subnet (they block its deletion).
std::vector<std::string> SubnetUsers(ArmService& s,
                                     absl::string_view subnet_id) {
  std::vector<std::string> users;
  std::string want = ArmService::Lower(subnet_id);
  for (Resource* r : s.All()) {
    const json& p =
        r->body.contains("properties") ? r->body["properties"] : json();
    if (!p.is_object()) continue;
    auto match = [&](const json& j) {
      return j.is_string() && ArmService::Lower(j.get<std::string>()) == want;
    };
    if (absl::EqualsIgnoreCase(r->type, kPe) && p.contains("subnet") &&
        match(p["subnet"].value("id", json()))) {
      users.push_back(r->id);
    }
    if (absl::EqualsIgnoreCase(
            r->type, "Microsoft.MachineLearningServices/workspaces/computes") &&
        p.contains("properties") && p["properties"].is_object() &&
        p["properties"].contains("subnet") &&
        p["properties"]["subnet"].is_object() &&
        match(p["properties"]["subnet"].value("id", json()))) {
      users.push_back(r->id);
    }
    if (absl::EqualsIgnoreCase(r->type,
                               "Microsoft.ContainerService/managedClusters") &&
        p.contains("agentPoolProfiles")) {
      for (const json& ap : p["agentPoolProfiles"]) {
        if (match(ap.value("vnetSubnetID", json()))) users.push_back(r->id);
      }
    }
  }
  return users;
}

class Subnets : public NetworkType {
 public:
  std::string Type() const override { return kSubnet; }

  // Validates one subnet definition against its VNet and siblings.
  static std::optional<HttpResponse> BuildSubnet(
      ArmService& s, const std::string& vnet_id, const json& vnet_space,
      const std::string& name, const json& in, const json* old, json* out) {
    std::vector<std::string> prefixes =
        Prefixes(in, "addressPrefix", "addressPrefixes");
    if (prefixes.empty()) {
      return Bad(
          "NoAddressPrefixOrPoolProvided",
          absl::StrCat("Subnet '", name,
                       "' must have an address prefix or an IPAM pool."));
    }
    std::vector<Cidr> space;
    for (const json& p : vnet_space) {
      if (auto c = ParseCidr(p.get<std::string>())) space.push_back(*c);
    }
    for (const std::string& p : prefixes) {
      auto c = ParseCidr(p);
      if (!c) {
        return Bad(
            "InvalidAddressPrefixFormat",
            absl::StrCat("Address prefix ", p, " of resource ", vnet_id,
                         "/subnets/", name, " is not formatted correctly."));
      }
      bool inside = false;
      for (const Cidr& v : space) inside |= v.Contains(*c);
      if (!inside) {
        return Bad(
            "NetcfgSubnetRangeOutsideVnet",
            absl::StrCat("Subnet '", name,
                         "' is not valid because its IP address range is "
                         "outside the IP address range of virtual network '",
                         vnet_id.substr(vnet_id.find_last_of('/') + 1), "'."));
      }
      for (Resource* sib : s.Children(vnet_id, kSubnet)) {
        if (absl::EqualsIgnoreCase(sib->body["name"].get<std::string>(), name))
          continue;
        for (const std::string& sp : Prefixes(
                 sib->body["properties"], "addressPrefix", "addressPrefixes")) {
          auto sc = ParseCidr(sp);
          if (sc && sc->Overlaps(*c)) {
            return Bad(
                "NetcfgSubnetRangesOverlap",
                absl::StrCat("Subnet '", name,
                             "' is not valid because its IP address range "
                             "overlaps with that of an existing subnet '",
                             sib->body["name"].get<std::string>(),
                             "' in virtual network."));
          }
        }
      }
    }
    if (in.contains("networkSecurityGroup") &&
        !in["networkSecurityGroup"].is_null()) {
      std::string nsg = in["networkSecurityGroup"].value("id", "");
      Resource* n = s.Find(nsg);
      if (n == nullptr || !absl::EqualsIgnoreCase(n->type, kNsg)) {
        return Bad(
            "InvalidResourceReference",
            absl::StrCat("Resource ", nsg, " referenced by resource ", vnet_id,
                         "/subnets/", name,
                         " was not found. Please make sure "
                         "that the referenced resource exists, and that both "
                         "resources are in the same region."));
      }
    }
    if (old != nullptr && in.contains("defaultOutboundAccess") &&
        old->contains("defaultOutboundAccess") &&
        in["defaultOutboundAccess"] != (*old)["defaultOutboundAccess"]) {
      return Bad(
          "DefaultOutboundAccessCannotBeUpdated",
          "defaultOutboundAccess can only be set when the subnet is created.");
    }
    json p = PickKeys(
        in,
        {"addressPrefix", "addressPrefixes", "networkSecurityGroup",
         "routeTable", "natGateway", "serviceEndpointPolicies", "delegations",
         "privateEndpointNetworkPolicies", "privateLinkServiceNetworkPolicies",
         "defaultOutboundAccess", "sharingScope"});
    if (p.contains("networkSecurityGroup")) {
      p["networkSecurityGroup"] = {{"id", in["networkSecurityGroup"]["id"]}};
    }
    if (in.contains("serviceEndpoints") && in["serviceEndpoints"].is_array()) {
      json eps = json::array();
      for (const json& e : in["serviceEndpoints"]) {
        json ep = PickKeys(e, {"service", "locations"});
        if (!ep.contains("locations")) ep["locations"] = json::array({"*"});
        ep["provisioningState"] = "Succeeded";
        eps.push_back(ep);
      }
      p["serviceEndpoints"] = eps;
    }
    if (p.contains("delegations")) {
      json ds = json::array();
      for (const json& d : p["delegations"]) {
        json dd = PickKeys(d, {"name", "properties"});
        dd["id"] = absl::StrCat(vnet_id, "/subnets/", name, "/delegations/",
                                d.value("name", "0"));
        dd["type"] = "Microsoft.Network/virtualNetworks/subnets/delegations";
        dd["etag"] = s.NewEtag();
        if (dd.contains("properties")) {
          dd["properties"] = PickKeys(dd["properties"], {"serviceName"});
          dd["properties"]["provisioningState"] = "Succeeded";
        }
        ds.push_back(dd);
      }
      p["delegations"] = ds;
    }
    if (!p.contains("privateEndpointNetworkPolicies")) {
      p["privateEndpointNetworkPolicies"] = "Disabled";
    }
    if (!p.contains("privateLinkServiceNetworkPolicies")) {
      p["privateLinkServiceNetworkPolicies"] = "Enabled";
    }
    *out = {{"properties", p}};
    return std::nullopt;
  }

  std::optional<HttpResponse> Build(ArmService& s, RequestContext& c,
                                    Resource* existing, json* body) override {
    Resource* vnet = s.Find(c.path.parent_id);
    json in = c.body.value("properties", json::object());
    const json* old = existing ? &existing->body["properties"] : nullptr;
    return BuildSubnet(
        s, vnet->id,
        vnet->body["properties"]["addressSpace"]["addressPrefixes"],
        c.path.Name(), in, old, body);
  }

  std::optional<HttpResponse> CheckDelete(ArmService& s, RequestContext& c,
                                          Resource& r) override {
    auto users = SubnetUsers(s, r.id);
    if (!users.empty()) {
      return Bad(
          "InUseSubnetCannotBeDeleted",
          absl::StrCat("Subnet ", r.body["name"].get<std::string>(),
                       " is in use by ", users[0],
                       " and cannot be deleted. In order to delete the "
                       "subnet, delete all the resources within the subnet."));
    }
    return std::nullopt;
  }

  json Render(ArmService& s, const Resource& r) override {
    json out = r.body;
    json pes = json::array();
    for (const std::string& u : SubnetUsers(s, r.id)) {
      Resource* ur = s.Find(u);
      if (ur && absl::EqualsIgnoreCase(ur->type, kPe))
        pes.push_back({{"id", ur->id}});
    }
    if (!pes.empty()) out["properties"]["privateEndpoints"] = pes;
    return out;
  }
};

class VirtualNetworks : public NetworkType {
 public:
  std::string Type() const override { return kVnet; }

  std::optional<HttpResponse> Build(ArmService& s, RequestContext& c,
                                    Resource* existing, json* body) override {
    json in = c.body.value("properties", json::object());
    if (!in.contains("addressSpace") || !in["addressSpace"].is_object() ||
        !in["addressSpace"].contains("addressPrefixes") ||
        !in["addressSpace"]["addressPrefixes"].is_array() ||
        in["addressSpace"]["addressPrefixes"].empty()) {
      return Bad("VnetAddressSpaceMissing",
                 "The virtual network must have at least one address prefix in "
                 "properties.addressSpace.addressPrefixes.");
    }
    for (const json& p : in["addressSpace"]["addressPrefixes"]) {
      if (!p.is_string() || !ParseCidr(p.get<std::string>())) {
        return Bad(
            "InvalidAddressPrefixFormat",
            absl::StrCat("Address prefix ", p.dump(), " of resource ",
                         c.path.resource_id, " is not formatted correctly."));
      }
    }
    // Inline subnets: a PUT states the full desired set (absent = none).
    json want = in.contains("subnets") && in["subnets"].is_array()
                    ? in["subnets"]
                    : json::array();
    pending_subnets_.clear();
    std::set<std::string> names;
    for (const json& sn : want) {
      if (!sn.is_object() || !sn.contains("name") || !sn["name"].is_string()) {
        return Bad("InvalidRequestFormat", "Each subnet needs a name.");
      }
      std::string name = sn["name"].get<std::string>();
      names.insert(ArmService::Lower(name));
      json built;
      std::string sid = absl::StrCat(c.path.resource_id, "/subnets/", name);
      Resource* old = s.Find(sid);
      if (auto e = Subnets::BuildSubnet(
              s, c.path.resource_id, in["addressSpace"]["addressPrefixes"],
              name, sn.value("properties", json::object()),
              old ? &old->body["properties"] : nullptr, &built)) {
        return e;
      }
      pending_subnets_.emplace_back(name, built);
    }
    if (existing != nullptr) {
      for (Resource* child : s.Children(existing->id, kSubnet)) {
        if (names.count(
                ArmService::Lower(child->body["name"].get<std::string>())))
          continue;
        auto users = SubnetUsers(s, child->id);
        if (!users.empty()) {
          return Bad(
              "InUseSubnetCannotBeDeleted",
              absl::StrCat(
                  "Subnet ", child->body["name"].get<std::string>(),
                  " is in use by ", users[0],
                  " and cannot be deleted. In order to delete the "
                  "subnet, delete all the resources within the subnet."));
        }
      }
    }
    json p = PickKeys(
        in, {"addressSpace", "dhcpOptions", "flowTimeoutInMinutes",
             "enableDdosProtection", "enableVmProtection", "ddosProtectionPlan",
             "bgpCommunities", "encryption", "privateEndpointVNetPolicies"});
    p["resourceGuid"] = existing ? existing->body["properties"]["resourceGuid"]
                                 : json(s.NewGuid());
    if (!p.contains("enableDdosProtection")) p["enableDdosProtection"] = false;
    if (!p.contains("privateEndpointVNetPolicies"))
      p["privateEndpointVNetPolicies"] = "Disabled";
    p["virtualNetworkPeerings"] = json::array();
    *body = {{"properties", p}};
    return std::nullopt;
  }

  void AfterStore(ArmService& s, RequestContext& c, Resource& r) override {
    std::set<std::string> keep;
    for (auto& [name, built] : pending_subnets_) {
      std::string sid = absl::StrCat(r.id, "/subnets/", name);
      keep.insert(ArmService::Lower(sid));
      Resource* old = s.Find(sid);
      Resource sn;
      sn.id = sid;
      sn.type = kSubnet;
      sn.body = built;
      sn.body["id"] = old ? old->id : sid;
      sn.body["name"] = old ? old->body["name"].get<std::string>() : name;
      sn.body["type"] = kSubnet;
      sn.body["etag"] = s.NewEtag();
      sn.body["properties"]["provisioningState"] = "Succeeded";
      s.Upsert(std::move(sn));
    }
    std::vector<std::string> remove;
    for (Resource* child : s.Children(r.id, kSubnet)) {
      if (!keep.count(ArmService::Lower(child->id)))
        remove.push_back(child->id);
    }
    for (const std::string& id : remove) s.Erase(id);
    pending_subnets_.clear();
  }

  json Render(ArmService& s, const Resource& r) override {
    json out = r.body;
    json subnets = json::array();
    ResourceType* st = nullptr;
    (void)st;
    Subnets renderer;
    for (Resource* child : s.Children(r.id, kSubnet)) {
      subnets.push_back(renderer.Render(s, *child));
    }
    out["properties"]["subnets"] = subnets;
    return out;
  }

 private:
  std::vector<std::pair<std::string, json>> pending_subnets_;
};

std::optional<HttpResponse> BuildRule(ArmService& s, const std::string& nsg_id,
                                      const std::string& name, const json& in,
                                      json* out) {
  static const std::vector<std::string> kProtocols = {"Tcp", "Udp", "Icmp",
                                                      "Esp", "*",   "Ah"};
  std::string protocol = in.value("protocol", "");
  if (std::find(kProtocols.begin(), kProtocols.end(), protocol) ==
      kProtocols.end()) {
    return Bad("SecurityRuleInvalidProtocol",
               absl::StrCat("Security rule ", name,
                            " has invalid Protocol. Value "
                            "provided: '",
                            protocol,
                            "'. Allowed values: Tcp, Udp, "
                            "Icmp, Esp, Ah, *."));
  }
  std::string access = in.value("access", "");
  if (access != "Allow" && access != "Deny") {
    return Bad("SecurityRuleInvalidAccess",
               absl::StrCat("Security rule ", name,
                            " has invalid Access. Value "
                            "provided: '",
                            access, "'. Allowed values: Allow, Deny."));
  }
  std::string direction = in.value("direction", "");
  if (direction != "Inbound" && direction != "Outbound") {
    return Bad("SecurityRuleInvalidDirection",
               absl::StrCat("Security rule ", name,
                            " has invalid Direction. Value "
                            "provided: '",
                            direction, "'."));
  }
  int priority = in.contains("priority") && in["priority"].is_number_integer()
                     ? in["priority"].get<int>()
                     : 0;
  if (priority < 100 || priority > 4096) {
    return Bad(
        "SecurityRuleInvalidPriority",
        absl::StrCat("Security rule has invalid Priority. Value provided: ",
                     priority, " Allowed range 100-4096."));
  }
  if (in.contains("description") && in["description"].is_string() &&
      in["description"].get<std::string>().size() > 140) {
    return Bad("SecurityRuleInvalidDescription",
               "Description is longer than 140 characters.");
  }
  for (Resource* sib : s.Children(nsg_id, kRule)) {
    if (absl::EqualsIgnoreCase(sib->body["name"].get<std::string>(), name))
      continue;
    const json& sp = sib->body["properties"];
    if (sp["priority"] == priority && sp["direction"] == direction) {
      return Bad(
          "SecurityRuleConflict",
          absl::StrCat("Security rule ", sib->body["name"].get<std::string>(),
                       " conflicts with rule ", name,
                       ". Rules cannot have the same Priority and Direction."));
    }
  }
  json p = PickKeys(
      in, {"description", "protocol", "sourcePortRange", "destinationPortRange",
           "sourceAddressPrefix", "sourceAddressPrefixes",
           "sourceApplicationSecurityGroups", "destinationAddressPrefix",
           "destinationAddressPrefixes", "destinationApplicationSecurityGroups",
           "sourcePortRanges", "destinationPortRanges", "access", "priority",
           "direction"});
  for (const char* k :
       {"sourcePortRanges", "destinationPortRanges", "sourceAddressPrefixes",
        "destinationAddressPrefixes"}) {
    if (!p.contains(k)) p[k] = json::array();
  }
  *out = {{"properties", p}};
  return std::nullopt;
}

json DefaultRules(const std::string& nsg_id, ArmService& s) {
  struct D {
    const char* name;
    const char* desc;
    const char* src;
    const char* dst;
    const char* access;
    int priority;
    const char* dir;
  };
  static const D kRules[] = {
      {"AllowVnetInBound", "Allow inbound traffic from all VMs in VNET",
       "VirtualNetwork", "VirtualNetwork", "Allow", 65000, "Inbound"},
      {"AllowAzureLoadBalancerInBound",
       "Allow inbound traffic from azure load balancer", "AzureLoadBalancer",
       "*", "Allow", 65001, "Inbound"},
      {"DenyAllInBound", "Deny all inbound traffic", "*", "*", "Deny", 65500,
       "Inbound"},
      {"AllowVnetOutBound",
       "Allow outbound traffic from all VMs to all VMs in VNET",
       "VirtualNetwork", "VirtualNetwork", "Allow", 65000, "Outbound"},
      {"AllowInternetOutBound",
       "Allow outbound traffic from all VMs to Internet", "*", "Internet",
       "Allow", 65001, "Outbound"},
      {"DenyAllOutBound", "Deny all outbound traffic", "*", "*", "Deny", 65500,
       "Outbound"},
  };
  json out = json::array();
  for (const D& d : kRules) {
    out.push_back(
        {{"name", d.name},
         {"id", absl::StrCat(nsg_id, "/defaultSecurityRules/", d.name)},
         {"etag", s.NewEtag()},
         {"type",
          "Microsoft.Network/networkSecurityGroups/defaultSecurityRules"},
         {"properties",
          {{"provisioningState", "Succeeded"},
           {"description", d.desc},
           {"protocol", "*"},
           {"sourcePortRange", "*"},
           {"destinationPortRange", "*"},
           {"sourceAddressPrefix", d.src},
           {"destinationAddressPrefix", d.dst},
           {"access", d.access},
           {"priority", d.priority},
           {"direction", d.dir},
           {"sourcePortRanges", json::array()},
           {"destinationPortRanges", json::array()},
           {"sourceAddressPrefixes", json::array()},
           {"destinationAddressPrefixes", json::array()}}}});
  }
  return out;
}

class SecurityRules : public NetworkType {
 public:
  std::string Type() const override { return kRule; }
  std::optional<HttpResponse> Build(ArmService& s, RequestContext& c,
                                    Resource* existing, json* body) override {
    return BuildRule(s, c.path.parent_id, c.path.Name(),
                     c.body.value("properties", json::object()), body);
  }
};

class NetworkSecurityGroups : public NetworkType {
 public:
  std::string Type() const override { return kNsg; }

  std::optional<HttpResponse> Build(ArmService& s, RequestContext& c,
                                    Resource* existing, json* body) override {
    json in = c.body.value("properties", json::object());
    pending_rules_.clear();
    if (in.contains("securityRules") && in["securityRules"].is_array()) {
      for (const json& r : in["securityRules"]) {
        if (!r.is_object() || !r.contains("name") || !r["name"].is_string()) {
          return Bad("InvalidRequestFormat",
                     "Each security rule needs a name.");
        }
        json built;
        if (auto e = BuildRule(s, existing ? existing->id : c.path.resource_id,
                               r["name"].get<std::string>(),
                               r.value("properties", json::object()), &built)) {
          return e;
        }
        for (auto& [n, b] : pending_rules_) {
          if (b["properties"]["priority"] == built["properties"]["priority"] &&
              b["properties"]["direction"] ==
                  built["properties"]["direction"]) {
            return Bad(
                "SecurityRuleConflict",
                absl::StrCat(
                    "Security rule ", n, " conflicts with rule ",
                    r["name"].get<std::string>(),
                    ". Rules cannot have the same Priority and Direction."));
          }
        }
        pending_rules_.emplace_back(r["name"].get<std::string>(), built);
      }
    }
    json p = PickKeys(in, {"flushConnection"});
    p["resourceGuid"] = existing ? existing->body["properties"]["resourceGuid"]
                                 : json(s.NewGuid());
    *body = {{"properties", p}};
    return std::nullopt;
  }

  void AfterStore(ArmService& s, RequestContext& c, Resource& r) override {
    std::vector<std::string> remove;
    for (Resource* child : s.Children(r.id, kRule)) remove.push_back(child->id);
    for (const std::string& id : remove) s.Erase(id);
    for (auto& [name, built] : pending_rules_) {
      Resource rule;
      rule.id = absl::StrCat(r.id, "/securityRules/", name);
      rule.type = kRule;
      rule.body = built;
      rule.body["id"] = rule.id;
      rule.body["name"] = name;
      rule.body["type"] = kRule;
      rule.body["etag"] = s.NewEtag();
      rule.body["properties"]["provisioningState"] = "Succeeded";
      s.Upsert(std::move(rule));
    }
    pending_rules_.clear();
  }

  std::optional<HttpResponse> CheckDelete(ArmService& s, RequestContext& c,
                                          Resource& r) override {
    for (Resource* sn : s.All()) {
      if (!absl::EqualsIgnoreCase(sn->type, kSubnet)) continue;
      const json& p = sn->body["properties"];
      if (p.contains("networkSecurityGroup") &&
          absl::EqualsIgnoreCase(p["networkSecurityGroup"].value("id", ""),
                                 r.id)) {
        return Bad(
            "InUseNetworkSecurityGroupCannotBeDeleted",
            absl::StrCat("Network security group ", r.id,
                         " cannot be deleted because it is in use by the "
                         "following resources: ",
                         sn->id, "."));
      }
    }
    return std::nullopt;
  }

  json Render(ArmService& s, const Resource& r) override {
    json out = r.body;
    json rules = json::array();
    for (Resource* child : s.Children(r.id, kRule))
      rules.push_back(child->body);
    out["properties"]["securityRules"] = rules;
    out["properties"]["defaultSecurityRules"] = DefaultRules(r.id, s);
    json subnets = json::array();
    for (Resource* sn : s.All()) {
      if (!absl::EqualsIgnoreCase(sn->type, kSubnet)) continue;
      const json& p = sn->body["properties"];
      if (p.contains("networkSecurityGroup") &&
          absl::EqualsIgnoreCase(p["networkSecurityGroup"].value("id", ""),
                                 r.id)) {
        subnets.push_back({{"id", sn->id}});
      }
    }
    if (!subnets.empty()) out["properties"]["subnets"] = subnets;
    return out;
  }

 private:
  std::vector<std::pair<std::string, json>> pending_rules_;
};

// groupId -> (public DNS suffix, expected target type)
struct GroupInfo {
  const char* group;
  const char* type;
  const char* suffix;
};
const GroupInfo kGroups[] = {
    {"amlworkspace", "Microsoft.MachineLearningServices/workspaces",
     "api.azureml.ms"},
    {"blob", "Microsoft.Storage/storageAccounts", "blob.core.windows.net"},
    {"file", "Microsoft.Storage/storageAccounts", "file.core.windows.net"},
    {"queue", "Microsoft.Storage/storageAccounts", "queue.core.windows.net"},
    {"table", "Microsoft.Storage/storageAccounts", "table.core.windows.net"},
    {"dfs", "Microsoft.Storage/storageAccounts", "dfs.core.windows.net"},
    {"vault", "Microsoft.KeyVault/vaults", "vault.azure.net"},
    {"registry", "Microsoft.ContainerRegistry/registries", "azurecr.io"},
    {"amlregistry", "Microsoft.MachineLearningServices/registries",
     "api.azureml.ms"},
};

class PrivateEndpoints : public NetworkType {
 public:
  std::string Type() const override { return kPe; }

  std::optional<HttpResponse> Build(ArmService& s, RequestContext& c,
                                    Resource* existing, json* body) override {
    json in = c.body.value("properties", json::object());
    std::string subnet_id;
    if (in.contains("subnet") && in["subnet"].is_object())
      subnet_id = in["subnet"].value("id", "");
    Resource* subnet = subnet_id.empty() ? nullptr : s.Find(subnet_id);
    if (subnet == nullptr || !absl::EqualsIgnoreCase(subnet->type, kSubnet)) {
      return Bad(
          "InvalidResourceReference",
          absl::StrCat("Resource ", subnet_id.empty() ? "<subnet>" : subnet_id,
                       " referenced by resource ", c.path.resource_id,
                       " was not found. Please make sure that the referenced "
                       "resource exists, and that both resources are in the "
                       "same region."));
    }
    const char* key = in.contains("privateLinkServiceConnections") &&
                              in["privateLinkServiceConnections"].is_array() &&
                              !in["privateLinkServiceConnections"].empty()
                          ? "privateLinkServiceConnections"
                          : "manualPrivateLinkServiceConnections";
    if (!in.contains(key) || !in[key].is_array() || in[key].empty()) {
      return Bad("PrivateEndpointMustHaveOnePrivateLinkServiceConnection",
                 "Private endpoint must have exactly one private link service "
                 "connection or one manual private link service connection.");
    }
    if (existing != nullptr) {
      std::string old_subnet =
          existing->body["properties"]["subnet"].value("id", "");
      if (!absl::EqualsIgnoreCase(old_subnet, subnet_id)) {
        return Bad("CannotChangePrivateEndpointSubnet",
                   "The subnet of a private endpoint cannot be changed.");
      }
    }
    std::string location = LocationOf(s, c);
    json conns = json::array();
    json dns = json::array();
    uint32_t ip_base = 0;
    for (const std::string& p : Prefixes(subnet->body["properties"],
                                         "addressPrefix", "addressPrefixes")) {
      if (auto cidr = ParseCidr(p)) {
        ip_base = cidr->base;
        break;
      }
    }
    // Azure hands out the subnet's next free addresses (the first four are
    // reserved): other endpoints in the subnet keep theirs, and an update
    // keeps this endpoint's.
    uint32_t next_ip = ip_base + 4;
    {
      auto parse_ip = [](const std::string& text) -> std::optional<uint32_t> {
        auto cidr = ParseCidr(text + "/32");
        if (!cidr) return std::nullopt;
        return cidr->base;
      };
      std::optional<uint32_t> own_first;
      for (Resource* r : s.All()) {
        if (!absl::EqualsIgnoreCase(r->type, kPe)) continue;
        const json& rp = r->body.value("properties", json::object());
        if (!rp.contains("subnet") ||
            !absl::EqualsIgnoreCase(rp["subnet"].value("id", ""), subnet->id)) {
          continue;
        }
        bool own = absl::EqualsIgnoreCase(r->id, c.path.resource_id);
        for (const json& d : rp.value("customDnsConfigs", json::array())) {
          for (const json& ip : d.value("ipAddresses", json::array())) {
            if (!ip.is_string()) continue;
            std::optional<uint32_t> v = parse_ip(ip.get<std::string>());
            if (!v) continue;
            if (own) {
              own_first = own_first ? std::min(*own_first, *v) : *v;
            } else {
              next_ip = std::max(next_ip, *v + 1);
            }
          }
        }
      }
      if (own_first) next_ip = *own_first;
    }
    for (const json& conn : in[key]) {
      json props = conn.value("properties", json::object());
      std::string target = props.value("privateLinkServiceId", "");
      json groups = props.value("groupIds", json::array());
      if (!groups.is_array() || groups.size() != 1 || !groups[0].is_string()) {
        return Bad(
            "PrivateEndpointBadRequest",
            "A private link service connection must name exactly one groupId.");
      }
      std::string group = groups[0].get<std::string>();
      const GroupInfo* info = nullptr;
      for (const GroupInfo& g : kGroups) {
        if (absl::EqualsIgnoreCase(g.group, group)) info = &g;
      }
      Resource* t = s.Find(target);
      if (t == nullptr) {
        return Bad(
            "PrivateLinkServiceNotFound",
            absl::StrCat("Private link service ", target, " was not found."));
      }
      if (info == nullptr || !absl::EqualsIgnoreCase(t->type, info->type)) {
        return Bad("PrivateEndpointBadRequest",
                   absl::StrCat("Call to ", t->type,
                                " failed. Error message: The "
                                "groupId '",
                                group,
                                "' is not valid for this "
                                "private link resource."));
      }
      if (absl::EqualsIgnoreCase(info->type,
                                 "Microsoft.ContainerRegistry/registries") &&
          t->body.contains("sku") &&
          t->body["sku"].value("name", "") != "Premium") {
        return Bad("PrivateEndpointBadRequest",
                   "Private endpoints are only supported for Premium container "
                   "registries.");
      }
      std::string cname = conn.value("name", c.path.Name());
      json cp = PickKeys(
          props, {"privateLinkServiceId", "groupIds", "requestMessage"});
      cp["provisioningState"] = "Succeeded";
      cp["privateLinkServiceConnectionState"] = {
          {"status", std::string(key) == "privateLinkServiceConnections"
                         ? "Approved"
                         : "Pending"},
          {"description", std::string(key) == "privateLinkServiceConnections"
                              ? "Auto-Approved"
                              : "Awaiting approval"},
          {"actionsRequired", "None"}};
      conns.push_back(
          {{"name", cname},
           {"id", absl::StrCat(c.path.resource_id, "/", key, "/", cname)},
           {"etag", s.NewEtag()},
           {"type", absl::StrCat(kPe, "/", key)},
           {"properties", cp}});
      std::string tname = t->body.value("name", "");
      std::string fqdn = absl::StrCat(tname, ".", info->suffix);
      if (absl::EqualsIgnoreCase(info->group, "amlworkspace")) {
        std::string wsid = t->body["properties"].value("workspaceId", tname);
        fqdn = absl::StrCat(wsid, ".workspace.", location, ".api.azureml.ms");
        dns.push_back({{"fqdn", fqdn},
                       {"ipAddresses", {IpString(next_ip + dns.size())}}});
        fqdn = absl::StrCat("ml-", tname, "-", location, "-", wsid, ".",
                            location, ".notebooks.azure.net");
      }
      dns.push_back(
          {{"fqdn", fqdn}, {"ipAddresses", {IpString(next_ip + dns.size())}}});
    }
    json p = PickKeys(in, {"applicationSecurityGroups", "ipConfigurations",
                           "customNetworkInterfaceName"});
    p["subnet"] = {{"id", subnet->id}};
    p[key] = conns;
    p[std::string(key) == "privateLinkServiceConnections"
          ? "manualPrivateLinkServiceConnections"
          : "privateLinkServiceConnections"] = json::array();
    std::string nic =
        in.value("customNetworkInterfaceName",
                 absl::StrCat(c.path.Name(), ".nic.", s.NewGuid()));
    p["networkInterfaces"] =
        existing ? existing->body["properties"]["networkInterfaces"]
                 : json::array(
                       {{{"id", absl::StrCat("/subscriptions/", kSubscriptionId,
                                             "/resourceGroups/",
                                             c.path.resource_group,
                                             "/providers/Microsoft.Network/"
                                             "networkInterfaces/",
                                             nic)}}});
    p["customDnsConfigs"] = dns;
    if (!p.contains("ipConfigurations")) p["ipConfigurations"] = json::array();
    if (!p.contains("customNetworkInterfaceName"))
      p["customNetworkInterfaceName"] = "";
    *body = {{"properties", p}};
    return std::nullopt;
  }
};

class PrivateDnsZoneGroups : public NetworkType {
 public:
  std::string Type() const override { return kZoneGroup; }

  std::optional<HttpResponse> Build(ArmService& s, RequestContext& c,
                                    Resource* existing, json* body) override {
    json in = c.body.value("properties", json::object());
    if (!in.contains("privateDnsZoneConfigs") ||
        !in["privateDnsZoneConfigs"].is_array() ||
        in["privateDnsZoneConfigs"].empty()) {
      return Bad(
          "InvalidRequestFormat",
          "privateDnsZoneConfigs must list at least one private DNS zone.");
    }
    if (in["privateDnsZoneConfigs"].size() > 5) {
      return Bad("PrivateDnsZoneGroupTooManyZones",
                 "A private DNS zone group can reference at most 5 zones.");
    }
    for (Resource* other : s.Children(c.path.parent_id, kZoneGroup)) {
      if (!absl::EqualsIgnoreCase(other->id, c.path.resource_id)) {
        return Bad(
            "OnlyOnePrivateDnsZoneGroupAllowedPerPrivateEndpoint",
            "Only one private DNS zone group is allowed per private endpoint.");
      }
    }
    Resource* pe = s.Find(c.path.parent_id);
    json configs = json::array();
    for (const json& cfg : in["privateDnsZoneConfigs"]) {
      std::string zone_id =
          cfg.value("properties", json::object()).value("privateDnsZoneId", "");
      Resource* zone = s.Find(zone_id);
      if (zone == nullptr ||
          !absl::EqualsIgnoreCase(zone->type,
                                  "Microsoft.Network/privateDnsZones")) {
        return Bad(
            "InvalidResourceReference",
            absl::StrCat("Resource ", zone_id, " referenced by resource ",
                         c.path.resource_id, " was not found."));
      }
      std::string zone_name = zone->body["name"].get<std::string>();
      std::string suffix = absl::StartsWith(zone_name, "privatelink.")
                               ? zone_name.substr(strlen("privatelink."))
                               : zone_name;
      json records = json::array();
      for (const json& d : pe->body["properties"]["customDnsConfigs"]) {
        std::string fqdn = d["fqdn"].get<std::string>();
        if (!absl::EndsWith(fqdn, "." + suffix)) continue;
        std::string rec = fqdn.substr(0, fqdn.size() - suffix.size() - 1);
        records.push_back({{"recordType", "A"},
                           {"recordSetName", rec},
                           {"fqdn", absl::StrCat(rec, ".", zone_name)},
                           {"ttl", 10},
                           {"ipAddresses", d["ipAddresses"]},
                           {"provisioningState", "Succeeded"}});
      }
      configs.push_back(
          {{"name", cfg.value("name", zone_name)},
           {"properties",
            {{"privateDnsZoneId", zone->id}, {"recordSets", records}}}});
    }
    *body = {{"properties", {{"privateDnsZoneConfigs", configs}}}};
    return std::nullopt;
  }
};

}  // namespace

void RegisterNetworkTypes(
    std::map<std::string, std::unique_ptr<ResourceType>>& types) {
  types["microsoft.network/virtualnetworks"] =
      std::make_unique<VirtualNetworks>();
  types["microsoft.network/virtualnetworks/subnets"] =
      std::make_unique<Subnets>();
  types["microsoft.network/networksecuritygroups"] =
      std::make_unique<NetworkSecurityGroups>();
  types["microsoft.network/networksecuritygroups/securityrules"] =
      std::make_unique<SecurityRules>();
  types["microsoft.network/privateendpoints"] =
      std::make_unique<PrivateEndpoints>();
  types["microsoft.network/privateendpoints/privatednszonegroups"] =
      std::make_unique<PrivateDnsZoneGroups>();
}

}  // namespace secureaml::emulator
