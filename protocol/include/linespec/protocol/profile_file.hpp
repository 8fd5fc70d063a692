// The profile file format: one "key = value" per line, '#' starts a comment, values
// may be double-quoted with C escapes (\n \r \t \\ \" \xHH). Every key is optional and
// starts from the seed profile (or from `base = NAME`); without `name`, the
// profile is named after its source. parse_profile() is pure;
// load_profile() reads a file or resolves a built-in name. Any thread.
//
//   # a server that answers "OK" to each LF-terminated line, at most 8 clients
//   base = lf
//   reply = ack
//   ack-text = OK
//   capacity = 8
#pragma once

#include <string>
#include <string_view>

#include "linespec/protocol/profile.hpp"
#include "linespec/protocol/result.hpp"

namespace linespec {

// Parses profile file text. `source` names the file in error messages
// ("prof.txt:3: unknown key 'colour'").
Result<Profile> parse_profile(std::string_view text, std::string_view source = "<profile>");

// Prints a profile as a file that parse_profile() reads back to an equal Profile.
std::string print_profile(const Profile& profile);

// A built-in name (seed, lf, echo, stream) or the path of a profile file.
Result<Profile> load_profile(std::string_view name_or_path);

}  // namespace linespec
