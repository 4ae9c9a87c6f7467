// libFuzzer target for request decoding: the first input byte picks a
// tfplugin5/tfplugin6 RPC (request_fuzz.h), the rest is parsed as that RPC's
// protobuf request and served by the real protocol adapters over the real
// core and resource registry. Offline: the provider is never configured
// with Azure clients, so resources answer "Provider not configured" before
// any ARM call.
//
// Asserted for every input (a failed assertion is a crash libFuzzer keeps):
// no crash, leak or undefined behaviour (sanitizers); gRPC status OK; the
// response serializes and parses back (proto3 strings must be UTF-8, which
// Terraform's Go side enforces); every diagnostic has a severity and a
// summary and no exception escaped a resource; every DynamicValue in the
// response decodes against the schema of the type it belongs to; successful
// reads, applies, imports, upgrades and data source reads return wholly
// known values.
//
//   cp -r provider/protocol/fuzz_corpus /tmp/corpus
//   ./protocol_request_fuzz /tmp/corpus -max_total_time=60
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "provider/core/provider_server.h"
#include "provider/protocol/core_server.h"
#include "provider/protocol/provider_v5.h"
#include "provider/protocol/provider_v6.h"
#include "provider/protocol/request_fuzz.h"
#include "provider/value/codec.h"
#include "resources/provider.h"

namespace secureaml::protocol::fuzz {
namespace {

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

// Provider data that is not the Azure clients resources look for, so the
// core hands requests on to the resources and each stops at its own
// "Provider not configured" check.
class OfflineProviderData final : public core::ProviderData {};

// The real provider (schemas, validators, planning, resources) except for
// Configure, which would build Azure clients (credential files, the az CLI,
// the instance metadata endpoint) and so reach outside the process.
class OfflineProvider final : public core::Provider {
 public:
  OfflineProvider() : real_(resources::NewProvider()) {}
  std::string TypeName() const override { return real_->TypeName(); }
  std::string Version() const override { return real_->Version(); }
  const tf::Schema& GetSchema() const override { return real_->GetSchema(); }
  void ValidateConfig(const core::ValidateConfigRequest& req,
                      core::ValidateConfigResponse& resp) const override {
    real_->ValidateConfig(req, resp);
  }
  void Configure(const core::ConfigureRequest&,
                 core::ConfigureResponse& resp) const override {
    resp.provider_data = std::make_shared<OfflineProviderData>();
  }
  std::vector<std::unique_ptr<core::Resource>> Resources() const override {
    return real_->Resources();
  }
  std::vector<std::unique_ptr<core::DataSource>> DataSources() const override {
    return real_->DataSources();
  }

 private:
  std::unique_ptr<core::Provider> real_;
};

struct Fixture {
  Fixture()
      : server(std::make_unique<OfflineProvider>()),
        core(server),
        v5(core),
        v6(core) {
    core::GetProviderSchemaResponse s = server.GetProviderSchema();
    provider_type = s.provider.ImpliedType();
    for (const auto& [name, schema] : s.resource_schemas) {
      resource_types.emplace(name, schema.ImpliedType());
    }
    for (const auto& [name, schema] : s.data_source_schemas) {
      data_source_types.emplace(name, schema.ImpliedType());
    }
    // Configured once, with nothing: every input then meets the same server
    // whatever ConfigureProvider calls came before it.
    server.ConfigureProvider({});
  }

  const tf::Type* ResourceType(const std::string& name) const {
    auto it = resource_types.find(name);
    return it == resource_types.end() ? nullptr : &it->second;
  }
  const tf::Type* DataSourceType(const std::string& name) const {
    auto it = data_source_types.find(name);
    return it == data_source_types.end() ? nullptr : &it->second;
  }

