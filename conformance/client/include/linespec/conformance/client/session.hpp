// One run of the client command against the server the kit plays. A ClientSession
// starts the client (listening first on a fresh loopback port or unix path, or
// wiring its stdin/stdout), accepts its one connection, and offers the kit's moves
// (send, serve, pause, close, reset, ...) that a case body strings together, while
// it keeps reading what the client sends, its stdout, and whether it exited. finish()
// waits for the client to end, kills it at the time bound, and returns a ClientRun.
// A session owns the child, the listener and the connection; one thread at a time.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "linespec/conformance/client/command.hpp"
#include "linespec/harness/delivery.hpp"
#include "linespec/harness/model.hpp"
#include "linespec/harness/process.hpp"
#include "linespec/harness/transport.hpp"
#include "linespec/protocol/profile.hpp"
#include "linespec/protocol/result.hpp"

namespace linespec::conformance {

class KitListener;  // the kit's listening socket (src/kit_connection.hpp)

inline constexpr std::chrono::milliseconds kDefaultClientTimeout{5000};

struct ClientSuiteConfig {
  ClientCommand command;
  Profile profile;
  // The --profile argument as typed (a built-in name or a file), for replay commands.
  std::string profile_source = "seed";
  // T in CLIENT-SPEC.md: a client gives up on a silent server within T, tolerates
  // pauses of T/10, and is killed T/2 after T.
  std::chrono::milliseconds timeout = kDefaultClientTimeout;
};

// The limits CLIENT-SPEC.md derives from T.
std::chrono::milliseconds kill_bound(std::chrono::milliseconds timeout);    // 1.5 T after the start
std::chrono::milliseconds slow_pause(std::chrono::milliseconds timeout);    // T / 10
std::chrono::milliseconds quiet_period(std::chrono::milliseconds timeout);  // T / 20, within [20, 100] ms

// Replies owed to the client: their bytes and how many records they answer.
struct OwedReplies {
  std::string bytes;
  std::size_t records = 0;
};

// How serve() answers.
struct ServeStyle {
  // 0: the replies owed at one moment go out in one write. N: in writes of N bytes,
  // each consumed by the client before the next (exact delivery).
  std::size_t write_size = 0;
  // Hold replies until the client has sent nothing for the quiet period, so that
  // the replies to records sent together go out together.
  bool coalesce = false;
  // 1: one reply per write, each consumed by the client before the next goes out;
  // 0: every reply owed at one moment together.
  std::size_t records_per_write = 0;
  // A pause before each answer (the slow server).
  std::chrono::milliseconds delay{0};
  // What to send instead of the owed replies (a wrong reply, an extra one); empty:
  // the replies themselves. `transform_note` says what it does, for reports.
  std::function<std::string(const OwedReplies&)> transform;
  std::string transform_note;
  // After the client's half-close and the last reply: wait this long before closing
  // and note whether the client ended first (it should wait for the server's close).
  std::chrono::milliseconds linger{0};

  std::string describe() const;  // "each reply at once", "replies in 7-byte writes", ...
};

// What one client run showed.
struct ClientRun {
  ClientTransport transport = ClientTransport::kTcp;
  bool connected = false;       // the client connected (stdio: always)
  std::string sent;             // every byte the client sent
  std::size_t records = 0;      // complete records in `sent`, as the profile frames them
  bool stream = false;          // stream replies: bytes echoed, no records
  std::string final_fragment;   // unterminated bytes the client left at its half-close or end
  std::optional<std::size_t> sent_before_greeting;  // bytes that arrived before the greeting was complete
  bool half_closed = false;     // the client ended its sending direction while it was running
  bool reset = false;           // the client reset the connection
  std::optional<bool> waited_for_close;  // serve() with linger: the client outlived the kit's close
  std::optional<harness::ExitStatus> exit;
  bool killed = false;          // still running at the bound: killed (exit is the signal)
  std::chrono::milliseconds ran_for{0};  // from the start until it ended or was killed
  std::string output;           // its stdout (not for stdio)
  std::string error_tail;       // the end of its stderr
  std::string kit_story;        // what the kit did, for reports
  std::size_t most_records_per_answer = 0;  // serve(): the most records one answer covered
};

class ClientSession {
 public:
  // Starts the client and waits for its connection (stdio: connected at once). A
  // command that cannot start leaves a session whose moves do nothing; unrunnable()
  // then says why.
  explicit ClientSession(const ClientSuiteConfig& config);
  ~ClientSession();
  ClientSession(const ClientSession&) = delete;
  ClientSession& operator=(const ClientSession&) = delete;

