// File: compute_helpers.h
//
// What secureaml_compute_cluster and secureaml_compute_instance share about
// Microsoft.MachineLearningServices/workspaces/computes (2025-06-01): the
// compute ID from state, the plan-time network checks (a subnet is needed
// when nodes have no public IP and the workspace has no managed network; the
// subnet's VNet must be in the compute's region), the PUT that keeps a
// half-created compute in state, the service's provisioning errors as
// diagnostics with their code and message, delete with
// underlyingResourceAction=Delete, and import by ARM ID.
//
//   CheckComputeNetwork(*az, req.ctx, config, diags);   // ModifyPlan
//   ComputePutResult r = PutCompute(*az, req.ctx, id, body, "compute cluster",
//                                   diags);
//   if (r.accepted && !r.body) resp.new_state = PartialState(planned, id);
#ifndef SECUREAML_RESOURCES_COMMON_COMPUTE_HELPERS_H_
#define SECUREAML_RESOURCES_COMMON_COMPUTE_HELPERS_H_

#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "nlohmann/json.hpp"
#include "provider/core/resource.h"
#include "provider/value/diagnostics.h"
#include "provider/value/schema.h"
#include "provider/value/value.h"
#include "resources/common/azure_context.h"

namespace secureaml::resources {

inline constexpr char kComputeApiVersion[] = "2025-06-01";
inline constexpr char kComputeType[] =
    "Microsoft.MachineLearningServices/workspaces/computes";
inline constexpr char kComputeNetworkApiVersion[] = "2024-07-01";
inline constexpr char kSubnetType[] =
    "Microsoft.Network/virtualNetworks/subnets";

// The compute's ARM ID: `id` when set, else `workspace_id`/computes/`name`.
std::string ComputeIdFromState(const tf::Value& state);

// The workspace ID a compute ID belongs to ("" when it does not parse).
std::string WorkspaceIdOfCompute(const std::string& compute_id);

// Plan-time (and pre-create) network checks on `config`, which holds
// workspace_id, location, subnet_id and node_public_ip_enabled. Reads the
// workspace and the subnet's VNet through ARM when their IDs are known;
// anything unknown or unreadable is skipped, so a plan never fails only
// because a dependency does not exist yet (Create runs the check again).
void CheckComputeNetwork(const AzureProviderData& az,
                         const core::OperationContext& ctx,
                         const tf::Value& config, tf::Diagnostics& diagnostics);

// (code, message) pairs the service reports on a compute:
// properties.provisioningErrors and properties.properties.errors.
std::vector<std::pair<std::string, std::string>> ComputeErrors(
    const nlohmann::json& body);

// Adds an Azure failure on a compute as AddAzureError does, plus a hint for
// the compute-specific codes (node allocation, quota, subnet full).
void AddComputeError(tf::Diagnostics& diagnostics, const absl::Status& status,
                     std::string_view summary, const std::string& id);

struct ComputePutResult {
  // Azure accepted the PUT (the compute may exist even when body is empty).
  bool accepted = false;
  // The compute as Azure reports it after the operation; nullopt when the
  // PUT or the final read failed (diagnostics say why).
  std::optional<nlohmann::json> body;
};

// PUTs a compute and waits for the operation. A Failed provisioning state is
// reported as an error diagnostic (`summary`, e.g. "Failed to create compute
// cluster") naming each service error code and message; the body is still
// returned so the caller keeps the compute in state (Terraform then marks
// it tainted).
ComputePutResult PutCompute(const AzureProviderData& az,
                            const core::OperationContext& ctx,
                            const std::string& id, const nlohmann::json& body,
                            std::string_view summary,
                            tf::Diagnostics& diagnostics);

// Warnings for node errors on a compute that otherwise succeeded (e.g.
// nodes that failed to allocate), so they are not silently lost.
void WarnComputeErrors(const nlohmann::json& body, std::string_view noun,
                       const std::string& id, tf::Diagnostics& diagnostics);

// DELETE with underlyingResourceAction=Delete (the service requires it);
// NotFound is success.
void DeleteCompute(const AzureProviderData& az,
                   const core::OperationContext& ctx, const std::string& id,
                   std::string_view noun, tf::Diagnostics& diagnostics);

// Import by compute ARM ID: `id`, `name` and `workspace_id`.
void ImportCompute(const core::ImportRequest& req, core::ImportResponse& resp,
                   const tf::Schema& schema);

// An ISO 8601 duration from Azure kept in the prior spelling when both mean
// the same time ("PT2M" vs "PT120S"); "" becomes null.
tf::Value PreferPriorDuration(const tf::Value& prior,
                              const std::string& remote);

// The attributes every compute state has, from an ARM compute body: id,
// name, workspace_id, location, subnet_id, node_public_ip_enabled,
// local_auth_enabled, description, tags and timeouts. `type` is the
// resource's object type.
void CommonComputeState(const nlohmann::json& body, const tf::Value& prior,
                        const tf::Type& type,
                        std::map<std::string, tf::Value>& attrs);

// Body fields every compute PUT carries: location, tags, and in properties
// computeType, computeLocation, description, disableLocalAuth; plus subnet
// and enableNodePublicIp in properties.properties.
nlohmann::json CommonComputeBody(const tf::Value& planned,
                                 std::string_view compute_type);

// What differs between the compute resources for the shared CRUD steps.
struct ComputeKind {
  const char* compute_type;  // "AmlCompute", "ComputeInstance"
  const char* noun;          // "compute cluster"
  const char* type_name;     // "secureaml_compute_cluster"
  // State from an ARM compute body; `prior` supplies what Azure omits.
  tf::Value (*state_from_json)(const nlohmann::json& body,
                               const tf::Value& prior, const tf::Type& type);
};

// Create: refuses an existing compute (import it instead), re-runs the
// network checks, PUTs `body`, and keeps whatever Azure created in state.
void CreateCompute(const ComputeKind& kind, const core::CreateRequest& req,
                   const nlohmann::json& body, const tf::Type& type,
                   core::CreateResponse& resp);

// Read: GET by ID; gone -> null; another compute type -> error; a Failed
// compute -> warning suggesting a replacement.
void ReadCompute(const ComputeKind& kind, const core::ReadRequest& req,
                 const tf::Type& type, core::ReadResponse& resp);

// The in-place PUT of an Update (tags, description, ...): sends `put_body`
// when any of `attrs` differs between the prior and planned state, and
// stores Azure's answer in `body`. Returns false after a failure, with
// `resp` settled as SettleFailedComputeUpdate does.
bool PutChangedCompute(const ComputeKind& kind, const AzureProviderData& az,
                       const core::UpdateRequest& req, const std::string& id,
                       std::initializer_list<const char*> attrs,
                       const nlohmann::json& put_body, const tf::Type& type,
                       std::optional<nlohmann::json>& body,
                       core::UpdateResponse& resp);

// Ends an Update whose writes succeeded: the state from `body` (the last
// write's answer), or from a GET when there is none.
void FinishComputeUpdate(const ComputeKind& kind, const AzureProviderData& az,
                         const core::UpdateRequest& req, const std::string& id,
                         std::optional<nlohmann::json> body,
                         const tf::Type& type, core::UpdateResponse& resp);

// Ends an Update after a failed write: what Azure now has (an earlier write
// may have succeeded), or the prior state when even that cannot be read.
void SettleFailedComputeUpdate(const ComputeKind& kind,
                               const AzureProviderData& az,
                               const core::UpdateRequest& req,
                               const std::string& id, const tf::Type& type,
                               core::UpdateResponse& resp);

// The warning a public IP on compute nodes earns at plan time.
void WarnNodePublicIp(const tf::Value& config, std::string_view noun,
                      tf::Diagnostics& diagnostics);

}  // namespace secureaml::resources

#endif  // SECUREAML_RESOURCES_COMMON_COMPUTE_HELPERS_H_
