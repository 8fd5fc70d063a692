// The real reference server event loop in this process: a Server in stdio mode
// (one worker, on the calling thread) reads from a socketpair and writes its
// replies into a pipe. The client side runs inside the server's own epoll_wait,
// through the syscall seam: whenever the server has nothing left to do, the client
// reads the replies, checks that everything owed so far has arrived (the harness
// Model says what is owed), and takes its next step: write the next chunk, or end
// the conversation the way the input chose. Single-threaded and deterministic.
// After each input every descriptor is closed again (checked with one poll() over
// the descriptor numbers the run can have used).
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bitset>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "linespec/fuzz/fuzz_check.hpp"
#include "linespec/fuzz/fuzz_input.hpp"
#include "linespec/fuzz/keep_heap.hpp"
#include "linespec/harness/model.hpp"
#include "linespec/reference/server.hpp"

namespace {

using linespec::FinalFragment;
using linespec::Profile;
using linespec::ReplyKind;
using linespec::fuzz::show_bytes;
using linespec::harness::Model;
using linespec::reference::Server;

// How the client ends the conversation after its last chunk.
enum class Ending {
  kHalfClose,   // FIN: every record answered, the final fragment per profile, then close
  kServerStop,  // the server drains (Server::stop()); the client closes once it sees EOF
  kCloseBoth,   // the client closes its socket but still reads the replies
  kVanish,      // the client closes both its socket and the reply pipe
};

// Which descriptors are open, as a set that compares before and after a run. A
// run holds a handful of descriptors at a time (socketpair, pipe, the server's
// epoll and eventfd) and the kernel hands out the lowest free numbers, so while a
// quarter of the first kWindow numbers is free, every descriptor a run opens lies
// in the window and one poll() over it sees a leak. Otherwise (a process with
// many descriptors) it also counts the entries of /proc/self/fd.
class OpenDescriptors {
 public:
  static constexpr int kWindow = 64;

  OpenDescriptors() {
    pollfd fds[kWindow];
    for (int fd = 0; fd < kWindow; ++fd) fds[fd] = pollfd{fd, 0, 0};
    FUZZ_CHECK(::poll(fds, kWindow, 0) >= 0, std::string("poll: ") + std::strerror(errno));
    for (int fd = 0; fd < kWindow; ++fd) in_window_[static_cast<std::size_t>(fd)] = (fds[fd].revents & POLLNVAL) == 0;
    window_holds_all_ = in_window_.size() - in_window_.count() >= in_window_.size() / 4;
    if (!window_holds_all_) beyond_ = count_in_proc();
  }

  bool operator==(const OpenDescriptors& other) const {
    return in_window_ == other.in_window_ && beyond_ == other.beyond_;
  }
  std::string describe() const {
    std::string out;
    for (std::size_t fd = 0; fd < in_window_.size(); ++fd) {
      if (in_window_[fd]) out += (out.empty() ? "" : " ") + std::to_string(fd);
    }
    return "{" + out + "}" + (window_holds_all_ ? "" : ", " + std::to_string(beyond_) + " in /proc/self/fd");
  }

 private:
  static std::size_t count_in_proc() {
    std::size_t n = 0;
    if (DIR* dir = ::opendir("/proc/self/fd")) {
      while (const dirent* entry = ::readdir(dir)) n += entry->d_name[0] != '.' ? 1 : 0;
      ::closedir(dir);
    }
    return n;
  }

  std::bitset<kWindow> in_window_;
  bool window_holds_all_ = false;
  std::size_t beyond_ = 0;  // /proc/self/fd entries, when the window may not hold every descriptor
};

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

class WireClient {
 public:
  WireClient(const Profile& profile, const std::vector<std::string>& chunks, Ending ending, int to_server,
             int from_server, std::size_t pipe_capacity)
      : model_(profile), chunks_(chunks), ending_(ending), to_server_(to_server),
        from_server_(from_server), pipe_capacity_(pipe_capacity) {}
  ~WireClient() {
    close_fd(to_server_);
    close_fd(from_server_);
  }
  WireClient(const WireClient&) = delete;
  WireClient& operator=(const WireClient&) = delete;

  void serve_with(Server* server) { server_ = server; }

  // The server's epoll_wait. With work to do (timeout 0) it only polls; before it
  // would block, the client runs until something is ready for the server.
  int epoll_wait(int epoll_fd, epoll_event* events, int max_events, int timeout_ms) {
    for (;;) {
      int n = ::epoll_wait(epoll_fd, events, max_events, 0);
      if (n != 0 || timeout_ms == 0) return n;
      // A full pipe may have stopped the server's writes: with room again, it goes on.
      // (A pipe can be full below its capacity, with pages part used, but never
      // below a quarter of it.)
      if (read_replies() >= pipe_capacity_ / 4) continue;
      if (!ended_ || ending_ == Ending::kServerStop) check_owed();
      FUZZ_CHECK(step(), "the server waits forever after the client ended (" + describe() + ")");
    }
  }

