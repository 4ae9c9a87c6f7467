#include "resources/private_endpoint.h"

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "provider/core/timeouts.h"
#include "resources/common/arm_id.h"
#include "resources/common/azure_context.h"
#include "resources/common/validators.h"
#include "resources/common/workspace_helpers.h"

namespace secureaml::resources {
namespace {

using tf::Attribute;
using tf::AttributePath;
using tf::Type;
using tf::Value;

constexpr char kPeType[] = "Microsoft.Network/privateEndpoints";
constexpr char kZoneType[] = "Microsoft.Network/privateDnsZones";
constexpr char kZoneGroupName[] = "default";

tf::Validator ZoneIdSet() {
  return [](const Value& value, const AttributePath& path,
            tf::Diagnostics& diags) {
    if (!value.type().IsCollection()) return;
    for (const Value& e : value.Elements()) {
      if (!e.IsKnown()) continue;
      absl::StatusOr<ArmId> id = ParseArmIdOfType(e.AsString(), kZoneType);
      if (!id.ok()) {
        diags.AddAttributeError(path, "Invalid private DNS zone ID",
                                std::string(id.status().message()));
      }
    }
  };
}

core::DefaultTimeouts PeTimeouts() {
  core::DefaultTimeouts t;
  // Private endpoints on some targets (storage, Cosmos DB) take long.
  t.create = absl::Minutes(60);
  t.update = absl::Minutes(60);
  t.del = absl::Minutes(60);
  return t;
}

tf::Schema BuildSchema() {
  tf::Schema s;
  s.block.description =
      "A private endpoint that connects a subnet to an Azure resource (an "
      "Azure ML workspace, its storage, key vault or container registry) "
      "together with its private DNS zone group.\n\n"
      "The resource knows which private DNS zones each sub-resource needs in "
      "each cloud and fails the plan when `private_dns_zone_ids` leaves one "
      "out: an `amlworkspace` endpoint needs both "
      "`privatelink.api.azureml.ms` and `privatelink.notebooks.azure.net`. "
      "`hosts_file` gives ready-to-paste hosts-file lines for clients on a "
      "point-to-site VPN without custom DNS.";
  std::string known = absl::StrJoin(KnownSubresources(), "`, `");
  s.block.attributes = {
      Attribute::Computed("id", Type::String(),
                          "ARM resource ID of the private endpoint.")
          .UseStateForUnknown(),
      Attribute::Required("name", Type::String(),
                          "Name of the private endpoint. Changing it forces a "
                          "new endpoint.")
          .ForceNew()
          .Validate(NetworkResourceName()),
      Attribute::Required("resource_group_name", Type::String(),
                          "Resource group of the private endpoint. Changing "
                          "it forces a new endpoint.")
          .ForceNew()
          .Validate(ResourceGroupName()),
      Attribute::Required("location", Type::String(),
                          "Azure region; must be the subnet's region. "
                          "Changing it forces a new endpoint.")
          .ForceNew(),
      Attribute::Required("subnet_id", Type::String(),
                          "ID of the subnet that gets the endpoint's private "
                          "IP. Changing it forces a new endpoint.")
          .ForceNew()
          .Validate(
              ArmIdValidator("Microsoft.Network/virtualNetworks/subnets")),
      Attribute::Required("target_resource_id", Type::String(),
                          "ID of the resource to connect to (workspace, "
                          "storage account, key vault, container registry, "
                          "...). Changing it forces a new endpoint.")
          .ForceNew()
          .Validate(AnyArmIdValidator()),
      Attribute::Required(
          "subresource_name", Type::String(),
          absl::StrCat("The target's sub-resource (group ID), e.g. "
                       "`amlworkspace`, `blob`, `file`, `vault` or "
                       "`registry`. Sub-resources with known DNS zones: `",
                       known, "`. Changing it forces a new endpoint."))
          .ForceNew()
          .Validate(StringLengthBetween(1, 80)),
      Attribute::Optional(
          "private_dns_zone_ids", Type::Set(Type::String()),
          "IDs of the private DNS zones that get the endpoint's A records "
          "(one zone group holding every zone). Must include every zone the "
          "sub-resource needs in the provider's cloud (checked at plan time). "
          "Leave it out only when DNS is managed elsewhere (e.g. by Azure "
          "Policy). Changes update the zone group in place.")
          .Validate(ZoneIdSet()),
      Attribute::Optional("manual_approval", Type::Bool(),
                          "Request the connection for manual approval by the "
                          "target's owner instead of auto-approval. Defaults "
                          "to `false`. Changing it forces a new endpoint.")
          .WithDefault(Value::Bool(false))
          .ForceNew(),
      Attribute::Optional("request_message", Type::String(),
                          "Message for the target's owner with a manual "
                          "connection request (at most 140 characters).")
          .Validate(StringLengthBetween(1, 140)),
      Attribute::Optional("tags", Type::Map(Type::String()),
                          "Tags on the private endpoint."),
      Attribute::Computed("private_ip_addresses", Type::List(Type::String()),
                          "Private IP addresses of the endpoint, sorted.")
          .UseStateForUnknown(),
      Attribute::Computed(
          "dns_records", Type::Map(Type::List(Type::String())),
          "The names clients must resolve to reach the target privately: "
          "public FQDN (e.g. `<guid>.workspace.eastus.api.azureml.ms`) to the "
          "sorted list of private IPs.")
          .UseStateForUnknown(),
      Attribute::Computed(
          "hosts_file", Type::String(),
          "Hosts-file lines (`IP FQDN`, sorted) for `dns_records`, for "
          "clients on a point-to-site VPN without custom DNS: paste them into "
          "`/etc/hosts` or `C:\\Windows\\System32\\drivers\\etc\\hosts`.")
          .UseStateForUnknown(),
      Attribute::Computed("connection_status", Type::String(),
                          "Status of the connection: `Approved`, `Pending` "
                          "(manual approval), `Rejected` or `Disconnected`."),
  };
  s.block.blocks = {core::TimeoutsBlock(PeTimeouts())};
  return s;
}

std::string Str(const Value& obj, std::string_view name) {
  return obj.GetString(name).value_or("");
}

std::string PeIdFromState(const Value& state, const std::string& sub) {
  std::string id = Str(state, "id");
  if (!id.empty()) return id;
  return ProviderResourceId(sub, Str(state, "resource_group_name"),
                            "Microsoft.Network",
                            {{"privateEndpoints", Str(state, "name")}});
}

std::string ZoneGroupId(const std::string& pe_id) {
  return absl::StrCat(pe_id, "/privateDnsZoneGroups/", kZoneGroupName);
}

std::string ZoneNameOf(const std::string& zone_id) {
  absl::StatusOr<ArmId> id = ParseArmId(zone_id);
  if (!id.ok()) return "";
  return absl::AsciiStrToLower(id->Name());
}

// Numeric order for IPv4 addresses, text order otherwise.
bool IpLess(const std::string& a, const std::string& b) {
  std::optional<uint32_t> x = ParseIpv4(a);
  std::optional<uint32_t> y = ParseIpv4(b);
  if (x && y) return *x < *y;
  if (x.has_value() != y.has_value()) return x.has_value();
  return a < b;
}

void SortUnique(std::vector<std::string>& ips) {
  std::sort(ips.begin(), ips.end(), IpLess);
  ips.erase(std::unique(ips.begin(), ips.end()), ips.end());
}

// GETs the endpoint and its zone group. `found` false when the endpoint is
// gone.
absl::Status ReadEndpoint(const AzureProviderData& az,
                          const core::OperationContext& ctx,
                          const std::string& id, bool after_create,
                          nlohmann::json* endpoint, nlohmann::json* zone_group,
                          bool* found) {
  azure::RequestOptions opts = RequestOptionsFor(ctx);
  if (after_create) {
    opts.retry_rules.push_back(azure::RetryNotFoundAfterCreate());
  }
  auto r = az.arm->Get(id, kPrivateEndpointApiVersion, opts);
  if (absl::IsNotFound(r.status())) {
    *found = false;
    return absl::OkStatus();
  }
  if (!r.ok()) return r.status();
  *found = true;
  *endpoint = r->body;
  auto g = az.arm->Get(ZoneGroupId(id), kPrivateEndpointApiVersion,
                       RequestOptionsFor(ctx));
  if (absl::IsNotFound(g.status())) {
    *zone_group = nlohmann::json();
    return absl::OkStatus();
  }
  if (!g.ok()) return g.status();
  *zone_group = g->body;
  return absl::OkStatus();
}

// Returns the zone group as the write's final read returned it.
absl::StatusOr<nlohmann::json> PutZoneGroup(
    const AzureProviderData& az, const core::OperationContext& ctx,
    const std::string& pe_id, const std::vector<std::string>& zones) {
  nlohmann::json body = private_endpoint_internal::ZoneGroupBody(zones);
  auto r = az.arm->Put(ZoneGroupId(pe_id), kPrivateEndpointApiVersion, body,
                       RequestOptionsFor(ctx));
  if (!r.ok()) return r.status();
  return r->body.is_object() ? r->body : body;
}

}  // namespace

namespace private_endpoint_internal {

std::vector<std::string> MissingZones(
    const std::vector<std::string>& required,
    const std::vector<std::string>& zone_ids) {
  std::set<std::string> have;
  for (const std::string& id : zone_ids) have.insert(ZoneNameOf(id));
  std::vector<std::string> missing;
  for (const std::string& zone : required) {
    if (have.count(absl::AsciiStrToLower(zone)) == 0) missing.push_back(zone);
  }
  return missing;
}

Cloud GuessCloud(const std::string& subresource,
                 const std::vector<std::string>& zone_ids) {
  Cloud best = Cloud::kPublic;
  size_t best_hits = 0;
  for (Cloud c : {Cloud::kPublic, Cloud::kUsGovernment, Cloud::kChina}) {
    std::vector<std::string> required = RequiredPrivateDnsZones(subresource, c);
    size_t hits = required.size() - MissingZones(required, zone_ids).size();
    if (hits > best_hits) {
      best = c;
      best_hits = hits;
    }
  }
  return best;
}

std::string SubresourceMismatch(const std::string& target_type,
                                const std::string& subresource) {
  struct Row {
    const char* type;
    std::vector<std::string> groups;
  };
  static const std::vector<Row>* rows = new std::vector<Row>{
      {"microsoft.machinelearningservices/workspaces", {"amlworkspace"}},
      {"microsoft.machinelearningservices/registries", {"amlregistry"}},
      {"microsoft.storage/storageaccounts",
       {"blob", "blob_secondary", "file", "queue", "queue_secondary", "table",
        "table_secondary", "dfs", "dfs_secondary", "web", "web_secondary"}},
      {"microsoft.keyvault/vaults", {"vault"}},
      {"microsoft.containerregistry/registries", {"registry"}},
  };
  std::string type = absl::AsciiStrToLower(target_type);
  for (const Row& row : *rows) {
    if (type != row.type) continue;
    if (std::find(row.groups.begin(), row.groups.end(), subresource) !=
        row.groups.end()) {
      return "";
    }
    return absl::StrCat(
        "A ", target_type, " target offers the sub-resource(s) `",
        absl::StrJoin(row.groups, "`, `"), "`, not `", subresource, "`.");
  }
  return "";
}

nlohmann::json EndpointBody(const Value& planned) {
  nlohmann::json conn_props;
  conn_props["privateLinkServiceId"] = Str(planned, "target_resource_id");
  conn_props["groupIds"] =
      nlohmann::json::array({Str(planned, "subresource_name")});
  if (auto m = planned.GetString("request_message")) {
    conn_props["requestMessage"] = *m;
  }
  nlohmann::json conn = {{"name", Str(planned, "name")},
                         {"properties", conn_props}};
  bool manual = planned.GetBool("manual_approval").value_or(false);
  nlohmann::json props;
  props["subnet"] = {{"id", Str(planned, "subnet_id")}};
  props[manual ? "manualPrivateLinkServiceConnections"
               : "privateLinkServiceConnections"] =
      nlohmann::json::array({conn});
  nlohmann::json body;
  body["location"] = Str(planned, "location");
  body["tags"] = TagsToJson(planned.GetAttr("tags"));
  body["properties"] = props;
  return body;
}

nlohmann::json ZoneGroupBody(const std::vector<std::string>& zone_ids) {
  std::vector<std::string> sorted = zone_ids;
  std::sort(sorted.begin(), sorted.end());
  nlohmann::json configs = nlohmann::json::array();
  for (const std::string& id : sorted) {
    // Config names: letters, digits, '-', '_' and '.' are fine; keep them
    // readable and unique per zone.
    configs.push_back(
        {{"name", absl::StrReplaceAll(ZoneNameOf(id), {{".", "-"}})},
         {"properties", {{"privateDnsZoneId", id}}}});
  }
  return {{"properties", {{"privateDnsZoneConfigs", configs}}}};
}

std::map<std::string, std::vector<std::string>> DnsRecords(
    const nlohmann::json& endpoint, const nlohmann::json& zone_group) {
  std::map<std::string, std::vector<std::string>> out;
  auto add = [&](std::string fqdn, const nlohmann::json& ips) {
    while (!fqdn.empty() && fqdn.back() == '.') fqdn.pop_back();
    fqdn = absl::AsciiStrToLower(fqdn);
    if (fqdn.empty() || !ips.is_array()) return;
    for (const nlohmann::json& ip : ips) {
      if (ip.is_string()) out[fqdn].push_back(ip.get<std::string>());
    }
  };
  for (const nlohmann::json& c :
       JsonArray(endpoint, {"properties", "customDnsConfigs"})) {
    const nlohmann::json* ips = JsonAt(c, {"ipAddresses"});
    if (ips != nullptr) add(JsonString(c, {"fqdn"}), *ips);
  }
  for (const nlohmann::json& cfg :
       JsonArray(zone_group, {"properties", "privateDnsZoneConfigs"})) {
    std::string zone =
        ZoneNameOf(JsonString(cfg, {"properties", "privateDnsZoneId"}));
    for (const nlohmann::json& rs :
         JsonArray(cfg, {"properties", "recordSets"})) {
      std::string fqdn = absl::AsciiStrToLower(JsonString(rs, {"fqdn"}));
      while (!fqdn.empty() && fqdn.back() == '.') fqdn.pop_back();
      if (fqdn.empty()) {
        std::string set_name = JsonString(rs, {"recordSetName"});
        if (!set_name.empty() && !zone.empty()) {
          fqdn = absl::StrCat(absl::AsciiStrToLower(set_name), ".", zone);
        }
      }
      // The record lives in the privatelink zone; clients resolve the public
      // name, which CNAMEs into it.
      std::string suffix = absl::StrCat(".", zone);
      if (!zone.empty() && absl::EndsWith(fqdn, suffix)) {
        fqdn = absl::StrCat(fqdn.substr(0, fqdn.size() - suffix.size()), ".",
                            PublicZoneFor(zone));
      }
      const nlohmann::json* ips = JsonAt(rs, {"ipAddresses"});
      if (ips != nullptr) add(fqdn, *ips);
    }
  }
  for (auto& [fqdn, ips] : out) SortUnique(ips);
  return out;
}

std::string HostsFile(
    const std::map<std::string, std::vector<std::string>>& records) {
  std::string out;
  for (const auto& [fqdn, ips] : records) {  // std::map: sorted by FQDN
    for (const std::string& ip : ips)
      absl::StrAppend(&out, ip, " ", fqdn, "\n");
  }
  return out;
}

Value StateFromJson(const nlohmann::json& endpoint,
                    const nlohmann::json& zone_group, const Value& prior,
                    const Type& type) {
  std::map<std::string, Value> a;
  const nlohmann::json empty = nlohmann::json::object();
  const nlohmann::json* pp = JsonAt(endpoint, {"properties"});
  const nlohmann::json& props =
      (pp != nullptr && pp->is_object()) ? *pp : empty;

  std::string id = JsonString(endpoint, {"id"});
  if (id.empty()) id = Str(prior, "id");
  a["id"] = PreferPriorCasing(prior.GetAttr("id"), id);
  absl::StatusOr<ArmId> parsed = ParseArmId(id);
  a["name"] = PreferPriorCasing(
      prior.GetAttr("name"), parsed.ok() ? parsed->Name() : Str(prior, "name"));
  a["resource_group_name"] = PreferPriorCasing(
      prior.GetAttr("resource_group_name"),
      parsed.ok() ? parsed->resource_group : Str(prior, "resource_group_name"));
  a["location"] = PreferPriorLocation(prior.GetAttr("location"),
                                      JsonString(endpoint, {"location"}));
  a["subnet_id"] = PreferPriorCasing(prior.GetAttr("subnet_id"),
                                     JsonString(props, {"subnet", "id"}));

  const nlohmann::json& auto_conns =
      JsonArray(props, {"privateLinkServiceConnections"});
  const nlohmann::json& manual_conns =
      JsonArray(props, {"manualPrivateLinkServiceConnections"});
  bool manual = auto_conns.empty() && !manual_conns.empty();
  const nlohmann::json& conns = manual ? manual_conns : auto_conns;
  nlohmann::json conn = conns.empty() ? nlohmann::json::object() : conns[0];
  a["target_resource_id"] = PreferPriorCasing(
      prior.GetAttr("target_resource_id"),
      JsonString(conn, {"properties", "privateLinkServiceId"}));
  std::string group;
  const nlohmann::json& groups = JsonArray(conn, {"properties", "groupIds"});
  if (!groups.empty() && groups[0].is_string())
    group = groups[0].get<std::string>();
  a["subresource_name"] =
      PreferPriorCasing(prior.GetAttr("subresource_name"), group);
  a["manual_approval"] = Value::Bool(manual);
  a["request_message"] =
      OptionalString(prior.GetAttr("request_message"),
                     JsonString(conn, {"properties", "requestMessage"}));
  a["connection_status"] = Value::String(JsonString(
      conn, {"properties", "privateLinkServiceConnectionState", "status"}));
  a["tags"] = TagsFromJson(JsonAt(endpoint, {"tags"}), prior.GetAttr("tags"));

  std::vector<std::string> zone_ids;
  for (const nlohmann::json& cfg :
       JsonArray(zone_group, {"properties", "privateDnsZoneConfigs"})) {
    std::string z = JsonString(cfg, {"properties", "privateDnsZoneId"});
    if (!z.empty()) zone_ids.push_back(z);
  }
  const Value& prior_zones = prior.GetAttr("private_dns_zone_ids");
  if (zone_ids.empty() && !prior_zones.IsKnown()) {
    a["private_dns_zone_ids"] = Value::Null(Type::Set(Type::String()));
  } else {
    a["private_dns_zone_ids"] = IdSetPreferPrior(prior_zones, zone_ids);
  }

  std::map<std::string, std::vector<std::string>> records =
      DnsRecords(endpoint, zone_group);
  std::vector<std::string> ips;
  std::map<std::string, Value> rec_values;
  for (const auto& [fqdn, list] : records) {
    ips.insert(ips.end(), list.begin(), list.end());
    rec_values[fqdn] = Value::StringList(list);
  }
  // The NIC's addresses as the endpoint reports them, when present.
  for (const nlohmann::json& ipc : JsonArray(props, {"ipConfigurations"})) {
    std::string ip = JsonString(ipc, {"properties", "privateIPAddress"});
    if (!ip.empty()) ips.push_back(ip);
  }
  SortUnique(ips);
  a["private_ip_addresses"] = Value::StringList(ips);
  a["dns_records"] =
      Value::Map(Type::List(Type::String()), std::move(rec_values));
  a["hosts_file"] = Value::String(HostsFile(records));
  a["timeouts"] = prior.GetAttr("timeouts").IsKnown()
                      ? prior.GetAttr("timeouts")
                      : Value::Null(type.AttributeTypes().at("timeouts"));
  return Value::Object(type, std::move(a));
}

}  // namespace private_endpoint_internal

const tf::Schema& PrivateEndpointResource::GetSchema() const {
  static const tf::Schema* schema = new tf::Schema(BuildSchema());
  return *schema;
}

core::DefaultTimeouts PrivateEndpointResource::Timeouts() const {
  return PeTimeouts();
}

void PrivateEndpointResource::ValidateConfig(
    const core::ValidateConfigRequest& req,
    core::ValidateConfigResponse& resp) const {
  const Value& config = req.config;
  if (!config.IsKnown()) return;
  core::ValidateTimeouts(config, resp.diagnostics);
  std::optional<std::string> target = config.GetString("target_resource_id");
  std::optional<std::string> sub = config.GetString("subresource_name");
  if (target && sub) {
    absl::StatusOr<ArmId> id = ParseArmId(*target);
    if (id.ok()) {
      std::string why =
          private_endpoint_internal::SubresourceMismatch(id->Type(), *sub);
      if (!why.empty()) {
        resp.diagnostics.AddAttributeError(
            AttributePath::Root("subresource_name"),
            "Sub-resource does not match the target", why);
      }
    }
  }
  const Value& manual = config.GetAttr("manual_approval");
  if (config.GetString("request_message") && !manual.IsUnknown() &&
      !config.GetBool("manual_approval").value_or(false)) {
    resp.diagnostics.AddAttributeWarning(
        AttributePath::Root("request_message"), "request_message is ignored",
        "Azure shows the request message only to the owner of a manual "
        "connection request. Set manual_approval = true or remove it.");
  }
}

void PrivateEndpointResource::ModifyPlan(const core::ModifyPlanRequest& req,
                                         core::ModifyPlanResponse& resp) const {
  const Value& config = req.config;
  Value& planned = resp.planned_state;
  if (planned.IsNull() || !config.IsKnown()) return;

  std::optional<std::string> sub = config.GetString("subresource_name");
  const Value& zones_value = config.GetAttr("private_dns_zone_ids");
  AttributePath zones_path = AttributePath::Root("private_dns_zone_ids");
  if (sub && !RequiredPrivateDnsZones(*sub, Cloud::kPublic).empty()) {
    if (zones_value.IsNull()) {
      resp.diagnostics.AddAttributeWarning(
          zones_path, "No private DNS zones",
          absl::StrCat(
              "Without private_dns_zone_ids no DNS records are created for "
              "this endpoint, so clients keep resolving the public address "
              "unless DNS is managed elsewhere (e.g. Azure Policy) or they use "
              "hosts_file. A `",
              *sub, "` endpoint needs: ",
              absl::StrJoin(RequiredPrivateDnsZones(*sub, Cloud::kPublic),
                            ", "),
              " (public cloud)."));
    } else if (zones_value.IsWhollyKnown()) {
      std::vector<std::string> ids =
          config.GetStringList("private_dns_zone_ids");
      const auto* az =
          dynamic_cast<const AzureProviderData*>(req.ctx.provider_data);
      Cloud cloud = az != nullptr
                        ? az->cloud
                        : private_endpoint_internal::GuessCloud(*sub, ids);
      std::vector<std::string> missing =
          private_endpoint_internal::MissingZones(
              RequiredPrivateDnsZones(*sub, cloud), ids);
      if (!missing.empty()) {
        resp.diagnostics.AddAttributeError(
            zones_path, "Private DNS zone missing",
            absl::StrCat(
                "A `", *sub, "` private endpoint in the ", CloudName(cloud),
                " cloud needs the private DNS zone(s) ",
                absl::StrJoin(missing, ", "),
                " in private_dns_zone_ids; without ",
                missing.size() == 1 ? "it" : "them",
                " names under that zone keep resolving to public addresses "
                "and the connection fails (for a workspace: notebooks or the "
                "API stop working). Add a secureaml_private_dns_zone named ",
                missing[0], " and reference its id."));
      }
    }
  }

  const Value& prior = req.prior_state;
  if (!prior.IsNull() && prior.GetAttr("private_dns_zone_ids") !=
                             planned.GetAttr("private_dns_zone_ids")) {
    planned =
        planned
            .WithAttr("dns_records",
                      Value::Unknown(Type::Map(Type::List(Type::String()))))
            .WithAttr("hosts_file", Value::Unknown(Type::String()));
  }
}

void PrivateEndpointResource::Create(const core::CreateRequest& req,
                                     core::CreateResponse& resp) const {
  const AzureProviderData* az = RequireAzure(req.ctx, resp.diagnostics);
  if (az == nullptr) return;
  const Value& planned = req.planned_state;
  std::string id = PeIdFromState(planned, az->subscription_id);
  if (!EnsureAbsentBeforeCreate(*az, req.ctx, id, kPrivateEndpointApiVersion,
                                TypeName(), resp.diagnostics)) {
    return;
  }
  azure::RequestOptions opts = RequestOptionsFor(req.ctx);
  bool accepted = false;
  opts.on_accepted = [&](const azure::AcceptedOperation&) { accepted = true; };
  auto r = az->arm->Put(id, kPrivateEndpointApiVersion,
                        private_endpoint_internal::EndpointBody(planned), opts);
  if (!r.ok()) {
    if (accepted || WriteMayHaveLanded(r.status())) {
      resp.new_state = PartialState(planned, id);
    }
    AddAzureError(resp.diagnostics, r.status(),
                  "Failed to create private endpoint", id);
    return;
  }
  // The state comes from the final reads of the writes, not a second GET.
  nlohmann::json endpoint = r->body;
  nlohmann::json zone_group;
  std::vector<std::string> zones =
      planned.GetStringList("private_dns_zone_ids");
  if (!zones.empty()) {
    absl::StatusOr<nlohmann::json> g = PutZoneGroup(*az, req.ctx, id, zones);
    if (!g.ok()) {
      resp.new_state = PartialState(planned, id);
      AddAzureError(resp.diagnostics, g.status(),
                    "Failed to create the DNS zone group", ZoneGroupId(id),
                    AttributePath::Root("private_dns_zone_ids"));
      return;
    }
    zone_group = *std::move(g);
  }
  if (!endpoint.is_object()) {
    // No body came back with the write: read what Azure made.
    bool found = false;
    absl::Status s = ReadEndpoint(*az, req.ctx, id, /*after_create=*/true,
                                  &endpoint, &zone_group, &found);
    if (!s.ok() || !found) {
      resp.new_state = PartialState(planned, id);
      AddAzureError(
          resp.diagnostics,
          s.ok() ? absl::NotFoundError("the new endpoint was not found") : s,
          "Failed to read the new private endpoint", id);
      return;
    }
  }
  resp.new_state = private_endpoint_internal::StateFromJson(
      endpoint, zone_group, planned.WithAttr("id", Value::String(id)),
      GetSchema().ImpliedType());
}

void PrivateEndpointResource::Read(const core::ReadRequest& req,
                                   core::ReadResponse& resp) const {
  const AzureProviderData* az = RequireAzure(req.ctx, resp.diagnostics);
  if (az == nullptr) return;
  std::string id = PeIdFromState(req.current_state, az->subscription_id);
  nlohmann::json endpoint, zone_group;
  bool found = false;
  absl::Status s =
      ReadEndpoint(*az, req.ctx, id, false, &endpoint, &zone_group, &found);
  if (!s.ok()) {
    AddAzureError(resp.diagnostics, s, "Failed to read private endpoint", id);
    return;
  }
  if (!found) {
    resp.new_state = Value::Null(GetSchema().ImpliedType());
    return;
  }
  resp.new_state = private_endpoint_internal::StateFromJson(
      endpoint, zone_group, req.current_state, GetSchema().ImpliedType());
}

void PrivateEndpointResource::Update(const core::UpdateRequest& req,
                                     core::UpdateResponse& resp) const {
  const AzureProviderData* az = RequireAzure(req.ctx, resp.diagnostics);
  if (az == nullptr) return;
  const Value& prior = req.prior_state;
  const Value& planned = req.planned_state;
  std::string id = PeIdFromState(prior, az->subscription_id);
  // 201 to the PUT: the endpoint had been deleted outside Terraform and was
  // made anew, without its DNS zone group, which must then be put back.
  bool recreated = false;
  // What the writes' final reads returned; read again only when a part was
  // not written (or came back without a body).
  std::optional<nlohmann::json> written_endpoint, written_zone_group;
  if (prior.GetAttr("tags") != planned.GetAttr("tags") ||
      prior.GetAttr("request_message") != planned.GetAttr("request_message")) {
    azure::RequestOptions opts = RequestOptionsFor(req.ctx);
    opts.on_accepted = [&](const azure::AcceptedOperation& op) {
      recreated = op.http_status == 201;
    };
    auto r =
        az->arm->Put(id, kPrivateEndpointApiVersion,
                     private_endpoint_internal::EndpointBody(planned), opts);
    if (!r.ok()) {
      AddAzureError(resp.diagnostics, r.status(),
                    "Failed to update private endpoint", id);
      return;
    }
    if (r->body.is_object()) written_endpoint = r->body;
  }
  if (recreated || prior.GetAttr("private_dns_zone_ids") !=
                       planned.GetAttr("private_dns_zone_ids")) {
    std::vector<std::string> zones =
        planned.GetStringList("private_dns_zone_ids");
    absl::Status s;
    if (zones.empty()) {
      auto d = az->arm->Delete(ZoneGroupId(id), kPrivateEndpointApiVersion,
                               RequestOptionsFor(req.ctx));
      if (!d.ok() && !absl::IsNotFound(d.status())) s = d.status();
      written_zone_group = nlohmann::json();
    } else {
      absl::StatusOr<nlohmann::json> g = PutZoneGroup(*az, req.ctx, id, zones);
      s = g.status();
      if (g.ok()) written_zone_group = *std::move(g);
    }
    if (!s.ok()) {
      AddAzureError(resp.diagnostics, s, "Failed to update the DNS zone group",
                    ZoneGroupId(id),
                    AttributePath::Root("private_dns_zone_ids"));
      return;
    }
  }
  if (written_endpoint && written_zone_group) {
    resp.new_state = private_endpoint_internal::StateFromJson(
        *written_endpoint, *written_zone_group,
        planned.WithAttr("id", Value::String(id)), GetSchema().ImpliedType());
    return;
  }
  nlohmann::json endpoint, zone_group;
  bool found = false;
  absl::Status s =
      ReadEndpoint(*az, req.ctx, id, false, &endpoint, &zone_group, &found);
  if (!s.ok() || !found) {
    AddAzureError(resp.diagnostics,
                  s.ok() ? absl::NotFoundError("the endpoint disappeared") : s,
                  "Failed to read the updated private endpoint", id);
    return;
  }
  resp.new_state = private_endpoint_internal::StateFromJson(
      endpoint, zone_group, planned.WithAttr("id", Value::String(id)),
      GetSchema().ImpliedType());
}

void PrivateEndpointResource::Delete(const core::DeleteRequest& req,
                                     core::DeleteResponse& resp) const {
  const AzureProviderData* az = RequireAzure(req.ctx, resp.diagnostics);
  if (az == nullptr) return;
  std::string id = PeIdFromState(req.prior_state, az->subscription_id);
  // The zone group (and its A records) goes with the endpoint.
  auto r = az->arm->Delete(id, kPrivateEndpointApiVersion,
                           RequestOptionsFor(req.ctx));
  if (!r.ok() && !absl::IsNotFound(r.status())) {
    AddAzureError(resp.diagnostics, r.status(),
                  "Failed to delete private endpoint", id);
  }
}

void PrivateEndpointResource::ImportState(const core::ImportRequest& req,
                                          core::ImportResponse& resp) const {
  ImportByArmId(req, resp, GetSchema(), kPeType,
                "/subscriptions/00000000-0000-0000-0000-000000000000/"
                "resourceGroups/net-rg/providers/Microsoft.Network/"
                "privateEndpoints/ws1-pe");
}

std::unique_ptr<core::Resource> NewPrivateEndpointResource() {
  return std::make_unique<PrivateEndpointResource>();
}

}  // namespace secureaml::resources
