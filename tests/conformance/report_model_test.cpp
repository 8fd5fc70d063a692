// Reports without a server: the console header, the known-failures file, and the
// JUnit document (escaping, and its shape validated against junit.xsd).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "linespec/conformance/console_reporter.hpp"
#include "linespec/conformance/expected_failures.hpp"
#include "linespec/conformance/junit_reporter.hpp"
#include "linespec/harness/process.hpp"

namespace linespec::conformance {
namespace {

const std::string kSchema = std::string(LINESPEC_SOURCE_DIR) + "/tests/conformance/junit.xsd";

SuiteConfig sample_config() {
  SuiteConfig config;
  config.target = *harness::parse_target("tcp:127.0.0.1:4000");
  config.target_text = "tcp:127.0.0.1:4000";
  return config;
}

TEST(ConsoleHeader, NamesVersionsTargetProfileAndJobs) {
  SuiteConfig config = sample_config();
  std::vector<const Case*> cases(3, nullptr);
  EXPECT_EQ(header_line(RunStart{config, cases, 8, {}, false}),
            "linespec " + std::string(linespec_version()) + ", spec 1.0: 3 cases against tcp:127.0.0.1:4000, "
            "profile seed, 8 jobs");
  EXPECT_EQ(header_line(RunStart{config, cases, 1, "the profile says the server is sequential", true}),
            "linespec " + std::string(linespec_version()) + ", spec 1.0: 3 cases against tcp:127.0.0.1:4000, "
            "profile seed, 1 job (the profile says the server is sequential), strict");
}

TEST(ExpectedFailures, OneIdPerLineWithCommentsAndNotes) {
  Registry registry = core_registry();
  auto ids = parse_expected_failures("# known\n\nframing/4   CR is data for us\n  eof/1 # later\n", "k", registry);
  ASSERT_TRUE(ids) << ids.error().message;
  EXPECT_EQ(*ids, (std::set<std::string>{"framing/4", "eof/1"}));
}

TEST(ExpectedFailures, AnUnknownIdIsAUsageErrorWithItsLine) {
  Registry registry = core_registry();
  auto ids = parse_expected_failures("framing/4\nframing/99\n", "known.txt", registry);
  ASSERT_FALSE(ids);
  EXPECT_EQ(ids.error().kind, ErrorKind::kUsage);
  EXPECT_EQ(ids.error().message.rfind("known.txt:2: unknown case 'framing/99'", 0), 0u) << ids.error().message;
  EXPECT_FALSE(parse_expected_failures("framing\n", "k", registry));  // a section is not a case id
  EXPECT_FALSE(load_expected_failures("/nonexistent/known.txt", registry));
}

TEST(XmlEscape, EscapesMarkupAndWritesWhatXmlCannotCarryAsHex) {
  EXPECT_EQ(xml_escape("a<b>&\"c\"'"), "a&lt;b&gt;&amp;&quot;c&quot;&apos;");
  EXPECT_EQ(xml_escape(std::string("nul\0bell\x07", 9)), "nul\\x00bell\\x07");
  EXPECT_EQ(xml_escape("\u00d7 ok"), "\u00d7 ok");  // UTF-8 stays
  EXPECT_EQ(xml_escape("\xff\xc3"), "\\xFF\\xC3");     // not UTF-8
  EXPECT_EQ(xml_escape("two\nlines"), "two&#10;lines");
}

// Runs xmllint --schema junit.xsd on `path`; its exit status and output.
std::pair<int, std::string> xmllint(const std::string& path) {
  harness::ProcessOptions options;
  options.stdout_mode = harness::StreamMode::kNull;
  options.stderr_mode = harness::StreamMode::kCapture;
  auto child = harness::ChildProcess::start(
      harness::Command::program({"xmllint", "--noout", "--schema", kSchema, path}), options);
  if (!child) return {-1, child.error().message};
  auto status = child->wait(std::chrono::milliseconds(20000));
  if (!status) return {-1, "xmllint did not finish"};
  return {status->kind == harness::ExitStatus::Kind::kExited ? status->code : -1, child->captured_stderr()};
}

TEST(JUnitReport, EveryVerdictValidatesAgainstTheSchema) {
  if (std::system("command -v xmllint >/dev/null 2>&1") != 0) GTEST_SKIP() << "xmllint is not installed";
  char dir[] = "/tmp/lsjunitXXXXXX";
  ASSERT_NE(::mkdtemp(dir), nullptr);
  std::string path = std::string(dir) + "/report.xml";
  SuiteConfig config = sample_config();
  Case cases[] = {
      {"framing/1", "FRAME-1", Level::kMust, "one line <&>", nullptr},
      {"framing/2", "FRAME-12", Level::kMust, "many", nullptr},
      {"replies/1", "REPLY-6", Level::kShould, "early", nullptr},
      {"eof/2", "EOF-3", Level::kMust, "dropped", nullptr},
      {"eof/3", "EOF-7", Level::kMust, "listed", nullptr},
      {"eof/4", "EOF-5", Level::kMust, "listed too", nullptr},
  };
  std::vector<const Case*> pointers;
  for (const Case& c : cases) pointers.push_back(&c);
  Verdict verdicts[] = {Verdict::kPass, Verdict::kFail, Verdict::kWarn, Verdict::kNotApplicable,
                        Verdict::kExpectedFail, Verdict::kUnexpectedPass};
  {
    std::ofstream out(path);
    JUnitReporter reporter(out);
    reporter.on_start(RunStart{config, pointers, 4, {}, true});
    RunSummary summary;
    for (std::size_t i = 0; i < pointers.size(); ++i) {
      Outcome outcome = verdicts[i] == Verdict::kFail
                            ? Outcome::fail("bad \x01 bytes", "\"x\\r\"", "\"connect\\n\"", "\"\xff\"")
                            : Outcome::not_applicable("why");
      CaseResult result{pointers[i], verdicts[i], outcome, "linespec run --case " + cases[i].id, {}, {}};
      summary.count(verdicts[i]);
      reporter.on_result(result);
    }
    reporter.on_finish(summary);
  }
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::string xml = text.str();
  auto [status, output] = xmllint(path);
  EXPECT_EQ(status, 0) << output << "\n" << xml;
  // Strict: FAIL, XPASS and the WARN are failures; N/A and XFAIL are skipped.
  EXPECT_NE(xml.find("<testsuites name=\"linespec\" tests=\"6\" failures=\"3\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<property name=\"linespec.version\" value=\"" + std::string(linespec_version()) + "\"/>"),
            std::string::npos);
  EXPECT_NE(xml.find("<property name=\"spec.version\" value=\"1.0\"/>"), std::string::npos);
  EXPECT_NE(xml.find("<property name=\"profile\" value=\"seed\"/>"), std::string::npos);
  EXPECT_NE(xml.find("<property name=\"target\" value=\"tcp:127.0.0.1:4000\"/>"), std::string::npos);
  EXPECT_NE(xml.find("replay:   linespec run --case framing/2"), std::string::npos) << xml;
  EXPECT_NE(xml.find("one line &lt;&amp;&gt;"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(JUnitReport, TheSchemaRejectsADocumentOfAnotherShape) {
  if (std::system("command -v xmllint >/dev/null 2>&1") != 0) GTEST_SKIP() << "xmllint is not installed";
  char dir[] = "/tmp/lsjunitXXXXXX";
  ASSERT_NE(::mkdtemp(dir), nullptr);
  std::string path = std::string(dir) + "/bad.xml";
  std::ofstream(path) << "<testsuites><testsuite name=\"x\"><testcase/></testsuite></testsuites>\n";
  EXPECT_NE(xmllint(path).first, 0);  // tests= and the testcase name are required
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace linespec::conformance
