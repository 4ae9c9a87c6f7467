// File: echo_core.h
//
// A tiny CoreServer with one resource and one data source and no cloud
// behind them, so a real Terraform can init/plan/apply/destroy through the
// plugin and protocol layers before (and independently of) the real core.
//
//   provider "secureaml" { prefix = "t-" }
//   resource "secureaml_echo" "x" { name = "a" }   # id = "t-a" after apply
//   data "secureaml_echo" "y" { input = "hi" }     # output = "echo:hi"
//
// Test-only; never linked into the provider binary.
#ifndef SECUREAML_PROVIDER_PROTOCOL_TESTING_ECHO_CORE_H_
#define SECUREAML_PROVIDER_PROTOCOL_TESTING_ECHO_CORE_H_

#include <mutex>
#include <string>

#include "provider/protocol/core_server.h"

namespace secureaml::protocol::testing {

class EchoCore final : public CoreServer {
 public:
  EchoCore();

  core::GetProviderSchemaResponse GetProviderSchema() override;
  core::ValidateProviderConfigResponse ValidateProviderConfig(
      const core::ValidateProviderConfigRequest& req) override;
  core::ValidateResourceConfigResponse ValidateResourceConfig(
      const core::ValidateResourceConfigRequest& req) override;
  core::ValidateResourceConfigResponse ValidateDataResourceConfig(
      const core::ValidateResourceConfigRequest& req) override;
  core::UpgradeResourceStateResponse UpgradeResourceState(
      const core::UpgradeResourceStateRequest& req) override;
  core::ConfigureProviderResponse ConfigureProvider(
      const core::ConfigureProviderRequest& req) override;
  core::ReadResourceResponse ReadResource(
      const core::ReadResourceRequest& req) override;
  core::PlanResourceChangeResponse PlanResourceChange(
      const core::PlanResourceChangeRequest& req) override;
  core::ApplyResourceChangeResponse ApplyResourceChange(
      const core::ApplyResourceChangeRequest& req) override;
  core::ImportResourceStateResponse ImportResourceState(
      const core::ImportResourceStateRequest& req) override;
  core::ReadDataSourceResponse ReadDataSource(
      const core::ReadDataSourceRequest& req) override;
  core::MoveResourceStateResponse MoveResourceState(
      const core::MoveResourceStateRequest& req) override;
  std::string Stop() override { return ""; }

 private:
  tf::Schema provider_schema_, resource_schema_, data_schema_;
  std::mutex mu_;
  std::string prefix_;
};

}  // namespace secureaml::protocol::testing

#endif  // SECUREAML_PROVIDER_PROTOCOL_TESTING_ECHO_CORE_H_
