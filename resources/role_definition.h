// File: role_definition.h
//
// secureaml_role_definition: an Azure custom role
// (Microsoft.Authorization/roleDefinitions, 2022-04-01), optionally filled
// from one of the least-privilege presets in platform_knowledge.h
// (it_admin, data_scientist, super_data_scientist). Unlike azurerm, Create
// waits until the new definition is readable, so a role assignment in the
// same apply does not fail with RoleDefinitionDoesNotExist.
//
// Also home of the helpers for Microsoft.Authorization extension IDs
// ({scope}/providers/Microsoft.Authorization/{type}/{guid}), which the
// role assignment resource shares.
#ifndef SECUREAML_RESOURCES_ROLE_DEFINITION_H_
#define SECUREAML_RESOURCES_ROLE_DEFINITION_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/string_view.h"
#include "provider/core/resource.h"
#include "provider/value/schema.h"
#include "resources/common/platform_knowledge.h"

namespace secureaml::resources {

inline constexpr char kAuthorizationApiVersion[] = "2022-04-01";

// {scope}/providers/Microsoft.Authorization/{type}/{name}. `scope` is empty
// for tenant-level IDs ("/providers/Microsoft.Authorization/...").
struct AuthorizationId {
  std::string scope;
  std::string type;  // roleDefinitions | roleAssignments, as written
  std::string name;
  std::string ToString() const;
};

// Splits an extension ID of `type` ("roleDefinitions"). The error sentence
// shows the expected shape.
absl::StatusOr<AuthorizationId> ParseAuthorizationId(absl::string_view id,
                                                     absl::string_view type);

// Role definitions and assignments live at a subscription, resource group,
// resource or management group scope.
bool IsValidRoleScope(absl::string_view scope);
tf::Validator RoleScope();

// Case-insensitive scope comparison that ignores a trailing '/'.
bool SameScope(absl::string_view a, absl::string_view b);

// Union of two lists keeping first-seen order, duplicates removed
// case-insensitively (ARM treats actions so).
std::vector<std::string> MergeActions(const std::vector<std::string>& a,
                                      const std::vector<std::string>& b);

// Same members ignoring order and case.
bool SameActions(const std::vector<std::string>& a,
                 const std::vector<std::string>& b);

class RoleDefinitionResource : public core::Resource {
 public:
  RoleDefinitionResource();
  std::string TypeName() const override { return "secureaml_role_definition"; }
  const tf::Schema& GetSchema() const override { return schema_; }

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

  // How many consecutive successful reads Create and Update wait for.
  static constexpr int kConsecutiveReads = 3;

 private:
  tf::Schema schema_;
};

}  // namespace secureaml::resources

#endif  // SECUREAML_RESOURCES_ROLE_DEFINITION_H_
