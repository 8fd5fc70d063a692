// Bytes as one line of readable text: a double-quoted C-like string ("ab\r\n\x00"),
// the form every linespec message, report and error uses for bytes that came from a
// peer or a file, so that no message ever spans lines; and words quoted for the
// replay commands linespec prints. Pure; any thread.
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

// `word` as one word of a POSIX shell command line: as it is when it holds only
// letters, digits and _-+=./:,@% (so tcp:127.0.0.1:4000 stays readable), else in
// single quotes with each ' written as '\''.
std::string shell_word(std::string_view word);

}  // namespace linespec
