// Black-box fuzzing of a live server: random conversations (conversation_source.hpp)
// played against any target the harness reaches (tcp, unix, exec), each judged by the
// model of the profile; the first mismatch is shrunk to a minimal conversation and
// handed back as a script. The caller (main) prints and writes it. Runs on the calling
// thread; the progress callback is called from it.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "linespec/harness/replay.hpp"
#include "linespec/harness/session.hpp"
#include "linespec/harness/target.hpp"
#include "linespec/live_fuzz/conversation.hpp"
#include "linespec/protocol/profile.hpp"
#include "linespec/protocol/result.hpp"

namespace linespec::live_fuzz {

class DrawnConversation;

struct FuzzOptions {
  Profile profile = *builtin_profile("seed");
  std::uint64_t seed = 0;
  std::size_t max_connections = 2;  // per conversation, at least 1
  // Stop after this many conversations or this long, whichever comes first; with
  // neither, run until a failure.
  std::optional<std::size_t> max_conversations;
  std::optional<std::chrono::milliseconds> duration;
  // Per connection; the inactivity timeout is what a server owing replies costs.
  harness::SessionOptions session;
  // How long connections left open keep reading at the end of a conversation, for
  // replies they are not owed. A replay reads harness::kSettleTime (20 ms); here it is
  // most of the time a conversation takes, so it is short (the measured rates: about
  // 3000/s with none, 1100/s with 1 ms, 500/s with 2 ms), and conversations that
  // half-close still see every byte the server sends.
  std::chrono::milliseconds settle{1};
  // Shrinking stops after this many candidate runs or this long, keeping the smallest
  // failing conversation found so far.
  std::size_t shrink_runs = 3000;
  std::chrono::milliseconds shrink_time{120000};
};

struct FuzzProgress {
  std::size_t conversations = 0;  // run so far
  std::chrono::microseconds elapsed{0};
  bool shrinking = false;
  std::size_t shrink_steps = 0;  // smaller failing conversations found so far
  std::size_t shrink_runs = 0;   // candidates run so far
};
using ProgressCallback = std::function<void(const FuzzProgress&)>;

struct Finding {
  enum class Kind {
    kMismatch,    // the server's bytes differ from the model's
    kTargetLost,  // the target stopped accepting connections after `script` ran
  };
  Kind kind = Kind::kMismatch;
  std::size_t conversation = 0;  // 1-based number of the conversation that failed
  harness::Script original;      // as generated (kTargetLost: the one before, if any)
  harness::Script script;        // shrunk: the smallest conversation that still failed
  harness::ScriptResult result;  // of the last run of `script` that failed
  std::size_t shrink_steps = 0;  // smaller failing conversations accepted
  std::size_t shrink_runs = 0;   // candidates run
  bool shrink_complete = true;   // false when the shrink budget ran out first
  bool reproduced = true;        // a final replay of `script` (as `linespec replay` runs it) failed too
  std::string message;           // kTargetLost: what the connection said; kMismatch: why
                                 // shrinking stopped early, if the target went away
};

struct FuzzReport {
  std::uint64_t seed = 0;
  std::size_t conversations = 0;         // run until the finding, or all of them
  std::chrono::microseconds elapsed{0};  // fuzzing, shrinking excluded
  std::chrono::microseconds shrink_elapsed{0};
  std::optional<Finding> finding;

  double rate() const;  // conversations per second
};

// One fuzzing run against one target. Owns its options and the conversation source;
// the caller's thread runs everything.
class Fuzzer {
 public:
  // Checks the target first: kUnreachable when it cannot be reached (nothing else
  // runs), kUsage for bad options. For a profile with concurrency `any` and more than
  // one connection, it also checks whether a second client is served while the first
  // is open, and runs connections one at a time when it is not (as for `sequential`).
  static Result<Fuzzer> start(const harness::Target& target, FuzzOptions options);

  Fuzzer(Fuzzer&&) noexcept;
  Fuzzer& operator=(Fuzzer&&) noexcept;
  ~Fuzzer();

  Overlap overlap() const { return overlap_; }
  // Why connections run one at a time, when they do; empty otherwise.
  const std::string& overlap_note() const { return overlap_note_; }

  // Runs conversations until the count or time is up, or the first failure, which it
  // shrinks. Call once.
  FuzzReport run(const ProgressCallback& progress = {});

 private:
  Fuzzer(harness::Target target, FuzzOptions options, Overlap overlap, std::string overlap_note);
  harness::Script script_of(const Conversation& conversation) const;
  // Runs one script the fuzzer's way: the model judges, `settle` at the end.
  harness::ScriptResult run_script(const harness::Script& script) const;
  Finding shrink(const DrawnConversation& failing, harness::Script script, harness::ScriptResult result,
                 std::size_t conversations, const ProgressCallback& progress) const;

  harness::Target target_;
  FuzzOptions options_;
  Overlap overlap_;
  std::string overlap_note_;
};

}  // namespace linespec::live_fuzz
