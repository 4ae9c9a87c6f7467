// File: core_server.h
//
// What the protocol adapters need from the provider core: exactly the
// methods of core::ProviderServer, behind an interface so the adapters can be
// tested against a fake, and so this library does not link the core.
//
//   core::ProviderServer server(resources::NewProvider());
//   protocol::CoreServerFor<core::ProviderServer> core(server);
//   protocol::ProviderV6 v6(core);
#ifndef SECUREAML_PROVIDER_PROTOCOL_CORE_SERVER_H_
#define SECUREAML_PROVIDER_PROTOCOL_CORE_SERVER_H_

#include <string>

#include "provider/core/provider_server.h"

namespace secureaml::protocol {

class CoreServer {
 public:
  virtual ~CoreServer() = default;

  virtual core::GetProviderSchemaResponse GetProviderSchema() = 0;
  virtual core::ValidateProviderConfigResponse ValidateProviderConfig(
      const core::ValidateProviderConfigRequest& req) = 0;
  virtual core::ValidateResourceConfigResponse ValidateResourceConfig(
      const core::ValidateResourceConfigRequest& req) = 0;
  virtual core::ValidateResourceConfigResponse ValidateDataResourceConfig(
      const core::ValidateResourceConfigRequest& req) = 0;
  virtual core::UpgradeResourceStateResponse UpgradeResourceState(
      const core::UpgradeResourceStateRequest& req) = 0;
  virtual core::ConfigureProviderResponse ConfigureProvider(
      const core::ConfigureProviderRequest& req) = 0;
  virtual core::ReadResourceResponse ReadResource(
      const core::ReadResourceRequest& req) = 0;
  virtual core::PlanResourceChangeResponse PlanResourceChange(
      const core::PlanResourceChangeRequest& req) = 0;
  virtual core::ApplyResourceChangeResponse ApplyResourceChange(
      const core::ApplyResourceChangeRequest& req) = 0;
  virtual core::ImportResourceStateResponse ImportResourceState(
      const core::ImportResourceStateRequest& req) = 0;
  virtual core::ReadDataSourceResponse ReadDataSource(
      const core::ReadDataSourceRequest& req) = 0;
  virtual core::MoveResourceStateResponse MoveResourceState(
      const core::MoveResourceStateRequest& req) = 0;
  // Error text for Stop/StopProvider; empty means success.
  virtual std::string Stop() = 0;
};

// Forwards to any type with core::ProviderServer's methods. Header-only so
// that only the binary that instantiates it links the core.
template <typename Server>
class CoreServerFor final : public CoreServer {
 public:
  explicit CoreServerFor(Server& server) : server_(server) {}

  core::GetProviderSchemaResponse GetProviderSchema() override {
    return server_.GetProviderSchema();
  }
  core::ValidateProviderConfigResponse ValidateProviderConfig(
      const core::ValidateProviderConfigRequest& req) override {
    return server_.ValidateProviderConfig(req);
  }
  core::ValidateResourceConfigResponse ValidateResourceConfig(
      const core::ValidateResourceConfigRequest& req) override {
    return server_.ValidateResourceConfig(req);
  }
  core::ValidateResourceConfigResponse ValidateDataResourceConfig(
      const core::ValidateResourceConfigRequest& req) override {
    return server_.ValidateDataResourceConfig(req);
  }
  core::UpgradeResourceStateResponse UpgradeResourceState(
      const core::UpgradeResourceStateRequest& req) override {
    return server_.UpgradeResourceState(req);
  }
  core::ConfigureProviderResponse ConfigureProvider(
      const core::ConfigureProviderRequest& req) override {
    return server_.ConfigureProvider(req);
  }
  core::ReadResourceResponse ReadResource(
      const core::ReadResourceRequest& req) override {
    return server_.ReadResource(req);
  }
  core::PlanResourceChangeResponse PlanResourceChange(
      const core::PlanResourceChangeRequest& req) override {
    return server_.PlanResourceChange(req);
  }
  core::ApplyResourceChangeResponse ApplyResourceChange(
      const core::ApplyResourceChangeRequest& req) override {
    return server_.ApplyResourceChange(req);
  }
  core::ImportResourceStateResponse ImportResourceState(
      const core::ImportResourceStateRequest& req) override {
    return server_.ImportResourceState(req);
  }
  core::ReadDataSourceResponse ReadDataSource(
      const core::ReadDataSourceRequest& req) override {
    return server_.ReadDataSource(req);
  }
  core::MoveResourceStateResponse MoveResourceState(
      const core::MoveResourceStateRequest& req) override {
    return server_.MoveResourceState(req);
  }
  std::string Stop() override { return server_.Stop(); }

 private:
  Server& server_;
};

}  // namespace secureaml::protocol

#endif  // SECUREAML_PROVIDER_PROTOCOL_CORE_SERVER_H_
