// File: rpc_common.h
//
// The body of every provider RPC, written once for both protocols: tfplugin5
// and tfplugin6 use the same field names for all of them (only the RPC and
// wrapper message names differ), so each body is a template over the request
// and response messages. Each copies protobuf fields into the core struct,
// calls the core and copies the result back. Nothing here interprets values.
//
// Internal to provider/protocol.
#ifndef SECUREAML_PROVIDER_PROTOCOL_RPC_COMMON_H_
#define SECUREAML_PROVIDER_PROTOCOL_RPC_COMMON_H_

#include <chrono>
#include <exception>
#include <string>
#include <utility>

#include "grpcpp/support/status.h"
#include "provider/common/logging.h"
#include "provider/protocol/convert.h"
#include "provider/protocol/core_server.h"

namespace secureaml::protocol::internal {

// Runs one RPC body: logs it, turns any exception that escaped the core
// into an error diagnostic (a crash or a gRPC error would lose the user's
// context), and always answers OK: Terraform shows non-OK statuses as
// "Plugin error", never as a normal diagnostic.
template <typename Resp, typename Fn>
grpc::Status RunRpc(const char* rpc, const std::string& type_name, Resp* resp,
                    Fn&& body) {
  const auto start = std::chrono::steady_clock::now();
  log::Fields fields = {{"tf_rpc", rpc}};
  if (!type_name.empty()) fields.emplace_back("tf_resource_type", type_name);
  log::Trace("received request", fields);
  std::string failure;
  try {
    std::forward<Fn>(body)();
  } catch (const std::exception& e) {
    failure = e.what();
  } catch (...) {
    failure = "unknown exception";
  }
  if (!failure.empty()) {
    log::Error("unexpected exception in provider",
               {{"tf_rpc", rpc}, {"error", failure}});
    tf::Diagnostics diags;
    diags.AddError("Internal provider error",
                   std::string("The provider failed unexpectedly in ") + rpc +
                       ": " + failure +
                       "\n\nThis is a bug in the provider; please report it.");
    DiagnosticsToProto(diags, resp->mutable_diagnostics());
  }
  fields.emplace_back(
      "duration_ms",
      std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::steady_clock::now() - start)
                         .count()));
  log::Trace("served request", fields);
  return grpc::Status::OK;
}

template <typename PbCaps>
void CapabilitiesToProto(const core::ServerCapabilities& caps, PbCaps* out) {
  out->set_plan_destroy(caps.plan_destroy);
  out->set_get_provider_schema_optional(caps.get_provider_schema_optional);
  out->set_move_resource_state(caps.move_resource_state);
}

template <typename Traits, typename Resp>
void GetProviderSchemaBody(CoreServer& core, Resp* resp) {
  core::GetProviderSchemaResponse s = core.GetProviderSchema();
  SchemaToProto<Traits>(s.provider, resp->mutable_provider());
  // An empty provider_meta schema would still allow provider_meta blocks in
  // modules; announce one only if it has content.
  if (!s.provider_meta.block.attributes.empty() ||
      !s.provider_meta.block.blocks.empty()) {
    SchemaToProto<Traits>(s.provider_meta, resp->mutable_provider_meta());
  }
  for (const auto& [name, schema] : s.resource_schemas) {
    SchemaToProto<Traits>(schema, &(*resp->mutable_resource_schemas())[name]);
  }
  for (const auto& [name, schema] : s.data_source_schemas) {
    SchemaToProto<Traits>(schema,
                          &(*resp->mutable_data_source_schemas())[name]);
  }
  CapabilitiesToProto(s.capabilities, resp->mutable_server_capabilities());
  DiagnosticsToProto(s.diagnostics, resp->mutable_diagnostics());
}

