// File: platform_knowledge.h
//
// What a secure Azure ML platform needs from the network and from RBAC, as
// data: private DNS zones per private-link sub-resource and cloud, the NSG
// rules and firewall FQDNs of an AML compute subnet, and the least-privilege
// custom-role presets. Resources validate against these tables at plan time
// and the secureaml_network_requirements / secureaml_role_preset data sources
// publish them for other providers.
//
// Sources (Microsoft Learn, read 2026-11):
// - azure-ai-docs
// articles/machine-learning/how-to-access-azureml-behind-firewall.md
//   (ms.date 2026-03-19): inbound 44224 only with public IPs; outbound
//   service tags and ports; FQDN allow-lists per cloud.
// - azure-ai-docs articles/machine-learning/how-to-secure-training-vnet.md:
//   no-public-IP compute needs a workspace private endpoint, no inbound rules.
// - azure-docs articles/private-link/private-endpoint-dns.md: zone names per
//   sub-resource for public, US Government and China clouds.
// - azure-ai-docs articles/machine-learning/how-to-assign-roles.md and the
//   built-in "AzureML Data Scientist" role
//   (f6c7c914-8db3-469d-8ca1-694a8f32e121) for the preset action lists.
#ifndef SECUREAML_RESOURCES_COMMON_PLATFORM_KNOWLEDGE_H_
#define SECUREAML_RESOURCES_COMMON_PLATFORM_KNOWLEDGE_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace secureaml::resources {

enum class Cloud { kPublic, kUsGovernment, kChina };
std::optional<Cloud> ParseCloud(
    std::string_view name);  // public|usgovernment|china
std::string CloudName(Cloud cloud);

// The private DNS zones a private endpoint for `subresource` (groupId) needs
// in `cloud`. Empty when the sub-resource is unknown to us. `location` fills
// region-specific zones where they exist.
std::vector<std::string> RequiredPrivateDnsZones(std::string_view subresource,
                                                 Cloud cloud);
// Every sub-resource name we know zones for.
std::vector<std::string> KnownSubresources();
// The public name a privatelink zone serves ("privatelink.api.azureml.ms" ->
// "api.azureml.ms"), used to build hosts-file lines and DNS records.
std::string PublicZoneFor(std::string_view privatelink_zone);

struct NsgRuleSpec {
  std::string name;         // stable, used with a prefix by network_rules
  std::string direction;    // Inbound | Outbound
  std::string protocol;     // Tcp | Udp | *
  std::string source;       // address prefix or service tag
  std::string destination;  // address prefix or service tag
  std::vector<std::string> destination_ports;  // "443", "29876-29877", "*"
  std::string description;                     // <= 140 characters (NSG limit)
};

struct FqdnRequirement {
  std::string fqdn;
  std::vector<std::string> ports;
  std::string purpose;
};

struct NetworkRequirementsInput {
  Cloud cloud = Cloud::kPublic;
  std::string location;  // normalised, e.g. eastus
  bool high_business_impact = true;
  bool node_public_ip_enabled = false;
  // The 29876-29877 BatchNodeManagement inbound rule the walkthrough (2020)
  // used; current docs dropped it, some policies still expect it.
  bool include_legacy_batch_inbound = false;
};

struct NetworkRequirements {
  std::vector<NsgRuleSpec> inbound;
  std::vector<NsgRuleSpec> outbound;
  std::vector<FqdnRequirement> fqdns;
  // sub-resource -> zones
  std::vector<std::pair<std::string, std::vector<std::string>>> dns_zones;
};

NetworkRequirements ComputeNetworkRequirements(
    const NetworkRequirementsInput& input);

struct RolePermissions {
  std::vector<std::string> actions;
  std::vector<std::string> not_actions;
  std::vector<std::string> data_actions;
  std::vector<std::string> not_data_actions;
};

struct RolePreset {
  std::string name;  // it_admin | data_scientist | super_data_scientist
  std::string role_name;
  std::string description;
  RolePermissions permissions;
};

std::optional<RolePreset> FindRolePreset(std::string_view name);
std::vector<RolePreset> AllRolePresets();

}  // namespace secureaml::resources

#endif  // SECUREAML_RESOURCES_COMMON_PLATFORM_KNOWLEDGE_H_
