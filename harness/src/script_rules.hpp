// The rules a script obeys (see check_script in script.hpp), applied one step at a
// time: by the parser (positions are lines), by check_script and by the ScriptRunner
// (positions are step numbers). Not installed. One thread at a time.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "linespec/harness/script.hpp"

namespace linespec::harness {

class ScriptRules {
 public:
  // Why `step` may not come next (a message without location), or nothing, in which
  // case the step is recorded. `position` names where it stands ("line 7", "step 7")
  // for later messages that point back at it.
  std::optional<std::string> admit(const ScriptStep& step, const std::string& position);
  bool knows(std::string_view name) const { return connections_.find(name) != connections_.end(); }

 private:
  enum class End { kNone, kHalfClosed, kClosed, kReset, kPeerClosed };
  struct Connection {
    End end = End::kNone;
    std::string opened_at;
    std::string ended_at;
    std::string prefix_at;  // where its expect-prefix stands, empty without one
  };

  std::map<std::string, Connection, std::less<>> connections_;
};

// A connection name: 1-64 of [A-Za-z0-9_-], and not a keyword (conn, pause, profile,
// set, target, oracle). Returns why not, or nothing.
std::optional<std::string> check_connection_name(std::string_view name);

}  // namespace linespec::harness
