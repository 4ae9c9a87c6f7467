#include "resources/registry.h"

#include "resources/data_workspace.h"
#include "resources/datastore.h"
#include "resources/private_dns_zone.h"
#include "resources/private_endpoint.h"
#include "resources/workspace.h"

// Keep the includes and the lists below sorted by Terraform type name.

namespace secureaml::resources {

std::vector<std::unique_ptr<core::Resource>> AllResources() {
  std::vector<std::unique_ptr<core::Resource>> out;
  out.push_back(NewDatastoreResource());
  out.push_back(NewPrivateDnsZoneResource());
  out.push_back(NewPrivateEndpointResource());
  out.push_back(NewWorkspaceResource());
  return out;
}

std::vector<std::unique_ptr<core::DataSource>> AllDataSources() {
  std::vector<std::unique_ptr<core::DataSource>> out;
  out.push_back(NewWorkspaceDataSource());
  return out;
}

}  // namespace secureaml::resources
