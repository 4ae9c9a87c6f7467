// File: server.h
//
// A small HTTPS/1.1 server over OpenSSL: one thread per connection,
// keep-alive, Content-Length and chunked request bodies. It knows nothing of
// ARM; every complete request goes to the handler, whose response may ask for
// a delay or for the connection to be dropped (fault injection).
//
//   HttpsServer server(ctx.get(), [&](HttpRequest& r) { return svc.Handle(r);
//   }); int port = *server.Listen(0); std::thread t([&] { server.Serve(); });
//   ...
//   server.Stop(); t.join();
#ifndef SECUREAML_TESTS_EMULATOR_SERVER_H_
#define SECUREAML_TESTS_EMULATOR_SERVER_H_

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <set>

#include <openssl/ssl.h>

#include "absl/status/statusor.h"
#include "tests/emulator/http.h"

namespace secureaml::emulator {

class HttpsServer {
 public:
  using Handler = std::function<HttpResponse(HttpRequest&)>;

  HttpsServer(SSL_CTX* ctx, Handler handler);
  ~HttpsServer();
  HttpsServer(const HttpsServer&) = delete;
  HttpsServer& operator=(const HttpsServer&) = delete;

  // Binds 127.0.0.1:port (0 = any free port) and returns the bound port.
  // Sets SIGPIPE to ignored for the process (peers may hang up any time).
  absl::StatusOr<int> Listen(int port);
  // Accepts until Stop(); returns after every connection thread ended.
  void Serve();
  // Thread-safe and idempotent; wakes Serve() and closes live connections.
  void Stop();

  static constexpr size_t kMaxBody = 16 * 1024 * 1024;

 private:
  void HandleConnection(int fd);

  SSL_CTX* ctx_;
  Handler handler_;
  int listen_fd_ = -1;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  std::set<int> live_fds_;
  int active_ = 0;
};

}  // namespace secureaml::emulator

#endif  // SECUREAML_TESTS_EMULATOR_SERVER_H_
