#include "provider/protocol/provider_v5.h"

#include "provider/protocol/rpc_common.h"

namespace secureaml::protocol {
namespace {

struct Traits {
  using Schema = tfplugin5::Schema;
  using Block = tfplugin5::Schema::Block;
  using Attribute = tfplugin5::Schema::Attribute;
  using NestedBlock = tfplugin5::Schema::NestedBlock;
  static constexpr tfplugin5::StringKind kMarkdown = tfplugin5::MARKDOWN;
};

}  // namespace

using internal::RunRpc;

grpc::Status ProviderV5::GetMetadata(grpc::ServerContext*,
                                     const tfplugin5::GetMetadata_::Request*,
                                     tfplugin5::GetMetadata_::Response* resp) {
  return RunRpc("GetMetadata", "", resp,
                [&] { internal::GetMetadataBody(core_, resp); });
}

grpc::Status ProviderV5::GetSchema(
    grpc::ServerContext*, const tfplugin5::GetProviderSchema::Request*,
    tfplugin5::GetProviderSchema::Response* resp) {
  return RunRpc("GetProviderSchema", "", resp,
                [&] { internal::GetProviderSchemaBody<Traits>(core_, resp); });
}

grpc::Status ProviderV5::GetResourceIdentitySchemas(
    grpc::ServerContext*, const tfplugin5::GetResourceIdentitySchemas::Request*,
    tfplugin5::GetResourceIdentitySchemas::Response*) {
  // No resource identities yet: an empty map, which Terraform 1.12+ expects
  // right after every GetProviderSchema.
  return grpc::Status::OK;
}

grpc::Status ProviderV5::PrepareProviderConfig(
    grpc::ServerContext*, const tfplugin5::PrepareProviderConfig::Request* req,
    tfplugin5::PrepareProviderConfig::Response* resp) {
  return RunRpc("PrepareProviderConfig", "", resp, [&] {
    // Terraform 0.13 decodes prepared_config whenever it is present, so it
    // always carries a real value (the config itself unless the core
    // prepared another).
    internal::ToProto(internal::ValidateProviderConfigBody(core_, *req, resp),
                      resp->mutable_prepared_config());
  });
}

grpc::Status ProviderV5::ValidateResourceTypeConfig(
    grpc::ServerContext*,
    const tfplugin5::ValidateResourceTypeConfig::Request* req,
    tfplugin5::ValidateResourceTypeConfig::Response* resp) {
  return RunRpc("ValidateResourceConfig", req->type_name(), resp, [&] {
    internal::ValidateResourceConfigBody(core_, *req, resp);
  });
}

grpc::Status ProviderV5::ValidateDataSourceConfig(
    grpc::ServerContext*,
    const tfplugin5::ValidateDataSourceConfig::Request* req,
    tfplugin5::ValidateDataSourceConfig::Response* resp) {
  return RunRpc("ValidateDataResourceConfig", req->type_name(), resp, [&] {
    internal::ValidateDataResourceConfigBody(core_, *req, resp);
  });
}

grpc::Status ProviderV5::UpgradeResourceState(
    grpc::ServerContext*, const tfplugin5::UpgradeResourceState::Request* req,
    tfplugin5::UpgradeResourceState::Response* resp) {
  return RunRpc("UpgradeResourceState", req->type_name(), resp,
                [&] { internal::UpgradeResourceStateBody(core_, *req, resp); });
}

grpc::Status ProviderV5::Configure(grpc::ServerContext*,
                                   const tfplugin5::Configure::Request* req,
                                   tfplugin5::Configure::Response* resp) {
  return RunRpc("ConfigureProvider", "", resp,
                [&] { internal::ConfigureProviderBody(core_, *req, resp); });
}

grpc::Status ProviderV5::ReadResource(
    grpc::ServerContext*, const tfplugin5::ReadResource::Request* req,
    tfplugin5::ReadResource::Response* resp) {
  return RunRpc("ReadResource", req->type_name(), resp,
                [&] { internal::ReadResourceBody(core_, *req, resp); });
}

grpc::Status ProviderV5::PlanResourceChange(
    grpc::ServerContext*, const tfplugin5::PlanResourceChange::Request* req,
    tfplugin5::PlanResourceChange::Response* resp) {
  return RunRpc("PlanResourceChange", req->type_name(), resp,
                [&] { internal::PlanResourceChangeBody(core_, *req, resp); });
}

grpc::Status ProviderV5::ApplyResourceChange(
    grpc::ServerContext*, const tfplugin5::ApplyResourceChange::Request* req,
    tfplugin5::ApplyResourceChange::Response* resp) {
  return RunRpc("ApplyResourceChange", req->type_name(), resp,
                [&] { internal::ApplyResourceChangeBody(core_, *req, resp); });
}

grpc::Status ProviderV5::ImportResourceState(
    grpc::ServerContext*, const tfplugin5::ImportResourceState::Request* req,
    tfplugin5::ImportResourceState::Response* resp) {
  return RunRpc("ImportResourceState", req->type_name(), resp,
                [&] { internal::ImportResourceStateBody(core_, *req, resp); });
}

grpc::Status ProviderV5::MoveResourceState(
    grpc::ServerContext*, const tfplugin5::MoveResourceState::Request* req,
    tfplugin5::MoveResourceState::Response* resp) {
  return RunRpc("MoveResourceState", req->target_type_name(), resp,
                [&] { internal::MoveResourceStateBody(core_, *req, resp); });
}

grpc::Status ProviderV5::ReadDataSource(
    grpc::ServerContext*, const tfplugin5::ReadDataSource::Request* req,
    tfplugin5::ReadDataSource::Response* resp) {
  return RunRpc("ReadDataSource", req->type_name(), resp,
                [&] { internal::ReadDataSourceBody(core_, *req, resp); });
}

grpc::Status ProviderV5::GetFunctions(grpc::ServerContext*,
                                      const tfplugin5::GetFunctions::Request*,
                                      tfplugin5::GetFunctions::Response*) {
  return grpc::Status::OK;  // no functions
}

grpc::Status ProviderV5::CallFunction(
    grpc::ServerContext*, const tfplugin5::CallFunction::Request* req,
    tfplugin5::CallFunction::Response* resp) {
  return internal::CallFunctionBody(*req, resp);
}

grpc::Status ProviderV5::Stop(grpc::ServerContext*,
                              const tfplugin5::Stop::Request*,
                              tfplugin5::Stop::Response* resp) {
  return internal::StopBody(core_, resp);
}

}  // namespace secureaml::protocol
