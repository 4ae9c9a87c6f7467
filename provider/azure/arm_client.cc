#include "provider/azure/arm_client.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "provider/azure/arm_error.h"
#include "provider/azure/redaction.h"
#include "provider/azure/url.h"
#include "provider/azure/uuid.h"
#include "provider/common/logging.h"
#include "provider/common/status_macros.h"

#ifndef SECUREAML_VERSION
#define SECUREAML_VERSION "0.0.0-dev"
#endif

namespace secureaml::azure {

// Per-call state shared by the write, its polls and its final read.
struct ArmClient::Call {
  absl::Time deadline;
  CancellationToken cancel;
  std::string correlation_id;
  const std::vector<RetryRule>* rules = nullptr;
  std::vector<std::optional<absl::Time>> rule_first_match;
  FinalStateVia final_state_via = FinalStateVia::kDefault;
  bool poll = true;
  const std::function<void(const AcceptedOperation&)>* on_accepted = nullptr;
  std::string resource_id;  // without query
  // The last retryable error seen anywhere in this call (azapi's
  // last_retry_error): reported when the deadline or cancellation ends it.
  absl::Status last_retryable;
};

namespace {

bool IsTerminal(absl::string_view state) {
  return absl::EqualsIgnoreCase(state, "Succeeded") ||
         absl::EqualsIgnoreCase(state, "Failed") ||
         absl::EqualsIgnoreCase(state, "Canceled") ||
         absl::EqualsIgnoreCase(state, "Cancelled") ||
         absl::EqualsIgnoreCase(state, "Completed");
}
bool IsSuccess(absl::string_view state) {
  return absl::EqualsIgnoreCase(state, "Succeeded") ||
         absl::EqualsIgnoreCase(state, "Completed");
}

std::string ProvisioningState(const nlohmann::json& body) {
  if (!body.is_object()) return "";
  auto props = body.find("properties");
  if (props != body.end() && props->is_object()) {
    auto ps = props->find("provisioningState");
    if (ps != props->end() && ps->is_string()) return ps->get<std::string>();
  }
  return "";
}

std::string OperationStatus(const nlohmann::json& body) {
  if (!body.is_object()) return "";
  auto st = body.find("status");
  if (st != body.end() && st->is_string()) return st->get<std::string>();
  return ProvisioningState(body);
}

std::string StripQuery(absl::string_view id) {
  return std::string(id.substr(0, id.find('?')));
}

absl::Status WithContext(const absl::Status& base, absl::StatusCode code,
                         absl::string_view message) {
  absl::Status out(code, message);
  base.ForEachPayload([&](absl::string_view url, const absl::Cord& payload) {
    out.SetPayload(url, payload);
  });
  return out;
}

// The Failed/Canceled outcome of an LRO as a Status: the operation's own
// error code/message when it has one.
absl::Status OperationFailed(const HttpResponse& resp,
                             const nlohmann::json& body,
                             absl::string_view state, absl::string_view method,
                             absl::string_view resource_id) {
  ArmError e;
  e.http_status = 409;
  e.method = std::string(method);
  e.url = std::string(resource_id);
  e.request_id = resp.headers.Get("x-ms-request-id").value_or("");
  e.correlation_id =
      resp.headers.Get("x-ms-correlation-request-id").value_or("");
  const nlohmann::json* err = nullptr;
  if (body.is_object()) {
    auto it = body.find("error");
    if (it != body.end() && it->is_object()) err = &*it;
    auto props = body.find("properties");
    if (err == nullptr && props != body.end() && props->is_object()) {
      auto pe = props->find("error");
      if (pe != props->end() && pe->is_object()) err = &*pe;
    }
  }
  if (err != nullptr) {
    e.code = err->value("code", "");
    e.message = log::Redact(err->value("message", ""));
    e.target = err->value("target", "");
  }
  if (e.code.empty()) e.code = absl::StrCat("Operation", state);
  if (e.message.empty()) {
    e.message = absl::StrCat("the long-running operation ended ", state,
                             " without an error description");
  }
  absl::Status s = ArmErrorToStatus(e);
  absl::StatusCode code = absl::EqualsIgnoreCase(state, "Canceled") ||
                                  absl::EqualsIgnoreCase(state, "Cancelled")
                              ? absl::StatusCode::kAborted
                              : absl::StatusCode::kFailedPrecondition;
  return WithContext(s, code,
                     absl::StrCat("long-running ", method, " of ", resource_id,
                                  " ended ", state, ": ", s.message()));
}

}  // namespace

nlohmann::json ParseJsonBody(absl::string_view body) {
  if (absl::StripAsciiWhitespace(body).empty()) return nullptr;
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded()) return nullptr;
  return j;
}

