// The reference per-connection state machine (Connection) driven in process and
// checked against the harness Model. The input chooses the profile, the memory
// limits and a sequence of events: a chunk from the client, the client reading
// some replies, half-close, the server finishing, the client vanishing. The
// replies must be the model's, the output backlog must stay within its documented
// bound, input must be taken whenever there is room, and a connection must close
// exactly when the protocol says.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "linespec/fuzz/fuzz_check.hpp"
#include "linespec/fuzz/fuzz_input.hpp"
#include "linespec/harness/model.hpp"
#include "linespec/reference/connection.hpp"

namespace {

using linespec::FinalFragment;
using linespec::Profile;
using linespec::ReplyKind;
using linespec::fuzz::show_bytes;
using linespec::reference::Connection;
using linespec::reference::ConnectionLimits;

class SessionRun {
 public:
  SessionRun(const Profile& profile, ConnectionLimits limits)
      : profile_(profile), limits_(limits), connection_(profile, limits), model_(profile) {}

  void open(bool refuse) {
    refused_ = refuse;
    if (refuse) {
      connection_.refuse();
    } else {
      connection_.on_open();
    }
    check_backlog(0);
    check_replies();
  }

  // A chunk from the client; what the server cannot take yet waits in pending_.
  void send(std::string_view chunk) {
    if (chunk.empty()) return;
    if (connection_.input_closed()) {
      const std::size_t backlog = connection_.output().size();
      FUZZ_CHECK(connection_.on_data(chunk) == chunk.size() && connection_.output().size() == backlog,
                 "input after the input side closed was not discarded");
      return;
    }
    pending_ += chunk;
    offer_pending();
  }

  // The client reads up to n reply bytes; the server then goes on with its input.
  void read(std::size_t n) {
    const std::string_view out = connection_.output();
    const std::size_t take = std::min(n, out.size());
    received_.append(out.data(), take);
    connection_.consume_output(take);
    offer_pending();
    check_replies();
  }

  // Reads until nothing is left to read and everything sent has been taken.
  void read_all() {
    do {
      read(connection_.output().size());
    } while (!connection_.output().empty() || (!pending_.empty() && !connection_.input_closed()));
  }

  // Client FIN: every byte sent must have been taken first.
  void half_close() {
    read_all();
    const bool was_open = !connection_.input_closed();
    connection_.on_eof();
    if (was_open) model_.end_of_stream();
    check_backlog(0);
    check_replies();
    read_all();
    FUZZ_CHECK(connection_.done(), "not done after end of stream and all replies read");
  }

  // The server stops serving (drain): replies owed still go out, nothing more is taken.
  void finish() {
    pending_.clear();
    connection_.finish();
    FUZZ_CHECK(connection_.input_closed() && !connection_.wants_read(), "finish() left input open");
    read_all();
    FUZZ_CHECK(connection_.done(), "not done after finish() and all replies read");
  }

  // End of input: the client stays connected and reads what it is owed.
  void stay_open() {
    read_all();
    FUZZ_CHECK(connection_.done() == connection_.input_closed(),
               "done() is " + std::to_string(connection_.done()) + " with all output read and input_closed() " +
                   std::to_string(connection_.input_closed()));
  }

 private:
  void offer_pending() {
    if (pending_.empty() || connection_.input_closed()) return;
    const bool room = connection_.wants_read();
    const std::size_t taken = connection_.on_data(pending_);
    FUZZ_CHECK(taken <= pending_.size(), "on_data() took more than offered");
    FUZZ_CHECK(room ? taken > 0 : taken == 0,
               std::string(room ? "took nothing although there was room"
                                : "took input although the backlog was at the high-water mark") +
                   ", backlog " + std::to_string(connection_.output().size()));
    model_.feed(std::string_view(pending_).substr(0, taken));
    check_failure();
    const std::size_t offered = pending_.size();
    pending_.erase(0, taken);
    if (taken > 0) check_backlog(offered);  // taking nothing leaves the backlog as it was
    check_replies();
  }

  // Only echo + drop holds fragments back, and only an over-long one fails.
  void check_failure() {
    const bool held_back = profile_.reply == ReplyKind::kEcho && profile_.final_fragment == FinalFragment::kDrop;
    const bool too_long = held_back && model_.fragment().size() > limits_.max_held_fragment;
    if (connection_.failed()) {
      FUZZ_CHECK(too_long, "failed() with a held fragment of " + std::to_string(model_.fragment().size()) +
                               " bytes, bound " + std::to_string(limits_.max_held_fragment));
    } else {
      FUZZ_CHECK(!too_long, "holds a fragment of " + std::to_string(model_.fragment().size()) +
                                " bytes, over the bound " + std::to_string(limits_.max_held_fragment));
    }
  }

