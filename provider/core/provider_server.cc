// ProviderServer construction, shared helpers and the small RPCs (schema,
// configure, move, stop). The larger RPC families live in server_*.cc.
#include "provider/core/provider_server.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "provider/common/logging.h"
#include "provider/core/server_internal.h"
#include "provider/value/codec.h"

namespace secureaml::core {

namespace {

template <typename Entry, typename Thing>
void Register(absl::string_view kind, std::unique_ptr<Thing> thing,
              std::map<std::string, Entry>& registry,
              std::unique_ptr<Thing> Entry::*slot, tf::Diagnostics& diags) {
  if (thing == nullptr) {
    diags.AddError(absl::StrCat("Invalid ", kind, " registration"),
                   absl::StrCat("The provider registered a null ", kind,
                                ". This is a bug in the provider."));
    return;
  }
  std::string name;
  GuardResourceCall(absl::StrCat("Reading a ", kind, " type name"), diags,
                    [&] { name = thing->TypeName(); });
  if (name.empty()) {
    diags.AddError(absl::StrCat("Invalid ", kind, " registration"),
                   absl::StrCat("The provider registered a ", kind,
                                " with an empty type name. This is a bug in "
                                "the provider."));
    return;
  }
  if (registry.count(name)) {
    diags.AddError(
        absl::StrCat("Duplicate ", kind, " type"),
        absl::StrCat("The provider registered the ", kind, " type ", name,
                     " twice; the second one is ignored. This is "
                     "a bug in the provider."));
    return;
  }
  Entry entry;
  GuardResourceCall(absl::StrCat("Building the schema of ", name), diags,
                    [&] { entry.schema = thing->GetSchema(); });
  absl::Status valid = tf::ValidateSchema(entry.schema);
  // An invalid schema is reported but still registered: Terraform refuses
  // it at schema load, and the other RPCs keep working for tests.
  if (!valid.ok()) {
    diags.AddError(
        absl::StrCat("Invalid schema for ", kind, " type ", name),
        absl::StrCat("The schema of ", name, " is invalid: ", valid.message(),
                     ". This is a bug in the provider."));
  }
  entry.type = entry.schema.ImpliedType();
  entry.has_timeouts = entry.schema.block.FindBlock("timeouts") != nullptr;
  entry.*slot = std::move(thing);
  registry.emplace(name, std::move(entry));
}

template <typename Map>
std::string Names(const Map& registry) {
  if (registry.empty()) return "(none)";
  std::vector<std::string> names;
  for (const auto& [name, entry] : registry) names.push_back(name);
  return absl::StrJoin(names, ", ");
}

}  // namespace

ProviderServer::ProviderServer(std::unique_ptr<Provider> provider)
    : provider_(std::move(provider)), impl_(std::make_shared<Impl>()) {
  Impl& impl = *impl_;
  tf::Diagnostics& diags = impl.schema_diagnostics;
  if (provider_ == nullptr) {
    // Keep serving diagnostics rather than dereferencing null later.
    diags.AddError("No provider",
                   "The server was started without a "
                   "provider. This is a bug in the provider.");
    return;
  }
  GuardResourceCall("Building the provider schema", diags,
                    [&] { impl.provider_schema = provider_->GetSchema(); });
  absl::Status valid =
      tf::ValidateSchema(impl.provider_schema, /*is_provider=*/true);
  if (!valid.ok()) {
    diags.AddError(
        "Invalid provider schema",
        absl::StrCat("The schema of the provider block is invalid: ",
                     valid.message(), ". This is a bug in the provider."));
  }
  impl.provider_type = impl.provider_schema.ImpliedType();

  std::vector<std::unique_ptr<Resource>> resources;
  GuardResourceCall("Listing resource types", diags,
                    [&] { resources = provider_->Resources(); });
  for (auto& r : resources) {
    Register("resource", std::move(r), impl.resources, &ResourceEntry::resource,
             diags);
  }
  std::vector<std::unique_ptr<DataSource>> data_sources;
  GuardResourceCall("Listing data source types", diags,
                    [&] { data_sources = provider_->DataSources(); });
  for (auto& d : data_sources) {
    Register("data source", std::move(d), impl.data_sources,
             &DataSourceEntry::data_source, diags);
  }
  if (!diags.empty()) {
    log::Error("provider schema problems", {{"diagnostics", diags.ToString()}});
  }
}

const ResourceEntry* ProviderServer::Impl::FindResource(
    const std::string& type_name, tf::Diagnostics& diags) const {
  auto it = resources.find(type_name);
  if (it != resources.end()) return &it->second;
  diags.AddError(
      "Unknown resource type",
      absl::StrCat("The provider does not have a resource type named \"",
                   type_name, "\". This provider has: ", Names(resources),
                   ". Check the spelling, or run \"terraform init -upgrade\" "
                   "if the type comes from a newer provider version."));
  return nullptr;
}

const DataSourceEntry* ProviderServer::Impl::FindDataSource(
    const std::string& type_name, tf::Diagnostics& diags) const {
  auto it = data_sources.find(type_name);
  if (it != data_sources.end()) return &it->second;
  diags.AddError(
      "Unknown data source type",
      absl::StrCat("The provider does not have a data source named \"",
                   type_name, "\". This provider has: ", Names(data_sources),
                   ". Check the spelling, or run \"terraform init -upgrade\" "
                   "if the type comes from a newer provider version."));
  return nullptr;
}

OperationContext ProviderServer::Impl::MakeContext(
    absl::Duration timeout, const ProviderData* data) const {
  OperationContext ctx;
  ctx.cancel = stop.Token();
  ctx.deadline = timeout == absl::InfiniteDuration() ? absl::InfiniteFuture()
                                                     : absl::Now() + timeout;
  ctx.correlation_id = NewCorrelationId();
  ctx.provider_data = data;
  return ctx;
}

std::optional<tf::Value> DecodeDynamic(const DynamicValue& dv,
                                       const tf::Type& type,
                                       absl::string_view what,
                                       tf::Diagnostics& diags) {
  if (dv.msgpack.empty() && dv.json.empty()) return tf::Value::Null(type);
  absl::StatusOr<tf::Value> v = !dv.msgpack.empty()
                                    ? tf::DecodeMsgpack(dv.msgpack, type)
                                    : tf::DecodeJson(dv.json, type);
  if (v.ok()) return *std::move(v);
  std::optional<tf::AttributePath> path = tf::GetDecodeErrorPath(v.status());
  std::string where = path && !path->empty()
                          ? absl::StrCat(" (at ", path->ToString(), ")")
                          : "";
  std::string detail = absl::StrCat(
      "The value Terraform sent for ", what, where,
      " could not be read: ", v.status().message(),
      ". This usually means the provider and Terraform disagree about the "
      "schema; run \"terraform init -upgrade\" so both use the same provider "
      "version.");
  if (path && !path->empty()) {
    diags.AddAttributeError(*path, "Invalid value from Terraform",
                            std::move(detail));
  } else {
    diags.AddError("Invalid value from Terraform", std::move(detail));
  }
  return std::nullopt;
}

DynamicValue EncodeDynamic(const tf::Value& value, const tf::Type& type,
                           absl::string_view what, tf::Diagnostics& diags) {
  DynamicValue out;
  absl::StatusOr<std::string> bytes = tf::EncodeMsgpack(value, type);
  if (bytes.ok()) {
    out.msgpack = *std::move(bytes);
    return out;
  }
  std::optional<tf::AttributePath> path =
      tf::GetDecodeErrorPath(bytes.status());
  std::string detail = absl::StrCat(
      "The provider produced ", what, " that does not match its own schema",
      path && !path->empty() ? absl::StrCat(" at ", path->ToString()) : "",
      ": ", bytes.status().message(),
      ". This is a bug in the provider; please report it.");
  if (path && !path->empty()) {
    diags.AddAttributeError(*path, "Provider produced invalid object",
                            std::move(detail));
  } else {
    diags.AddError("Provider produced invalid object", std::move(detail));
  }
  return out;
}

std::string NewCorrelationId() {
  // One generator per thread: absl::BitGen is not thread-safe and seeding
  // it per call would read the OS entropy source every time.
  thread_local absl::BitGen gen;
  uint64_t hi = absl::Uniform<uint64_t>(gen);
  uint64_t lo = absl::Uniform<uint64_t>(gen);
  hi = (hi & ~uint64_t{0xF000}) | uint64_t{0x4000};            // version 4
  lo = (lo & ~(uint64_t{0xC} << 60)) | (uint64_t{0x8} << 60);  // RFC 4122
  return absl::StrFormat("%08x-%04x-%04x-%04x-%012x", hi >> 32,
                         (hi >> 16) & 0xFFFF, hi & 0xFFFF, lo >> 48,
                         lo & 0xFFFFFFFFFFFFULL);
}

void GuardResourceCall(absl::string_view what, tf::Diagnostics& diags,
                       const std::function<void()>& fn) {
  try {
    fn();
  } catch (const std::exception& e) {
    diags.AddError("Internal error in the provider",
                   absl::StrCat(what, " failed unexpectedly: ", e.what(),
                                ". This is a bug in the provider; please "
                                "report it."));
  } catch (...) {
    diags.AddError("Internal error in the provider",
                   absl::StrCat(what,
                                " failed unexpectedly. This is a bug in the "
                                "provider; please report it."));
  }
}

void LogRpc(absl::string_view rpc, absl::string_view type_name,
            absl::Duration duration, const tf::Diagnostics& diags) {
  if (!log::Enabled(log::Level::kDebug)) return;
  size_t errors = 0;
  for (const tf::Diagnostic& d : diags) {
    if (d.severity == tf::Severity::kError) ++errors;
  }
  log::Fields fields = {{"rpc", std::string(rpc)}};
  if (!type_name.empty())
    fields.push_back({"type_name", std::string(type_name)});
  fields.push_back(
      {"duration_ms",
       absl::StrFormat("%.3f", absl::ToDoubleMilliseconds(duration))});
  fields.push_back({"diagnostics", absl::StrCat(diags.size())});
  fields.push_back({"errors", absl::StrCat(errors)});
  log::Debug("rpc finished", fields);
}

tf::Value CopyTimeouts(const tf::Value& from, const tf::Value& to) {
  if (!from.IsKnown() || !to.IsKnown() ||
      from.type().kind() != tf::Type::Kind::kObject ||
      to.type().kind() != tf::Type::Kind::kObject ||
      !from.HasAttr("timeouts") || !to.HasAttr("timeouts")) {
    return to;
  }
  const tf::Value& t = from.GetAttr("timeouts");
  if (t == to.GetAttr("timeouts")) return to;
  return to.WithAttr("timeouts", t);
}

void AddNotConfigured(absl::string_view type_name, tf::Diagnostics& diags) {
  diags.AddError(
      "Provider not configured",
      absl::StrCat(
          "The provider was not configured before ", type_name,
          " needed it. This happens when the provider block uses values that "
          "are only known after apply, or when its configuration failed: fix "
          "the earlier provider errors, or set the provider arguments from "
          "values known at plan time."));
}

GetProviderSchemaResponse ProviderServer::GetProviderSchema() const {
  return RunRpc<GetProviderSchemaResponse>(
      "GetProviderSchema", "", [&](GetProviderSchemaResponse& resp) {
        resp.provider = impl_->provider_schema;
        resp.provider_meta = impl_->provider_meta_schema;
        for (const auto& [name, e] : impl_->resources) {
          resp.resource_schemas.emplace(name, e.schema);
        }
        for (const auto& [name, e] : impl_->data_sources) {
          resp.data_source_schemas.emplace(name, e.schema);
        }
        resp.diagnostics.Append(impl_->schema_diagnostics);
      });
}

ConfigureProviderResponse ProviderServer::ConfigureProvider(
    const ConfigureProviderRequest& req) {
  return RunRpc<ConfigureProviderResponse>(
      "ConfigureProvider", "", [&](ConfigureProviderResponse& resp) {
        if (provider_ == nullptr) {
          resp.diagnostics.Append(impl_->schema_diagnostics);
          return;
        }
        std::optional<tf::Value> config =
            DecodeDynamic(req.config, impl_->provider_type,
                          "the provider configuration", resp.diagnostics);
        if (!config) return;
        ConfigureRequest creq;
        creq.terraform_version = req.terraform_version;
        creq.config = *std::move(config);
        creq.cancel = impl_->stop.Token();
        ConfigureResponse cresp;
        GuardResourceCall("Configuring the provider", resp.diagnostics,
                          [&] { provider_->Configure(creq, cresp); });
        resp.diagnostics.Append(cresp.diagnostics);
        if (resp.diagnostics.HasError()) return;
        std::lock_guard<std::mutex> lock(impl_->mu);
        impl_->provider_data = std::move(cresp.provider_data);
        impl_->configured = true;
      });
}

MoveResourceStateResponse ProviderServer::MoveResourceState(
    const MoveResourceStateRequest& req) const {
  return RunRpc<MoveResourceStateResponse>(
      "MoveResourceState", req.target_type_name,
      [&](MoveResourceStateResponse& resp) {
        if (impl_->FindResource(req.target_type_name, resp.diagnostics) ==
            nullptr) {
          return;
        }
        // No resource opts in to taking over other types' state yet.
        resp.diagnostics.AddError(
            "Move not supported",
            absl::StrCat(
                "Moving resources into ", req.target_type_name,
                " is not supported: a moved block asked to turn ",
                req.source_type_name.empty() ? "a resource"
                                             : req.source_type_name,
                req.source_provider_address.empty()
                    ? ""
                    : absl::StrCat(" (", req.source_provider_address, ")"),
                " into it. Remove the moved block and adopt the existing "
                "object with an import block instead."));
      });
}

std::string ProviderServer::Stop() {
  impl_->stopped.store(true);
  impl_->stop.Cancel();
  log::Info("stop requested: cancelling in-flight operations");
  return "";
}

}  // namespace secureaml::core
