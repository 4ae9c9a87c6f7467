// The production HttpTransport on cpprestsdk: the only file that includes
// cpprest (see DESIGN.md). Every cpprest/boost exception stops here.
#include <openssl/ssl.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <map>
#include <mutex>

#include <cpprest/http_client.h>
#include <boost/asio/ssl.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "provider/azure/http_transport.h"
#include "provider/azure/redaction.h"
#include "provider/azure/url.h"
#include "provider/common/logging.h"

namespace secureaml::azure {
namespace {

namespace http = web::http;
namespace client = web::http::client;

struct Pending {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  absl::StatusOr<HttpResponse> result = absl::UnknownError("pending");
  HttpResponse response;
};

// Did the failure happen before any byte of the request could reach the
// server? Connect, resolve and TLS handshake failures qualify.
bool FailedBeforeSending(const http::http_exception& e) {
  int code = e.error_code().value();
  if (code == ECONNREFUSED || code == EHOSTUNREACH || code == ENETUNREACH) {
    return true;
  }
  absl::string_view what = e.what();
  return absl::StrContains(what, "Failed to connect") ||
         absl::StrContains(what, "Error resolving") ||
         absl::StrContains(what, "resolve") ||
         absl::StrContains(what, "handshake");
}

class CppRestTransport : public HttpTransport {
 public:
  explicit CppRestTransport(TransportOptions options)
      : options_(std::move(options)) {
    if (!options_.getenv) {
      options_.getenv =
          [](absl::string_view name) -> std::optional<std::string> {
        const char* v = std::getenv(std::string(name).c_str());
        if (v == nullptr) return std::nullopt;
        return std::string(v);
      };
    }
  }

  absl::StatusOr<HttpResponse> Send(const HttpRequest& request,
                                    const CancellationToken& cancel) override {
    if (cancel.IsCancelled()) return absl::CancelledError("request cancelled");
    if (absl::Now() >= request.deadline) {
      return absl::DeadlineExceededError(
          absl::StrCat("deadline passed before ", request.method, " ",
                       RedactUrl(request.url), " was sent"));
    }
    absl::StatusOr<ParsedUrl> url = ParseUrl(request.url);
    if (!url.ok()) return url.status();
    auto pending = std::make_shared<Pending>();
    pplx::cancellation_token_source cts;
    try {
      std::shared_ptr<client::http_client> c =
          ClientFor(*url, /*pooled=*/request.idempotent);
      http::http_request msg(request.method);
      msg.set_request_uri(web::uri(url->path_and_query));
      for (const auto& [k, v] : request.headers.entries()) {
        msg.headers().add(k, v);
      }
      if (!request.body.empty() || request.method == "POST" ||
          request.method == "PUT" || request.method == "PATCH") {
        std::vector<unsigned char> bytes(request.body.begin(),
                                         request.body.end());
        std::string ct =
            request.headers.Get("Content-Type").value_or("application/json");
        msg.set_body(std::move(bytes));
        msg.headers().set_content_type(ct);
      }
      c->request(msg, cts.get_token())
          .then([pending](http::http_response r) {
            pending->response.status = r.status_code();
            for (const auto& [k, v] : r.headers()) {
              pending->response.headers.Add(k, v);
            }
            return r.extract_vector();
          })
          .then([pending](pplx::task<std::vector<unsigned char>> t) {
            absl::StatusOr<HttpResponse> result;
            try {
              std::vector<unsigned char> body = t.get();
              pending->response.body.assign(body.begin(), body.end());
              result = std::move(pending->response);
            } catch (const http::http_exception& e) {
              std::string msg =
                  absl::StrCat("HTTP transport error: ", e.what());
              result = FailedBeforeSending(e) ? RequestNotSentError(msg)
                                              : absl::UnavailableError(msg);
            } catch (const pplx::task_canceled&) {
              result = absl::CancelledError("request cancelled");
            } catch (const std::exception& e) {
              result = absl::UnavailableError(
                  absl::StrCat("HTTP transport error: ", e.what()));
            } catch (...) {
              result = absl::UnavailableError("HTTP transport error");
            }
            std::lock_guard<std::mutex> lock(pending->mu);
            pending->result = std::move(result);
            pending->done = true;
            pending->cv.notify_all();
          });
    } catch (const std::exception& e) {
      return absl::InvalidArgumentError(
          absl::StrCat("cannot send request: ", e.what()));
    } catch (...) {
      return absl::InvalidArgumentError("cannot send request");
    }
    // Wait in short slices so that StopProvider and the deadline abort the
    // request promptly even though CancellationToken has no callbacks.
    std::unique_lock<std::mutex> lock(pending->mu);
    while (!pending->done) {
      pending->cv.wait_for(lock, std::chrono::milliseconds(50));
      if (pending->done) break;
      if (cancel.IsCancelled()) {
        cts.cancel();
        return absl::CancelledError("request cancelled");
      }
      if (absl::Now() >= request.deadline) {
        cts.cancel();
        return absl::DeadlineExceededError(
            absl::StrCat(request.method, " ", RedactUrl(request.url),
                         ": no response before the request deadline"));
      }
    }
    return std::move(pending->result);
  }

