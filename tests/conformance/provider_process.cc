#include "tests/conformance/provider_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "proto/grpc_controller.grpc.pb.h"

extern char** environ;

namespace secureaml::conformance {
namespace {

std::string Tail(const std::string& s, size_t n) {
  return s.size() <= n ? s : "..." + s.substr(s.size() - n);
}

}  // namespace

std::string ProcessExit::ToString() const {
  if (!exited) return "still running";
  std::string s = signal != 0 ? absl::StrCat("killed by signal ", signal)
                              : absl::StrCat("exit code ", exit_code);
  if (killed_by_us) s += " (SIGKILL after grace period)";
  return s;
}

ProviderProcess::ProviderProcess(ProviderProcessOptions options)
    : options_(std::move(options)) {}

ProviderProcess::~ProviderProcess() {
  if (pid_ > 0 && !exit_.exited) Kill();
  JoinReaders();
}

absl::StatusOr<std::unique_ptr<ProviderProcess>> ProviderProcess::Start(
    const ProviderProcessOptions& options) {
  std::unique_ptr<ProviderProcess> p(new ProviderProcess(options));
  absl::Status s = p->Launch();
  if (!s.ok()) return s;
  return p;
}

absl::Status ProviderProcess::Launch() {
  if (options_.auto_mtls) {
    if (options_.client_certificate) {
      client_cert_ = *options_.client_certificate;
    } else {
      auto cert = GenerateClientCertificate();
      if (!cert.ok()) return cert.status();
      client_cert_ = *std::move(cert);
    }
  }

  // Environment: parent's, minus unset_env, plus the go-plugin variables
  // (cmd.Env = append(os.Environ(), ...) in go-plugin).
  std::map<std::string, std::string> env;
  std::vector<std::string> order;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string kv = *e;
    size_t eq = kv.find('=');
    if (eq == std::string::npos) continue;
    std::string k = kv.substr(0, eq);
    if (!env.count(k)) order.push_back(k);
    env[k] = kv.substr(eq + 1);
  }
  for (const std::string& k : options_.unset_env) env.erase(k);
  auto set = [&](const std::string& k, const std::string& v) {
    if (!env.count(k)) order.push_back(k);
    env[k] = v;
  };
  if (options_.set_magic_cookie) set(kMagicCookieKey, kMagicCookieValue);
  set("PLUGIN_MIN_PORT", std::to_string(options_.min_port));
  set("PLUGIN_MAX_PORT", std::to_string(options_.max_port));
  set("PLUGIN_PROTOCOL_VERSIONS", options_.protocol_versions);
  if (options_.auto_mtls) {
    set("PLUGIN_CLIENT_CERT", client_cert_.cert_pem);
  } else {
    env.erase("PLUGIN_CLIENT_CERT");
  }
  for (const auto& [k, v] : options_.env) set(k, v);
  std::vector<std::string> env_strings;
  for (const std::string& k : order) {
    auto it = env.find(k);
    if (it != env.end()) env_strings.push_back(k + "=" + it->second);
  }
  std::vector<char*> envp;
  for (std::string& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);

