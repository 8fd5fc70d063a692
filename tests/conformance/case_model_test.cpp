// The case model without a server: registry contents agree with SPEC.md, case
// selection, verdicts, replay commands, exchanges and recordings.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "linespec/conformance/case.hpp"
#include "linespec/conformance/case_session.hpp"
#include "linespec/conformance/console_reporter.hpp"
#include "linespec/conformance/runner.hpp"
#include "linespec/conformance/verifiers.hpp"

namespace linespec::conformance {
namespace {

std::string read_spec() {
  std::ifstream in(std::string(LINESPEC_SOURCE_DIR) + "/conformance/SPEC.md");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Requirement id -> "MUST" or "SHOULD", from the `- **ID** (LEVEL...` lines.
std::map<std::string, std::string> spec_requirements(const std::string& spec) {
  std::map<std::string, std::string> levels;
  std::regex line(R"(- \*\*([A-Z]+-[0-9]+)\*\* \((MUST|SHOULD))");
  for (auto it = std::sregex_iterator(spec.begin(), spec.end(), line); it != std::sregex_iterator(); ++it) {
    levels[(*it)[1]] = (*it)[2];
  }
  return levels;
}

TEST(Spec, StatesTheVersionTheSuiteReports) {
  std::string spec = read_spec();
  ASSERT_FALSE(spec.empty());
  EXPECT_NE(spec.find("Spec version: " + std::string(kSpecVersion) + "\n"), std::string::npos);
}

TEST(Spec, NumbersEnoughRequirementsInEverySection) {
  auto levels = spec_requirements(read_spec());
  std::map<std::string, int> per_prefix;
  for (const auto& [id, level] : levels) ++per_prefix[id.substr(0, id.find('-'))];
  for (const char* prefix : {"GREET", "FRAME", "REPLY", "EOF", "CLOSE", "CONC", "ROBUST", "REFUSE"}) {
    EXPECT_GE(per_prefix[prefix], 5) << prefix;
  }
}

TEST(Registry, EveryCaseNamesARequirementOfSpecAtItsLevel) {
  auto levels = spec_requirements(read_spec());
  Registry registry = core_registry();
  ASSERT_GE(registry.cases().size(), 60u);
  std::set<std::string> ids;
  std::regex id_form(R"((greeting|framing|replies|eof|close|concurrency|robustness|refusal)/[1-9][0-9]*)");
  for (const Case& c : registry.cases()) {
    EXPECT_TRUE(ids.insert(c.id).second) << "duplicate " << c.id;
    EXPECT_TRUE(std::regex_match(c.id, id_form)) << c.id;
    ASSERT_TRUE(levels.count(c.requirement)) << c.id << " names unknown " << c.requirement;
    EXPECT_EQ(levels[c.requirement], to_string(c.level)) << c.id;
    EXPECT_FALSE(c.description.empty()) << c.id;
    EXPECT_TRUE(static_cast<bool>(c.run)) << c.id;
  }
}

TEST(Registry, EveryRequirementOfSpecHasACase) {
  auto levels = spec_requirements(read_spec());
  std::set<std::string> checked;
  const Registry registry = core_registry();
  for (const Case& c : registry.cases()) checked.insert(c.requirement);
  for (const auto& [id, level] : levels) EXPECT_TRUE(checked.count(id)) << id << " has no case";
}

TEST(Registry, EverySectionHasItsOwnCases) {
  std::map<std::string, int> per_section;
  const Registry registry = core_registry();
  for (const Case& c : registry.cases()) ++per_section[std::string(c.section())];
  for (const char* section : {"greeting", "framing", "replies", "eof", "close", "concurrency", "robustness", "refusal"}) {
    EXPECT_GE(per_section[section], 5) << section;
  }
}

TEST(Registry, APrefixSelectsEverySectionItBegins) {
  Registry registry = core_registry();
  auto framing = registry.select({"framing"});
  ASSERT_TRUE(framing);
  for (const char* name : {"fram", "framing/"}) {
    auto same = registry.select({name});
    ASSERT_TRUE(same) << name;
    EXPECT_EQ(*same, *framing) << name;
  }
  auto one = registry.select({"framing/1"});
  ASSERT_TRUE(one);
  ASSERT_EQ(one->size(), 1u);  // an exact id, not framing/10 and the rest
  EXPECT_EQ(one->front()->id, "framing/1");
  auto both = registry.select({"re"});  // replies and refusal, robustness does not start with "re"
  ASSERT_TRUE(both);
  std::set<std::string> sections;
  for (const Case* c : *both) sections.insert(std::string(c->section()));
  EXPECT_EQ(sections, (std::set<std::string>{"replies", "refusal"}));
  EXPECT_FALSE(registry.select({"framing/1x"}));
  EXPECT_FALSE(registry.select({"nothing"}));
}

TEST(Registry, CasesWithManyConnectionsRunAloneAtAKnownCapacity) {
  // Refusal counts connections; the others hold more than kConnectionsPerCase.
  std::set<std::string> many = {"greeting/6", "concurrency/8", "concurrency/9", "concurrency/10"};
  const Registry registry = core_registry();
  for (const Case& c : registry.cases()) {
    EXPECT_EQ(c.exclusive, c.section() == "refusal" || many.count(c.id) > 0) << c.id;
  }
}

TEST(Registry, SelectsByIdOrSectionInRegistryOrder) {
  Registry registry = core_registry();
  auto all = registry.select({});
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), registry.cases().size());

