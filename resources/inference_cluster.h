// File: inference_cluster.h
//
// secureaml_inference_cluster: an AKS compute on an Azure ML workspace
// (Microsoft.MachineLearningServices/workspaces/computes, computeType AKS,
// api-version 2025-06-01) for scoring, walkthrough section 5. Either attaches
// an existing (typically private) AKS cluster by `kubernetes_cluster_id`, or
// has Azure ML create one inside a VNet subnet (`create { ... }`).
//
// Secure by default: the scoring front end gets an internal load balancer;
// a public IP is opt-in with a plan-time warning. A private cluster is
// attached through its private API server FQDN (read from the cluster, never
// dereferenced blindly: azurerm's nil-FQDN panic, #13844).
//
// Plan time: exactly one of attach/create; CIDRs parse; the service CIDR
// overlaps neither the Docker bridge nor (when readable) the subnet's VNet;
// the DNS service IP lies inside the service CIDR; the attached cluster and
// the load balancer subnet exist. SSL certificate and key are sensitive and
// never taken from Azure (it strips them on GET): state keeps the
// configured values.
//
// Updates re-PUT the compute for what the service changes in place
// (description, tags, SSL, load balancer); cluster shape is ForceNew.
// Destroy detaches an attached cluster and deletes one the resource created,
// unless `on_destroy` says otherwise.
#ifndef SECUREAML_RESOURCES_INFERENCE_CLUSTER_H_
#define SECUREAML_RESOURCES_INFERENCE_CLUSTER_H_

#include <memory>
#include <string>

#include "nlohmann/json.hpp"
#include "provider/core/resource.h"
#include "provider/value/schema.h"
#include "provider/value/value.h"

namespace secureaml::resources {

class InferenceClusterResource : public core::Resource {
 public:
  std::string TypeName() const override {
    return "secureaml_inference_cluster";
  }
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
  core::DefaultTimeouts Timeouts() const override;
};

std::unique_ptr<core::Resource> NewInferenceClusterResource();

// Exposed for tests.
namespace inference_cluster_internal {

// The compute's PUT body from a planned state. `cluster_fqdn` is sent for
// attached clusters (the private FQDN for a private cluster).
nlohmann::json PutBody(const tf::Value& planned, const std::string& location,
                       const std::string& cluster_fqdn);

// State from a compute body, keeping `prior`'s spelling where Azure only
// changes casing, and the SSL certificate and key Azure never returns.
tf::Value StateFromJson(const nlohmann::json& body, const tf::Value& prior,
                        const tf::Type& type);

// The API server FQDN to attach: the private FQDN of a private cluster, else
// the public one; "" when the cluster has neither (still provisioning).
std::string AttachFqdn(const nlohmann::json& managed_cluster);

}  // namespace inference_cluster_internal

}  // namespace secureaml::resources

#endif  // SECUREAML_RESOURCES_INFERENCE_CLUSTER_H_