  std::vector<std::string> argv_strings = {options_.binary};
  argv_strings.insert(argv_strings.end(), options_.args.begin(),
                      options_.args.end());
  std::vector<char*> argv;
  for (std::string& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);

  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) {
    return absl::InternalError(absl::StrCat("pipe: ", std::strerror(errno)));
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err_pipe[1], 2);
  if (!options_.working_dir.empty()) {
    posix_spawn_file_actions_addchdir_np(&fa, options_.working_dir.c_str());
  }
  // Default signal dispositions in the child, like Go's os/exec.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  absl::Time t0 = absl::Now();
  int rc = posix_spawn(&pid_, options_.binary.c_str(), &fa, &attr, argv.data(),
                       envp.data());
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (rc != 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    pid_ = -1;
    return absl::FailedPreconditionError(absl::StrCat(
        "error starting plugin ", options_.binary, ": ", std::strerror(rc)));
  }
  stdout_thread_ = std::thread([this, fd = out_pipe[0]] { ReadStdout(fd); });
  stderr_thread_ = std::thread([this, fd = err_pipe[0]] { ReadStderr(fd); });

  {
    std::unique_lock<std::mutex> lock(mu_);
    bool ready =
        cv_.wait_for(lock, absl::ToChronoNanoseconds(options_.start_timeout),
                     [this] { return got_first_line_ || stdout_eof_; });
    if (!ready) {
      std::string tail = Tail(stderr_, 4000);
      lock.unlock();
      Kill();
      return absl::DeadlineExceededError(absl::StrCat(
          "timeout while waiting for plugin to start\nplugin stderr:\n", tail));
    }
    if (!got_first_line_) {
      lock.unlock();
      WaitExit(absl::Seconds(2));
      std::string tail;
      {
        std::lock_guard<std::mutex> l(mu_);
        tail = Tail(stderr_, 4000);
      }
      if (!exit_.exited) Kill();
      return absl::FailedPreconditionError(
          absl::StrCat("plugin exited before we could connect (",
                       exit_.ToString(), ")\nplugin stderr:\n", tail));
    }
    handshake_line_ = first_line_;
    startup_duration_ = first_line_time_ - t0;
  }

  ParseOptions po;
  po.offered_versions.clear();
  for (absl::string_view v :
       absl::StrSplit(options_.protocol_versions, ',', absl::SkipEmpty())) {
    po.offered_versions.push_back(std::atoi(std::string(v).c_str()));
  }
  po.strict_field_count = options_.strict_handshake;
  auto hs = ParseHandshakeLine(handshake_line_, po);
  if (!hs.ok()) {
    Kill();
    return absl::Status(
        hs.status().code(),
        absl::StrCat(hs.status().message(), "\nplugin stderr:\n",
                     Tail(StderrText(), 4000)));
  }
  handshake_ = *std::move(hs);

  std::shared_ptr<grpc::ChannelCredentials> creds;
  if (options_.auto_mtls) {
    // go-plugin: with AutoMTLS the client always dials TLS; without an
    // announced cert the system roots apply (and the handshake fails).
    creds = MtlsCredentials(handshake_.server_cert_pem, client_cert_);
  } else {
    creds = grpc::InsecureChannelCredentials();
  }
  channel_ = CreateChannel(creds);
  return absl::OkStatus();
}

std::shared_ptr<grpc::ChannelCredentials> ProviderProcess::MtlsCredentials(
    const std::string& server_cert_pem,
    const std::optional<ClientCertificate>& client) {
  grpc::SslCredentialsOptions o;
  o.pem_root_certs = server_cert_pem;
  if (client) {
    o.pem_private_key = client->key_pem;
    o.pem_cert_chain = client->cert_pem;
  }
  return grpc::SslCredentials(o);
}

std::string ProviderProcess::GrpcTarget() const {
  if (handshake_.network == "unix") return "unix:" + handshake_.address;
  return handshake_.address;
}

std::shared_ptr<grpc::Channel> ProviderProcess::CreateChannel(
    std::shared_ptr<grpc::ChannelCredentials> credentials) const {
  grpc::ChannelArguments args;
  args.SetSslTargetNameOverride("localhost");
  // go-plugin sets MaxCallRecv/SendMsgSize = MaxInt32.
  args.SetMaxReceiveMessageSize(INT_MAX);
  args.SetMaxSendMessageSize(INT_MAX);
  // Separate channels must not share a subchannel (negative TLS tests).
  args.SetInt("grpc.use_local_subchannel_pool", 1);
  return grpc::CreateCustomChannel(GrpcTarget(), credentials, args);
}

