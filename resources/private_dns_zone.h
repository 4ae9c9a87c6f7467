// File: private_dns_zone.h
//
// secureaml_private_dns_zone: a private DNS zone (Microsoft.Network/
// privateDnsZones, 2024-06-01) and its virtual-network links as one resource.
// Links follow `virtual_network_ids` in place (added and removed one by one);
// destroy removes the links first because Azure refuses to delete a zone
// that still has links.
#ifndef SECUREAML_RESOURCES_PRIVATE_DNS_ZONE_H_
#define SECUREAML_RESOURCES_PRIVATE_DNS_ZONE_H_

#include <memory>
#include <string>

#include "nlohmann/json.hpp"
#include "provider/core/resource.h"
#include "provider/value/schema.h"
#include "provider/value/value.h"

namespace secureaml::resources {

inline constexpr char kPrivateDnsApiVersion[] = "2024-06-01";

class PrivateDnsZoneResource : public core::Resource {
 public:
  std::string TypeName() const override { return "secureaml_private_dns_zone"; }
  const tf::Schema& GetSchema() const override;

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
  void ImportState(const core::ImportRequest& req,
                   core::ImportResponse& resp) const override;
};

std::unique_ptr<core::Resource> NewPrivateDnsZoneResource();

namespace private_dns_zone_internal {
// Deterministic link name for a VNet: "<vnet name>-<hash of the ID>", so two
// VNets with the same name in different groups get different links.
std::string LinkName(const std::string& vnet_id);
nlohmann::json LinkBody(const std::string& vnet_id, bool registration,
                        const tf::Value& tags);
}  // namespace private_dns_zone_internal

}  // namespace secureaml::resources

#endif  // SECUREAML_RESOURCES_PRIVATE_DNS_ZONE_H_
