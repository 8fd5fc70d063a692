// Before fuzzing: can the target be reached at all, and may its connections overlap?
// One or two short sessions on the calling thread.
#pragma once

#include <cstddef>
#include <string>

#include "linespec/harness/session.hpp"
#include "linespec/harness/target.hpp"
#include "linespec/live_fuzz/conversation.hpp"
#include "linespec/protocol/profile.hpp"
#include "linespec/protocol/result.hpp"

namespace linespec::live_fuzz {

struct TargetCheck {
  Overlap overlap = Overlap::kInterleaved;
  std::string note;  // why connections run one at a time, when they do
};

// Connects once (kUnreachable when that fails, naming the target). Connections run
// one at a time when the profile says `sequential`, or, for `any` with more than one
// connection, when a second client is not served while the first is open. Exec
// targets start a process per connection, so they always overlap.
Result<TargetCheck> check_target(const harness::Target& target, const Profile& profile, std::size_t max_connections,
                                 const harness::SessionOptions& options);

}  // namespace linespec::live_fuzz
