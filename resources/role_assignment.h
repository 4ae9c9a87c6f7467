// File: role_assignment.h
//
// secureaml_role_assignment: grants a role to a principal at a scope
// (Microsoft.Authorization/roleAssignments, 2022-04-01).
//
// Two azurerm pain points are handled here:
// - PrincipalNotFound (Entra ID replication lag) is retried only for
//   `principal_replication_timeout` (provider default 3 minutes), not the
//   whole create timeout, and then reported naming the principal (#11417).
// - An identical assignment that already exists (409 RoleAssignmentExists)
//   is reported with the `terraform import` command that adopts it.
#ifndef SECUREAML_RESOURCES_ROLE_ASSIGNMENT_H_
#define SECUREAML_RESOURCES_ROLE_ASSIGNMENT_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/strings/string_view.h"
#include "provider/core/resource.h"
#include "provider/value/schema.h"

namespace secureaml::resources {

// The 32 hex digits newer RoleAssignmentExists messages carry, as a GUID
// (8-4-4-4-12); nullopt when the message has none.
std::optional<std::string> ExistingAssignmentGuidFromMessage(
    absl::string_view message);

class RoleAssignmentResource : public core::Resource {
 public:
  RoleAssignmentResource();
  std::string TypeName() const override { return "secureaml_role_assignment"; }
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

  // Consecutive successful reads Create waits for (azurerm uses 5).
  static constexpr int kConsecutiveReads = 3;

 private:
  tf::Schema schema_;
};

}  // namespace secureaml::resources

#endif  // SECUREAML_RESOURCES_ROLE_ASSIGNMENT_H_
