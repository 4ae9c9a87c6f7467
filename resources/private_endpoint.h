// File: private_endpoint.h
//
// secureaml_private_endpoint: a private endpoint (Microsoft.Network/
// privateEndpoints, 2024-07-01) plus its DNS zone group, as one resource. It
// knows which private DNS zones each sub-resource needs in each cloud (the
// workspace needs both privatelink.api.azureml.ms and
// privatelink.notebooks.azure.net) and rejects at plan time a zone list that
// leaves one out. It publishes the resulting DNS records and ready-to-paste
// hosts-file lines for point-to-site VPN users without custom DNS.
#ifndef SECUREAML_RESOURCES_PRIVATE_ENDPOINT_H_
#define SECUREAML_RESOURCES_PRIVATE_ENDPOINT_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "nlohmann/json.hpp"
#include "provider/core/resource.h"
#include "provider/value/schema.h"
#include "provider/value/value.h"
#include "resources/common/platform_knowledge.h"

namespace secureaml::resources {

inline constexpr char kPrivateEndpointApiVersion[] = "2024-07-01";

class PrivateEndpointResource : public core::Resource {
 public:
  std::string TypeName() const override { return "secureaml_private_endpoint"; }
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
  void ModifyPlan(const core::ModifyPlanRequest& req,
                  core::ModifyPlanResponse& resp) const override;
  void ImportState(const core::ImportRequest& req,
                   core::ImportResponse& resp) const override;
  core::DefaultTimeouts Timeouts() const override;
};

std::unique_ptr<core::Resource> NewPrivateEndpointResource();

namespace private_endpoint_internal {

// The zones from `required` missing from `zone_ids` (compared by zone name,
// ignoring case).
std::vector<std::string> MissingZones(const std::vector<std::string>& required,
                                      const std::vector<std::string>& zone_ids);
// The cloud whose zone names the given zone IDs use (public when unsure).
Cloud GuessCloud(const std::string& subresource,
                 const std::vector<std::string>& zone_ids);
// Error text when `subresource` cannot belong to a target of this type;
// "" when it can or when we do not know the type.
std::string SubresourceMismatch(const std::string& target_type,
                                const std::string& subresource);

nlohmann::json EndpointBody(const tf::Value& planned);
nlohmann::json ZoneGroupBody(const std::vector<std::string>& zone_ids);

// Public FQDN -> sorted IPs, from the endpoint's customDnsConfigs and the
// zone group's record sets (privatelink names mapped to public names).
std::map<std::string, std::vector<std::string>> DnsRecords(
    const nlohmann::json& endpoint, const nlohmann::json& zone_group);
// "IP FQDN" lines sorted by FQDN then IP, newline-terminated.
std::string HostsFile(
    const std::map<std::string, std::vector<std::string>>& records);

tf::Value StateFromJson(const nlohmann::json& endpoint,
                        const nlohmann::json& zone_group,
                        const tf::Value& prior, const tf::Type& type);

}  // namespace private_endpoint_internal
}  // namespace secureaml::resources

#endif  // SECUREAML_RESOURCES_PRIVATE_ENDPOINT_H_
