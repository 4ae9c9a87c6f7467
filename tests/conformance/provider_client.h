// File: provider_client.h
//
// A protocol-neutral client for tfplugin5 and tfplugin6, speaking tf::Value.
// Requests are encoded as msgpack against the schema's implied type (as
// Terraform does); responses are decoded the way Terraform's grpc_provider.go
// does (msgpack if non-empty, else JSON, else null), and diagnostics come back
// as tf::Diagnostics with their attribute paths.
//
// Two layers:
//  - typed calls (ReadResource, PlanResourceChange, ...) which need the
//    schemas from GetProviderSchema first;
//  - *Raw calls that take arbitrary DynamicValue bytes, for malformed-input
//    tests.
//
// A gRPC error (non-OK status) is returned as a non-OK absl::Status with the
// same code; user-facing problems must come back as diagnostics in an OK
// response, and tests assert exactly that.
//
//   ProviderClient c(process->channel(),
//   process->handshake().protocol_version); SECUREAML_ASSIGN_OR_RETURN(auto
//   schema, c.GetProviderSchema()); SECUREAML_ASSIGN_OR_RETURN(auto plan,
//       c.PlanResourceChange("secureaml_x", prior, proposed, config, ""));
#ifndef SECUREAML_TESTS_CONFORMANCE_PROVIDER_CLIENT_H_
#define SECUREAML_TESTS_CONFORMANCE_PROVIDER_CLIENT_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "provider/value/attribute_path.h"
#include "provider/value/diagnostics.h"
#include "provider/value/type.h"
#include "provider/value/value.h"
#include "tests/conformance/config_schema.h"

namespace tfplugin5 {
class DynamicValue;
}
namespace tfplugin6 {
class DynamicValue;
}

namespace secureaml::conformance {

// DynamicValue bytes as they travel.
struct RawValue {
  std::string msgpack;
  std::string json;
  static RawValue Msgpack(std::string bytes) { return {std::move(bytes), ""}; }
  static RawValue Json(std::string text) { return {"", std::move(text)}; }
};

struct SchemaResponse {
  ProviderSchemas schemas;
  tf::Diagnostics diagnostics;
};

struct DiagnosticsResponse {
  tf::Diagnostics diagnostics;
};

struct PrepareConfigResponse {
  tf::Diagnostics diagnostics;
  RawValue prepared_config;  // protocol 5 only
};

struct UpgradeResponse {
  tf::Value upgraded_state;
  tf::Diagnostics diagnostics;
};

struct ReadResponse {
  tf::Value new_state;
  std::string private_state;
  tf::Diagnostics diagnostics;
};

struct PlanResponse {
  tf::Value planned_state;
  std::vector<tf::AttributePath> requires_replace;
  std::string planned_private;
  bool legacy_type_system = false;
  bool deferred = false;
  tf::Diagnostics diagnostics;
};

struct ApplyResponse {
  tf::Value new_state;
  std::string private_state;
  bool legacy_type_system = false;
  tf::Diagnostics diagnostics;
};

struct ImportedResource {
  std::string type_name;
  tf::Value state;
  std::string private_state;
};

struct ImportResponse {
  std::vector<ImportedResource> imported;
  tf::Diagnostics diagnostics;
};

struct ReadDataResponse {
  tf::Value state;
  tf::Diagnostics diagnostics;
};

struct ClientOptions {
  // Sent in ConfigureProvider; what the CLI version would send.
  std::string terraform_version = "1.11.4";
  // Per-call deadline (Terraform sets none; tests want a bound).
  absl::Duration call_timeout = absl::Minutes(10);
  // ClientCapabilities Terraform 1.11 sends.
  bool deferral_allowed = false;
  bool write_only_attributes_allowed = true;
};

class ProviderClient {
 public:
  ProviderClient(std::shared_ptr<grpc::Channel> channel, int protocol_version,
                 ClientOptions options = {});
  ~ProviderClient();

  int protocol_version() const { return protocol_version_; }
  const ClientOptions& options() const { return options_; }

  // Caches the schemas for the typed calls.
  absl::StatusOr<SchemaResponse> GetProviderSchema();
  const ProviderSchemas* schemas() const {
    return have_schemas_ ? &schemas_ : nullptr;
  }
  // Lets a client use schemas from another process, as Terraform does with
  // get_provider_schema_optional.
  void SetSchemas(ProviderSchemas schemas);

