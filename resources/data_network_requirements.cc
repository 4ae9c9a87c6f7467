#include "resources/data_network_requirements.h"

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "resources/common/validators.h"

namespace secureaml::resources {
namespace {

using tf::Attribute;
using tf::Type;
using tf::Value;

Type RuleType() {
  return Type::Object({{"name", Type::String()},
                       {"direction", Type::String()},
                       {"access", Type::String()},
                       {"protocol", Type::String()},
                       {"source_address_prefix", Type::String()},
                       {"source_port_range", Type::String()},
                       {"destination_address_prefix", Type::String()},
                       {"destination_port_ranges", Type::List(Type::String())},
                       {"description", Type::String()}});
}

Type FqdnType() {
  return Type::Object({{"fqdn", Type::String()},
                       {"ports", Type::List(Type::String())},
                       {"purpose", Type::String()}});
}

Value RuleValue(const NsgRuleSpec& r) {
  return Value::Object(
      RuleType(),
      {{"name", Value::String(r.name)},
       {"direction", Value::String(r.direction)},
       {"access", Value::String("Allow")},
       {"protocol", Value::String(r.protocol)},
       {"source_address_prefix", Value::String(r.source)},
       {"source_port_range", Value::String("*")},
       {"destination_address_prefix", Value::String(r.destination)},
       {"destination_port_ranges", Value::StringList(r.destination_ports)},
       {"description", Value::String(r.description)}});
}

Value RuleList(const std::vector<NsgRuleSpec>& rules) {
  std::vector<Value> out;
  for (const auto& r : rules) out.push_back(RuleValue(r));
  return Value::List(RuleType(), std::move(out));
}

std::string RuleDocs() {
  return "Each rule has `name`, `direction`, `access` (always `Allow`), "
         "`protocol` (`Tcp`, `Udp` or `*`), `source_address_prefix`, "
         "`source_port_range` (`*`), `destination_address_prefix` (a service "
         "tag, regional when `location` is set) and "
         "`destination_port_ranges`, plus a `description`.";
}

}  // namespace

std::vector<tf::Attribute> NetworkRequirementInputAttributes() {
  return {
      Attribute::Optional("environment", Type::String(),
                          "The Azure cloud: `public` (default), "
                          "`usgovernment` or `china`. Selects FQDNs and "
                          "private DNS zone names.")
          .Validate(OneOf({"public", "usgovernment", "china"})),
      Attribute::Optional(
          "high_business_impact", Type::Bool(),
          "Whether the workspace is high business impact (`hbi_workspace`). "
          "Such workspaces keep Batch secrets in a Microsoft-managed Key "
          "Vault, so compute needs outbound `AzureKeyVault`. Defaults to "
          "`true`, this provider's workspace default."),
      Attribute::Optional(
          "node_public_ip_enabled", Type::Bool(),
          "Whether compute nodes have public IPs. Only then does Azure ML "
          "reach them inbound (TCP 44224 from `AzureMachineLearning`). "
          "Defaults to `false` (no public IP, the secure choice)."),
      Attribute::Optional(
          "include_legacy_batch_inbound", Type::Bool(),
          "Also allow the pre-2022 `BatchNodeManagement` inbound rule (TCP "
          "29876-29877) that older guides list and some policies still "
          "expect. Defaults to `false`."),
  };
}

NetworkRequirementsInput NetworkInputFromConfig(const tf::Value& c) {
  NetworkRequirementsInput in;
  if (!c.IsKnown()) return in;
  if (auto env = c.GetString("environment")) {
    in.cloud = ParseCloud(*env).value_or(Cloud::kPublic);
  }
  if (auto loc = c.GetString("location")) in.location = NormalizeLocation(*loc);
  in.high_business_impact = c.GetBool("high_business_impact").value_or(true);
  in.node_public_ip_enabled =
      c.GetBool("node_public_ip_enabled").value_or(false);
  in.include_legacy_batch_inbound =
      c.GetBool("include_legacy_batch_inbound").value_or(false);
  return in;
}

bool NetworkInputKnown(const tf::Value& c) {
  if (!c.IsKnown()) return false;
  for (const char* a :
       {"environment", "location", "high_business_impact",
        "node_public_ip_enabled", "include_legacy_batch_inbound"}) {
    if (c.GetAttr(a).IsUnknown()) return false;
  }
  return true;
}

NetworkRequirementsDataSource::NetworkRequirementsDataSource() {
  schema_.block.description =
      "What the subnet of an Azure ML compute cluster or compute instance "
      "needs from the network: the inbound and outbound NSG rules (service "
      "tags, ports, protocols), the FQDNs a firewall must allow, and the "
      "private DNS zones per private-endpoint sub-resource. The lists follow "
      "Microsoft Learn's *Configure inbound and outbound network traffic* "
      "(2026-03) and *Private endpoint DNS* pages. "
      "`secureaml_network_rules` applies the same rules to an NSG.";
  schema_.block.attributes = {
      Attribute::Optional(
          "location", Type::String(),
          "The compute's region (e.g. `westeurope` or `West Europe`). When "
          "set, rules use regional service tags (`Storage.westeurope`) and "
          "region-specific FQDNs are included."),
      Attribute::Computed("id", Type::String(),
                          "A stable identifier built from the inputs."),
      Attribute::Computed("inbound_rules", Type::List(RuleType()),
                          absl::StrCat("Inbound NSG rules. Empty for "
                                       "compute without public IPs. ",
                                       RuleDocs())),
      Attribute::Computed("outbound_rules", Type::List(RuleType()),
                          absl::StrCat("Outbound NSG rules. ", RuleDocs())),
      Attribute::Computed(
          "fqdns", Type::List(FqdnType()),
          "Hosts a firewall must allow: objects with `fqdn` (may start with "
          "`*.`), `ports` and `purpose`."),
      Attribute::Computed("firewall_fqdns", Type::List(Type::String()),
                          "Just the host names of `fqdns`, without "
                          "duplicates, e.g. for an Azure Firewall application "
                          "rule's `destination_fqdns`."),
      Attribute::Computed(
          "private_dns_zones", Type::Map(Type::List(Type::String())),
          "Private DNS zones per private-endpoint sub-resource "
          "(`amlworkspace`, `blob`, `file`, `vault`, `registry`, ...). The "
          "workspace needs two zones."),
      Attribute::Computed("private_dns_zone_names", Type::List(Type::String()),
                          "Every zone of `private_dns_zones` once."),
  };
  for (tf::Attribute& a : NetworkRequirementInputAttributes()) {
    schema_.block.attributes.push_back(std::move(a));
  }
}

void NetworkRequirementsDataSource::Read(const core::ReadDataRequest& req,
                                         core::ReadDataResponse& resp) const {
  const Value& c = req.config;
  NetworkRequirementsInput in = NetworkInputFromConfig(c);
  NetworkRequirements reqs = ComputeNetworkRequirements(in);

  std::vector<Value> fqdns;
  std::vector<std::string> names;
  std::set<std::string> seen;
  for (const FqdnRequirement& f : reqs.fqdns) {
    fqdns.push_back(
        Value::Object(FqdnType(), {{"fqdn", Value::String(f.fqdn)},
                                   {"ports", Value::StringList(f.ports)},
                                   {"purpose", Value::String(f.purpose)}}));
    if (seen.insert(f.fqdn).second) names.push_back(f.fqdn);
  }
  std::map<std::string, Value> zones;
  std::vector<std::string> zone_names;
  std::set<std::string> seen_zones;
  for (const auto& [sub, list] : reqs.dns_zones) {
    zones[sub] = Value::StringList(list);
    for (const auto& z : list) {
      if (seen_zones.insert(z).second) zone_names.push_back(z);
    }
  }

  Value state = c;
  state = state.WithAttr(
      "id",
      Value::String(absl::StrCat(
          CloudName(in.cloud), "/", in.location.empty() ? "any" : in.location,
          in.high_business_impact ? "/hbi" : "/lbi",
          in.node_public_ip_enabled ? "/public-ip" : "/no-public-ip",
          in.include_legacy_batch_inbound ? "/legacy-batch" : "")));
  state = state.WithAttr("inbound_rules", RuleList(reqs.inbound));
  state = state.WithAttr("outbound_rules", RuleList(reqs.outbound));
  state = state.WithAttr("fqdns", Value::List(FqdnType(), std::move(fqdns)));
  state = state.WithAttr("firewall_fqdns", Value::StringList(names));
  state =
      state.WithAttr("private_dns_zones",
                     Value::Map(Type::List(Type::String()), std::move(zones)));
  state =
      state.WithAttr("private_dns_zone_names", Value::StringList(zone_names));
  resp.state = state;
}

}  // namespace secureaml::resources
