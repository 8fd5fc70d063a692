#include "probe_sessions.hpp"

#include <utility>

namespace linespec::conformance {
namespace {

harness::SessionOptions session_options(const ProbeOptions& options) {
  harness::SessionOptions session;
  session.inactivity_timeout = options.timeout;
  session.connect.timeout = options.timeout;
  return session;
}

}  // namespace

harness::SessionResult ProbeSessions::half_closed(std::string_view bytes) const {
  harness::Plan plan;
  if (!bytes.empty()) plan.push_back(harness::Step::send(std::string(bytes), false));
  plan.push_back(harness::Step::close(harness::CloseMode::kHalfClose));
  return harness::run_session(target_, plan, session_options(options_));
}

std::string ProbeSessions::until_quiet(std::string_view greeting, std::string_view bytes) const {
  auto session = open();
  if (!session) return {};
  if (!greeting.empty()) session->expect(greeting.size());
  session->send(bytes, false);
  session->drain(options_.quiet);
  return std::string(after_greeting(session->finish().received, greeting));
}

Result<harness::Session> ProbeSessions::open() const {
  return harness::Session::open(target_, session_options(options_));
}

std::string_view after_greeting(std::string_view bytes, std::string_view greeting) {
  if (bytes.substr(0, greeting.size()) == greeting) bytes.remove_prefix(greeting.size());
  return bytes;
}

std::optional<std::size_t> count_lines(std::string_view bytes, std::string_view line) {
  if (line.empty()) return std::nullopt;
  std::size_t count = 0;
  for (; !bytes.empty(); ++count) {
    if (bytes.substr(0, line.size()) != line) return std::nullopt;
    bytes.remove_prefix(line.size());
  }
  return count;
}

}  // namespace linespec::conformance
