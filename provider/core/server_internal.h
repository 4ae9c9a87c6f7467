// File: server_internal.h
//
// State and helpers shared by the ProviderServer's per-RPC files
// (server_*.cc). Not part of the core's API.
#ifndef SECUREAML_PROVIDER_CORE_SERVER_INTERNAL_H_
#define SECUREAML_PROVIDER_CORE_SERVER_INTERNAL_H_

#include <atomic>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "provider/common/cancellation.h"
#include "provider/core/provider_server.h"
#include "provider/core/resource.h"
#include "provider/core/timeouts.h"
#include "provider/value/diagnostics.h"
#include "provider/value/schema.h"
#include "provider/value/type.h"
#include "provider/value/value.h"

namespace secureaml::core {

struct ResourceEntry {
  std::unique_ptr<Resource> resource;
  tf::Schema schema;
  tf::Type type;
  bool has_timeouts = false;
};

struct DataSourceEntry {
  std::unique_ptr<DataSource> data_source;
  tf::Schema schema;
  tf::Type type;
  bool has_timeouts = false;
};

struct ProviderServer::Impl {
  tf::Schema provider_schema;
  tf::Type provider_type;
  tf::Schema provider_meta_schema;
  std::map<std::string, ResourceEntry> resources;
  std::map<std::string, DataSourceEntry> data_sources;
  // Registry and schema problems found at construction, reported by
  // GetProviderSchema (Terraform calls it first in every fresh process that
  // has no cached schema).
  tf::Diagnostics schema_diagnostics;

  // What the last successful ConfigureProvider produced. Operations take a
  // copy of the shared_ptr so a concurrent re-configure cannot free it under
  // them.
  mutable std::mutex mu;
  std::shared_ptr<const ProviderData> provider_data;  // guarded by mu
  bool configured = false;                            // guarded by mu

  // Cancelled once by Stop() and never reset: Terraform ends the process
  // after StopProvider, so anything started later is cancelled at once.
  CancellationSource stop;
  std::atomic<bool> stopped{false};

  std::shared_ptr<const ProviderData> ProviderDataSnapshot() const {
    std::lock_guard<std::mutex> lock(mu);
    return provider_data;
  }

  // nullptr (with an error diagnostic listing what exists) when unknown.
  const ResourceEntry* FindResource(const std::string& type_name,
                                    tf::Diagnostics& diags) const;
  const DataSourceEntry* FindDataSource(const std::string& type_name,
                                        tf::Diagnostics& diags) const;

  OperationContext MakeContext(absl::Duration timeout,
                               const ProviderData* data) const;
};

// Decodes a DynamicValue against `type` (msgpack, else JSON, both empty =
// null). On failure adds an actionable diagnostic (with the attribute path
// when the decoder knows it) and returns nullopt. `what` names the value for
// people: "the configuration of secureaml_workspace".
std::optional<tf::Value> DecodeDynamic(const DynamicValue& dv,
                                       const tf::Type& type,
                                       absl::string_view what,
                                       tf::Diagnostics& diags);

// Encodes as msgpack against `type`. A value that does not conform is a
// provider bug: reported with its path, and the result left empty (null).
DynamicValue EncodeDynamic(const tf::Value& value, const tf::Type& type,
                           absl::string_view what, tf::Diagnostics& diags);

// A fresh random UUID (version 4) for x-ms-correlation-request-id.
std::string NewCorrelationId();

// Runs resource code, turning an escaping exception into an error diagnostic
// so that nothing a resource does can take the provider process down.
void GuardResourceCall(absl::string_view what, tf::Diagnostics& diags,
                       const std::function<void()>& fn);

void LogRpc(absl::string_view rpc, absl::string_view type_name,
            absl::Duration duration, const tf::Diagnostics& diags);

// Runs one RPC body: catches anything that escapes and writes the one DEBUG
// line per RPC (never values: they may hold secrets).
template <typename Resp, typename Fn>
Resp RunRpc(absl::string_view rpc, absl::string_view type_name, Fn&& body) {
  const absl::Time start = absl::Now();
  Resp resp;
  try {
    body(resp);
  } catch (const std::exception& e) {
    resp.diagnostics.AddError(
        "Internal error in the provider",
        std::string(rpc) + " failed unexpectedly: " + e.what() +
            ". This is a bug in the provider; please report it.");
  } catch (...) {
    resp.diagnostics.AddError(
        "Internal error in the provider",
        std::string(rpc) +
            " failed unexpectedly. This is a bug in the provider; please "
            "report it.");
  }
  LogRpc(rpc, type_name, absl::Now() - start, resp.diagnostics);
  return resp;
}

// The `timeouts` value from `from`, written into `to` (objects only).
tf::Value CopyTimeouts(const tf::Value& from, const tf::Value& to);

// Error text for operations attempted before ConfigureProvider succeeded.
void AddNotConfigured(absl::string_view type_name, tf::Diagnostics& diags);

}  // namespace secureaml::core

#endif  // SECUREAML_PROVIDER_CORE_SERVER_INTERNAL_H_
