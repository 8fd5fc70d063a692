// FUZZ_CHECK(cond, message): the assertion of every fuzz target. A failed check
// prints where, the condition and the message on stderr and aborts, which libFuzzer
// reports as a crash and saves the input. Unlike assert() it stays on in release
// builds. Header only; any thread.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace linespec::fuzz {

[[noreturn]] inline void check_failed(const char* file, int line, const char* condition,
                                      const std::string& message) {
  std::fprintf(stderr, "%s:%d: FUZZ_CHECK(%s) failed: %s\n", file, line, condition, message.c_str());
  std::fflush(stderr);
  std::abort();
}

// Bytes as a C string literal for messages: "a\r\n\x00" (at most `limit` bytes shown).
inline std::string show_bytes(std::string_view bytes, std::size_t limit = 200) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (std::size_t i = 0; i < bytes.size() && i < limit; ++i) {
    auto c = static_cast<unsigned char>(bytes[i]);
    switch (c) {
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      default:
        if (c < 0x20 || c >= 0x7f) {
          out += "\\x";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
  if (bytes.size() > limit) out += "... (" + std::to_string(bytes.size()) + " bytes)";
  return out;
}

}  // namespace linespec::fuzz

// The message is only built when the check fails.
#define FUZZ_CHECK(cond, message)                                          \
  do {                                                                     \
    if (!(cond)) ::linespec::fuzz::check_failed(__FILE__, __LINE__, #cond, (message)); \
  } while (false)
