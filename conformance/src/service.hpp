// Whether the server serves a client: its greeting arrived, or (for a profile without
// one) the reply to a first record "x\n". Shared by the concurrency measurement,
// the verifiers and the probe. Called from the thread that owns the session.
#pragma once

#include <string>
#include <string_view>

#include "linespec/conformance/case_session.hpp"
#include "linespec/harness/session.hpp"
#include "linespec/protocol/profile.hpp"

namespace linespec::conformance {

// The record a client without a greeting sends to see whether it is served.
inline constexpr std::string_view kServiceProbe = "x\n";

// Waits (up to the session's inactivity timeout) for the server's first output to
// arrive in full: the greeting line, or the reply to kServiceProbe, which it sends
// first without waiting for the server to consume it (the server may not have
// accepted the connection yet). False when other bytes or none arrived.
bool await_service(harness::Session& session, const Profile& profile);
bool await_service(CaseSession& session, const Profile& profile);

// The bytes await_service() waits for.
std::string service_output(const Profile& profile);

}  // namespace linespec::conformance
