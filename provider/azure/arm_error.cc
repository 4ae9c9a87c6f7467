#include "provider/azure/arm_error.h"

#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "provider/azure/redaction.h"
#include "provider/common/logging.h"

namespace secureaml::azure {
namespace {

std::string StringField(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

const char* ReasonPhrase(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 412:
      return "Precondition Failed";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "";
  }
}

}  // namespace

absl::StatusCode HttpStatusToCode(int http_status, absl::string_view arm_code) {
  switch (http_status) {
    case 400:
      return absl::StatusCode::kInvalidArgument;
    case 401:
      return absl::StatusCode::kUnauthenticated;
    case 403:
      return absl::StatusCode::kPermissionDenied;
    case 404:
      return absl::StatusCode::kNotFound;
    case 408:
      return absl::StatusCode::kDeadlineExceeded;
    case 409:
      // "...Exists" conflicts mean the object is already there; the rest
      // (AnotherOperationInProgress, MissingSubscriptionRegistration, ...)
      // say the system is not in a state to accept the request.
      return absl::EndsWith(arm_code, "Exists")
                 ? absl::StatusCode::kAlreadyExists
                 : absl::StatusCode::kFailedPrecondition;
    case 412:
      return absl::StatusCode::kFailedPrecondition;
    case 429:
      return absl::StatusCode::kResourceExhausted;
    case 501:
      return absl::StatusCode::kUnimplemented;
    default:
      if (http_status >= 500) return absl::StatusCode::kUnavailable;
      if (http_status >= 400) return absl::StatusCode::kFailedPrecondition;
      return absl::StatusCode::kUnknown;
  }
}

ArmError ParseArmError(const HttpResponse& response, absl::string_view method,
                       absl::string_view url) {
  ArmError e;
  e.http_status = response.status;
  e.method = std::string(method);
  e.url = RedactUrl(url);
  e.request_id = response.headers.Get("x-ms-request-id").value_or("");
  e.correlation_id =
      response.headers.Get("x-ms-correlation-request-id").value_or("");
  nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
  if (body.is_object()) {
    const nlohmann::json* err = &body;
    auto it = body.find("error");
    if (it != body.end() && it->is_object()) err = &*it;
    e.code = StringField(*err, "code");
    e.message = StringField(*err, "message");
    e.target = StringField(*err, "target");
    if (e.code.empty() && it != body.end() && it->is_string()) {
      // AAD token endpoint: {"error":"invalid_client","error_description":..}
      e.code = it->get<std::string>();
      e.message = StringField(body, "error_description");
    }
    auto details = err->find("details");
    if (details != err->end() && details->is_array()) {
      for (const auto& d : *details) {
        if (!d.is_object()) continue;
        e.details.push_back({StringField(d, "code"), StringField(d, "message"),
                             StringField(d, "target")});
      }
    }
  }
  if (e.code.empty()) {
    e.code = absl::StrCat("HTTP", response.status);
  }
  if (e.message.empty()) {
    // A non-JSON body (HTML from a proxy, say) is summarised, not echoed.
    e.message = absl::StrCat(
        "HTTP ", response.status, " ", ReasonPhrase(response.status),
        response.body.empty() ? "" : " with a non-ARM body");
  }
  e.message = log::Redact(e.message);
  for (auto& d : e.details) d.message = log::Redact(d.message);
  return e;
}

absl::Status ArmErrorToStatus(const ArmError& e) {
  std::string msg = absl::StrCat(e.method, e.method.empty() ? "" : " ", e.url,
                                 e.url.empty() ? "" : ": ", "ARM returned ",
                                 e.http_status, " ", e.code, ": ", e.message);
  if (!e.target.empty()) absl::StrAppend(&msg, " (target ", e.target, ")");
  for (const auto& d : e.details) {
    absl::StrAppend(&msg, "; ", d.code, ": ", d.message);
  }
  if (!e.request_id.empty()) {
    absl::StrAppend(&msg, " (request ID ", e.request_id);
    if (!e.correlation_id.empty()) {
      absl::StrAppend(&msg, ", correlation ID ", e.correlation_id);
    }
    absl::StrAppend(&msg, ")");
  } else if (!e.correlation_id.empty()) {
    absl::StrAppend(&msg, " (correlation ID ", e.correlation_id, ")");
  }
  absl::Status status(HttpStatusToCode(e.http_status, e.code),
                      log::Redact(msg));
  nlohmann::json j = {
      {"http_status", e.http_status}, {"code", e.code},
      {"message", e.message},         {"target", e.target},
      {"request_id", e.request_id},   {"correlation_id", e.correlation_id},
      {"method", e.method},           {"url", e.url}};
  nlohmann::json details = nlohmann::json::array();
  for (const auto& d : e.details) {
    details.push_back(
        {{"code", d.code}, {"message", d.message}, {"target", d.target}});
  }
  j["details"] = std::move(details);
  status.SetPayload(
      kArmErrorTypeUrl,
      absl::Cord(
          j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
  return status;
}

std::optional<ArmError> GetArmError(const absl::Status& status) {
  auto payload = status.GetPayload(kArmErrorTypeUrl);
  if (!payload) return std::nullopt;
  nlohmann::json j =
      nlohmann::json::parse(std::string(*payload), nullptr, false);
  if (!j.is_object()) return std::nullopt;
  ArmError e;
  try {
    e.http_status = j.value("http_status", 0);
    e.code = j.value("code", "");
    e.message = j.value("message", "");
    e.target = j.value("target", "");
    e.request_id = j.value("request_id", "");
    e.correlation_id = j.value("correlation_id", "");
    e.method = j.value("method", "");
    e.url = j.value("url", "");
    auto it = j.find("details");
    if (it != j.end() && it->is_array()) {
      for (const auto& d : *it) {
        if (!d.is_object()) continue;
        e.details.push_back({d.value("code", ""), d.value("message", ""),
                             d.value("target", "")});
      }
    }
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
  return e;
}

}  // namespace secureaml::azure
