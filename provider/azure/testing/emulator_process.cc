#include "provider/azure/testing/emulator_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"

namespace secureaml::azure::testing {

absl::StatusOr<std::unique_ptr<EmulatorProcess>> EmulatorProcess::Start(
    Options options) {
  if (options.binary.empty()) {
    const char* b = std::getenv("SECUREAML_ARM_EMULATOR");
    if (b == nullptr || *b == '\0') {
      return absl::FailedPreconditionError(
          "SECUREAML_ARM_EMULATOR is not set (run through ctest)");
    }
    options.binary = b;
  }
  std::unique_ptr<EmulatorProcess> p(new EmulatorProcess());
  char tmpl[] = "/tmp/secureaml-emu-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) return absl::InternalError("mkdtemp failed");
  p->dir_ = tmpl;
  p->ca_file_ = p->dir_ + "/ca.pem";
  std::string env_file = p->dir_ + "/env.sh";
  std::vector<std::string> args = {options.binary,  "--port",    "0",
                                   "--ca-cert-out", p->ca_file_, "--env-out",
                                   env_file};
  if (!options.config.empty()) {
    std::string cfg = p->dir_ + "/config.json";
    std::ofstream(cfg) << options.config;
    args.push_back("--config");
    args.push_back(cfg);
  }
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) return absl::InternalError("pipe failed");
  pid_t pid = fork();
  if (pid < 0) return absl::InternalError("fork failed");
  if (pid == 0) {
    dup2(out[1], 1);
    int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0) dup2(devnull, 2);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(out[1]);
  p->pid_ = pid;
  p->stdout_fd_ = out[0];
  // First line: "listening https://127.0.0.1:PORT".
  std::string line;
  absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (line.find('\n') == std::string::npos) {
    pollfd pfd{out[0], POLLIN, 0};
    int ms =
        static_cast<int>(absl::ToInt64Milliseconds(deadline - absl::Now()));
    if (ms <= 0 || poll(&pfd, 1, ms) <= 0) {
      return absl::DeadlineExceededError("emulator did not start in 20 s");
    }
    char buf[256];
    ssize_t n = read(out[0], buf, sizeof(buf));
    if (n <= 0) {
      return absl::InternalError(
          absl::StrCat("emulator exited before listening: ", options.binary));
    }
    line.append(buf, static_cast<size_t>(n));
  }
  line = line.substr(0, line.find('\n'));
  absl::string_view first = line;
  if (!absl::ConsumePrefix(&first, "listening https://")) {
    return absl::InternalError("unexpected first line: " + line);
  }
  p->host_ = std::string(first);
  int fd = out[0];
  // Keep reading stdout so the emulator never blocks on a full pipe.
  p->drain_ = std::thread([fd] {
    char buf[4096];
    while (read(fd, buf, sizeof(buf)) > 0) {
    }
  });
  std::ifstream in(env_file);
  std::string l;
  while (std::getline(in, l)) {
    absl::string_view v = l;
    absl::ConsumePrefix(&v, "export ");
    std::pair<std::string, std::string> kv =
        absl::StrSplit(v, absl::MaxSplits('=', 1));
    if (!kv.first.empty()) p->env_[kv.first] = kv.second;
  }
  TransportOptions t;
  t.ca_bundle_path = p->ca_file_;
  absl::StatusOr<std::shared_ptr<HttpTransport>> transport =
      MakeCppRestTransport(t);
  if (!transport.ok()) return transport.status();
  p->transport_ = *transport;
  return p;
}

EmulatorProcess::~EmulatorProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 50; ++i) {
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      absl::SleepFor(absl::Milliseconds(20));
    }
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
    }
  }
  if (drain_.joinable()) drain_.join();
  if (stdout_fd_ >= 0) close(stdout_fd_);
}

absl::StatusOr<nlohmann::json> EmulatorProcess::Admin(const std::string& method,
                                                      const std::string& path,
                                                      const std::string& body) {
  HttpRequest req;
  req.method = method;
  req.url = absl::StrCat(base_url(), "/_emulator", path);
  req.body = body;
  if (!body.empty()) req.headers.Set("Content-Type", "application/json");
  req.deadline = absl::Now() + absl::Seconds(10);
  absl::StatusOr<HttpResponse> r = transport_->Send(req, {});
  if (!r.ok()) return r.status();
  if (r->status >= 300) {
    return absl::InternalError(absl::StrCat("admin ", method, " ", path, " -> ",
                                            r->status, ": ", r->body));
  }
  if (r->body.empty()) return nlohmann::json();
  nlohmann::json j = nlohmann::json::parse(r->body, nullptr, false);
  if (j.is_discarded()) return absl::InternalError("admin body is not JSON");
  return j;
}

}  // namespace secureaml::azure::testing
