#include "service.hpp"

#include "linespec/harness/model.hpp"

namespace linespec::conformance {
namespace {

template <class AnySession>
bool await_output(AnySession& session, const Profile& profile) {
  if (!profile.greeting) session.send(kServiceProbe, /*wait_consumed=*/false);
  std::string wanted = service_output(profile);
  // What arrived decides, not how the session ended: a server that floods is
  // serving, though the session may have ended on the flood by now. A refusal
  // line is not service, even when it is longer than the greeting.
  session.expect(wanted.size());
  return std::string_view(session.received()).substr(0, wanted.size()) == wanted;
}

}  // namespace

std::string service_output(const Profile& profile) {
  if (profile.greeting) return profile.greeting_line();
  harness::Model model(profile);
  model.feed(kServiceProbe);
  return model.output();
}

bool await_service(harness::Session& session, const Profile& profile) { return await_output(session, profile); }

bool await_service(CaseSession& session, const Profile& profile) { return await_output(session, profile); }

}  // namespace linespec::conformance
