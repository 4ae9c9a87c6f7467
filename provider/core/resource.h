// File: resource.h
//
// The one interface a Terraform resource implements, and the one for data
// sources. Resources see only native values (tf::Value) and diagnostics:
// no protobuf, no msgpack, no HTTP. Generic planning (defaults, computed
// unknowns, requires-replace from the schema, timeouts) happens in the core,
// so a typical resource is a schema plus Create/Read/Update/Delete.
//
// Contracts:
// - Create: set resp.new_state to the full state (no unknowns). If the Azure
//   object was created but a later step failed, set new_state anyway (at least
//   the `id`) *and* add an error: Terraform then records the resource as
//   tainted instead of orphaning it. Leave new_state null only when nothing
//   was created.
// - Read: set resp.new_state to null when the object no longer exists.
// - Update: like Create; new_state starts as the planned state.
// - Delete: success removes the resource from state; NotFound is success.
// - ModifyPlan: runs after the generic planning and may change computed
//   values, add requires-replace paths and add plan-time diagnostics
//   (including warnings for weakened security posture).
//
// Resources are stateless and shared across concurrent RPCs.
#ifndef SECUREAML_PROVIDER_CORE_RESOURCE_H_
#define SECUREAML_PROVIDER_CORE_RESOURCE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "provider/common/cancellation.h"
#include "provider/value/attribute_path.h"
#include "provider/value/diagnostics.h"
#include "provider/value/schema.h"
#include "provider/value/value.h"

namespace secureaml::core {

// What ConfigureProvider produced (the Azure clients, subscription, ...).
// Resources downcast to the concrete type their provider configured.
class ProviderData {
 public:
  virtual ~ProviderData() = default;
};

// Per-operation context the core fills in.
struct OperationContext {
  // Cancelled by StopProvider.
  CancellationToken cancel;
  // From the resource's `timeouts` block (or its default for the operation).
  absl::Time deadline = absl::InfiniteFuture();
  // One ID per Terraform operation, sent as x-ms-correlation-request-id.
  std::string correlation_id;
  // Null when the provider is not configured (validation, unknown config).
  const ProviderData* provider_data = nullptr;
};

struct ValidateConfigRequest {
  tf::Value config;  // may contain unknowns
};
struct ValidateConfigResponse {
  tf::Diagnostics diagnostics;
};

struct ModifyPlanRequest {
  OperationContext ctx;
  tf::Value config;
  tf::Value prior_state;  // null on create
  std::string prior_private;
};
struct ModifyPlanResponse {
  tf::Value planned_state;  // starts as the core's generic plan
  std::vector<tf::AttributePath> requires_replace;  // starts from the schema
  std::string planned_private;
  tf::Diagnostics diagnostics;
};

struct CreateRequest {
  OperationContext ctx;
  tf::Value config;
  tf::Value planned_state;
  std::string planned_private;
};
struct CreateResponse {
  tf::Value new_state;  // starts null: nothing created
  std::string private_state;
  tf::Diagnostics diagnostics;
};

struct ReadRequest {
  OperationContext ctx;
  tf::Value current_state;
  std::string private_state;
};
struct ReadResponse {
  tf::Value new_state;  // starts as current_state; null = gone
  std::string private_state;
  tf::Diagnostics diagnostics;
};

struct UpdateRequest {
  OperationContext ctx;
  tf::Value config;
  tf::Value prior_state;
  tf::Value planned_state;
  std::string planned_private;
};
struct UpdateResponse {
  tf::Value new_state;  // starts as planned_state with unknowns unresolved
  std::string private_state;
  tf::Diagnostics diagnostics;
};

struct DeleteRequest {
  OperationContext ctx;
  tf::Value prior_state;
  std::string prior_private;
};
struct DeleteResponse {
  tf::Diagnostics diagnostics;
};

struct ImportRequest {
  OperationContext ctx;
  std::string id;
};
struct ImportResponse {
  // Enough state for Read to find the object (at least `id`); the core fills
  // every other attribute with null and Terraform then calls Read.
  tf::Value state;
  std::string private_state;
  tf::Diagnostics diagnostics;
};

struct UpgradeStateRequest {
  int64_t from_version = 0;
  nlohmann::json state;  // the stored attributes object
};
struct UpgradeStateResponse {
  nlohmann::json state;  // attributes at the current schema version
  tf::Diagnostics diagnostics;
};

struct DefaultTimeouts {
  absl::Duration create = absl::Minutes(30);
  absl::Duration read = absl::Minutes(5);
  absl::Duration update = absl::Minutes(30);
  absl::Duration del = absl::Minutes(30);
};

class Resource {
 public:
  virtual ~Resource() = default;

  // e.g. "secureaml_workspace".
  virtual std::string TypeName() const = 0;
  // Built once; must include a `timeouts` block (see timeouts.h) when the
  // resource performs long operations.
  virtual const tf::Schema& GetSchema() const = 0;

  virtual void Create(const CreateRequest& req, CreateResponse& resp) const = 0;
  virtual void Read(const ReadRequest& req, ReadResponse& resp) const = 0;
  virtual void Update(const UpdateRequest& req, UpdateResponse& resp) const = 0;
  virtual void Delete(const DeleteRequest& req, DeleteResponse& resp) const = 0;

  // Optional abilities; the defaults are no-ops.
  virtual void ValidateConfig(const ValidateConfigRequest& req,
                              ValidateConfigResponse& resp) const {}
  virtual void ModifyPlan(const ModifyPlanRequest& req,
                          ModifyPlanResponse& resp) const {}
  // Default: state = {id = req.id}.
  virtual void ImportState(const ImportRequest& req,
                           ImportResponse& resp) const;
  // Called for stored state older than GetSchema().version.
  virtual void UpgradeState(const UpgradeStateRequest& req,
                            UpgradeStateResponse& resp) const;
  virtual DefaultTimeouts Timeouts() const { return {}; }
};

struct ReadDataRequest {
  OperationContext ctx;
  tf::Value config;
};
struct ReadDataResponse {
  tf::Value state;  // must be non-null and wholly known
  tf::Diagnostics diagnostics;
};

class DataSource {
 public:
  virtual ~DataSource() = default;
  virtual std::string TypeName() const = 0;
  virtual const tf::Schema& GetSchema() const = 0;
  virtual void ValidateConfig(const ValidateConfigRequest& req,
                              ValidateConfigResponse& resp) const {}
  virtual void Read(const ReadDataRequest& req,
                    ReadDataResponse& resp) const = 0;
};

struct ConfigureRequest {
  std::string terraform_version;
  tf::Value config;  // may contain unknowns during plan
  CancellationToken cancel;
};
struct ConfigureResponse {
  std::shared_ptr<const ProviderData> provider_data;
  tf::Diagnostics diagnostics;
};

class Provider {
 public:
  virtual ~Provider() = default;
  virtual std::string TypeName() const = 0;  // "secureaml"
  virtual std::string Version() const = 0;
  virtual const tf::Schema& GetSchema() const = 0;
  virtual void ValidateConfig(const ValidateConfigRequest& req,
                              ValidateConfigResponse& resp) const {}
  virtual void Configure(const ConfigureRequest& req,
                         ConfigureResponse& resp) const = 0;
  virtual std::vector<std::unique_ptr<Resource>> Resources() const = 0;
  virtual std::vector<std::unique_ptr<DataSource>> DataSources() const = 0;
};

}  // namespace secureaml::core

#endif  // SECUREAML_PROVIDER_CORE_RESOURCE_H_
