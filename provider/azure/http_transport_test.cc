// The cpprest transport against a tiny loopback HTTP server: header and body
// round trip, connection reuse, deadlines, cancellation, refused connections.
// TLS is covered by the emulator tests.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "provider/azure/http_transport.h"

namespace secureaml::azure {
namespace {

using ::testing::HasSubstr;

// Accepts connections and answers each request with `response` (keep-alive)
// unless `silent`, in which case it reads and never answers.
class LoopbackServer {
 public:
  LoopbackServer(std::string response, bool silent = false, bool drop = false)
      : response_(std::move(response)), silent_(silent), drop_(drop) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    listen(fd_, 16);
    socklen_t len = sizeof(addr);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Loop(); });
  }
  ~LoopbackServer() {
    stop_ = true;
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
    for (auto& t : conns_) t.join();
  }
  std::string url(const std::string& path) const {
    return absl::StrCat("http://127.0.0.1:", port_, path);
  }
  int connections() const { return connections_.load(); }
  std::string last_request() {
    std::lock_guard<std::mutex> lock(mu_);
    return last_;
  }

 private:
  void Loop() {
    while (!stop_) {
      int c = accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      ++connections_;
      conns_.emplace_back([this, c] { Serve(c); });
    }
  }
  void Serve(int c) {
    std::string buf;
    char tmp[4096];
    while (!stop_) {
      ssize_t n = read(c, tmp, sizeof(tmp));
      if (n <= 0) break;
      buf.append(tmp, static_cast<size_t>(n));
      size_t end = buf.find("\r\n\r\n");
      if (end == std::string::npos) continue;
      size_t cl = 0;
      size_t p = buf.find("Content-Length: ");
      if (p == std::string::npos) p = buf.find("content-length: ");
      if (p != std::string::npos && p < end)
        cl = std::stoul(buf.substr(p + 16));
      if (buf.size() < end + 4 + cl) continue;
      {
        std::lock_guard<std::mutex> lock(mu_);
        last_ = buf.substr(0, end + 4 + cl);
      }
      buf.erase(0, end + 4 + cl);
      if (drop_) break;
      if (silent_) continue;
      ssize_t w = write(c, response_.data(), response_.size());
      (void)w;
    }
    close(c);
  }
  std::string response_;
  bool silent_;
  bool drop_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::thread thread_;
  std::vector<std::thread> conns_;
  std::mutex mu_;
  std::string last_;
};

std::shared_ptr<HttpTransport> Transport() {
  TransportOptions o;
  o.getenv = [](absl::string_view) -> std::optional<std::string> {
    return std::nullopt;
  };
  return *MakeCppRestTransport(o);
}

TEST(CppRestTransportTest, RoundTripAndConnectionReuse) {
  LoopbackServer server(
      "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\n"
      "x-ms-request-id: rid-1\r\nAzure-AsyncOperation: https://x/op\r\n"
      "Content-Length: 11\r\n\r\n{\"a\":\"b c\"}");
  auto t = Transport();
  for (int i = 0; i < 3; ++i) {
    HttpRequest req{"PUT",
                    server.url("/subscriptions/s?api-version=1"),
                    {{"Content-Type", "application/json"},
                     {"x-ms-client-request-id", "cid"}},
                    "{\"k\":1}",
                    absl::Now() + absl::Seconds(10)};
    auto r = t->Send(req, {});
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->status, 201);
    EXPECT_EQ(r->body, "{\"a\":\"b c\"}");
    EXPECT_EQ(r->headers.Get("x-ms-request-id"), "rid-1");
    EXPECT_EQ(r->headers.Get("azure-asyncoperation"), "https://x/op");
    // cpprest returns the connection to its pool just after the body
    // completes; give it that moment, as ARM polling always does.
    absl::SleepFor(absl::Milliseconds(20));
  }
  std::string last = server.last_request();
  EXPECT_THAT(last, HasSubstr("PUT /subscriptions/s?api-version=1 HTTP/1.1"));
  EXPECT_THAT(last, HasSubstr("x-ms-client-request-id:cid"));
  EXPECT_THAT(last, HasSubstr("{\"k\":1}"));
  EXPECT_EQ(server.connections(), 1);  // keep-alive reuse
}

TEST(CppRestTransportTest, DeadlineAbortsASlowServer) {
  LoopbackServer server("", /*silent=*/true);
  auto t = Transport();
  absl::Time start = absl::Now();
  HttpRequest req{"GET",
                  server.url("/slow"),
                  {},
                  "",
                  absl::Now() + absl::Milliseconds(300)};
  auto r = t->Send(req, {});
  EXPECT_TRUE(absl::IsDeadlineExceeded(r.status())) << r.status();
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(800));
}

TEST(CppRestTransportTest, CancellationAbortsWithinASecond) {
  LoopbackServer server("", /*silent=*/true);
  auto t = Transport();
  CancellationSource source;
  std::thread canceller([&] {
    absl::SleepFor(absl::Milliseconds(200));
    source.Cancel();
  });
  absl::Time start = absl::Now();
  HttpRequest req{
      "GET", server.url("/slow"), {}, "", absl::Now() + absl::Seconds(30)};
  auto r = t->Send(req, source.Token());
  canceller.join();
  EXPECT_TRUE(absl::IsCancelled(r.status())) << r.status();
  EXPECT_LT(absl::Now() - start, absl::Seconds(1));
}

TEST(CppRestTransportTest, RefusedConnectionIsMarkedNotSent) {
  int port;
  {
    LoopbackServer server("");
    port = std::stoi(server.url("").substr(17));
  }
  auto t = Transport();
  HttpRequest req{"POST",
                  absl::StrCat("http://127.0.0.1:", port, "/x"),
                  {},
                  "{}",
                  absl::Now() + absl::Seconds(5)};
  auto r = t->Send(req, {});
  ASSERT_TRUE(absl::IsUnavailable(r.status())) << r.status();
  EXPECT_TRUE(RequestWasNotSent(r.status())) << r.status();
}

TEST(CppRestTransportTest, DroppedResponseIsNotMarkedNotSent) {
  // Closes the connection after reading the request: the server saw it.
  LoopbackServer server("", /*silent=*/false, /*drop=*/true);
  auto t = Transport();
  HttpRequest req{
      "POST", server.url("/x"), {}, "{}", absl::Now() + absl::Seconds(2)};
  auto r = t->Send(req, {});
  ASSERT_TRUE(absl::IsUnavailable(r.status())) << r.status();
  EXPECT_FALSE(RequestWasNotSent(r.status())) << r.status();
}

TEST(CppRestTransportTest, BadCaBundleIsAConfigurationError) {
  TransportOptions o;
  o.ca_bundle_path = "/nonexistent/ca.pem";
  EXPECT_TRUE(absl::IsInvalidArgument(MakeCppRestTransport(o).status()));
}

}  // namespace
}  // namespace secureaml::azure
