// File: data_role_preset.h
//
// Data source secureaml_role_preset: the permission lists, role name and
// description of one least-privilege role preset (platform_knowledge.h), for
// building roles with other providers (azurerm_role_definition, azapi).
#ifndef SECUREAML_RESOURCES_DATA_ROLE_PRESET_H_
#define SECUREAML_RESOURCES_DATA_ROLE_PRESET_H_

#include <string>

#include "provider/core/resource.h"
#include "provider/value/schema.h"

namespace secureaml::resources {

class RolePresetDataSource : public core::DataSource {
 public:
  RolePresetDataSource();
  std::string TypeName() const override { return "secureaml_role_preset"; }
  const tf::Schema& GetSchema() const override { return schema_; }
  void Read(const core::ReadDataRequest& req,
            core::ReadDataResponse& resp) const override;

 private:
  tf::Schema schema_;
};

}  // namespace secureaml::resources

#endif  // SECUREAML_RESOURCES_DATA_ROLE_PRESET_H_
