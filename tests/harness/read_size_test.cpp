// Exact delivery, seen from the server: with fixture-read-recorder logging each
// read() to a FIFO, a record sent in k chunks arrives in k reads over tcp, unix and
// pipes, and the client's half-close arrives as EOF while its reset arrives as a
// reset (over tcp: unix stream sockets have no RST, so an abortive close with nothing
// unread reaches the server as EOF; on pipes a reset kills the child, which then logs
// nothing).
#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <optional>

#include "linespec/harness/session.hpp"
#include "live_servers.hpp"

namespace linespec::harness::testing {
namespace {

using namespace std::chrono_literals;

// The read end of the fixture's --log FIFO, opened before the fixture starts so the
// fixture's open() does not block. A write end of our own stays open too, so that a
// pipes session's child coming and going never looks like end of file: next() then
// waits on poll() for the next line, never on a sleep.
class ReadLog {
 public:
  explicit ReadLog(std::string path) : path_(std::move(path)) {
    if (::mkfifo(path_.c_str(), 0600) != 0) ADD_FAILURE() << "mkfifo " << path_;
    read_fd_ = ::open(path_.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    keep_open_fd_ = ::open(path_.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  }
  ~ReadLog() {
    ::close(read_fd_);
    ::close(keep_open_fd_);
  }
  ReadLog(const ReadLog&) = delete;
  ReadLog& operator=(const ReadLog&) = delete;

  const std::string& path() const { return path_; }

  // The next line without "\n", or nothing after 5 s without one.
  std::optional<std::string> next() {
    for (;;) {
      if (auto nl = buffer_.find('\n'); nl != std::string::npos) {
        std::string line = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        return line;
      }
      pollfd readable{read_fd_, POLLIN, 0};
      if (::poll(&readable, 1, 5000) <= 0) return std::nullopt;
      char chunk[256];
      ssize_t n = ::read(read_fd_, chunk, sizeof chunk);
      if (n <= 0) {
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
        return std::nullopt;
      }
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }

 private:
  std::string path_;
  int read_fd_ = -1;
  int keep_open_fd_ = -1;
  std::string buffer_;
};

SessionOptions exact() {
  SessionOptions options;
  options.inactivity_timeout = 2000ms;
  options.delivery.kind = DeliveryKind::kExact;
  return options;
}

TEST(ReadSize, ARecordInKChunksArrivesInKReadsAndAHalfCloseAsEof) {
  const std::vector<std::string> chunks = {"SO", "M", "E DA", "T", "A\n"};
  for (Transport transport : kAllTransports) {
    SCOPED_TRACE(to_string(transport));
    ServerPool pool;
    ReadLog log(pool.dir() + "/log");
    auto session = Session::open(pool.fixture("read-recorder", transport, {"--log", log.path()}), exact());
    ASSERT_TRUE(session) << session.error().message;
    EXPECT_TRUE(session->expect(8));
    for (const auto& chunk : chunks) {
      EXPECT_TRUE(session->send(chunk));
      EXPECT_EQ(log.next(), "conn 1 read " + std::to_string(chunk.size())) << "chunk \"" << chunk << "\"";
    }
    EXPECT_TRUE(session->expect(8 + 21));  // one record, one reply
    session->close(CloseMode::kHalfClose);
    EXPECT_EQ(log.next(), "conn 1 eof");
    auto result = session->finish();
    EXPECT_EQ(result.ending, Ending::kPeerClosed) << result.transcript.to_string();
    EXPECT_EQ(result.received, "connect\nInformation Received\n");
  }
}

TEST(ReadSize, AResetArrivesAsAResetOverTcpAndAsEofOverUnix) {
  for (Transport transport : {Transport::kTcp, Transport::kUnix}) {
    SCOPED_TRACE(to_string(transport));
    const std::string ending = transport == Transport::kTcp ? "reset" : "eof";
    ServerPool pool;
    ReadLog log(pool.dir() + "/log");
    auto session = Session::open(pool.fixture("read-recorder", transport, {"--log", log.path()}), exact());
    ASSERT_TRUE(session) << session.error().message;
    EXPECT_TRUE(session->expect(8));
    EXPECT_TRUE(session->send("ab"));
    EXPECT_EQ(log.next(), "conn 1 read 2");
    session->close(CloseMode::kReset);
    EXPECT_EQ(log.next(), "conn 1 " + ending);
  }
}

}  // namespace
}  // namespace linespec::harness::testing
