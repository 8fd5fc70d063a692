// A tiny stream-echo server for the harness tests: `harness_tiny_server ADDRESS`
// listens on ADDRESS (port 0 allowed), prints `listening ADDRESS` and echoes every
// byte of every connection, one thread per connection, until killed.
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <thread>

#include "linespec/protocol/address.hpp"

namespace {

void echo(int fd) {
  char buffer[16384];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n <= 0) break;
    for (ssize_t done = 0; done < n;) {
      ssize_t w = ::send(fd, buffer + done, static_cast<std::size_t>(n - done), MSG_NOSIGNAL);
      if (w <= 0) {
        ::close(fd);
        return;
      }
      done += w;
    }
  }
  ::close(fd);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && std::strcmp(argv[1], "--help") == 0) {
    std::printf("usage: harness_tiny_server ADDRESS\nListens on ADDRESS (tcp:HOST:PORT or unix:PATH), prints "
                "'listening ADDRESS' and echoes every byte back.\n");
    return 0;
  }
  if (argc == 2 && std::strcmp(argv[1], "--version") == 0) {
    std::printf("harness_tiny_server %s\n", LINESPEC_VERSION);
    return 0;
  }
  if (argc != 2) {
    std::fprintf(stderr, "usage: harness_tiny_server ADDRESS\n");
    return 2;
  }
  auto address = linespec::parse_address(argv[1]);
  if (!address) {
    std::fprintf(stderr, "%s\n", address.error().message.c_str());
    return 2;
  }
  int fd = -1;
  if (address->kind == linespec::Address::Kind::kUnix) {
    fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::strncpy(sa.sun_path, address->path.c_str(), sizeof sa.sun_path - 1);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
      std::perror("bind");
      return 2;
    }
  } else {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
    addrinfo* ai = nullptr;
    std::string port = std::to_string(address->port);
    if (::getaddrinfo(address->host.c_str(), port.c_str(), &hints, &ai) != 0) {
      std::fprintf(stderr, "bad host %s\n", address->host.c_str());
      return 2;
    }
    fd = ::socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
      std::perror("bind");
      return 2;
    }
    ::freeaddrinfo(ai);
    sockaddr_storage bound{};
    socklen_t len = sizeof bound;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len);
    address->port = ntohs(bound.ss_family == AF_INET ? reinterpret_cast<sockaddr_in&>(bound).sin_port
                                                     : reinterpret_cast<sockaddr_in6&>(bound).sin6_port);
  }
  if (::listen(fd, 64) != 0) {
    std::perror("listen");
    return 2;
  }
  std::printf("listening %s\n", address->to_string().c_str());
  std::fflush(stdout);
  for (;;) {
    int client = ::accept4(fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (client >= 0) std::thread(echo, client).detach();
  }
}
