// File: arm_client.h
//
// The one Azure Resource Manager client. Resources describe intent (GET this
// ID at this api-version, PUT this body, retry 404 for a while right after
// create) and the client owns everything else: bearer tokens, User-Agent and
// correlation headers, retries with jittered backoff honouring Retry-After,
// long-running-operation polling as ARM defines it, error mapping, logging
// with secrets redacted, deadlines and cancellation.
//
//   ArmClient client(transport, credential, {.endpoint =
//   cloud.resource_manager,
//                                            .token_scope =
//                                            cloud.token_scope});
//   RequestOptions opts;
//   opts.deadline = absl::Now() + absl::Minutes(30);   // Terraform timeout
//   opts.cancel = stop_token;                           // StopProvider
//   opts.correlation_id = operation_correlation_id;
//   opts.on_accepted = [&](const AcceptedOperation& op) {
//     state.SetId(op.resource_id);  // tracked even if polling times out
//   };
//   absl::StatusOr<ArmResponse> r = client.Put(id, "2025-06-01", body, opts);
//
// Contract for writes (PUT/PATCH/DELETE/POST with `poll`):
//  - The write is sent once (retried only where ARM makes that safe).
//  - On a 2xx answer `on_accepted` runs exactly once, before any polling.
//  - Azure-AsyncOperation is polled in preference to Location; without
//    either, a non-terminal provisioningState in a 200/201 body is polled on
//    the resource itself; a 202 DELETE without headers polls the resource
//    until 404.
//  - Poll pacing is Retry-After clamped to [lro.floor, lro.ceiling], and a
//    gently growing default when ARM sends none.
//  - PUT/PATCH end with one GET of the resource unless FinalStateVia says
//    otherwise or the last poll already was that GET; DELETE ends when the
//    operation succeeds (or the resource 404s).
//  - Failed/Canceled operations become a Status carrying the operation's
//    error code and message (see arm_error.h).
//  - When the deadline passes the Status is DeadlineExceeded and names the
//    resource ID, the polling URL and the last retryable error.
#ifndef SECUREAML_PROVIDER_AZURE_ARM_CLIENT_H_
#define SECUREAML_PROVIDER_AZURE_ARM_CLIENT_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "provider/azure/clock.h"
#include "provider/azure/credentials.h"
#include "provider/azure/http_transport.h"
#include "provider/azure/retry_policy.h"
#include "provider/common/cancellation.h"

namespace secureaml::azure {

// Where the final body of a completed LRO comes from
// (x-ms-long-running-operation-options.final-state-via).
enum class FinalStateVia {
  kDefault,  // PUT/PATCH: original URI; DELETE/POST: Location if any
  kOriginalUri,
  kLocation,
  kAzureAsyncOperation,
};

// Handed to RequestOptions::on_accepted once ARM accepted a write.
struct AcceptedOperation {
  std::string method;
  std::string resource_id;  // the ID written, without query string
  std::string polling_url;  // empty when ARM answered synchronously
  int http_status = 0;
  std::string request_id;
  std::string correlation_id;
};

struct RequestOptions {
  // Absolute deadline for the whole call, polls included. InfiniteFuture
  // means ArmClientOptions::default_timeout from now.
  absl::Time deadline = absl::InfiniteFuture();
  CancellationToken cancel;
  // x-ms-correlation-request-id; one per Terraform operation. Generated per
  // call when empty.
  std::string correlation_id;
  // Extra retries for ARM's eventual consistency, see retry_policy.h.
  std::vector<RetryRule> retry_rules;
  // POST is replayed after an ambiguous failure only when the action is
  // known to be idempotent (listKeys, ...).
  bool idempotent_post = false;
  // Wait for long-running operations. When false the first 2xx answer is
  // returned (on_accepted still runs).
  bool poll = true;
  FinalStateVia final_state_via = FinalStateVia::kDefault;
  std::function<void(const AcceptedOperation&)> on_accepted;
  // Extra query parameters (e.g. {"forceToPurge","true"}); values encoded.
  std::vector<std::pair<std::string, std::string>> query;
};

struct ArmResponse {
  int http_status = 0;  // of the response that carried `body`
  HttpHeaders headers;
  nlohmann::json body;  // null when the body was empty or not JSON
  std::string request_id;
  bool polled = false;  // true when an LRO was followed
};

struct LroOptions {
  absl::Duration floor = absl::Seconds(1);
  absl::Duration ceiling = absl::Seconds(60);
  // When ARM sends no Retry-After: start here, grow by 1.5x up to the max.
  absl::Duration default_interval = absl::Seconds(2);
  absl::Duration max_default_interval = absl::Seconds(20);
};

struct ArmClientOptions {
  std::string endpoint = "https://management.azure.com";
  std::string token_scope = "https://management.azure.com/.default";
  // Appended to the User-Agent (partner ID, Terraform version, ...).
  std::string user_agent_extra;
  Clock* clock = &RealTime::Get();
  Sleeper* sleeper = &RealTime::Get();
  BackoffOptions backoff;
  uint64_t rng_seed = 0;  // 0: random
  LroOptions lro;
  absl::Duration default_timeout = absl::Minutes(30);
  // One HTTP attempt never waits longer than this (ARM's own limit is 60 s).
  absl::Duration attempt_timeout = absl::Seconds(120);
  // Safety net when the deadline is far away; retries stop after this many.
  int max_attempts = 50;
  bool disable_correlation_id = false;  // ARM_DISABLE_CORRELATION_REQUEST_ID
};

// Request counts by kind, for tests and the benchmark.
struct ArmClientStats {
  int64_t writes = 0;       // first attempt of PUT/PATCH/DELETE/POST
  int64_t reads = 0;        // first attempt of a caller's GET
  int64_t polls = 0;        // first attempt of each LRO poll
  int64_t final_reads = 0;  // first attempt of the GET ending an LRO
  int64_t retries = 0;      // every attempt after the first
  int64_t reauth = 0;       // token refreshes forced by a 401
  int64_t total() const {
    return writes + reads + polls + final_reads + retries;
  }
};

class ArmClient {
 public:
  ArmClient(std::shared_ptr<HttpTransport> transport,
            std::shared_ptr<TokenCredential> credential,
            ArmClientOptions options = {});

