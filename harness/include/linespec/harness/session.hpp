// A session is one connection running a plan: send chunks, pause, wait for replies,
// close in a chosen way. While it sends it also reads (non-blocking fds + poll), so a
// server that answers while applying back-pressure never deadlocks it; reading is
// bounded by an inactivity timeout, a hard cap on the whole session and a cap on the
// bytes received. Everything lands in a Transcript. A Session owns its Connection and
// Delivery; one thread at a time (several sessions may be interleaved by one thread).
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "linespec/harness/delivery.hpp"
#include "linespec/harness/target.hpp"
#include "linespec/harness/transcript.hpp"
#include "linespec/harness/transport.hpp"
#include "linespec/protocol/result.hpp"

namespace linespec::harness {

enum class CloseMode {
  kHalfClose,  // shutdown(SHUT_WR) / close the child's stdin, then read until EOF
  kFull,       // close both directions at once (replies still unread are lost)
  kReset,      // RST (SO_LINGER 0, then close) / SIGKILL the exec child
};

// One step of a plan. Build with the named constructors.
struct Step {
  enum class Kind { kSend, kPause, kExpect, kDrain, kClose };
  Kind kind = Kind::kPause;
  std::string bytes;                        // kSend: the chunk, written whole
  bool wait_consumed = true;                // kSend: wait until the server consumed it
  std::chrono::milliseconds duration{0};    // kPause: how long; kDrain: the quiet time
  std::size_t total_bytes = 0;              // kExpect: bytes received since connect
  CloseMode close_mode = CloseMode::kHalfClose;  // kClose

  // Write the chunk (reading meanwhile), then, unless `wait_consumed` is false, wait
  // until the delivery strategy says the server consumed it.
  static Step send(std::string bytes, bool wait_consumed = true);
  // Keep reading for a fixed time.
  static Step pause(std::chrono::milliseconds duration);
  // Read until `total_bytes` bytes have arrived since connect (greeting included).
  // Ends the session on inactivity, like every wait for the peer.
  static Step expect(std::size_t total_bytes);
  // Read until nothing arrives for `quiet`; silence here is not an ending.
  static Step drain(std::chrono::milliseconds quiet);
  static Step close(CloseMode mode);
};
using Plan = std::vector<Step>;

// Appends `bytes` to `plan` as send steps cut at `sizes` (what is left after the
// sizes is one last chunk; sizes of 0 are skipped).
void append_chunks(Plan& plan, std::string_view bytes, const std::vector<std::size_t>& sizes);

// How a session ended. The first ending observed wins; the plan stops there.
enum class Ending {
  kOpen,             // the plan ran out with the connection open (then fully closed)
  kClosedByHarness,  // the plan closed it (kFull or kReset)
  kPeerClosed,       // the peer closed: EOF (after a half-close this is the good end)
  kPeerReset,        // the peer reset the connection (or the exec child stopped reading)
  kInactivity,       // nothing moved in either direction for the inactivity timeout
  kHardCap,          // the session ran longer than its hard cap
  kFlooded,          // more than max_received bytes arrived; the session was cut off
  kError,            // connect or I/O failure, see SessionResult::error
};
std::string_view to_string(Ending ending);

struct SessionOptions {
  // Waits for the peer (expect, half-close, delivery) end the session when no byte
  // moved in either direction for this long.
  std::chrono::milliseconds inactivity_timeout{1000};
  // Bound on the whole session, connect included.
  std::chrono::milliseconds hard_cap{30000};
  // Bytes kept from the peer; one more ends the session as kFlooded.
  std::size_t max_received = 16u << 20;
  DeliveryOptions delivery;  // default kAuto: exact where the kernel can tell
  ConnectOptions connect;
};

struct SessionResult {
  Ending ending = Ending::kOpen;
  std::string received;  // every byte that arrived, up to max_received
  std::size_t sent_bytes = 0;
  std::string delivery;  // Delivery::name() of the strategy used
  Transcript transcript;
  std::string diagnostics;     // exec: the child's exit status and stderr tail
  std::optional<Error> error;  // with Ending::kError
  std::chrono::microseconds elapsed{0};
};

class Session {
 public:
  // Connects and starts the transcript. Errors from connect() (kUnreachable, kUsage)
  // or make_delivery() with DeliveryKind::kExact.
  static Result<Session> open(const Target& target, const SessionOptions& options = {});
  // Adopts an open connection; the session starts now.
  static Result<Session> adopt(std::unique_ptr<Connection> connection,
                               const SessionOptions& options = {});

  Session(Session&&) noexcept;
  Session& operator=(Session&&) noexcept;
  ~Session();  // fully closes the connection if still open

  // Each runs one step (see Step) and returns false once the session has ended
  // (ending()); after that they do nothing. close() always ends it.
  bool run(const Step& step);
  bool run(const Plan& plan);  // stops at the first ending
  bool send(std::string_view bytes, bool wait_consumed = true);
  bool pause(std::chrono::milliseconds duration);
  bool expect(std::size_t total_bytes);
  bool drain(std::chrono::milliseconds quiet);
  bool close(CloseMode mode);

  bool ended() const { return ending_.has_value(); }
  std::optional<Ending> ending() const { return ending_; }
  const std::string& received() const { return received_; }
  const Transcript& transcript() const { return transcript_; }
  // For what steps do not cover (e.g. the raw fd); bytes moved through it directly
  // bypass the transcript.
  Connection& connection() { return *connection_; }
  const std::string& delivery_name() const { return delivery_name_; }

  // Ends the session (a full close if still open, Ending::kOpen) and hands over
  // everything recorded. The Session is empty afterwards.
  SessionResult finish();

 private:
  // How a pump() call came back.
  enum class Wait { kDone, kEnded, kTimeUp };
  struct PumpGoal;

  Session(std::unique_ptr<Connection> connection, std::unique_ptr<Delivery> delivery,
          const SessionOptions& options, Transcript transcript);
  // The one I/O loop: writes *to_write (if any) while reading everything that
  // arrives, until the goal is met, the session ends, or time is up.
  Wait pump(const PumpGoal& goal, std::string_view* to_write = nullptr);
  void read_available();
  void end(Ending ending, TranscriptEvent::Kind kind, std::string note);
  bool wait_until_consumed();

  SessionOptions options_;
  std::unique_ptr<Connection> connection_;
  std::unique_ptr<Delivery> delivery_;
  std::string delivery_name_;
  Transcript transcript_;
  std::string received_;
  std::size_t sent_bytes_ = 0;
  bool write_closed_ = false;
  bool connection_closed_ = false;
  Clock::time_point last_activity_;
  std::optional<Ending> ending_;
  std::optional<Error> error_;
};

// Connects to `target`, runs `plan` and returns what happened. Connect failures come
// back as Ending::kError with `error` set (kind kUnreachable), never as a crash.
SessionResult run_session(const Target& target, const Plan& plan, const SessionOptions& options = {});

}  // namespace linespec::harness
