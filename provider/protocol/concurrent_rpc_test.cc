// Concurrent RPCs through both protocol adapters over one core, as Terraform
// sends them with -parallelism: plans, applies, reads, imports, validation,
// schema requests and re-configuration at once, and StopProvider while
// applies wait on Azure. Written for the TSan stage of scripts/test.sh (it
// exercises the core's shared state: provider data, the stop token, the
// registry) and as a plain consistency test everywhere else.
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proto/tfplugin5.pb.h"
#include "proto/tfplugin6.pb.h"
#include "provider/core/provider_server.h"
#include "provider/core/testing/fake_resource.h"
#include "provider/core/testing/workspace_schema.h"
#include "provider/protocol/core_server.h"
#include "provider/protocol/provider_v5.h"
#include "provider/protocol/provider_v6.h"
#include "provider/value/codec.h"

namespace secureaml::protocol {
namespace {

using ::testing::HasSubstr;
using tf::Value;

constexpr char kType[] = "fake_workspace";
constexpr int kThreads = 8;
constexpr int kRounds = 20;

const tf::Schema& Schema() {
  static const tf::Schema* const kSchema =
      new tf::Schema(core::testing::WorkspaceLikeSchema());
  return *kSchema;
}

std::string Msgpack(const Value& v) {
  absl::StatusOr<std::string> bytes =
      tf::EncodeMsgpack(v, Schema().ImpliedType());
  EXPECT_TRUE(bytes.ok()) << bytes.status();
  return bytes.ok() ? *bytes : "";
}

Value Config(const std::string& name) {
  return core::testing::WorkspaceConfig(
      {{"name", Value::String(name)},
       {"location", Value::String("westeurope")}});
}

template <typename Resp>
std::string Diagnostics(const Resp& resp) {
  std::string out;
  for (const auto& d : resp.diagnostics()) {
    out += d.summary() + ": " + d.detail() + "\n";
  }
  return out;
}

class ConcurrentRpcTest : public ::testing::Test {
 protected:
  void SetUp() override {
    core::testing::FakeResource resource;
    resource.type_name = kType;
    resource.schema = Schema();
    resource.create = [this](const core::CreateRequest& req,
                             core::CreateResponse& resp) {
      if (req.ctx.provider_data == nullptr) {
        resp.diagnostics.AddError("Provider not configured", "no data");
        return;
      }
      if (hold_creates_) {
        ++waiting_creates_;
        if (req.ctx.cancel.WaitFor(absl::Seconds(30))) {
          resp.diagnostics.AddError("Cancelled", "stopped by Terraform");
          return;
        }
      }
      resp.new_state = core::testing::FillUnknowns(req.planned_state);
    };
    core::testing::FakeProvider provider;
    provider.AddResource(resource);
    server_ = std::make_unique<core::ProviderServer>(
        std::make_unique<core::testing::FakeProvider>(provider));
    core_ = std::make_unique<CoreServerFor<core::ProviderServer>>(*server_);
    v5_ = std::make_unique<ProviderV5>(*core_);
    v6_ = std::make_unique<ProviderV6>(*core_);
  }

  // Plan then apply one create through protocol 6; returns the diagnostics
  // text of whichever step failed (empty on success).
  std::string CreateV6(const std::string& name) {
    const std::string config = Msgpack(Config(name));
    tfplugin6::PlanResourceChange::Request plan_req;
    plan_req.set_type_name(kType);
    plan_req.mutable_prior_state()->set_msgpack("\xc0");
    plan_req.mutable_proposed_new_state()->set_msgpack(config);
    plan_req.mutable_config()->set_msgpack(config);
    tfplugin6::PlanResourceChange::Response plan;
    EXPECT_TRUE(v6_->PlanResourceChange(nullptr, &plan_req, &plan).ok());
    if (plan.diagnostics_size() > 0) return Diagnostics(plan);

    tfplugin6::ApplyResourceChange::Request apply_req;
    apply_req.set_type_name(kType);
    apply_req.mutable_prior_state()->set_msgpack("\xc0");
    *apply_req.mutable_planned_state() = plan.planned_state();
    apply_req.mutable_config()->set_msgpack(config);
    apply_req.set_planned_private(plan.planned_private());
    tfplugin6::ApplyResourceChange::Response apply;
    EXPECT_TRUE(v6_->ApplyResourceChange(nullptr, &apply_req, &apply).ok());
    if (apply.diagnostics_size() > 0) return Diagnostics(apply);
    absl::StatusOr<Value> state =
        tf::DecodeMsgpack(apply.new_state().msgpack(), Schema().ImpliedType());
    if (!state.ok()) return std::string(state.status().message());
    if (state->GetString("name") != name) return "state of another resource";
    return "";
  }

