#include "provider/common/cancellation.h"

#include <chrono>
#include <thread>

#include "gtest/gtest.h"

namespace secureaml {
namespace {

TEST(CancellationTest, DefaultTokenIsNeverCancelled) {
  CancellationToken token;
  EXPECT_FALSE(token.IsCancelled());
  EXPECT_FALSE(token.WaitFor(absl::Milliseconds(1)));
}

TEST(CancellationTest, CancelWakesWaiterEarly) {
  CancellationSource source;
  CancellationToken token = source.Token();
  auto start = std::chrono::steady_clock::now();
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    source.Cancel();
  });
  EXPECT_TRUE(token.WaitFor(absl::Seconds(30)));
  canceller.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_TRUE(token.IsCancelled());
}

TEST(CancellationTest, WaitReturnsFalseWhenNotCancelled) {
  CancellationSource source;
  EXPECT_FALSE(source.Token().WaitFor(absl::Milliseconds(5)));
}

}  // namespace
}  // namespace secureaml