  auto some = registry.select({"framing/3", "greeting"});
  ASSERT_TRUE(some);
  ASSERT_GE(some->size(), 2u);
  EXPECT_EQ(some->front()->section(), "greeting");
  EXPECT_EQ(some->back()->id, "framing/3");
}

TEST(Registry, UnknownCaseIsAUsageErrorNamingIt) {
  auto none = core_registry().select({"framing/999"});
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().kind, ErrorKind::kUsage);
  EXPECT_NE(none.error().message.find("'framing/999'"), std::string::npos);
}

TEST(Verdicts, AViolatedShouldWarnsAndOnlyFailuresFailTheRun) {
  EXPECT_EQ(final_verdict(Outcome::fail("x"), Level::kMust, false, false), Verdict::kFail);
  EXPECT_EQ(final_verdict(Outcome::fail("x"), Level::kShould, false, false), Verdict::kWarn);
  EXPECT_EQ(final_verdict(Outcome::not_applicable("x"), Level::kMust, false, false), Verdict::kNotApplicable);
  RunSummary summary;
  for (Verdict v : {Verdict::kPass, Verdict::kWarn, Verdict::kNotApplicable, Verdict::kInfo}) summary.count(v);
  EXPECT_TRUE(summary.ok());
  summary.count(Verdict::kFail);
  EXPECT_FALSE(summary.ok());
  EXPECT_EQ(summary_line(summary), "2 passed, 1 failed, 1 warned, 1 skipped");
}

TEST(Verdicts, KnownFailuresFailAsExpectedAndPassesAreReported) {
  EXPECT_EQ(final_verdict(Outcome::fail("x"), Level::kMust, true, false), Verdict::kExpectedFail);
  EXPECT_EQ(final_verdict(Outcome::pass(), Level::kMust, true, false), Verdict::kUnexpectedPass);
  EXPECT_EQ(final_verdict(Outcome::not_applicable("x"), Level::kMust, true, false), Verdict::kNotApplicable);
  // A listed SHOULD case that warns: only --strict makes it a failure, so only then XFAIL.
  EXPECT_EQ(final_verdict(Outcome::fail("x"), Level::kShould, true, false), Verdict::kWarn);
  EXPECT_EQ(final_verdict(Outcome::fail("x"), Level::kShould, true, true), Verdict::kExpectedFail);

  RunSummary summary;
  summary.count(Verdict::kPass);
  summary.count(Verdict::kExpectedFail);
  EXPECT_TRUE(summary.ok());
  EXPECT_EQ(summary_line(summary), "1 passed, 0 failed, 1 failed as expected");
  summary.count(Verdict::kUnexpectedPass);
  EXPECT_FALSE(summary.ok());
  EXPECT_EQ(summary_line(summary), "1 passed, 0 failed, 1 failed as expected, 1 passed unexpectedly");
}

