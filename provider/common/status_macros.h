// File: status_macros.h
//
// RETURN_IF_ERROR / ASSIGN_OR_RETURN with abseil's names and meaning. The
// abseil shipped by Debian 12 (20220623) predates absl/status/status_macros.h,
// so we carry our own until it can be swapped for the upstream header.
//
//   absl::StatusOr<int> Parse(std::string_view s);
//   absl::Status Use(std::string_view s) {
//     SECUREAML_ASSIGN_OR_RETURN(int n, Parse(s));
//     SECUREAML_RETURN_IF_ERROR(Check(n));
//     return absl::OkStatus();
//   }
#ifndef SECUREAML_PROVIDER_COMMON_STATUS_MACROS_H_
#define SECUREAML_PROVIDER_COMMON_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define SECUREAML_RETURN_IF_ERROR(expr)                    \
  do {                                                     \
    ::absl::Status secureaml_status_ = (expr);             \
    if (!secureaml_status_.ok()) return secureaml_status_; \
  } while (0)

#define SECUREAML_STATUS_CONCAT_INNER_(a, b) a##b
#define SECUREAML_STATUS_CONCAT_(a, b) SECUREAML_STATUS_CONCAT_INNER_(a, b)

#define SECUREAML_ASSIGN_OR_RETURN(lhs, rexpr) \
  SECUREAML_ASSIGN_OR_RETURN_IMPL_(            \
      SECUREAML_STATUS_CONCAT_(secureaml_statusor_, __LINE__), lhs, rexpr)

#define SECUREAML_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                     \
  if (!statusor.ok()) return std::move(statusor).status();     \
  lhs = *std::move(statusor)

#endif  // SECUREAML_PROVIDER_COMMON_STATUS_MACROS_H_
