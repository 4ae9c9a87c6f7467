// File: retry_policy.h
//
// When and how long the ARM client waits before trying again. Resources never
// loop: they describe *what* may be retried (RetryRule) and the client's
// retry loop decides *when*, bounded by the operation deadline.
//
//   BackoffPolicy backoff({.initial = absl::Seconds(1)}, /*seed=*/42);
//   absl::Duration d = backoff.Delay(attempt, retry_after);
//   RequestOptions opts;
//   opts.retry_rules.push_back(RetryNotFoundAfterCreate(absl::Minutes(2)));
#ifndef SECUREAML_PROVIDER_AZURE_RETRY_POLICY_H_
#define SECUREAML_PROVIDER_AZURE_RETRY_POLICY_H_

#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "provider/azure/http_transport.h"

namespace secureaml::azure {

struct BackoffOptions {
  absl::Duration initial = absl::Seconds(1);
  absl::Duration maximum = absl::Seconds(60);
  double multiplier = 2.0;
  // Each delay is scaled by a uniform factor in [1 - jitter, 1 + jitter] so
  // that many Terraform workers hit by one 429 do not come back in lockstep.
  double jitter = 0.2;
  // A Retry-After beyond this is clamped (ARM documents at most 10 min).
  absl::Duration max_retry_after = absl::Minutes(10);
};

// Jittered exponential backoff honouring Retry-After. Thread-safe.
class BackoffPolicy {
 public:
  explicit BackoffPolicy(BackoffOptions options = {}, uint64_t seed = 0);
  // `attempt` counts from 0 (the first retry). The server's Retry-After wins
  // when it asks for longer than our own schedule.
  absl::Duration Delay(int attempt, std::optional<absl::Duration> retry_after);
  const BackoffOptions& options() const { return options_; }

 private:
  BackoffOptions options_;
  std::mutex mu_;
  std::mt19937_64 rng_;
};

// Parses Retry-After: integer seconds per ARM; an HTTP-date is tolerated
// (relative to `now`); anything else is ignored.
std::optional<absl::Duration> ParseRetryAfter(const HttpHeaders& headers,
                                              absl::Time now);

// 408, 429, 500, 502, 503, 504: the statuses worth another attempt.
bool IsRetryableHttpStatus(int status);

// An extra, caller-chosen retry for ARM's eventual consistency. Matches a
// response by HTTP status and (optionally) ARM error code, and retries it
// for at most `window` from the first time it matched within one call.
struct RetryRule {
  std::string name;      // for logs and error messages
  int http_status = 0;   // 0: any 4xx
  std::string arm_code;  // empty: any code
  // When set, matches only if the ARM message contains this text.
  std::string message_contains;
  absl::Duration window = absl::Minutes(2);
  // Restrict to one method ("GET"); empty: any.
  std::string method;
};

// GET right after a create can 404 (or 403 before RBAC caches settle).
RetryRule RetryNotFoundAfterCreate(absl::Duration window = absl::Minutes(2));
// Role assignment PUT for a principal Entra ID has not replicated yet.
RetryRule RetryPrincipalNotFound(absl::Duration window = absl::Minutes(5));
// Role assignment referencing a freshly created custom role definition.
RetryRule RetryRoleDefinitionNotReplicated(
    absl::Duration window = absl::Minutes(5));

}  // namespace secureaml::azure

#endif  // SECUREAML_PROVIDER_AZURE_RETRY_POLICY_H_
