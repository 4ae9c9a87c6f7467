// File: clock.h
//
// Time and sleeping are injected into every retry and polling loop so that
// unit tests drive hours of ARM waiting in microseconds, and so that every
// wait can be woken by a CancellationToken (Terraform's StopProvider).
//
//   RealTime& rt = RealTime::Get();
//   if (rt.Sleep(absl::Seconds(5), cancel)) return absl::CancelledError(...);
#ifndef SECUREAML_PROVIDER_AZURE_CLOCK_H_
#define SECUREAML_PROVIDER_AZURE_CLOCK_H_

#include <mutex>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "provider/common/cancellation.h"

namespace secureaml::azure {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

class Sleeper {
 public:
  virtual ~Sleeper() = default;
  // Waits for `duration` or until `cancel` fires. Returns true when cancelled.
  virtual bool Sleep(absl::Duration duration,
                     const CancellationToken& cancel) = 0;
};

// The production clock and sleeper. Sleep wakes on cancellation at once
// because CancellationToken::WaitFor waits on the token's condition variable.
class RealTime : public Clock, public Sleeper {
 public:
  static RealTime& Get() {
    static auto* instance = new RealTime();
    return *instance;
  }
  absl::Time Now() const override { return absl::Now(); }
  bool Sleep(absl::Duration duration,
             const CancellationToken& cancel) override {
    return cancel.WaitFor(duration);
  }
};

// A clock that only moves when something sleeps on it. Thread-safe. Records
// each requested sleep so tests can assert on pacing.
class FakeTime : public Clock, public Sleeper {
 public:
  explicit FakeTime(absl::Time start = absl::FromUnixSeconds(1800000000))
      : now_(start) {}
  absl::Time Now() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return now_;
  }
  bool Sleep(absl::Duration duration,
             const CancellationToken& cancel) override {
    std::lock_guard<std::mutex> lock(mu_);
    sleeps_.push_back(duration);
    if (cancel.IsCancelled()) return true;
    if (duration > absl::ZeroDuration()) now_ += duration;
    return cancel.IsCancelled();
  }
  void Advance(absl::Duration d) {
    std::lock_guard<std::mutex> lock(mu_);
    now_ += d;
  }
  std::vector<absl::Duration> sleeps() const {
    std::lock_guard<std::mutex> lock(mu_);
    return sleeps_;
  }
  absl::Duration TotalSlept() const {
    std::lock_guard<std::mutex> lock(mu_);
    absl::Duration total;
    for (auto d : sleeps_) total += d;
    return total;
  }

 private:
  mutable std::mutex mu_;
  absl::Time now_;
  std::vector<absl::Duration> sleeps_;
};

}  // namespace secureaml::azure

#endif  // SECUREAML_PROVIDER_AZURE_CLOCK_H_
