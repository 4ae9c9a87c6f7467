// File: compute_instance.h
//
// secureaml_compute_instance: an Azure ML compute instance (ComputeInstance
// under Microsoft.MachineLearningServices/workspaces/computes, api-version
// 2025-06-01) that is private by default: no public IP, no SSH unless an
// `ssh` block gives a key, local authentication disabled, applications
// shared only with the instance's user.
//
// Walkthrough section 4, "Compute Instance behind VNet". The same network
// checks as the cluster run at plan time (see compute_helpers.h).
//
// In place: tags, description and start/stop schedules (PUT of the whole
// compute, which the service applies to an existing instance), and the idle
// shutdown time (POST updateIdleShutdownSetting, the spec's action for it).
// Everything else is ForceNew.
#ifndef SECUREAML_RESOURCES_COMPUTE_INSTANCE_H_
#define SECUREAML_RESOURCES_COMPUTE_INSTANCE_H_

#include <memory>
#include <string>

#include "nlohmann/json.hpp"
#include "provider/core/resource.h"
#include "provider/value/schema.h"
#include "provider/value/value.h"

namespace secureaml::resources {

class ComputeInstanceResource : public core::Resource {
 public:
  std::string TypeName() const override { return "secureaml_compute_instance"; }
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

std::unique_ptr<core::Resource> NewComputeInstanceResource();

// Exposed for tests.
namespace compute_instance_internal {

// PUT body for a create, or for an in-place update of tags, description or
// schedules.
nlohmann::json PutBody(const tf::Value& planned);
// State from an ARM compute body; the user's spelling of equal values and
// what Azure does not return (timeouts) come from `prior`.
tf::Value StateFromJson(const nlohmann::json& body, const tf::Value& prior,
                        const tf::Type& type);
// Whether a cron expression has the five NCronTab fields.
bool IsCronExpression(const std::string& expression);

}  // namespace compute_instance_internal
}  // namespace secureaml::resources

#endif  // SECUREAML_RESOURCES_COMPUTE_INSTANCE_H_
