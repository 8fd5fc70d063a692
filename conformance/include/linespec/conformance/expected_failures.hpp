// Known failures (`linespec run --expect FILE`): the case ids a server is known to
// fail, so CI can pass on them (XFAIL) while it still fails on new failures and
// reports listed cases that pass again (XPASS) so the list gets pruned. Parsing is a
// pure function; loading reads one file. Any thread.
//
//   # known failures of myserver 2.3
//   framing/4     CR is data for us (see issue 12)
//   eof/1
#pragma once

#include <set>
#include <string>
#include <string_view>

#include "linespec/conformance/case.hpp"
#include "linespec/protocol/result.hpp"

namespace linespec::conformance {

// One case id per line; '#' starts a comment; anything after the id is a note.
// Errors are kUsage naming the source and line: an id that `registry` does not
// have ("known.txt:3: unknown case 'framing/99'").
Result<std::set<std::string>> parse_expected_failures(std::string_view text, std::string_view source,
                                                      const Registry& registry);
// Reads and parses `path`. Errors: kUsage when it cannot be read or does not parse.
Result<std::set<std::string>> load_expected_failures(const std::string& path, const Registry& registry);

}  // namespace linespec::conformance