TEST(Verdicts, StrictMakesAWarningFailTheRun) {
  RunSummary summary;
  summary.count(Verdict::kPass);
  summary.count(Verdict::kWarn);
  EXPECT_TRUE(summary.ok());
  summary.strict = true;
  EXPECT_FALSE(summary.ok());
  EXPECT_EQ(summary_line(summary), "1 passed, 0 failed, 1 warned (failures under --strict)");
}

TEST(Replay, NamesTargetProfileAndCaseQuotedForTheShell) {
  SuiteConfig config;
  config.target_text = "tcp:127.0.0.1:4000";
  config.profile_source = "seed";
  EXPECT_EQ(replay_command(config, "framing/3"), "linespec run tcp:127.0.0.1:4000 --profile seed --case framing/3");
  config.target_text = "exec:linespec-server --stdio";
  config.profile_source = "my profile's.txt";
  config.timeout = std::chrono::milliseconds(250);
  EXPECT_EQ(replay_command(config, "eof/1"),
            "linespec run 'exec:linespec-server --stdio' --profile 'my profile'\\''s.txt' --timeout 250 --case eof/1");
  config.target_text.clear();  // the bundled server: the replay starts it again
  EXPECT_EQ(replay_command(config, "eof/1").rfind("linespec run --profile", 0), 0u);
}

TEST(Exchange, SplitsAndDescribesChunks) {
  Exchange split = Exchange::split("abcdef\n", {2, 0, 3});
  EXPECT_EQ(split.chunks, (std::vector<std::string>{"ab", "cde", "f\n"}));
  EXPECT_EQ(split.bytes(), "abcdef\n");
  EXPECT_EQ(split.describe(), "\"abcdef\\n\" in 3 chunks of 2, 3, 2 bytes, then half-close");
  EXPECT_EQ(Exchange::byte_by_byte("ab").describe(), "\"ab\" in 2 chunks of 1 byte, then half-close");
  EXPECT_EQ(Exchange::whole("x\n").staying_open().describe(), "\"x\\n\", connection left open");
  EXPECT_EQ(Exchange().describe(), "nothing, then half-close");
}

TEST(Exchange, ChunksOfOneSizeAndBackToBack) {
  Exchange chunked = Exchange::chunked("abcdefg", 3);
  EXPECT_EQ(chunked.chunks, (std::vector<std::string>{"abc", "def", "g"}));
  chunked.wait_consumed = false;
  EXPECT_EQ(chunked.describe(), "\"abcdefg\" in 3 chunks of 3, 3, 1 bytes back to back, then half-close");
  Exchange pipelined = Exchange::whole("a\n");
  pipelined.read_meanwhile = false;
  EXPECT_EQ(pipelined.describe(), "\"a\\n\" (written whole before reading), then half-close");
  EXPECT_EQ(Exchange::whole("x\n").after_greeting().staying_open().describe(),
            "(after the greeting) \"x\\n\", connection left open");
}

TEST(Recording, NamesConnectionsInOrderAndKeepsTheirSteps) {
  CaseRecording recording;
  std::vector<std::string> names;
  for (int i = 0; i < 28; ++i) names.push_back(recording.open_connection());
  EXPECT_EQ(names[0], "a");
  EXPECT_EQ(names[25], "z");
  EXPECT_EQ(names[26], "c27");
  EXPECT_EQ(names[27], "c28");
  ASSERT_EQ(recording.script.steps.size(), 28u);
  EXPECT_EQ(recording.script.steps[26], harness::ScriptStep::connect("c27"));
  EXPECT_TRUE(recording.script_complete);
}

