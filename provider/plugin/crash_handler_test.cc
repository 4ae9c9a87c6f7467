#include "provider/plugin/crash_handler.h"

#include <signal.h>

#include <cstdlib>

#include "gtest/gtest.h"

namespace secureaml::plugin {
namespace {

// Terraform shows provider stderr that follows a "panic: " line as a crash
// report even with logging off; the handler must produce exactly that.
TEST(CrashHandlerDeathTest, SegfaultPrintsPanicAndBacktrace) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        InstallCrashHandler();
        raise(SIGSEGV);
      },
      "panic: SIGSEGV[^\n]*\n\nbacktrace:\n.*crash_handler_test");
}

TEST(CrashHandlerDeathTest, AbortIsReportedAndStillKillsBySignal) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        InstallCrashHandler();
        std::abort();
      },
      testing::KilledBySignal(SIGABRT), "panic: SIGABRT");
}

}  // namespace
}  // namespace secureaml::plugin
