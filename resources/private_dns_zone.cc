#include "resources/private_dns_zone.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
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

constexpr char kZoneType[] = "Microsoft.Network/privateDnsZones";
constexpr char kVnetType[] = "Microsoft.Network/virtualNetworks";

tf::Validator VnetIdSet() {
  return [](const Value& value, const AttributePath& path,
            tf::Diagnostics& diags) {
    if (!value.type().IsCollection()) return;
    for (const Value& e : value.Elements()) {
      if (!e.IsKnown()) continue;
      absl::StatusOr<ArmId> id = ParseArmIdOfType(e.AsString(), kVnetType);
      if (!id.ok()) {
        diags.AddAttributeError(path, "Invalid virtual network ID",
                                std::string(id.status().message()));
      }
    }
  };
}

tf::Schema BuildSchema() {
  tf::Schema s;
  s.block.description =
      "A private DNS zone, such as `privatelink.api.azureml.ms`, linked to "
      "the virtual networks that must resolve private endpoint addresses. "
      "Links are managed in place: adding or removing a VNet ID adds or "
      "removes only that link. Destroy removes the links before the zone.";
  s.block.attributes = {
      Attribute::Computed("id", Type::String(), "ARM resource ID of the zone.")
          .UseStateForUnknown(),
      Attribute::Required("name", Type::String(),
                          "Zone name without a trailing dot, e.g. "
                          "`privatelink.api.azureml.ms`. Private endpoints "
                          "only get automatic records in the recommended zone "
                          "names. Changing it forces a new zone.")
          .ForceNew()
          .Validate(PrivateDnsZoneName()),
      Attribute::Required("resource_group_name", Type::String(),
                          "Resource group of the zone. Changing it forces a "
                          "new zone.")
          .ForceNew()
          .Validate(ResourceGroupName()),
      Attribute::Optional(
          "virtual_network_ids", Type::Set(Type::String()),
          "IDs of the virtual networks to link, so that they resolve the "
          "zone's records. Links are added and removed in place.")
          .Validate(VnetIdSet()),
      Attribute::Optional(
          "registration_enabled", Type::Bool(),
          "Let VMs in the linked networks register their own A records in "
          "the zone. Defaults to `false`; keep it off for `privatelink.*` "
          "zones. A network can have registration in one zone only.")
          .WithDefault(Value::Bool(false)),
      Attribute::Optional("tags", Type::Map(Type::String()),
                          "Tags on the zone and its links."),
  };
  s.block.blocks = {core::TimeoutsBlock(core::DefaultTimeouts{})};
  return s;
}

std::string Str(const Value& obj, std::string_view name) {
  return obj.GetString(name).value_or("");
}

std::string ZoneIdFromState(const Value& state, const std::string& sub) {
  std::string id = Str(state, "id");
  if (!id.empty()) return id;
  return ProviderResourceId(sub, Str(state, "resource_group_name"),
                            "Microsoft.Network",
                            {{"privateDnsZones", Str(state, "name")}});
}

struct Link {
  std::string id;
  std::string name;
  std::string vnet_id;
  bool registration = false;
};

Link LinkFromJson(const nlohmann::json& l) {
  Link link;
  link.id = JsonString(l, {"id"});
  link.name = JsonString(l, {"name"});
  link.vnet_id = JsonString(l, {"properties", "virtualNetwork", "id"});
  link.registration =
      JsonBool(l, {"properties", "registrationEnabled"}).value_or(false);
  if (link.name.empty()) {
    absl::StatusOr<ArmId> parsed = ParseArmId(link.id);
    if (parsed.ok()) link.name = parsed->Name();
  }
  return link;
}

absl::StatusOr<std::vector<Link>> ListLinks(const AzureProviderData& az,
                                            const core::OperationContext& ctx,
                                            const std::string& zone_id) {
  std::vector<Link> out;
  absl::Status listed = az.arm->ListAll(
      absl::StrCat(zone_id, "/virtualNetworkLinks"), kPrivateDnsApiVersion,
      RequestOptionsFor(ctx), [&](const nlohmann::json& l) {
        out.push_back(LinkFromJson(l));
        return true;
      });
  if (!listed.ok()) return listed;
  return out;
}

std::string LinkId(const std::string& zone_id, const std::string& name) {
  return absl::StrCat(zone_id, "/virtualNetworkLinks/", name);
}

