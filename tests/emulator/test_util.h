// File: test_util.h
//
// Helpers shared by the emulator's tests: requests built from wire text
// (so they go through the real parser), an in-process service fixture with
// a fake clock, and a tiny TLS client for the HTTPS tests.
#ifndef SECUREAML_TESTS_EMULATOR_TEST_UTIL_H_
#define SECUREAML_TESTS_EMULATOR_TEST_UTIL_H_

#include <memory>
#include <string>

#include <openssl/ssl.h>
#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "tests/emulator/clock.h"
#include "tests/emulator/config.h"
#include "tests/emulator/http.h"
#include "tests/emulator/service.h"
#include "tests/emulator/tls.h"

namespace secureaml::emulator::testing {

inline constexpr char kSub[] =
    "/subscriptions/a4393d89-7e7f-4b0b-826e-72fc42c33d1f";

// Builds a request by parsing wire text; `headers` are "Name: value" lines.
HttpRequest MakeRequest(const std::string& method, const std::string& target,
                        const std::string& body = "",
                        const std::vector<std::string>& headers = {});

nlohmann::json Body(const HttpResponse& r);

// An ArmService on a FakeClock with a bearer token for the default client.
class ServiceFixture {
 public:
  explicit ServiceFixture(Config config = {});
  HttpResponse Call(const std::string& method, const std::string& target,
                    const nlohmann::json& body = nullptr,
                    std::vector<std::string> headers = {});
  HttpResponse Raw(HttpRequest req) { return svc->Handle(req); }
  std::string TokenFor(const std::string& client_id, const std::string& secret);
  // Path of an operation URL (drops scheme and host).
  static std::string PathOf(const std::string& url);
  void Advance(double seconds) { clock.Advance(absl::Seconds(seconds)); }
  // Creates resource group `rg` in eastus.
  void MakeRg(const std::string& rg);

  FakeClock clock;
  std::unique_ptr<ArmService> svc;
  std::string token;
};

// Minimal blocking TLS client that verifies the emulator's CA.
class TlsClient {
 public:
  ~TlsClient();
  absl::Status Connect(int port, const std::string& ca_pem);
  absl::Status Send(const std::string& bytes);
  // Reads one response (Content-Length framed). Returns the status line,
  // headers and body as raw text; an error when the peer closed first.
  absl::StatusOr<std::string> ReadResponse();

 private:
  SslCtxPtr ctx_;
  SSL* ssl_ = nullptr;
  int fd_ = -1;
  std::string buffer_;
};

}  // namespace secureaml::emulator::testing

#endif  // SECUREAML_TESTS_EMULATOR_TEST_UTIL_H_