template <typename Resp>
void GetMetadataBody(CoreServer& core, Resp* resp) {
  core::GetProviderSchemaResponse s = core.GetProviderSchema();
  CapabilitiesToProto(s.capabilities, resp->mutable_server_capabilities());
  for (const auto& entry : s.resource_schemas) {
    resp->add_resources()->set_type_name(entry.first);
  }
  for (const auto& entry : s.data_source_schemas) {
    resp->add_data_sources()->set_type_name(entry.first);
  }
  DiagnosticsToProto(s.diagnostics, resp->mutable_diagnostics());
}

template <typename Req, typename Resp>
core::DynamicValue ValidateProviderConfigBody(CoreServer& core, const Req& req,
                                              Resp* resp) {
  core::ValidateProviderConfigRequest in;
  in.config = FromProto(req.config());
  core::ValidateProviderConfigResponse out = core.ValidateProviderConfig(in);
  DiagnosticsToProto(out.diagnostics, resp->mutable_diagnostics());
  // Protocol 5 echoes a prepared config; fall back to what we received.
  if (out.prepared_config.msgpack.empty() && out.prepared_config.json.empty()) {
    return in.config;
  }
  return out.prepared_config;
}

template <typename Req, typename Resp>
void ValidateResourceConfigBody(CoreServer& core, const Req& req, Resp* resp) {
  core::ValidateResourceConfigRequest in;
  in.type_name = req.type_name();
  in.config = FromProto(req.config());
  DiagnosticsToProto(core.ValidateResourceConfig(in).diagnostics,
                     resp->mutable_diagnostics());
}

template <typename Req, typename Resp>
void ValidateDataResourceConfigBody(CoreServer& core, const Req& req,
                                    Resp* resp) {
  core::ValidateResourceConfigRequest in;
  in.type_name = req.type_name();
  in.config = FromProto(req.config());
  DiagnosticsToProto(core.ValidateDataResourceConfig(in).diagnostics,
                     resp->mutable_diagnostics());
}

template <typename Req, typename Resp>
void UpgradeResourceStateBody(CoreServer& core, const Req& req, Resp* resp) {
  core::UpgradeResourceStateRequest in;
  in.type_name = req.type_name();
  in.version = req.version();
  in.raw_state_json = req.raw_state().json();
  for (const auto& [k, v] : req.raw_state().flatmap()) {
    in.raw_state_flatmap.emplace(k, v);
  }
  core::UpgradeResourceStateResponse out = core.UpgradeResourceState(in);
  ToProto(out.upgraded_state, resp->mutable_upgraded_state());
  DiagnosticsToProto(out.diagnostics, resp->mutable_diagnostics());
}

template <typename Req, typename Resp>
void ConfigureProviderBody(CoreServer& core, const Req& req, Resp* resp) {
  core::ConfigureProviderRequest in;
  in.terraform_version = req.terraform_version();
  in.config = FromProto(req.config());
  DiagnosticsToProto(core.ConfigureProvider(in).diagnostics,
                     resp->mutable_diagnostics());
}

template <typename Req, typename Resp>
void ReadResourceBody(CoreServer& core, const Req& req, Resp* resp) {
  core::ReadResourceRequest in;
  in.type_name = req.type_name();
  in.current_state = FromProto(req.current_state());
  in.private_state = req.private_();
  in.provider_meta = FromProto(req.provider_meta());
  core::ReadResourceResponse out = core.ReadResource(in);
  ToProto(out.new_state, resp->mutable_new_state());
  resp->set_private_(out.private_state);
  DiagnosticsToProto(out.diagnostics, resp->mutable_diagnostics());
}

template <typename Req, typename Resp>
void PlanResourceChangeBody(CoreServer& core, const Req& req, Resp* resp) {
  core::PlanResourceChangeRequest in;
  in.type_name = req.type_name();
  in.prior_state = FromProto(req.prior_state());
  in.proposed_new_state = FromProto(req.proposed_new_state());
  in.config = FromProto(req.config());
  in.prior_private = req.prior_private();
  in.provider_meta = FromProto(req.provider_meta());
  core::PlanResourceChangeResponse out = core.PlanResourceChange(in);
  ToProto(out.planned_state, resp->mutable_planned_state());
  for (const tf::AttributePath& path : out.requires_replace) {
    PathToProto(path, resp->add_requires_replace());
  }
  resp->set_planned_private(out.planned_private);
  DiagnosticsToProto(out.diagnostics, resp->mutable_diagnostics());
}

