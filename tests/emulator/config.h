// File: config.h
//
// Start-up configuration (--config FILE) and the runtime-tunable knobs the
// admin API changes: operation durations per resource type, token-bucket
// throttling, token lifetime, replication delays and fault rules.
//
// {
//   "durations": {"Microsoft.MachineLearningServices/workspaces":
//                   {"create_seconds": 2, "delete_seconds": 1,
//                    "retry_after_seconds": 1}},
//   "throttling": {"reads": {"capacity": 250, "refill_per_second": 25}},
//   "token_lifetime_seconds": 3599,
//   "principal_replication_seconds": 5,
//   "role_definition_replication_seconds": 2,
//   "faults": [{"kind": "status", "status": 429, "method": "PUT", "count": 1}]
// }
#ifndef SECUREAML_TESTS_EMULATOR_CONFIG_H_
#define SECUREAML_TESTS_EMULATOR_CONFIG_H_

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <regex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"

namespace secureaml::emulator {

struct OperationDurations {
  std::optional<double> create_seconds;
  std::optional<double> update_seconds;
  std::optional<double> delete_seconds;
  std::optional<int> retry_after_seconds;
};

struct TokenBucketConfig {
  double capacity = 0;
  double refill_per_second = 0;
};

enum class FaultKind {
  kStatus,
  kDrop,
  kDelay,
  kLroFailed,
  kTokenDown,
  // The bearer token of the matching ARM request expires now: it and every
  // later request carrying it get 401 ExpiredAuthenticationToken.
  kTokenExpired,
};
enum class FaultPhase {
  kAny,
  kInitial,
  kPoll,
  kGet,
  kToken,
  // A GET/HEAD of a resource that exists and is visible, e.g. the GET that
  // ends a create; not the absence check before it. `get` rules match too.
  kFinalGet,
};

struct FaultRule {
  std::string id;
  // Matching. Empty strings match anything.
  std::string method;
  std::string resource_type;  // case-insensitive, e.g.
                              // Microsoft.Network/virtualNetworks
  std::string path_regex;  // ECMAScript, case-insensitive, searched in the path
  FaultPhase phase = FaultPhase::kAny;
  int count = -1;            // fire for the first N matches; -1 = always
  double probability = 1.0;  // with `seed`, deterministic
  uint64_t seed = 1;
  // Effect.
  FaultKind kind = FaultKind::kStatus;
  int status = 500;
  std::string code;
  std::string message;
  int retry_after_seconds = 0;
  int delay_ms = 0;
  // token_expired only: from the moment it fires the token endpoints answer
  // 503 AADSTS90033 too (an identity outage mid-operation), until the faults
  // are cleared.
  bool identity_down = false;

  // Runtime state.
  int fired = 0;
  std::shared_ptr<std::regex> compiled;
  std::shared_ptr<std::mt19937_64> rng;

  nlohmann::json ToJson() const;
};

struct Config {
  // Keyed by lower-case resource type; "default" applies to every type.
  std::map<std::string, OperationDurations> durations;
  TokenBucketConfig reads{250, 25};
  TokenBucketConfig writes{200, 10};
  TokenBucketConfig deletes{200, 10};
  int64_t token_lifetime_seconds = 3599;
  double principal_replication_seconds = 5;
  double role_definition_replication_seconds = 0;
  std::vector<FaultRule> faults;
};

absl::StatusOr<Config> ParseConfig(const std::string& text);
// Merges {"<type>": {...durations...}} into `config`.
absl::Status MergeDurations(const nlohmann::json& j, Config* config);
// Applies every recognised top-level key of `j` onto `config`.
absl::Status MergeConfig(const nlohmann::json& j, Config* config);
absl::StatusOr<FaultRule> ParseFaultRule(const nlohmann::json& j);

}  // namespace secureaml::emulator

#endif  // SECUREAML_TESTS_EMULATOR_CONFIG_H_