  const Profile& profile() const { return config_.profile; }
  std::chrono::milliseconds timeout() const { return config_.timeout; }
  // Complete records the client has sent so far.
  std::size_t records() const;
  // Replies are owed that the kit has not taken yet (take_owed()).
  bool owes_replies() const { return owed_records() > 0 || owed_stream_bytes() > 0; }

  // The kit's moves. Each returns false when it could not complete because the
  // client went away, ended, or the bound passed.
  //
  // Writes `bytes` cut at `sizes` (the rest is one last write); with several writes,
  // each is consumed by the client before the next goes out.
  bool send(std::string_view bytes, const std::vector<std::size_t>& sizes = {});
  // The profile's greeting line, like send(); notes how many bytes the client had
  // sent before the greeting was complete.
  bool send_greeting(const std::vector<std::size_t>& sizes = {});
  // Writes `byte` again and again without a newline, up to `limit` bytes in all.
  // True when all `limit` bytes were written (the client kept reading).
  bool flood(char byte, std::size_t limit);
  // Waits `duration`, still reading what the client sends.
  void pause(std::chrono::milliseconds duration);
  // Waits until a reply is owed; false once the client half-closed with nothing owed
  // or ended.
  bool await_owed();
  // Waits until the client has sent nothing for `quiet` (or ended).
  void await_quiet(std::chrono::milliseconds quiet);
  // The replies owed so far, at most `max_records` of them, now counted as answered
  // (the caller sends them, or something else in their place).
  OwedReplies take_owed(std::size_t max_records = std::numeric_limits<std::size_t>::max());
  // Sends `owed` as serve() would with `write_size`.
  bool answer(const OwedReplies& owed, std::size_t write_size = 0);
  // The correct server after the greeting: answers every record in `style`; after
  // the client's half-close answers what is pending (the final fragment per profile)
  // and closes. Returns when it closed, or the client ended or never half-closed.
  void serve(const ServeStyle& style = {});
  void half_close();  // FIN (stdio: closes the client's stdin); keeps reading
  void close();       // both directions
  void reset();       // RST (stdio: closes both pipes)

  // Waits for the client to end on its own, kills it at the bound, and returns
  // everything the run showed. Call once, after the last move.
  ClientRun finish();
  // After finish(): set when the command could not be run at all (it could not
  // start, or the shell said exit 126/127 before it ever connected), kind kUnreachable;
  // or the kit could not listen (kIo).
  const std::optional<Error>& unrunnable() const { return unrunnable_; }

 private:
  using Clock = std::chrono::steady_clock;

  void start();
  void await_connection();
  // One poll round until `until` (never past the bound): accepts, reads the client's
  // bytes and stdout, notices its exit; kills it at the bound.
  void pump(Clock::time_point until, bool want_write);
  void accept_connection();
  void read_client();
  void read_output();
  void notice_exit();
  void await_exit(std::chrono::milliseconds at_most);
  void kill_client();
  bool write_bytes(std::string_view bytes);
  bool await_consumed();
  bool can_write() const;
  std::size_t owed_records() const;
  std::size_t owed_stream_bytes() const;
  void tell(std::string step);

  const ClientSuiteConfig& config_;
  Clock::time_point started_;
  Clock::time_point bound_;
  std::string temp_dir_;  // unix: holds the socket; removed when the session ends
  std::string line_;      // the shell line with placeholders replaced
  std::optional<harness::ChildProcess> child_;
  int pidfd_ = -1;
  std::unique_ptr<KitListener> listener_;
  // Declared after child_: a StdioConnection borrows it and must go first.
  std::unique_ptr<harness::Connection> connection_;
  std::unique_ptr<harness::Delivery> delivery_;
  std::string delivery_name_;
  harness::Model model_;
  std::string client_bytes_;
  std::string fragment_at_end_;
  std::size_t answered_records_ = 0;
  std::size_t answered_stream_bytes_ = 0;
  std::size_t most_records_per_answer_ = 0;
  std::size_t kit_bytes_ = 0;
  Clock::time_point last_client_bytes_at_;
  std::optional<std::size_t> sent_before_greeting_;
  std::optional<bool> waited_for_close_;
  bool ever_connected_ = false;
  bool client_eof_ = false;       // no more bytes will come from the client
  bool client_half_closed_ = false;
  bool client_reset_ = false;
  bool write_failed_ = false;     // the client stopped reading (EPIPE, RST)
  bool kit_write_closed_ = false;
  bool killed_ = false;
  std::optional<harness::ExitStatus> exit_;
  Clock::time_point ended_at_;
  std::string output_;
  std::vector<std::string> story_;
  std::optional<Error> unrunnable_;
  bool finished_ = false;
};

}  // namespace linespec::conformance
