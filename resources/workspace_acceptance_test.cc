// Acceptance tests: the provider binary, started as Terraform starts it and
// driven through the conformance client's Lifecycle (validate, plan, apply,
// refresh, no-op re-plan, in-place update, import, destroy), against the ARM
// emulator with the walkthrough's landing zone (resource group ws1103, VNet
// hub, Key Vault with purge protection, storage, Premium private registry,
// App Insights).
//
// Needs SECUREAML_PROVIDER_BINARY and SECUREAML_EMULATOR_BINARY (set by
// ctest); skipped without them.
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/conformance/emulator_process.h"
#include "tests/conformance/lifecycle.h"

namespace secureaml::resources {
namespace {

using conformance::EmulatorOptions;
using conformance::EmulatorProcess;
using conformance::Findings;
using conformance::InstanceState;
using conformance::Lifecycle;
using conformance::ProviderSession;
using conformance::SessionOptions;
using nlohmann::json;

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

class AcceptanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string provider = Env("SECUREAML_PROVIDER_BINARY");
    std::string emulator = Env("SECUREAML_EMULATOR_BINARY");
    if (provider.empty() || emulator.empty()) {
      GTEST_SKIP() << "SECUREAML_PROVIDER_BINARY / SECUREAML_EMULATOR_BINARY "
                      "not set";
    }
    EmulatorOptions eo;
    eo.binary = emulator;
    eo.landing_zone = true;
    auto emu = EmulatorProcess::Start(eo);
    ASSERT_TRUE(emu.ok()) << emu.status();
    emu_ = *std::move(emu);
    lz_ = emu_->landing_zone();
    ASSERT_TRUE(lz_.is_object()) << "no landing zone";
    SessionOptions so;
    so.process.binary = provider;
    so.process.env = emu_->ProviderEnv();
    auto session = ProviderSession::Start(so, &findings_);
    ASSERT_TRUE(session.ok()) << session.status() << "\n" << findings_.Report();
    session_ = *std::move(session);
    lc_ = std::make_unique<Lifecycle>(*session_);
  }

  void TearDown() override {
    // Destroy prerequisites in reverse order.
    for (auto it = created_.rbegin(); it != created_.rend(); ++it) {
      auto plan = lc_->PlanDestroy(it->type, it->address, it->state);
      if (plan) lc_->Apply(*plan);
    }
    lc_.reset();
    if (session_) session_->Shutdown();
    session_.reset();
    emu_.reset();
  }

  std::string Lz(const char* key) { return lz_.value(key, ""); }

  // Creates a prerequisite outside the lifecycle under test.
  InstanceState Create(const std::string& type, const std::string& name,
                       const json& config) {
    std::string address = absl::StrCat(type, ".", name);
    const conformance::ConfigSchema* schema = lc_->ResourceSchema(type);
    EXPECT_NE(schema, nullptr);
    if (schema == nullptr) return {};
    std::vector<std::string> errors;
    auto value = conformance::DecodeConfigJson(schema->block, config, &errors);
    EXPECT_TRUE(value.ok() && errors.empty()) << value.status();
    if (!value.ok()) return {};
    InstanceState none;
    auto plan = lc_->Plan(type, address, none, *value);
    EXPECT_TRUE(plan.has_value()) << findings_.Report();
    if (!plan) return {};
    InstanceState state = lc_->Apply(*plan);
    EXPECT_FALSE(state.value.IsNull()) << findings_.Report();
    created_.push_back({type, address, state});
    return state;
  }

  json Workspace(const std::string& name) {
    return {{"name", name},
            {"resource_group_name", Lz("resource_group_name")},
            {"location", Lz("location")},
            {"storage_account_id", Lz("storage_account_id")},
            {"key_vault_id", Lz("key_vault_id")},
            {"application_insights_id", Lz("application_insights_id")},
            {"container_registry_id", Lz("container_registry_id")},
            {"image_build_compute_name", "cpu-cluster"}};
  }

  struct Created {
    std::string type;
    std::string address;
    InstanceState state;
  };

  std::unique_ptr<EmulatorProcess> emu_;
  json lz_;
  Findings findings_;
  std::unique_ptr<ProviderSession> session_;
  std::unique_ptr<Lifecycle> lc_;
  std::vector<Created> created_;
};

