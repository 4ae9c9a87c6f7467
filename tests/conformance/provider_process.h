// File: provider_process.h
//
// Starts a provider binary the way Terraform does (go-plugin client.go Start):
// posix_spawn with the parent environment plus the magic cookie,
// PLUGIN_PROTOCOL_VERSIONS, PLUGIN_MIN_PORT/MAX_PORT and, with AutoMTLS, a
// fresh P-521 client certificate in PLUGIN_CLIENT_CERT; stdin is /dev/null,
// stderr is captured for assertions ("no secret in the logs"); the first
// stdout line is the handshake, the rest is drained and dropped. The gRPC
// channel then trusts only the certificate the plugin announced, presents the
// client certificate and verifies the name "localhost".
//
// Shutdown() mirrors Terraform's Kill(): GRPCController.Shutdown, wait up to
// 2 s for the process to exit, then SIGKILL.
//
//   ProviderProcessOptions o;
//   o.binary = "/path/terraform-provider-secureaml";
//   o.protocol_versions = "6,5";
//   SECUREAML_ASSIGN_OR_RETURN(auto p, ProviderProcess::Start(o));
//   ProviderClient client(p->channel(), p->handshake().protocol_version);
//   ...
//   SECUREAML_ASSIGN_OR_RETURN(auto exit, p->Shutdown());
#ifndef SECUREAML_TESTS_CONFORMANCE_PROVIDER_PROCESS_H_
#define SECUREAML_TESTS_CONFORMANCE_PROVIDER_PROCESS_H_

#include <sys/types.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "tests/conformance/handshake.h"

namespace secureaml::conformance {

struct ProviderProcessOptions {
  std::string binary;
  std::vector<std::string> args;
  // Exactly what goes into PLUGIN_PROTOCOL_VERSIONS ("5", "6,5", "5,6").
  std::string protocol_versions = "6,5";
  // Added to (and overriding) the parent environment.
  std::map<std::string, std::string> env;
  // Removed from the inherited environment (e.g. to test a missing cookie).
  std::vector<std::string> unset_env;
  // Terraform's default; false behaves like TF_DISABLE_PLUGIN_TLS.
  bool auto_mtls = true;
  // Replace the generated client certificate (tests).
  std::optional<ClientCertificate> client_certificate;
  bool set_magic_cookie = true;
  int min_port = 10000;
  int max_port = 25000;
  absl::Duration start_timeout = absl::Minutes(1);
  std::string working_dir;  // empty: inherit
  // Captured stderr is kept up to this many bytes (oldest dropped).
  size_t stderr_capacity = 8 << 20;
  // Also copy the plugin's stderr to ours (debugging).
  bool echo_stderr = false;
  // Reject a 7th handshake field (TF 0.13/0.14 compatibility).
  bool strict_handshake = true;
};

struct ProcessExit {
  bool exited = false;  // false: still running (or unknown)
  int exit_code = -1;   // when exited normally
  int signal = 0;       // when killed by a signal
  bool killed_by_us = false;
  // From the Shutdown RPC to the process being reaped.
  absl::Duration shutdown_duration = absl::ZeroDuration();
  grpc::StatusCode shutdown_rpc_status = grpc::StatusCode::OK;
  std::string ToString() const;
};

class ProviderProcess {
 public:
  // Starts the binary and waits for the handshake. Errors read like
  // go-plugin's ("plugin exited before we could connect", "timeout while
  // waiting for plugin to start", "Unrecognized remote plugin message") and
  // carry the tail of the plugin's stderr.
  static absl::StatusOr<std::unique_ptr<ProviderProcess>> Start(
      const ProviderProcessOptions& options);

  // Kills the process if still running.
  ~ProviderProcess();
  ProviderProcess(const ProviderProcess&) = delete;
  ProviderProcess& operator=(const ProviderProcess&) = delete;

  pid_t pid() const { return pid_; }
  const HandshakeInfo& handshake() const { return handshake_; }
  const std::string& handshake_line() const { return handshake_line_; }
  // posix_spawn to the complete handshake line on our side of the pipe.
  absl::Duration startup_duration() const { return startup_duration_; }
  const ClientCertificate& client_certificate() const { return client_cert_; }
  const ProviderProcessOptions& options() const { return options_; }

  // gRPC target for the announced address ("unix:/p" or "127.0.0.1:port").
  std::string GrpcTarget() const;
  // The AutoMTLS channel Terraform would use (created by Start).
  std::shared_ptr<grpc::Channel> channel() const { return channel_; }
  // Go-plugin TLS credentials: trust only `server_cert_pem`, present
  // `client` (empty = no client certificate).
  static std::shared_ptr<grpc::ChannelCredentials> MtlsCredentials(
      const std::string& server_cert_pem,
      const std::optional<ClientCertificate>& client);
  // A channel to this plugin with other credentials (negative tests).
  std::shared_ptr<grpc::Channel> CreateChannel(
      std::shared_ptr<grpc::ChannelCredentials> credentials) const;

  // Everything the plugin wrote to stderr so far.
  std::string StderrText() const;
  // Lines on stdout after the handshake (Terraform discards them).
  int extra_stdout_lines() const { return extra_stdout_lines_.load(); }

  // Non-blocking: has the process exited? Fills the exit status once.
  bool IsRunning();
  const ProcessExit& exit_info() const { return exit_; }

  // Terraform's Kill(): Shutdown RPC (errors ignored, like go-plugin), wait
  // up to `grace` for the exit, then SIGKILL.
  ProcessExit Shutdown(absl::Duration grace = absl::Seconds(2));
  // SIGKILL now and reap.
  ProcessExit Kill();
  // Sends `sig` (e.g. SIGINT, which a plugin must ignore).
  void Signal(int sig);

 private:
  explicit ProviderProcess(ProviderProcessOptions options);
  absl::Status Launch();
  void ReadStdout(int fd);
  void ReadStderr(int fd);
  // Waits for exit up to `timeout`; true when reaped.
  bool WaitExit(absl::Duration timeout);
  void JoinReaders();

  ProviderProcessOptions options_;
  ClientCertificate client_cert_;
  pid_t pid_ = -1;
  HandshakeInfo handshake_;
  std::string handshake_line_;
  absl::Duration startup_duration_;
  std::shared_ptr<grpc::Channel> channel_;
  ProcessExit exit_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool got_first_line_ = false;
  bool stdout_eof_ = false;
  std::string first_line_;
  absl::Time first_line_time_;
  std::string stderr_;
  std::atomic<int> extra_stdout_lines_{0};
  std::atomic<bool> stop_readers_{false};
  std::thread stdout_thread_;
  std::thread stderr_thread_;
};

}  // namespace secureaml::conformance

#endif  // SECUREAML_TESTS_CONFORMANCE_PROVIDER_PROCESS_H_
