// Where the worker threads of a suite run (server or client cases) leave each
// case's result, and where the reporting thread takes them in case order, so that
// reports never depend on which case finished first. Owns the results until taken.
// put(): any worker thread; take(): the one reporting thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "linespec/conformance/runner.hpp"

namespace linespec::conformance {

// How often a waiting reporting thread looks at RunOptions::stop (set by a signal
// handler, which cannot notify a condition variable).
inline constexpr std::chrono::milliseconds kStopPoll{50};

class ResultSlots {
 public:
  explicit ResultSlots(std::size_t count) : slots_(count) {}

  void put(std::size_t index, CaseResult result) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      slots_[index] = std::move(result);
    }
    ready_.notify_all();
  }

  // Waits for the result of case `index`; nothing if `abandoned()` says first that
  // it will never come (checked every kStopPoll).
  template <typename Abandoned>
  std::optional<CaseResult> take(std::size_t index, Abandoned abandoned) {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!slots_[index].has_value()) {
      if (abandoned()) return std::nullopt;
      ready_.wait_for(lock, kStopPoll);
    }
    std::optional<CaseResult> result = std::move(slots_[index]);
    slots_[index].reset();
    return result;
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::vector<std::optional<CaseResult>> slots_;
};

}  // namespace linespec::conformance
