// File: workspace.h
//
// secureaml_workspace: an Azure Machine Learning workspace
// (Microsoft.MachineLearningServices/workspaces, api-version 2025-06-01) that
// is private by default: no public network access, high-business-impact mode,
// a system-assigned identity, and studio data access through that identity
// (systemDatastoresAuthMode = Identity) rather than storage account keys.
//
// Plan-time checks GET the linked container registry and key vault when the
// provider is configured: a private workspace needs a Premium registry, a
// private registry needs image_build_compute_name, and a customer-managed key
// needs a vault with purge protection.
//
// Updates use PATCH for what the service can change in place (description,
// friendly name, image build compute, public access, managed network, tags,
// identity, registry, App Insights, key rotation, studio auth mode); the rest
// is ForceNew.
#ifndef SECUREAML_RESOURCES_WORKSPACE_H_
#define SECUREAML_RESOURCES_WORKSPACE_H_

#include <memory>
#include <string>

#include "nlohmann/json.hpp"
#include "provider/core/resource.h"
#include "provider/value/schema.h"
#include "provider/value/value.h"

namespace secureaml::resources {

inline constexpr char kWorkspaceApiVersion[] = "2025-06-01";
inline constexpr char kWorkspaceType[] =
    "Microsoft.MachineLearningServices/workspaces";

class WorkspaceResource : public core::Resource {
 public:
  std::string TypeName() const override { return "secureaml_workspace"; }
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
  core::DefaultTimeouts Timeouts() const override { return {}; }
};

std::unique_ptr<core::Resource> NewWorkspaceResource();

// Exposed for tests and for the data source.
namespace workspace_internal {

// The ARM ID the planned/prior state describes.
std::string WorkspaceIdFromState(const tf::Value& state,
                                 const std::string& subscription_id);
// PUT body for a create.
nlohmann::json CreateBody(const tf::Value& planned);
// PATCH body with only what changed; empty object when nothing patchable did.
nlohmann::json PatchBody(const tf::Value& prior, const tf::Value& planned);
// The resource state for an ARM workspace body; attributes Azure does not
// return (purge_on_destroy, timeouts) and the user's spelling of equal values
// come from `prior`.
tf::Value StateFromJson(const nlohmann::json& body, const tf::Value& prior,
                        const tf::Type& type);
// "Identity" -> "identity", "AccessKey" -> "access_key", ...
std::string AuthModeToTerraform(const std::string& arm);
std::string AuthModeToArm(const std::string& tf);
// The workspace's private endpoint connections as a list value.
tf::Value PrivateEndpointConnections(const nlohmann::json& body);
tf::Type PrivateEndpointConnectionType();

}  // namespace workspace_internal
}  // namespace secureaml::resources

#endif  // SECUREAML_RESOURCES_WORKSPACE_H_
