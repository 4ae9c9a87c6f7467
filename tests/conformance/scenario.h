// File: scenario.h
//
// End-to-end scenarios in JSON for the `secureaml-conformance` CLI: the
// fallback the quickstart uses when no terraform/tofu is on PATH. A scenario
// names the provider configuration, an ordered list of resources and data
// sources, and the steps to run:
//
//   {
//     "provider": {
//       "config": {"features": {}},
//       "config_from_env": {"subscription_id": "ARM_SUBSCRIPTION_ID"},
//       "env": {"TF_LOG": "debug"}
//     },
//     "emulator": {"landing_zone": true},        // optional
//     "resources": [
//       {"type": "secureaml_resource_group", "name": "rg",
//        "config": {"name": "rg-ml", "location": "westeurope"},
//        "update": {"name": "rg-ml", "location": "westeurope",
//                   "tags": {"env": "test"}}},
//       {"type": "secureaml_workspace", "name": "ws",
//        "config": {"resource_group_name":
//        "${secureaml_resource_group.rg.name}"}, "import_ignore":
//        ["client_secret"]},
//       {"data": true, "type": "secureaml_subscription", "name": "current",
//        "config": {}}
//     ],
//     "steps": ["apply", "plan-no-changes", "update", "plan-no-changes",
//               "import", "destroy"]
//   }
//
// Strings may reference earlier results: "${type.name.attr}",
// "${data.type.name.attr}", "${env.NAME}" and "${landing_zone.key}" (the
// emulator's seeded landing zone). A string that is exactly one reference
// takes the referenced value with its type (lists stay lists).
#ifndef SECUREAML_TESTS_CONFORMANCE_SCENARIO_H_
#define SECUREAML_TESTS_CONFORMANCE_SCENARIO_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "tests/conformance/lifecycle.h"

namespace secureaml::conformance {

struct ScenarioResource {
  bool data = false;
  std::string type;
  std::string name;
  nlohmann::json config;
  std::optional<nlohmann::json> update;
  std::string import_id_attribute = "id";
  std::vector<std::string> import_ignore;
  bool import = true;
  bool expect_replace_on_update = false;
  // After destroy, ReadResource must report the object gone.
  bool check_destroyed = true;

  std::string Address() const {
    return (data ? "data." : "") + type + "." + name;
  }
};

struct Scenario {
  nlohmann::json provider_config = nlohmann::json::object();
  std::map<std::string, std::string> provider_config_from_env;
  std::map<std::string, std::string> provider_env;
  std::string protocol_versions;  // empty: CLI default
  bool use_emulator = false;
  bool emulator_landing_zone = true;
  std::string emulator_config;
  std::vector<ScenarioResource> resources;
  std::vector<std::string> steps;
};

absl::StatusOr<Scenario> ParseScenario(const nlohmann::json& j);

// Lookup for "${...}" references: given "type.name.attr" (or env./data./
// landing_zone. forms) returns the value or an error.
using ReferenceLookup =
    std::function<absl::StatusOr<nlohmann::json>(const std::string& ref)>;
// Resolves every reference in `in` (recursively through arrays/objects).
absl::StatusOr<nlohmann::json> ResolveReferences(const nlohmann::json& in,
                                                 const ReferenceLookup& lookup);

struct ScenarioOptions {
  SessionOptions session;  // provider binary, protocol, fresh process, ...
  std::string emulator_binary;
  // Called with one line per stage ("[  12.3 ms] apply ... ok").
  std::function<void(const std::string&)> log;
  bool keep_going = false;  // continue after a failed step (still destroys)
};

struct ScenarioResult {
  bool ok = false;
  Findings findings;
  std::vector<std::string> lines;
  std::string summary;
  absl::Duration total;
};

// Runs every step; always tries to destroy what it created when a step
// fails. Never throws; infrastructure failures become findings.
ScenarioResult RunScenario(const Scenario& scenario,
                           const ScenarioOptions& options);

}  // namespace secureaml::conformance

#endif  // SECUREAML_TESTS_CONFORMANCE_SCENARIO_H_
