#include "tests/fault_matrix/runner.h"

#include <fstream>
#include <future>
#include <thread>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"

namespace secureaml::fault_matrix {
namespace {

using conformance::Finding;
using conformance::Findings;
using conformance::InstanceState;
using conformance::Lifecycle;
using conformance::ProviderSession;
using conformance::SessionOptions;
using nlohmann::json;

constexpr char kResourceGroupApi[] = "2025-04-01";

std::string Lower(const std::string& s) { return absl::AsciiStrToLower(s); }

std::string PercentEncode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.' ||
        c == '~' || c == '/') {
      out.push_back(static_cast<char>(c));
    } else {
      absl::StrAppend(&out, "%", absl::Hex(c, absl::kZeroPad2));
    }
  }
  return out;
}

std::vector<Finding> Since(const Findings& f, size_t mark) {
  const auto& items = f.items();
  return std::vector<Finding>(items.begin() + std::min(mark, items.size()),
                              items.end());
}

std::string Report(const std::vector<Finding>& findings) {
  std::vector<std::string> lines;
  for (const Finding& f : findings) {
    if (f.kind == Finding::Kind::kWarning) continue;
    lines.push_back(f.ToString());
  }
  return lines.empty() ? "(no diagnostics)" : absl::StrJoin(lines, "\n");
}

}  // namespace

// ---------------------------------------------------------------------------
// RowEnv

std::string RowEnv::SubscriptionScope() const {
  return absl::StrCat("/subscriptions/", Lz("subscription_id"));
}

absl::StatusOr<azure::HttpResponse> RowEnv::Admin(const std::string& method,
                                                  const std::string& path,
                                                  const json& body) {
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

absl::StatusOr<json> RowEnv::ArmPut(const std::string& id,
                                    const std::string& api_version,
                                    const json& body) {
  return Arm("PUT", id, api_version, body);
}

absl::StatusOr<json> RowEnv::Arm(const std::string& method,
                                 const std::string& id,
                                 const std::string& api_version,
                                 const json& body) {
  if (token_.empty()) {
    auto t = Admin("POST", "/_emulator/tokens", json::object());
    if (!t.ok()) return t.status();
    token_ = json::parse(t->body, nullptr, false).value("access_token", "");
    if (token_.empty()) return absl::InternalError("no token: " + t->body);
  }
  azure::HttpRequest req;
  req.method = method;
  req.url = absl::StrCat(emu_->url(), id, "?api-version=", api_version);
  if (!body.is_null()) {
    req.body = body.dump();
    req.headers.Set("Content-Type", "application/json");
  }
  req.headers.Set("Authorization", absl::StrCat("Bearer ", token_));
  req.deadline = absl::Now() + absl::Seconds(30);
  auto r = http_->Send(req, CancellationToken());
  if (!r.ok()) return r.status();
  if (r->status >= 300) {
    return absl::InternalError(
        absl::StrCat(method, " ", id, ": HTTP ", r->status, " ", r->body));
  }
  return json::parse(r->body, nullptr, false);
}

absl::StatusOr<std::string> RowEnv::NewResourceGroup(const std::string& name) {
  auto r = ArmPut(absl::StrCat(SubscriptionScope(), "/resourceGroups/", name),
                  kResourceGroupApi, {{"location", Lz("location")}});
  if (!r.ok()) return r.status();
  return name;
}

absl::StatusOr<std::string> RowEnv::NewUser(const std::string& display_name) {
  auto r = Admin("POST", "/_emulator/principals",
                 {{"displayName", display_name},
                  {"type", "User"},
                  {"replication_delay_seconds", 0}});
  if (!r.ok()) return r.status();
  std::string id = json::parse(r->body, nullptr, false).value("objectId", "");
  if (r->status != 201 || id.empty()) {
    return absl::InternalError("principal: " + r->body);
  }
  return id;
}

absl::StatusOr<tf::Value> RowEnv::Config(const std::string& type,
                                         const json& config) {
  const conformance::ConfigSchema* schema = lc_->ResourceSchema(type);
  if (schema == nullptr) return absl::NotFoundError("no schema for " + type);
  std::vector<std::string> errors;
  auto value = conformance::DecodeConfigJson(schema->block, config, &errors);
  if (!value.ok()) return value.status();
  if (!errors.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(type, " config: ", absl::StrJoin(errors, "; ")));
  }
  return *value;
}

