// File: provider_v6.h
//
// tfplugin6.Provider over the protocol-free core (Terraform >= 0.15 and
// OpenTofu). Stateless and thread-safe; every RPC answers grpc OK, with
// problems as diagnostics.
//
//   protocol::ProviderV6 v6(core);
//   plugin::ServeConfig config{.provider_v6 = &v6};
//
// Not implemented (gRPC answers UNIMPLEMENTED, which hosts tolerate or never
// trigger because the schema announces no such types): ephemeral resources,
// list resources, actions, state stores, resource identity upgrades,
// GenerateResourceConfig.
#ifndef SECUREAML_PROVIDER_PROTOCOL_PROVIDER_V6_H_
#define SECUREAML_PROVIDER_PROTOCOL_PROVIDER_V6_H_

#include "proto/tfplugin6.grpc.pb.h"
#include "provider/protocol/core_server.h"

namespace secureaml::protocol {

class ProviderV6 final : public tfplugin6::Provider::Service {
 public:
  explicit ProviderV6(CoreServer& core) : core_(core) {}

  grpc::Status GetMetadata(grpc::ServerContext* ctx,
                           const tfplugin6::GetMetadata_::Request* req,
                           tfplugin6::GetMetadata_::Response* resp) override;
  grpc::Status GetProviderSchema(
      grpc::ServerContext* ctx,
      const tfplugin6::GetProviderSchema::Request* req,
      tfplugin6::GetProviderSchema::Response* resp) override;
  grpc::Status GetResourceIdentitySchemas(
      grpc::ServerContext* ctx,
      const tfplugin6::GetResourceIdentitySchemas::Request* req,
      tfplugin6::GetResourceIdentitySchemas::Response* resp) override;
  grpc::Status ValidateProviderConfig(
      grpc::ServerContext* ctx,
      const tfplugin6::ValidateProviderConfig::Request* req,
      tfplugin6::ValidateProviderConfig::Response* resp) override;
  grpc::Status ValidateResourceConfig(
      grpc::ServerContext* ctx,
      const tfplugin6::ValidateResourceConfig::Request* req,
      tfplugin6::ValidateResourceConfig::Response* resp) override;
  grpc::Status ValidateDataResourceConfig(
      grpc::ServerContext* ctx,
      const tfplugin6::ValidateDataResourceConfig::Request* req,
      tfplugin6::ValidateDataResourceConfig::Response* resp) override;
  grpc::Status UpgradeResourceState(
      grpc::ServerContext* ctx,
      const tfplugin6::UpgradeResourceState::Request* req,
      tfplugin6::UpgradeResourceState::Response* resp) override;
  grpc::Status ConfigureProvider(
      grpc::ServerContext* ctx,
      const tfplugin6::ConfigureProvider::Request* req,
      tfplugin6::ConfigureProvider::Response* resp) override;
  grpc::Status ReadResource(grpc::ServerContext* ctx,
                            const tfplugin6::ReadResource::Request* req,
                            tfplugin6::ReadResource::Response* resp) override;
  grpc::Status PlanResourceChange(
      grpc::ServerContext* ctx,
      const tfplugin6::PlanResourceChange::Request* req,
      tfplugin6::PlanResourceChange::Response* resp) override;
  grpc::Status ApplyResourceChange(
      grpc::ServerContext* ctx,
      const tfplugin6::ApplyResourceChange::Request* req,
      tfplugin6::ApplyResourceChange::Response* resp) override;
  grpc::Status ImportResourceState(
      grpc::ServerContext* ctx,
      const tfplugin6::ImportResourceState::Request* req,
      tfplugin6::ImportResourceState::Response* resp) override;
  grpc::Status MoveResourceState(
      grpc::ServerContext* ctx,
      const tfplugin6::MoveResourceState::Request* req,
      tfplugin6::MoveResourceState::Response* resp) override;
  grpc::Status ReadDataSource(
      grpc::ServerContext* ctx, const tfplugin6::ReadDataSource::Request* req,
      tfplugin6::ReadDataSource::Response* resp) override;
  grpc::Status GetFunctions(grpc::ServerContext* ctx,
                            const tfplugin6::GetFunctions::Request* req,
                            tfplugin6::GetFunctions::Response* resp) override;
  grpc::Status CallFunction(grpc::ServerContext* ctx,
                            const tfplugin6::CallFunction::Request* req,
                            tfplugin6::CallFunction::Response* resp) override;
  grpc::Status StopProvider(grpc::ServerContext* ctx,
                            const tfplugin6::StopProvider::Request* req,
                            tfplugin6::StopProvider::Response* resp) override;

 private:
  CoreServer& core_;
};

}  // namespace secureaml::protocol

#endif  // SECUREAML_PROVIDER_PROTOCOL_PROVIDER_V6_H_