  // `resource_id` is an ARM ID ("/subscriptions/..."), optionally with a
  // query string, or an absolute https URL on the ARM endpoint (nextLink).
  absl::StatusOr<ArmResponse> Get(absl::string_view resource_id,
                                  absl::string_view api_version,
                                  const RequestOptions& options = {});
  absl::StatusOr<ArmResponse> Put(absl::string_view resource_id,
                                  absl::string_view api_version,
                                  const nlohmann::json& body,
                                  const RequestOptions& options = {});
  absl::StatusOr<ArmResponse> Patch(absl::string_view resource_id,
                                    absl::string_view api_version,
                                    const nlohmann::json& body,
                                    const RequestOptions& options = {});
  absl::StatusOr<ArmResponse> Delete(absl::string_view resource_id,
                                     absl::string_view api_version,
                                     const RequestOptions& options = {});
  // `body` may be null for actions without a body.
  absl::StatusOr<ArmResponse> Post(absl::string_view resource_id,
                                   absl::string_view api_version,
                                   const nlohmann::json& body,
                                   const RequestOptions& options = {});

  // Visits every item of an ARM list ("value" arrays), following nextLink
  // (absolute, carrying its own query, so `options.query` applies to the
  // first page only) for at most `max_pages` pages. `visit` returns false
  // to stop early. Items that are not objects are skipped.
  absl::Status ListAll(absl::string_view collection_path,
                       absl::string_view api_version, RequestOptions options,
                       const std::function<bool(const nlohmann::json&)>& visit,
                       int max_pages = 100);

  ArmClientStats Stats() const;
  void ResetStats();
  const std::string& user_agent() const { return user_agent_; }
  const ArmClientOptions& options() const { return options_; }

 private:
  enum class Kind { kWrite, kRead, kPoll, kFinalRead };
  struct Call;

  absl::StatusOr<ArmResponse> Do(absl::string_view method,
                                 absl::string_view resource_id,
                                 absl::string_view api_version,
                                 const nlohmann::json* body,
                                 const RequestOptions& options);
  absl::StatusOr<HttpResponse> Send(Call& call, absl::string_view method,
                                    const std::string& url,
                                    const std::string& body, Kind kind,
                                    bool idempotent, bool pass_404);
  absl::StatusOr<ArmResponse> FinishWrite(Call& call, absl::string_view method,
                                          const std::string& url,
                                          HttpResponse initial);
  std::string BuildUrl(absl::string_view resource_id,
                       absl::string_view api_version,
                       const RequestOptions& options) const;
  std::string PollingUrl(absl::string_view url) const;

  std::shared_ptr<HttpTransport> transport_;
  std::shared_ptr<TokenCredential> credential_;
  ArmClientOptions options_;
  BackoffPolicy backoff_;
  std::string user_agent_;
  std::atomic<int64_t> writes_{0}, reads_{0}, polls_{0}, final_reads_{0},
      retries_{0}, reauth_{0};
};

// The User-Agent: "terraform-provider-secureaml/<version> (<os>) <extra>".
std::string ProviderUserAgent(absl::string_view extra = "");

// Converts a response body to JSON (null when empty or not JSON).
nlohmann::json ParseJsonBody(absl::string_view body);

}  // namespace secureaml::azure

#endif  // SECUREAML_PROVIDER_AZURE_ARM_CLIENT_H_
