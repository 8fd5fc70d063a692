// Replays scripts against a live target and judges what came back, and loads what a
// replay takes: a script file, a folder of them, or a raw input from a fuzz corpus.
// Every connection of a script is a Session; all of them run interleaved on the
// calling thread, one step at a time in script order. A ScriptRunner owns its
// sessions; one thread at a time.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "linespec/harness/model.hpp"
#include "linespec/harness/script.hpp"
#include "linespec/harness/session.hpp"
#include "linespec/harness/target.hpp"
#include "linespec/protocol/result.hpp"

namespace linespec::harness {

class ScriptRules;  // the step rules of check_script(), not installed

// One connection of a replayed script and its verdict.
struct ConnectionOutcome {
  std::string name;
  SessionResult session;  // received bytes, ending, transcript, delivery strategy
  ClientEnd client_end = ClientEnd::kStaysOpen;  // how the script ended it
  Expectation model;                 // what the Model allowed (any under Oracle::kScriptOnly)
  std::vector<std::string> failures;  // one line each, empty when the connection passed

  bool passed() const { return failures.empty(); }
};

struct ScriptResult {
  std::vector<ConnectionOutcome> connections;  // in the order the script opened them

  bool passed() const;
  // "ok: 2 connections passed", or every failure as "a: ..." one per line, then the
  // transcript of each failing connection.
  std::string report() const;
};

// How long a replay judged by the model keeps reading the connections left open at
// the end of a script, once they have what the model owes them: replies they are not
// owed show up within it (a loopback server answers in microseconds).
inline constexpr std::chrono::milliseconds kSettleTime{20};

// Runs a script one step at a time, so that a caller (a property, a state machine
// test) can decide the next step after seeing the last.
class ScriptRunner {
 public:
  // `settle`: how long finish() keeps reading connections left open (see kSettleTime;
  // a property that runs thousands of cases may trade some of it for speed).
  ScriptRunner(Target target, Profile profile, SessionOptions options = {},
               Oracle oracle = Oracle::kScriptAndModel, std::chrono::milliseconds settle = kSettleTime);
  ScriptRunner(ScriptRunner&&) noexcept;
  ScriptRunner& operator=(ScriptRunner&&) noexcept;
  ~ScriptRunner();

  // Runs one step now. A step that breaks the script rules at this point (see
  // check_script), or any step after finish(), is refused with kUsage and nothing runs. Failures of the server
  // are not errors here: they are in the verdict that finish() returns.
  Status run(const ScriptStep& step);

  // The script run so far, with its profile, oracle and target: print_script() of it
  // reproduces the run.
  const Script& script() const { return script_; }

  // Waits on every connection left open for the bytes the model says it is owed (then
  // the settle time more), closes it, and judges every connection. Call once.
  ScriptResult finish();

 private:
  struct Connection;
  Connection* find(const std::string& name);
  void pause_all(std::chrono::milliseconds duration);
  void end_connection(Connection& connection);

  Target target_;
  SessionOptions options_;
  std::chrono::milliseconds settle_;
  Script script_;
  std::unique_ptr<ScriptRules> rules_;
  std::vector<std::unique_ptr<Connection>> connections_;
  bool finished_ = false;
};

// Runs every step of `script` against `target` (the script's own target line is not
// used: the caller decides). kUsage when the script breaks check_script().
Result<ScriptResult> run_script(const Script& script, const Target& target, const SessionOptions& options = {});

// A session plan as a one-connection script named `connection`, for printing what a
// plan did: send steps as they are, pause and drain as pauses, close steps as
// half-close, close or reset. Expect steps count bytes rather than name them, so they
// are left out: the model of `profile` judges the replay.
Script script_from_plan(const Plan& plan, Profile profile, const std::string& connection = "a");

// One thing to replay and where it came from.
struct ReplayInput {
  std::string source;  // the file it was read from
  bool raw = false;    // raw bytes, made into a script by script_from_raw_bytes()
  Script script;
};

// A script file, a raw input file, or a folder of them (its regular files, not
// recursing, names starting with '.' skipped, sorted by name). A file is a script if
// it starts with "# linespec script"; anything else is raw bytes, sent as one chunk
// on one connection, half-closed, judged by the model of `raw_profile`. Errors are
// kUsage naming the path (missing, unreadable, an empty folder, a bad script with its
// line number).
Result<std::vector<ReplayInput>> load_replay_inputs(const std::string& path,
                                                    const Profile& raw_profile = *builtin_profile("seed"));

}  // namespace linespec::harness
