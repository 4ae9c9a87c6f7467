#include "tests/conformance/scenario.h"

#include <cstdlib>
#include <memory>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "tests/conformance/emulator_process.h"

namespace secureaml::conformance {
namespace {

absl::StatusOr<nlohmann::json> WalkJson(const nlohmann::json& root,
                                        const std::vector<std::string>& parts,
                                        size_t from, const std::string& ref) {
  const nlohmann::json* cur = &root;
  for (size_t i = from; i < parts.size(); ++i) {
    const std::string& p = parts[i];
    if (cur->is_object() && cur->contains(p)) {
      cur = &cur->at(p);
      continue;
    }
    size_t idx = 0;
    if (cur->is_array() && absl::SimpleAtoi(p, &idx) && idx < cur->size()) {
      cur = &(*cur)[idx];
      continue;
    }
    return absl::NotFoundError(
        absl::StrCat("Reference to undeclared or "
                     "unknown attribute: ${",
                     ref, "} (no \"", p, "\")"));
  }
  if (cur->is_string() && cur->get<std::string>() == "(known after apply)") {
    return absl::FailedPreconditionError("${" + ref + "} is not known yet");
  }
  return *cur;
}

std::string Stringify(const nlohmann::json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_null()) return "";
  return j.dump();
}

absl::StatusOr<nlohmann::json> ResolveString(const std::string& s,
                                             const ReferenceLookup& lookup) {
  // Exactly one reference: keep the referenced value's type.
  if (s.size() > 3 && s.rfind("${", 0) == 0 && s.back() == '}' &&
      s.find("${", 2) == std::string::npos && s.find('}') == s.size() - 1) {
    return lookup(s.substr(2, s.size() - 3));
  }
  std::string out;
  size_t pos = 0;
  while (true) {
    size_t open = s.find("${", pos);
    if (open == std::string::npos) {
      out += s.substr(pos);
      break;
    }
    size_t close = s.find('}', open);
    if (close == std::string::npos) {
      return absl::InvalidArgumentError("unterminated ${ in \"" + s + "\"");
    }
    out += s.substr(pos, open - pos);
    auto v = lookup(s.substr(open + 2, close - open - 2));
    if (!v.ok()) return v.status();
    out += Stringify(*v);
    pos = close + 1;
  }
  return nlohmann::json(out);
}

std::string Line(const std::string& step, const std::string& address,
                 absl::Duration d, const std::string& status) {
  return absl::StrFormat("%-17s %-52s %10.1f ms  %s", step, address,
                         absl::ToDoubleMilliseconds(d), status);
}

}  // namespace

absl::StatusOr<Scenario> ParseScenario(const nlohmann::json& j) {
  if (!j.is_object())
    return absl::InvalidArgumentError("scenario: not an object");
  Scenario s;
  if (j.contains("provider")) {
    const auto& p = j.at("provider");
    if (p.contains("config")) s.provider_config = p.at("config");
    if (p.contains("config_from_env")) {
      for (auto it = p.at("config_from_env").begin();
           it != p.at("config_from_env").end(); ++it) {
        if (!it.value().is_string()) {
          return absl::InvalidArgumentError(
              "provider.config_from_env values must be variable names");
        }
        s.provider_config_from_env[it.key()] = it.value().get<std::string>();
      }
    }
    if (p.contains("env")) {
      for (auto it = p.at("env").begin(); it != p.at("env").end(); ++it) {
        s.provider_env[it.key()] = Stringify(it.value());
      }
    }
    if (p.contains("protocol"))
      s.protocol_versions = Stringify(p.at("protocol"));
  }
  if (j.contains("emulator") && !j.at("emulator").is_null() &&
      j.at("emulator") != false) {
    s.use_emulator = true;
    const auto& e = j.at("emulator");
    if (e.is_object()) {
      s.emulator_landing_zone = e.value("landing_zone", true);
      s.emulator_config = e.value("config", "");
    }
  }
  if (!j.contains("resources") || !j.at("resources").is_array()) {
    return absl::InvalidArgumentError("scenario: \"resources\" must be a list");
  }
  std::set<std::string> seen;
  for (const auto& r : j.at("resources")) {
    ScenarioResource res;
    res.data = r.value("data", false);
    res.type = r.value("type", "");
    res.name = r.value("name", "");
    if (res.type.empty() || res.name.empty()) {
      return absl::InvalidArgumentError(
          "scenario: every resource needs \"type\" and \"name\"");
    }
    res.config =
        r.contains("config") ? r.at("config") : nlohmann::json::object();
    if (r.contains("update")) res.update = r.at("update");
    res.import_id_attribute = r.value("import_id_attribute", "id");
    if (r.contains("import_ignore")) {
      res.import_ignore = r.at("import_ignore").get<std::vector<std::string>>();
    }
    res.import = r.value("import", true);
    res.expect_replace_on_update = r.value("expect_replace_on_update", false);
    res.check_destroyed = r.value("check_destroyed", true);
    if (!seen.insert(res.Address()).second) {
      return absl::InvalidArgumentError("scenario: duplicate " + res.Address());
    }
    s.resources.push_back(std::move(res));
  }
  if (j.contains("steps")) {
    s.steps = j.at("steps").get<std::vector<std::string>>();
  } else {
    s.steps = {"apply",           "plan-no-changes", "update",
               "plan-no-changes", "import",          "destroy"};
  }
  for (const std::string& st : s.steps) {
    if (st != "apply" && st != "plan-no-changes" && st != "update" &&
        st != "import" && st != "destroy") {
      return absl::InvalidArgumentError("scenario: unknown step \"" + st +
                                        "\"");
    }
  }
  return s;
}

