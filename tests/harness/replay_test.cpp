// Replaying scripts: what each step does on a live connection, how the verdict uses
// the expect steps and the model, and what load_replay_inputs() accepts.
#include <gtest/gtest.h>

#include <fstream>

#include "linespec/harness/replay.hpp"
#include "live_servers.hpp"

namespace linespec::harness::testing {
namespace {

using namespace std::chrono_literals;

SessionOptions quick() {
  SessionOptions options;
  options.inactivity_timeout = 500ms;
  options.hard_cap = 10s;
  return options;
}

ScriptResult replay(std::string_view text, const Target& target) {
  auto script = parse_script(text, "test.script");
  EXPECT_TRUE(script) << script.error().message;
  if (!script) return {};
  auto result = run_script(*script, target, quick());
  EXPECT_TRUE(result) << result.error().message;
  return result ? *result : ScriptResult{};
}

std::string all_failures(const ScriptResult& result) {
  std::string out;
  for (const auto& c : result.connections) {
    for (const auto& f : c.failures) out += c.name + ": " + f + "\n";
  }
  return out;
}

const char* const kExample = R"(# linespec script v1
profile seed
conn a
a send "SOME "
a send "DATA\n"
a expect "connect\nInformation Received\n"
conn b
b send "x\r"
a half-close
a expect-close
b reset
)";

TEST(Replay, TheExampleScriptPassesAgainstTheReferenceServerOnEveryTransport) {
  ServerPool pool;
  for (Transport transport : kAllTransports) {
    auto result = replay(kExample, pool.reference(*builtin_profile("seed"), transport));
    EXPECT_TRUE(result.passed()) << to_string(transport) << "\n" << result.report();
    ASSERT_EQ(result.connections.size(), 2u);
    EXPECT_EQ(result.connections[0].name, "a");
    EXPECT_EQ(result.connections[0].session.received, "connect\nInformation Received\n");
    EXPECT_EQ(result.connections[0].session.ending, Ending::kPeerClosed);
    EXPECT_EQ(result.connections[0].client_end, ClientEnd::kHalfClose);
    EXPECT_EQ(result.connections[1].session.ending, Ending::kClosedByHarness);
    EXPECT_EQ(result.connections[1].client_end, ClientEnd::kReset);
    EXPECT_EQ(result.connections[1].model.kind, Expectation::Kind::kPrefixOf);
  }
}

TEST(Replay, AnExpectStepThatDoesNotMatchNamesTheStepAndWhatArrived) {
  ServerPool pool;
  auto result = replay("conn a\na send \"x\\n\"\na expect \"connect\\nWRONG\\n\"\na half-close\n",
                       pool.reference(*builtin_profile("seed"), Transport::kTcp));
  EXPECT_FALSE(result.passed());
  // The model agrees with the server, so the only failure is the script's.
  // It shows the bytes that stood where the expected ones should have.
  EXPECT_EQ(all_failures(result), "a: step 3 (a expect \"connect\\nWRONG\\n\"): received \"connect\\nInform\"\n");
  EXPECT_NE(result.report().find("--- a (ended: peer closed"), std::string::npos) << result.report();
}

TEST(Replay, WithoutExpectStepsTheModelIsTheOracle) {
  ServerPool pool;
  const char* script = "conn a\na send \"a\\nb\\n\"\na half-close\n";
  auto good = replay(script, pool.reference(*builtin_profile("seed"), Transport::kTcp));
  EXPECT_TRUE(good.passed()) << good.report();
  auto bad = replay(script, pool.fixture("each-read-is-a-record", Transport::kTcp));
  EXPECT_EQ(all_failures(bad),
            "a: the model of profile 'seed' wants exactly \"connect\\nInformation Received\\nInformation Received\\n\" "
            "after the client's half-close, received \"connect\\nInformation Received\\n\"\n");
}

TEST(Replay, OracleScriptJudgesOnlyByTheExpectSteps) {
  ServerPool pool;
  Target no_greeting = pool.fixture("no-greeting", Transport::kUnix);
  const char* body = "conn a\na send \"x\\n\"\na half-close\na expect \"Information Received\\n\"\na expect-close\n";
  auto by_script = replay(std::string("oracle script\n") + body, no_greeting);
  EXPECT_TRUE(by_script.passed()) << by_script.report();
  EXPECT_EQ(by_script.connections[0].model.kind, Expectation::Kind::kAny);
  auto by_model = replay(body, no_greeting);
  EXPECT_EQ(all_failures(by_model),
            "a: the model of profile 'seed' wants exactly \"connect\\nInformation Received\\n\" after the client's "
            "half-close, received \"Information Received\\n\"\n");
}

TEST(Replay, ExpectCloseFailsWhenTheServerStaysOpenOrSaysMore) {
  ServerPool pool;
  auto open = replay("oracle script\nconn a\na expect \"connect\\n\"\na expect-close\n",
                     pool.reference(*builtin_profile("seed"), Transport::kTcp));
  EXPECT_EQ(all_failures(open),
            "a: step 3 (a expect-close): the server did not close the connection; it ended with inactivity timeout\n");
  auto more = replay("oracle script\nconn a\na half-close\na expect-close\n",
                     pool.reference(*builtin_profile("seed"), Transport::kTcp));
  EXPECT_EQ(all_failures(more), "a: step 3 (a expect-close): received more than expected: \"connect\\n\"\n");
}

TEST(Replay, ExpectPrefixAcceptsWhatAClosingClientMayMiss) {
  ServerPool pool;
  Target target = pool.reference(*builtin_profile("echo"), Transport::kTcp);
  auto result = replay("profile echo\nconn a\na send \"ab\\ncd\\n\"\na expect-prefix \"connect\\nab\\ncd\\n\"\na close\n",
                       target);
  EXPECT_TRUE(result.passed()) << result.report();
  // After a half-close everything arrives, so the check is certain to see the echo.
  auto wrong = replay("oracle script\nprofile echo\nconn a\na expect \"connect\\n\"\na send \"ab\\n\"\n"
                      "a expect-prefix \"zz\\n\"\na half-close\n",
                      target);
  EXPECT_EQ(all_failures(wrong), "a: step 4 (a expect-prefix \"zz\\n\"): received \"ab\\n\", not a prefix\n");
}

TEST(Replay, AConnectionLeftOpenIsOwedTheRepliesToItsCompleteRecords) {
  ServerPool pool;
  auto result = replay("conn a\na send \"one\\ntwo\"\n", pool.reference(*builtin_profile("seed"), Transport::kPipes));
  EXPECT_TRUE(result.passed()) << result.report();
  EXPECT_EQ(result.connections[0].session.received, "connect\nInformation Received\n");
  EXPECT_EQ(result.connections[0].session.ending, Ending::kOpen);
}

TEST(Replay, PauseKeepsEveryConnectionReading) {
  ServerPool pool;
  auto result = replay("conn a\nconn b\npause 30\na half-close\nb half-close\n",
                       pool.reference(*builtin_profile("seed"), Transport::kTcp));
  EXPECT_TRUE(result.passed()) << result.report();
  for (const auto& c : result.connections) {
    // The greeting arrived during the pause, before the half-close was sent.
    std::vector<TranscriptEvent::Kind> kinds;
    for (const auto& e : c.session.transcript.events()) kinds.push_back(e.kind);
    auto greeting = std::find(kinds.begin(), kinds.end(), TranscriptEvent::Kind::kReceive);
    auto shutdown = std::find(kinds.begin(), kinds.end(), TranscriptEvent::Kind::kShutdownWrite);
    EXPECT_LT(greeting, shutdown) << c.session.transcript.to_string();
  }
}

TEST(Replay, AnUnreachableTargetFailsEachConnectionOnce) {
  auto result = replay("conn a\na send \"x\\n\"\na expect \"connect\\n\"\na half-close\n",
                       *parse_target("unix:/nonexistent-linespec/s"));
  ASSERT_EQ(result.connections.size(), 1u);
  ASSERT_EQ(result.connections[0].failures.size(), 1u) << all_failures(result);
  EXPECT_NE(result.connections[0].failures[0].find("/nonexistent-linespec/s"), std::string::npos);
  EXPECT_EQ(result.connections[0].session.error->kind, ErrorKind::kUnreachable);
}

TEST(Replay, TheRunnerRefusesAStepThatBreaksTheRules) {
  ScriptRunner runner(*parse_target("unix:/nonexistent-linespec/s"), *builtin_profile("seed"));
  auto status = runner.run(ScriptStep::send("a", "x"));
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().message, "step 1 (a send \"x\"): no connection 'a' (open it first with 'conn a')");
  EXPECT_TRUE(runner.script().steps.empty());
  EXPECT_TRUE(runner.run(ScriptStep::connect("a")));
  EXPECT_EQ(runner.finish().connections.size(), 1u);
  EXPECT_FALSE(runner.run(ScriptStep::send("a", "x")));
  Script bad;
  bad.steps = {ScriptStep::connect("a"), ScriptStep::connect("a")};
  auto result = run_script(bad, *parse_target("unix:/nonexistent-linespec/s"));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, ErrorKind::kUsage);
}

