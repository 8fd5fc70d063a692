// Ctrl-C (SIGINT) and SIGTERM for the commands that run cases: while an
// InterruptScope lives, the first signal sets a flag the runner checks between
// cases (RunOptions::stop); a second one ends the process at once with status 130.
// The handler only stores the flag or calls _exit. Created by a command on the main
// thread; the flag may be read from any thread.
#pragma once

#include <signal.h>
#include <unistd.h>

#include <atomic>

namespace linespec::tools {

inline constexpr int kExitInterrupted = 130;  // 128 + SIGINT, as shells report it

class InterruptScope {
 public:
  InterruptScope() {
    stop_flag().store(false);
    struct sigaction action {};
    action.sa_handler = &InterruptScope::handle;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGINT, &action, &old_int_);
    sigaction(SIGTERM, &action, &old_term_);
  }
  ~InterruptScope() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;

  // For RunOptions::stop.
  const std::atomic<bool>* flag() const { return &stop_flag(); }
  bool requested() const { return stop_flag().load(); }

 private:
  static_assert(std::atomic<bool>::is_always_lock_free, "the flag is set from a signal handler");

  static std::atomic<bool>& stop_flag() {
    static std::atomic<bool> flag{false};
    return flag;
  }
  static void handle(int) {
    if (stop_flag().exchange(true)) _exit(kExitInterrupted);
  }

  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

}  // namespace linespec::tools