std::string ProviderUserAgent(absl::string_view extra) {
  std::string ua = absl::StrCat("terraform-provider-secureaml/",
                                SECUREAML_VERSION, " (cpprest; linux)");
  if (!extra.empty()) absl::StrAppend(&ua, " ", extra);
  return ua;
}

ArmClient::ArmClient(std::shared_ptr<HttpTransport> transport,
                     std::shared_ptr<TokenCredential> credential,
                     ArmClientOptions options)
    : transport_(std::move(transport)),
      credential_(std::move(credential)),
      options_(std::move(options)),
      backoff_(options_.backoff, options_.rng_seed),
      user_agent_(ProviderUserAgent(options_.user_agent_extra)) {
  while (absl::EndsWith(options_.endpoint, "/")) options_.endpoint.pop_back();
}

ArmClientStats ArmClient::Stats() const {
  ArmClientStats s;
  s.writes = writes_.load();
  s.reads = reads_.load();
  s.polls = polls_.load();
  s.final_reads = final_reads_.load();
  s.retries = retries_.load();
  s.reauth = reauth_.load();
  return s;
}

void ArmClient::ResetStats() {
  writes_ = reads_ = polls_ = final_reads_ = retries_ = reauth_ = 0;
}

absl::StatusOr<ArmResponse> ArmClient::Get(absl::string_view id,
                                           absl::string_view api_version,
                                           const RequestOptions& o) {
  return Do("GET", id, api_version, nullptr, o);
}
absl::StatusOr<ArmResponse> ArmClient::Put(absl::string_view id,
                                           absl::string_view api_version,
                                           const nlohmann::json& body,
                                           const RequestOptions& o) {
  return Do("PUT", id, api_version, &body, o);
}
absl::StatusOr<ArmResponse> ArmClient::Patch(absl::string_view id,
                                             absl::string_view api_version,
                                             const nlohmann::json& body,
                                             const RequestOptions& o) {
  return Do("PATCH", id, api_version, &body, o);
}
absl::StatusOr<ArmResponse> ArmClient::Delete(absl::string_view id,
                                              absl::string_view api_version,
                                              const RequestOptions& o) {
  return Do("DELETE", id, api_version, nullptr, o);
}
absl::StatusOr<ArmResponse> ArmClient::Post(absl::string_view id,
                                            absl::string_view api_version,
                                            const nlohmann::json& body,
                                            const RequestOptions& o) {
  return Do("POST", id, api_version, body.is_null() ? nullptr : &body, o);
}

absl::Status ArmClient::ListAll(
    absl::string_view collection_path, absl::string_view api_version,
    RequestOptions options,
    const std::function<bool(const nlohmann::json&)>& visit, int max_pages) {
  std::string next(collection_path);
  for (int page = 0; page < max_pages && !next.empty(); ++page) {
    absl::StatusOr<ArmResponse> r = Get(next, api_version, options);
    if (!r.ok()) return r.status();
    options.query.clear();
    const nlohmann::json& body = r->body;
    if (!body.is_object()) return absl::OkStatus();
    auto items = body.find("value");
    if (items != body.end() && items->is_array()) {
      for (const nlohmann::json& item : *items) {
        if (item.is_object() && !visit(item)) return absl::OkStatus();
      }
    }
    auto link = body.find("nextLink");
    next =
        link != body.end() && link->is_string() ? link->get<std::string>() : "";
  }
  return absl::OkStatus();
}

