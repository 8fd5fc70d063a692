// The harness model and the reference server are written independently from the
// same rules; here each checks the other over every transport. Random conversations
// and random interleavings of connections go through the ScriptRunner (sessions,
// exact delivery) to a live linespec-server, and every connection must get what the
// model says. Each test prints how the chunks were delivered and the sessions/s.
// A failure prints rapidcheck's seed and the shrunk conversation as a script.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <chrono>
#include <cstdio>

#include "conversations.hpp"

namespace linespec::harness::testing {
namespace {

using namespace std::chrono_literals;

LiveOptions live_options(DeliveryTally& tally) {
  LiveOptions options;
  options.session.inactivity_timeout = 3000ms;
  options.session.hard_cap = 20s;
  options.tally = &tally;
  return options;
}

using Property = void (*)(const rc::Gen<Profile>&, const TargetFor&, const LiveOptions&);

// Runs `property` against the reference server over `transport`, then prints the
// delivery figures and asserts that every chunk went by the exact path.
void check_against_reference(Property property, Transport transport) {
  ServerPool pool;
  DeliveryTally tally;
  LiveOptions options = live_options(tally);
  auto start = std::chrono::steady_clock::now();
  rc::detail::checkGTest([&] {
    property(served_profile(), [&](const Profile& p) { return pool.reference(p, transport); }, options);
  });
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("[ figures  ] %s: %s; %.0f sessions/s\n", to_string(transport).c_str(), tally.summary().c_str(),
              static_cast<double>(tally.sessions) / seconds);
  if (tally.exact_chunks == 0 && transport != Transport::kPipes) {
    // A kernel without sock_diag (or a sandbox hiding it): every chunk fell back to a
    // pause, which the figures above show; nothing here can be exact.
    std::printf("[ figures  ] no exact delivery for %s sockets on this machine\n", to_string(transport).c_str());
    return;
  }
  // Where the kernel can tell, every chunk is delivered exactly: no fallback midway.
  EXPECT_EQ(tally.exact_chunks, tally.chunks) << tally.summary();
}

TEST(LiveProperty, ReferenceAnswersEveryConversationAsTheModelSaysOverTcp) {
  check_against_reference(random_conversation_property, Transport::kTcp);
}

TEST(LiveProperty, ReferenceAnswersEveryConversationAsTheModelSaysOverUnix) {
  check_against_reference(random_conversation_property, Transport::kUnix);
}

TEST(LiveProperty, ReferenceAnswersEveryConversationAsTheModelSaysOverPipes) {
  check_against_reference(random_conversation_property, Transport::kPipes);
}

TEST(LiveProperty, ReferenceAnswersInterleavedConnectionsAsTheModelSaysOverTcp) {
  check_against_reference(random_interleaving_property, Transport::kTcp);
}

TEST(LiveProperty, ReferenceAnswersInterleavedConnectionsAsTheModelSaysOverUnix) {
  check_against_reference(random_interleaving_property, Transport::kUnix);
}

TEST(LiveProperty, ReferenceAnswersInterleavedConnectionsAsTheModelSaysOverPipes) {
  check_against_reference(random_interleaving_property, Transport::kPipes);
}

}  // namespace
}  // namespace linespec::harness::testing
