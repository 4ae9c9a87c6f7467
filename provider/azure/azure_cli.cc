// Azure CLI credential: runs `az` without a shell.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "nlohmann/json.hpp"
#include "provider/azure/credentials.h"
#include "provider/common/logging.h"

extern char** environ;

namespace secureaml::azure {
namespace {

struct ProcessResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs argv[0] (PATH lookup) with stdout/stderr captured; kills the child on
// timeout or cancellation.
absl::StatusOr<ProcessResult> RunProcess(const std::vector<std::string>& args,
                                         absl::Duration timeout,
                                         const CancellationToken& cancel) {
  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) {
    return absl::InternalError("pipe failed");
  }
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    close(out_pipe[0]);
    close(out_pipe[1]);
    return absl::InternalError("pipe failed");
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err_pipe[1], 2);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (rc != 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    return absl::NotFoundError(absl::StrCat("cannot run ", args[0], ": ",
                                            std::strerror(rc),
                                            " (is the Azure CLI installed?)"));
  }
  ProcessResult result;
  absl::Time deadline = absl::Now() + timeout;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  bool killed = false;
  absl::Status failure;
  while (open_fds > 0) {
    if (cancel.IsCancelled() || absl::Now() > deadline) {
      kill(pid, SIGKILL);
      killed = true;
      failure = cancel.IsCancelled()
                    ? absl::CancelledError("Azure CLI: cancelled")
                    : absl::DeadlineExceededError(
                          absl::StrCat("Azure CLI did not answer within ",
                                       absl::FormatDuration(timeout)));
      break;
    }
    int n = poll(fds, 2, 100);
    if (n < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
      char buf[4096];
      ssize_t r = read(fds[i].fd, buf, sizeof(buf));
      if (r > 0) {
        (i == 0 ? result.out : result.err).append(buf, static_cast<size_t>(r));
      } else if (r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN)) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  for (auto& f : fds) {
    if (f.fd >= 0) close(f.fd);
  }
  int wstatus = 0;
  while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
  }
  if (killed) return failure;
  result.exit_code = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
  return result;
}

}  // namespace

absl::StatusOr<AccessToken> ParseAzureCliToken(absl::string_view json) {
  nlohmann::json j = nlohmann::json::parse(json, nullptr, false);
  if (!j.is_object() || !j.contains("accessToken") ||
      !j["accessToken"].is_string()) {
    return absl::UnauthenticatedError(
        "Azure CLI output has no accessToken (run `az login`)");
  }
  AccessToken t;
  t.token = j["accessToken"].get<std::string>();
  log::RegisterSecret(t.token);
  auto on = j.find("expires_on");
  if (on != j.end() && on->is_number_integer()) {
    t.expires_on = absl::FromUnixSeconds(on->get<int64_t>());
    return t;
  }
  auto local = j.find("expiresOn");
  if (local != j.end() && local->is_string()) {
    // "2026-11-29 17:04:05.123456" in the machine's local time zone.
    std::string s = local->get<std::string>();
    if (size_t dot = s.find('.'); dot != std::string::npos) s.resize(dot);
    absl::Time parsed;
    std::string err;
    if (absl::ParseTime("%Y-%m-%d %H:%M:%S", s, absl::LocalTimeZone(), &parsed,
                        &err)) {
      t.expires_on = parsed;
      return t;
    }
  }
  return absl::UnauthenticatedError(
      "Azure CLI output has neither expires_on nor a parseable expiresOn");
}

AzureCliCredential::AzureCliCredential(Options opts, Clock* clock)
    : opts_(std::move(opts)), clock_(clock) {}

absl::StatusOr<AccessToken> AzureCliCredential::GetToken(
    absl::string_view scope, const CancellationToken& cancel) {
  std::vector<std::string> args = {
      opts_.az_path, "account",          "get-access-token",
      "--scope",     std::string(scope), "-o",
      "json"};
  if (!opts_.tenant_id.empty()) {
    args.push_back("--tenant");
    args.push_back(opts_.tenant_id);
  }
  log::Debug("running Azure CLI", {{"command", "az account get-access-token"},
                                   {"scope", std::string(scope)}});
  absl::StatusOr<ProcessResult> r = RunProcess(args, opts_.timeout, cancel);
  if (!r.ok()) return r.status();
  if (r->exit_code != 0) {
    std::string err(absl::StripAsciiWhitespace(r->err));
    if (err.size() > 500) err.resize(500);
    return absl::UnauthenticatedError(
        absl::StrCat("`az account get-access-token` exited with ", r->exit_code,
                     ": ", log::Redact(err)));
  }
  return ParseAzureCliToken(r->out);
}

}  // namespace secureaml::azure
