// emulator_bench: what the provider costs against the local ARM emulator,
// driven through the conformance client exactly as Terraform drives it.
//
//   emulator_bench refresh --provider P --emulator E [--resources 500]
//                          [--parallelism 10]
//   emulator_bench apply   --provider P --emulator E --scenario S
//                          [--emulator-config C] [--parallelism 10]
//                          [--throttle-storm]
//
// refresh: seeds N workspaces in the emulator, imports them, then times a
//   Terraform-style refresh (UpgradeResourceState + ReadResource for every
//   instance, `parallelism` at a time) and reports the ARM GETs it issued and
//   the provider's peak RSS (VmHWM).
// apply: applies the scenario's resources in dependency order, `parallelism`
//   at a time as Terraform's graph walk does, and compares the wall time
//   with the critical path of the operations the emulator ran (their
//   configured durations) and the ARM requests with the budget of one write,
//   Retry-After-paced polls and one final read per operation.
//   --throttle-storm injects 429s (with Retry-After) into writes, polls and
//   reads and reports the retries this caused.
//
// Besides readable lines it prints one row per figure for scripts/bench.sh:
//   @bench<TAB>figure<TAB>value<TAB>unit<TAB>op<TAB>target
// with op one of "<=", ">=", "info". Exit status: 0 when the run completed
// (targets are judged by the script), 1 when it could not, 2 on usage.
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "provider/azure/http_transport.h"
#include "tests/bench/apply_accounting.h"
#include "tests/conformance/emulator_process.h"
#include "tests/conformance/lifecycle.h"
#include "tests/conformance/scenario.h"

namespace secureaml::bench {
namespace {

using conformance::EmulatorOptions;
using conformance::EmulatorProcess;
using conformance::Findings;
using conformance::InstanceState;
using conformance::Lifecycle;
using conformance::PlannedChange;
using conformance::ProviderClient;
using conformance::ProviderSession;
using conformance::Scenario;
using conformance::ScenarioResource;
using conformance::SessionOptions;
using nlohmann::json;

constexpr char kWorkspaceType[] = "secureaml_workspace";

void Row(const std::string& figure, double value, const std::string& unit,
         const std::string& op, const std::string& target) {
  std::printf("@bench\t%s\t%.4g\t%s\t%s\t%s\n", figure.c_str(), value,
              unit.c_str(), op.c_str(), target.c_str());
  std::fflush(stdout);
}

int Fail(const std::string& what) {
  std::fprintf(stderr, "emulator_bench: %s\n", what.c_str());
  return 1;
}

// Calls the emulator's admin API (/_emulator/...) over its HTTPS port.
class AdminClient {
 public:
  static absl::StatusOr<AdminClient> Connect(const EmulatorProcess& emu) {
    azure::TransportOptions o;
    auto it = emu.ProviderEnv().find("SSL_CERT_FILE");
    if (it != emu.ProviderEnv().end()) o.ca_bundle_path = it->second;
    auto t = azure::MakeCppRestTransport(o);
    if (!t.ok()) return t.status();
    return AdminClient(emu.url(), *std::move(t));
  }

  absl::StatusOr<json> Call(const std::string& method, const std::string& path,
                            const std::string& body = "") const {
    azure::HttpRequest req;
    req.method = method;
    req.url = absl::StrCat(url_, "/_emulator", path);
    req.body = body;
    if (!body.empty()) req.headers.Set("Content-Type", "application/json");
    req.deadline = absl::Now() + absl::Seconds(30);
    auto r = transport_->Send(req, {});
    if (!r.ok()) return r.status();
    if (r->status >= 300) {
      return absl::InternalError(absl::StrCat(
          method, " /_emulator", path, " -> ", r->status, ": ", r->body));
    }
    if (r->body.empty()) return json();
    json j = json::parse(r->body, nullptr, false);
    if (j.is_discarded()) return absl::InternalError("admin reply not JSON");
    return j;
  }