// Makes the zone's links match `vnet_ids` / `registration`, starting from
// `existing` (the zone's links as listed, or none for a zone just created).
// Links that already match are left alone. Returns the links the zone has
// afterwards, each written one as ARM's final read returned it, so the caller
// needs no second list.
absl::StatusOr<std::vector<Link>> SyncLinks(
    const AzureProviderData& az, const core::OperationContext& ctx,
    const std::string& zone_id, const std::vector<Link>& existing,
    const std::vector<std::string>& vnet_ids, bool registration,
    const Value& tags, bool rewrite_existing) {
  std::map<std::string, const Link*> by_vnet;
  for (const Link& l : existing) by_vnet[absl::AsciiStrToLower(l.vnet_id)] = &l;
  std::set<std::string> wanted;
  std::vector<Link> result;
  for (const std::string& v : vnet_ids) {
    std::string key = absl::AsciiStrToLower(v);
    if (!wanted.insert(key).second) continue;
    auto it = by_vnet.find(key);
    std::string name;
    if (it == by_vnet.end()) {
      name = private_dns_zone_internal::LinkName(v);
    } else if (rewrite_existing || it->second->registration != registration) {
      name = it->second->name;
    } else {
      result.push_back(*it->second);
      continue;
    }
    auto r =
        az.arm->Put(LinkId(zone_id, name), kPrivateDnsApiVersion,
                    private_dns_zone_internal::LinkBody(v, registration, tags),
                    RequestOptionsFor(ctx));
    if (!r.ok()) return r.status();
    Link written = LinkFromJson(r->body);
    // An answer without a body still means the link is as written.
    if (written.vnet_id.empty()) {
      written = Link{LinkId(zone_id, name), name, v, registration};
    }
    result.push_back(std::move(written));
  }
  for (const Link& l : existing) {
    if (wanted.count(absl::AsciiStrToLower(l.vnet_id)) > 0) continue;
    auto r = az.arm->Delete(LinkId(zone_id, l.name), kPrivateDnsApiVersion,
                            RequestOptionsFor(ctx));
    if (!r.ok() && !absl::IsNotFound(r.status())) return r.status();
  }
  return result;
}

// The state from the zone's body (a GET, or the final read of its write) and
// its links.
Value ZoneState(const nlohmann::json& zone, const std::vector<Link>& links,
                const std::string& id, const Value& prior, const Type& type) {
  std::map<std::string, Value> a;
  std::string remote_id = JsonString(zone, {"id"});
  if (remote_id.empty()) remote_id = id;
  a["id"] = PreferPriorCasing(prior.GetAttr("id"), remote_id);
  absl::StatusOr<ArmId> parsed = ParseArmId(remote_id);
  std::string name = JsonString(zone, {"name"});
  if (name.empty() && parsed.ok()) name = parsed->Name();
  a["name"] = PreferPriorCasing(prior.GetAttr("name"), name);
  a["resource_group_name"] = PreferPriorCasing(
      prior.GetAttr("resource_group_name"),
      parsed.ok() ? parsed->resource_group : Str(prior, "resource_group_name"));
  a["tags"] = TagsFromJson(JsonAt(zone, {"tags"}), prior.GetAttr("tags"));

  std::vector<std::string> vnets;
  bool prior_reg = prior.GetBool("registration_enabled").value_or(false);
  bool registration = prior_reg;
  for (const Link& l : links) {
    vnets.push_back(l.vnet_id);
    // Any link that differs from the prior setting is drift worth showing.
    if (l.registration != prior_reg) registration = l.registration;
  }
  const Value& prior_vnets = prior.GetAttr("virtual_network_ids");
  a["virtual_network_ids"] = vnets.empty() && !prior_vnets.IsKnown()
                                 ? Value::Null(Type::Set(Type::String()))
                                 : IdSetPreferPrior(prior_vnets, vnets);
  a["registration_enabled"] = Value::Bool(registration);
  a["timeouts"] = prior.GetAttr("timeouts").IsKnown()
                      ? prior.GetAttr("timeouts")
                      : Value::Null(type.AttributeTypes().at("timeouts"));
  return Value::Object(type, std::move(a));
}

// Reads the zone and its links into state; `found` false when the zone is
// gone.
absl::Status ReadZone(const AzureProviderData& az,
                      const core::OperationContext& ctx, const std::string& id,
                      const Value& prior, const Type& type, Value* state,
                      bool* found) {
  auto r = az.arm->Get(id, kPrivateDnsApiVersion, RequestOptionsFor(ctx));
  if (absl::IsNotFound(r.status())) {
    *found = false;
    return absl::OkStatus();
  }
  if (!r.ok()) return r.status();
  *found = true;
  absl::StatusOr<std::vector<Link>> links = ListLinks(az, ctx, id);
  if (!links.ok()) return links.status();
  *state = ZoneState(r->body, *links, id, prior, type);
  return absl::OkStatus();
}

}  // namespace

