#include "tests/emulator/config.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "provider/common/status_macros.h"

namespace secureaml::emulator {
namespace {

using nlohmann::json;

absl::Status NumberField(const json& j, const char* key,
                         std::optional<double>* out) {
  if (!j.contains(key)) return absl::OkStatus();
  if (!j[key].is_number() || j[key].get<double>() < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", key, "' must be a non-negative number"));
  }
  *out = j[key].get<double>();
  return absl::OkStatus();
}

absl::Status Bucket(const json& j, const char* key, TokenBucketConfig* out) {
  if (!j.contains(key)) return absl::OkStatus();
  const json& b = j[key];
  if (!b.is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", key, "' must be an object"));
  }
  if (b.contains("capacity")) {
    if (!b["capacity"].is_number() || b["capacity"].get<double>() < 1) {
      return absl::InvalidArgumentError("capacity must be a number >= 1");
    }
    out->capacity = b["capacity"].get<double>();
  }
  if (b.contains("refill_per_second")) {
    if (!b["refill_per_second"].is_number() ||
        b["refill_per_second"].get<double>() <= 0) {
      return absl::InvalidArgumentError("refill_per_second must be > 0");
    }
    out->refill_per_second = b["refill_per_second"].get<double>();
  }
  return absl::OkStatus();
}

const char* KindName(FaultKind k) {
  switch (k) {
    case FaultKind::kStatus:
      return "status";
    case FaultKind::kDrop:
      return "drop";
    case FaultKind::kDelay:
      return "delay";
    case FaultKind::kLroFailed:
      return "lro_failed";
    case FaultKind::kTokenDown:
      return "token_down";
    case FaultKind::kTokenExpired:
      return "token_expired";
  }
  return "?";
}

const char* PhaseName(FaultPhase p) {
  switch (p) {
    case FaultPhase::kAny:
      return "any";
    case FaultPhase::kInitial:
      return "initial";
    case FaultPhase::kPoll:
      return "poll";
    case FaultPhase::kGet:
      return "get";
    case FaultPhase::kToken:
      return "token";
    case FaultPhase::kFinalGet:
      return "final_get";
  }
  return "?";
}

}  // namespace

json FaultRule::ToJson() const {
  json j = {{"id", id},
            {"kind", KindName(kind)},
            {"phase", PhaseName(phase)},
            {"count", count},
            {"probability", probability},
            {"seed", seed},
            {"fired", fired}};
  if (!method.empty()) j["method"] = method;
  if (!resource_type.empty()) j["resource_type"] = resource_type;
  if (!path_regex.empty()) j["path_regex"] = path_regex;
  if (kind == FaultKind::kStatus || kind == FaultKind::kLroFailed ||
      kind == FaultKind::kTokenDown) {
    j["status"] = status;
    j["code"] = code;
    j["message"] = message;
  }
  if (retry_after_seconds > 0) j["retry_after_seconds"] = retry_after_seconds;
  if (delay_ms > 0) j["delay_ms"] = delay_ms;
  if (identity_down) j["identity_down"] = true;
  return j;
}

absl::StatusOr<FaultRule> ParseFaultRule(const json& j) {
  if (!j.is_object())
    return absl::InvalidArgumentError("fault rule must be an object");
  FaultRule r;
  auto str = [&](const char* key, std::string* out) -> absl::Status {
    if (!j.contains(key)) return absl::OkStatus();
    if (!j[key].is_string()) {
      return absl::InvalidArgumentError(
          absl::StrCat("'", key, "' must be a string"));
    }
    *out = j[key].get<std::string>();
    return absl::OkStatus();
  };
  auto integer = [&](const char* key, int* out) -> absl::Status {
    if (!j.contains(key)) return absl::OkStatus();
    if (!j[key].is_number_integer()) {
      return absl::InvalidArgumentError(
          absl::StrCat("'", key, "' must be an integer"));
    }
    *out = j[key].get<int>();
    return absl::OkStatus();
  };
  std::string kind = "status", phase = "any";
  SECUREAML_RETURN_IF_ERROR(str("kind", &kind));
  SECUREAML_RETURN_IF_ERROR(str("phase", &phase));
  SECUREAML_RETURN_IF_ERROR(str("method", &r.method));
  SECUREAML_RETURN_IF_ERROR(str("resource_type", &r.resource_type));
  SECUREAML_RETURN_IF_ERROR(str("path_regex", &r.path_regex));
  SECUREAML_RETURN_IF_ERROR(str("code", &r.code));
  SECUREAML_RETURN_IF_ERROR(str("message", &r.message));
  SECUREAML_RETURN_IF_ERROR(integer("count", &r.count));
  SECUREAML_RETURN_IF_ERROR(integer("status", &r.status));
  SECUREAML_RETURN_IF_ERROR(
      integer("retry_after_seconds", &r.retry_after_seconds));
  SECUREAML_RETURN_IF_ERROR(integer("delay_ms", &r.delay_ms));
  if (j.contains("identity_down")) {
    if (!j["identity_down"].is_boolean()) {
      return absl::InvalidArgumentError("'identity_down' must be a boolean");
    }
    r.identity_down = j["identity_down"].get<bool>();
  }
  if (j.contains("probability")) {
    if (!j["probability"].is_number() || j["probability"].get<double>() < 0 ||
        j["probability"].get<double>() > 1) {
      return absl::InvalidArgumentError("'probability' must be in [0, 1]");
    }
    r.probability = j["probability"].get<double>();
  }
  if (j.contains("seed")) {
    if (!j["seed"].is_number_unsigned()) {
      return absl::InvalidArgumentError(
          "'seed' must be a non-negative integer");
    }
    r.seed = j["seed"].get<uint64_t>();
  }
  kind = absl::AsciiStrToLower(kind);
  phase = absl::AsciiStrToLower(phase);
  if (kind == "status") {
    r.kind = FaultKind::kStatus;
  } else if (kind == "drop" || kind == "drop_connection") {
    r.kind = FaultKind::kDrop;
  } else if (kind == "delay" || kind == "slow") {
    r.kind = FaultKind::kDelay;
  } else if (kind == "lro_failed" || kind == "lro-failed") {
    r.kind = FaultKind::kLroFailed;
  } else if (kind == "token_down" || kind == "token-down") {
    r.kind = FaultKind::kTokenDown;
  } else if (kind == "token_expired" || kind == "token-expired") {
    r.kind = FaultKind::kTokenExpired;
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown fault kind '", kind, "'"));
  }
  if (phase == "any") {
    r.phase = FaultPhase::kAny;
  } else if (phase == "initial") {
    r.phase = FaultPhase::kInitial;
  } else if (phase == "poll") {
    r.phase = FaultPhase::kPoll;
  } else if (phase == "get") {
    r.phase = FaultPhase::kGet;
  } else if (phase == "final_get" || phase == "final-get") {
    r.phase = FaultPhase::kFinalGet;
  } else if (phase == "token") {
    r.phase = FaultPhase::kToken;
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown fault phase '", phase, "'"));
  }
  if (r.kind == FaultKind::kTokenDown) r.phase = FaultPhase::kToken;
  if (r.kind == FaultKind::kLroFailed) r.phase = FaultPhase::kInitial;
  if (r.identity_down && r.kind != FaultKind::kTokenExpired) {
    return absl::InvalidArgumentError(
        "'identity_down' applies to token_expired faults only");
  }
  if (r.kind == FaultKind::kTokenExpired && r.phase == FaultPhase::kToken) {
    return absl::InvalidArgumentError(
        "token_expired faults expire the token of an ARM request; use phase "
        "'initial', 'poll', 'get' or 'any'");
  }
  if (r.status < 100 || r.status > 599) {
    return absl::InvalidArgumentError("'status' must be an HTTP status");
  }
  if (r.kind == FaultKind::kDelay && r.delay_ms <= 0) {
    return absl::InvalidArgumentError("delay faults need 'delay_ms' > 0");
  }
  if (r.kind == FaultKind::kStatus && r.code.empty()) {
    switch (r.status) {
      case 429:
        r.code = "SubscriptionRequestsThrottled";
        break;
      case 409:
        r.code = "AnotherOperationInProgress";
        break;
      case 503:
        r.code = "ServiceUnavailable";
        break;
      case 500:
        r.code = "InternalServerError";
        break;
      default:
        r.code = "InjectedFault";
        break;
    }
  }
  if (r.kind == FaultKind::kLroFailed && !j.contains("status")) {
    // How the failed operation's Location poll answers; most terminal
    // failures (quota, validation) are user errors.
    r.status = 400;
  }
  if (r.kind == FaultKind::kLroFailed && r.code.empty())
    r.code = "InternalServerError";
  if (r.message.empty()) {
    r.message = r.kind == FaultKind::kLroFailed
                    ? "The operation failed (injected fault)."
                    : "Injected fault from the emulator configuration.";
  }
  if (r.status == 429 && r.retry_after_seconds <= 0) r.retry_after_seconds = 1;
  if (!r.path_regex.empty()) {
    try {
      r.compiled = std::make_shared<std::regex>(
          r.path_regex, std::regex::ECMAScript | std::regex::icase);
    } catch (const std::regex_error& e) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad path_regex: ", e.what()));
    }
  }
  r.rng = std::make_shared<std::mt19937_64>(r.seed);
  return r;
}

