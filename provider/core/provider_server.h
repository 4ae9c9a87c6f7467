// File: provider_server.h
//
// The protocol-free provider server. The tfplugin5 and tfplugin6 adapters
// copy protobuf fields into these structs, call the matching method and copy
// the result back; everything else (decoding DynamicValues against the
// schema, generic planning, timeouts, diagnostics for malformed input,
// dispatch to resources) happens here, once, for both protocols.
//
// Thread-safe: Terraform sends RPCs concurrently (-parallelism=10), and
// Stop() arrives while other calls are in flight.
#ifndef SECUREAML_PROVIDER_CORE_PROVIDER_SERVER_H_
#define SECUREAML_PROVIDER_CORE_PROVIDER_SERVER_H_

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "provider/common/cancellation.h"
#include "provider/core/resource.h"
#include "provider/value/attribute_path.h"
#include "provider/value/diagnostics.h"
#include "provider/value/schema.h"

namespace secureaml::core {

// DynamicValue as it travels: Terraform always sends msgpack; we always
// answer with msgpack. Both empty means null.
struct DynamicValue {
  std::string msgpack;
  std::string json;
};

struct ServerCapabilities {
  bool plan_destroy = true;
  bool get_provider_schema_optional = true;
  bool move_resource_state = true;
};

struct GetProviderSchemaResponse {
  tf::Schema provider;
  tf::Schema provider_meta;  // empty block
  std::map<std::string, tf::Schema> resource_schemas;
  std::map<std::string, tf::Schema> data_source_schemas;
  ServerCapabilities capabilities;
  tf::Diagnostics diagnostics;
};

struct ValidateProviderConfigRequest {
  DynamicValue config;
};
struct ValidateProviderConfigResponse {
  DynamicValue prepared_config;  // protocol 5 PrepareProviderConfig echo
  tf::Diagnostics diagnostics;
};

struct ValidateResourceConfigRequest {
  std::string type_name;
  DynamicValue config;
};
struct ValidateResourceConfigResponse {
  tf::Diagnostics diagnostics;
};

struct UpgradeResourceStateRequest {
  std::string type_name;
  int64_t version = 0;
  std::string raw_state_json;
  std::map<std::string, std::string> raw_state_flatmap;
};
struct UpgradeResourceStateResponse {
  DynamicValue upgraded_state;
  tf::Diagnostics diagnostics;
};

struct ConfigureProviderRequest {
  std::string terraform_version;
  DynamicValue config;
};
struct ConfigureProviderResponse {
  tf::Diagnostics diagnostics;
};

struct ReadResourceRequest {
  std::string type_name;
  DynamicValue current_state;
  std::string private_state;
  DynamicValue provider_meta;
};
struct ReadResourceResponse {
  DynamicValue new_state;
  std::string private_state;
  tf::Diagnostics diagnostics;
};

struct PlanResourceChangeRequest {
  std::string type_name;
  DynamicValue prior_state;
  DynamicValue proposed_new_state;
  DynamicValue config;
  std::string prior_private;
  DynamicValue provider_meta;
};
struct PlanResourceChangeResponse {
  DynamicValue planned_state;
  std::vector<tf::AttributePath> requires_replace;
  std::string planned_private;
  tf::Diagnostics diagnostics;
};

struct ApplyResourceChangeRequest {
  std::string type_name;
  DynamicValue prior_state;
  DynamicValue planned_state;
  DynamicValue config;
  std::string planned_private;
  DynamicValue provider_meta;
};
struct ApplyResourceChangeResponse {
  DynamicValue new_state;
  std::string private_state;
  tf::Diagnostics diagnostics;
};

struct ImportResourceStateRequest {
  std::string type_name;
  std::string id;
};
struct ImportedResource {
  std::string type_name;
  DynamicValue state;
  std::string private_state;
};
struct ImportResourceStateResponse {
  std::vector<ImportedResource> imported_resources;
  tf::Diagnostics diagnostics;
};

struct ReadDataSourceRequest {
  std::string type_name;
  DynamicValue config;
  DynamicValue provider_meta;
};
struct ReadDataSourceResponse {
  DynamicValue state;
  tf::Diagnostics diagnostics;
};

struct MoveResourceStateRequest {
  std::string source_provider_address;
  std::string source_type_name;
  int64_t source_schema_version = 0;
  std::string source_state_json;
  std::string target_type_name;
  std::string source_private;
};
struct MoveResourceStateResponse {
  DynamicValue target_state;
  std::string target_private;
  tf::Diagnostics diagnostics;
};

class ProviderServer {
 public:
  // Builds every schema eagerly (get_provider_schema_optional) and checks
  // them with tf::ValidateSchema; problems surface in GetProviderSchema's
  // diagnostics rather than crashing.
  explicit ProviderServer(std::unique_ptr<Provider> provider);

  GetProviderSchemaResponse GetProviderSchema() const;
  ValidateProviderConfigResponse ValidateProviderConfig(
      const ValidateProviderConfigRequest& req) const;
  ValidateResourceConfigResponse ValidateResourceConfig(
      const ValidateResourceConfigRequest& req) const;
  ValidateResourceConfigResponse ValidateDataResourceConfig(
      const ValidateResourceConfigRequest& req) const;
  UpgradeResourceStateResponse UpgradeResourceState(
      const UpgradeResourceStateRequest& req) const;
  ConfigureProviderResponse ConfigureProvider(
      const ConfigureProviderRequest& req);
  ReadResourceResponse ReadResource(const ReadResourceRequest& req) const;
  PlanResourceChangeResponse PlanResourceChange(
      const PlanResourceChangeRequest& req) const;
  ApplyResourceChangeResponse ApplyResourceChange(
      const ApplyResourceChangeRequest& req) const;
  ImportResourceStateResponse ImportResourceState(
      const ImportResourceStateRequest& req) const;
  ReadDataSourceResponse ReadDataSource(const ReadDataSourceRequest& req) const;
  MoveResourceStateResponse MoveResourceState(
      const MoveResourceStateRequest& req) const;
  // Cancels every in-flight and future operation's CancellationToken.
  // Returns an error text for StopProvider.Response.error (empty = ok).
  // The server stays stopped (Terraform ends the process after
  // StopProvider): later Apply, Read, Import and ReadDataSource calls fail at
  // once with an "Operation cancelled" diagnostic without reaching the
  // resource; validation and planning keep working.
  std::string Stop();

  const Provider& provider() const { return *provider_; }

 private:
  // Implementation detail owned by the core engineer.
  struct Impl;
  std::unique_ptr<Provider> provider_;
  std::shared_ptr<Impl> impl_;
};

}  // namespace secureaml::core

#endif  // SECUREAML_PROVIDER_CORE_PROVIDER_SERVER_H_
