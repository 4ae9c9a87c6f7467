// File: cancellation.h
//
// A cancellation signal shared between Terraform's StopProvider, per-operation
// timeouts and every wait in the Azure client. Waits go through
// CancellationToken::WaitFor so that a stop wakes them at once instead of
// after the next poll interval.
//
//   CancellationSource source;
//   CancellationToken token = source.Token();
//   std::thread t([&] { token.WaitFor(absl::Seconds(30)); });  // returns early
//   source.Cancel();
#ifndef SECUREAML_PROVIDER_COMMON_CANCELLATION_H_
#define SECUREAML_PROVIDER_COMMON_CANCELLATION_H_

#include <condition_variable>
#include <memory>
#include <mutex>

#include "absl/time/time.h"

namespace secureaml {

namespace internal {
struct CancellationState {
  std::mutex mu;
  std::condition_variable cv;
  bool cancelled = false;
};
}  // namespace internal

// Observes a CancellationSource. Cheap to copy; a default-constructed token is
// never cancelled.
class CancellationToken {
 public:
  CancellationToken() = default;

  bool IsCancelled() const {
    if (!state_) return false;
    std::lock_guard<std::mutex> lock(state_->mu);
    return state_->cancelled;
  }

  // Sleeps for `duration` or until cancelled. Returns true when cancelled.
  bool WaitFor(absl::Duration duration) const {
    if (duration <= absl::ZeroDuration()) return IsCancelled();
    if (!state_) {
      // No source: a plain sleep, still bounded by the duration.
      std::mutex mu;
      std::condition_variable cv;
      std::unique_lock<std::mutex> lock(mu);
      cv.wait_for(lock, absl::ToChronoNanoseconds(duration));
      return false;
    }
    std::unique_lock<std::mutex> lock(state_->mu);
    return state_->cv.wait_for(lock, absl::ToChronoNanoseconds(duration),
                               [this] { return state_->cancelled; });
  }

 private:
  friend class CancellationSource;
  explicit CancellationToken(std::shared_ptr<internal::CancellationState> s)
      : state_(std::move(s)) {}
  std::shared_ptr<internal::CancellationState> state_;
};

// Owns the signal. Cancel() is idempotent and thread-safe.
class CancellationSource {
 public:
  CancellationSource()
      : state_(std::make_shared<internal::CancellationState>()) {}

  CancellationToken Token() const { return CancellationToken(state_); }

  void Cancel() {
    {
      std::lock_guard<std::mutex> lock(state_->mu);
      state_->cancelled = true;
    }
    state_->cv.notify_all();
  }

 private:
  std::shared_ptr<internal::CancellationState> state_;
};

}  // namespace secureaml

#endif  // SECUREAML_PROVIDER_COMMON_CANCELLATION_H_
