// Speed baseline for wire_fuzzer (fuzz-perf preset): the same input layout and the
// same descriptors, each chunk making the same round trip (client -> socketpair ->
// pipe -> client), with no server in between.
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "linespec/fuzz/fuzz_check.hpp"
#include "linespec/fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider input(data, size);
  linespec::fuzz::consume_profile(input);
  linespec::fuzz::consume_small_size(input, 0);
  input.ConsumeIntegral<std::uint8_t>();  // the ending
  const std::vector<std::string> chunks = linespec::fuzz::consume_chunks(input);

  int sockets[2];
  int pipe_fds[2];
  FUZZ_CHECK(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sockets) == 0, "socketpair");
  FUZZ_CHECK(::pipe2(pipe_fds, O_CLOEXEC) == 0, "pipe2");
  char buffer[linespec::fuzz::kMaxChunk];
  for (const std::string& chunk : chunks) {
    FUZZ_CHECK(::write(sockets[0], chunk.data(), chunk.size()) == static_cast<ssize_t>(chunk.size()), "write");
    ssize_t n = ::read(sockets[1], buffer, sizeof buffer);
    FUZZ_CHECK(n > 0 && ::write(pipe_fds[1], buffer, static_cast<std::size_t>(n)) == n, "relay");
    FUZZ_CHECK(::read(pipe_fds[0], buffer, sizeof buffer) == n, "read back");
  }
  for (int fd : {sockets[0], sockets[1], pipe_fds[0], pipe_fds[1]}) ::close(fd);
  return 0;
}
