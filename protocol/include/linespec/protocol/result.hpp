// Result<T>: a value or an Error, the way every linespec library reports failure.
// Libraries never print or exit; they hand an Error (a kind and a one-line message
// that names the offending input) to their caller, and only main() turns it into
// output and an exit code. Plain value type: any thread, no shared state.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace linespec {

// What went wrong, coarse enough for main() to choose an exit code.
enum class ErrorKind {
  kUsage,        // bad flag, bad address, bad profile: the user's input (exit 2)
  kUnreachable,  // the target could not be reached or started (exit 3)
  kIo,           // a system call failed after the target was reached
  kProtocol,     // the peer broke the protocol
  kTimeout,      // the peer did not answer in time
};

struct Error {
  ErrorKind kind = ErrorKind::kUsage;
  std::string message;
};

inline Error usage_error(std::string message) { return {ErrorKind::kUsage, std::move(message)}; }

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & { assert(ok()); return std::get<0>(state_); }
  const T& value() const& { assert(ok()); return std::get<0>(state_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const { assert(!ok()); return std::get<1>(state_); }

 private:
  std::variant<T, Error> state_;
};

// Result<void>: success or an Error.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit by design

  bool ok() const noexcept { return ok_; }
  explicit operator bool() const noexcept { return ok_; }
  const Error& error() const { assert(!ok_); return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

}  // namespace linespec