absl::StatusOr<InstanceState> RowEnv::CreateWithProvider(
    const std::string& type, const std::string& name, const json& config) {
  auto value = Config(type, config);
  if (!value.ok()) return value.status();
  std::string address = absl::StrCat(type, ".", name);
  size_t mark = findings_->items().size();
  auto plan = lc_->Plan(type, address, InstanceState(), *value);
  InstanceState state;
  if (plan) state = lc_->Apply(*plan);
  if (!plan || state.value.IsNull() || state.tainted) {
    return absl::InternalError(absl::StrCat("prerequisite ", address,
                                            " failed:\n",
                                            Report(Since(*findings_, mark))));
  }
  return state;
}

// ---------------------------------------------------------------------------
// RowRunner

RowRunner::RowRunner(const ResourceRow& row, Binaries binaries)
    : row_(row), binaries_(std::move(binaries)) {}

RowRunner::~RowRunner() {
  lc_.reset();
  if (session_) session_->Shutdown();
  session_.reset();
  emu_.reset();
}

absl::Status RowRunner::SetUp() {
  // Instant operations, no replication lag: the cells are about faults.
  std::string config_path = absl::StrCat("/tmp/fault-matrix-", getpid(), "-",
                                         row_.traits.type_name, ".json");
  std::ofstream(config_path) << json{
      {"durations",
       {{"default",
         {{"create_seconds", 0},
          {"update_seconds", 0},
          {"delete_seconds", 0},
          {"retry_after_seconds", 1}}}}},
      {"principal_replication_seconds", 0},
      {"role_definition_replication_seconds",
       0}}.dump();
  conformance::EmulatorOptions eo;
  eo.binary = binaries_.emulator;
  eo.landing_zone = true;
  eo.config_file = config_path;
  auto emu = conformance::EmulatorProcess::Start(eo);
  std::remove(config_path.c_str());
  if (!emu.ok()) return emu.status();
  emu_ = *std::move(emu);

  azure::TransportOptions to;
  auto ca = emu_->ProviderEnv().find("SSL_CERT_FILE");
  if (ca != emu_->ProviderEnv().end()) to.ca_bundle_path = ca->second;
  auto transport = azure::MakeCppRestTransport(to);
  if (!transport.ok()) return transport.status();

  SessionOptions so;
  so.process.binary = binaries_.provider;
  so.process.env = emu_->ProviderEnv();
  auto session = ProviderSession::Start(so, &findings_);
  if (!session.ok()) {
    return absl::Status(
        session.status().code(),
        absl::StrCat(session.status().message(), "\n", findings_.Report()));
  }
  session_ = *std::move(session);
  lc_ = std::make_unique<Lifecycle>(*session_);

  env_.emu_ = emu_.get();
  env_.http_ = *transport;
  env_.lc_ = lc_.get();
  env_.findings_ = &findings_;
  env_.lz_ = emu_->landing_zone();
  if (!env_.lz_.is_object()) return absl::InternalError("no landing zone");
  // The built-in roles appear on the first read of one; read one now so no
  // cell's baseline misses them.
  auto reader = env_.Arm("GET",
                         absl::StrCat(env_.SubscriptionScope(),
                                      "/providers/Microsoft.Authorization/"
                                      "roleDefinitions/",
                                      kReaderRoleGuid),
                         "2022-04-01");
  if (!reader.ok()) return reader.status();
  if (row_.prepare) return row_.prepare(env_);
  return absl::OkStatus();
}

std::vector<CellResult> RowRunner::Run(const std::string& filter) {
  std::vector<Cell> cells;
  for (const Cell& c : CellsFor(row_.traits)) {
    if (filter.empty() || absl::StrContains(c.Name(), filter)) {
      cells.push_back(c);
    }
  }
  std::vector<CellResult> results;
  if (cells.empty()) return results;
  absl::Status setup = SetUp();
  for (size_t i = 0; i < cells.size(); ++i) {
    if (!setup.ok()) {
      results.push_back(
          {cells[i],
           {absl::StrCat("row set-up failed: ", setup.ToString())},
           absl::ZeroDuration(),
           ""});
      continue;
    }
    results.push_back(RunCell(cells[i], static_cast<int>(i)));
  }
  return results;
}

