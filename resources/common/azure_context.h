// File: azure_context.h
//
// What every resource needs from the configured provider, and the glue that
// turns a core::OperationContext into Azure client request options and an
// Azure failure into a Terraform diagnostic.
//
//   const AzureProviderData* az = RequireAzure(req.ctx, resp.diagnostics);
//   if (az == nullptr) return;
//   auto r = az->arm->Get(id, kApiVersion, RequestOptionsFor(req.ctx));
//   if (!r.ok()) return AddAzureError(resp.diagnostics, r.status(),
//                                     "Failed to read workspace", id);
#ifndef SECUREAML_RESOURCES_COMMON_AZURE_CONTEXT_H_
#define SECUREAML_RESOURCES_COMMON_AZURE_CONTEXT_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "provider/azure/arm_client.h"
#include "provider/core/resource.h"
#include "provider/value/diagnostics.h"
#include "resources/common/platform_knowledge.h"

namespace secureaml::resources {

class AzureProviderData : public core::ProviderData {
 public:
  std::shared_ptr<azure::ArmClient> arm;
  std::string subscription_id;
  std::string tenant_id;
  Cloud cloud = Cloud::kPublic;
  // Bounded retry of PrincipalNotFound for role assignments (provider-level
  // default; the resource can override it).
  absl::Duration principal_replication_timeout = absl::Minutes(3);
};

// The configured Azure data, or nullptr plus an error diagnostic that tells
// the user what to configure.
const AzureProviderData* RequireAzure(const core::OperationContext& ctx,
                                      tf::Diagnostics& diagnostics);

// Deadline, cancellation and correlation ID from the Terraform operation.
azure::RequestOptions RequestOptionsFor(const core::OperationContext& ctx);

// Adds an error diagnostic for an Azure failure: `summary` is the fixed
// phrase ("Failed to create workspace"); the detail names the resource ID,
// Azure's code, message and request ID, and a hint the user can act on.
void AddAzureError(tf::Diagnostics& diagnostics, const absl::Status& status,
                   std::string_view summary, std::string_view resource_id,
                   std::optional<tf::AttributePath> attribute = std::nullopt);

// The Read pattern every resource shares: GET the ID held in `state`'s `id`.
// Returns the body; or nullopt with `resp.new_state` set to null when Azure
// says the object is gone (Terraform then plans a create), or with an error
// diagnostic ("Failed to read <noun>") for any other failure.
std::optional<nlohmann::json> ReadById(const core::ReadRequest& req,
                                       core::ReadResponse& resp,
                                       std::string_view api_version,
                                       std::string_view noun);

// The resource after a successful create or update: the write's own final
// read when it carried the resource (ARM answers with it), else one GET that
// tolerates ARM's brief 404 right after a create.
absl::StatusOr<nlohmann::json> BodyAfterWrite(const AzureProviderData& az,
                                              const core::OperationContext& ctx,
                                              const std::string& id,
                                              std::string_view api_version,
                                              nlohmann::json write_body);

// Whether a failed write may still have been carried out by Azure: no answer
// settled it (the timeout passed or Terraform stopped the operation while
// the request was out, the connection broke, or ARM answered 5xx). A create
// then returns its state with the ID anyway: Terraform keeps the object,
// tainted, and the next refresh drops the entry if Azure never created it.
bool WriteMayHaveLanded(const absl::Status& status);

// The hint for a failure, by ARM code or status ("" when none applies).
std::string HintFor(const absl::Status& status);

}  // namespace secureaml::resources

#endif  // SECUREAML_RESOURCES_COMMON_AZURE_CONTEXT_H_
