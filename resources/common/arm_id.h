// File: arm_id.h
//
// Azure Resource Manager resource IDs:
//   /subscriptions/{sub}/resourceGroups/{rg}/providers/{Namespace}/{type}/{name}[/{child-type}/{child-name}...]
// Parsing is case-insensitive for the fixed segments and the type names (ARM
// treats them so; AML even returns lower-cased IDs) and preserves the casing
// of names. Malformed IDs produce a sentence that shows the expected shape.
//
//   auto id = ParseArmIdOfType(s, "Microsoft.Network/virtualNetworks/subnets");
//   id->Name();        // "training"
//   id->Parent().Name(); // "hub"
#ifndef SECUREAML_RESOURCES_COMMON_ARM_ID_H_
#define SECUREAML_RESOURCES_COMMON_ARM_ID_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "provider/value/schema.h"

namespace secureaml::resources {

struct ArmId {
  std::string subscription_id;
  std::string resource_group;      // empty for subscription-level IDs
  std::string provider_namespace;  // e.g. Microsoft.Network
  // (type, name) pairs from the first type below the namespace down.
  std::vector<std::pair<std::string, std::string>> segments;

  // Full type: "Microsoft.Network/virtualNetworks/subnets".
  std::string Type() const;
  // Name of the last segment (or the resource group for RG IDs).
  std::string Name() const;
  // The ID of the parent resource (one segment less).
  ArmId Parent() const;
  std::string ToString() const;
  // Case-insensitive comparison of the whole ID.
  bool SameAs(const ArmId& other) const;
};

// Any ARM ID: subscription, resource group or provider resource.
absl::StatusOr<ArmId> ParseArmId(std::string_view id);

// An ID whose type matches `expected_type` case-insensitively (use
// "Microsoft.Resources/resourceGroups" for resource group IDs).
absl::StatusOr<ArmId> ParseArmIdOfType(std::string_view id,
                                       std::string_view expected_type);

// The canonical ID of a resource group / provider resource.
std::string ResourceGroupId(std::string_view subscription_id,
                            std::string_view resource_group);
std::string ProviderResourceId(
    std::string_view subscription_id, std::string_view resource_group,
    std::string_view provider_namespace,
    const std::vector<std::pair<std::string, std::string>>& segments);

// Plan-time validator for attributes holding an ID of `expected_type`.
tf::Validator ArmIdValidator(std::string expected_type);

bool EqualsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace secureaml::resources

#endif  // SECUREAML_RESOURCES_COMMON_ARM_ID_H_
