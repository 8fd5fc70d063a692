#include "target_check.hpp"

#include <utility>

namespace linespec::live_fuzz {

namespace {

using harness::Session;

// Whether `second` gets served while another client is open: its greeting, or for a
// profile without one, a reply to an empty record.
bool served(Session& second, const Profile& profile) {
  const std::string greeting = profile.greeting_line();
  if (!greeting.empty()) {
    second.expect(greeting.size());
    return second.received().size() >= greeting.size();
  }
  second.send("\n", /*wait_consumed=*/false);
  second.expect(1);
  return !second.received().empty();
}

}  // namespace

Result<TargetCheck> check_target(const harness::Target& target, const Profile& profile, std::size_t max_connections,
                                 const harness::SessionOptions& options) {
  TargetCheck check;
  if (profile.concurrency == Concurrency::kSequential && max_connections > 1) {
    check.overlap = Overlap::kOneAtATime;
    check.note = "the profile says the server is sequential: connections run one at a time";
  }
  auto first = Session::open(target, options);
  if (!first) return first.error();
  const std::string greeting = profile.greeting_line();
  if (!greeting.empty()) first->expect(greeting.size());
  // Without its own greeting the first client says nothing about concurrency: the
  // fuzzer will report the missing greeting itself.
  const bool greeted = first->received().size() >= greeting.size();
  if (greeted && max_connections > 1 && profile.concurrency == Concurrency::kAny &&
      target.kind != harness::Target::Kind::kExec) {
    auto second = Session::open(target, options);
    if (second && !served(*second, profile)) {
      check.overlap = Overlap::kOneAtATime;
      check.note = "a second client was not served while the first was open: connections run one at a time";
    }
  }
  // A half-close makes the server close, which also shows an exec command that never
  // started (exit 127) when there was no greeting to wait for.
  first->close(harness::CloseMode::kHalfClose);
  harness::SessionResult result = first->finish();
  if (result.ending == harness::Ending::kError && result.error && result.error->kind == ErrorKind::kUnreachable) {
    return *result.error;
  }
  return check;
}

}  // namespace linespec::live_fuzz
