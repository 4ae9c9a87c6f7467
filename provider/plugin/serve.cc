#include "provider/plugin/serve.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <future>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/health_check_service_interface.h"
#include "provider/common/logging.h"
#include "provider/plugin/auto_mtls.h"
#include "provider/plugin/crash_handler.h"
#include "provider/plugin/go_plugin_services.h"
#include "provider/plugin/handshake.h"

namespace secureaml::plugin {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? std::string() : std::string(v);
}

// A private 0700 directory holding the socket; removed on exit.
struct SocketDir {
  std::string dir;
  std::string socket_path;

  ~SocketDir() {
    if (!socket_path.empty()) unlink(socket_path.c_str());
    if (!dir.empty()) rmdir(dir.c_str());
  }
};

absl::StatusOr<std::unique_ptr<SocketDir>> MakeSocketDir() {
  // go-plugin's order: PLUGIN_UNIX_SOCKET_DIR, then TMPDIR.
  std::string base = Env("PLUGIN_UNIX_SOCKET_DIR");
  if (base.empty()) base = Env("TMPDIR");
  if (base.empty()) base = "/tmp";
  while (base.size() > 1 && base.back() == '/') base.pop_back();
  std::string templ = base + "/secureaml-plugin-XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  // mkdtemp creates the directory with mode 0700.
  if (mkdtemp(buf.data()) == nullptr) {
    return absl::InternalError(absl::StrCat("creating a socket directory in ",
                                            base, ": ", std::strerror(errno)));
  }
  auto dir = std::make_unique<SocketDir>();
  dir->dir = buf.data();
  dir->socket_path = dir->dir + "/plugin.sock";
  return dir;
}

bool FitsSunPath(const std::string& path) {
  return path.size() < sizeof(sockaddr_un{}.sun_path);
}

struct Options {
  bool debug = false;
};

Options ParseArgs(int argc, char** argv) {
  Options opts;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (arg == "--debug" || arg == "-debug") opts.debug = true;
    // Anything else is ignored, as Go plugins do: hosts never pass flags.
  }
  return opts;
}

std::vector<int> SupportedVersions(const ProviderServices& services) {
  std::vector<int> v;
  if (services.v5 != nullptr) v.push_back(5);
  if (services.v6 != nullptr) v.push_back(6);
  return v;
}

// go-plugin AutoMTLS material, made off the main thread: with OpenSSL 3.0 the
// key, the certificate and the first certificate parse cost several
// milliseconds of one-time set-up, which is most of the plugin's start-up.
struct TlsMaterial {
  // The host's certificate checked on one thread (the parse also prepares
  // OpenSSL's decoders, which gRPC's TLS set-up needs next) ...
  std::future<absl::StatusOr<std::string>> client_cert_der;
  // ... while ours is made on another.
  std::future<absl::StatusOr<SelfSignedCertificate>> server_cert;
};

TlsMaterial StartTlsMaterial(const std::string& client_cert_pem) {
  TlsMaterial m;
  m.client_cert_der = std::async(std::launch::async, [&client_cert_pem] {
    return PemCertificateToDer(client_cert_pem);
  });
  m.server_cert = std::async(std::launch::async,
                             [] { return GenerateSelfSignedCertificate({}); });
  return m;
}

// Stops serving on SIGTERM (and SIGINT in debug mode). The signals are
// blocked in every thread (the mask is set before gRPC starts its threads),
// and this thread collects them with sigwait, so no handler runs in an
// arbitrary gRPC thread.
void StartSignalThread(const sigset_t& set, StopLatch* latch) {
  std::thread([set, latch] {
    int sig = 0;
    if (sigwait(&set, &sig) == 0) {
      latch->Trigger(sig == SIGINT ? "SIGINT" : "SIGTERM");
    }
  }).detach();
}

constexpr std::chrono::milliseconds kShutdownGrace(25);

int Fail(absl::string_view message) {
  // Both a log record (for TF_LOG) and a plain line (shown by Terraform as
  // "plugin exited before we could connect" context).
  log::Error(std::string(message));
  std::cerr << "Error: " << message << std::endl;
  return 1;
}

}  // namespace