namespace private_dns_zone_internal {

std::string LinkName(const std::string& vnet_id) {
  absl::StatusOr<ArmId> id = ParseArmId(vnet_id);
  std::string vnet = id.ok() ? id->Name() : "vnet";
  if (vnet.size() > 64) vnet.resize(64);
  return absl::StrCat(vnet, "-", ShortHash(vnet_id));
}

nlohmann::json LinkBody(const std::string& vnet_id, bool registration,
                        const Value& tags) {
  return {{"location", "global"},
          {"tags", TagsToJson(tags)},
          {"properties",
           {{"virtualNetwork", {{"id", vnet_id}}},
            {"registrationEnabled", registration}}}};
}

}  // namespace private_dns_zone_internal

const tf::Schema& PrivateDnsZoneResource::GetSchema() const {
  static const tf::Schema* schema = new tf::Schema(BuildSchema());
  return *schema;
}

void PrivateDnsZoneResource::ValidateConfig(
    const core::ValidateConfigRequest& req,
    core::ValidateConfigResponse& resp) const {
  const Value& config = req.config;
  if (!config.IsKnown()) return;
  core::ValidateTimeouts(config, resp.diagnostics);
  std::optional<std::string> name = config.GetString("name");
  if (name && absl::StartsWithIgnoreCase(*name, "privatelink.") &&
      config.GetBool("registration_enabled").value_or(false)) {
    resp.diagnostics.AddAttributeWarning(
        AttributePath::Root("registration_enabled"),
        "Auto-registration in a private link zone",
        "With registration_enabled = true every VM in the linked networks "
        "writes its hostname into this privatelink zone, next to the private "
        "endpoint records. Private link zones are normally linked with "
        "registration off.");
  }
}

void PrivateDnsZoneResource::Create(const core::CreateRequest& req,
                                    core::CreateResponse& resp) const {
  const AzureProviderData* az = RequireAzure(req.ctx, resp.diagnostics);
  if (az == nullptr) return;
  const Value& planned = req.planned_state;
  std::string id = ZoneIdFromState(planned, az->subscription_id);
  if (!EnsureAbsentBeforeCreate(*az, req.ctx, id, kPrivateDnsApiVersion,
                                TypeName(), resp.diagnostics)) {
    return;
  }
  azure::RequestOptions opts = RequestOptionsFor(req.ctx);
  bool accepted = false;
  opts.on_accepted = [&](const azure::AcceptedOperation&) { accepted = true; };
  nlohmann::json body = {{"location", "global"},
                         {"tags", TagsToJson(planned.GetAttr("tags"))}};
  auto r = az->arm->Put(id, kPrivateDnsApiVersion, body, opts);
  if (!r.ok()) {
    if (accepted || WriteMayHaveLanded(r.status())) {
      resp.new_state = PartialState(planned, id);
    }
    AddAzureError(resp.diagnostics, r.status(),
                  "Failed to create private DNS zone", id);
    return;
  }
  // The zone was absent before this PUT, so it has no links to list; the
  // state comes from the final reads of the writes, without a second GET.
  absl::StatusOr<std::vector<Link>> links =
      SyncLinks(*az, req.ctx, id, /*existing=*/{},
                planned.GetStringList("virtual_network_ids"),
                planned.GetBool("registration_enabled").value_or(false),
                planned.GetAttr("tags"), /*rewrite_existing=*/false);
  if (!links.ok()) {
    resp.new_state = PartialState(planned, id);
    AddAzureError(resp.diagnostics, links.status(),
                  "Failed to link the private DNS zone to a virtual network",
                  id, AttributePath::Root("virtual_network_ids"));
    return;
  }
  nlohmann::json zone = r->body.is_object() ? r->body : body;
  resp.new_state =
      ZoneState(zone, *links, id, planned.WithAttr("id", Value::String(id)),
                GetSchema().ImpliedType());
}

void PrivateDnsZoneResource::Read(const core::ReadRequest& req,
                                  core::ReadResponse& resp) const {
  const AzureProviderData* az = RequireAzure(req.ctx, resp.diagnostics);
  if (az == nullptr) return;
  std::string id = ZoneIdFromState(req.current_state, az->subscription_id);
  Value state;
  bool found = false;
  absl::Status s = ReadZone(*az, req.ctx, id, req.current_state,
                            GetSchema().ImpliedType(), &state, &found);
  if (!s.ok()) {
    AddAzureError(resp.diagnostics, s, "Failed to read private DNS zone", id);
    return;
  }
  resp.new_state = found ? state : Value::Null(GetSchema().ImpliedType());
}

