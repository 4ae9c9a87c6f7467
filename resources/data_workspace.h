// File: data_workspace.h
//
// Data source secureaml_workspace: reads an existing Azure ML workspace by
// `name` + `resource_group_name` or by `id`, e.g. one a platform team owns,
// so that private endpoints, datastores and role assignments can refer to it.
#ifndef SECUREAML_RESOURCES_DATA_WORKSPACE_H_
#define SECUREAML_RESOURCES_DATA_WORKSPACE_H_

#include <memory>
#include <string>

#include "nlohmann/json.hpp"
#include "provider/core/resource.h"
#include "provider/value/schema.h"
#include "provider/value/value.h"

namespace secureaml::resources {

class WorkspaceDataSource : public core::DataSource {
 public:
  std::string TypeName() const override { return "secureaml_workspace"; }
  const tf::Schema& GetSchema() const override;
  void ValidateConfig(const core::ValidateConfigRequest& req,
                      core::ValidateConfigResponse& resp) const override;
  void Read(const core::ReadDataRequest& req,
            core::ReadDataResponse& resp) const override;
};

std::unique_ptr<core::DataSource> NewWorkspaceDataSource();

namespace data_workspace_internal {
tf::Value StateFromJson(const nlohmann::json& body, const tf::Value& config,
                        const tf::Type& type);
}  // namespace data_workspace_internal

}  // namespace secureaml::resources

#endif  // SECUREAML_RESOURCES_DATA_WORKSPACE_H_
