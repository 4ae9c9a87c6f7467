// File: datastore.h
//
// secureaml_datastore: an Azure ML datastore (workspaces/datastores,
// 2025-06-01) for Azure Blob or ADLS Gen2 with identity-based access only:
// credentials are always None (no account key or SAS is ever stored in the
// workspace) and the studio reads data through the workspace identity by
// default. Created and updated with skipValidation=true, so a storage account
// behind a firewall does not fail the service's reachability probe.
//
// The request shape follows azure-resource-manager.md 2.4 (mfe.json is not in
// the offline spec copy).
#ifndef SECUREAML_RESOURCES_DATASTORE_H_
#define SECUREAML_RESOURCES_DATASTORE_H_

#include <memory>
#include <string>

#include "nlohmann/json.hpp"
#include "provider/core/resource.h"
#include "provider/value/schema.h"
#include "provider/value/value.h"
#include "resources/common/platform_knowledge.h"

namespace secureaml::resources {

class DatastoreResource : public core::Resource {
 public:
  std::string TypeName() const override { return "secureaml_datastore"; }
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
};

std::unique_ptr<core::Resource> NewDatastoreResource();

namespace datastore_internal {
// Storage DNS suffix per cloud ("core.windows.net", ...).
std::string StorageEndpoint(Cloud cloud);
nlohmann::json Body(const tf::Value& planned, Cloud cloud);
tf::Value StateFromJson(const nlohmann::json& body, const tf::Value& prior,
                        const tf::Type& type);
}  // namespace datastore_internal

}  // namespace secureaml::resources

#endif  // SECUREAML_RESOURCES_DATASTORE_H_