  // v5 PrepareProviderConfig / v6 ValidateProviderConfig.
  absl::StatusOr<PrepareConfigResponse> ValidateProviderConfig(
      const tf::Value& config);
  absl::StatusOr<PrepareConfigResponse> ValidateProviderConfigRaw(
      const RawValue& config);
  // v5 ValidateResourceTypeConfig / v6 ValidateResourceConfig.
  absl::StatusOr<DiagnosticsResponse> ValidateResourceConfig(
      const std::string& type_name, const tf::Value& config);
  absl::StatusOr<DiagnosticsResponse> ValidateResourceConfigRaw(
      const std::string& type_name, const RawValue& config);
  // v5 ValidateDataSourceConfig / v6 ValidateDataResourceConfig.
  absl::StatusOr<DiagnosticsResponse> ValidateDataSourceConfig(
      const std::string& type_name, const tf::Value& config);
  absl::StatusOr<DiagnosticsResponse> ValidateDataSourceConfigRaw(
      const std::string& type_name, const RawValue& config);
  // v5 Configure / v6 ConfigureProvider.
  absl::StatusOr<DiagnosticsResponse> ConfigureProvider(
      const tf::Value& config);
  absl::StatusOr<DiagnosticsResponse> ConfigureProviderRaw(
      const RawValue& config);

  absl::StatusOr<UpgradeResponse> UpgradeResourceState(
      const std::string& type_name, int64_t version,
      const std::string& raw_state_json);
  absl::StatusOr<ReadResponse> ReadResource(const std::string& type_name,
                                            const tf::Value& current_state,
                                            const std::string& private_state);
  absl::StatusOr<ReadResponse> ReadResourceRaw(
      const std::string& type_name, const RawValue& current_state,
      const std::string& private_state);
  absl::StatusOr<PlanResponse> PlanResourceChange(
      const std::string& type_name, const tf::Value& prior_state,
      const tf::Value& proposed_new_state, const tf::Value& config,
      const std::string& prior_private);
  absl::StatusOr<PlanResponse> PlanResourceChangeRaw(
      const std::string& type_name, const RawValue& prior_state,
      const RawValue& proposed_new_state, const RawValue& config,
      const std::string& prior_private);
  absl::StatusOr<ApplyResponse> ApplyResourceChange(
      const std::string& type_name, const tf::Value& prior_state,
      const tf::Value& planned_state, const tf::Value& config,
      const std::string& planned_private);
  absl::StatusOr<ApplyResponse> ApplyResourceChangeRaw(
      const std::string& type_name, const RawValue& prior_state,
      const RawValue& planned_state, const RawValue& config,
      const std::string& planned_private);
  absl::StatusOr<ImportResponse> ImportResourceState(
      const std::string& type_name, const std::string& id);
  absl::StatusOr<ReadDataResponse> ReadDataSource(const std::string& type_name,
                                                  const tf::Value& config);
  absl::StatusOr<ReadDataResponse> ReadDataSourceRaw(
      const std::string& type_name, const RawValue& config);
  // v5 Stop / v6 StopProvider. Returns Response.Error (empty = ok).
  absl::StatusOr<std::string> Stop();

  // Encoding helpers (schema implied types).
  absl::StatusOr<tf::Type> ResourceType(const std::string& type_name) const;
  absl::StatusOr<tf::Type> DataSourceType(const std::string& type_name) const;
  absl::StatusOr<tf::Type> ProviderType() const;
  static absl::StatusOr<RawValue> Encode(const tf::Value& v,
                                         const tf::Type& type);
  // Terraform's decodeDynamicValue: msgpack, else JSON, else null.
  static absl::StatusOr<tf::Value> Decode(const RawValue& raw,
                                          const tf::Type& type);

  // Protocol oddities seen so far that are not diagnostics themselves
  // (diagnostics with INVALID severity, ...).
  const std::vector<std::string>& protocol_notes() const { return notes_; }

  struct Impl;

 private:
  int protocol_version_;
  ClientOptions options_;
  std::unique_ptr<Impl> impl_;
  bool have_schemas_ = false;
  ProviderSchemas schemas_;
  std::vector<std::string> notes_;
};

// "Plugin did not respond" etc.: how Terraform words a gRPC error
// (internal/plugin6/grpc_error.go).
std::string TerraformGrpcErrorSummary(const absl::Status& status);

}  // namespace secureaml::conformance

#endif  // SECUREAML_TESTS_CONFORMANCE_PROVIDER_CLIENT_H_
