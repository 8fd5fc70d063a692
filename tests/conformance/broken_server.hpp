// A deliberately wrong seed-profile server that runs on threads of the test process,
// so conformance tests can show that the suite fails exactly the cases its bug
// breaks. Listens on 127.0.0.1 port 0; stops and joins its threads on destruction.
// Construct and destroy on one thread; the server's own threads do the rest.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace linespec::conformance::testing {

class BrokenServer {
 public:
  enum class Bug {
    kEachReadIsARecord,  // answers once per read() instead of once per record
    kNoGreeting,         // correct framing and replies, but never greets
  };

  explicit BrokenServer(Bug bug);
  ~BrokenServer();
  BrokenServer(const BrokenServer&) = delete;
  BrokenServer& operator=(const BrokenServer&) = delete;

  // "tcp:127.0.0.1:PORT"; empty if the server could not start.
  const std::string& target() const { return target_; }

 private:
  void accept_loop();
  void serve(int fd);

  Bug bug_;
  int listen_fd_ = -1;
  int stop_pipe_[2] = {-1, -1};  // readable once the server must stop
  std::string target_;
  std::thread acceptor_;
  std::mutex mutex_;
  std::vector<std::thread> connections_;
};

}  // namespace linespec::conformance::testing