void ProviderProcess::ReadStdout(int fd) {
  std::string buf;
  char chunk[4096];
  bool first_done = false;
  while (true) {
    pollfd pfd{fd, POLLIN, 0};
    int pr = poll(&pfd, 1, 50);
    if (pr == 0) {
      if (stop_readers_.load()) break;
      continue;
    }
    if (pr < 0 && errno == EINTR) continue;
    ssize_t n = read(fd, chunk, sizeof(chunk));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (first_done) {
      for (ssize_t i = 0; i < n; ++i) {
        if (chunk[i] == '\n') extra_stdout_lines_++;
      }
      continue;
    }
    buf.append(chunk, static_cast<size_t>(n));
    size_t nl = buf.find('\n');
    if (nl != std::string::npos) {
      absl::Time now = absl::Now();
      first_done = true;
      for (size_t i = nl + 1; i < buf.size(); ++i) {
        if (buf[i] == '\n') extra_stdout_lines_++;
      }
      std::lock_guard<std::mutex> lock(mu_);
      first_line_ = buf.substr(0, nl);
      first_line_time_ = now;
      got_first_line_ = true;
      cv_.notify_all();
    }
  }
  close(fd);
  std::lock_guard<std::mutex> lock(mu_);
  if (!got_first_line_ && !buf.empty()) {
    // go-plugin's scanner also yields a final unterminated line.
    first_line_ = buf;
    first_line_time_ = absl::Now();
    got_first_line_ = true;
  }
  stdout_eof_ = true;
  cv_.notify_all();
}

void ProviderProcess::ReadStderr(int fd) {
  char chunk[8192];
  while (true) {
    pollfd pfd{fd, POLLIN, 0};
    int pr = poll(&pfd, 1, 50);
    if (pr == 0) {
      if (stop_readers_.load()) break;
      continue;
    }
    if (pr < 0 && errno == EINTR) continue;
    ssize_t n = read(fd, chunk, sizeof(chunk));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (options_.echo_stderr) {
      (void)!write(2, chunk, static_cast<size_t>(n));
    }
    std::lock_guard<std::mutex> lock(mu_);
    stderr_.append(chunk, static_cast<size_t>(n));
    if (stderr_.size() > options_.stderr_capacity) {
      stderr_.erase(0, stderr_.size() - options_.stderr_capacity);
    }
  }
  close(fd);
}

std::string ProviderProcess::StderrText() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stderr_;
}

bool ProviderProcess::IsRunning() {
  if (pid_ <= 0 || exit_.exited) return false;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    exit_.exited = true;
    if (WIFEXITED(status)) exit_.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) exit_.signal = WTERMSIG(status);
    return false;
  }
  return r == 0;
}

bool ProviderProcess::WaitExit(absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  // Fine-grained polling first: the shutdown figure is reported in ms.
  absl::Duration step = absl::Microseconds(100);
  while (true) {
    if (!IsRunning()) return exit_.exited;
    if (absl::Now() >= deadline) return false;
    absl::SleepFor(step);
    if (step < absl::Milliseconds(5)) step *= 2;
  }
}

void ProviderProcess::JoinReaders() {
  stop_readers_ = true;
  if (stdout_thread_.joinable()) stdout_thread_.join();
  if (stderr_thread_.joinable()) stderr_thread_.join();
}

void ProviderProcess::Signal(int sig) {
  if (pid_ > 0 && !exit_.exited) kill(pid_, sig);
}

ProcessExit ProviderProcess::Kill() {
  if (pid_ > 0 && !exit_.exited && IsRunning()) {
    kill(pid_, SIGKILL);
    exit_.killed_by_us = true;
    WaitExit(absl::Seconds(10));
  }
  return exit_;
}

ProcessExit ProviderProcess::Shutdown(absl::Duration grace) {
  if (pid_ <= 0 || exit_.exited) return exit_;
  absl::Time start = absl::Now();
  if (channel_ != nullptr) {
    auto stub = plugin::GRPCController::NewStub(channel_);
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(start + grace));
    plugin::Empty req, resp;
    grpc::Status s = stub->Shutdown(&ctx, req, &resp);
    exit_.shutdown_rpc_status = s.error_code();
  }
  if (!WaitExit(grace - (absl::Now() - start))) {
    kill(pid_, SIGKILL);
    exit_.killed_by_us = true;
    WaitExit(absl::Seconds(10));
  }
  exit_.shutdown_duration = absl::Now() - start;
  JoinReaders();
  return exit_;
}

}  // namespace secureaml::conformance
