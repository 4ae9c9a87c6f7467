// Acceptance tests for walkthrough sections 6 (users and roles) and 8
// (DNS, outbound limits, firewall): the provider binary, started as
// Terraform starts it and driven through the conformance client's Lifecycle,
// against the ARM emulator with its landing zone. The emulator delays the
// replication of new principals and new role definitions, as Entra ID and
// Azure RBAC do.
//
// Needs SECUREAML_PROVIDER_BINARY and SECUREAML_EMULATOR_BINARY (set by
// ctest); skipped without them.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "provider/azure/http_transport.h"
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

class RbacNetworkAcceptanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string provider = Env("SECUREAML_PROVIDER_BINARY");
    std::string emulator = Env("SECUREAML_EMULATOR_BINARY");
    if (provider.empty() || emulator.empty()) {
      GTEST_SKIP() << "SECUREAML_PROVIDER_BINARY / SECUREAML_EMULATOR_BINARY "
                      "not set";
    }
    // Replication lag long enough that a provider which does not wait for
    // it fails: new principals 6 s, new custom roles 3 s.
    config_path_ = absl::StrCat(
        ::testing::TempDir(), "/rbac-emulator-",
        ::testing::UnitTest::GetInstance()->current_test_info()->name(),
        ".json");
    std::ofstream(config_path_) << json{
        {"principal_replication_seconds", 6},
        {"role_definition_replication_seconds",
         3}}.dump();
    EmulatorOptions eo;
    eo.binary = emulator;
    eo.landing_zone = true;
    eo.config_file = config_path_;
    auto emu = EmulatorProcess::Start(eo);
    ASSERT_TRUE(emu.ok()) << emu.status();
    emu_ = *std::move(emu);
    lz_ = emu_->landing_zone();
    ASSERT_TRUE(lz_.is_object()) << "no landing zone";

    azure::TransportOptions to;
    auto ca = emu_->ProviderEnv().find("SSL_CERT_FILE");
    if (ca != emu_->ProviderEnv().end()) to.ca_bundle_path = ca->second;
    auto transport = azure::MakeCppRestTransport(to);
    ASSERT_TRUE(transport.ok()) << transport.status();
    http_ = *transport;

    SessionOptions so;
    so.process.binary = provider;
    so.process.env = emu_->ProviderEnv();
    auto session = ProviderSession::Start(so, &findings_);
    ASSERT_TRUE(session.ok()) << session.status() << "\n" << findings_.Report();
    session_ = *std::move(session);
    lc_ = std::make_unique<Lifecycle>(*session_);
  }

  void TearDown() override {
    for (auto it = created_.rbegin(); it != created_.rend(); ++it) {
      if (it->state.value.IsNull()) continue;
      auto plan = lc_->PlanDestroy(it->type, it->address, it->state);
      if (plan) lc_->Apply(*plan);
    }
    lc_.reset();
    if (session_) session_->Shutdown();
    session_.reset();
    emu_.reset();
    std::remove(config_path_.c_str());
  }

  std::string Lz(const char* key) { return lz_.value(key, ""); }
  std::string Subscription() {
    return absl::StrCat("/subscriptions/", Lz("subscription_id"));
  }

  // The emulator's admin API (not ARM).
  absl::StatusOr<azure::HttpResponse> Admin(const std::string& method,
                                            const std::string& path,
                                            const json& body = nullptr) {
    azure::HttpRequest req;
    req.method = method;
    req.url = absl::StrCat(emu_->url(), path);
    if (!body.is_null()) {
      req.body = body.dump();
      req.headers.Set("Content-Type", "application/json");
    }
    req.deadline = absl::Now() + absl::Seconds(30);
    return http_->Send(req, CancellationToken());
  }

  tf::Value Config(const std::string& type, const json& config) {
    const conformance::ConfigSchema* schema = lc_->ResourceSchema(type);
    EXPECT_NE(schema, nullptr) << type;
    if (schema == nullptr) return tf::Value();
    std::vector<std::string> errors;
    auto value = conformance::DecodeConfigJson(schema->block, config, &errors);
    EXPECT_TRUE(value.ok() && errors.empty())
        << value.status() << " " << (errors.empty() ? "" : errors[0]);
    return value.ok() ? *value : tf::Value();
  }

  // Plans and applies a create; the state is destroyed in TearDown.
  InstanceState Create(const std::string& type, const std::string& name,
                       const json& config) {
    std::string address = absl::StrCat(type, ".", name);
    tf::Value value = Config(type, config);
    InstanceState none;
    auto plan = lc_->Plan(type, address, none, value);
    EXPECT_TRUE(plan.has_value()) << findings_.Report();
    if (!plan) return {};
    InstanceState state = lc_->Apply(*plan);
    created_.push_back({type, address, config, state});
    return state;
  }

  std::string Attr(const InstanceState& s, const char* name) {
    return s.value.IsKnown() ? s.value.GetString(name).value_or("") : "";
  }

  struct Created {
    std::string type;
    std::string address;
    json config;
    InstanceState state;
  };

  std::string config_path_;
  std::unique_ptr<EmulatorProcess> emu_;
  std::shared_ptr<azure::HttpTransport> http_;
  json lz_;
  Findings findings_;
  std::unique_ptr<ProviderSession> session_;
  std::unique_ptr<Lifecycle> lc_;
  std::vector<Created> created_;
};