 private:
  AdminClient(std::string url, std::shared_ptr<azure::HttpTransport> t)
      : url_(std::move(url)), transport_(std::move(t)) {}
  std::string url_;
  std::shared_ptr<azure::HttpTransport> transport_;
};

// Peak resident set (VmHWM) of a live process, in MiB; -1 if unreadable.
double PeakRssMiB(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) != 0) continue;
    std::vector<std::string> f = absl::StrSplit(
        line.substr(6), absl::ByAnyChar(" \t"), absl::SkipEmpty());
    double kb = 0;
    if (!f.empty() && absl::SimpleAtod(f[0], &kb)) return kb / 1024.0;
  }
  return -1;
}

std::string WriteTempFile(const std::string& text) {
  char path[] = "/tmp/emulator-bench-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) return "";
  ssize_t n = write(fd, text.data(), text.size());
  close(fd);
  return n == static_cast<ssize_t>(text.size()) ? path : "";
}

struct Args {
  std::string mode, provider, emulator, scenario, emulator_config;
  int resources = 500;
  int parallelism = 10;  // terraform's default -parallelism
  bool throttle_storm = false;
};

SessionOptions BaseSession(const Args& args, const EmulatorProcess& emu) {
  SessionOptions so;
  so.process.binary = args.provider;
  so.process.env = emu.ProviderEnv();
  so.process.env["ARM_USE_CLI"] = "false";
  return so;
}

// A client of its own per worker on the session's channel: Terraform calls
// one provider process from many goroutines at once.
std::unique_ptr<ProviderClient> WorkerClient(ProviderSession& session) {
  auto c = std::make_unique<ProviderClient>(
      session.process().channel(),
      session.process().handshake().protocol_version, session.options().client);
  c->SetSchemas(session.schemas());
  return c;
}

// Runs fn(i) for i in [0, n) on `parallelism` threads, each with its own
// worker client.
template <typename Fn>
void ParallelFor(ProviderSession& session, int n, int parallelism, Fn fn) {
  std::atomic<int> next{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < std::max(1, parallelism); ++t) {
    threads.emplace_back([&] {
      std::unique_ptr<ProviderClient> client = WorkerClient(session);
      for (int i = next++; i < n; i = next++) fn(*client, i);
    });
  }
  for (auto& th : threads) th.join();
}

// --- refresh ---------------------------------------------------------------