TEST(Replay, APlanBecomesAOneConnectionScript) {
  Plan plan;
  append_chunks(plan, "SOME DATA\n", {4});
  plan.push_back(Step::expect(29));
  plan.push_back(Step::drain(5ms));
  plan.push_back(Step::close(CloseMode::kHalfClose));
  Script script = script_from_plan(plan, *builtin_profile("seed"));
  EXPECT_EQ(print_script(script), R"(# linespec script v1
profile seed
conn a
a send "SOME"
a send " DATA\n"
pause 5
a half-close
)");
  ServerPool pool;
  auto result = run_script(script, pool.reference(*builtin_profile("seed"), Transport::kTcp), quick());
  ASSERT_TRUE(result);
  EXPECT_TRUE(result->passed()) << result->report();
}

TEST(ReplayInputs, AScriptARawInputAndAFolderOfThem) {
  TempDir dir;
  std::ofstream(dir.path() + "/b.script") << kExample;
  std::ofstream(dir.path() + "/a.raw", std::ios::binary) << std::string("SOME DATA\n\0x", 12);
  std::ofstream(dir.path() + "/.hidden") << "ignored";
  auto one = load_replay_inputs(dir.path() + "/b.script");
  ASSERT_TRUE(one) << one.error().message;
  ASSERT_EQ(one->size(), 1u);
  EXPECT_FALSE((*one)[0].raw);
  EXPECT_EQ((*one)[0].script.steps.size(), 9u);

  auto all = load_replay_inputs(dir.path(), *builtin_profile("lf"));
  ASSERT_TRUE(all) << all.error().message;
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].source, dir.path() + "/a.raw");
  EXPECT_TRUE((*all)[0].raw);
  EXPECT_EQ((*all)[0].script, script_from_raw_bytes(std::string("SOME DATA\n\0x", 12), *builtin_profile("lf")));
  EXPECT_EQ((*all)[1].source, dir.path() + "/b.script");

  ServerPool pool;
  auto result = run_script((*all)[0].script, pool.reference(*builtin_profile("lf"), Transport::kUnix), quick());
  ASSERT_TRUE(result);
  EXPECT_TRUE(result->passed()) << result->report();
  EXPECT_EQ(result->connections[0].session.received, "connect\nInformation Received\nInformation Received\n");
}

TEST(ReplayInputs, ErrorsNameThePath) {
  TempDir dir;
  auto missing = load_replay_inputs(dir.path() + "/nope");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::kUsage);
  EXPECT_NE(missing.error().message.find(dir.path() + "/nope"), std::string::npos) << missing.error().message;
  auto empty = load_replay_inputs(dir.path());
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().message, "no inputs in folder '" + dir.path() + "'");
  std::ofstream(dir.path() + "/bad") << "# linespec script v1\nconn a\na sned \"x\"\n";
  auto bad = load_replay_inputs(dir.path());
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message.rfind(dir.path() + "/bad:3: unknown step 'sned'", 0), 0u) << bad.error().message;
}

}  // namespace
}  // namespace linespec::harness::testing
