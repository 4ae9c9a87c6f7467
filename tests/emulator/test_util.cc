#include "tests/emulator/test_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace secureaml::emulator::testing {

HttpRequest MakeRequest(const std::string& method, const std::string& target,
                        const std::string& body,
                        const std::vector<std::string>& headers) {
  std::string wire = absl::StrCat(method, " ", target,
                                  " HTTP/1.1\r\nHost: 127.0.0.1:8443\r\n");
  for (const std::string& h : headers) absl::StrAppend(&wire, h, "\r\n");
  absl::StrAppend(&wire, "Content-Length: ", body.size(), "\r\n\r\n", body);
  ParseResult r = ParseHttpRequest(wire, 1 << 20);
  return r.request;
}

nlohmann::json Body(const HttpResponse& r) {
  return nlohmann::json::parse(r.body, nullptr, false);
}

ServiceFixture::ServiceFixture(Config config)
    : svc(std::make_unique<ArmService>(&clock, std::move(config))) {
  token = TokenFor(kDefaultClientId, kDefaultClientSecret);
}

std::string ServiceFixture::TokenFor(const std::string& client_id,
                                     const std::string& secret) {
  HttpRequest req = MakeRequest(
      "POST", absl::StrCat("/", kTenantId, "/oauth2/v2.0/token"),
      absl::StrCat("grant_type=client_credentials&client_id=", client_id,
                   "&client_secret=", secret,
                   "&scope=https%3A%2F%2Fmanagement.azure.com%2F.default"),
      {"Content-Type: application/x-www-form-urlencoded"});
  HttpResponse r = svc->Handle(req);
  nlohmann::json j = Body(r);
  if (r.status != 200 || !j.contains("access_token")) return "";
  return j["access_token"].get<std::string>();
}

HttpResponse ServiceFixture::Call(const std::string& method,
                                  const std::string& target,
                                  const nlohmann::json& body,
                                  std::vector<std::string> headers) {
  if (!token.empty()) headers.push_back("Authorization: Bearer " + token);
  std::string text;
  if (!body.is_null()) {
    text = body.is_string() ? body.get<std::string>() : body.dump();
    headers.push_back("Content-Type: application/json");
  }
  HttpRequest req = MakeRequest(method, target, text, headers);
  return svc->Handle(req);
}

std::string ServiceFixture::PathOf(const std::string& url) {
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  size_t slash = url.find('/', scheme + 3);
  return slash == std::string::npos ? "/" : url.substr(slash);
}

void ServiceFixture::MakeRg(const std::string& rg) {
  Call("PUT",
       absl::StrCat(kSub, "/resourceGroups/", rg, "?api-version=2025-04-01"),
       {{"location", "eastus"}});
}

TlsClient::~TlsClient() {
  if (ssl_ != nullptr) SSL_free(ssl_);
  if (fd_ >= 0) close(fd_);
}

absl::Status TlsClient::Connect(int port, const std::string& ca_pem) {
  auto ctx = MakeClientContext(ca_pem);
  if (!ctx.ok()) return ctx.status();
  ctx_ = *std::move(ctx);
  fd_ = socket(AF_INET, SOCK_STREAM, 0);
  // A stuck server must fail the test, not hang it.
  timeval tv{30, 0};
  setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    return absl::UnavailableError("connect failed");
  }
  ssl_ = SSL_new(ctx_.get());
  SSL_set_fd(ssl_, fd_);
  SSL_set_tlsext_host_name(ssl_, "localhost");
  X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_), "127.0.0.1");
  if (SSL_connect(ssl_) != 1)
    return absl::UnavailableError("TLS handshake failed");
  if (SSL_get_verify_result(ssl_) != X509_V_OK) {
    return absl::UnavailableError("certificate did not verify");
  }
  return absl::OkStatus();
}

absl::Status TlsClient::Send(const std::string& bytes) {
  int n = SSL_write(ssl_, bytes.data(), static_cast<int>(bytes.size()));
  return n == static_cast<int>(bytes.size())
             ? absl::OkStatus()
             : absl::UnavailableError("write failed");
}

absl::StatusOr<std::string> TlsClient::ReadResponse() {
  char chunk[8192];
  while (true) {
    size_t end = buffer_.find("\r\n\r\n");
    if (end != std::string::npos) {
      size_t length = 0;
      std::string head = buffer_.substr(0, end);
      std::string lower = ToLower(head);
      size_t cl = lower.find("content-length:");
      if (cl != std::string::npos) {
        size_t eol = lower.find("\r\n", cl);
        std::string v = head.substr(cl + 15, eol - cl - 15);
        absl::SimpleAtoi(absl::StripAsciiWhitespace(v), &length);
      }
      if (buffer_.size() >= end + 4 + length) {
        std::string out = buffer_.substr(0, end + 4 + length);
        buffer_.erase(0, end + 4 + length);
        return out;
      }
    }
    int n = SSL_read(ssl_, chunk, sizeof(chunk));
    if (n <= 0) return absl::UnavailableError("connection closed");
    buffer_.append(chunk, static_cast<size_t>(n));
  }
}

}  // namespace secureaml::emulator::testing