int RunRefresh(const Args& args) {
  // Zero durations and no throttling: this measures the provider, and the
  // apply benchmark covers both.
  std::string config = WriteTempFile(R"({
    "durations": {"default": {"create_seconds": 0, "update_seconds": 0,
                              "delete_seconds": 0, "retry_after_seconds": 1}},
    "throttling": {"reads": {"capacity": 1000000, "refill_per_second": 1000000},
                   "writes": {"capacity": 1000000, "refill_per_second": 1000000}},
    "principal_replication_seconds": 0})");
  EmulatorOptions eo;
  eo.binary = args.emulator;
  eo.config_file = config;
  auto emu = EmulatorProcess::Start(eo);
  std::remove(config.c_str());
  if (!emu.ok()) return Fail("emulator: " + emu.status().ToString());
  auto admin = AdminClient::Connect(**emu);
  if (!admin.ok()) return Fail("admin: " + admin.status().ToString());
  const json& lz = (*emu)->landing_zone();

  Findings findings;
  auto session = ProviderSession::Start(BaseSession(args, **emu), &findings);
  if (!session.ok()) return Fail("provider: " + session.status().ToString());
  Lifecycle lc(**session);
  const conformance::ConfigSchema* schema = lc.ResourceSchema(kWorkspaceType);
  if (schema == nullptr) return Fail("no secureaml_workspace schema");

  // One workspace through the provider, so the stored body is exactly what
  // ARM returns for it; the rest are copies seeded behind ARM's back.
  // The secure platform's workspace (examples/secure-platform).
  json ws_config = {
      {"name", "bench-ws-0"},
      {"resource_group_name", lz.value("resource_group_name", "")},
      {"location", lz.value("location", "")},
      {"storage_account_id", lz.value("storage_account_id", "")},
      {"key_vault_id", lz.value("key_vault_id", "")},
      {"container_registry_id", lz.value("container_registry_id", "")},
      {"application_insights_id", lz.value("application_insights_id", "")},
      {"image_build_compute_name", "image-builder"},
      {"tags", {{"environment", "secure-ml"}, {"owner", "platform-team"}}},
      {"encryption",
       {{"key_vault_id", lz.value("key_vault_id", "")},
        {"key_id", lz.value("key_versioned_id", "")}}}};
  std::vector<std::string> errors;
  auto cfg = conformance::DecodeConfigJson(schema->block, ws_config, &errors);
  if (!cfg.ok() || !errors.empty()) return Fail("workspace config rejected");
  InstanceState first;
  first.value = tf::Value::Null(schema->block.ImpliedType());
  auto plan = lc.Plan(kWorkspaceType, "secureaml_workspace.seed", first, *cfg);
  if (plan) first = lc.Apply(*plan);
  std::optional<std::string> first_id =
      first.value.IsNull() ? std::nullopt : first.value.GetString("id");
  if (!first_id) return Fail("seed workspace failed:\n" + findings.Report());
  auto body = admin->Call("GET", "/resources?id=" + *first_id);
  if (!body.ok()) return Fail(body.status().ToString());

  std::vector<std::string> ids = {*first_id};
  std::string prefix = first_id->substr(0, first_id->rfind('/') + 1);
  absl::Time seed_start = absl::Now();
  for (int i = 1; i < args.resources; ++i) {
    std::string name = absl::StrCat("bench-ws-", i);
    json copy = *body;
    copy["id"] = prefix + name;
    copy["name"] = name;
    auto put =
        admin->Call("PUT", "/resources?id=" + prefix + name, copy.dump());
    if (!put.ok()) return Fail("seed: " + put.status().ToString());
    ids.push_back(prefix + name);
  }
  std::printf("seeded %d workspaces in %.2f s\n", args.resources,
              absl::ToDoubleSeconds(absl::Now() - seed_start));

  // Import (ImportResourceState + ReadResource) gives full prior states.
  std::vector<InstanceState> states(ids.size());
  std::atomic<int> import_failures{0};
  absl::Time import_start = absl::Now();
  ParallelFor(
      **session, static_cast<int>(ids.size()), args.parallelism,
      [&](ProviderClient& client, int i) {
        auto imp = client.ImportResourceState(kWorkspaceType, ids[i]);
        if (!imp.ok() || imp->diagnostics.HasError() || imp->imported.empty()) {
          ++import_failures;
          return;
        }
        auto read = client.ReadResource(kWorkspaceType, imp->imported[0].state,
                                        imp->imported[0].private_state);
        if (!read.ok() || read->diagnostics.HasError() ||
            read->new_state.IsNull()) {
          ++import_failures;
          return;
        }
        states[i].value = read->new_state;
        states[i].private_state = read->private_state;
      });
  if (import_failures > 0) {
    return Fail(absl::StrCat(import_failures.load(), " imports failed"));
  }
  std::printf("imported %zu workspaces in %.2f s\n", ids.size(),
              absl::ToDoubleSeconds(absl::Now() - import_start));

  // The refresh itself, as `terraform plan` runs it.
  if (auto r = admin->Call("POST", "/counters/reset"); !r.ok()) {
    return Fail(r.status().ToString());
  }
  std::atomic<int> refresh_failures{0}, vanished{0};
  absl::Time t0 = absl::Now();
  ParallelFor(
      **session, static_cast<int>(ids.size()), args.parallelism,
      [&](ProviderClient& client, int i) {
        auto up = client.UpgradeResourceState(
            kWorkspaceType, schema->version,
            conformance::ValueToJson(states[i].value).dump());
        if (!up.ok() || up->diagnostics.HasError()) {
          ++refresh_failures;
          return;
        }
        auto read = client.ReadResource(kWorkspaceType, up->upgraded_state,
                                        states[i].private_state);
        if (!read.ok() || read->diagnostics.HasError()) {
          ++refresh_failures;
        } else if (read->new_state.IsNull() ||
                   read->new_state != states[i].value) {
          ++vanished;  // changed or gone: a refresh of untouched objects
        }
      });
  double wall = absl::ToDoubleSeconds(absl::Now() - t0);
  double rss = PeakRssMiB((*session)->process().pid());
  auto counters = admin->Call("GET", "/counters");
  (*session)->Shutdown();
  if (!counters.ok()) return Fail(counters.status().ToString());
  if (refresh_failures > 0) {
    return Fail(absl::StrCat(refresh_failures.load(), " refreshes failed"));
  }
  RequestsByKind k = ClassifyCounters((*counters)["by_method_and_type"]);
  int n = static_cast<int>(ids.size());
  std::printf(
      "refresh of %d workspaces, parallelism %d: %.3f s, ARM GETs %lld, "
      "other ARM requests %lld, changed on refresh %d, provider VmHWM %.1f "
      "MiB\n",
      n, args.parallelism, wall, static_cast<long long>(k.reads),
      static_cast<long long>(k.writes + k.polls), vanished.load(), rss);
  std::string label = absl::StrCat("refresh ", n, " resources");
  Row(label + ": wall time", wall, "s", "info", "");
  Row(label + ": ARM GETs per resource", double(k.reads) / n, "", "<=", "1");
  Row(label + ": ARM writes+polls", double(k.writes + k.polls), "", "<=", "0");
  Row(label + ": state changed by refresh", vanished.load(), "", "<=", "0");
  Row(label + ": provider peak RSS", rss, "MiB", "<=", "30");
  return 0;
}