CellResult RowRunner::RunCell(const Cell& cell, int index) {
  CellResult out{cell, {}, absl::ZeroDuration(), ""};
  absl::Time start = absl::Now();
  absl::StatusOr<json> config = row_.config(env_, absl::StrCat("fm", index));
  if (!config.ok()) {
    out.failures.push_back(
        absl::StrCat("cell config: ", config.status().ToString()));
    return out;
  }
  (*config)["timeouts"] = TimeoutsFor(cell);
  if (cell.fault == Fault::kOutOfBandDeletion) {
    RunOutOfBandDeletion(cell, *config, out);
  } else {
    RunCreateCell(cell, *config, out);
  }
  ClearFaults();
  out.took = absl::Now() - start;
  return out;
}

void RowRunner::RunCreateCell(const Cell& cell, const json& config,
                              CellResult& out) {
  const std::string& type = row_.traits.type_name;
  const std::string address = absl::StrCat(type, ".cell");
  auto value = env_.Config(type, config);
  if (!value.ok()) {
    out.failures.push_back(value.status().ToString());
    return;
  }
  auto baseline = Resources();
  if (!baseline.ok()) {
    out.failures.push_back(baseline.status().ToString());
    return;
  }
  size_t mark = findings_.items().size();
  auto plan = lc_->Plan(type, address, InstanceState(), *value);
  if (!plan) {
    out.failures.push_back("plan failed:\n" + Report(Since(findings_, mark)));
    return;
  }
  auto ids = InstallFaults(FaultRules(cell, row_.traits.write_type));
  if (!ids.ok() || ids->empty()) {
    out.failures.push_back(
        absl::StrCat("installing the faults: ",
                     ids.ok() ? "no rule" : ids.status().ToString()));
    return;
  }

  InstanceState state;
  std::vector<Finding> apply_findings;
  if (cell.fault == Fault::kStopProvider) {
    // Its own provider process: after StopProvider it serves nothing more.
    Findings stop_findings;
    SessionOptions so = session_->options();
    auto stop_session = ProviderSession::Start(so, &stop_findings);
    if (!stop_session.ok()) {
      out.failures.push_back(stop_session.status().ToString());
      return;
    }
    Lifecycle stop_lc(**stop_session);
    absl::Time stop_sent = absl::InfiniteFuture();
    std::thread stopper([&] {
      absl::Time give_up = absl::Now() + absl::Seconds(20);
      while (absl::Now() < give_up && Fired((*ids)[0]) < 1) {
        absl::SleepFor(absl::Milliseconds(20));
      }
      stop_sent = absl::Now();
      (*stop_session)->client().Stop().IgnoreError();
    });
    state = stop_lc.Apply(*plan);
    absl::Time returned = absl::Now();
    stopper.join();
    if (returned - stop_sent > absl::Seconds(3)) {
      out.failures.push_back(absl::StrCat(
          "apply returned ", absl::FormatDuration(returned - stop_sent),
          " after StopProvider (want < 3s)"));
    }
    (*stop_session)->Shutdown();
    apply_findings = stop_findings.items();
  } else {
    state = lc_->Apply(*plan);
    apply_findings = Since(findings_, mark);
  }
  if (Fired((*ids)[0]) < 1) {
    out.failures.push_back(
        "the injected fault never fired: the cell tested nothing");
  }
  if (cell.fault == Fault::kServerError && ids->size() > 1 &&
      Fired((*ids)[1]) < 1) {
    out.failures.push_back("the 503 after the 500 never fired");
  }
  ClearFaults();
  out.outcome = Report(apply_findings);
  Expectation expect = ExpectationFor(cell);
  if (row_.adjust) row_.adjust(cell, expect);
  CheckOutcome(expect, apply_findings, state, out);
  CheckAndCleanUp(cell, expect, address, *value, *baseline, std::move(state),
                  out);
}