void PrivateDnsZoneResource::Update(const core::UpdateRequest& req,
                                    core::UpdateResponse& resp) const {
  const AzureProviderData* az = RequireAzure(req.ctx, resp.diagnostics);
  if (az == nullptr) return;
  const Value& prior = req.prior_state;
  const Value& planned = req.planned_state;
  std::string id = ZoneIdFromState(prior, az->subscription_id);
  bool tags_changed = prior.GetAttr("tags") != planned.GetAttr("tags");
  // What the writes' final reads returned; the state is read again only
  // for what no write answered.
  std::optional<nlohmann::json> zone;
  std::optional<std::vector<Link>> links;
  if (tags_changed) {
    nlohmann::json body = {{"tags", TagsToJson(planned.GetAttr("tags"))}};
    auto r = az->arm->Patch(id, kPrivateDnsApiVersion, body,
                            RequestOptionsFor(req.ctx));
    if (!r.ok()) {
      AddAzureError(resp.diagnostics, r.status(),
                    "Failed to update private DNS zone tags", id,
                    AttributePath::Root("tags"));
      return;
    }
    if (r->body.is_object()) zone = r->body;
  }
  if (tags_changed ||
      prior.GetAttr("virtual_network_ids") !=
          planned.GetAttr("virtual_network_ids") ||
      prior.GetAttr("registration_enabled") !=
          planned.GetAttr("registration_enabled")) {
    absl::StatusOr<std::vector<Link>> existing = ListLinks(*az, req.ctx, id);
    absl::StatusOr<std::vector<Link>> synced =
        existing.ok()
            ? SyncLinks(*az, req.ctx, id, *existing,
                        planned.GetStringList("virtual_network_ids"),
                        planned.GetBool("registration_enabled").value_or(false),
                        planned.GetAttr("tags"),
                        /*rewrite_existing=*/tags_changed)
            : existing;
    absl::Status s = synced.status();
    if (synced.ok()) links = *std::move(synced);
    if (!s.ok()) {
      AddAzureError(resp.diagnostics, s,
                    "Failed to update the virtual network links", id,
                    AttributePath::Root("virtual_network_ids"));
      // Links may be half-synchronised: report what exists now.
      Value state;
      bool found = false;
      if (ReadZone(*az, req.ctx, id, prior, GetSchema().ImpliedType(), &state,
                   &found)
              .ok() &&
          found) {
        resp.new_state = state;
      } else {
        resp.new_state = prior;
      }
      return;
    }
  }
  Value with_id = planned.WithAttr("id", Value::String(id));
  if (zone && links) {
    resp.new_state =
        ZoneState(*zone, *links, id, with_id, GetSchema().ImpliedType());
    return;
  }
  Value state;
  bool found = false;
  absl::Status s = ReadZone(*az, req.ctx, id, with_id,
                            GetSchema().ImpliedType(), &state, &found);
  if (!s.ok() || !found) {
    AddAzureError(resp.diagnostics,
                  s.ok() ? absl::NotFoundError("the zone disappeared") : s,
                  "Failed to read the updated private DNS zone", id);
    return;
  }
  resp.new_state = state;
}

void PrivateDnsZoneResource::Delete(const core::DeleteRequest& req,
                                    core::DeleteResponse& resp) const {
  const AzureProviderData* az = RequireAzure(req.ctx, resp.diagnostics);
  if (az == nullptr) return;
  std::string id = ZoneIdFromState(req.prior_state, az->subscription_id);
  // Azure refuses to delete a zone that still has links.
  absl::StatusOr<std::vector<Link>> links = ListLinks(*az, req.ctx, id);
  if (absl::IsNotFound(links.status())) return;
  if (!links.ok()) {
    AddAzureError(resp.diagnostics, links.status(),
                  "Failed to list the zone's virtual network links", id);
    return;
  }
  for (const Link& l : *links) {
    auto r = az->arm->Delete(LinkId(id, l.name), kPrivateDnsApiVersion,
                             RequestOptionsFor(req.ctx));
    if (!r.ok() && !absl::IsNotFound(r.status())) {
      AddAzureError(resp.diagnostics, r.status(),
                    "Failed to delete a virtual network link",
                    LinkId(id, l.name));
      return;
    }
  }
  auto r =
      az->arm->Delete(id, kPrivateDnsApiVersion, RequestOptionsFor(req.ctx));
  if (!r.ok() && !absl::IsNotFound(r.status())) {
    AddAzureError(resp.diagnostics, r.status(),
                  "Failed to delete private DNS zone", id);
  }
}

void PrivateDnsZoneResource::ImportState(const core::ImportRequest& req,
                                         core::ImportResponse& resp) const {
  ImportByArmId(req, resp, GetSchema(), kZoneType,
                "/subscriptions/00000000-0000-0000-0000-000000000000/"
                "resourceGroups/dns-rg/providers/Microsoft.Network/"
                "privateDnsZones/privatelink.api.azureml.ms");
}

std::unique_ptr<core::Resource> NewPrivateDnsZoneResource() {
  return std::make_unique<PrivateDnsZoneResource>();
}

}  // namespace secureaml::resources