std::string ArmClient::BuildUrl(absl::string_view resource_id,
                                absl::string_view api_version,
                                const RequestOptions& o) const {
  std::string url;
  if (absl::StartsWithIgnoreCase(resource_id, "https://")) {
    url = PollingUrl(resource_id);
  } else {
    url = absl::StrCat(options_.endpoint,
                       absl::StartsWith(resource_id, "/") ? "" : "/",
                       resource_id);
  }
  if (!api_version.empty() && QueryParam(url, "api-version").empty()) {
    url = AppendQuery(url, "api-version", api_version);
  }
  for (const auto& [k, v] : o.query) url = AppendQuery(url, k, v);
  return url;
}

// Polling URLs are used for their path and query only, against the
// configured ARM endpoint, as go-azure-sdk does: the bearer token must never
// be sent to a host the provider was not configured for.
std::string ArmClient::PollingUrl(absl::string_view url) const {
  absl::StatusOr<ParsedUrl> parsed = ParseUrl(url);
  if (!parsed.ok()) return std::string(url);
  absl::StatusOr<ParsedUrl> ep = ParseUrl(options_.endpoint);
  if (ep.ok() && (parsed->host != ep->host || parsed->port != ep->port ||
                  parsed->scheme != ep->scheme)) {
    log::Debug(
        "polling URL host differs from the ARM endpoint; using the "
        "endpoint",
        {{"url", RedactUrl(url)}, {"endpoint", options_.endpoint}});
  }
  return absl::StrCat(options_.endpoint, parsed->path_and_query);
}

