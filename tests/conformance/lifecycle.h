// File: lifecycle.h
//
// Terraform-like flows over the conformance client: a provider session
// (start, load schemas, validate and configure the provider, optionally a
// fresh process per phase as Terraform does) and a Lifecycle driver that runs
// validate -> plan -> apply -> refresh -> plan (no-op) -> update -> import ->
// destroy for one resource, applying every check Terraform core applies and
// recording each breach with the error Terraform would print.
//
// A lifecycle test is then about twenty lines:
//
//   SessionOptions so;
//   so.process.binary = ProviderBinary();
//   so.process.env = emulator->ProviderEnv();
//   auto session = ProviderSession::Start(so);
//   Lifecycle lc(**session);
//   ResourceSteps steps;
//   steps.type_name = "secureaml_resource_group";
//   steps.create = {{"name", "rg1"}, {"location", "westeurope"}};
//   steps.update = {{"name", "rg1"}, {"location", "westeurope"},
//                   {"tags", {{"env", "test"}}}};
//   lc.RunResourceLifecycle(steps);
//   EXPECT_TRUE(lc.findings().ok()) << lc.findings().Report();
#ifndef SECUREAML_TESTS_CONFORMANCE_LIFECYCLE_H_
#define SECUREAML_TESTS_CONFORMANCE_LIFECYCLE_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "provider/value/diagnostics.h"
#include "provider/value/value.h"
#include "tests/conformance/config_schema.h"
#include "tests/conformance/provider_client.h"
#include "tests/conformance/provider_process.h"
#include "tests/conformance/semantics.h"

namespace secureaml::conformance {

inline constexpr char kDefaultProviderAddress[] =
    "registry.terraform.io/secureaml/secureaml";

// One problem found during a run.
struct Finding {
  enum class Kind {
    kViolation,      // the provider broke a rule Terraform enforces
    kProviderError,  // the provider returned an error diagnostic
    kWarning,        // a warning diagnostic or a soft expectation
  };
  Kind kind = Kind::kViolation;
  std::string address;  // e.g. secureaml_workspace.main
  std::string stage;    // e.g. "apply (create)"
  std::string summary;  // Terraform's summary line
  std::string detail;   // Terraform's detail text
  // "Error: <summary>\n\n<detail>" as Terraform prints it.
  std::string ToString() const;
};

class Findings {
 public:
  void Add(Finding f) { items_.push_back(std::move(f)); }
  void Violation(const std::string& address, const std::string& stage,
                 std::string summary, std::string detail);
  // Converts provider diagnostics into findings (errors and warnings).
  void AddDiagnostics(const std::string& address, const std::string& stage,
                      const tf::Diagnostics& diags);
  // No violations and no provider errors.
  bool ok() const;
  size_t CountOf(Finding::Kind k) const;
  const std::vector<Finding>& items() const { return items_; }
  std::string Report() const;

 private:
  std::vector<Finding> items_;
};

// Terraform's config decoding of JSON (as in *.tf.json) against a block:
// missing attributes become null, absent blocks empty; reports "Missing
// required argument", "Unsupported argument" and "Value for unconfigurable
// attribute" the way Terraform would before any provider call.
absl::StatusOr<tf::Value> DecodeConfigJson(const ConfigBlock& block,
                                           const nlohmann::json& json,
                                           std::vector<std::string>* errors);
// Wholly known state -> JSON for reports and UpgradeResourceState.
nlohmann::json ValueToJson(const tf::Value& v);

struct SessionOptions {
  ProviderProcessOptions process;
  ClientOptions client;
  // The provider block as JSON (null/empty: no provider block).
  nlohmann::json provider_config = nlohmann::json::object();
  // Terraform starts a new provider process for each phase (validate, plan,
  // apply); state kept in memory between phases is a bug this exposes.
  bool fresh_process_per_phase = false;
  std::string provider_address = kDefaultProviderAddress;
};

// A running, configured provider.
class ProviderSession {
 public:
  static absl::StatusOr<std::unique_ptr<ProviderSession>> Start(
      SessionOptions options, Findings* findings = nullptr);
  ~ProviderSession();

  // Begins a Terraform phase ("validate", "plan", "apply"). With
  // fresh_process_per_phase the current process is shut down and a new one
  // started, configured and (unless the provider announced
  // get_provider_schema_optional) asked for its schema again.
  absl::Status BeginPhase(const std::string& phase);
  // Configures the provider (ValidateProviderConfig + ConfigureProvider).
  absl::Status Configure();

  ProviderClient& client() { return *client_; }
  ProviderProcess& process() { return *process_; }
  const ProviderSchemas& schemas() const { return schemas_; }
  const SessionOptions& options() const { return options_; }
  Findings& findings() { return *findings_; }
  // Timing of the last process start (exec to handshake).
  absl::Duration last_startup() const { return last_startup_; }
  // Everything the provider processes wrote to stderr so far.
  std::string AllStderr() const;
  ProcessExit Shutdown();