// Walkthrough section 6: three custom roles from presets and "Data
// Scientist" granted to an account created moments before, in one run.
TEST_F(RbacNetworkAcceptanceTest, PresetRolesAndFreshPrincipalInOneApply) {
  auto principal =
      Admin("POST", "/_emulator/principals",
            {{"displayName", "New data scientist"}, {"type", "User"}});
  ASSERT_TRUE(principal.ok()) << principal.status();
  ASSERT_EQ(principal->status, 201) << principal->body;
  std::string object_id =
      json::parse(principal->body, nullptr, false).value("objectId", "");
  ASSERT_FALSE(object_id.empty()) << principal->body;

  const std::string scope = Subscription();
  for (const char* preset :
       {"it_admin", "data_scientist", "super_data_scientist"}) {
    InstanceState s = Create("secureaml_role_definition", preset,
                             {{"scope", scope}, {"preset", preset}});
    ASSERT_FALSE(s.value.IsNull()) << findings_.Report();
  }
  const std::string role_id =
      Attr(created_[1].state, "role_definition_resource_id");
  ASSERT_FALSE(role_id.empty());
  const std::string ws_scope = absl::StrCat(Lz("resource_group_id"));
  json assignment = {{"scope", ws_scope},
                     {"role_definition_id", role_id},
                     {"principal_id", object_id},
                     {"description", "walkthrough section 6"}};
  InstanceState a = Create("secureaml_role_assignment", "ds", assignment);
  ASSERT_FALSE(a.value.IsNull()) << findings_.Report();
  EXPECT_TRUE(findings_.ok()) << findings_.Report();

  // Re-plans clean, imports, and the imported state plans clean too.
  for (Created& c : created_) {
    ASSERT_TRUE(lc_->Refresh(c.type, c.address, c.state)) << findings_.Report();
    ASSERT_FALSE(c.state.value.IsNull()) << c.address;
    EXPECT_TRUE(conformance::ExpectNoChanges(*lc_, c.type, c.address, c.state,
                                             Config(c.type, c.config)))
        << findings_.Report();
    auto imported =
        lc_->Import(c.type, c.address + "_imported", Attr(c.state, "id"));
    ASSERT_TRUE(imported.has_value()) << findings_.Report();
    EXPECT_TRUE(conformance::ExpectNoChanges(*lc_, c.type,
                                             c.address + "_imported", *imported,
                                             Config(c.type, c.config)))
        << findings_.Report();
  }
  EXPECT_TRUE(findings_.ok()) << findings_.Report();

  // Destroy in reverse order; a refresh afterwards finds nothing.
  for (auto it = created_.rbegin(); it != created_.rend(); ++it) {
    InstanceState before = it->state;
    auto plan = lc_->PlanDestroy(it->type, it->address, it->state);
    ASSERT_TRUE(plan.has_value()) << findings_.Report();
    it->state = lc_->Apply(*plan);
    EXPECT_TRUE(it->state.value.IsNull()) << it->address;
    ASSERT_TRUE(lc_->Refresh(it->type, it->address, before))
        << findings_.Report();
    EXPECT_TRUE(before.value.IsNull()) << it->address << " still exists";
  }
  EXPECT_TRUE(findings_.ok()) << findings_.Report();
}