absl::StatusOr<nlohmann::json> ResolveReferences(
    const nlohmann::json& in, const ReferenceLookup& lookup) {
  if (in.is_string()) return ResolveString(in.get<std::string>(), lookup);
  if (in.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& e : in) {
      auto v = ResolveReferences(e, lookup);
      if (!v.ok()) return v.status();
      out.push_back(*std::move(v));
    }
    return out;
  }
  if (in.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (auto it = in.begin(); it != in.end(); ++it) {
      auto v = ResolveReferences(it.value(), lookup);
      if (!v.ok()) return v.status();
      out[it.key()] = *std::move(v);
    }
    return out;
  }
  return in;
}

ScenarioResult RunScenario(const Scenario& scenario,
                           const ScenarioOptions& options) {
  ScenarioResult result;
  absl::Time t0 = absl::Now();
  Findings& F = result.findings;
  auto log = [&](const std::string& line) {
    result.lines.push_back(line);
    if (options.log) options.log(line);
  };
  auto finish = [&]() -> ScenarioResult {
    result.total = absl::Now() - t0;
    size_t managed = 0, data = 0;
    for (const auto& r : scenario.resources) (r.data ? data : managed)++;
    result.ok = F.ok();
    result.summary = absl::StrFormat(
        "conformance: %s - %d resources, %d data sources, %d violations, %d "
        "errors, %d warnings, %.2f s",
        result.ok ? "PASSED" : "FAILED", managed, data,
        F.CountOf(Finding::Kind::kViolation),
        F.CountOf(Finding::Kind::kProviderError),
        F.CountOf(Finding::Kind::kWarning),
        absl::ToDoubleSeconds(result.total));
    return std::move(result);
  };

  SessionOptions so = options.session;
  std::unique_ptr<EmulatorProcess> emulator;
  std::map<std::string, std::string> extra_env;
  if (scenario.use_emulator) {
    absl::Time s = absl::Now();
    EmulatorOptions eo;
    eo.binary = options.emulator_binary;
    eo.config_file = scenario.emulator_config;
    eo.landing_zone = scenario.emulator_landing_zone;
    if (eo.binary.empty()) {
      F.Add(Finding{Finding::Kind::kProviderError, "", "emulator",
                    "No emulator binary",
                    "the scenario asks for the ARM emulator; pass --emulator "
                    "PATH"});
      return finish();
    }
    auto e = EmulatorProcess::Start(eo);
    if (!e.ok()) {
      F.Add(Finding{Finding::Kind::kProviderError, "", "emulator",
                    "Emulator failed to start",
                    std::string(e.status().message())});
      return finish();
    }
    emulator = *std::move(e);
    extra_env = emulator->ProviderEnv();
    log(Line("emulator", emulator->url(), absl::Now() - s, "ok"));
  }
  for (const auto& [k, v] : extra_env) so.process.env[k] = v;
  for (const auto& [k, v] : scenario.provider_env) so.process.env[k] = v;
  if (!scenario.protocol_versions.empty()) {
    so.process.protocol_versions = scenario.protocol_versions;
  }
  auto getenv_any = [&](const std::string& name) -> std::optional<std::string> {
    auto it = so.process.env.find(name);
    if (it != so.process.env.end()) return it->second;
    if (const char* v = std::getenv(name.c_str())) return std::string(v);
    return std::nullopt;
  };
  so.provider_config = scenario.provider_config.is_null()
                           ? nlohmann::json::object()
                           : scenario.provider_config;
  for (const auto& [attr, var] : scenario.provider_config_from_env) {
    if (auto v = getenv_any(var)) so.provider_config[attr] = *v;
  }

  absl::Time s = absl::Now();
  auto session = ProviderSession::Start(so, &F);
  if (!session.ok()) {
    F.Add(Finding{Finding::Kind::kProviderError, "provider", "start",
                  "Failed to start and configure the provider",
                  std::string(session.status().message())});
    log(Line("provider", so.process.binary, absl::Now() - s, "FAILED"));
    return finish();
  }
  log(Line("provider",
           absl::StrCat("protocol ",
                        (*session)->process().handshake().protocol_version,
                        ", exec->handshake ",
                        absl::FormatDuration((*session)->last_startup())),
           absl::Now() - s, F.ok() ? "ok" : "FAILED"));
  Lifecycle lc(**session);

  std::map<std::string, InstanceState> states;
  std::map<std::string, tf::Value> data_values;
  std::map<std::string, tf::Value> configs;  // current resolved configs

  ReferenceLookup lookup =
      [&](const std::string& ref) -> absl::StatusOr<nlohmann::json> {
    std::vector<std::string> parts = absl::StrSplit(ref, '.');
    if (parts.size() >= 2 && parts[0] == "env") {
      if (auto v = getenv_any(parts[1])) return nlohmann::json(*v);
      return absl::NotFoundError("${" + ref + "}: variable not set");
    }
    if (parts[0] == "landing_zone") {
      if (!emulator) return absl::NotFoundError("${" + ref + "}: no emulator");
      return WalkJson(emulator->landing_zone(), parts, 1, ref);
    }
    if (parts[0] == "data" && parts.size() >= 4) {
      auto it = data_values.find("data." + parts[1] + "." + parts[2]);
      if (it == data_values.end()) {
        return absl::NotFoundError("${" + ref + "}: data source not read yet");
      }
      return WalkJson(ValueToJson(it->second), parts, 3, ref);
    }
    if (parts.size() >= 3) {
      auto it = states.find(parts[0] + "." + parts[1]);
      if (it == states.end() || it->second.value.IsNull()) {
        return absl::NotFoundError("${" + ref + "}: resource not applied yet");
      }
      return WalkJson(ValueToJson(it->second.value), parts, 2, ref);
    }
    return absl::InvalidArgumentError("${" + ref + "}: invalid reference");
  };

  auto schema_block = [&](const ScenarioResource& r) -> const ConfigBlock* {
    const ConfigSchema* sc = r.data ? (*session)->schemas().DataSource(r.type)
                                    : (*session)->schemas().Resource(r.type);
    if (sc == nullptr) {
      F.Violation(r.Address(), "schema",
                  r.data ? "Invalid data source" : "Invalid resource type",
                  "The provider does not support " +
                      std::string(r.data ? "data source" : "resource type") +
                      " \"" + r.type + "\".");
      return nullptr;
    }
    return &sc->block;
  };
  auto build_config = [&](const ScenarioResource& r, const nlohmann::json& raw,
                          tf::Value* out) -> bool {
    const ConfigBlock* block = schema_block(r);
    if (block == nullptr) return false;
    auto resolved = ResolveReferences(raw, lookup);
    if (!resolved.ok()) {
      F.Add(Finding{Finding::Kind::kProviderError, r.Address(), "config",
                    "Invalid reference",
                    std::string(resolved.status().message())});
      return false;
    }
    std::vector<std::string> errors;
    auto v = DecodeConfigJson(*block, *resolved, &errors);
    for (const auto& e : errors) {
      F.Add(Finding{Finding::Kind::kProviderError, r.Address(), "config",
                    "Invalid configuration", e});
    }
    if (!v.ok() || !errors.empty()) return false;
    *out = *v;
    return true;
  };
  auto phase = [&](const char* name) {
    absl::Status st = (*session)->BeginPhase(name);
    if (!st.ok()) {
      F.Add(Finding{Finding::Kind::kProviderError, "provider", name,
                    "Failed to restart the provider",
                    std::string(st.message())});
    }
    return st.ok();
  };
  auto status_word = [&](size_t before) {
    for (size_t i = before; i < F.items().size(); ++i) {
      if (F.items()[i].kind != Finding::Kind::kWarning) return "FAILED";
    }
    return "ok";
  };

  bool failed = false;
  for (const std::string& step : scenario.steps) {
    if (failed && step != "destroy") {
      log(Line(step, "(skipped after failure)", absl::ZeroDuration(), "-"));
      continue;
    }
    absl::Time step_start = absl::Now();
    if (step == "apply") {
      for (const ScenarioResource& r : scenario.resources) {
        if (failed && !options.keep_going) break;
        absl::Time rs = absl::Now();
        size_t before = F.items().size();
        tf::Value cfg;
        bool ok = build_config(r, r.config, &cfg);
        if (ok && r.data) {
          ok = phase("validate") &&
               lc.ValidateDataSource(r.type, r.Address(), cfg) && phase("plan");
          std::optional<tf::Value> v;
          if (ok) v = lc.ReadDataSource(r.type, r.Address(), cfg);
          if (v) data_values[r.Address()] = *v;
          ok = ok && v.has_value();
        } else if (ok) {
          configs[r.Address()] = cfg;
          InstanceState& st = states[r.Address()];
          if (st.value.type().IsDynamic() && st.value.IsNull()) {
            st.value = tf::Value::Null(schema_block(r)->ImpliedType());
          }
          ok = phase("validate") && lc.Validate(r.type, r.Address(), cfg) &&
               phase("plan");
          std::optional<PlannedChange> plan;
          if (ok) plan = lc.Plan(r.type, r.Address(), st, cfg);
          ok = ok && plan.has_value() && phase("apply");
          if (ok) {
            st = lc.Apply(*plan);
            ok = !st.value.IsNull();
          }
        }
        std::string sw = status_word(before);
        if (!ok) sw = "FAILED";
        log(Line("apply", r.Address(), absl::Now() - rs, sw));
        failed |= sw != std::string("ok");
      }
    } else if (step == "plan-no-changes") {
      if (!phase("plan")) failed = true;
      for (const ScenarioResource& r : scenario.resources) {
        if (failed) break;
        absl::Time rs = absl::Now();
        size_t before = F.items().size();
        if (r.data) {
          tf::Value cfg;
          if (build_config(r, r.config, &cfg)) {
            auto v = lc.ReadDataSource(r.type, r.Address(), cfg);
            if (v && data_values.count(r.Address()) &&
                *v != data_values[r.Address()]) {
              F.Add(Finding{Finding::Kind::kWarning, r.Address(),
                            "plan-no-changes", "Data source result changed",
                            "a second read returned a different object"});
            }
          }
        } else {
          auto it = states.find(r.Address());
          if (it == states.end() || it->second.value.IsNull()) continue;
          if (lc.Refresh(r.type, r.Address(), it->second)) {
            if (it->second.value.IsNull()) {
              F.Violation(r.Address(), "plan-no-changes", "Resource vanished",
                          "ReadResource returned null for a resource that was "
                          "just applied; Terraform would plan to create it "
                          "again.");
            } else {
              ExpectNoChanges(lc, r.type, r.Address(), it->second,
                              configs[r.Address()]);
            }
          }
        }
        std::string sw = status_word(before);
        log(Line("plan-no-changes", r.Address(), absl::Now() - rs, sw));
        failed |= sw != std::string("ok");
      }
    } else if (step == "update") {
      for (const ScenarioResource& r : scenario.resources) {
        if (failed && !options.keep_going) break;
        if (r.data || !r.update) continue;
        absl::Time rs = absl::Now();
        size_t before = F.items().size();
        tf::Value cfg;
        bool ok = build_config(r, *r.update, &cfg) && phase("validate") &&
                  lc.Validate(r.type, r.Address(), cfg) && phase("plan");
        InstanceState& st = states[r.Address()];
        std::optional<PlannedChange> plan;
        if (ok) plan = lc.Plan(r.type, r.Address(), st, cfg);
        ok = ok && plan.has_value();
        if (ok) {
          Action want = r.expect_replace_on_update ? Action::kDeleteThenCreate
                                                   : Action::kUpdate;
          if (plan->action != want) {
            F.Violation(r.Address(), "update", "Unexpected action",
                        absl::StrCat("expected ", ActionName(want), ", got ",
                                     ActionName(plan->action)));
            ok = false;
          }
        }
        if (ok && phase("apply")) {
          st = lc.Apply(*plan);
          configs[r.Address()] = cfg;
          ok = !st.value.IsNull();
        }
        std::string sw = status_word(before);
        if (!ok) sw = "FAILED";
        log(Line("update", r.Address(), absl::Now() - rs, sw));
        failed |= sw != std::string("ok");
      }
    } else if (step == "import") {
      if (!phase("plan")) failed = true;
      for (const ScenarioResource& r : scenario.resources) {
        if (failed && !options.keep_going) break;
        if (r.data || !r.import) continue;
        auto it = states.find(r.Address());
        if (it == states.end() || it->second.value.IsNull()) continue;
        absl::Time rs = absl::Now();
        size_t before = F.items().size();
        std::optional<std::string> id =
            it->second.value.GetString(r.import_id_attribute);
        if (!id) {
          F.Violation(
              r.Address(), "import", "No import ID",
              "state has no known \"" + r.import_id_attribute + "\" attribute");
        } else if (auto imported = lc.Import(r.type, r.Address(), *id)) {
          const ConfigBlock* block = schema_block(r);
          std::vector<std::string> diffs = DiffObjects(
              *block, it->second.value, imported->value, r.import_ignore);
          if (!diffs.empty()) {
            F.Violation(r.Address(), "import",
                        "ImportStateVerify attributes not equivalent",
                        "state after apply => state after import:\n" +
                            absl::StrJoin(diffs, "\n"));
          }
        }
        std::string sw = status_word(before);
        log(Line("import", r.Address(), absl::Now() - rs, sw));
        failed |= sw != std::string("ok");
      }
    } else if (step == "destroy") {
      bool phase_ok = phase("plan") && phase("apply");
      for (auto r = scenario.resources.rbegin(); r != scenario.resources.rend();
           ++r) {
        if (r->data) continue;
        auto it = states.find(r->Address());
        if (it == states.end() || it->second.value.IsNull()) continue;
        absl::Time rs = absl::Now();
        size_t before = F.items().size();
        auto d = phase_ok ? lc.PlanDestroy(r->type, r->Address(), it->second)
                          : std::nullopt;
        if (d) {
          InstanceState old = it->second;
          it->second = lc.Apply(*d);
          if (it->second.value.IsNull() && r->check_destroyed &&
              lc.Refresh(r->type, r->Address(), old) && !old.value.IsNull()) {
            F.Violation(r->Address(), "destroy", "Resource still exists",
                        "ReadResource still finds the object after a "
                        "successful destroy.");
          }
        }
        std::string sw = status_word(before);
        if (!it->second.value.IsNull()) sw = "FAILED (left behind)";
        log(Line("destroy", r->Address(), absl::Now() - rs, sw));
        failed |= sw != std::string("ok");
      }
    }
    log(Line(step, "(step total)", absl::Now() - step_start,
             failed ? "FAILED" : "ok"));
  }
  // Destroy whatever a failed run left behind, even without a destroy step.
  bool has_destroy = false;
  for (const auto& st : scenario.steps) has_destroy |= st == "destroy";
  if (failed && !has_destroy) {
    for (auto r = scenario.resources.rbegin(); r != scenario.resources.rend();
         ++r) {
      auto it = states.find(r->Address());
      if (r->data || it == states.end() || it->second.value.IsNull()) continue;
      if (auto d = lc.PlanDestroy(r->type, r->Address(), it->second)) {
        it->second = lc.Apply(*d);
      }
    }
  }
  ProcessExit exit = (*session)->Shutdown();
  log(Line("shutdown", "provider", exit.shutdown_duration,
           exit.killed_by_us ? "killed after 2 s grace" : exit.ToString()));
  if (exit.killed_by_us) {
    F.Add(Finding{Finding::Kind::kWarning, "provider", "shutdown",
                  "Provider did not exit after GRPCController.Shutdown",
                  "Terraform waits 2 s and then kills it."});
  }
  return finish();
}

}  // namespace secureaml::conformance