  // `offered`: the size of the on_data() input just taken from (0 if none). Only
  // taking input (or opening, or EOF) grows the backlog, so checking then suffices.
  void check_backlog(std::size_t offered) {
    const std::size_t backlog = connection_.output().size();
    FUZZ_CHECK(connection_.wants_read() ==
                   (!connection_.input_closed() && backlog < limits_.output_high_water),
               "wants_read() is " + std::to_string(connection_.wants_read()) + " with backlog " +
                   std::to_string(backlog));
    // The backlog stays below the high-water mark plus one reply or one input.
    std::size_t unit = std::max({profile_.greeting_line().size(), profile_.ack_line().size(),
                                 profile_.refusal_marker.size() + 1, offered});
    if (profile_.reply == ReplyKind::kEcho) {
      unit = std::max(unit, profile_.max_record > 0 ? profile_.max_record : limits_.max_held_fragment + offered);
    }
    FUZZ_CHECK(backlog < limits_.output_high_water + unit,
               "backlog " + std::to_string(backlog) + " bytes, high-water " +
                   std::to_string(limits_.output_high_water) + ", largest unit " + std::to_string(unit));
  }

  // What the client has read, then the backlog, is what the server sent. It runs
  // after every event, so it compares in place, and sent_ keeps its buffer.
  void check_replies() {
    sent_.assign(received_);
    sent_ += connection_.output();
    if (refused_) {
      FUZZ_CHECK(sent_.size() == profile_.refusal_marker.size() + 1 &&
                     sent_.compare(0, profile_.refusal_marker.size(), profile_.refusal_marker) == 0 &&
                     sent_.back() == '\n',
                 "refusal sent " + show_bytes(sent_));
      return;
    }
    // Echo with answered final fragments may send a fragment's bytes before its
    // record ends (they are owed either way); everything else sends exactly what
    // the records so far are owed (Model::received_is_owed()).
    const bool early_bytes_allowed = profile_.reply == ReplyKind::kEcho &&
                                     profile_.final_fragment == FinalFragment::kAnswer &&
                                     !model_.must_close();
    FUZZ_CHECK(model_.received_is_owed(sent_),
               "server sent " + show_bytes(sent_) + "\n  model owes " + show_bytes(model_.output()) +
                   (early_bytes_allowed ? " + a prefix of " + show_bytes(model_.fragment()) : ""));
  }

  const Profile& profile_;
  ConnectionLimits limits_;
  Connection connection_;
  linespec::harness::Model model_;
  std::string received_;  // what the client has read
  std::string pending_;   // sent, not taken yet (back-pressure)
  std::string sent_;      // check_replies(): received_ + the backlog
  bool refused_ = false;
};

}  // namespace

// Layout (choices from the end): profile, output high-water mark (1..255, 0 =
// default), held-fragment bound (1..255, 0 = default), opening (255 = refuse),
// then events until the input is used up. Event byte e, n = (e >> 2) + 1:
//   e & 3 == 0: send n bytes;  1: send 4n bytes;  2: read 16n reply bytes;
//   3: by n % 4: 1 half-close, 2 server finish, 3 client vanishes, 0 read all.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider input(data, size);
  const Profile profile = linespec::fuzz::consume_profile(input);
  ConnectionLimits limits;
  limits.output_high_water = linespec::fuzz::consume_small_size(input, limits.output_high_water);
  limits.max_held_fragment = linespec::fuzz::consume_small_size(input, limits.max_held_fragment);
  SessionRun run(profile, limits);
  run.open(input.ConsumeIntegral<std::uint8_t>() == 255);
  while (input.remaining_bytes() > 0) {
    const std::uint8_t event = input.ConsumeIntegral<std::uint8_t>();
    const std::size_t n = (event >> 2) + 1;
    switch (event & 3) {
      case 0: run.send(input.ConsumeBytesAsString(n)); break;
      case 1: run.send(input.ConsumeBytesAsString(4 * n)); break;
      case 2: run.read(16 * n); break;
      default:
        switch (n % 4) {
          case 1: run.half_close(); break;
          case 2: run.finish(); break;
          case 3: return 0;  // the connection is dropped mid-conversation
          default: run.read_all(); break;
        }
    }
  }
  run.stay_open();
  return 0;
}
