// File: compute_cluster.h
//
// secureaml_compute_cluster: an Azure ML compute cluster (AmlCompute under
// Microsoft.MachineLearningServices/workspaces/computes, api-version
// 2025-06-01) that is private by default: nodes get no public IP, the
// public SSH port is closed, and local (key) authentication is disabled.
//
// Walkthrough section 4: "Compute Cluster behind VNet" and "Compute Cluster
// with Private IP". Plan-time checks: a subnet is required when nodes have no
// public IP and the workspace has no managed network, the subnet's VNet must
// be in the cluster's region, min_nodes <= max_nodes.
//
// In place: scale settings (PATCH, the only property the service PATCHes),
// tags, description and identity (PUT of the whole compute, which the
// service applies to an existing compute). Everything else is ForceNew.
#ifndef SECUREAML_RESOURCES_COMPUTE_CLUSTER_H_
#define SECUREAML_RESOURCES_COMPUTE_CLUSTER_H_

#include <memory>
#include <string>

#include "nlohmann/json.hpp"
#include "provider/core/resource.h"
#include "provider/value/schema.h"
#include "provider/value/value.h"

namespace secureaml::resources {

class ComputeClusterResource : public core::Resource {
 public:
  std::string TypeName() const override { return "secureaml_compute_cluster"; }
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

std::unique_ptr<core::Resource> NewComputeClusterResource();

// Exposed for tests.
namespace compute_cluster_internal {

// PUT body for a create, or for an in-place update of tags, description or
// identity.
nlohmann::json PutBody(const tf::Value& planned);
// The PATCH body for a scale change:
// {"properties":{"properties":{"scaleSettings":{...}}}}.
nlohmann::json ScalePatchBody(const tf::Value& planned);
// State from an ARM compute body; what Azure never returns (SSH password,
// timeouts) and the user's spelling of equal values come from `prior`.
tf::Value StateFromJson(const nlohmann::json& body, const tf::Value& prior,
                        const tf::Type& type);

}  // namespace compute_cluster_internal
}  // namespace secureaml::resources

#endif  // SECUREAML_RESOURCES_COMPUTE_CLUSTER_H_
