// File: arm_error.h
//
// ARM errors as absl::Status. Every non-2xx ARM response becomes a Status
// whose code follows the HTTP status (400 InvalidArgument, 401
// Unauthenticated, 403 PermissionDenied, 404 NotFound, 409
// AlreadyExists/FailedPrecondition, 412 FailedPrecondition, 429
// ResourceExhausted, 5xx Unavailable) and whose message is one readable
// sentence with the ARM code, message and request ID. The structured error
// rides along as a payload:
//
//   absl::StatusOr<ArmResponse> r = client.Get(id, "2025-06-01", opts);
//   if (absl::IsNotFound(r.status())) { ... remove from state ... }
//   if (std::optional<ArmError> e = GetArmError(r.status())) {
//     if (e->code == "RoleAssignmentExists") ...
//   }
#ifndef SECUREAML_PROVIDER_AZURE_ARM_ERROR_H_
#define SECUREAML_PROVIDER_AZURE_ARM_ERROR_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "provider/azure/http_transport.h"

namespace secureaml::azure {

inline constexpr char kArmErrorTypeUrl[] =
    "type.googleapis.com/secureaml.azure.ArmError";

struct ArmErrorDetail {
  std::string code;
  std::string message;
  std::string target;
};

struct ArmError {
  int http_status = 0;
  std::string code;     // e.g. "ResourceGroupNotFound"
  std::string message;  // ARM's message, secrets redacted
  std::string target;
  std::vector<ArmErrorDetail> details;
  std::string request_id;      // x-ms-request-id
  std::string correlation_id;  // x-ms-correlation-request-id
  std::string method;          // the request that failed
  std::string url;             // redacted
};

// Parses `{"error":{code,message,target,details}}`, the flat `{code,message}`
// variant and AAD's `{error, error_description}`; falls back to the HTTP
// reason when the body is not JSON.
ArmError ParseArmError(const HttpResponse& response, absl::string_view method,
                       absl::string_view url);

// Builds the Status described above.
absl::Status ArmErrorToStatus(const ArmError& error);

// Reads back the structured error, if the status came from ArmErrorToStatus.
std::optional<ArmError> GetArmError(const absl::Status& status);

// Maps an HTTP status to a Status code (409 depends on the ARM code).
absl::StatusCode HttpStatusToCode(int http_status, absl::string_view arm_code);

}  // namespace secureaml::azure

#endif  // SECUREAML_PROVIDER_AZURE_ARM_ERROR_H_
