// File: clock.h
//
// Time source injected into the ARM service so operation durations, token
// expiry, replication delays and token buckets can be tested without sleeping.
#ifndef SECUREAML_TESTS_EMULATOR_CLOCK_H_
#define SECUREAML_TESTS_EMULATOR_CLOCK_H_

#include <mutex>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace secureaml::emulator {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

class RealClock : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
};

// Starts at a fixed instant and moves only when told to.
class FakeClock : public Clock {
 public:
  explicit FakeClock(absl::Time start = absl::FromUnixSeconds(1796000000))
      : now_(start) {}
  absl::Time Now() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return now_;
  }
  void Advance(absl::Duration d) {
    std::lock_guard<std::mutex> lock(mu_);
    now_ += d;
  }

 private:
  mutable std::mutex mu_;
  absl::Time now_;
};

}  // namespace secureaml::emulator

#endif  // SECUREAML_TESTS_EMULATOR_CLOCK_H_
