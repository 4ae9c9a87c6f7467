// File: http_transport.h
//
// The one seam between the Azure client and the network. Everything above
// it (credentials, retries, LRO polling) talks to `HttpTransport`, so tests
// substitute a scripted FakeTransport and production uses the cpprest
// implementation from http_transport_cpprest.cc, the only file that includes
// cpprest.
//
// Transport failures are Status values, never exceptions:
//   Unavailable       connection refused/reset/dropped, TLS failure, DNS;
//                     RequestWasNotSent() tells whether the server can have
//                     seen the request (only then may a POST be replayed).
//   DeadlineExceeded  the request's deadline passed.
//   Cancelled         the CancellationToken fired.
//
//   auto transport = MakeCppRestTransport({.ca_bundle_path = "/etc/ca.pem"});
//   HttpRequest req{"GET", "https://management.azure.com/...", {}, "",
//                   absl::Now() + absl::Seconds(30)};
//   absl::StatusOr<HttpResponse> resp = (*transport)->Send(req, cancel);
#ifndef SECUREAML_PROVIDER_AZURE_HTTP_TRANSPORT_H_
#define SECUREAML_PROVIDER_AZURE_HTTP_TRANSPORT_H_

#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "provider/common/cancellation.h"

namespace secureaml::azure {

// An ordered header list with case-insensitive lookup (HTTP header names are
// case-insensitive and ARM mixes `Azure-AsyncOperation` and
// `azure-asyncoperation`).
class HttpHeaders {
 public:
  HttpHeaders() = default;
  HttpHeaders(std::initializer_list<std::pair<std::string, std::string>> init)
      : entries_(init) {}

  // Replaces every existing value of `name`.
  void Set(absl::string_view name, absl::string_view value);
  void Add(absl::string_view name, absl::string_view value);
  std::optional<std::string> Get(absl::string_view name) const;
  bool Has(absl::string_view name) const { return Get(name).has_value(); }
  void Remove(absl::string_view name);
  const std::vector<std::pair<std::string, std::string>>& entries() const {
    return entries_;
  }

 private:
  std::vector<std::pair<std::string, std::string>> entries_;
};

struct HttpRequest {
  std::string method;  // "GET", "PUT", ...
  std::string url;     // absolute
  HttpHeaders headers;
  std::string body;
  // The transport gives up (DeadlineExceeded) when this passes.
  absl::Time deadline = absl::InfiniteFuture();
  // False for a POST that must never be replayed: the transport then uses a
  // fresh connection, because HTTP stacks (cpprest included) silently resend
  // a request when a pooled keep-alive connection turns out to be closed.
  bool idempotent = true;
};

struct HttpResponse {
  int status = 0;
  HttpHeaders headers;
  std::string body;
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // Thread-safe. Returns a response for every HTTP status (4xx/5xx included);
  // a non-OK Status only for transport failures, deadline or cancellation.
  virtual absl::StatusOr<HttpResponse> Send(
      const HttpRequest& request, const CancellationToken& cancel) = 0;
};

// Transport errors for connections that provably never carried the request
// (refused, DNS failure, TLS handshake failure) carry this marker so that the
// retry loop may replay even a non-idempotent POST.
absl::Status RequestNotSentError(absl::string_view message);
bool RequestWasNotSent(const absl::Status& status);

struct TransportOptions {
  // Extra PEM CA bundle trusted in addition to SSL_CERT_FILE/SSL_CERT_DIR and
  // the system store (provider attribute `ca_bundle_path`).
  std::string ca_bundle_path;
  // Upper bound for one request when the caller's deadline is further away.
  absl::Duration max_request_timeout = absl::Minutes(5);
  // Environment lookup for proxy and CA variables; defaults to getenv.
  std::function<std::optional<std::string>(absl::string_view)> getenv;
};

// Creates the production transport. TLS verification is always on.
absl::StatusOr<std::shared_ptr<HttpTransport>> MakeCppRestTransport(
    TransportOptions options = {});

// Proxy selection as Go's http.ProxyFromEnvironment does it: HTTPS_PROXY /
// https_proxy for https URLs, HTTP_PROXY / http_proxy for http URLs, unless
// NO_PROXY / no_proxy matches the host; loopback never uses a proxy.
// Returns "" for a direct connection. Exposed for tests.
std::string ProxyForUrl(
    absl::string_view url,
    const std::function<std::optional<std::string>(absl::string_view)>& getenv);

}  // namespace secureaml::azure

#endif  // SECUREAML_PROVIDER_AZURE_HTTP_TRANSPORT_H_