absl::StatusOr<ArmResponse> ArmClient::Do(absl::string_view method,
                                          absl::string_view resource_id,
                                          absl::string_view api_version,
                                          const nlohmann::json* body,
                                          const RequestOptions& o) {
  Call call;
  absl::Time now = options_.clock->Now();
  call.deadline = o.deadline == absl::InfiniteFuture()
                      ? now + options_.default_timeout
                      : o.deadline;
  call.cancel = o.cancel;
  call.correlation_id = o.correlation_id.empty() ? NewUuid() : o.correlation_id;
  call.rules = &o.retry_rules;
  call.rule_first_match.resize(o.retry_rules.size());
  call.final_state_via = o.final_state_via;
  call.poll = o.poll;
  call.on_accepted = &o.on_accepted;
  call.resource_id = StripQuery(resource_id);

  std::string url = BuildUrl(resource_id, api_version, o);
  std::string payload;
  if (body != nullptr) {
    payload =
        body->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  bool is_get = method == "GET";
  bool idempotent = method != "POST" || o.idempotent_post;
  SECUREAML_ASSIGN_OR_RETURN(
      HttpResponse resp,
      Send(call, method, url, payload, is_get ? Kind::kRead : Kind::kWrite,
           idempotent, /*pass_404=*/false));
  if (is_get) {
    ArmResponse out;
    out.http_status = resp.status;
    out.body = ParseJsonBody(resp.body);
    out.request_id = resp.headers.Get("x-ms-request-id").value_or("");
    out.headers = std::move(resp.headers);
    return out;
  }
  return FinishWrite(call, method, url, std::move(resp));
}

absl::StatusOr<HttpResponse> ArmClient::Send(Call& call,
                                             absl::string_view method,
                                             const std::string& url,
                                             const std::string& body, Kind kind,
                                             bool idempotent, bool pass_404) {
  int attempt = 0;
  int retry = 0;
  // Polls give up after a few server errors or dropped connections: a
  // Location URL reports a failed operation as a 4xx/5xx, and an
  // Azure-AsyncOperation URL that keeps failing will not recover. Throttling
  // (429) is not failure and is waited out.
  int poll_failures = 0;
  constexpr int kMaxPollFailures = 4;
  bool reauthenticated = false;
  std::string redacted_url = RedactUrl(url);
  auto deadline_error = [&](absl::string_view why) {
    std::string msg = absl::StrCat(method, " ", redacted_url, ": ", why);
    if (!call.last_retryable.ok()) {
      absl::StrAppend(
          &msg, "; last retryable error: ", call.last_retryable.message());
    }
    return WithContext(call.last_retryable, absl::StatusCode::kDeadlineExceeded,
                       log::Redact(msg));
  };
  auto cancelled_error = [&]() {
    std::string msg = absl::StrCat(method, " ", redacted_url,
                                   ": cancelled (Terraform stop or timeout)");
    if (!call.last_retryable.ok()) {
      absl::StrAppend(
          &msg, "; last retryable error: ", call.last_retryable.message());
    }
    return absl::CancelledError(log::Redact(msg));
  };

  for (;; ++attempt) {
    if (call.cancel.IsCancelled()) return cancelled_error();
    absl::Time now = options_.clock->Now();
    if (now >= call.deadline) {
      return deadline_error(
          absl::StrCat("the operation deadline passed after ", attempt,
                       attempt == 1 ? " attempt" : " attempts"));
    }
    std::optional<absl::Duration> retry_after;
    absl::Status failure;

    absl::StatusOr<AccessToken> token =
        credential_->GetToken(options_.token_scope, call.cancel);
    if (!token.ok()) {
      if (absl::IsCancelled(token.status())) return cancelled_error();
      // Entra ID outages are transient; configuration errors are not.
      if (!absl::IsUnavailable(token.status()) &&
          !absl::IsDeadlineExceeded(token.status())) {
        return token.status();
      }
      failure = token.status();
    } else {
      HttpRequest req;
      req.method = std::string(method);
      req.url = url;
      req.body = body;
      req.deadline = std::min(call.deadline, now + options_.attempt_timeout);
      req.idempotent = idempotent;
      std::string client_request_id = NewUuid();
      req.headers.Set("Authorization", absl::StrCat("Bearer ", token->token));
      req.headers.Set("User-Agent", user_agent_);
      req.headers.Set("Accept", "application/json");
      req.headers.Set("x-ms-client-request-id", client_request_id);
      if (!options_.disable_correlation_id) {
        req.headers.Set("x-ms-correlation-request-id", call.correlation_id);
      }
      if (!body.empty()) req.headers.Set("Content-Type", "application/json");

      if (attempt == 0) {
        switch (kind) {
          case Kind::kWrite:
            ++writes_;
            break;
          case Kind::kRead:
            ++reads_;
            break;
          case Kind::kPoll:
            ++polls_;
            break;
          case Kind::kFinalRead:
            ++final_reads_;
            break;
        }
      } else {
        ++retries_;
      }
      if (log::Enabled(log::Level::kTrace) && !body.empty()) {
        log::Trace("ARM request body",
                   {{"method", req.method},
                    {"url", redacted_url},
                    {"client_request_id", client_request_id},
                    {"body", RedactBody(body, "application/json")}});
      }
      absl::Time start = absl::Now();
      absl::StatusOr<HttpResponse> resp = transport_->Send(req, call.cancel);
      std::string duration_ms =
          std::to_string(absl::ToInt64Milliseconds(absl::Now() - start));
      if (!resp.ok()) {
        log::Debug("ARM request failed",
                   {{"method", req.method},
                    {"url", redacted_url},
                    {"attempt", std::to_string(attempt + 1)},
                    {"duration_ms", duration_ms},
                    {"correlation_id", call.correlation_id},
                    {"client_request_id", client_request_id},
                    {"error", std::string(resp.status().message())}});
        if (absl::IsCancelled(resp.status()) || call.cancel.IsCancelled()) {
          return cancelled_error();
        }
        if (absl::IsDeadlineExceeded(resp.status()) &&
            options_.clock->Now() >= call.deadline) {
          call.last_retryable = resp.status();
          return deadline_error("the operation deadline passed mid-request");
        }
        if (!idempotent && !RequestWasNotSent(resp.status())) {
          // The server may have acted on it; replaying could act twice.
          return absl::UnavailableError(log::Redact(absl::StrCat(
              method, " ", redacted_url,
              ": the connection failed after the request may have reached "
              "ARM, so it was not replayed: ",
              resp.status().message())));
        }
        failure = resp.status();
      } else {
        std::string request_id =
            resp->headers.Get("x-ms-request-id").value_or("");
        log::Debug("ARM request", {{"method", req.method},
                                   {"url", redacted_url},
                                   {"status", std::to_string(resp->status)},
                                   {"duration_ms", duration_ms},
                                   {"request_id", request_id},
                                   {"correlation_id", call.correlation_id},
                                   {"client_request_id", client_request_id},
                                   {"attempt", std::to_string(attempt + 1)}});
        if (log::Enabled(log::Level::kTrace) && !resp->body.empty()) {
          log::Trace(
              "ARM response body",
              {{"method", req.method},
               {"url", redacted_url},
               {"status", std::to_string(resp->status)},
               {"request_id", request_id},
               {"body",
                RedactBody(resp->body,
                           resp->headers.Get("Content-Type").value_or(""))}});
        }
        int status = resp->status;
        if ((status >= 200 && status < 300) || (pass_404 && status == 404)) {
          return resp;
        }
        ArmError error = ParseArmError(*resp, method, url);
        absl::Status error_status = ArmErrorToStatus(error);
        if (status == 401 && !reauthenticated) {
          // Tokens can be revoked or expire early (clock skew); refresh once.
          reauthenticated = true;
          ++reauth_;
          credential_->Invalidate();
          call.last_retryable = error_status;
          continue;
        }
        bool retryable =
            IsRetryableHttpStatus(status) && (idempotent || status == 429);
        // 429 is safe even for POST: ARM throttles before the RP sees it.
        if (!retryable) {
          for (size_t i = 0; i < call.rules->size(); ++i) {
            const RetryRule& rule = (*call.rules)[i];
            bool status_ok = rule.http_status == 0
                                 ? (status >= 400 && status < 500)
                                 : status == rule.http_status;
            bool code_ok = rule.arm_code.empty() ||
                           absl::EqualsIgnoreCase(rule.arm_code, error.code);
            bool method_ok = rule.method.empty() ||
                             absl::EqualsIgnoreCase(rule.method, method);
            bool msg_ok =
                rule.message_contains.empty() ||
                absl::StrContains(error.message, rule.message_contains);
            if (!(status_ok && code_ok && method_ok && msg_ok)) continue;
            if (!call.rule_first_match[i]) call.rule_first_match[i] = now;
            if (now - *call.rule_first_match[i] < rule.window) {
              retryable = true;
              log::Debug("retrying for eventual consistency",
                         {{"rule", rule.name}, {"code", error.code}});
            }
            break;
          }
        }
        if (!retryable) return error_status;
        failure = error_status;
        retry_after = ParseRetryAfter(resp->headers, now);
      }
    }

    call.last_retryable = failure;
    if (kind == Kind::kPoll && !absl::IsResourceExhausted(failure) &&
        ++poll_failures >= kMaxPollFailures) {
      return failure;
    }
    if (options_.max_attempts > 0 && attempt + 1 >= options_.max_attempts) {
      return WithContext(failure, failure.code(),
                         log::Redact(absl::StrCat(
                             method, " ", redacted_url, ": gave up after ",
                             attempt + 1, " attempts: ", failure.message())));
    }
    absl::Duration delay = backoff_.Delay(retry++, retry_after);
    absl::Time after = options_.clock->Now();
    if (after + delay > call.deadline) {
      // Sleeping past the deadline only delays the inevitable error.
      return deadline_error(absl::StrCat(
          "the operation deadline would pass before the next retry (due in ",
          absl::FormatDuration(delay), ")"));
    }
    log::Debug("retrying ARM request",
               {{"method", std::string(method)},
                {"url", redacted_url},
                {"delay", absl::FormatDuration(delay)},
                {"reason", std::string(failure.message())}});
    if (options_.sleeper->Sleep(delay, call.cancel)) return cancelled_error();
  }
}

absl::StatusOr<ArmResponse> ArmClient::FinishWrite(Call& call,
                                                   absl::string_view method,
                                                   const std::string& url,
                                                   HttpResponse initial) {
  enum class Mode {
    kDone,
    kAsyncOperation,
    kLocation,
    kProvisioningState,
    kDeleteUntil404
  };
  std::optional<std::string> aao = initial.headers.Get("Azure-AsyncOperation");
  std::optional<std::string> loc = initial.headers.Get("Location");
  if (aao && aao->empty()) aao.reset();
  if (loc && loc->empty()) loc.reset();
  nlohmann::json body = ParseJsonBody(initial.body);
  std::string state = ProvisioningState(body);
  bool is_delete = method == "DELETE";
  bool put_like = method == "PUT" || method == "PATCH" || method == "POST";

  Mode mode = Mode::kDone;
  if ((initial.status == 201 || initial.status == 202) && (aao || loc)) {
    mode = aao ? Mode::kAsyncOperation : Mode::kLocation;
  } else if ((initial.status == 200 || initial.status == 201) && put_like &&
             !state.empty() && !IsTerminal(state)) {
    mode = Mode::kProvisioningState;
  } else if (initial.status == 202 && is_delete) {
    mode = Mode::kDeleteUntil404;
  }
  if (mode == Mode::kDone && !state.empty() && IsTerminal(state) &&
      !IsSuccess(state)) {
    return OperationFailed(initial, body, state, method, call.resource_id);
  }

  AcceptedOperation accepted;
  accepted.method = std::string(method);
  accepted.resource_id = call.resource_id;
  accepted.http_status = initial.status;
  accepted.request_id = initial.headers.Get("x-ms-request-id").value_or("");
  accepted.correlation_id = call.correlation_id;
  if (mode == Mode::kAsyncOperation) accepted.polling_url = PollingUrl(*aao);
  if (mode == Mode::kLocation) accepted.polling_url = PollingUrl(*loc);
  if (mode == Mode::kProvisioningState || mode == Mode::kDeleteUntil404) {
    accepted.polling_url = url;
  }
  // Before any wait: a create that later times out is still in state.
  if (call.on_accepted != nullptr && *call.on_accepted) {
    (*call.on_accepted)(accepted);
  }

  auto to_response = [](const HttpResponse& r, bool polled) {
    ArmResponse out;
    out.http_status = r.status;
    out.body = ParseJsonBody(r.body);
    out.request_id = r.headers.Get("x-ms-request-id").value_or("");
    out.headers = r.headers;
    out.polled = polled;
    return out;
  };
  if (mode == Mode::kDone || !call.poll) return to_response(initial, false);

  log::Debug("waiting for long-running operation",
             {{"method", std::string(method)},
              {"resource_id", call.resource_id},
              {"polling_url", RedactUrl(accepted.polling_url)},
              {"correlation_id", call.correlation_id}});

  // Right after a write ARM's read replicas can briefly miss the resource;
  // polls and the final GET of the resource retry 404 for a short while.
  std::vector<RetryRule> rules = *call.rules;
  rules.push_back(RetryNotFoundAfterCreate(absl::Seconds(30)));
  call.rules = &rules;
  call.rule_first_match.resize(rules.size());
  // Errors while polling name the operation and its polling URL.
  auto with_context =
      [&](absl::StatusOr<HttpResponse> r) -> absl::StatusOr<HttpResponse> {
    if (r.ok()) return r;
    bool unfinished =
        absl::IsDeadlineExceeded(r.status()) || absl::IsCancelled(r.status());
    return WithContext(
        r.status(), r.status().code(),
        absl::StrCat("long-running ", method, " of ", call.resource_id,
                     " (polling URL ", RedactUrl(accepted.polling_url), ") ",
                     unfinished ? "did not finish: " : "failed: ",
                     r.status().message()));
  };

  const LroOptions& lro = options_.lro;
  absl::Duration fallback = lro.default_interval;
  auto next_interval = [&](const HttpResponse& r) {
    std::optional<absl::Duration> ra =
        ParseRetryAfter(r.headers, options_.clock->Now());
    absl::Duration d;
    if (ra) {
      d = *ra;
    } else {
      d = fallback;
      fallback = std::min(fallback * 1.5, lro.max_default_interval);
    }
    return std::clamp(d, lro.floor, lro.ceiling);
  };
  absl::Duration interval = next_interval(initial);
  std::string poll_url = accepted.polling_url;
  HttpResponse last = initial;
  bool have_final_body = false;  // `last` is the resource itself
  bool location_result = false;  // `last` came from the Location URL

  for (int polls = 0;; ++polls) {
    absl::Time now = options_.clock->Now();
    absl::Duration wait = std::min(interval, call.deadline - now);
    if (wait > absl::ZeroDuration() &&
        options_.sleeper->Sleep(wait, call.cancel)) {
      return absl::CancelledError(absl::StrCat(
          "cancelled while waiting for the long-running ", method, " of ",
          call.resource_id, " (polling URL ", RedactUrl(poll_url),
          "); it may still complete in Azure"));
    }
    if (options_.clock->Now() >= call.deadline) {
      std::string msg = absl::StrCat(
          "the deadline passed while the long-running ", method, " of ",
          call.resource_id, " was still running (polling URL ",
          RedactUrl(poll_url), ", ", polls, " polls)");
      if (!call.last_retryable.ok()) {
        absl::StrAppend(
            &msg, "; last retryable error: ", call.last_retryable.message());
      }
      return absl::DeadlineExceededError(log::Redact(msg));
    }
    bool pass_404 = is_delete || mode == Mode::kDeleteUntil404;
    SECUREAML_ASSIGN_OR_RETURN(
        HttpResponse r,
        with_context(Send(call, "GET", poll_url, "", Kind::kPoll,
                          /*idempotent=*/true, pass_404)));
    interval = next_interval(r);
    nlohmann::json pbody = ParseJsonBody(r.body);
    if (mode == Mode::kAsyncOperation) {
      if (r.status == 202) continue;
      if (r.status == 404 && is_delete) break;
      std::string st = OperationStatus(pbody);
      if (st.empty() && (r.status == 204 || r.body.empty())) break;
      if (IsSuccess(st)) break;
      if (IsTerminal(st)) {
        return OperationFailed(r, pbody, st, method, call.resource_id);
      }
      continue;
    }
    if (mode == Mode::kLocation) {
      if (r.status == 202) continue;
      if (r.status == 404 && is_delete) break;
      // 200/201/204: done; a body here is the final result.
      std::string st = ProvisioningState(pbody);
      if (!st.empty() && IsTerminal(st) && !IsSuccess(st)) {
        return OperationFailed(r, pbody, st, method, call.resource_id);
      }
      last = r;
      location_result = true;
      break;
    }
    if (mode == Mode::kDeleteUntil404) {
      if (r.status == 404) break;
      std::string st = ProvisioningState(pbody);
      if (absl::EqualsIgnoreCase(st, "Failed") ||
          absl::EqualsIgnoreCase(st, "Canceled")) {
        return OperationFailed(r, pbody, st, method, call.resource_id);
      }
      continue;
    }
    // kProvisioningState: polling the resource itself.
    std::string st = ProvisioningState(pbody);
    if (st.empty() || IsSuccess(st)) {
      last = r;
      have_final_body = true;
      break;
    }
    if (IsTerminal(st)) {
      return OperationFailed(r, pbody, st, method, call.resource_id);
    }
  }

  // Final state.
  if (is_delete) {
    ArmResponse out = to_response(last, true);
    return out;
  }
  FinalStateVia via = call.final_state_via;
  if (have_final_body) return to_response(last, true);
  if (via == FinalStateVia::kLocation && location_result) {
    return to_response(last, true);
  }
  if (method == "POST") {
    // Actions have no resource to GET: their result is at Location.
    if (location_result) return to_response(last, true);
    if (loc) {
      SECUREAML_ASSIGN_OR_RETURN(HttpResponse r,
                                 Send(call, "GET", PollingUrl(*loc), "",
                                      Kind::kFinalRead, true, false));
      return to_response(r, true);
    }
    return to_response(last, true);
  }
  if (via == FinalStateVia::kLocation && loc) {
    SECUREAML_ASSIGN_OR_RETURN(
        HttpResponse r,
        Send(call, "GET", PollingUrl(*loc), "", Kind::kFinalRead, true, false));
    return to_response(r, true);
  }
  if (via == FinalStateVia::kAzureAsyncOperation && aao) {
    SECUREAML_ASSIGN_OR_RETURN(
        HttpResponse r,
        Send(call, "GET", PollingUrl(*aao), "", Kind::kFinalRead, true, false));
    return to_response(r, true);
  }
  // PUT/PATCH: GET the original URI.
  SECUREAML_ASSIGN_OR_RETURN(
      HttpResponse r,
      with_context(Send(call, "GET", url, "", Kind::kFinalRead, true, false)));
  return to_response(r, true);
}

}  // namespace secureaml::azure
