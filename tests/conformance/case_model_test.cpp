// The case model without a server: registry contents agree with SPEC.md, case
// selection, verdict levels, replay commands, exchanges and the console report.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "linespec/conformance/case.hpp"
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
  ASSERT_GE(registry.cases().size(), 12u);
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
  EXPECT_EQ(verdict_at_level(Outcome::fail("x"), Level::kMust), Verdict::kFail);
  EXPECT_EQ(verdict_at_level(Outcome::fail("x"), Level::kShould), Verdict::kWarn);
  EXPECT_EQ(verdict_at_level(Outcome::not_applicable("x"), Level::kMust), Verdict::kNotApplicable);
  RunSummary summary;
  for (Verdict v : {Verdict::kPass, Verdict::kWarn, Verdict::kNotApplicable, Verdict::kInfo}) summary.count(v);
  EXPECT_TRUE(summary.ok());
  summary.count(Verdict::kFail);
  EXPECT_FALSE(summary.ok());
  EXPECT_EQ(summary_line(summary), "2 passed, 1 failed, 1 warned, 1 skipped");
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
  CaseResult r1{&pass, Verdict::kPass, Outcome::pass(), "replay", {}};
  CaseResult r2{&skipped, Verdict::kNotApplicable, Outcome::not_applicable("the profile answers it"), "replay", {}};
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
               "linespec run tcp:127.0.0.1:9 --profile seed --case greeting/1", {}};
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
