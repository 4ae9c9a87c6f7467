// File: testing/fake_transport.h
//
// Test doubles for the Azure client: a transport that replays a scripted
// sequence of ARM exchanges (checking each request's method and URL) and a
// credential that hands out numbered tokens.
//
//   auto t = std::make_shared<FakeTransport>();
//   t->Expect("PUT", "/workspaces/ws", JsonResponse(201, body,
//             {{"Azure-AsyncOperation", "https://.../op1"}}));
//   t->Expect("GET", "/op1", JsonResponse(200, {{"status", "Succeeded"}}));
#ifndef SECUREAML_PROVIDER_AZURE_TESTING_FAKE_TRANSPORT_H_
#define SECUREAML_PROVIDER_AZURE_TESTING_FAKE_TRANSPORT_H_

#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "provider/azure/clock.h"
#include "provider/azure/credentials.h"
#include "provider/azure/http_transport.h"

namespace secureaml::azure::testing {

inline HttpResponse JsonResponse(int status, const nlohmann::json& body,
                                 HttpHeaders headers = {}) {
  HttpResponse r;
  r.status = status;
  r.headers = std::move(headers);
  if (!r.headers.Has("Content-Type")) {
    r.headers.Set("Content-Type", "application/json; charset=utf-8");
  }
  if (!r.headers.Has("x-ms-request-id")) {
    r.headers.Set("x-ms-request-id", "req-" + std::to_string(status));
  }
  r.body = body.is_null() ? "" : body.dump();
  return r;
}

inline HttpResponse EmptyResponse(int status, HttpHeaders headers = {}) {
  HttpResponse r;
  r.status = status;
  r.headers = std::move(headers);
  r.headers.Set("Content-Length", "0");
  return r;
}

inline HttpResponse ArmErrorResponse(int status, const std::string& code,
                                     const std::string& message,
                                     HttpHeaders headers = {}) {
  return JsonResponse(status,
                      {{"error", {{"code", code}, {"message", message}}}},
                      std::move(headers));
}

class FakeTransport : public HttpTransport {
 public:
  using Handler =
      std::function<absl::StatusOr<HttpResponse>(const HttpRequest&)>;

  // Scripted: requests must arrive in this order.
  void Expect(std::string method, std::string url_contains,
              absl::StatusOr<HttpResponse> response) {
    std::lock_guard<std::mutex> lock(mu_);
    script_.push_back(
        {std::move(method), std::move(url_contains), std::move(response)});
  }
  // Used when the script is empty.
  void SetHandler(Handler h) {
    std::lock_guard<std::mutex> lock(mu_);
    handler_ = std::move(h);
  }
  // Runs before each request is answered (e.g. to advance a fake clock).
  void SetOnSend(std::function<void(const HttpRequest&)> f) {
    std::lock_guard<std::mutex> lock(mu_);
    on_send_ = std::move(f);
  }

  absl::StatusOr<HttpResponse> Send(const HttpRequest& request,
                                    const CancellationToken& cancel) override {
    std::function<void(const HttpRequest&)> on_send;
    Handler handler;
    {
      std::lock_guard<std::mutex> lock(mu_);
      requests_.push_back(request);
      on_send = on_send_;
      if (!script_.empty()) {
        Step step = std::move(script_.front());
        script_.pop_front();
        if (request.method != step.method ||
            !absl::StrContains(request.url, step.url_contains)) {
          return absl::InternalError(absl::StrCat(
              "FakeTransport: expected ", step.method, " *", step.url_contains,
              "* but got ", request.method, " ", request.url));
        }
        if (on_send) on_send(request);
        return step.response;
      }
      handler = handler_;
    }
    if (on_send) on_send(request);
    if (handler) return handler(request);
    return absl::InternalError(absl::StrCat("FakeTransport: unexpected ",
                                            request.method, " ", request.url));
  }

  std::vector<HttpRequest> requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }
  size_t request_count() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_.size();
  }
  size_t remaining() const {
    std::lock_guard<std::mutex> lock(mu_);
    return script_.size();
  }

 private:
  struct Step {
    std::string method;
    std::string url_contains;
    absl::StatusOr<HttpResponse> response;
  };
  mutable std::mutex mu_;
  std::deque<Step> script_;
  Handler handler_;
  std::function<void(const HttpRequest&)> on_send_;
  std::vector<HttpRequest> requests_;
};

// Hands out "fake-token-1", "fake-token-2", ... each valid for `lifetime`.
class FakeCredential : public TokenCredential {
 public:
  FakeCredential(Clock* clock, absl::Duration lifetime = absl::Hours(1))
      : clock_(clock), lifetime_(lifetime) {}
  absl::StatusOr<AccessToken> GetToken(absl::string_view,
                                       const CancellationToken&) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++calls_;
    if (!fail_with_.ok()) return fail_with_;
    return AccessToken{absl::StrCat("fake-token-", calls_),
                       clock_->Now() + lifetime_};
  }
  std::string Name() const override { return "fake"; }
  void Invalidate() override {
    std::lock_guard<std::mutex> lock(mu_);
    ++invalidations_;
  }
  void FailWith(absl::Status s) {
    std::lock_guard<std::mutex> lock(mu_);
    fail_with_ = std::move(s);
  }
  int calls() const {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }
  int invalidations() const {
    std::lock_guard<std::mutex> lock(mu_);
    return invalidations_;
  }

 private:
  Clock* clock_;
  absl::Duration lifetime_;
  mutable std::mutex mu_;
  int calls_ = 0;
  int invalidations_ = 0;
  absl::Status fail_with_;
};

}  // namespace secureaml::azure::testing

#endif  // SECUREAML_PROVIDER_AZURE_TESTING_FAKE_TRANSPORT_H_