  // After Server::run() returned: the session must have ended only after the
  // client ended it, and the replies must be complete.
  void check_after_run() {
    FUZZ_CHECK(ended_, "the server closed the session before the client ended it (" + describe() + ")");
    if (from_server_ >= 0) {
      read_replies();
      FUZZ_CHECK(replies_closed_, "Server::run() returned with the reply pipe still open");
    }
    switch (ending_) {
      case Ending::kHalfClose:
        // After end_of_stream() nothing beyond output() is owed: exactly output().
        FUZZ_CHECK(model_.received_is_owed(received_), "after half-close got " + show_bytes(received_) +
                                                           "\n  model owes " + show_bytes(model_.output()));
        break;
      case Ending::kServerStop:
        check_owed();
        break;
      case Ending::kCloseBoth: {
        Model closed = model_;
        closed.end_of_stream();
        FUZZ_CHECK(closed.expectation(linespec::harness::ClientEnd::kFullClose).matches(received_),
                   "after close got " + show_bytes(received_) + "\n  not a prefix of " +
                       show_bytes(closed.output()));
        break;
      }
      case Ending::kVanish:
        break;
    }
  }

 private:
  // Reads what the pipe holds without blocking; returns how many bytes came. The
  // server does not run meanwhile, so a short read has emptied the pipe; until the
  // client has ended, that is enough (the server has no reason to close before),
  // afterwards it reads on to see the end of file.
  std::size_t read_replies() {
    std::size_t got = 0;
    char buffer[16384];
    while (from_server_ >= 0 && !replies_closed_) {
      ssize_t n = ::read(from_server_, buffer, sizeof buffer);
      if (n > 0) {
        received_.append(buffer, static_cast<std::size_t>(n));
        got += static_cast<std::size_t>(n);
        if (static_cast<std::size_t>(n) < sizeof buffer && !ended_) break;
      } else if (n == 0) {
        replies_closed_ = true;
      } else if (errno != EINTR) {
        FUZZ_CHECK(errno == EAGAIN, std::string("reading the reply pipe: ") + std::strerror(errno));
        break;
      }
    }
    return got;
  }

  // The server is idle: everything owed for the bytes sent so far has arrived.
  // Echo with answered final fragments may already have sent bytes of the fragment.
  // (Model::received_is_owed() compares in place: this runs whenever the server idles.)
  void check_owed() {
    const bool early_bytes_allowed = model_.profile().reply == ReplyKind::kEcho &&
                                     model_.profile().final_fragment == FinalFragment::kAnswer &&
                                     !model_.must_close();
    FUZZ_CHECK(model_.received_is_owed(received_),
               "idle server sent " + show_bytes(received_) + "\n  model owes " + show_bytes(model_.output()) +
                   (early_bytes_allowed ? " + a prefix of " + show_bytes(model_.fragment()) : "") + " (" +
                   describe() + ")");
  }

  // The client's next action; false once it has nothing left to do.
  bool step() {
    if (next_chunk_ < chunks_.size()) {
      write_chunk();
      return true;
    }
    if (!ended_) {
      end();
      return true;
    }
    // kServerStop: the server has shut its side; now the client closes too.
    if (ending_ == Ending::kServerStop && replies_closed_ && to_server_ >= 0) {
      close_fd(to_server_);
      return true;
    }
    return false;
  }

  void write_chunk() {
    const std::string& chunk = chunks_[next_chunk_];
    ssize_t n = ::write(to_server_, chunk.data() + chunk_offset_, chunk.size() - chunk_offset_);
    // The server is idle, so it reads whatever arrives: a full socket means it stopped.
    FUZZ_CHECK(n > 0, std::string("writing to the idle server: ") + (n < 0 ? std::strerror(errno) : "nothing"));
    model_.feed(std::string_view(chunk).substr(chunk_offset_, static_cast<std::size_t>(n)));
    chunk_offset_ += static_cast<std::size_t>(n);
    if (chunk_offset_ == chunk.size()) {
      ++next_chunk_;
      chunk_offset_ = 0;
    }
  }

  void end() {
    ended_ = true;
    switch (ending_) {
      case Ending::kHalfClose:
        ::shutdown(to_server_, SHUT_WR);
        model_.end_of_stream();
        break;
      case Ending::kServerStop:
        server_->stop();
        break;
      case Ending::kCloseBoth:
        close_fd(to_server_);
        break;
      case Ending::kVanish:
        close_fd(to_server_);
        close_fd(from_server_);
        break;
    }
  }

