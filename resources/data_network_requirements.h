// File: data_network_requirements.h
//
// Data source secureaml_network_requirements: what an Azure ML compute
// subnet needs from the network (NSG rules, firewall FQDNs, private DNS
// zones), computed by ComputeNetworkRequirements in platform_knowledge.h so
// users of other providers (azurerm NSGs, Azure Firewall) get the same
// lists secureaml_network_rules applies. Also exports the shared pieces
// secureaml_network_rules uses to read the same inputs.
#ifndef SECUREAML_RESOURCES_DATA_NETWORK_REQUIREMENTS_H_
#define SECUREAML_RESOURCES_DATA_NETWORK_REQUIREMENTS_H_

#include <string>
#include <vector>

#include "provider/core/resource.h"
#include "provider/value/schema.h"
#include "resources/common/platform_knowledge.h"

namespace secureaml::resources {

// The optional inputs both schemas share: environment, high_business_impact,
// node_public_ip_enabled, include_legacy_batch_inbound. Descriptions name
// their defaults (applied by NetworkInputFromConfig when null).
std::vector<tf::Attribute> NetworkRequirementInputAttributes();

// Reads those inputs (and `location`, normalised) from a configuration or
// state object; null means the documented default.
NetworkRequirementsInput NetworkInputFromConfig(const tf::Value& object);

// True when every input NetworkInputFromConfig reads is known.
bool NetworkInputKnown(const tf::Value& object);

class NetworkRequirementsDataSource : public core::DataSource {
 public:
  NetworkRequirementsDataSource();
  std::string TypeName() const override {
    return "secureaml_network_requirements";
  }
  const tf::Schema& GetSchema() const override { return schema_; }
  void Read(const core::ReadDataRequest& req,
            core::ReadDataResponse& resp) const override;

 private:
  tf::Schema schema_;
};

}  // namespace secureaml::resources

#endif  // SECUREAML_RESOURCES_DATA_NETWORK_REQUIREMENTS_H_