void RowRunner::RunOutOfBandDeletion(const Cell& cell, const json& config,
                                     CellResult& out) {
  const std::string& type = row_.traits.type_name;
  const std::string address = absl::StrCat(type, ".cell");
  auto baseline = Resources();
  if (!baseline.ok()) {
    out.failures.push_back(baseline.status().ToString());
    return;
  }
  auto created = env_.CreateWithProvider(type, "cell", config);
  if (!created.ok()) {
    out.failures.push_back(created.status().ToString());
    return;
  }
  InstanceState state = *created;
  json target_config =
      cell.operation == Operation::kUpdate ? row_.update(config) : config;
  auto value = env_.Config(type, target_config);
  if (!value.ok()) {
    out.failures.push_back(value.status().ToString());
    return;
  }
  size_t mark = findings_.items().size();
  std::optional<conformance::PlannedChange> plan =
      cell.operation == Operation::kUpdate
          ? lc_->Plan(type, address, state, *value)
          : lc_->PlanDestroy(type, address, state);
  if (!plan) {
    out.failures.push_back("plan failed:\n" + Report(Since(findings_, mark)));
    return;
  }
  // Someone deletes the object in the portal between plan and apply.
  int deleted = 0;
  for (const EmulatorResource& r : NewSince(*baseline)) {
    if (!absl::EqualsIgnoreCase(r.type, row_.traits.write_type)) continue;
    auto d =
        env_.Admin("DELETE", "/_emulator/resources?id=" + PercentEncode(r.id));
    if (d.ok() && d->status == 204) ++deleted;
  }
  if (deleted == 0) {
    out.failures.push_back("nothing of type " + row_.traits.write_type +
                           " to delete out of band");
  }
  state = lc_->Apply(*plan);
  out.outcome = Report(Since(findings_, mark));
  Expectation expect = ExpectationFor(cell);
  if (row_.adjust) row_.adjust(cell, expect);
  CheckOutcome(expect, Since(findings_, mark), state, out);
  if (cell.operation == Operation::kDestroy && !state.value.IsNull()) {
    out.failures.push_back("destroy of a vanished object kept it in state");
  }
  CheckAndCleanUp(cell, expect, address, *value, *baseline, std::move(state),
                  out);
}

void RowRunner::CheckOutcome(const Expectation& expect,
                             const std::vector<Finding>& findings,
                             const InstanceState& state, CellResult& out) {
  std::vector<const Finding*> errors;
  for (const Finding& f : findings) {
    if (f.kind == Finding::Kind::kViolation) {
      out.failures.push_back("protocol violation:\n" + f.ToString());
    } else if (f.kind == Finding::Kind::kProviderError) {
      errors.push_back(&f);
    }
  }
  if (expect.succeeds && !(expect.may_fail && !errors.empty())) {
    if (!errors.empty()) {
      out.failures.push_back("expected success, got:\n" + Report(findings));
    }
    return;
  }
  if (errors.empty()) {
    out.failures.push_back("expected an error diagnostic, the apply succeeded");
    return;
  }
  for (const std::string& text : expect.diagnostic_contains) {
    bool found = false;
    for (const Finding* f : errors) {
      if (absl::StrContains(Lower(f->summary + "\n" + f->detail),
                            Lower(text))) {
        found = true;
      }
    }
    if (!found) {
      out.failures.push_back(absl::StrCat("no error diagnostic contains \"",
                                          text, "\":\n", Report(findings)));
    }
  }
}

