#include "provider/azure/retry_policy.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/numbers.h"
#include "absl/strings/strip.h"

namespace secureaml::azure {

BackoffPolicy::BackoffPolicy(BackoffOptions options, uint64_t seed)
    : options_(options), rng_(seed == 0 ? std::random_device{}() : seed) {}

absl::Duration BackoffPolicy::Delay(int attempt,
                                    std::optional<absl::Duration> retry_after) {
  double scale = std::pow(options_.multiplier, std::min(attempt, 30));
  absl::Duration base = std::min(options_.initial * scale, options_.maximum);
  double factor = 1.0;
  if (options_.jitter > 0) {
    std::lock_guard<std::mutex> lock(mu_);
    std::uniform_real_distribution<double> dist(1.0 - options_.jitter,
                                                1.0 + options_.jitter);
    factor = dist(rng_);
  }
  absl::Duration delay = std::min(base * factor, options_.maximum);
  if (retry_after) {
    absl::Duration ra = std::clamp(*retry_after, absl::ZeroDuration(),
                                   options_.max_retry_after);
    // ARM's Retry-After is authoritative: less earns another 429, more
    // wastes the operation's time.
    delay = ra;
  }
  return delay;
}

std::optional<absl::Duration> ParseRetryAfter(const HttpHeaders& headers,
                                              absl::Time now) {
  std::optional<std::string> v = headers.Get("Retry-After");
  if (!v) v = headers.Get("x-ms-retry-after-ms");
  if (!v) return std::nullopt;
  absl::string_view s = absl::StripAsciiWhitespace(*v);
  int64_t secs = 0;
  if (absl::SimpleAtoi(s, &secs)) {
    if (secs < 0) return std::nullopt;
    if (headers.Get("Retry-After")) return absl::Seconds(secs);
    return absl::Milliseconds(secs);
  }
  absl::Time t;
  std::string err;
  if (absl::ParseTime("%a, %d %b %Y %H:%M:%S GMT", std::string(s), &t, &err)) {
    return std::max(t - now, absl::ZeroDuration());
  }
  return std::nullopt;
}

bool IsRetryableHttpStatus(int status) {
  switch (status) {
    case 408:
    case 429:
    case 500:
    case 502:
    case 503:
    case 504:
      return true;
    default:
      return false;
  }
}

RetryRule RetryNotFoundAfterCreate(absl::Duration window) {
  RetryRule r;
  r.name = "read after create (404)";
  r.http_status = 404;
  r.window = window;
  r.method = "GET";
  return r;
}

RetryRule RetryPrincipalNotFound(absl::Duration window) {
  RetryRule r;
  r.name = "principal not yet replicated (PrincipalNotFound)";
  r.http_status = 400;
  r.arm_code = "PrincipalNotFound";
  r.window = window;
  return r;
}

RetryRule RetryRoleDefinitionNotReplicated(absl::Duration window) {
  RetryRule r;
  r.name = "role definition not yet replicated (RoleDefinitionDoesNotExist)";
  r.http_status = 0;  // ARM has used both 400 and 404 for this code
  r.arm_code = "RoleDefinitionDoesNotExist";
  r.window = window;
  return r;
}

}  // namespace secureaml::azure
