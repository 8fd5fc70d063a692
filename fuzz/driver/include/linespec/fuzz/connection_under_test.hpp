// The interface a user's own in-process connection handler implements so that the
// fuzz driver (driver.hpp) can feed it a conversation and check its replies against
// the model. The driver owns one instance per conversation and calls it from one
// thread; every call returns the bytes the handler sends in response.
#pragma once

#include <string>
#include <string_view>

namespace linespec::fuzz {

class ConnectionUnderTest {
 public:
  virtual ~ConnectionUnderTest() = default;

  // A client connected: the bytes sent before any input (the greeting, if any).
  virtual std::string on_open() = 0;
  // The client's next bytes, split as one read would split them: the bytes sent in
  // response (replies to records that ended, stream bytes, ...).
  virtual std::string on_data(std::string_view bytes) = 0;
  // The client half-closed (FIN): the last bytes sent before the handler closes.
  virtual std::string on_eof() = 0;
  // The client vanished (RST): nothing more is read or sent. Optional.
  virtual void on_reset() {}
  // True once the handler has closed the connection (after on_eof() it must be).
  virtual bool closed() const = 0;
};

}  // namespace linespec::fuzz
