// File: timeouts.h
//
// The `timeouts` block every long-running resource carries:
//   timeouts { create = "45m"  delete = "1h" }
// Durations use Terraform's (Go) syntax: "30s", "5m", "1h30m".
#ifndef SECUREAML_PROVIDER_CORE_TIMEOUTS_H_
#define SECUREAML_PROVIDER_CORE_TIMEOUTS_H_

#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "provider/core/resource.h"
#include "provider/value/schema.h"

namespace secureaml::core {

enum class Operation { kCreate, kRead, kUpdate, kDelete };

// The nested block to add to a resource schema; descriptions mention the
// defaults.
tf::NestedBlock TimeoutsBlock(const DefaultTimeouts& defaults);

// Parses a Go duration string ("1h30m", "45s"); rejects negatives and junk.
absl::StatusOr<absl::Duration> ParseGoDuration(std::string_view text);

// The timeout for `op` from a resource value's `timeouts` block, falling back
// to the default. Invalid strings fall back too (validation reports them).
absl::Duration TimeoutFor(const tf::Value& resource_value, Operation op,
                          const DefaultTimeouts& defaults);

// Plan-time validation of the block's strings, with attribute paths.
void ValidateTimeouts(const tf::Value& config, tf::Diagnostics& diagnostics);

}  // namespace secureaml::core

#endif  // SECUREAML_PROVIDER_CORE_TIMEOUTS_H_