int Serve(const ServeConfig& config, int argc, char** argv) {
  log::InitFromEnvironment();
  InstallCrashHandler();
  const Options opts = ParseArgs(argc, argv);

  if (!opts.debug &&
      !MagicCookieMatches(std::getenv(std::string(kMagicCookieKey).c_str()))) {
    std::cerr << MagicCookieMessage();
    return 1;
  }

  // Ctrl-C reaches the whole process group; Terraform handles it by calling
  // StopProvider and later Shutdown, so a managed plugin must survive it.
  // In debug mode the user owns the terminal and Ctrl-C means "stop". Set
  // before any thread starts, so every thread inherits the blocked mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  if (opts.debug) {
    sigaddset(&stop_signals, SIGINT);
  } else {
    signal(SIGINT, SIG_IGN);
  }
  signal(SIGPIPE, SIG_IGN);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  // Transport security. AutoMTLS whenever the host sent its certificate;
  // never a plaintext fallback then, since the host would dial TLS anyway.
  const std::string client_cert_pem = Env("PLUGIN_CLIENT_CERT");
  const bool use_tls = !opts.debug && !client_cert_pem.empty();
  TlsMaterial tls;
  if (use_tls) tls = StartTlsMaterial(client_cert_pem);

  ProviderServices services{config.provider_v5, config.provider_v6};
  if (config.build_services) services = config.build_services();
  const std::vector<int> supported = SupportedVersions(services);
  if (supported.empty()) return Fail("no provider service configured");

  // Which version to announce. In debug mode there is no host offer; serve
  // the newest unless forced (Terraform >= 0.15 reads ProtocolVersion).
  absl::StatusOr<int> version =
      NegotiateProtocol(opts.debug ? "5,6" : Env("PLUGIN_PROTOCOL_VERSIONS"),
                        Env("SECUREAML_FORCE_PROTOCOL"), supported);
  if (!version.ok()) return Fail(version.status().message());

  absl::StatusOr<std::unique_ptr<SocketDir>> socket_dir = MakeSocketDir();
  if (!socket_dir.ok()) return Fail(socket_dir.status().message());
  std::string network = "unix";
  std::string address = (*socket_dir)->socket_path;
  std::string listen_uri = "unix:" + address;
  if (!FitsSunPath(address)) {
    // A very long TMPDIR: fall back to loopback TCP, which hosts accept too.
    network = "tcp";
    listen_uri = "127.0.0.1:0";
    (*socket_dir)->socket_path.clear();
  }

  StopLatch latch;
  auto on_stop = [&config] {
    if (config.on_shutdown) config.on_shutdown();
  };
  ControllerService controller(&latch, on_stop);
  StdioService stdio;

  grpc::EnableDefaultHealthCheckService(true);
  grpc::ServerBuilder builder;
  builder.SetMaxReceiveMessageSize(kMaxMessageBytes);
  builder.SetMaxSendMessageSize(kMaxMessageBytes);
  if (services.v5 != nullptr) builder.RegisterService(services.v5);
  if (services.v6 != nullptr) builder.RegisterService(services.v6);
  builder.RegisterService(&controller);
  builder.RegisterService(&stdio);

  std::shared_ptr<grpc::ServerCredentials> creds =
      grpc::InsecureServerCredentials();
  std::string cert_der;
  if (use_tls) {
    if (absl::StatusOr<std::string> der = tls.client_cert_der.get();
        !der.ok()) {
      return Fail(absl::StrCat("PLUGIN_CLIENT_CERT is not a PEM certificate: ",
                               der.status().message()));
    }
    absl::StatusOr<SelfSignedCertificate> cert = tls.server_cert.get();
    if (!cert.ok()) return Fail(cert.status().message());
    cert_der = cert->cert_der;
    creds = MakeServerCredentials(*cert, client_cert_pem);
  }
  int selected_port = 0;
  builder.AddListeningPort(listen_uri, creds, &selected_port);

  // The socket is created inside BuildAndStart; a 077 umask makes it 0600
  // from the first instant instead of chmod-ing it afterwards.
  const mode_t old_umask = umask(077);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  umask(old_umask);
  if (server == nullptr) {
    return Fail(absl::StrCat("cannot listen on ", listen_uri));
  }
  if (network == "unix") {
    chmod(address.c_str(), 0600);  // belt and braces; the umask did it
  } else {
    address = absl::StrCat("127.0.0.1:", selected_port);
  }
  server->GetHealthCheckService()->SetServingStatus("plugin", true);
  StartSignalThread(stop_signals, &latch);

  log::Info("plugin server started",
            {{"protocol_version", std::to_string(*version)},
             {"network", network},
             {"address", address},
             {"tls", use_tls ? "true" : "false"}});

  // BuildAndStart returned, so the listener is accepting: only now tell the
  // host where to connect. Flush: stdout is a pipe and fully buffered.
  if (opts.debug) {
    std::cout << "Provider started. To attach Terraform CLI, set the "
                 "TF_REATTACH_PROVIDERS environment variable with the "
                 "following:\n\n\t"
              << FormatReattachLine(config.provider_address, *version,
                                    static_cast<int>(getpid()), network,
                                    address)
              << "\n\nPress Ctrl-C (or send SIGTERM) to stop.\n"
              << std::flush;
  } else {
    std::cout << FormatHandshakeLine(*version, network, address, cert_der)
              << std::flush;
  }

  const std::string reason = latch.Wait();
  log::Debug("plugin server stopping", {{"reason", reason}});
  {
    // Terraform gives the process 2 s after Shutdown before SIGKILL, and
    // gRPC's graceful Shutdown/Wait below sometimes never returned after a
    // burst of concurrent calls (the conformance client's concurrent-calls
    // test). Go's server.Stop() is not graceful either: whatever still runs
    // 75 ms from now is abandoned, and the process leaves.
    std::thread([] {
      std::this_thread::sleep_for(std::chrono::milliseconds(75));
      std::fflush(nullptr);
      std::_Exit(0);
    }).detach();
  }
  if (reason != "GRPCController.Shutdown") on_stop();
  // Go's server.Stop() cancels everything at once. We allow a short grace so
  // the Shutdown reply itself is flushed (with no grace the host sometimes
  // sees CANCELLED), but keep it short: gRPC otherwise waits for the whole
  // deadline while the host's connection is still open, and Terraform gives
  // the process only 2 s before SIGKILL.
  server->Shutdown(std::chrono::system_clock::now() + kShutdownGrace);
  server->Wait();
  return 0;
}

}  // namespace secureaml::plugin
