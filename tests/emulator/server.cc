#include "tests/emulator/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include <openssl/err.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace secureaml::emulator {

HttpsServer::HttpsServer(SSL_CTX* ctx, Handler handler)
    : ctx_(ctx), handler_(std::move(handler)) {}

HttpsServer::~HttpsServer() {
  Stop();
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return active_ == 0; });
}

absl::StatusOr<int> HttpsServer::Listen(int port) {
  // OpenSSL writes with write(2): a client that hung up would otherwise kill
  // the whole process with SIGPIPE instead of failing one SSL_write.
  signal(SIGPIPE, SIG_IGN);
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return absl::InternalError(absl::StrCat("socket: ", strerror(errno)));
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    int err = errno;
    close(fd);
    return absl::UnavailableError(
        absl::StrCat("bind 127.0.0.1:", port, ": ", strerror(err)));
  }
  if (listen(fd, 128) != 0) {
    int err = errno;
    close(fd);
    return absl::InternalError(absl::StrCat("listen: ", strerror(err)));
  }
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  listen_fd_ = fd;
  return ntohs(addr.sin_port);
}

void HttpsServer::Serve() {
  while (!stopping_.load()) {
    pollfd p{listen_fd_, POLLIN, 0};
    // Poll with a timeout so Stop() is noticed even if shutdown() on the
    // listening socket does not wake accept on this platform.
    int r = poll(&p, 1, 200);
    if (r <= 0) continue;
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    // Idle keep-alive connections and stalled clients must not pin threads.
    timeval tv{60, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_.load()) {
        close(fd);
        break;
      }
      live_fds_.insert(fd);
      ++active_;
    }
    std::thread([this, fd] { HandleConnection(fd); }).detach();
  }
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return active_ == 0; });
}

void HttpsServer::Stop() {
  if (stopping_.exchange(true)) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (listen_fd_ >= 0) {
    shutdown(listen_fd_, SHUT_RDWR);
  }
  for (int fd : live_fds_) shutdown(fd, SHUT_RDWR);
}

void HttpsServer::HandleConnection(int fd) {
  SSL* ssl = SSL_new(ctx_);
  bool ok = ssl != nullptr && SSL_set_fd(ssl, fd) == 1 && SSL_accept(ssl) == 1;
  std::string buffer;
  bool sent_continue = false;
  char chunk[16384];
  while (ok && !stopping_.load()) {
    ParseResult parsed = ParseHttpRequest(buffer, kMaxBody);
    if (parsed.outcome == ParseOutcome::kIncomplete) {
      // Clients such as curl wait for "100 Continue" before large bodies.
      size_t head_end = buffer.find("\r\n\r\n");
      if (!sent_continue && head_end != std::string::npos &&
          ToLower(buffer.substr(0, head_end))
                  .find("\r\nexpect: 100-continue") != std::string::npos) {
        static constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
        SSL_write(ssl, kContinue, sizeof(kContinue) - 1);
        sent_continue = true;
      }
      int n = SSL_read(ssl, chunk, sizeof(chunk));
      if (n <= 0) break;
      buffer.append(chunk, static_cast<size_t>(n));
      continue;
    }
    if (parsed.outcome == ParseOutcome::kError) {
      HttpResponse bad;
      bad.status = parsed.error_status;
      bad.SetHeader("Content-Type", "application/json; charset=utf-8");
      bad.body = absl::StrCat(
          R"({"error":{"code":"BadRequest","message":"Malformed HTTP request: )",
          parsed.error, "\"}}");
      std::string wire = SerializeResponse(bad, false, false);
      SSL_write(ssl, wire.data(), static_cast<int>(wire.size()));
      break;
    }
    buffer.erase(0, parsed.consumed);
    sent_continue = false;
    HttpRequest& req = parsed.request;
    bool keep_alive = req.keep_alive;
    HttpResponse resp = handler_(req);
    if (resp.delay_ms > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(resp.delay_ms));
    }
    if (resp.drop_connection) break;
    std::string wire =
        SerializeResponse(resp, keep_alive, req.method == "HEAD");
    int w = SSL_write(ssl, wire.data(), static_cast<int>(wire.size()));
    if (w <= 0 || !keep_alive) break;
  }
  if (ssl != nullptr) {
    SSL_shutdown(ssl);
    SSL_free(ssl);
  }
  ERR_clear_error();
  {
    std::lock_guard<std::mutex> lock(mu_);
    live_fds_.erase(fd);
    close(fd);
    --active_;
  }
  cv_.notify_all();
}

}  // namespace secureaml::emulator
