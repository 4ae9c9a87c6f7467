#include "provider/plugin/crash_handler.h"

#include <execinfo.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>

namespace secureaml::plugin {
namespace {

constexpr int kSignals[] = {SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL};

const char* SignalName(int sig) {
  switch (sig) {
    case SIGSEGV:
      return "SIGSEGV: segmentation violation";
    case SIGABRT:
      return "SIGABRT: abort";
    case SIGBUS:
      return "SIGBUS: bus error";
    case SIGFPE:
      return "SIGFPE: floating-point exception";
    case SIGILL:
      return "SIGILL: illegal instruction";
  }
  return "fatal signal";
}

// Only async-signal-safe calls below (write, backtrace_symbols_fd, raise).
// backtrace() itself may allocate on its first call, so it is warmed up at
// install time.
void WriteStr(const char* s) {
  ssize_t ignored = write(STDERR_FILENO, s, strlen(s));
  (void)ignored;
}

std::atomic<bool> g_in_handler{false};

void OnFatalSignal(int sig) {
  if (!g_in_handler.exchange(true)) {
    WriteStr("panic: ");
    WriteStr(SignalName(sig));
    WriteStr("\n\nbacktrace:\n");
    void* frames[64];
    int n = backtrace(frames, 64);
    backtrace_symbols_fd(frames, n, STDERR_FILENO);
  }
  // SA_RESETHAND restored the default action; re-raise to die by `sig`.
  raise(sig);
}

}  // namespace

void InstallCrashHandler() {
  static std::atomic<bool> installed{false};
  if (installed.exchange(true)) return;

  void* warm[1];
  backtrace(warm, 1);

  static char alt_stack[64 * 1024];
  stack_t ss = {};
  ss.ss_sp = alt_stack;
  ss.ss_size = sizeof(alt_stack);
  sigaltstack(&ss, nullptr);

  struct sigaction sa = {};
  sa.sa_handler = OnFatalSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESETHAND | SA_ONSTACK;
  for (int sig : kSignals) sigaction(sig, &sa, nullptr);
}

}  // namespace secureaml::plugin