void RowRunner::CheckAndCleanUp(const Cell& cell, const Expectation& expect,
                                const std::string& address,
                                const tf::Value& config,
                                const Snapshot& baseline, InstanceState state,
                                CellResult& out) {
  const std::string& type = row_.traits.type_name;
  std::vector<EmulatorResource> fresh = NewSince(baseline);

  bool wrote = false;
  for (const EmulatorResource& r : fresh) {
    if (absl::EqualsIgnoreCase(r.type, row_.traits.write_type)) wrote = true;
  }
  if (expect.remote == Expectation::Remote::kExists && !wrote) {
    out.failures.push_back("expected the object in Azure, it is not there");
  }
  if (expect.remote == Expectation::Remote::kAbsent && wrote) {
    out.failures.push_back("expected no object in Azure, one exists");
  }
  if (expect.succeeds && !expect.may_fail &&
      cell.operation != Operation::kDestroy &&
      (state.value.IsNull() || state.tainted)) {
    out.failures.push_back(
        "a successful apply returned no (or a tainted) "
        "state");
  }

  // A: nothing Azure holds escapes the returned state.
  for (const EmulatorResource& r : fresh) {
    if (!Tracks(state.value, r.id)) {
      out.failures.push_back(absl::StrCat(
          "LOST: Azure holds ", r.id, " but the returned state ",
          state.value.IsNull() ? "is empty" : "does not track it"));
    }
  }

  // B: the next refresh keeps what exists and drops what does not.
  if (!state.value.IsNull()) {
    size_t mark = findings_.items().size();
    InstanceState refreshed = state;
    if (!lc_->Refresh(type, address, refreshed)) {
      out.failures.push_back("refresh failed:\n" +
                             Report(Since(findings_, mark)));
    } else {
      fresh = NewSince(baseline);
      bool points_somewhere = false;
      for (const EmulatorResource& r : fresh) {
        if (Tracks(refreshed.value, r.id)) points_somewhere = true;
        if (!Tracks(refreshed.value, r.id)) {
          out.failures.push_back(
              absl::StrCat("LOST on refresh: Azure holds ", r.id,
                           " but the refreshed state does not track it"));
        }
      }
      if (!refreshed.value.IsNull() && !points_somewhere) {
        out.failures.push_back(
            "DANGLING: the state points at nothing in Azure and the refresh "
            "kept it");
      }
      if (expect.succeeds && !expect.may_fail && !refreshed.value.IsNull() &&
          cell.operation != Operation::kDestroy) {
        size_t plan_mark = findings_.items().size();
        conformance::ExpectNoChanges(*lc_, type, address, refreshed, config);
        for (const Finding& f : Since(findings_, plan_mark)) {
          if (f.kind != Finding::Kind::kWarning) {
            out.failures.push_back("re-plan after the fault:\n" + f.ToString());
          }
        }
      }
      state.value = refreshed.value;
      state.private_state = refreshed.private_state;
    }
  }

  // Clean up through the provider, then out of band for anything left.
  if (!state.value.IsNull()) {
    size_t mark = findings_.items().size();
    auto plan = lc_->PlanDestroy(type, address, state);
    InstanceState after = plan ? lc_->Apply(*plan) : state;
    if (!after.value.IsNull()) {
      out.failures.push_back("destroy after the cell failed:\n" +
                             Report(Since(findings_, mark)));
    }
  }
  for (const EmulatorResource& r : NewSince(baseline)) {
    env_.Admin("DELETE", "/_emulator/resources?id=" + PercentEncode(r.id))
        .IgnoreError();
  }
}

absl::StatusOr<RowRunner::Snapshot> RowRunner::Resources() {
  auto r = env_.Admin("GET", "/_emulator/resources");
  if (!r.ok()) return r.status();
  json j = json::parse(r->body, nullptr, false);
  if (!j.is_object() || !j["value"].is_array()) {
    return absl::InternalError("resources: " + r->body);
  }
  Snapshot out;
  for (const json& e : j["value"]) {
    EmulatorResource res{e.value("id", ""), e.value("type", ""),
                         e.value("visible", false)};
    out[Lower(res.id)] = res;
  }
  return out;
}

std::vector<RowRunner::EmulatorResource> RowRunner::NewSince(
    const Snapshot& baseline) {
  std::vector<EmulatorResource> out;
  auto now = Resources();
  if (!now.ok()) return out;
  for (const auto& [key, r] : *now) {
    if (!baseline.count(key)) out.push_back(r);
  }
  return out;
}

bool RowRunner::Tracks(const tf::Value& state, const std::string& id) const {
  if (state.IsNull() || !state.IsKnown()) return false;
  if (row_.tracks) return row_.tracks(state, id);
  std::string own = Lower(state.GetString("id").value_or(""));
  std::string other = Lower(id);
  return !own.empty() && (other == own || absl::StartsWith(other, own + "/"));
}

absl::StatusOr<std::vector<std::string>> RowRunner::InstallFaults(
    const json& rules) {
  std::vector<std::string> ids;
  if (rules.empty()) return ids;
  auto r = env_.Admin("POST", "/_emulator/faults", rules);
  if (!r.ok()) return r.status();
  json j = json::parse(r->body, nullptr, false);
  if (r->status != 201 || !j.contains("ids")) {
    return absl::InternalError("faults: " + r->body);
  }
  for (const json& id : j["ids"]) ids.push_back(id.get<std::string>());
  return ids;
}

int RowRunner::Fired(const std::string& id) {
  auto r = env_.Admin("GET", "/_emulator/faults");
  if (!r.ok()) return -1;
  json j = json::parse(r->body, nullptr, false);
  if (!j.is_object() || !j["value"].is_array()) return -1;
  for (const json& rule : j["value"]) {
    if (rule.value("id", "") == id) return rule.value("fired", 0);
  }
  return -1;
}

void RowRunner::ClearFaults() {
  env_.Admin("DELETE", "/_emulator/faults").IgnoreError();
}

}  // namespace secureaml::fault_matrix
