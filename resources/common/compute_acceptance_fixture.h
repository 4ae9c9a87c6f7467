// File: compute_acceptance_fixture.h
//
// Test-only fixture shared by the compute cluster, compute instance and
// inference cluster acceptance tests: the ARM emulator with its landing zone
// and compute operations that take a few seconds, the provider binary in a
// conformance session, a private workspace to put computes in, and helpers to
// decode JSON configurations, create prerequisites (destroyed in TearDown),
// check validation errors by attribute path and list the computes the emulator
// still holds.
//
// Needs SECUREAML_PROVIDER_BINARY and SECUREAML_EMULATOR_BINARY (set by
// ctest); tests are skipped without them.
#ifndef SECUREAML_RESOURCES_COMMON_COMPUTE_ACCEPTANCE_FIXTURE_H_
#define SECUREAML_RESOURCES_COMMON_COMPUTE_ACCEPTANCE_FIXTURE_H_

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "provider/azure/http_transport.h"
#include "tests/conformance/emulator_process.h"
#include "tests/conformance/lifecycle.h"

namespace secureaml::resources::testing {

using conformance::EmulatorOptions;
using conformance::EmulatorProcess;
using conformance::Findings;
using conformance::InstanceState;
using conformance::Lifecycle;
using conformance::ProviderSession;
using conformance::SessionOptions;
using nlohmann::json;

inline std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

class ComputeAcceptanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string provider = Env("SECUREAML_PROVIDER_BINARY");
    std::string emulator = Env("SECUREAML_EMULATOR_BINARY");
    if (provider.empty() || emulator.empty()) {
      GTEST_SKIP() << "SECUREAML_PROVIDER_BINARY / SECUREAML_EMULATOR_BINARY "
                      "not set";
    }
    // Compute creates and deletes take a few seconds, so the provider polls
    // the async operation rather than seeing it finished at once.
    config_path_ = absl::StrCat(
        ::testing::TempDir(), "/compute-emulator-",
        ::testing::UnitTest::GetInstance()->current_test_info()->name(),
        ".json");
    std::ofstream(config_path_) << json{{"durations", Durations()}}.dump();
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

    InstanceState ws =
        Create("secureaml_workspace", "ws",
               {{"name", "ws1103"},
                {"resource_group_name", Lz("resource_group_name")},
                {"location", Lz("location")},
                {"storage_account_id", Lz("storage_account_id")},
                {"key_vault_id", Lz("key_vault_id")},
                {"application_insights_id", Lz("application_insights_id")},
                {"container_registry_id", Lz("container_registry_id")},
                {"image_build_compute_name", "cpu-cluster"}});
    ASSERT_FALSE(ws.value.IsNull()) << findings_.Report();
    workspace_id_ = ws.value.GetString("id").value_or("");
  }

  void TearDown() override {
    if (lc_ != nullptr) {
      for (auto it = created_.rbegin(); it != created_.rend(); ++it) {
        if (it->state.value.IsNull()) continue;
        auto plan = lc_->PlanDestroy(it->type, it->address, it->state);
        if (plan) lc_->Apply(*plan);
      }
    }
    lc_.reset();
    if (session_) session_->Shutdown();
    session_.reset();
    emu_.reset();
    if (!config_path_.empty()) std::remove(config_path_.c_str());
  }

  // The emulator's operation durations, by resource type (its config's
  // "durations" key).
  virtual json Durations() const {
    return {{"Microsoft.MachineLearningServices/workspaces/computes",
             {{"create_seconds", 3}, {"delete_seconds", 2}}}};
  }

  std::string Lz(const char* key) { return lz_.value(key, ""); }

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
    auto plan = lc_->Plan(type, address, InstanceState{}, Config(type, config));
    EXPECT_TRUE(plan.has_value()) << findings_.Report();
    if (!plan) return {};
    InstanceState state = lc_->Apply(*plan);
    created_.push_back({type, address, state});
    return state;
  }

  // The emulator's admin API (not ARM): GET /_emulator/resources, POST
  // /_emulator/faults, ... Status (0 when unreachable) and body.
  std::pair<int, json> AdminCall(const std::string& method,
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
    auto r = http_->Send(req, CancellationToken());
    if (!r.ok()) return {0, json()};
    return {r->status, json::parse(r->body, nullptr, false)};
  }

  // The same, expecting success: the body, or null.
  json Admin(const std::string& method, const std::string& path,
             const json& body = nullptr) {
    auto [status, answer] = AdminCall(method, path, body);
    EXPECT_EQ(status / 100, 2) << method << " " << path << ": " << answer;
    return status / 100 == 2 ? answer : json();
  }

  // The stored body of an ARM resource, or null when it does not exist.
  json Stored(const std::string& id) {
    auto [status, body] =
        AdminCall("GET", absl::StrCat("/_emulator/resources?id=", id));
    return status == 200 ? body : json();
  }

  // IDs of the computes the emulator holds.
  std::vector<std::string> ComputesInEmulator() {
    json body = Admin("GET", "/_emulator/resources");
    std::vector<std::string> out;
    if (!body.is_object() || !body["value"].is_array()) return out;
    for (const json& res : body["value"]) {
      if (absl::EndsWithIgnoreCase(res.value("type", ""),
                                   "workspaces/computes")) {
        out.push_back(res.value("id", ""));
      }
    }
    return out;
  }

  // Whether validation fails with an error on `path` (and only then would
  // Terraform stop before planning).
  bool RejectedOn(const std::string& type, const json& config,
                  const tf::AttributePath& path) {
    tf::Value value = Config(type, config);
    auto v = session_->client().ValidateResourceConfig(type, value);
    EXPECT_TRUE(v.ok()) << v.status();
    if (!v.ok()) return false;
    for (const tf::Diagnostic& d : v->diagnostics) {
      if (d.severity == tf::Severity::kError && d.attribute &&
          *d.attribute == path) {
        return true;
      }
    }
    ADD_FAILURE() << "no error on the attribute: " << v->diagnostics.ToString();
    return false;
  }

  struct Created {
    std::string type;
    std::string address;
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
  std::string workspace_id_;
};

}  // namespace secureaml::resources::testing

#endif  // SECUREAML_RESOURCES_COMMON_COMPUTE_ACCEPTANCE_FIXTURE_H_
