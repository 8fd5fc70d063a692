// The live properties catch a broken server, and what they print reproduces it.
// fixture-each-read-is-a-record answers once per read() instead of once per record.
// Each property runs in process with a fixed seed (rapidcheck's RC_PARAMS is read
// once per process, so the seed goes in as TestParams); it must fail, its message
// must carry the shrunk conversation as a script, and that script, replayed with
// run_script() (and by the harness-replay driver), must fail against the fixture
// again and pass against the reference server.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <fstream>
#include <sstream>

#include "conversations.hpp"
#include "linespec/harness/process.hpp"

namespace linespec::harness::testing {
namespace {

using namespace std::chrono_literals;
using Property = void (*)(const rc::Gen<Profile>&, const TargetFor&, const LiveOptions&);

constexpr std::uint64_t kSeed = 20240611;

// Keeps these expected failures out of rapidcheck's end-of-run list of properties to
// reproduce: they are the point of the test, not failures of the binary.
class QuietListener final : public rc::detail::TestListener {
 public:
  void onTestCaseFinished(const rc::detail::CaseDescription&) override {}
  void onShrinkTried(const rc::detail::CaseDescription&, bool) override {}
  void onTestFinished(const rc::detail::TestMetadata&, const rc::detail::TestResult&) override {}
};

// Runs `property` with kSeed against `target_for`; returns rapidcheck's failure
// message, or nothing when the property held.
std::optional<std::string> failure_of(Property property, const TargetFor& target_for) {
  LiveOptions options;
  options.session.inactivity_timeout = 300ms;  // a broken server may owe replies forever
  rc::detail::TestParams params;
  params.seed = kSeed;
  params.maxSuccess = 100;
  rc::detail::TestMetadata metadata;
  metadata.id = metadata.description = "fixture";
  auto seed_only = rc::gen::just(*builtin_profile("seed"));
  QuietListener listener;
  auto result = rc::detail::checkProperty(
      rc::detail::toProperty([&] { property(seed_only, target_for, options); }), metadata, params, listener);
  if (result.template is<rc::detail::SuccessResult>()) return std::nullopt;
  std::ostringstream message;
  rc::detail::printResultMessage(result, message);
  return "seed=" + std::to_string(kSeed) + "\n" + message.str();
}

// harness-replay FILE --target TARGET: its exit code.
int replay_driver_exit(const std::string& file, const Target& target) {
  auto child = ChildProcess::start(
      Command::program({HARNESS_REPLAY, "--timeout", "300", "--target", target.to_string(), file}),
      ProcessOptions{StreamMode::kNull, StreamMode::kNull, StreamMode::kNull, true});
  if (!child) return -1;
  auto status = child->wait(30s);
  return status && status->kind == ExitStatus::Kind::kExited ? status->code : -1;
}

void expect_caught_and_reproduced(Property property, Transport transport) {
  ServerPool pool;
  Target fixture = pool.fixture("each-read-is-a-record", transport);
  Target reference = pool.reference(*builtin_profile("seed"), transport);
  Target correct = pool.fixture("correct", transport);

  auto failure = failure_of(property, [&](const Profile&) { return fixture; });
  ASSERT_TRUE(failure.has_value()) << "the property missed the bug";
  std::printf("%s\n", failure->c_str());  // what a person sees: seed, shrunk script, report
  std::string text = script_in_message(*failure);
  ASSERT_FALSE(text.empty()) << *failure;
  auto script = parse_script(text, "printed");
  ASSERT_TRUE(script) << script.error().message << "\n" << text;

  SessionOptions options;
  options.inactivity_timeout = 300ms;
  auto again = run_script(*script, fixture, options);
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->passed()) << "the printed script does not reproduce the failure:\n" << text;
  for (const Target& good : {reference, correct}) {
    auto passes = run_script(*script, good, options);
    ASSERT_TRUE(passes);
    EXPECT_TRUE(passes->passed()) << good.to_string() << "\n" << passes->report() << text;
  }

  std::string file = pool.dir() + "/found.script";
  std::ofstream(file) << text;
  EXPECT_EQ(replay_driver_exit(file, fixture), 1);
  EXPECT_EQ(replay_driver_exit(file, reference), 0);
}

TEST(PropertyFindsBug, ConversationPropertyCatchesEachReadIsARecordAndItsScriptReplays) {
  expect_caught_and_reproduced(random_conversation_property, Transport::kTcp);
}

TEST(PropertyFindsBug, InterleavingPropertyCatchesEachReadIsARecordAndItsScriptReplays) {
  expect_caught_and_reproduced(random_interleaving_property, Transport::kUnix);
}

TEST(PropertyFindsBug, ThePropertiesPassAgainstTheCorrectFixture) {
  // The same seeds against a correct server built the same way as the broken one:
  // the failure above is the bug's, not the fixture runtime's.
  ServerPool pool;
  Target correct = pool.fixture("correct", Transport::kPipes);
  for (Property property : {random_conversation_property, random_interleaving_property}) {
    auto failure = failure_of(property, [&](const Profile&) { return correct; });
    EXPECT_FALSE(failure.has_value()) << *failure;
  }
}

}  // namespace
}  // namespace linespec::harness::testing
