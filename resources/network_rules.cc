#include "resources/network_rules.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "provider/azure/arm_error.h"
#include "provider/core/timeouts.h"
#include "resources/common/arm_id.h"
#include "resources/common/azure_context.h"
#include "resources/common/validators.h"
#include "resources/data_network_requirements.h"

namespace secureaml::resources {
namespace {

using tf::Attribute;
using tf::AttributePath;
using tf::Type;
using tf::Value;

constexpr char kDefaultPrefix[] = "secureaml-";
constexpr char kNsgType[] = "Microsoft.Network/networkSecurityGroups";

std::string Lower(absl::string_view s) { return absl::AsciiStrToLower(s); }

std::string JsonString(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return "";
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

Type RuleType() {
  return Type::Object({{"name", Type::String()},
                       {"direction", Type::String()},
                       {"priority", Type::Number()},
                       {"access", Type::String()},
                       {"protocol", Type::String()},
                       {"source_address_prefix", Type::String()},
                       {"source_port_range", Type::String()},
                       {"destination_address_prefix", Type::String()},
                       {"destination_port_ranges", Type::List(Type::String())},
                       {"description", Type::String()}});
}

Value RuleValue(const SecurityRule& r) {
  return Value::Object(
      RuleType(),
      {{"name", Value::String(r.name)},
       {"direction", Value::String(r.direction)},
       {"priority", Value::Int(r.priority)},
       {"access", Value::String(r.access)},
       {"protocol", Value::String(r.protocol)},
       {"source_address_prefix", Value::String(r.source_address_prefix)},
       {"source_port_range", Value::String(r.source_port_range)},
       {"destination_address_prefix",
        Value::String(r.destination_address_prefix)},
       {"destination_port_ranges",
        Value::StringList(r.destination_port_ranges)},
       {"description", Value::String(r.description)}});
}

SecurityRule RuleFromValue(const Value& v) {
  SecurityRule r;
  r.name = v.GetString("name").value_or("");
  r.direction = v.GetString("direction").value_or("");
  r.priority = v.GetInt("priority").value_or(0);
  r.access = v.GetString("access").value_or("Allow");
  r.protocol = v.GetString("protocol").value_or("");
  r.source_address_prefix = v.GetString("source_address_prefix").value_or("");
  r.source_port_range = v.GetString("source_port_range").value_or("*");
  r.destination_address_prefix =
      v.GetString("destination_address_prefix").value_or("");
  r.destination_port_ranges = v.GetStringList("destination_port_ranges");
  r.description = v.GetString("description").value_or("");
  return r;
}

std::vector<std::string> StringsOf(const Value& object,
                                   const std::string& name) {
  std::vector<std::string> out;
  if (!object.IsKnown()) return out;
  const Value& list = object.GetAttr(name);
  if (!list.IsKnown()) return out;
  for (const Value& e : list.Elements()) {
    if (e.IsKnown()) out.push_back(e.AsString());
  }
  return out;
}

std::string Prefix(const Value& v) {
  return v.GetString("name_prefix").value_or(kDefaultPrefix);
}

std::pair<int64_t, int64_t> Range(const Value& v) {
  std::pair<int64_t, int64_t> out{NetworkRulesResource::kDefaultPriorityStart,
                                  NetworkRulesResource::kDefaultPriorityEnd};
  const Value& blocks = v.GetAttr("priority_range");
  if (!blocks.IsKnown() || blocks.Elements().empty()) return out;
  const Value& b = blocks.Elements()[0];
  out.first = b.GetInt("start").value_or(out.first);
  out.second = b.GetInt("end").value_or(out.second);
  return out;
}

// Whether the inputs Desired() reads are known (location aside).
bool InputsKnown(const Value& v) {
  if (!NetworkInputKnown(v)) return false;
  for (const char* a : {"name_prefix", "include_requirements"}) {
    if (v.GetAttr(a).IsUnknown()) return false;
  }
  if (!v.GetAttr("priority_range").IsWhollyKnown()) return false;
  return v.GetAttr("rule").IsWhollyKnown();
}

// The rules a configuration asks for, in a stable order: required inbound,
// required outbound, then the explicit `rule` blocks.
std::vector<SecurityRule> Desired(const Value& v, const std::string& location) {
  std::vector<SecurityRule> out;
  const std::string prefix = Prefix(v);
  if (v.GetBool("include_requirements").value_or(true)) {
    NetworkRequirementsInput in = NetworkInputFromConfig(v);
    in.location = NormalizeLocation(location);
    NetworkRequirements reqs = ComputeNetworkRequirements(in);
    for (const auto* list : {&reqs.inbound, &reqs.outbound}) {
      for (const NsgRuleSpec& s : *list) {
        SecurityRule r;
        r.name = prefix + s.name;
        r.direction = s.direction;
        r.protocol = s.protocol;
        r.source_address_prefix = s.source;
        r.destination_address_prefix = s.destination;
        r.destination_port_ranges = s.destination_ports;
        r.description = s.description;
        out.push_back(std::move(r));
      }
    }
  }
  const Value& blocks = v.GetAttr("rule");
  if (blocks.IsKnown()) {
    for (const Value& b : blocks.Elements()) {
      SecurityRule r = RuleFromValue(b);
      r.name = prefix + r.name;
      r.priority = 0;
      if (r.access.empty()) r.access = "Allow";
      out.push_back(std::move(r));
    }
  }
  return out;
}

std::vector<std::string> NamesOf(const std::vector<SecurityRule>& rules) {
  std::vector<std::string> out;
  for (const auto& r : rules) out.push_back(r.name);
  return out;
}

azure::RetryRule RetryNsgBusy() {
  azure::RetryRule r;
  r.name = "another operation on the NSG (AnotherOperationInProgress)";
  r.http_status = 409;
  r.arm_code = "AnotherOperationInProgress";
  r.window = absl::Minutes(5);
  return r;
}

std::string RuleId(const std::string& nsg_id, const std::string& name) {
  return absl::StrCat(absl::StripSuffix(nsg_id, "/"), "/securityRules/", name);
}

// NSG GET -> rules by lower-case name, plus the NSG's location.
struct NsgSnapshot {
  std::map<std::string, SecurityRule> rules;  // lower-case name -> rule
  std::string location;
};

NsgSnapshot Snapshot(const nlohmann::json& body) {
  NsgSnapshot s;
  s.location = JsonString(body, "location");
  if (body.is_object() && body.contains("properties") &&
      body["properties"].contains("securityRules") &&
      body["properties"]["securityRules"].is_array()) {
    for (const auto& j : body["properties"]["securityRules"]) {
      SecurityRule r = SecurityRuleFromJson(j);
      if (!r.name.empty()) s.rules[Lower(r.name)] = r;
    }
  }
  return s;
}

bool Contains(const std::vector<std::string>& names, const std::string& n) {
  for (const auto& x : names) {
    if (absl::EqualsIgnoreCase(x, n)) return true;
  }
  return false;
}

// State attributes describing what is owned right now: the owned rules that
// exist, in a canonical order (inbound first, then by priority) so that state
// after apply and state after import compare equal.
Value OwnedState(Value state, const std::vector<std::string>& owned,
                 const std::map<std::string, SecurityRule>& present) {
  std::vector<SecurityRule> rules;
  std::set<std::string> seen;
  for (const auto& o : owned) {
    auto it = present.find(Lower(o));
    if (it == present.end() || !seen.insert(Lower(o)).second) continue;
    rules.push_back(it->second);
  }
  std::sort(rules.begin(), rules.end(),
            [](const SecurityRule& a, const SecurityRule& b) {
              bool ain = absl::EqualsIgnoreCase(a.direction, "Inbound");
              bool bin = absl::EqualsIgnoreCase(b.direction, "Inbound");
              if (ain != bin) return ain;
              if (a.priority != b.priority) return a.priority < b.priority;
              return Lower(a.name) < Lower(b.name);
            });
  std::vector<std::string> names;
  std::vector<Value> values;
  for (const SecurityRule& r : rules) {
    names.push_back(r.name);
    values.push_back(RuleValue(r));
  }
  state = state.WithAttr("rule_names", Value::StringList(names));
  state = state.WithAttr("rules", Value::List(RuleType(), std::move(values)));
  return state;
}

}  // namespace

bool SecurityRule::SameSettings(const SecurityRule& o) const {
  auto ports = [](std::vector<std::string> p) {
    std::sort(p.begin(), p.end());
    return p;
  };
  return absl::EqualsIgnoreCase(name, o.name) &&
         absl::EqualsIgnoreCase(direction, o.direction) &&
         absl::EqualsIgnoreCase(access, o.access) &&
         absl::EqualsIgnoreCase(protocol, o.protocol) &&
         absl::EqualsIgnoreCase(source_address_prefix,
                                o.source_address_prefix) &&
         source_port_range == o.source_port_range &&
         absl::EqualsIgnoreCase(destination_address_prefix,
                                o.destination_address_prefix) &&
         ports(destination_port_ranges) == ports(o.destination_port_ranges) &&
         description == o.description;
}

SecurityRule SecurityRuleFromJson(const nlohmann::json& j) {
  SecurityRule r;
  r.name = JsonString(j, "name");
  const nlohmann::json p =
      j.is_object() && j.contains("properties") ? j["properties"] : j;
  r.direction = JsonString(p, "direction");
  r.access = JsonString(p, "access");
  r.protocol = JsonString(p, "protocol");
  r.source_address_prefix = JsonString(p, "sourceAddressPrefix");
  if (r.source_address_prefix.empty() && p.contains("sourceAddressPrefixes") &&
      p["sourceAddressPrefixes"].is_array()) {
    // Element by element: get<vector<string>>() throws on a non-string.
    std::vector<std::string> prefixes;
    for (const auto& e : p["sourceAddressPrefixes"]) {
      if (e.is_string()) prefixes.push_back(e.get<std::string>());
    }
    r.source_address_prefix = absl::StrJoin(prefixes, ",");
  }
  r.source_port_range = JsonString(p, "sourcePortRange");
  if (r.source_port_range.empty()) r.source_port_range = "*";
  r.destination_address_prefix = JsonString(p, "destinationAddressPrefix");
  if (p.contains("destinationPortRanges") &&
      p["destinationPortRanges"].is_array()) {
    for (const auto& e : p["destinationPortRanges"]) {
      if (e.is_string())
        r.destination_port_ranges.push_back(e.get<std::string>());
    }
  }
  if (r.destination_port_ranges.empty()) {
    std::string one = JsonString(p, "destinationPortRange");
    if (!one.empty()) r.destination_port_ranges.push_back(one);
  }
  r.description = JsonString(p, "description");
  if (p.contains("priority") && p["priority"].is_number_integer()) {
    r.priority = p["priority"].get<int64_t>();
  }
  return r;
}

nlohmann::json SecurityRuleBody(const SecurityRule& r) {
  nlohmann::json p;
  p["protocol"] = r.protocol;
  p["access"] = r.access;
  p["priority"] = r.priority;
  p["direction"] = r.direction;
  p["sourceAddressPrefix"] = r.source_address_prefix;
  p["sourcePortRange"] = r.source_port_range;
  p["destinationAddressPrefix"] = r.destination_address_prefix;
  // ARM rejects a request that sets both the single and the list form.
  if (r.destination_port_ranges.size() == 1) {
    p["destinationPortRange"] = r.destination_port_ranges[0];
  } else {
    p["destinationPortRanges"] = r.destination_port_ranges;
  }
  if (!r.description.empty()) p["description"] = r.description;
  return nlohmann::json{{"properties", p}};
}

std::optional<std::string> AllocatePriorities(
    std::vector<SecurityRule>& desired, int64_t start, int64_t end,
    const std::map<std::string, std::set<int64_t>>& foreign,
    const std::map<std::string, SecurityRule>& current) {
  std::map<std::string, std::set<int64_t>> used;
  for (const auto& [dir, set] : foreign) used[Lower(dir)] = set;
  // Pass 1: keep what is already in place and valid.
  for (SecurityRule& r : desired) {
    r.priority = 0;
    auto it = current.find(Lower(r.name));
    if (it == current.end()) continue;
    const SecurityRule& c = it->second;
    std::set<int64_t>& u = used[Lower(r.direction)];
    if (absl::EqualsIgnoreCase(c.direction, r.direction) &&
        c.priority >= start && c.priority <= end && !u.count(c.priority)) {
      r.priority = c.priority;
      u.insert(c.priority);
    }
  }
  // Priorities our rules hold now and may still hold while others move.
  std::map<std::string, std::set<int64_t>> held;
  for (const auto& [name, c] : current)
    held[Lower(c.direction)].insert(c.priority);
  // Pass 2: the lowest free priority, preferring ones no own rule holds now.
  for (SecurityRule& r : desired) {
    if (r.priority != 0) continue;
    std::set<int64_t>& u = used[Lower(r.direction)];
    const std::set<int64_t>& h = held[Lower(r.direction)];
    int64_t pick = 0;
    for (int64_t p = start; p <= end && pick == 0; ++p) {
      if (!u.count(p) && !h.count(p)) pick = p;
    }
    for (int64_t p = start; p <= end && pick == 0; ++p) {
      if (!u.count(p)) pick = p;
    }
    if (pick == 0) return r.name;
    r.priority = pick;
    u.insert(pick);
  }
  return std::nullopt;
}

NetworkRulesResource::NetworkRulesResource() {
  tf::Block range;
  range.description =
      "The NSG priorities this resource may use (100-4096). Defaults to "
      "3000-3999. Priorities are unique per direction within an NSG; rules "
      "keep their priority across updates while it stays valid.";
  range.attributes = {
      Attribute::Required("start", Type::Number(), "Lowest priority to use.")
          .Validate(IntBetween(100, 4096)),
      Attribute::Required("end", Type::Number(),
                          "Highest priority to use (inclusive).")
          .Validate(IntBetween(100, 4096)),
  };

  tf::Block rule;
  rule.description =
      "An extra rule to manage with the required ones (for example a deny "
      "rule for the internet). Its NSG name is `name_prefix` + `name`.";
  rule.attributes = {
      Attribute::Required("name", Type::String(),
                          "The rule's name, without `name_prefix`.")
          .Validate(
              MatchesRegex("[A-Za-z0-9]([A-Za-z0-9_.-]{0,38}[A-Za-z0-9_])?",
                           "1 to 40 characters: letters, digits, '.', "
                           "'-' and '_', starting with a letter or "
                           "digit")),
      Attribute::Required("direction", Type::String(),
                          "`Inbound` or `Outbound`.")
          .Validate(OneOf({"Inbound", "Outbound"})),
      Attribute::Optional("access", Type::String(),
                          "`Allow` (default) or `Deny`.")
          .Validate(OneOf({"Allow", "Deny"})),
      Attribute::Required("protocol", Type::String(),
                          "`Tcp`, `Udp`, `Icmp`, `Esp`, `Ah` or `*`.")
          .Validate(OneOf({"Tcp", "Udp", "Icmp", "Esp", "Ah", "*"})),
      Attribute::Required("source_address_prefix", Type::String(),
                          "A CIDR, IP address, service tag or `*`."),
      Attribute::Optional("source_port_range", Type::String(),
                          "Source ports; `*` (default) for any."),
      Attribute::Required("destination_address_prefix", Type::String(),
                          "A CIDR, IP address, service tag (such as "
                          "`Storage.westeurope`) or `*`."),
      Attribute::Required("destination_port_ranges", Type::List(Type::String()),
                          "Ports or ranges such as `443` or `8704-8710`, or "
                          "`*`."),
      Attribute::Optional("description", Type::String(),
                          "At most 140 characters.")
          .Validate(StringLengthBetween(0, 140)),
  };

  schema_.block.description =
      "Applies the network security group rules an Azure ML compute subnet "
      "needs (see the `secureaml_network_requirements` data source) to an "
      "existing NSG, as child `securityRules` (API 2024-07-01).\n\n"
      "The NSG may hold rules others manage: this resource creates, updates "
      "and deletes only the rules it created (listed in `rule_names`), picks "
      "priorities inside `priority_range` that foreign rules do not use, and "
      "fails at apply when the range has no room left. A rule deleted out of "
      "band is planned for re-creation.";
  schema_.block.attributes = {
      Attribute::Computed("id", Type::String(),
                          "The network security group's ID.")
          .UseStateForUnknown(),
      Attribute::Required(
          "network_security_group_id", Type::String(),
          "The ID of the existing NSG, typically the one of the compute "
          "subnet. Changing it replaces the resource.")
          .ForceNew()
          .Validate(ArmIdValidator(kNsgType)),
      Attribute::OptionalComputed(
          "location", Type::String(),
          "Region for the regional service tags (`Storage.<region>`, "
          "`BatchNodeManagement.<region>`, ...). Defaults to the NSG's "
          "location."),
      Attribute::Optional(
          "include_requirements", Type::Bool(),
          "Apply the rules Azure ML compute requires (default `true`). Set "
          "`false` to manage only `rule` blocks."),
      Attribute::Optional(
          "name_prefix", Type::String(),
          "Prefix of every rule name this resource creates; default "
          "`secureaml-`. Changing it replaces the resource.")
          .ForceNew()
          .Validate(MatchesRegex("[A-Za-z0-9][A-Za-z0-9_.-]{0,39}",
                                 "1 to 40 characters: letters, digits, '.', "
                                 "'-' and '_', starting with a letter or "
                                 "digit")),
      Attribute::Computed(
          "rule_names", Type::List(Type::String()),
          "Names of the rules this resource created and owns in the NSG. "
          "Only these are ever changed or deleted."),
      Attribute::Computed(
          "rules", Type::List(RuleType()),
          "The owned rules as applied, with their allocated `priority`."),
  };
  for (Attribute& a : NetworkRequirementInputAttributes()) {
    // Defaults in the schema (not only in code) so that a state read back
    // after import, where these are inferred from the rules present, plans
    // clean against a configuration that leaves them out.
    if (a.name == "high_business_impact") a.WithDefault(Value::Bool(true));
    if (a.name == "node_public_ip_enabled" ||
        a.name == "include_legacy_batch_inbound") {
      a.WithDefault(Value::Bool(false));
    }
    schema_.block.attributes.push_back(std::move(a));
  }
  schema_.block.blocks = {
      tf::NestedBlock::List("priority_range", range, 0, 1),
      tf::NestedBlock::List("rule", rule),
      core::TimeoutsBlock(Timeouts()),
  };
}

core::DefaultTimeouts NetworkRulesResource::Timeouts() const {
  core::DefaultTimeouts t;
  t.create = absl::Minutes(30);
  t.read = absl::Minutes(5);
  t.update = absl::Minutes(30);
  t.del = absl::Minutes(30);
  return t;
}

void NetworkRulesResource::ValidateConfig(
    const core::ValidateConfigRequest& req,
    core::ValidateConfigResponse& resp) const {
  const Value& c = req.config;
  if (!c.IsKnown()) return;
  const Value& ranges = c.GetAttr("priority_range");
  if (ranges.IsKnown() && !ranges.Elements().empty()) {
    const Value& r = ranges.Elements()[0];
    std::optional<int64_t> s = r.GetInt("start");
    std::optional<int64_t> e = r.GetInt("end");
    if (s && e && *s > *e) {
      resp.diagnostics.AddAttributeError(
          AttributePath::Root("priority_range").Index(0).Attr("end"),
          "Empty priority range",
          absl::StrCat("`end` (", *e, ") must not be below `start` (", *s,
                       ")."));
    }
  }
  if (c.GetBool("include_requirements") == std::optional<bool>(false) &&
      c.GetAttr("rule").IsKnown() && c.GetAttr("rule").Elements().empty()) {
    resp.diagnostics.AddAttributeError(
        AttributePath::Root("include_requirements"), "No rules to manage",
        "With `include_requirements = false`, add at least one `rule` block.");
  }
  // Duplicate names would fight over one NSG rule.
  if (InputsKnown(c) && c.GetAttr("name_prefix").IsKnown()) {
    std::vector<SecurityRule> d = Desired(c, "");
    std::set<std::string> seen;
    for (const auto& r : d) {
      if (!seen.insert(Lower(r.name)).second) {
        resp.diagnostics.AddAttributeError(
            AttributePath::Root("rule"), "Duplicate rule name",
            absl::StrCat("Two rules would be named \"", r.name,
                         "\". Rename the `rule` block."));
      }
    }
  }
}

void NetworkRulesResource::ModifyPlan(const core::ModifyPlanRequest& req,
                                      core::ModifyPlanResponse& resp) const {
  Value plan = resp.planned_state;
  if (!plan.IsKnown() || !req.config.IsKnown()) return;
  const Value& prior = req.prior_state;
  const Type rules_type = Type::List(RuleType());
  const Type names_type = Type::List(Type::String());

  // The NSG ID is the resource ID; known at plan when configured.
  if (const Value& nsg = req.config.GetAttr("network_security_group_id");
      nsg.IsKnown()) {
    plan = plan.WithAttr("id", nsg);
  }
  // location: configuration, else the prior (NSG-derived) value.
  if (req.config.GetAttr("location").IsNull()) {
    plan = plan.WithAttr("location", prior.IsKnown()
                                         ? prior.GetAttr("location")
                                         : Value::Unknown(Type::String()));
  }
  if (!InputsKnown(req.config)) {
    plan = plan.WithAttr("rules", Value::Unknown(rules_type));
    plan = plan.WithAttr("rule_names", Value::Unknown(names_type));
    resp.planned_state = plan;
    return;
  }
  // Unchanged when every desired rule is owned with the same settings and a
  // priority inside the range, and nothing else is owned: then the plan keeps
  // the prior lists; otherwise they are known after apply (priorities, and so
  // the order, are allocated against the NSG at apply time).
  const Value& location = plan.GetAttr("location");
  bool unchanged = false;
  if (prior.IsKnown() && location.IsKnown() &&
      prior.GetAttr("rules").IsKnown()) {
    std::vector<SecurityRule> desired =
        Desired(req.config, location.AsString());
    std::map<std::string, SecurityRule> owned;
    for (const Value& v : prior.GetAttr("rules").Elements()) {
      SecurityRule r = RuleFromValue(v);
      owned[Lower(r.name)] = r;
    }
    auto [start, end] = Range(req.config);
    unchanged = owned.size() == desired.size();
    for (size_t i = 0; unchanged && i < desired.size(); ++i) {
      auto it = owned.find(Lower(desired[i].name));
      unchanged = it != owned.end() && it->second.SameSettings(desired[i]) &&
                  it->second.priority >= start && it->second.priority <= end;
    }
  }
  if (unchanged) {
    plan = plan.WithAttr("rules", prior.GetAttr("rules"));
    plan = plan.WithAttr("rule_names", prior.GetAttr("rule_names"));
  } else {
    plan = plan.WithAttr("rules", Value::Unknown(rules_type));
    plan = plan.WithAttr("rule_names", Value::Unknown(names_type));
  }
  resp.planned_state = plan;
}

void NetworkRulesResource::Apply(const core::OperationContext& ctx,
                                 const Value& plan,
                                 std::vector<std::string> owned,
                                 Value& new_state,
                                 tf::Diagnostics& diags) const {
  const AzureProviderData* az = RequireAzure(ctx, diags);
  if (az == nullptr) return;
  const std::string nsg_id =
      plan.GetString("network_security_group_id").value_or("");
  azure::RequestOptions opts = RequestOptionsFor(ctx);
  opts.retry_rules.push_back(RetryNsgBusy());

  absl::StatusOr<azure::ArmResponse> got =
      az->arm->Get(nsg_id, kNetworkApiVersion, opts);
  if (!got.ok()) {
    AddAzureError(diags, got.status(), "Failed to read network security group",
                  nsg_id, AttributePath::Root("network_security_group_id"));
    return;
  }
  NsgSnapshot nsg = Snapshot(got->body);
  Value state = plan.WithAttr("id", Value::String(nsg_id));
  std::string location = plan.GetString("location").value_or("");
  if (location.empty()) location = NormalizeLocation(nsg.location);
  state = state.WithAttr("location", Value::String(location));

  std::vector<SecurityRule> desired = Desired(plan, location);
  // Owned rules that are gone (deleted out of band) are owned no longer.
  std::map<std::string, SecurityRule> current;
  {
    std::vector<std::string> still;
    for (const auto& n : owned) {
      auto it = nsg.rules.find(Lower(n));
      if (it == nsg.rules.end()) continue;
      still.push_back(it->second.name);
      current[Lower(n)] = it->second;
    }
    owned = std::move(still);
  }
  std::map<std::string, std::set<int64_t>> foreign;
  for (const auto& [key, r] : nsg.rules) {
    if (Contains(owned, r.name)) continue;
    if (Contains(NamesOf(desired), r.name)) {
      state = OwnedState(state, owned, nsg.rules);
      new_state = state;
      diags.AddAttributeError(
          AttributePath::Root("name_prefix"), "Rule name taken",
          absl::StrCat("The NSG already has a rule named \"", r.name,
                       "\" that this resource did not create, so it is left "
                       "alone. Remove or rename that rule, or choose another "
                       "`name_prefix`."));
      return;
    }
    foreign[Lower(r.direction)].insert(r.priority);
  }
  auto [start, end] = Range(plan);
  if (std::optional<std::string> full =
          AllocatePriorities(desired, start, end, foreign, current)) {
    new_state = OwnedState(state, owned, nsg.rules);
    size_t taken = 0;
    for (const auto& [dir, set] : foreign) {
      for (int64_t p : set) taken += (p >= start && p <= end) ? 1 : 0;
    }
    diags.AddAttributeError(
        AttributePath::Root("priority_range"), "Priority range exhausted",
        absl::StrCat("No free priority in ", start, "-", end, " for rule \"",
                     *full, "\": this resource needs ", desired.size(),
                     " rules and other rules in the NSG already use ", taken,
                     " priorities in that range. Widen `priority_range` or "
                     "move it to a less crowded range."));
    return;
  }

  // The NSG as it is after each successful write, for partial state.
  std::map<std::string, SecurityRule> present = nsg.rules;
  auto fail = [&](const absl::Status& s, const char* what,
                  const std::string& id) {
    new_state = OwnedState(state, owned, present);
    AddAzureError(diags, s, what, id);
  };

  // Deletions first: they free priorities the new rules may take.
  for (const std::string& name : std::vector<std::string>(owned)) {
    if (Contains(NamesOf(desired), name)) continue;
    const std::string id = RuleId(nsg_id, name);
    absl::StatusOr<azure::ArmResponse> d =
        az->arm->Delete(id, kNetworkApiVersion, opts);
    if (!d.ok() && !absl::IsNotFound(d.status())) {
      return fail(d.status(), "Failed to delete NSG rule", id);
    }
    present.erase(Lower(name));
    owned.erase(std::remove_if(owned.begin(), owned.end(),
                               [&](const std::string& o) {
                                 return absl::EqualsIgnoreCase(o, name);
                               }),
                owned.end());
  }
  // One write at a time: the Network RP serialises writes to an NSG.
  for (const SecurityRule& r : desired) {
    auto it = present.find(Lower(r.name));
    if (it != present.end() && Contains(owned, r.name) &&
        it->second.SameSettings(r) && it->second.priority == r.priority) {
      continue;
    }
    const std::string id = RuleId(nsg_id, r.name);
    azure::RequestOptions put_opts = opts;
    put_opts.on_accepted = [&](const azure::AcceptedOperation&) {
      // Accepted means it exists (or will): ours to track and delete.
      if (!Contains(owned, r.name)) owned.push_back(r.name);
      present[Lower(r.name)] = r;
    };
    absl::StatusOr<azure::ArmResponse> p =
        az->arm->Put(id, kNetworkApiVersion, SecurityRuleBody(r), put_opts);
    if (!p.ok()) {
      // The rule may exist though no answer said so: track it, the next
      // refresh drops the name if it does not.
      if (WriteMayHaveLanded(p.status())) {
        if (!Contains(owned, r.name)) owned.push_back(r.name);
        present[Lower(r.name)] = r;
      }
      return fail(p.status(), "Failed to write NSG rule", id);
    }
    SecurityRule written = SecurityRuleFromJson(p->body);
    if (written.name.empty()) written = r;
    present[Lower(r.name)] = written;
    if (!Contains(owned, r.name)) owned.push_back(r.name);
  }
  new_state = OwnedState(state, owned, present);
}

void NetworkRulesResource::Create(const core::CreateRequest& req,
                                  core::CreateResponse& resp) const {
  Apply(req.ctx, req.planned_state, {}, resp.new_state, resp.diagnostics);
}

void NetworkRulesResource::Update(const core::UpdateRequest& req,
                                  core::UpdateResponse& resp) const {
  Value out;
  Apply(req.ctx, req.planned_state, StringsOf(req.prior_state, "rule_names"),
        out, resp.diagnostics);
  // Nothing written (e.g. the NSG could not be read): keep the prior state.
  resp.new_state = out.IsNull() ? req.prior_state : out;
}

void NetworkRulesResource::Read(const core::ReadRequest& req,
                                core::ReadResponse& resp) const {
  const AzureProviderData* az = RequireAzure(req.ctx, resp.diagnostics);
  if (az == nullptr) return;
  const Value& state = req.current_state;
  const std::string nsg_id = state.GetString("network_security_group_id")
                                 .value_or(state.GetString("id").value_or(""));
  absl::StatusOr<azure::ArmResponse> got =
      az->arm->Get(nsg_id, kNetworkApiVersion, RequestOptionsFor(req.ctx));
  if (absl::IsNotFound(got.status())) {
    // The NSG and with it every rule is gone.
    resp.new_state = Value::Null(state.type());
    return;
  }
  if (!got.ok()) {
    AddAzureError(resp.diagnostics, got.status(),
                  "Failed to read network security group", nsg_id);
    return;
  }
  NsgSnapshot nsg = Snapshot(got->body);
  Value out = state;
  std::vector<std::string> owned;
  if (state.GetAttr("rule_names").IsNull()) {
    // Imported: every rule carrying the prefix is taken to be ours.
    const std::string prefix = Lower(Prefix(state));
    for (const auto& [key, r] : nsg.rules) {
      if (absl::StartsWith(key, prefix)) owned.push_back(r.name);
    }
  } else {
    owned = StringsOf(state, "rule_names");
  }
  if (state.GetAttr("location").IsNull()) {
    out = out.WithAttr("location",
                       Value::String(NormalizeLocation(nsg.location)));
  }
  if (state.GetAttr("rule_names").IsNull()) {
    // Imported: the inputs that chose the rule set are not stored in Azure,
    // but the rules they add are, so read the choices back from them and a
    // plan right after import stays empty.
    const std::string prefix = Lower(Prefix(state));
    auto has = [&](absl::string_view rule) {
      return nsg.rules.count(absl::StrCat(prefix, rule)) != 0;
    };
    auto infer = [&](const char* attr, absl::string_view rule) {
      if (state.HasAttr(attr) && state.GetAttr(attr).IsNull()) {
        out = out.WithAttr(attr, Value::Bool(has(rule)));
      }
    };
    infer("high_business_impact", "keyvault-outbound");
    infer("node_public_ip_enabled", "aml-inbound");
    infer("include_legacy_batch_inbound", "batch-inbound");
  }
  out = OwnedState(out, owned, nsg.rules);
  // None of its rules left: the object is gone (Terraform plans a create).
  resp.new_state = out.GetAttr("rule_names").Elements().empty()
                       ? Value::Null(state.type())
                       : out;
}

void NetworkRulesResource::Delete(const core::DeleteRequest& req,
                                  core::DeleteResponse& resp) const {
  const AzureProviderData* az = RequireAzure(req.ctx, resp.diagnostics);
  if (az == nullptr) return;
  const std::string nsg_id =
      req.prior_state.GetString("network_security_group_id").value_or("");
  azure::RequestOptions opts = RequestOptionsFor(req.ctx);
  opts.retry_rules.push_back(RetryNsgBusy());
  // Exactly the rules this resource created; one at a time.
  for (const std::string& name : StringsOf(req.prior_state, "rule_names")) {
    const std::string id = RuleId(nsg_id, name);
    absl::StatusOr<azure::ArmResponse> d =
        az->arm->Delete(id, kNetworkApiVersion, opts);
    if (!d.ok() && !absl::IsNotFound(d.status())) {
      AddAzureError(resp.diagnostics, d.status(), "Failed to delete NSG rule",
                    id);
      return;
    }
  }
}

void NetworkRulesResource::ImportState(const core::ImportRequest& req,
                                       core::ImportResponse& resp) const {
  // "{nsg_id}" or "{nsg_id}|{name_prefix}".
  absl::string_view raw = absl::StripAsciiWhitespace(req.id);
  std::string prefix = kDefaultPrefix;
  if (size_t bar = raw.find('|'); bar != absl::string_view::npos) {
    prefix = std::string(raw.substr(bar + 1));
    raw = raw.substr(0, bar);
  }
  absl::StatusOr<ArmId> id = ParseArmIdOfType(std::string(raw), kNsgType);
  if (!id.ok()) {
    resp.diagnostics.AddError(
        "Invalid import ID",
        absl::StrCat(id.status().message(),
                     " Import secureaml_network_rules with the network "
                     "security group's ID, optionally followed by "
                     "\"|{name_prefix}\" when the prefix is not "
                     "\"secureaml-\"."));
    return;
  }
  if (prefix.empty()) {
    resp.diagnostics.AddError("Invalid import ID",
                              "The name prefix after '|' is empty.");
    return;
  }
  resp.state = Value::Object(
      schema_.ImpliedType(),
      {{"id", Value::String(std::string(raw))},
       {"network_security_group_id", Value::String(std::string(raw))},
       {"name_prefix", prefix == kDefaultPrefix ? Value::Null(Type::String())
                                                : Value::String(prefix)}});
}

}  // namespace secureaml::resources
