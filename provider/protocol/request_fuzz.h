// File: request_fuzz.h
//
// The protocol request fuzz target (request_fuzz.cc) feeds arbitrary bytes
// as the protobuf request of one tfplugin5/tfplugin6 RPC through the
// protocol adapters and the real provider core, offline. An input is
//
//   [selector byte][serialized Request message of that RPC]
//
// where the selector, modulo kRpcCount, is a FuzzRpc. Shared with the seed
// writer so committed seeds and the target agree on the numbering; append
// new RPCs at the end so existing seeds keep their meaning.
#ifndef SECUREAML_PROVIDER_PROTOCOL_REQUEST_FUZZ_H_
#define SECUREAML_PROVIDER_PROTOCOL_REQUEST_FUZZ_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "provider/core/provider_server.h"

namespace secureaml::protocol::fuzz {

enum class FuzzRpc : uint8_t {
  kV5GetMetadata,
  kV5GetSchema,
  kV5GetResourceIdentitySchemas,
  kV5PrepareProviderConfig,
  kV5ValidateResourceTypeConfig,
  kV5ValidateDataSourceConfig,
  kV5UpgradeResourceState,
  kV5Configure,
  kV5ReadResource,
  kV5PlanResourceChange,
  kV5ApplyResourceChange,
  kV5ImportResourceState,
  kV5MoveResourceState,
  kV5ReadDataSource,
  kV5GetFunctions,
  kV5CallFunction,
  kV6GetMetadata,
  kV6GetProviderSchema,
  kV6GetResourceIdentitySchemas,
  kV6ValidateProviderConfig,
  kV6ValidateResourceConfig,
  kV6ValidateDataResourceConfig,
  kV6UpgradeResourceState,
  kV6ConfigureProvider,
  kV6ReadResource,
  kV6PlanResourceChange,
  kV6ApplyResourceChange,
  kV6ImportResourceState,
  kV6MoveResourceState,
  kV6ReadDataSource,
  kV6GetFunctions,
  kV6CallFunction,
  // StopProvider is left out on purpose: it stops the shared server for
  // good, so every later input would only see "Operation cancelled".
};
inline constexpr int kRpcCount = static_cast<int>(FuzzRpc::kV6CallFunction) + 1;

// One seed input: a file name for the corpus and the input bytes.
struct Seed {
  std::string name;
  std::string bytes;
};

// Valid requests for every fuzzed RPC, built from the provider's own
// schemas: for each resource type validate, plan (create and update), apply
// (the planned result), read, import, upgrade and move; for each data source
// validate and read; and the provider-level RPCs. Protocol 6 covers every
// type; protocol 5 the provider-level RPCs and the first resource and data
// source (its request messages carry the same fields).
//
// `plan` runs PlanResourceChange so apply seeds carry a real planned state.
std::vector<Seed> MakeSeeds(
    const core::GetProviderSchemaResponse& schemas,
    const std::function<core::PlanResourceChangeResponse(
        const core::PlanResourceChangeRequest&)>& plan);

// The server the fuzz target serves: the real provider's schemas, resources
// and data sources, configured with no Azure client (defined in
// request_fuzz.cc).
core::ProviderServer& FuzzServer();

// What serving one input produced (for the replay test).
struct Outcome {
  bool parsed = false;  // the bytes after the selector parsed as the request
  std::vector<std::string> diagnostics;  // summaries; CallFunction: its error
};
// Serves one input exactly as the fuzz target does, assertions included.
Outcome ServeInput(std::string_view input);

}  // namespace secureaml::protocol::fuzz

#endif  // SECUREAML_PROVIDER_PROTOCOL_REQUEST_FUZZ_H_