 private:
  ProviderSession(SessionOptions options, Findings* findings);
  absl::Status StartProcess(bool load_schema);

  SessionOptions options_;
  Findings own_findings_;
  Findings* findings_;
  std::unique_ptr<ProviderProcess> process_;
  std::unique_ptr<ProviderClient> client_;
  ProviderSchemas schemas_;
  bool have_schemas_ = false;
  tf::Value provider_config_;
  absl::Duration last_startup_;
  std::string previous_stderr_;
};

// State Terraform keeps for a managed resource instance.
struct InstanceState {
  tf::Value value;  // null: absent
  std::string private_state;
  bool tainted = false;
};

struct PlannedChange {
  std::string type_name;
  std::string address;
  Action action = Action::kNoOp;
  tf::Value prior;
  tf::Value config;
  tf::Value planned;
  std::string planned_private;
  std::vector<tf::AttributePath> requires_replace;
  std::string prior_private;
};

struct StageTiming {
  std::string address;
  std::string stage;
  absl::Duration duration;
  bool ok = true;
};

class Lifecycle {
 public:
  explicit Lifecycle(ProviderSession& session);

  // --- single Terraform operations (each records findings) ---

  // ValidateResourceConfig; false on error diagnostics.
  bool Validate(const std::string& type_name, const std::string& address,
                const tf::Value& config);
  bool ValidateDataSource(const std::string& type_name,
                          const std::string& address, const tf::Value& config);
  // UpgradeResourceState + ReadResource as the plan walk does. Updates
  // `state` (null when the object is gone).
  bool Refresh(const std::string& type_name, const std::string& address,
               InstanceState& state);
  // PlanResourceChange with ProposedNew and every plan check. A replace
  // plans a second time with a null prior, as Terraform does.
  std::optional<PlannedChange> Plan(const std::string& type_name,
                                    const std::string& address,
                                    const InstanceState& state,
                                    const tf::Value& config);
  // Destroy plan (PlanResourceChange with null proposed state when the
  // provider announced plan_destroy).
  std::optional<PlannedChange> PlanDestroy(const std::string& type_name,
                                           const std::string& address,
                                           const InstanceState& state);
  // Re-plans (inconsistent final plan check) and applies. Returns the new
  // state; on failure the state Terraform would store (possibly tainted).
  InstanceState Apply(const PlannedChange& change);
  // ImportResourceState + ReadResource as `terraform import` does.
  std::optional<InstanceState> Import(const std::string& type_name,
                                      const std::string& address,
                                      const std::string& id);
  // ReadDataSource with its checks.
  std::optional<tf::Value> ReadDataSource(const std::string& type_name,
                                          const std::string& address,
                                          const tf::Value& config);

  // --- the whole flow for one resource ---
  struct ResourceSteps {
    std::string type_name;
    std::string name = "test";
    nlohmann::json create;
    std::optional<nlohmann::json> update;
    // Import by this attribute of the state ("id"), or skip when empty.
    std::string import_id_attribute = "id";
    // Attributes Terraform cannot recover on import (secrets, write-once).
    std::vector<std::string> import_ignore;
    // Run the update step, expecting an in-place update (not a replace).
    bool expect_in_place_update = true;
    bool destroy = true;
    // After destroy, ReadResource must report the object gone (a fake
    // without a backend cannot).
    bool check_destroyed = true;
  };
  // validate -> plan(create) -> apply -> refresh -> plan (no-op) ->
  // [plan(update) -> apply -> refresh -> plan (no-op)] -> import -> plan
  // destroy -> apply destroy -> refresh (gone).
  bool RunResourceLifecycle(const ResourceSteps& steps);

  Findings& findings() { return session_.findings(); }
  const std::vector<StageTiming>& timings() const { return timings_; }
  std::string TimingReport() const;

  // Schema lookups (violations recorded when missing).
  const ConfigSchema* ResourceSchema(const std::string& type_name);

 private:
  void Time(const std::string& address, const std::string& stage,
            absl::Time start, bool ok);
  // Checks common to every object a provider returns.
  bool CheckObject(const ConfigSchema& schema, const std::string& address,
                   const std::string& stage, const tf::Value& v,
                   const char* summary, const std::string& what);

  ProviderSession& session_;
  std::vector<StageTiming> timings_;
};

// Terraform's "plan-no-changes": the plan for `state` with `config` must be
// a no-op. Returns false (with a violation) otherwise.
bool ExpectNoChanges(Lifecycle& lc, const std::string& type_name,
                     const std::string& address, const InstanceState& state,
                     const tf::Value& config);

}  // namespace secureaml::conformance

#endif  // SECUREAML_TESTS_CONFORMANCE_LIFECYCLE_H_
