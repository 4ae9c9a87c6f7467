#include "tests/conformance/emulator_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

extern char** environ;

namespace secureaml::conformance {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::map<std::string, std::string> ParseEnvFile(const std::string& text) {
  std::map<std::string, std::string> out;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    absl::ConsumePrefix(&line, "export ");
    size_t eq = line.find('=');
    if (eq == absl::string_view::npos) continue;
    std::string value(line.substr(eq + 1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    }
    out[std::string(line.substr(0, eq))] = value;
  }
  return out;
}

absl::StatusOr<std::unique_ptr<EmulatorProcess>> EmulatorProcess::Start(
    const EmulatorOptions& options) {
  std::unique_ptr<EmulatorProcess> e(new EmulatorProcess());
  char tmpl[] = "/tmp/secureaml-emulator-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) {
    return absl::InternalError(absl::StrCat("mkdtemp: ", std::strerror(errno)));
  }
  e->dir_ = tmpl;
  const std::string ca = e->dir_ + "/ca.pem";
  const std::string env = e->dir_ + "/env.sh";
  const std::string lz = e->dir_ + "/landing-zone.json";
  const std::string err = e->dir_ + "/stderr.log";
  std::vector<std::string> args = {
      options.binary, "--port", "0", "--ca-cert-out", ca, "--env-out", env};
  if (options.landing_zone) {
    args.insert(args.end(), {"--landing-zone", "--landing-zone-out", lz});
  }
  if (!options.config_file.empty()) {
    args.insert(args.end(), {"--config", options.config_file});
  }
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  int out_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) {
    return absl::InternalError(absl::StrCat("pipe: ", std::strerror(errno)));
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
  posix_spawn_file_actions_addopen(&fa, 2, err.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  int rc = posix_spawn(&e->pid_, options.binary.c_str(), &fa, nullptr,
                       argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  close(out_pipe[1]);
  if (rc != 0) {
    close(out_pipe[0]);
    e->pid_ = -1;
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot start emulator ", options.binary, ": ", std::strerror(rc)));
  }
  // Read the first stdout line; later output is ignored (the pipe stays
  // open so the emulator never gets SIGPIPE... it ignores it anyway).
  std::string line;
  absl::Time deadline = absl::Now() + options.start_timeout;
  bool done = false;
  while (!done) {
    int ms =
        static_cast<int>(absl::ToInt64Milliseconds(deadline - absl::Now()));
    if (ms <= 0) break;
    pollfd pfd{out_pipe[0], POLLIN, 0};
    int pr = poll(&pfd, 1, ms);
    if (pr < 0 && errno == EINTR) continue;
    if (pr <= 0) break;
    char c;
    ssize_t n = read(out_pipe[0], &c, 1);
    if (n <= 0) break;
    if (c == '\n') {
      done = true;
    } else {
      line.push_back(c);
    }
  }
  close(out_pipe[0]);
  if (!done || !absl::StartsWith(line, "listening ")) {
    std::string tail = ReadFile(err);
    e->Stop();
    return absl::FailedPreconditionError(
        absl::StrCat("emulator did not report \"listening\" (got \"", line,
                     "\")\nemulator stderr:\n", tail));
  }
  e->url_ = line.substr(std::strlen("listening "));
  e->env_ = ParseEnvFile(ReadFile(env));
  if (options.landing_zone) {
    e->landing_zone_ = nlohmann::json::parse(ReadFile(lz), nullptr, false);
    if (e->landing_zone_.is_discarded()) e->landing_zone_ = nullptr;
  }
  return e;
}

std::string EmulatorProcess::StderrText() const {
  return dir_.empty() ? "" : ReadFile(dir_ + "/stderr.log");
}

void EmulatorProcess::Stop() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    absl::Time deadline = absl::Now() + absl::Seconds(3);
    int status = 0;
    while (waitpid(pid_, &status, WNOHANG) == 0) {
      if (absl::Now() > deadline) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
        break;
      }
      absl::SleepFor(absl::Milliseconds(5));
    }
    pid_ = -1;
  }
}

EmulatorProcess::~EmulatorProcess() {
  Stop();
  if (!dir_.empty() && dir_.rfind("/tmp/secureaml-emulator-", 0) == 0) {
    for (const char* f :
         {"/ca.pem", "/env.sh", "/landing-zone.json", "/stderr.log"}) {
      unlink((dir_ + f).c_str());
    }
    rmdir(dir_.c_str());
  }
}

}  // namespace secureaml::conformance