 private:
  // `pooled`: share the origin's client (and its keep-alive connections);
  // otherwise a one-off client whose first connection is new.
  std::shared_ptr<client::http_client> ClientFor(const ParsedUrl& url,
                                                 bool pooled) {
    std::string proxy = ProxyForUrl(url.Origin() + "/", options_.getenv);
    std::string key = absl::StrCat(url.Origin(), "|", proxy);
    std::lock_guard<std::mutex> lock(mu_);
    auto it = clients_.find(key);
    if (pooled && it != clients_.end()) return it->second;
    client::http_client_config config;
    config.set_validate_certificates(true);
    config.set_timeout(std::chrono::milliseconds(
        absl::ToInt64Milliseconds(options_.max_request_timeout)));
    if (!proxy.empty()) config.set_proxy(web::web_proxy(web::uri(proxy)));
    std::string cert_file = options_.getenv("SSL_CERT_FILE").value_or("");
    std::string cert_dir = options_.getenv("SSL_CERT_DIR").value_or("");
    std::string bundle = options_.ca_bundle_path;
    config.set_ssl_context_callback(
        [cert_file, cert_dir, bundle](boost::asio::ssl::context& ctx) {
          boost::system::error_code ec;
          ctx.set_default_verify_paths(ec);
          if (!cert_file.empty()) ctx.load_verify_file(cert_file, ec);
          if (!cert_dir.empty()) ctx.add_verify_path(cert_dir, ec);
          if (!bundle.empty()) {
            ctx.load_verify_file(bundle, ec);
            if (ec) {
              log::Warn("cannot load the provider CA bundle",
                        {{"path", bundle}, {"error", ec.message()}});
            }
          }
          SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
        });
    auto c =
        std::make_shared<client::http_client>(web::uri(url.Origin()), config);
    clients_.emplace(key, c);
    return c;
  }

  TransportOptions options_;
  std::mutex mu_;
  // One client per origin+proxy: cpprest pools keep-alive connections per
  // client, so this is what makes connections reused.
  std::map<std::string, std::shared_ptr<client::http_client>> clients_;
};

}  // namespace

absl::StatusOr<std::shared_ptr<HttpTransport>> MakeCppRestTransport(
    TransportOptions options) {
  if (!options.ca_bundle_path.empty()) {
    FILE* f = std::fopen(options.ca_bundle_path.c_str(), "r");
    if (f == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("cannot read the CA bundle ", options.ca_bundle_path));
    }
    std::fclose(f);
  }
  return std::shared_ptr<HttpTransport>(
      std::make_shared<CppRestTransport>(std::move(options)));
}

}  // namespace secureaml::azure