// --- apply -----------------------------------------------------------------

// What the graph walk records per resource.
struct Applied {
  bool done = false, ok = false;
  absl::Time start, end;
  InstanceState state;
  tf::Value data;  // data sources
  std::string error;
};

absl::StatusOr<json> WalkJson(const json& root,
                              const std::vector<std::string>& parts,
                              size_t from, const std::string& ref) {
  const json* cur = &root;
  for (size_t i = from; i < parts.size(); ++i) {
    size_t idx = 0;
    if (cur->is_object() && cur->contains(parts[i])) {
      cur = &(*cur)[parts[i]];
    } else if (cur->is_array() && absl::SimpleAtoi(parts[i], &idx) &&
               idx < cur->size()) {
      cur = &(*cur)[idx];
    } else {
      return absl::NotFoundError("${" + ref + "} not found");
    }
  }
  return *cur;
}

int RunApply(const Args& args) {
  std::ifstream in(args.scenario);
  std::stringstream ss;
  ss << in.rdbuf();
  json sj = json::parse(ss.str(), nullptr, false);
  if (!in || sj.is_discarded()) return Fail("cannot read " + args.scenario);
  auto scenario = conformance::ParseScenario(sj);
  if (!scenario.ok()) return Fail(scenario.status().ToString());
  std::string config_path = args.emulator_config.empty()
                                ? scenario->emulator_config
                                : args.emulator_config;
  json emu_config = json::object();
  if (!config_path.empty()) {
    std::ifstream cin(config_path);
    std::stringstream cs;
    cs << cin.rdbuf();
    emu_config = json::parse(cs.str(), nullptr, false);
    if (!cin || emu_config.is_discarded()) {
      return Fail("cannot read emulator config " + config_path);
    }
  }
  EmulatorOptions eo;
  eo.binary = args.emulator;
  eo.config_file = config_path;
  eo.landing_zone = true;
  auto emu = EmulatorProcess::Start(eo);
  if (!emu.ok()) return Fail("emulator: " + emu.status().ToString());
  auto admin = AdminClient::Connect(**emu);
  if (!admin.ok()) return Fail("admin: " + admin.status().ToString());

  SessionOptions so = BaseSession(args, **emu);
  for (const auto& [k, v] : scenario->provider_env) so.process.env[k] = v;
  so.provider_config = scenario->provider_config.is_null()
                           ? json::object()
                           : scenario->provider_config;
  for (const auto& [attr, var] : scenario->provider_config_from_env) {
    auto it = so.process.env.find(var);
    if (it != so.process.env.end()) so.provider_config[attr] = it->second;
  }
  Findings findings;
  auto session = ProviderSession::Start(so, &findings);
  if (!session.ok()) return Fail("provider: " + session.status().ToString());
  Lifecycle lc(**session);

  // What existed before: the landing zone's own operations and resources.
  auto before = admin->Call("GET", "/state");
  auto listed = admin->Call("GET", "/resources");
  if (!before.ok() || !listed.ok()) return Fail("cannot read emulator state");
  std::set<std::string> old_ops, old_resources;
  for (const json& op : (*before)["operations"]) old_ops.insert(op["id"]);
  for (const json& r : (*listed)["value"]) old_resources.insert(r["id"]);
  if (args.throttle_storm) {
    // Bursts of 429s with Retry-After, deterministic per seed: a third of
    // the writes, a fifth of the polls and reads.
    json storm = json::array();
    for (const auto& [phase, p, seed] :
         std::vector<std::tuple<std::string, double, int>>{
             {"initial", 0.33, 11}, {"poll", 0.2, 12}, {"get", 0.2, 13}}) {
      storm.push_back({{"kind", "status"},
                       {"status", 429},
                       {"phase", phase},
                       {"probability", p},
                       {"seed", seed},
                       {"retry_after_seconds", 1}});
    }
    if (auto r = admin->Call("POST", "/faults", storm.dump()); !r.ok()) {
      return Fail(r.status().ToString());
    }
  }
  if (auto r = admin->Call("POST", "/counters/reset"); !r.ok()) {
    return Fail(r.status().ToString());
  }

  const std::vector<ScenarioResource>& resources = scenario->resources;
  DependencyGraph deps = ScenarioDependencies(*scenario);
  std::mutex mu;  // guards `applied`; also serialises Lifecycle (not
                  // thread-safe), which only validates and plans here
  std::mutex lifecycle_mu;
  std::condition_variable changed;
  std::map<std::string, Applied> applied;
  const json& lz = (*emu)->landing_zone();
  conformance::ReferenceLookup lookup =
      [&](const std::string& ref) -> absl::StatusOr<json> {
    std::vector<std::string> parts = absl::StrSplit(ref, '.');
    if (parts[0] == "landing_zone") return WalkJson(lz, parts, 1, ref);
    if (parts[0] == "env" && parts.size() == 2) {
      auto it = so.process.env.find(parts[1]);
      if (it != so.process.env.end()) return json(it->second);
      if (const char* v = std::getenv(parts[1].c_str())) return json(v);
      return absl::NotFoundError("${" + ref + "} not set");
    }
    bool data = parts[0] == "data";
    size_t skip = data ? 1 : 0;
    if (parts.size() < skip + 3) {
      return absl::InvalidArgumentError("bad ref " + ref);
    }
    std::string address =
        (data ? "data." : "") + parts[skip] + "." + parts[skip + 1];
    auto it = applied.find(address);  // caller holds `mu`
    if (it == applied.end() || !it->second.ok) {
      return absl::NotFoundError(address + " not applied");
    }
    json v = conformance::ValueToJson(data ? it->second.data
                                           : it->second.state.value);
    return WalkJson(v, parts, skip + 2, ref);
  };

  auto apply_one = [&](const ScenarioResource& r, ProviderClient& client) {
    Applied result;
    result.start = absl::Now();
    auto finish = [&](std::string error) {
      result.end = absl::Now();
      result.done = true;
      result.ok = error.empty();
      result.error = std::move(error);
      std::lock_guard<std::mutex> l(mu);
      applied[r.Address()] = std::move(result);
      changed.notify_all();
    };
    absl::StatusOr<json> resolved;
    {
      std::lock_guard<std::mutex> l(mu);
      resolved = conformance::ResolveReferences(r.config, lookup);
    }
    if (!resolved.ok()) return finish(resolved.status().ToString());
    std::optional<PlannedChange> plan;
    {
      std::lock_guard<std::mutex> l(lifecycle_mu);
      const conformance::ConfigSchema* schema =
          r.data ? (*session)->schemas().DataSource(r.type)
                 : (*session)->schemas().Resource(r.type);
      if (schema == nullptr) return finish("no schema for " + r.type);
      std::vector<std::string> errors;
      auto cfg =
          conformance::DecodeConfigJson(schema->block, *resolved, &errors);
      if (!cfg.ok() || !errors.empty()) return finish("config rejected");
      if (r.data) {
        std::optional<tf::Value> v;
        if (lc.ValidateDataSource(r.type, r.Address(), *cfg)) {
          v = lc.ReadDataSource(r.type, r.Address(), *cfg);
        }
        if (!v) return finish("data source read failed");
        result.data = *v;
        return finish("");
      }
      InstanceState prior;
      prior.value = tf::Value::Null(schema->block.ImpliedType());
      if (lc.Validate(r.type, r.Address(), *cfg)) {
        plan = lc.Plan(r.type, r.Address(), prior, *cfg);
      }
      if (!plan) return finish("plan failed");
    }
    auto resp = client.ApplyResourceChange(r.type, plan->prior, plan->planned,
                                           plan->config, plan->planned_private);
    if (!resp.ok()) return finish(resp.status().ToString());
    result.state.value = resp->new_state;
    result.state.private_state = resp->private_state;
    if (resp->diagnostics.HasError()) {
      return finish(resp->diagnostics.ToString());
    }
    if (resp->new_state.IsNull()) return finish("apply returned null");
    finish("");
  };

  // The graph walk: start every resource whose dependencies are applied,
  // at most `parallelism` at once; stop starting new ones after a failure.
  absl::Time t0 = absl::Now();
  {
    std::vector<std::thread> running;
    std::set<std::string> started;
    std::unique_lock<std::mutex> l(mu);
    int in_flight = 0;
    bool failed = false;
    while (true) {
      for (const ScenarioResource& r : resources) {
        if (failed || in_flight >= args.parallelism) break;
        if (started.count(r.Address())) continue;
        bool ready = true;
        for (const std::string& d : deps[r.Address()]) {
          auto it = applied.find(d);
          ready = ready && it != applied.end() && it->second.ok;
        }
        if (!ready) continue;
        started.insert(r.Address());
        ++in_flight;
        running.emplace_back([&, r_ptr = &r] {
          std::unique_ptr<ProviderClient> client = WorkerClient(**session);
          apply_one(*r_ptr, *client);
        });
      }
      if (in_flight == 0) break;
      size_t done_before = applied.size();
      changed.wait(l, [&] { return applied.size() > done_before; });
      in_flight -= static_cast<int>(applied.size() - done_before);
      for (const auto& entry : applied) failed = failed || !entry.second.ok;
    }
    l.unlock();
    for (auto& th : running) th.join();
  }
  double wall = absl::ToDoubleSeconds(absl::Now() - t0);

  auto counters = admin->Call("GET", "/counters");
  auto after = admin->Call("GET", "/state");
  auto listed_after = admin->Call("GET", "/resources");
  auto faults = admin->Call("GET", "/faults");
  (*session)->Shutdown();
  if (!counters.ok() || !after.ok() || !listed_after.ok() || !faults.ok()) {
    return Fail("cannot read emulator state after the apply");
  }
  bool all_ok = applied.size() == resources.size();
  for (const auto& [address, res] : applied) {
    if (!res.ok) {
      all_ok = false;
      std::printf("FAILED %s: %s\n", address.c_str(), res.error.c_str());
    }
  }

  // Emulated time per resource: the union of its operations' intervals,
  // plus the replication delay the provider must wait out for new roles.
  std::map<std::string, std::string> id_by_address;
  for (const auto& [address, res] : applied) {
    if (auto id = res.state.value.IsNull() ? std::nullopt
                                           : res.state.value.GetString("id")) {
      id_by_address[address] = *id;
    }
  }
  std::map<std::string, std::vector<std::pair<double, double>>> intervals;
  RequestBudget budget;
  std::set<std::string> op_resources;
  std::vector<std::string> unattributed;
  for (const json& op : (*after)["operations"]) {
    if (old_ops.count(op["id"])) continue;
    absl::Time s, e;
    std::string err;
    if (!absl::ParseTime(absl::RFC3339_full, op.value("start", ""), &s, &err) ||
        !absl::ParseTime(absl::RFC3339_full, op.value("end", ""), &e, &err)) {
      return Fail("bad operation times: " + op.dump());
    }
    std::string id = op.value("resourceId", "");
    double seconds = absl::ToDoubleSeconds(e - s);
    op_resources.insert(absl::AsciiStrToLower(id));
    budget.writes_by_type[absl::AsciiStrToLower(ArmTypeOf(id))]++;
    int cap = RetryAfterCap(emu_config.value("durations", json::object()),
                            ArmTypeOf(id));
    budget.polls += PacedPolls(seconds, cap);
    std::string owner = OwnerOf(id, id_by_address);
    if (owner.empty()) {
      unattributed.push_back(id);
      continue;
    }
    intervals[owner].push_back(
        {absl::ToDoubleSeconds(s - t0), absl::ToDoubleSeconds(e - t0)});
  }
  // Resources the apply created synchronously (201 without an operation).
  // Some are stored under another path than the id in state (role
  // definitions live at tenant level), so match by name too; built-in roles
  // the emulator materialises on first use are not ours.
  auto ours = [&](const std::string& id) {
    if (!OwnerOf(id, id_by_address).empty()) return true;
    std::string name = absl::AsciiStrToLower(id.substr(id.rfind('/') + 1));
    for (const auto& entry : id_by_address) {
      if (absl::EndsWith(absl::AsciiStrToLower(entry.second), "/" + name)) {
        return true;
      }
    }
    return false;
  };
  for (const json& r : (*listed_after)["value"]) {
    std::string id = r.value("id", "");
    if (!old_resources.count(id) && ours(id) &&
        !op_resources.count(absl::AsciiStrToLower(id))) {
      budget.writes_by_type[absl::AsciiStrToLower(ArmTypeOf(id))]++;
      std::printf("created without an operation: %s\n", id.c_str());
    }
  }
  std::map<std::string, double> weight;
  double role_replication =
      emu_config.value("role_definition_replication_seconds", 0.0);
  for (const ScenarioResource& r : resources) {
    double w = UnionSeconds(intervals[r.Address()]);
    if (r.type == "secureaml_role_definition") w += role_replication;
    weight[r.Address()] = w;
  }
  auto cp = LongestPath(weight, deps);
  if (!cp.ok()) return Fail(cp.status().ToString());

  RequestsByKind k = ClassifyCounters((*counters)["by_method_and_type"]);
  int64_t fired = 0;
  for (const json& f : (*faults)["value"]) fired += f.value("fired", 0);
  Excess excess =
      RequestsBeyondBudget((*counters)["by_method_and_type"], budget);
  // Each 429 answered costs one repeated request; nothing else may.
  int64_t unexplained = std::max<int64_t>(0, excess.total - fired);

  std::printf("%-52s %9s %9s %9s\n", "resource", "start s", "wall s",
              "emulated");
  for (const ScenarioResource& r : resources) {
    const Applied& a = applied[r.Address()];
    if (!a.done) continue;
    std::printf("%-52s %9.2f %9.2f %9.2f\n", r.Address().c_str(),
                absl::ToDoubleSeconds(a.start - t0),
                absl::ToDoubleSeconds(a.end - a.start), weight[r.Address()]);
  }
  std::printf("critical path %.2f s: %s\n", cp->seconds,
              absl::StrJoin(cp->path, " -> ").c_str());
  for (const std::string& id : unattributed) {
    std::printf("operation on %s belongs to no resource's id\n", id.c_str());
  }
  std::printf(
      "ARM requests: %lld writes (budget %lld), %lld polls (Retry-After "
      "paced: %lld), %lld reads (budget %lld), %lld 429s answered; auth "
      "%lld\n",
      static_cast<long long>(k.writes),
      static_cast<long long>(excess.writes_allowed),
      static_cast<long long>(k.polls), static_cast<long long>(budget.polls),
      static_cast<long long>(k.reads),
      static_cast<long long>(excess.reads_allowed),
      static_cast<long long>(fired), static_cast<long long>(k.auth));
  std::printf("requests by method and type:\n");
  for (auto it = (*counters)["by_method_and_type"].begin();
       it != (*counters)["by_method_and_type"].end(); ++it) {
    std::printf("  %-64s %s\n", it.key().c_str(), it.value().dump().c_str());
  }
  std::printf("beyond the budget (%lld):\n",
              static_cast<long long>(excess.total));
  for (const auto& [kind, n] : excess.by_kind) {
    std::printf("  %-64s %lld\n", kind.c_str(), static_cast<long long>(n));
  }
  if (!all_ok) std::printf("%s\n", findings.Report().c_str());

  std::string label = args.throttle_storm ? "apply under 429 storm" : "apply";
  Row(label + ": completed", all_ok ? 1 : 0, "", ">=", "1");
  Row(label + ": wall time", wall, "s", "info", "");
  Row(label + ": critical path of emulated durations", cp->seconds, "s", "info",
      "");
  double overshoot =
      cp->seconds > 0 ? 100.0 * (wall - cp->seconds) / cp->seconds : 0;
  if (args.throttle_storm) {
    Row(label + ": overshoot over critical path", overshoot, "%", "info", "");
    Row(label + ": retries (429s answered)", fired, "", "info", "");
  } else {
    Row(label + ": overshoot over critical path", overshoot, "%", "<=", "5");
  }
  Row(label + ": ARM requests (writes/polls/reads)",
      static_cast<double>(k.writes + k.polls + k.reads), "", "info",
      absl::StrCat(k.writes, "/", k.polls, "/", k.reads, " vs budget ",
                   excess.writes_allowed, "/", budget.polls, "/",
                   excess.reads_allowed));
  Row(label + (args.throttle_storm
                   ? ": requests beyond budget, not 429 retries"
                   : ": requests beyond write+paced polls+read"),
      static_cast<double>(unexplained), "", "<=", "0");
  return all_ok ? 0 : 1;
}

