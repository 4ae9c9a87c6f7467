#include "resources/registry.h"

#include "resources/compute_cluster.h"
#include "resources/compute_instance.h"
#include "resources/data_network_requirements.h"
#include "resources/data_role_preset.h"
#include "resources/data_workspace.h"
#include "resources/datastore.h"
#include "resources/inference_cluster.h"
#include "resources/network_rules.h"
#include "resources/private_dns_zone.h"
#include "resources/private_endpoint.h"
#include "resources/role_assignment.h"
#include "resources/role_definition.h"
#include "resources/workspace.h"

// Keep the includes and the lists below sorted by Terraform type name.

namespace secureaml::resources {

std::vector<std::unique_ptr<core::Resource>> AllResources() {
  std::vector<std::unique_ptr<core::Resource>> out;
  out.push_back(NewComputeClusterResource());
  out.push_back(NewComputeInstanceResource());
  out.push_back(NewDatastoreResource());
  out.push_back(NewInferenceClusterResource());
  out.push_back(std::make_unique<NetworkRulesResource>());
  out.push_back(NewPrivateDnsZoneResource());
  out.push_back(NewPrivateEndpointResource());
  out.push_back(std::make_unique<RoleAssignmentResource>());
  out.push_back(std::make_unique<RoleDefinitionResource>());
  out.push_back(NewWorkspaceResource());
  return out;
}

std::vector<std::unique_ptr<core::DataSource>> AllDataSources() {
  std::vector<std::unique_ptr<core::DataSource>> out;
  out.push_back(std::make_unique<NetworkRequirementsDataSource>());
  out.push_back(std::make_unique<RolePresetDataSource>());
  out.push_back(NewWorkspaceDataSource());
  return out;
}

}  // namespace secureaml::resources
