#include "provider/protocol/provider_v6.h"

#include "provider/protocol/rpc_common.h"

namespace secureaml::protocol {
namespace {

struct Traits {
  using Schema = tfplugin6::Schema;
  using Block = tfplugin6::Schema::Block;
  using Attribute = tfplugin6::Schema::Attribute;
  using NestedBlock = tfplugin6::Schema::NestedBlock;
  static constexpr tfplugin6::StringKind kMarkdown = tfplugin6::MARKDOWN;
};

}  // namespace

using internal::RunRpc;

grpc::Status ProviderV6::GetMetadata(grpc::ServerContext*,
                                     const tfplugin6::GetMetadata_::Request*,
                                     tfplugin6::GetMetadata_::Response* resp) {
  return RunRpc("GetMetadata", "", resp,
                [&] { internal::GetMetadataBody(core_, resp); });
}

grpc::Status ProviderV6::GetProviderSchema(
    grpc::ServerContext*, const tfplugin6::GetProviderSchema::Request*,
    tfplugin6::GetProviderSchema::Response* resp) {
  return RunRpc("GetProviderSchema", "", resp,
                [&] { internal::GetProviderSchemaBody<Traits>(core_, resp); });
}

grpc::Status ProviderV6::GetResourceIdentitySchemas(
    grpc::ServerContext*, const tfplugin6::GetResourceIdentitySchemas::Request*,
    tfplugin6::GetResourceIdentitySchemas::Response*) {
  // No resource identities yet: an empty map, which Terraform 1.12+ expects
  // right after every GetProviderSchema.
  return grpc::Status::OK;
}

grpc::Status ProviderV6::ValidateProviderConfig(
    grpc::ServerContext*, const tfplugin6::ValidateProviderConfig::Request* req,
    tfplugin6::ValidateProviderConfig::Response* resp) {
  return RunRpc("ValidateProviderConfig", "", resp, [&] {
    internal::ValidateProviderConfigBody(core_, *req, resp);
  });
}

grpc::Status ProviderV6::ValidateResourceConfig(
    grpc::ServerContext*, const tfplugin6::ValidateResourceConfig::Request* req,
    tfplugin6::ValidateResourceConfig::Response* resp) {
  return RunRpc("ValidateResourceConfig", req->type_name(), resp, [&] {
    internal::ValidateResourceConfigBody(core_, *req, resp);
  });
}

grpc::Status ProviderV6::ValidateDataResourceConfig(
    grpc::ServerContext*,
    const tfplugin6::ValidateDataResourceConfig::Request* req,
    tfplugin6::ValidateDataResourceConfig::Response* resp) {
  return RunRpc("ValidateDataResourceConfig", req->type_name(), resp, [&] {
    internal::ValidateDataResourceConfigBody(core_, *req, resp);
  });
}

grpc::Status ProviderV6::UpgradeResourceState(
    grpc::ServerContext*, const tfplugin6::UpgradeResourceState::Request* req,
    tfplugin6::UpgradeResourceState::Response* resp) {
  return RunRpc("UpgradeResourceState", req->type_name(), resp,
                [&] { internal::UpgradeResourceStateBody(core_, *req, resp); });
}

grpc::Status ProviderV6::ConfigureProvider(
    grpc::ServerContext*, const tfplugin6::ConfigureProvider::Request* req,
    tfplugin6::ConfigureProvider::Response* resp) {
  return RunRpc("ConfigureProvider", "", resp,
                [&] { internal::ConfigureProviderBody(core_, *req, resp); });
}

grpc::Status ProviderV6::ReadResource(
    grpc::ServerContext*, const tfplugin6::ReadResource::Request* req,
    tfplugin6::ReadResource::Response* resp) {
  return RunRpc("ReadResource", req->type_name(), resp,
                [&] { internal::ReadResourceBody(core_, *req, resp); });
}

grpc::Status ProviderV6::PlanResourceChange(
    grpc::ServerContext*, const tfplugin6::PlanResourceChange::Request* req,
    tfplugin6::PlanResourceChange::Response* resp) {
  return RunRpc("PlanResourceChange", req->type_name(), resp,
                [&] { internal::PlanResourceChangeBody(core_, *req, resp); });
}

grpc::Status ProviderV6::ApplyResourceChange(
    grpc::ServerContext*, const tfplugin6::ApplyResourceChange::Request* req,
    tfplugin6::ApplyResourceChange::Response* resp) {
  return RunRpc("ApplyResourceChange", req->type_name(), resp,
                [&] { internal::ApplyResourceChangeBody(core_, *req, resp); });
}

grpc::Status ProviderV6::ImportResourceState(
    grpc::ServerContext*, const tfplugin6::ImportResourceState::Request* req,
    tfplugin6::ImportResourceState::Response* resp) {
  return RunRpc("ImportResourceState", req->type_name(), resp,
                [&] { internal::ImportResourceStateBody(core_, *req, resp); });
}

grpc::Status ProviderV6::MoveResourceState(
    grpc::ServerContext*, const tfplugin6::MoveResourceState::Request* req,
    tfplugin6::MoveResourceState::Response* resp) {
  return RunRpc("MoveResourceState", req->target_type_name(), resp,
                [&] { internal::MoveResourceStateBody(core_, *req, resp); });
}

grpc::Status ProviderV6::ReadDataSource(
    grpc::ServerContext*, const tfplugin6::ReadDataSource::Request* req,
    tfplugin6::ReadDataSource::Response* resp) {
  return RunRpc("ReadDataSource", req->type_name(), resp,
                [&] { internal::ReadDataSourceBody(core_, *req, resp); });
}

grpc::Status ProviderV6::GetFunctions(grpc::ServerContext*,
                                      const tfplugin6::GetFunctions::Request*,
                                      tfplugin6::GetFunctions::Response*) {
  return grpc::Status::OK;  // no functions
}

grpc::Status ProviderV6::CallFunction(
    grpc::ServerContext*, const tfplugin6::CallFunction::Request* req,
    tfplugin6::CallFunction::Response* resp) {
  return internal::CallFunctionBody(*req, resp);
}

grpc::Status ProviderV6::StopProvider(grpc::ServerContext*,
                                      const tfplugin6::StopProvider::Request*,
                                      tfplugin6::StopProvider::Response* resp) {
  return internal::StopBody(core_, resp);
}

}  // namespace secureaml::protocol
