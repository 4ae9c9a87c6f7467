// Planning cost for a 1,000-resource workspace-like configuration, both the
// pure planner and the full PlanResourceChange path (msgpack in and out).
//
//   ninja -C build-core planner_bench && build-core/provider/core/planner_bench
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "provider/core/plan.h"
#include "provider/core/provider_server.h"
#include "provider/core/testing/fake_resource.h"
#include "provider/core/testing/workspace_schema.h"
#include "provider/value/codec.h"

namespace secureaml::core {
namespace {

using testing::ProposedNew;
using testing::WorkspaceConfig;
using tf::Value;

constexpr int kResources = 1000;

struct Workload {
  tf::Schema schema = testing::WorkspaceLikeSchema();
  std::vector<Value> priors, configs, proposed;
};

// mode: 0 create, 1 no-op, 2 in-place update.
Workload MakeWorkload(int mode) {
  Workload w;
  const tf::Block& b = w.schema.block;
  tf::Type enc = b.FindBlock("encryption")->block.ImpliedType();
  for (int i = 0; i < kResources; ++i) {
    std::string name = absl::StrCat("ws", i);
    auto encryption = [&](bool with_computed) {
      std::map<std::string, Value> a = {
          {"key_id", Value::String(absl::StrCat("https://kv/keys/", i))}};
      if (with_computed) a["identity_client_id"] = Value::String("client");
      return Value::List(enc, {Value::Object(enc, a)});
    };
    Value config = WorkspaceConfig(
        {{"name", Value::String(name)},
         {"location", Value::String("westeurope")},
         {"description", Value::String(mode == 2 ? "changed" : "d")},
         {"tags", Value::StringMap({{"env", "prod"}, {"team", "ml"}})},
         {"encryption", encryption(false)}});
    Value prior =
        mode == 0 ? Value::Null(w.schema.ImpliedType())
                  : WorkspaceConfig(
                        {{"id", Value::String("/subscriptions/s/" + name)},
                         {"name", Value::String(name)},
                         {"location", Value::String("westeurope")},
                         {"description", Value::String("d")},
                         {"sku", Value::String("Basic")},
                         {"public_network_access_enabled", Value::Bool(false)},
                         {"etag", Value::String("etag")},
                         {"principal_id", Value::String("p")},
                         {"tags",
                          Value::StringMap({{"env", "prod"}, {"team", "ml"}})},
                         {"encryption", encryption(true)}});
    w.proposed.push_back(ProposedNew(b, prior, config));
    w.priors.push_back(std::move(prior));
    w.configs.push_back(std::move(config));
  }
  return w;
}

void BM_PlanGeneric(benchmark::State& state) {
  Workload w = MakeWorkload(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    for (int i = 0; i < kResources; ++i) {
      GenericPlan p =
          PlanGeneric(w.schema.block, w.priors[i], w.proposed[i], w.configs[i]);
      tf::Diagnostics d;
      CheckPlanValid(w.schema.block, w.priors[i], w.configs[i], p.planned, d);
      benchmark::DoNotOptimize(p);
    }
  }
  state.SetItemsProcessed(state.iterations() * kResources);
}
BENCHMARK(BM_PlanGeneric)
    ->Arg(0)
    ->Arg(1)
    ->Arg(2)
    ->ArgName("create0_noop1_update2")
    ->Unit(benchmark::kMillisecond);

void BM_ServerPlanResourceChange(benchmark::State& state) {
  Workload w = MakeWorkload(static_cast<int>(state.range(0)));
  auto provider = std::make_unique<testing::FakeProvider>();
  provider->schema.block.description = "bench";
  testing::FakeResource r;
  r.type_name = "fake_workspace";
  r.schema = w.schema;
  provider->AddResource(r);
  ProviderServer server(std::move(provider));
  const tf::Type type = w.schema.ImpliedType();
  std::vector<PlanResourceChangeRequest> reqs;
  for (int i = 0; i < kResources; ++i) {
    PlanResourceChangeRequest req;
    req.type_name = "fake_workspace";
    req.prior_state.msgpack = *tf::EncodeMsgpack(w.priors[i], type);
    req.proposed_new_state.msgpack = *tf::EncodeMsgpack(w.proposed[i], type);
    req.config.msgpack = *tf::EncodeMsgpack(w.configs[i], type);
    reqs.push_back(std::move(req));
  }
  for (auto _ : state) {
    for (const auto& req : reqs) {
      PlanResourceChangeResponse resp = server.PlanResourceChange(req);
      if (resp.diagnostics.HasError()) {
        state.SkipWithError(resp.diagnostics.ToString().c_str());
        return;
      }
      benchmark::DoNotOptimize(resp);
    }
  }
  state.SetItemsProcessed(state.iterations() * kResources);
}
BENCHMARK(BM_ServerPlanResourceChange)
    ->Arg(0)
    ->Arg(1)
    ->Arg(2)
    ->ArgName("create0_noop1_update2")
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace secureaml::core