template <typename Req, typename Resp>
void ApplyResourceChangeBody(CoreServer& core, const Req& req, Resp* resp) {
  core::ApplyResourceChangeRequest in;
  in.type_name = req.type_name();
  in.prior_state = FromProto(req.prior_state());
  in.planned_state = FromProto(req.planned_state());
  in.config = FromProto(req.config());
  in.planned_private = req.planned_private();
  in.provider_meta = FromProto(req.provider_meta());
  core::ApplyResourceChangeResponse out = core.ApplyResourceChange(in);
  ToProto(out.new_state, resp->mutable_new_state());
  resp->set_private_(out.private_state);
  DiagnosticsToProto(out.diagnostics, resp->mutable_diagnostics());
}

template <typename Req, typename Resp>
void ImportResourceStateBody(CoreServer& core, const Req& req, Resp* resp) {
  core::ImportResourceStateRequest in;
  in.type_name = req.type_name();
  in.id = req.id();
  core::ImportResourceStateResponse out = core.ImportResourceState(in);
  for (const core::ImportedResource& r : out.imported_resources) {
    auto* pb = resp->add_imported_resources();
    pb->set_type_name(r.type_name);
    ToProto(r.state, pb->mutable_state());
    pb->set_private_(r.private_state);
  }
  DiagnosticsToProto(out.diagnostics, resp->mutable_diagnostics());
}

template <typename Req, typename Resp>
void MoveResourceStateBody(CoreServer& core, const Req& req, Resp* resp) {
  core::MoveResourceStateRequest in;
  in.source_provider_address = req.source_provider_address();
  in.source_type_name = req.source_type_name();
  in.source_schema_version = req.source_schema_version();
  in.source_state_json = req.source_state().json();
  in.target_type_name = req.target_type_name();
  in.source_private = req.source_private();
  core::MoveResourceStateResponse out = core.MoveResourceState(in);
  ToProto(out.target_state, resp->mutable_target_state());
  resp->set_target_private(out.target_private);
  DiagnosticsToProto(out.diagnostics, resp->mutable_diagnostics());
}

template <typename Req, typename Resp>
void ReadDataSourceBody(CoreServer& core, const Req& req, Resp* resp) {
  core::ReadDataSourceRequest in;
  in.type_name = req.type_name();
  in.config = FromProto(req.config());
  in.provider_meta = FromProto(req.provider_meta());
  core::ReadDataSourceResponse out = core.ReadDataSource(in);
  ToProto(out.state, resp->mutable_state());
  DiagnosticsToProto(out.diagnostics, resp->mutable_diagnostics());
}

// The provider defines no functions; Terraform never calls CallFunction
// then, but OpenTofu may probe, so answer with the only error shape the RPC
// has.
template <typename Req, typename Resp>
grpc::Status CallFunctionBody(const Req& req, Resp* resp) {
  log::Debug("CallFunction for an unknown function",
             {{"tf_rpc", "CallFunction"}, {"function", req.name()}});
  resp->mutable_error()->set_text("This provider defines no function named \"" +
                                  req.name() + "\".");
  return grpc::Status::OK;
}

// Stop/StopProvider: cancel in-flight work and answer at once.
template <typename Resp>
grpc::Status StopBody(CoreServer& core, Resp* resp) {
  log::Debug("stop requested", {{"tf_rpc", "StopProvider"}});
  std::string error;
  try {
    error = core.Stop();
  } catch (const std::exception& e) {
    error = e.what();
  } catch (...) {
    error = "unknown exception while stopping";
  }
  resp->set_error(error);
  return grpc::Status::OK;
}

}  // namespace secureaml::protocol::internal

#endif  // SECUREAML_PROVIDER_PROTOCOL_RPC_COMMON_H_
