// The live properties, as functions so that tests can run them against any server:
// random conversations (records, chunking, endings) on one connection, and random
// interleavings of several connections as an rc::state command sequence. Both run
// through the ScriptRunner and, on failure, fail the case with the conversation as a
// script (with the model's answer written in) and the report of the run.
// Call them inside a rapidcheck property; one thread at a time.
#pragma once

#include <functional>
#include <ostream>

#include <rapidcheck.h>

#include "linespec/harness/replay.hpp"
#include "live_servers.hpp"

// How rapidcheck shows these values in a counterexample.
namespace linespec {
void showValue(const Profile& profile, std::ostream& os);
namespace harness {
void showValue(ScriptStep::Kind kind, std::ostream& os);
}  // namespace harness
}  // namespace linespec

namespace linespec::harness::testing {

// Profiles the reference server is started with: every knob that changes framing
// or replies, record limits small enough to be hit.
rc::Gen<Profile> served_profile();

// Where a case runs: the target serving `profile`.
using TargetFor = std::function<Target(const Profile&)>;

struct LiveOptions {
  SessionOptions session;
  // How long connections left open keep reading at the end of a case (a replay uses
  // kSettleTime; thousands of cases trade some sensitivity for speed).
  std::chrono::milliseconds settle{2};
  DeliveryTally* tally = nullptr;  // counts how chunks were delivered, when set
};

// One connection: random records sent in random chunks, then a random ending
// (half-close, stay open, close, reset); the model is the oracle.
void random_conversation_property(const rc::Gen<Profile>& profiles, const TargetFor& target_for,
                                  const LiveOptions& options);

// Up to four connections opened, written to, half-closed, closed and reset in a
// random interleaving (rc::state); each is judged against the model.
void random_interleaving_property(const rc::Gen<Profile>& profiles, const TargetFor& target_for,
                                  const LiveOptions& options);

// The text between the "# linespec script" line and the "# end of script" line of a
// failure message, as printed by the properties above; empty when there is none.
std::string script_in_message(const std::string& message);

}  // namespace linespec::harness::testing