  std::string describe() const {
    static constexpr const char* kEndings[] = {"half-close", "server stop", "close", "vanish"};
    return "chunk " + std::to_string(next_chunk_) + " of " + std::to_string(chunks_.size()) +
           ", ending " + kEndings[static_cast<int>(ending_)] + (ended_ ? " done" : " not yet");
  }

  Model model_;
  const std::vector<std::string>& chunks_;  // the input's, outlives the client
  std::size_t next_chunk_ = 0;
  std::size_t chunk_offset_ = 0;
  Ending ending_;
  bool ended_ = false;
  int to_server_;
  int from_server_;
  std::size_t pipe_capacity_;
  std::string received_;
  bool replies_closed_ = false;
  Server* server_ = nullptr;
};

// The client of the input being run: set only while Server::run() runs on it.
WireClient* active_client = nullptr;

int client_epoll_wait(int epoll_fd, epoll_event* events, int max_events, int timeout_ms) {
  return active_client->epoll_wait(epoll_fd, events, max_events, timeout_ms);
}

const linespec::reference::SyscallTable& seam() {
  static const linespec::reference::SyscallTable table = [] {
    linespec::reference::SyscallTable t = linespec::reference::system_calls();
    t.epoll_wait = &client_epoll_wait;
    return t;
  }();
  return table;
}

void run_wire(const Profile& profile, std::size_t high_water, Ending ending, const std::vector<std::string>& chunks) {
  int sockets[2];
  // Both ends non-blocking: the client never waits, and the server finds its end so.
  FUZZ_CHECK(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sockets) == 0,
             std::string("socketpair: ") + std::strerror(errno));
  int pipe_fds[2];
  FUZZ_CHECK(::pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) == 0, std::string("pipe2: ") + std::strerror(errno));
  // One page: the replies to a single chunk can fill it, so the server meets EAGAIN
  // on its writes and must go on once the client has read.
  const int capacity = ::fcntl(pipe_fds[1], F_SETPIPE_SZ, 4096);

  WireClient client(profile, chunks, ending, sockets[0], pipe_fds[0],
                    static_cast<std::size_t>(capacity > 0 ? capacity : 4096));
  linespec::reference::ServerConfig config;
  config.stdio = true;
  config.stdio_in = sockets[1];  // the server owns its ends from here on
  config.stdio_out = pipe_fds[1];
  config.profile = profile;
  config.idle_timeout = std::chrono::milliseconds(0);
  config.drain_timeout = std::chrono::hours(1);  // the client, not a clock, ends every wait
  config.linger = std::chrono::hours(1);
  config.limits.output_high_water = high_water;
  config.syscalls = &seam();
  Server server(std::move(config));
  client.serve_with(&server);
  const linespec::Status started = server.start();
  FUZZ_CHECK(started.ok(), "start(): " + (started.ok() ? std::string() : started.error().message));
  active_client = &client;
  const linespec::Status ran = server.run();
  active_client = nullptr;
  FUZZ_CHECK(ran.ok(), "run(): " + (ran.ok() ? std::string() : ran.error().message));
  client.check_after_run();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // The server writes replies into a pipe the client may have closed (kVanish).
  std::signal(SIGPIPE, SIG_IGN);
  linespec::fuzz::keep_freed_memory();
  return 0;
}

// Layout (choices from the end): profile, output high-water mark (1..255, 0 =
// default), ending (half-close, server stop, close, vanish), then the chunks.
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider input(data, size);
  const Profile profile = linespec::fuzz::consume_profile(input);
  const std::size_t high_water =
      linespec::fuzz::consume_small_size(input, linespec::reference::ConnectionLimits{}.output_high_water);
  const Ending ending =
      input.PickValueInArray({Ending::kHalfClose, Ending::kServerStop, Ending::kCloseBoth, Ending::kVanish});
  const std::vector<std::string> chunks = linespec::fuzz::consume_chunks(input);

  // Nothing opens descriptors between inputs, so what was open after the last input
  // is what is open before this one: one poll() per input. Should something else
  // have opened or closed one meanwhile, the input runs again between two fresh
  // looks before it is blamed (it is deterministic: a real leak repeats).
  static OpenDescriptors last_seen;
  run_wire(profile, high_water, ending, chunks);
  OpenDescriptors after;
  if (!(after == last_seen)) {
    const OpenDescriptors before;
    run_wire(profile, high_water, ending, chunks);
    after = OpenDescriptors();
    FUZZ_CHECK(after == before, "descriptors open before: " + before.describe() + ", after: " + after.describe());
  }
  last_seen = after;
  return 0;
}