TEST(Recording, KeepsTheFirstTranscriptsAndCountsTheRest) {
  CaseRecording recording;
  harness::SessionResult result;
  result.ending = harness::Ending::kPeerClosed;
  for (std::size_t i = 0; i < CaseRecording::kMaxSessions + 3; ++i) recording.add_session("a", result);
  EXPECT_EQ(recording.sessions.size(), CaseRecording::kMaxSessions);
  EXPECT_EQ(recording.sessions_omitted, 3u);
  EXPECT_EQ(recording.sessions[0].ending, "peer closed");
}

TEST(Exchange, DescriptionFoldsRunsAndRepeatedLines) {
  EXPECT_EQ(Exchange::whole(std::string(1023, 'A') + "\n").describe(), "\"A\" \u00d7 1023 \"\\n\", then half-close");
  EXPECT_EQ(Exchange::whole("go\nab\nab\nab\nend").describe(), "\"go\\n\" \"ab\\n\" \u00d7 3 \"end\", then half-close");
  std::string noise;
  for (int i = 0; i < 5000; ++i) noise += static_cast<char>('a' + i % 26);
  std::string text = Exchange::whole(noise).describe();
  EXPECT_LT(text.size(), 600u) << text;
  EXPECT_NE(text.find(" more bytes)"), std::string::npos) << text;
}

TEST(Exchange, ExpectationComesFromTheModelOfTheProfile) {
  Exchange exchange = Exchange::whole("x\r\nabc");
  EXPECT_EQ(expectation_for(exchange, Profile{}).bytes,
            "connect\nInformation Received\nInformation Received\nInformation Received\n");
  EXPECT_EQ(expectation_for(exchange, *builtin_profile("lf")).bytes,
            "connect\nInformation Received\nInformation Received\n");
  EXPECT_EQ(expectation_for(exchange, *builtin_profile("stream")).bytes, "x\r\nabc");
  EXPECT_EQ(expectation_for(exchange.staying_open(), *builtin_profile("echo")).bytes, "connect\nx\r\n");
}

TEST(ConsoleReporter, OneLinePerCaseAndTheSummaryLast) {
  Case pass{"framing/3", "FRAME-2", Level::kMust, "a line split byte by byte", nullptr};
  Case skipped{"eof/2", "EOF-3", Level::kMust, "a final fragment is dropped", nullptr};
  std::ostringstream out;
  ConsoleReporter reporter(out);
  RunSummary summary;
  CaseResult r1{&pass, Verdict::kPass, Outcome::pass(), "replay", {}, {}};
  CaseResult r2{&skipped, Verdict::kNotApplicable, Outcome::not_applicable("the profile answers it"), "replay", {},
                {}};
  reporter.on_result(r1);
  reporter.on_result(r2);
  summary.count(r1.verdict);
  summary.count(r2.verdict);
  reporter.on_finish(summary);
  EXPECT_EQ(out.str(),
            "\u2714 framing/3  FRAME-2  a line split byte by byte\n"
            "- eof/2  EOF-3  a final fragment is dropped  [N/A]\n"
            "    the profile answers it\n"
            "1 passed, 0 failed, 1 skipped\n");
}

TEST(ConsoleReporter, AFailureShowsItsEvidenceAndReplay) {
  Case failing{"greeting/1", "GREET-1", Level::kMust, "the greeting", nullptr};
  std::ostringstream out;
  ConsoleReporter reporter(out);
  CaseResult r{&failing, Verdict::kFail,
               Outcome::fail("0 of 8 expected bytes arrived", "nothing", "\"connect\\n\"", "\"\""),
               "linespec run tcp:127.0.0.1:9 --profile seed --case greeting/1", {}, {}};
  reporter.on_result(r);
  EXPECT_EQ(out.str(),
            "\u00d7 greeting/1  GREET-1  the greeting\n"
            "    0 of 8 expected bytes arrived\n"
            "    sent:     nothing\n"
            "    expected: \"connect\\n\"\n"
            "    received: \"\"\n"
            "    replay:   linespec run tcp:127.0.0.1:9 --profile seed --case greeting/1\n");
}

}  // namespace
}  // namespace linespec::conformance