  // Read and import through protocol 5; returns problems as text.
  std::string ReadAndImportV5(const std::string& name) {
    Value state = core::testing::FillUnknowns(
        core::testing::WorkspaceConfig({{"id", Value::String("/ws/" + name)},
                                        {"name", Value::String(name)},
                                        {"location", Value::String("x")}}));
    tfplugin5::ReadResource::Request read_req;
    read_req.set_type_name(kType);
    read_req.mutable_current_state()->set_msgpack(Msgpack(state));
    tfplugin5::ReadResource::Response read;
    EXPECT_TRUE(v5_->ReadResource(nullptr, &read_req, &read).ok());
    if (read.diagnostics_size() > 0) return Diagnostics(read);
    absl::StatusOr<Value> read_state =
        tf::DecodeMsgpack(read.new_state().msgpack(), Schema().ImpliedType());
    if (!read_state.ok()) return std::string(read_state.status().message());
    if (read_state->GetString("name") != name) return "read another resource";

    tfplugin5::ImportResourceState::Request import_req;
    import_req.set_type_name(kType);
    import_req.set_id("/ws/" + name);
    tfplugin5::ImportResourceState::Response import;
    EXPECT_TRUE(v5_->ImportResourceState(nullptr, &import_req, &import).ok());
    if (import.diagnostics_size() > 0) return Diagnostics(import);
    if (import.imported_resources_size() != 1) return "import count";
    return "";
  }

  void ConfigureV6() {
    tfplugin6::ConfigureProvider::Request req;
    req.set_terraform_version("1.11.4");
    req.mutable_config()->set_msgpack("\xc0");
    tfplugin6::ConfigureProvider::Response resp;
    EXPECT_TRUE(v6_->ConfigureProvider(nullptr, &req, &resp).ok());
    EXPECT_EQ(resp.diagnostics_size(), 0) << Diagnostics(resp);
  }

  std::atomic<bool> hold_creates_{false};
  std::atomic<int> waiting_creates_{0};
  std::unique_ptr<core::ProviderServer> server_;
  std::unique_ptr<CoreServerFor<core::ProviderServer>> core_;
  std::unique_ptr<ProviderV5> v5_;
  std::unique_ptr<ProviderV6> v6_;
};

TEST_F(ConcurrentRpcTest, MixedRpcsOnBothProtocolsStayConsistent) {
  ConfigureV6();
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRounds; ++i) {
        const std::string name = "ws" + std::to_string(t * kRounds + i);
        std::string problem =
            t % 2 == 0 ? CreateV6(name) : ReadAndImportV5(name);
        if (!problem.empty()) {
          ADD_FAILURE() << name << ": " << problem;
          ++failures;
        }
        // Terraform configures each provider instance once, but the core
        // accepts it again at any time; swapping the provider data while
        // other RPCs use it must be safe.
        if (i % 5 == t % 5) ConfigureV6();
        tfplugin5::GetProviderSchema::Request schema_req;
        tfplugin5::GetProviderSchema::Response schema;
        EXPECT_TRUE(v5_->GetSchema(nullptr, &schema_req, &schema).ok());
        EXPECT_EQ(schema.resource_schemas().count(kType), 1u);
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST_F(ConcurrentRpcTest, StopProviderReleasesEveryWaitingApply) {
  ConfigureV6();
  hold_creates_ = true;
  std::vector<std::string> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back(
        [&, t] { results[t] = CreateV6("ws" + std::to_string(t)); });
  }
  while (waiting_creates_ < kThreads) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const auto stop_at = std::chrono::steady_clock::now();
  tfplugin6::StopProvider::Request stop_req;
  tfplugin6::StopProvider::Response stop;
  ASSERT_TRUE(v6_->StopProvider(nullptr, &stop_req, &stop).ok());
  EXPECT_EQ(stop.error(), "");
  for (std::thread& th : threads) th.join();
  EXPECT_LT(std::chrono::steady_clock::now() - stop_at,
            std::chrono::seconds(5));
  for (const std::string& r : results) {
    EXPECT_THAT(r, HasSubstr("stopped by Terraform"));
  }
}

}  // namespace
}  // namespace secureaml::protocol
