// Bytes as one line of readable text: a double-quoted C-like string ("ab\r\n\x00"),
// the form every linespec message, report and error uses for bytes that came from a
// peer or a file, so that no message ever spans lines. Pure; any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace linespec {

// `"` + the bytes with \r \n \t \\ \" and \xHH for other control and non-ASCII
// bytes + `"`. Past `max_bytes` input bytes the rest is summarised as
// `...(N more bytes)`.
std::string escape_bytes(std::string_view bytes, std::size_t max_bytes = 256);

// `text` with its control bytes (below 0x20, and 0x7f) written as \r, \n, \t or
// \xHH and nothing else changed: for error messages that quote user input.
std::string one_line(std::string_view text);

}  // namespace linespec