  core::ProviderServer server;
  CoreServerFor<core::ProviderServer> core;
  ProviderV5 v5;
  ProviderV6 v6;
  tf::Type provider_type;
  std::map<std::string, tf::Type> resource_types;
  std::map<std::string, tf::Type> data_source_types;
};

Fixture& GetFixture() {
  static Fixture* fixture = new Fixture();
  return *fixture;
}

template <typename Resp>
bool HasError(const Resp& resp) {
  for (const auto& d : resp.diagnostics()) {
    if (d.severity() == std::decay_t<decltype(d)>::ERROR) return true;
  }
  return false;
}

// Returns the summaries, for ServeInput's callers.
template <typename Resp>
std::vector<std::string> CheckDiagnostics(const Resp& resp) {
  std::vector<std::string> summaries;
  for (const auto& d : resp.diagnostics()) {
    summaries.push_back(d.summary());
    using Diagnostic = std::decay_t<decltype(d)>;
    Check(d.severity() == Diagnostic::ERROR ||
          d.severity() == Diagnostic::WARNING);
    Check(!d.summary().empty());
    // An exception escaped the core or a resource: the input found a bug
    // even though the RPC answered.
    Check(d.summary() != "Internal provider error" &&
          d.summary() != "Internal error in the provider");
    for (const auto& step : d.attribute().steps()) {
      Check(step.selector_case() !=
            std::decay_t<decltype(step)>::SELECTOR_NOT_SET);
    }
  }
  return summaries;
}

template <typename PbDynamicValue>
bool SameBytes(const PbDynamicValue& a, const PbDynamicValue& b) {
  return a.msgpack() == b.msgpack() && a.json() == b.json();
}

// A DynamicValue the provider answered with: it must decode against `type`,
// or be msgpack nil when the type is unknown. Returns the decoded value.
// After an error the core may hand back the state it was given untouched
// (so a failed read or apply never forgets it), even when that did not
// decode: pass it as `kept` to allow exactly that.
template <typename PbDynamicValue>
tf::Value CheckDynamic(const PbDynamicValue& v, const tf::Type* type,
                       const PbDynamicValue* kept = nullptr) {
  if (kept != nullptr && SameBytes(v, *kept)) return tf::Value();
  if (type == nullptr) {
    Check(v.msgpack() == std::string("\xc0", 1) && v.json().empty());
    return tf::Value();
  }
  absl::StatusOr<tf::Value> decoded =
      !v.msgpack().empty() ? tf::DecodeMsgpack(v.msgpack(), *type)
      : !v.json().empty()  ? tf::DecodeJson(v.json(), *type)
                           : absl::StatusOr<tf::Value>(tf::Value::Null(*type));
  if (!decoded.ok()) {
    std::fprintf(stderr, "response value does not decode: %s\n",
                 std::string(decoded.status().message()).c_str());
  }
  Check(decoded.ok());
  return *std::move(decoded);
}

template <typename Resp>
void CheckRoundTrip(const Resp& resp) {
  std::string bytes;
  Check(resp.SerializeToString(&bytes));
  Resp again;
  Check(again.ParseFromString(bytes));
}

// Parses the request, serves it and runs the checks every response gets;
// `check` adds the RPC's own. Unparsable bytes never reach a provider:
// gRPC refuses them.
template <typename Req, typename Resp, typename Service, typename ExtraCheck>
Outcome Serve(std::string_view bytes, Service& service,
              grpc::Status (Service::*method)(grpc::ServerContext*, const Req*,
                                              Resp*),
              ExtraCheck&& check) {
  Req req;
  if (!req.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return {};
  }
  Resp resp;
  grpc::Status status = (service.*method)(nullptr, &req, &resp);
  Check(status.ok());
  CheckRoundTrip(resp);
  return {true, std::forward<ExtraCheck>(check)(req, resp)};
}

constexpr auto kDiagnosticsOnly = [](const auto&, const auto& resp) {
  return CheckDiagnostics(resp);
};

// The RPC bodies are the same for both protocols (rpc_common.h), and so are
// the field names the checks read: each check is one generic lambda.
constexpr auto kCheckGetMetadata = [](const auto&, const auto& resp) {
  std::vector<std::string> summaries = CheckDiagnostics(resp);
  Check(!HasError(resp));
  for (const auto& r : resp.resources()) Check(!r.type_name().empty());
  for (const auto& d : resp.data_sources()) Check(!d.type_name().empty());
  return summaries;
};

constexpr auto kCheckGetSchema = [](const auto&, const auto& resp) {
  std::vector<std::string> summaries = CheckDiagnostics(resp);
  Check(!HasError(resp));
  Check(!resp.resource_schemas().empty());
  return summaries;
};

constexpr auto kCheckPrepareProviderConfig = [](const auto&, const auto& resp) {
  std::vector<std::string> summaries = CheckDiagnostics(resp);
  // With errors Terraform ignores the echo, which may be the undecodable
  // input itself.
  if (!HasError(resp)) {
    CheckDynamic(resp.prepared_config(), &GetFixture().provider_type);
  }
  return summaries;
};

constexpr auto kCheckUpgrade = [](const auto& req, const auto& resp) {
  std::vector<std::string> summaries = CheckDiagnostics(resp);
  tf::Value v = CheckDynamic(resp.upgraded_state(),
                             GetFixture().ResourceType(req.type_name()));
  if (!HasError(resp)) Check(v.IsWhollyKnown());
  return summaries;
};

constexpr auto kCheckRead = [](const auto& req, const auto& resp) {
  std::vector<std::string> summaries = CheckDiagnostics(resp);
  tf::Value v =
      CheckDynamic(resp.new_state(), GetFixture().ResourceType(req.type_name()),
                   HasError(resp) ? &req.current_state() : nullptr);
  if (!HasError(resp)) Check(v.IsWhollyKnown());
  return summaries;
};

constexpr auto kCheckPlan = [](const auto& req, const auto& resp) {
  std::vector<std::string> summaries = CheckDiagnostics(resp);
  CheckDynamic(resp.planned_state(),
               GetFixture().ResourceType(req.type_name()));
  for (const auto& path : resp.requires_replace()) {
    Check(path.steps_size() > 0);
  }
  return summaries;
};

constexpr auto kCheckApply = [](const auto& req, const auto& resp) {
  std::vector<std::string> summaries = CheckDiagnostics(resp);
  tf::Value v =
      CheckDynamic(resp.new_state(), GetFixture().ResourceType(req.type_name()),
                   HasError(resp) ? &req.prior_state() : nullptr);
  if (!HasError(resp)) Check(v.IsWhollyKnown());
  return summaries;
};

constexpr auto kCheckImport = [](const auto&, const auto& resp) {
  std::vector<std::string> summaries = CheckDiagnostics(resp);
  for (const auto& r : resp.imported_resources()) {
    tf::Value v =
        CheckDynamic(r.state(), GetFixture().ResourceType(r.type_name()));
    if (!HasError(resp)) Check(!v.IsNull() && v.IsWhollyKnown());
  }
  if (!HasError(resp)) Check(resp.imported_resources_size() > 0);
  return summaries;
};

constexpr auto kCheckMove = [](const auto& req, const auto& resp) {
  std::vector<std::string> summaries = CheckDiagnostics(resp);
  CheckDynamic(resp.target_state(),
               GetFixture().ResourceType(req.target_type_name()));
  return summaries;
};

constexpr auto kCheckReadData = [](const auto& req, const auto& resp) {
  std::vector<std::string> summaries = CheckDiagnostics(resp);
  tf::Value v =
      CheckDynamic(resp.state(), GetFixture().DataSourceType(req.type_name()));
  if (!HasError(resp)) Check(!v.IsNull() && v.IsWhollyKnown());
  return summaries;
};

constexpr auto kCheckGetFunctions = [](const auto&, const auto& resp) {
  std::vector<std::string> summaries = CheckDiagnostics(resp);
  Check(resp.functions().empty());
  return summaries;
};

constexpr auto kCheckCallFunction = [](const auto&, const auto& resp) {
  Check(!resp.error().text().empty());
  return std::vector<std::string>{resp.error().text()};
};

Outcome ServeOne(FuzzRpc rpc, std::string_view bytes) {
  Fixture& f = GetFixture();
  ProviderV5& v5 = f.v5;
  ProviderV6& v6 = f.v6;
  switch (rpc) {
    case FuzzRpc::kV5GetMetadata:
      return Serve(bytes, v5, &ProviderV5::GetMetadata, kCheckGetMetadata);
    case FuzzRpc::kV5GetSchema:
      return Serve(bytes, v5, &ProviderV5::GetSchema, kCheckGetSchema);
    case FuzzRpc::kV5GetResourceIdentitySchemas:
      return Serve(bytes, v5, &ProviderV5::GetResourceIdentitySchemas,
                   kDiagnosticsOnly);
    case FuzzRpc::kV5PrepareProviderConfig:
      return Serve(bytes, v5, &ProviderV5::PrepareProviderConfig,
                   kCheckPrepareProviderConfig);
    case FuzzRpc::kV5ValidateResourceTypeConfig:
      return Serve(bytes, v5, &ProviderV5::ValidateResourceTypeConfig,
                   kDiagnosticsOnly);
    case FuzzRpc::kV5ValidateDataSourceConfig:
      return Serve(bytes, v5, &ProviderV5::ValidateDataSourceConfig,
                   kDiagnosticsOnly);
    case FuzzRpc::kV5UpgradeResourceState:
      return Serve(bytes, v5, &ProviderV5::UpgradeResourceState, kCheckUpgrade);
    case FuzzRpc::kV5Configure:
      return Serve(bytes, v5, &ProviderV5::Configure, kDiagnosticsOnly);
    case FuzzRpc::kV5ReadResource:
      return Serve(bytes, v5, &ProviderV5::ReadResource, kCheckRead);
    case FuzzRpc::kV5PlanResourceChange:
      return Serve(bytes, v5, &ProviderV5::PlanResourceChange, kCheckPlan);
    case FuzzRpc::kV5ApplyResourceChange:
      return Serve(bytes, v5, &ProviderV5::ApplyResourceChange, kCheckApply);
    case FuzzRpc::kV5ImportResourceState:
      return Serve(bytes, v5, &ProviderV5::ImportResourceState, kCheckImport);
    case FuzzRpc::kV5MoveResourceState:
      return Serve(bytes, v5, &ProviderV5::MoveResourceState, kCheckMove);
    case FuzzRpc::kV5ReadDataSource:
      return Serve(bytes, v5, &ProviderV5::ReadDataSource, kCheckReadData);
    case FuzzRpc::kV5GetFunctions:
      return Serve(bytes, v5, &ProviderV5::GetFunctions, kCheckGetFunctions);
    case FuzzRpc::kV5CallFunction:
      return Serve(bytes, v5, &ProviderV5::CallFunction, kCheckCallFunction);
    case FuzzRpc::kV6GetMetadata:
      return Serve(bytes, v6, &ProviderV6::GetMetadata, kCheckGetMetadata);
    case FuzzRpc::kV6GetProviderSchema:
      return Serve(bytes, v6, &ProviderV6::GetProviderSchema, kCheckGetSchema);
    case FuzzRpc::kV6GetResourceIdentitySchemas:
      return Serve(bytes, v6, &ProviderV6::GetResourceIdentitySchemas,
                   kDiagnosticsOnly);
    case FuzzRpc::kV6ValidateProviderConfig:
      return Serve(bytes, v6, &ProviderV6::ValidateProviderConfig,
                   kDiagnosticsOnly);
    case FuzzRpc::kV6ValidateResourceConfig:
      return Serve(bytes, v6, &ProviderV6::ValidateResourceConfig,
                   kDiagnosticsOnly);
    case FuzzRpc::kV6ValidateDataResourceConfig:
      return Serve(bytes, v6, &ProviderV6::ValidateDataResourceConfig,
                   kDiagnosticsOnly);
    case FuzzRpc::kV6UpgradeResourceState:
      return Serve(bytes, v6, &ProviderV6::UpgradeResourceState, kCheckUpgrade);
    case FuzzRpc::kV6ConfigureProvider:
      return Serve(bytes, v6, &ProviderV6::ConfigureProvider, kDiagnosticsOnly);
    case FuzzRpc::kV6ReadResource:
      return Serve(bytes, v6, &ProviderV6::ReadResource, kCheckRead);
    case FuzzRpc::kV6PlanResourceChange:
      return Serve(bytes, v6, &ProviderV6::PlanResourceChange, kCheckPlan);
    case FuzzRpc::kV6ApplyResourceChange:
      return Serve(bytes, v6, &ProviderV6::ApplyResourceChange, kCheckApply);
    case FuzzRpc::kV6ImportResourceState:
      return Serve(bytes, v6, &ProviderV6::ImportResourceState, kCheckImport);
    case FuzzRpc::kV6MoveResourceState:
      return Serve(bytes, v6, &ProviderV6::MoveResourceState, kCheckMove);
    case FuzzRpc::kV6ReadDataSource:
      return Serve(bytes, v6, &ProviderV6::ReadDataSource, kCheckReadData);
    case FuzzRpc::kV6GetFunctions:
      return Serve(bytes, v6, &ProviderV6::GetFunctions, kCheckGetFunctions);
    case FuzzRpc::kV6CallFunction:
      return Serve(bytes, v6, &ProviderV6::CallFunction, kCheckCallFunction);
  }
  return {};
}

}  // namespace

core::ProviderServer& FuzzServer() { return GetFixture().server; }

Outcome ServeInput(std::string_view input) {
  if (input.empty()) return {};
  const auto rpc =
      static_cast<FuzzRpc>(static_cast<uint8_t>(input[0]) % kRpcCount);
  return ServeOne(rpc, input.substr(1));
}

}  // namespace secureaml::protocol::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  secureaml::protocol::fuzz::ServeInput(
      std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