absl::Status MergeDurations(const json& j, Config* config) {
  if (!j.is_object())
    return absl::InvalidArgumentError("durations must be an object");
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (!it.value().is_object()) {
      return absl::InvalidArgumentError(
          absl::StrCat("durations for '", it.key(), "' must be an object"));
    }
    OperationDurations& d = config->durations[absl::AsciiStrToLower(it.key())];
    SECUREAML_RETURN_IF_ERROR(
        NumberField(it.value(), "create_seconds", &d.create_seconds));
    SECUREAML_RETURN_IF_ERROR(
        NumberField(it.value(), "update_seconds", &d.update_seconds));
    SECUREAML_RETURN_IF_ERROR(
        NumberField(it.value(), "delete_seconds", &d.delete_seconds));
    if (it.value().contains("retry_after_seconds")) {
      const json& r = it.value()["retry_after_seconds"];
      if (!r.is_number_integer() || r.get<int>() < 0) {
        return absl::InvalidArgumentError(
            "retry_after_seconds must be an integer >= 0");
      }
      d.retry_after_seconds = r.get<int>();
    }
  }
  return absl::OkStatus();
}

absl::Status MergeConfig(const json& j, Config* config) {
  if (!j.is_object())
    return absl::InvalidArgumentError("config must be a JSON object");
  if (j.contains("durations")) {
    SECUREAML_RETURN_IF_ERROR(MergeDurations(j["durations"], config));
  }
  if (j.contains("throttling")) {
    const json& t = j["throttling"];
    if (!t.is_object())
      return absl::InvalidArgumentError("throttling must be an object");
    SECUREAML_RETURN_IF_ERROR(Bucket(t, "reads", &config->reads));
    SECUREAML_RETURN_IF_ERROR(Bucket(t, "writes", &config->writes));
    SECUREAML_RETURN_IF_ERROR(Bucket(t, "deletes", &config->deletes));
  }
  auto num = [&](const char* key, double* out) -> absl::Status {
    if (!j.contains(key)) return absl::OkStatus();
    if (!j[key].is_number() || j[key].get<double>() < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("'", key, "' must be a non-negative number"));
    }
    *out = j[key].get<double>();
    return absl::OkStatus();
  };
  if (j.contains("token_lifetime_seconds")) {
    if (!j["token_lifetime_seconds"].is_number_integer() ||
        j["token_lifetime_seconds"].get<int64_t>() < 1) {
      return absl::InvalidArgumentError(
          "token_lifetime_seconds must be an integer >= 1");
    }
    config->token_lifetime_seconds = j["token_lifetime_seconds"].get<int64_t>();
  }
  SECUREAML_RETURN_IF_ERROR(num("principal_replication_seconds",
                                &config->principal_replication_seconds));
  SECUREAML_RETURN_IF_ERROR(num("role_definition_replication_seconds",
                                &config->role_definition_replication_seconds));
  if (j.contains("faults")) {
    if (!j["faults"].is_array())
      return absl::InvalidArgumentError("faults must be an array");
    for (const json& f : j["faults"]) {
      SECUREAML_ASSIGN_OR_RETURN(FaultRule rule, ParseFaultRule(f));
      config->faults.push_back(std::move(rule));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Config> ParseConfig(const std::string& text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded())
    return absl::InvalidArgumentError("config is not valid JSON");
  Config config;
  SECUREAML_RETURN_IF_ERROR(MergeConfig(j, &config));
  return config;
}

}  // namespace secureaml::emulator