TEST_F(RbacNetworkAcceptanceTest, RoleDefinitionLifecycle) {
  Lifecycle::ResourceSteps steps;
  steps.type_name = "secureaml_role_definition";
  steps.name = "custom";
  steps.create = {
      {"scope", Subscription()},
      {"name", "AML Reader"},
      {"permissions",
       {{{"actions", {"Microsoft.MachineLearningServices/workspaces/read"}}}}}};
  json update = steps.create;
  update["description"] = "Reads workspaces";
  update["preset"] = "data_scientist";
  steps.update = update;
  // A preset plus extra actions imports as the explicit union.
  steps.import_ignore = {"preset", "permissions", "timeouts"};
  EXPECT_TRUE(lc_->RunResourceLifecycle(steps)) << findings_.Report();
  EXPECT_TRUE(findings_.ok()) << findings_.Report();
}

TEST_F(RbacNetworkAcceptanceTest, RoleAssignmentLifecycle) {
  Lifecycle::ResourceSteps steps;
  steps.type_name = "secureaml_role_assignment";
  steps.name = "reader";
  steps.create = {
      {"scope", Lz("resource_group_id")},
      {"role_definition_id",
       absl::StrCat(Subscription(),
                    "/providers/Microsoft.Authorization/roleDefinitions/"
                    "acdd72a7-3385-48ef-bd42-f606fba81ae7")},
      {"principal_id",
       lz_["principals"]["data_scientist"].value("object_id", "")},
      {"principal_type", "User"}};
  json update = steps.create;
  update["description"] = "Readers of the ML resource group";
  steps.update = update;
  EXPECT_TRUE(lc_->RunResourceLifecycle(steps)) << findings_.Report();
  EXPECT_TRUE(findings_.ok()) << findings_.Report();
}

TEST_F(RbacNetworkAcceptanceTest, MissingPrincipalFailsWithinItsBound) {
  const std::string ghost = "0badc0de-0000-4000-8000-000000000001";
  absl::Time start = absl::Now();
  InstanceState s = Create(
      "secureaml_role_assignment", "ghost",
      {{"scope", Lz("resource_group_id")},
       {"role_definition_id",
        absl::StrCat(Subscription(),
                     "/providers/Microsoft.Authorization/roleDefinitions/"
                     "acdd72a7-3385-48ef-bd42-f606fba81ae7")},
       {"principal_id", ghost},
       {"principal_replication_timeout", "10s"}});
  absl::Duration took = absl::Now() - start;
  EXPECT_TRUE(s.value.IsNull());
  EXPECT_LT(took, absl::Seconds(45));
  bool named = false;
  for (const auto& f : findings_.items()) {
    if (f.kind == conformance::Finding::Kind::kProviderError &&
        absl::StrContains(f.detail, ghost) &&
        absl::StrContains(f.detail, "probably does not exist")) {
      named = true;
    }
  }
  EXPECT_TRUE(named) << findings_.Report();
  EXPECT_EQ(findings_.CountOf(conformance::Finding::Kind::kViolation), 0u)
      << findings_.Report();
}

TEST_F(RbacNetworkAcceptanceTest, DuplicateAssignmentSuggestsImport) {
  json config = {
      {"scope", Lz("resource_group_id")},
      {"role_definition_id",
       absl::StrCat(Subscription(),
                    "/providers/Microsoft.Authorization/roleDefinitions/"
                    "acdd72a7-3385-48ef-bd42-f606fba81ae7")},
      {"principal_id", lz_["principals"]["it_admin"].value("object_id", "")},
      {"principal_type", "User"}};
  InstanceState first = Create("secureaml_role_assignment", "first", config);
  ASSERT_FALSE(first.value.IsNull()) << findings_.Report();
  InstanceState second = Create("secureaml_role_assignment", "second", config);
  EXPECT_TRUE(second.value.IsNull());
  bool hinted = false;
  for (const auto& f : findings_.items()) {
    if (absl::StrContains(f.detail,
                          absl::StrCat("terraform import "
                                       "secureaml_role_assignment.",
                                       "<NAME> ", Attr(first, "id")))) {
      hinted = true;
    }
  }
  EXPECT_TRUE(hinted) << findings_.Report();
}

