// LoadWorker: one load thread's share of the connections, with its own epoll. It opens them,
// reports to the RunControl that they are open, waits for the start, keeps `depth` records in
// flight on each until the window ends, then collects the replies still owed. Everything but
// the RunControl is owned by the worker and touched only by its thread until it has joined.
#pragma once

#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "linespec/bench/histogram.hpp"
#include "linespec/bench/load.hpp"
#include "record_stream.hpp"

namespace linespec::bench {

using Clock = std::chrono::steady_clock;

// What run_bench() and its workers share; the mutex guards everything but `failed`.
struct RunControl {
  std::mutex mutex;
  std::condition_variable changed;
  std::size_t workers_open = 0;  // workers whose connections are all open
  bool started = false;          // measure_from/measure_until are set
  bool aborted = false;
  Clock::time_point measure_from, measure_until;
  std::atomic<bool> failed{false};  // some worker failed: everyone stops
  std::optional<Error> first_error;

  void fail(Error error);
};

struct PeerAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;
};

class LoadWorker {
 public:
  LoadWorker(const BenchConfig& config, const RecordStream& stream, const PeerAddress& peer,
             std::vector<std::uint32_t> connection_ids, RunControl& control);
  ~LoadWorker();
  LoadWorker(const LoadWorker&) = delete;
  LoadWorker& operator=(const LoadWorker&) = delete;

  void run();  // the thread body; errors go to RunControl::fail

  // Read after the thread has joined.
  const LatencyHistogram& latency() const { return latency_; }
  std::uint64_t records() const { return records_; }
  std::uint64_t bytes_sent() const { return bytes_sent_; }
  std::uint64_t bytes_received() const { return bytes_received_; }

 private:
  enum class Stage : std::uint8_t { kNotStarted, kConnecting, kGreeting, kOpen };
  struct Connection {
    int fd = -1;
    std::uint32_t id = 0;  // run-wide number: messages and the request stream's variant
    Stage stage = Stage::kNotStarted;
    bool watching_out = false;
    std::size_t greeting_got = 0;
    std::string odd_greeting;  // what came instead of the greeting, kept until it can be judged
    std::uint64_t queued = 0;    // records queued; their bytes are the request stream
    std::uint64_t written = 0;   // request bytes written
    std::uint64_t received = 0;  // reply bytes received, all checked
    Clock::time_point last_progress;
  };

  bool open_all();
  bool greeting_failed(Connection& c, std::string_view seen, bool finished);
  bool start_connect(std::size_t index, Clock::time_point now);
  bool on_connected(std::size_t index, Clock::time_point now);
  bool read_greeting(std::size_t index, Clock::time_point now);
  bool wait_for_start();
  void traffic();
  bool serve(std::size_t index, std::uint32_t events, Clock::time_point now);
  bool take_replies(std::size_t index, std::string_view bytes, Clock::time_point now);
  bool flush(std::size_t index, Clock::time_point now);
  bool check_stalls(Clock::time_point now);
  bool owes(const Connection& c) const;
  void watch(std::size_t index, std::uint32_t events, int op);
  bool fail(ErrorKind kind, std::string message);
  std::string describe(const Connection& c) const;

  const BenchConfig& config_;
  const RecordStream& stream_;
  const PeerAddress& peer_;
  RunControl& control_;
  std::string greeting_;
  std::vector<Connection> connections_;
  std::vector<Clock::time_point> sent_at_;  // depth slots per connection: record r in slot r % depth
  int epoll_ = -1;
  bool sending_ = false;  // new records are queued as replies complete
  std::size_t opened_ = 0;  // connections past connect and greeting
  Clock::time_point measure_from_, measure_until_;
  std::vector<char> buffer_;

  LatencyHistogram latency_;
  std::uint64_t records_ = 0, bytes_sent_ = 0, bytes_received_ = 0;
};

}  // namespace linespec::bench
