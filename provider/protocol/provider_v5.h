// File: provider_v5.h
//
// tfplugin5.Provider over the protocol-free core: Terraform 0.13/0.14, and
// any host when SECUREAML_FORCE_PROTOCOL=5. Stateless and thread-safe; every
// RPC answers grpc OK, with problems as diagnostics.
//
//   protocol::ProviderV5 v5(core);
//   plugin::ServeConfig config{.provider_v5 = &v5};
//
// Not implemented (gRPC answers UNIMPLEMENTED, which hosts tolerate or never
// trigger because the schema announces no such types): ephemeral resources,
// list resources, actions, resource identity upgrades,
// GenerateResourceConfig.
#ifndef SECUREAML_PROVIDER_PROTOCOL_PROVIDER_V5_H_
#define SECUREAML_PROVIDER_PROTOCOL_PROVIDER_V5_H_

#include "proto/tfplugin5.grpc.pb.h"
#include "provider/protocol/core_server.h"

namespace secureaml::protocol {

class ProviderV5 final : public tfplugin5::Provider::Service {
 public:
  explicit ProviderV5(CoreServer& core) : core_(core) {}

  grpc::Status GetMetadata(grpc::ServerContext* ctx,
                           const tfplugin5::GetMetadata_::Request* req,
                           tfplugin5::GetMetadata_::Response* resp) override;
  grpc::Status GetSchema(grpc::ServerContext* ctx,
                         const tfplugin5::GetProviderSchema::Request* req,
                         tfplugin5::GetProviderSchema::Response* resp) override;
  grpc::Status GetResourceIdentitySchemas(
      grpc::ServerContext* ctx,
      const tfplugin5::GetResourceIdentitySchemas::Request* req,
      tfplugin5::GetResourceIdentitySchemas::Response* resp) override;
  grpc::Status PrepareProviderConfig(
      grpc::ServerContext* ctx,
      const tfplugin5::PrepareProviderConfig::Request* req,
      tfplugin5::PrepareProviderConfig::Response* resp) override;
  grpc::Status ValidateResourceTypeConfig(
      grpc::ServerContext* ctx,
      const tfplugin5::ValidateResourceTypeConfig::Request* req,
      tfplugin5::ValidateResourceTypeConfig::Response* resp) override;
  grpc::Status ValidateDataSourceConfig(
      grpc::ServerContext* ctx,
      const tfplugin5::ValidateDataSourceConfig::Request* req,
      tfplugin5::ValidateDataSourceConfig::Response* resp) override;
  grpc::Status UpgradeResourceState(
      grpc::ServerContext* ctx,
      const tfplugin5::UpgradeResourceState::Request* req,
      tfplugin5::UpgradeResourceState::Response* resp) override;
  grpc::Status Configure(grpc::ServerContext* ctx,
                         const tfplugin5::Configure::Request* req,
                         tfplugin5::Configure::Response* resp) override;
  grpc::Status ReadResource(grpc::ServerContext* ctx,
                            const tfplugin5::ReadResource::Request* req,
                            tfplugin5::ReadResource::Response* resp) override;
  grpc::Status PlanResourceChange(
      grpc::ServerContext* ctx,
      const tfplugin5::PlanResourceChange::Request* req,
      tfplugin5::PlanResourceChange::Response* resp) override;
  grpc::Status ApplyResourceChange(
      grpc::ServerContext* ctx,
      const tfplugin5::ApplyResourceChange::Request* req,
      tfplugin5::ApplyResourceChange::Response* resp) override;
  grpc::Status ImportResourceState(
      grpc::ServerContext* ctx,
      const tfplugin5::ImportResourceState::Request* req,
      tfplugin5::ImportResourceState::Response* resp) override;
  grpc::Status MoveResourceState(
      grpc::ServerContext* ctx,
      const tfplugin5::MoveResourceState::Request* req,
      tfplugin5::MoveResourceState::Response* resp) override;
  grpc::Status ReadDataSource(
      grpc::ServerContext* ctx, const tfplugin5::ReadDataSource::Request* req,
      tfplugin5::ReadDataSource::Response* resp) override;
  grpc::Status GetFunctions(grpc::ServerContext* ctx,
                            const tfplugin5::GetFunctions::Request* req,
                            tfplugin5::GetFunctions::Response* resp) override;
  grpc::Status CallFunction(grpc::ServerContext* ctx,
                            const tfplugin5::CallFunction::Request* req,
                            tfplugin5::CallFunction::Response* resp) override;
  grpc::Status Stop(grpc::ServerContext* ctx,
                    const tfplugin5::Stop::Request* req,
                    tfplugin5::Stop::Response* resp) override;

 private:
  CoreServer& core_;
};

}  // namespace secureaml::protocol

#endif  // SECUREAML_PROVIDER_PROTOCOL_PROVIDER_V5_H_
