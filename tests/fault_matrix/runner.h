// File: runner.h
//
// Executes the fault matrix (matrix.h) for one resource type: one ARM
// emulator and one provider process per row (a fresh provider for each
// StopProvider cell), cells run one after another, each asserting the
// outcome Terraform sees and comparing the emulator's resources with the
// state the provider returned:
//   A. every resource Azure holds that the cell created is tracked by the
//      returned state (nothing leaks out of Terraform's view), and
//   B. a returned state that points at nothing is dropped by the next
//      refresh (ReadResource returns null).
//
// A resource type is one ResourceRow (rows.cc):
//
//   {.traits = {"secureaml_datastore", "Microsoft.MachineLearningServices/"
//               "workspaces/datastores", /*polls=*/false,
//               /*final_read=*/false},
//    .prepare = [](RowEnv& env) { ...create the workspace once... },
//    .config = [](RowEnv& env, const std::string& n) { return json{...}; },
//    .update = [](json c) { c["description"] = "x"; return c; }}
#ifndef SECUREAML_TESTS_FAULT_MATRIX_RUNNER_H_
#define SECUREAML_TESTS_FAULT_MATRIX_RUNNER_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "provider/azure/http_transport.h"
#include "provider/value/value.h"
#include "tests/conformance/emulator_process.h"
#include "tests/conformance/lifecycle.h"
#include "tests/fault_matrix/matrix.h"

namespace secureaml::fault_matrix {

// What a row's callbacks may use: the landing zone, the emulator's admin
// API, ARM itself (as an out-of-band client) and the provider session.
class RowEnv {
 public:
  const nlohmann::json& landing_zone() const { return lz_; }
  std::string Lz(const char* key) const { return lz_.value(key, ""); }
  std::string SubscriptionScope() const;

  // The admin API (/_emulator/...).
  absl::StatusOr<azure::HttpResponse> Admin(
      const std::string& method, const std::string& path,
      const nlohmann::json& body = nullptr);
  // ARM with a token minted by the emulator for the default client: the
  // harness creating prerequisites out of band. Returns the answer; >=300
  // becomes an error.
  absl::StatusOr<nlohmann::json> ArmPut(const std::string& id,
                                        const std::string& api_version,
                                        const nlohmann::json& body);
  absl::StatusOr<nlohmann::json> Arm(const std::string& method,
                                     const std::string& id,
                                     const std::string& api_version,
                                     const nlohmann::json& body = nullptr);
  // A resource group of its own (eastus); returns its name.
  absl::StatusOr<std::string> NewResourceGroup(const std::string& name);
  // A user principal visible at once; returns its object ID.
  absl::StatusOr<std::string> NewUser(const std::string& display_name);
  // Plans and applies a create through the provider (prerequisites); the
  // object stays for the whole row.
  absl::StatusOr<conformance::InstanceState> CreateWithProvider(
      const std::string& type, const std::string& name,
      const nlohmann::json& config);
  // Typed config for `type` from its JSON form.
  absl::StatusOr<tf::Value> Config(const std::string& type,
                                   const nlohmann::json& config);

  // Values `prepare` stores for `config` (e.g. the workspace ID).
  nlohmann::json prereq = nlohmann::json::object();

 private:
  friend class RowRunner;
  conformance::EmulatorProcess* emu_ = nullptr;
  std::shared_ptr<azure::HttpTransport> http_;
  conformance::Lifecycle* lc_ = nullptr;
  conformance::Findings* findings_ = nullptr;
  nlohmann::json lz_;
  std::string token_;
};

struct ResourceRow {
  RowTraits traits;
  // Once per row, before any cell (may be empty).
  std::function<absl::Status(RowEnv&)> prepare;
  // The create config of cell `n` (names unique per cell).
  std::function<absl::StatusOr<nlohmann::json>(RowEnv&, const std::string& n)>
      config;
  // The update applied by out-of-band-deletion/update cells.
  std::function<nlohmann::json(nlohmann::json)> update;
  // Whether `state` tracks the emulator resource `id`. Default: `id` is the
  // state's `id` or lies beneath it (child resources).
  std::function<bool(const tf::Value& state, const std::string& id)> tracks;
  // Where a resource type does better than the matrix's default outcome
  // (e.g. waits out a 409), says so here (may be empty).
  std::function<void(const Cell& cell, Expectation& expect)> adjust;
};

struct CellResult {
  Cell cell;
  std::vector<std::string> failures;  // empty: passed
  absl::Duration took;
  std::string outcome;  // the apply's diagnostics as Terraform prints them
};

struct Binaries {
  std::string provider;
  std::string emulator;
};

class RowRunner {
 public:
  RowRunner(const ResourceRow& row, Binaries binaries);
  ~RowRunner();
  // Runs the row's cells whose name contains `filter` (all when empty).
  // Never throws; set-up failures fail every selected cell.
  std::vector<CellResult> Run(const std::string& filter = "");

 private:
  struct EmulatorResource {
    std::string id;
    std::string type;
    bool visible = false;
  };
  using Snapshot = std::map<std::string, EmulatorResource>;  // by lower id

  absl::Status SetUp();
  CellResult RunCell(const Cell& cell, int index);
  void RunCreateCell(const Cell& cell, const nlohmann::json& config,
                     CellResult& out);
  void RunOutOfBandDeletion(const Cell& cell, const nlohmann::json& config,
                            CellResult& out);
  // Asserts invariants A and B and the remote expectation; cleans up.
  void CheckAndCleanUp(const Cell& cell, const Expectation& expect,
                       const std::string& address, const tf::Value& config,
                       const Snapshot& baseline,
                       conformance::InstanceState state, CellResult& out);
  void CheckOutcome(const Expectation& expect,
                    const std::vector<conformance::Finding>& findings,
                    const conformance::InstanceState& state, CellResult& out);
  absl::StatusOr<Snapshot> Resources();
  std::vector<EmulatorResource> NewSince(const Snapshot& baseline);
  bool Tracks(const tf::Value& state, const std::string& id) const;
  absl::StatusOr<std::vector<std::string>> InstallFaults(
      const nlohmann::json& rules);
  // Fired count of fault rule `id` (-1 when unknown).
  int Fired(const std::string& id);
  void ClearFaults();

  const ResourceRow& row_;
  Binaries binaries_;
  std::unique_ptr<conformance::EmulatorProcess> emu_;
  conformance::Findings findings_;
  std::unique_ptr<conformance::ProviderSession> session_;
  std::unique_ptr<conformance::Lifecycle> lc_;
  RowEnv env_;
};

// Built-in Reader role.
inline constexpr char kReaderRoleGuid[] =
    "acdd72a7-3385-48ef-bd42-f606fba81ae7";

// Every resource type of the provider, one row each (rows.cc).
const std::vector<ResourceRow>& AllRows();

}  // namespace secureaml::fault_matrix

#endif  // SECUREAML_TESTS_FAULT_MATRIX_RUNNER_H_
