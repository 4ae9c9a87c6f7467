// File: network_rules.h
//
// secureaml_network_rules: applies the NSG rules an Azure ML compute subnet
// needs (secureaml_network_requirements), plus optional extra rules, to an
// existing network security group as child securityRules (API 2024-07-01).
//
// The NSG is shared: the resource owns exactly the rules it created (their
// names are tracked in `rule_names`), allocates priorities deterministically
// inside `priority_range` around the priorities foreign rules use, and never
// touches a rule it does not own. Writes are sequential because the Network
// RP rejects concurrent writes to one NSG (409 AnotherOperationInProgress).
#ifndef SECUREAML_RESOURCES_NETWORK_RULES_H_
#define SECUREAML_RESOURCES_NETWORK_RULES_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"
#include "provider/core/resource.h"
#include "provider/value/schema.h"

namespace secureaml::resources {

inline constexpr char kNetworkApiVersion[] = "2024-07-01";

// One security rule's settings, as this resource writes and compares them.
struct SecurityRule {
  std::string name;  // full name, prefix included
  std::string direction;
  std::string access = "Allow";
  std::string protocol;
  std::string source_address_prefix;
  std::string source_port_range = "*";
  std::string destination_address_prefix;
  std::vector<std::string> destination_port_ranges;
  std::string description;
  int64_t priority = 0;  // 0: not allocated yet

  // Everything but the priority, case-insensitively where ARM is.
  bool SameSettings(const SecurityRule& other) const;
};

// Parses a securityRules element of an NSG GET (or a rule GET).
SecurityRule SecurityRuleFromJson(const nlohmann::json& j);
nlohmann::json SecurityRuleBody(const SecurityRule& rule);

// Priority allocation, exposed for tests. `foreign` are the priorities (per
// direction) of rules this resource does not own; `current` the priorities
// its own rules have now (name -> priority). Rules keep a current priority
// when it is inside the range and free; the others get the lowest free
// priority. Returns the name of the first rule that found no room.
std::optional<std::string> AllocatePriorities(
    std::vector<SecurityRule>& desired, int64_t start, int64_t end,
    const std::map<std::string, std::set<int64_t>>& foreign,
    const std::map<std::string, SecurityRule>& current);

class NetworkRulesResource : public core::Resource {
 public:
  NetworkRulesResource();
  std::string TypeName() const override { return "secureaml_network_rules"; }
  const tf::Schema& GetSchema() const override { return schema_; }

  void Create(const core::CreateRequest& req,
              core::CreateResponse& resp) const override;
  void Read(const core::ReadRequest& req,
            core::ReadResponse& resp) const override;
  void Update(const core::UpdateRequest& req,
              core::UpdateResponse& resp) const override;
  void Delete(const core::DeleteRequest& req,
              core::DeleteResponse& resp) const override;
  void ValidateConfig(const core::ValidateConfigRequest& req,
                      core::ValidateConfigResponse& resp) const override;
  void ModifyPlan(const core::ModifyPlanRequest& req,
                  core::ModifyPlanResponse& resp) const override;
  void ImportState(const core::ImportRequest& req,
                   core::ImportResponse& resp) const override;
  core::DefaultTimeouts Timeouts() const override;

  static constexpr int64_t kDefaultPriorityStart = 3000;
  static constexpr int64_t kDefaultPriorityEnd = 3999;

 private:
  // Create and Update: converge the NSG to the plan, starting from the rules
  // `owned` names; writes the resulting (possibly partial) state.
  void Apply(const core::OperationContext& ctx, const tf::Value& plan,
             std::vector<std::string> owned, tf::Value& new_state,
             tf::Diagnostics& diags) const;

  tf::Schema schema_;
};

}  // namespace secureaml::resources

#endif  // SECUREAML_RESOURCES_NETWORK_RULES_H_
