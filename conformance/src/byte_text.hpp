// Bytes as report text, short enough to read: C-style quoted strings (the
// harness's escape_bytes), with runs of one byte and repeated lines folded into
// `"A" × 1023` and `"Information Received\n" × 5`. Pure functions, any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace linespec::conformance {

struct ByteText {
  std::string text;
  bool complete = true;  // false when the text stops short of the last byte
};

// At most about `max_chars` of text; beyond that, "...(N more bytes)".
ByteText describe_bytes(std::string_view bytes, std::size_t max_chars = 200);

// The bytes around `offset` (a first difference): the whole when it fits,
// else "(N bytes) " and the text from a little before `offset`.
std::string describe_bytes_near(std::string_view bytes, std::size_t offset);

}  // namespace linespec::conformance
