// Scripts: a conversation with a server written down as text that people read and
// edit, and that run_script() (replay.hpp) plays back. Every failure of the suite,
// the properties and the fuzzer prints one. Parser and printer are pure functions
// over strings, standard library only (fuzz targets link them); plain values, any thread.
//
//   # linespec script v1
//   profile seed                  # a built-in profile, then `set KEY = VALUE` knobs
//   target tcp:127.0.0.1:10008    # optional: where it was found to fail
//   conn a                        # opens connection `a`
//   a send "SOME "                # one chunk, one write: the server reads it alone
//   a send "DATA\n"
//   a expect "connect\nInformation Received\n"
//   conn b
//   b send "A"*1024 "\r"          # strings concatenate; "X"*N repeats
//   pause 10                      # milliseconds, reading every open connection
//   a half-close
//   a expect-close
//   b reset
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "linespec/harness/target.hpp"
#include "linespec/protocol/profile.hpp"
#include "linespec/protocol/result.hpp"

namespace linespec::harness {

// One line of a script. Build with the named constructors.
struct ScriptStep {
  enum class Kind {
    kConnect,       // `conn NAME`: open a connection named NAME (names are never reused)
    kSend,          // `NAME send "..."`: write the chunk, wait until the server consumed it
    kPause,         // `pause MS`: keep reading every open connection for MS milliseconds
    kExpect,        // `NAME expect "..."`: the next bytes received are exactly these
    kExpectPrefix,  // `NAME expect-prefix "..."`: everything still to arrive is a prefix
                    // of these (none, some or all): replies a closing client may miss
    kExpectClose,   // `NAME expect-close`: the server closes (EOF) and sends nothing
                    // beyond what the earlier expect steps matched
    kHalfClose,     // `NAME half-close`: FIN, then read until the server closes
    kClose,         // `NAME close`: close both directions at once
    kReset,         // `NAME reset`: abort with RST (exec: kill the child)
  };
  Kind kind = Kind::kPause;
  std::string connection;             // every kind but kPause
  std::string bytes;                  // kSend, kExpect, kExpectPrefix
  std::chrono::milliseconds pause{0};  // kPause

  static ScriptStep connect(std::string name);
  static ScriptStep send(std::string name, std::string bytes);
  static ScriptStep pause_for(std::chrono::milliseconds duration);
  static ScriptStep expect(std::string name, std::string bytes);
  static ScriptStep expect_prefix(std::string name, std::string bytes);
  static ScriptStep expect_close(std::string name);
  static ScriptStep half_close(std::string name);
  static ScriptStep close(std::string name);
  static ScriptStep reset(std::string name);

  bool operator==(const ScriptStep&) const = default;
};

// What decides whether a replay passed.
enum class Oracle {
  kScriptAndModel,  // `oracle model` (default): the expect steps and the Model of the profile
  kScriptOnly,      // `oracle script`: only the expect steps, for behaviour the model does
                    // not cover (refusal at capacity, a deliberately different server)
};

struct Script {
  Profile profile = *builtin_profile("seed");
  Oracle oracle = Oracle::kScriptAndModel;
  std::optional<Target> target;  // informational: replay takes its target as an argument
  std::vector<ScriptStep> steps;

  bool operator==(const Script&) const = default;
};

// The first line of every printed script; input that starts with "# linespec script"
// is a script, anything else is raw bytes (see script_from_raw_bytes).
inline constexpr std::string_view kScriptHeader = "# linespec script v1";
bool is_script_text(std::string_view text);

// Parses script text. Errors are kUsage with the source and line:
// "crash.txt:7: unknown step 'sned' (want send, expect, expect-prefix, ...)".
// The result always satisfies check_script().
Result<Script> parse_script(std::string_view text, std::string_view source = "<script>");

// Text that parse_script() reads back to an equal Script (the header line first).
std::string print_script(const Script& script);
// One step as its script line, without newline: `a send "x\r\n"`.
std::string print_step(const ScriptStep& step);
// Bytes as script string literals: "abc\r\n", runs of 16+ equal bytes as "A"*1024.
std::string quote_script_bytes(std::string_view bytes);

// The rules every script obeys, for scripts built in code: a connection is opened
// before use and once; nothing is sent after it was half-closed or closed; nothing is
// expected after it was closed or reset, after its expect-close, or after its
// expect-prefix; it half-closes, closes or resets at most once. Errors are kUsage
// naming the step: "step 4 (a send "x"): connection 'a' was half-closed at step 3".
Status check_script(const Script& script);

// The script with the Model's answer written into it, so that it reads (and replays)
// on its own: each connection without expect steps gets `expect` of what the model
// owes it after its half-close (then `expect-close`) or at the end of the script, or
// `expect-prefix` just before its close or reset. Other connections are left as they are.
Script with_model_expectations(const Script& script);

// What a raw input (e.g. a fuzz corpus file) means: one connection that sends all of
// `bytes` as one chunk, then half-closes; the Model of `profile` is the oracle.
Script script_from_raw_bytes(std::string_view bytes, Profile profile);

}  // namespace linespec::harness