TEST_F(AcceptanceTest, WorkspaceLifecycle) {
  Lifecycle::ResourceSteps steps;
  steps.type_name = "secureaml_workspace";
  steps.name = "ws";
  steps.create = Workspace("ws1103");
  steps.create["encryption"] = {{"key_vault_id", Lz("key_vault_id")},
                                {"key_id", Lz("key_versioned_id")}};
  json update = steps.create;
  update["description"] = "secure workspace";
  update["friendly_name"] = "Secure ML";
  update["tags"] = {{"env", "test"}};
  update["managed_network"] = {{"isolation_mode", "AllowOnlyApprovedOutbound"}};
  steps.update = update;
  steps.import_ignore = {"purge_on_destroy"};
  EXPECT_TRUE(lc_->RunResourceLifecycle(steps)) << findings_.Report();
  EXPECT_TRUE(findings_.ok()) << findings_.Report();
}

TEST_F(AcceptanceTest, PrivateDnsZoneLifecycle) {
  Lifecycle::ResourceSteps steps;
  steps.type_name = "secureaml_private_dns_zone";
  steps.name = "api";
  steps.create = {{"name", "privatelink.api.azureml.ms"},
                  {"resource_group_name", Lz("resource_group_name")},
                  {"virtual_network_ids", {Lz("vnet_id")}}};
  json update = steps.create;
  update["tags"] = {{"env", "test"}};
  steps.update = update;
  EXPECT_TRUE(lc_->RunResourceLifecycle(steps)) << findings_.Report();
  EXPECT_TRUE(findings_.ok()) << findings_.Report();
}

TEST_F(AcceptanceTest, PrivateEndpointLifecycle) {
  InstanceState ws = Create("secureaml_workspace", "ws", Workspace("ws1103pe"));
  ASSERT_FALSE(ws.value.IsNull());
  std::vector<std::string> zones;
  for (const char* zone :
       {"privatelink.api.azureml.ms", "privatelink.notebooks.azure.net"}) {
    InstanceState z =
        Create("secureaml_private_dns_zone", absl::StrCat("z", zones.size()),
               {{"name", zone},
                {"resource_group_name", Lz("resource_group_name")},
                {"virtual_network_ids", {Lz("vnet_id")}}});
    ASSERT_FALSE(z.value.IsNull());
    zones.push_back(*z.value.GetString("id"));
  }
  Lifecycle::ResourceSteps steps;
  steps.type_name = "secureaml_private_endpoint";
  steps.name = "ws";
  steps.create = {{"name", "ws1103-pe"},
                  {"resource_group_name", Lz("resource_group_name")},
                  {"location", Lz("location")},
                  {"subnet_id", Lz("training_subnet_id")},
                  {"target_resource_id", *ws.value.GetString("id")},
                  {"subresource_name", "amlworkspace"},
                  {"private_dns_zone_ids", zones}};
  json update = steps.create;
  update["tags"] = {{"env", "test"}};
  steps.update = update;
  EXPECT_TRUE(lc_->RunResourceLifecycle(steps)) << findings_.Report();
  EXPECT_TRUE(findings_.ok()) << findings_.Report();
}

TEST_F(AcceptanceTest, DatastoreLifecycleAndDataSource) {
  InstanceState ws = Create("secureaml_workspace", "ws", Workspace("ws1103ds"));
  ASSERT_FALSE(ws.value.IsNull());
  Lifecycle::ResourceSteps steps;
  steps.type_name = "secureaml_datastore";
  steps.name = "training";
  steps.create = {{"name", "training_data"},
                  {"workspace_id", *ws.value.GetString("id")},
                  {"datastore_type", "blob"},
                  {"storage_account_id", Lz("storage_account_id")},
                  {"container_name", "training"}};
  json update = steps.create;
  update["description"] = "curated";
  update["service_data_identity"] = "None";
  steps.update = update;
  EXPECT_TRUE(lc_->RunResourceLifecycle(steps)) << findings_.Report();

  const conformance::ConfigSchema* schema =
      session_->schemas().DataSource("secureaml_workspace");
  ASSERT_NE(schema, nullptr);
  std::vector<std::string> errors;
  auto config = conformance::DecodeConfigJson(
      schema->block,
      {{"name", "ws1103ds"},
       {"resource_group_name", Lz("resource_group_name")}},
      &errors);
  ASSERT_TRUE(config.ok());
  auto data = lc_->ReadDataSource("secureaml_workspace",
                                  "data.secureaml_workspace.ws", *config);
  ASSERT_TRUE(data.has_value()) << findings_.Report();
  EXPECT_EQ(data->GetBool("public_network_access_enabled"), false);
  EXPECT_EQ(data->GetString("storage_account_access_type"), "identity");
  EXPECT_TRUE(findings_.ok()) << findings_.Report();
}

}  // namespace
}  // namespace secureaml::resources