// Walkthrough section 8: the compute NSG already holds rules others own;
// they survive create, update and destroy untouched.
TEST_F(RbacNetworkAcceptanceTest, NetworkRulesLeaveForeignRulesAlone) {
  const std::string nsg = Lz("nsg_id");
  ASSERT_FALSE(nsg.empty());
  std::vector<std::string> foreign;
  int priority = 3000;
  for (const char* dir : {"Inbound", "Outbound"}) {
    for (int i = 0; i < 2; ++i) {
      std::string name = absl::StrCat("corp-", dir, "-", i);
      std::string id = absl::StrCat(nsg, "/securityRules/", name);
      auto put = Admin(
          "PUT", absl::StrCat("/_emulator/resources?id=", id),
          {{"type", "Microsoft.Network/networkSecurityGroups/securityRules"},
           {"name", name},
           {"properties",
            {{"protocol", "Tcp"},
             {"access", "Deny"},
             {"direction", dir},
             {"priority", priority + i * 2},
             {"sourceAddressPrefix", "*"},
             {"sourcePortRange", "*"},
             {"destinationAddressPrefix", "*"},
             {"destinationPortRange", "22"},
             {"provisioningState", "Succeeded"}}}});
      ASSERT_TRUE(put.ok()) << put.status();
      ASSERT_LT(put->status, 300) << put->body;
      foreign.push_back(id);
    }
  }
  auto snapshot = [&]() {
    std::vector<std::string> out;
    for (const std::string& id : foreign) {
      auto got = Admin("GET", absl::StrCat("/_emulator/resources?id=", id));
      out.push_back(got.ok() ? absl::StrCat(got->status, got->body) : "error");
    }
    return out;
  };
  const std::vector<std::string> before = snapshot();

  Lifecycle::ResourceSteps steps;
  steps.type_name = "secureaml_network_rules";
  steps.name = "compute";
  steps.create = {{"network_security_group_id", nsg},
                  {"priority_range", {{{"start", 3000}, {"end", 3099}}}}};
  json update = steps.create;
  update["node_public_ip_enabled"] = true;
  update["high_business_impact"] = false;
  steps.update = update;
  // Inputs Azure does not record; import recovers the rules themselves.
  steps.import_ignore = {"priority_range", "node_public_ip_enabled",
                         "high_business_impact", "timeouts"};
  EXPECT_TRUE(lc_->RunResourceLifecycle(steps)) << findings_.Report();
  EXPECT_TRUE(findings_.ok()) << findings_.Report();
  EXPECT_EQ(snapshot(), before);
}

TEST_F(RbacNetworkAcceptanceTest, DataSourcesRead) {
  const conformance::ConfigSchema* preset =
      session_->schemas().DataSource("secureaml_role_preset");
  ASSERT_NE(preset, nullptr);
  std::vector<std::string> errors;
  auto cfg = conformance::DecodeConfigJson(
      preset->block, json{{"name", "super_data_scientist"}}, &errors);
  ASSERT_TRUE(cfg.ok());
  auto v = lc_->ReadDataSource("secureaml_role_preset",
                               "data.secureaml_role_preset.sds", *cfg);
  ASSERT_TRUE(v.has_value()) << findings_.Report();
  EXPECT_FALSE(v->GetStringList("actions").empty());

  const conformance::ConfigSchema* reqs =
      session_->schemas().DataSource("secureaml_network_requirements");
  ASSERT_NE(reqs, nullptr);
  cfg = conformance::DecodeConfigJson(
      reqs->block, json{{"location", Lz("location")}}, &errors);
  ASSERT_TRUE(cfg.ok());
  v = lc_->ReadDataSource("secureaml_network_requirements",
                          "data.secureaml_network_requirements.eastus", *cfg);
  ASSERT_TRUE(v.has_value()) << findings_.Report();
  EXPECT_THAT(v->GetStringList("firewall_fqdns"),
              ::testing::Contains("eastus.tundra.azureml.ms"));
  EXPECT_TRUE(findings_.ok()) << findings_.Report();
}

}  // namespace
}  // namespace secureaml::resources