int Usage() {
  std::fprintf(stderr,
               "usage: emulator_bench refresh --provider P --emulator E "
               "[--resources N] [--parallelism N]\n"
               "       emulator_bench apply --provider P --emulator E "
               "--scenario S [--emulator-config C] [--parallelism N] "
               "[--throttle-storm]\n");
  return 2;
}

int Main(int argc, char** argv) {
  if (argc < 2) return Usage();
  Args a;
  a.mode = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::string f = argv[i];
    auto value = [&](std::string* out) {
      if (i + 1 >= argc) return false;
      *out = argv[++i];
      return true;
    };
    std::string v;
    bool ok = true;
    if (f == "--provider") {
      ok = value(&a.provider);
    } else if (f == "--emulator") {
      ok = value(&a.emulator);
    } else if (f == "--scenario") {
      ok = value(&a.scenario);
    } else if (f == "--emulator-config") {
      ok = value(&a.emulator_config);
    } else if (f == "--resources") {
      ok = value(&v) && absl::SimpleAtoi(v, &a.resources) && a.resources > 0;
    } else if (f == "--parallelism") {
      ok =
          value(&v) && absl::SimpleAtoi(v, &a.parallelism) && a.parallelism > 0;
    } else if (f == "--throttle-storm") {
      a.throttle_storm = true;
    } else {
      ok = false;
    }
    if (!ok) return Usage();
  }
  if (a.provider.empty() || a.emulator.empty()) return Usage();
  if (a.mode == "refresh") return RunRefresh(a);
  if (a.mode == "apply" && !a.scenario.empty()) return RunApply(a);
  return Usage();
}

}  // namespace
}  // namespace secureaml::bench

int main(int argc, char** argv) { return secureaml::bench::Main(argc, argv); }
