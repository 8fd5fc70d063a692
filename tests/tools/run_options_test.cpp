// `linespec run` options that shape a run and its reports, and `linespec probe`, as
// a user runs them: --dry-run, --jobs, --strict, --expect, --junit, --json (whose
// replay scripts really replay), --profile auto and FILE.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "cli_run.hpp"
#include "linespec/harness/replay.hpp"
#include "linespec/harness/script.hpp"

namespace linespec::tools::testing {
namespace {

class TempDir {
 public:
  TempDir() {
    char dir[] = "/tmp/lscliXXXXXX";
    EXPECT_NE(::mkdtemp(dir), nullptr);
    path_ = dir;
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string file(const std::string& name, const std::string& text = {}) const {
    std::string path = path_ + "/" + name;
    if (!text.empty()) std::ofstream(path) << text;
    return path;
  }

 private:
  std::string path_;
};

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool has_line_starting(const CliRun& run, const std::string& start) {
  for (const std::string& line : run.lines) {
    if (line.rfind(start, 0) == 0) return true;
  }
  return false;
}

TEST(RunDryRun, ListsTheCasesAndSendsNothing) {
  auto port = harness::pick_free_loopback_port();  // nobody listens: a connect would fail with 3
  ASSERT_TRUE(port);
  CliRun run = run_linespec({"run", "tcp:127.0.0.1:" + std::to_string(*port), "--dry-run", "--case", "fram"});
  EXPECT_EQ(run.exit_code, 0) << run.error;
  ASSERT_GE(run.lines.size(), 2u);
  EXPECT_NE(run.lines[0].find("(dry run: nothing is sent)"), std::string::npos) << run.lines[0];
  EXPECT_TRUE(has_line_starting(run, "framing/3        FRAME-2   MUST   a line split byte by byte")) << run.text();
  EXPECT_FALSE(has_line_starting(run, "eof/")) << run.text();
}

TEST(RunJobs, OneJobAndManyJobsBothPassAndSayHowManyRan) {
  for (const char* jobs : {"1", "16"}) {
    CliRun run = run_linespec({"run", "--jobs", jobs});
    EXPECT_EQ(run.exit_code, 0) << jobs << ": " << run.error;
    ASSERT_FALSE(run.lines.empty());
    std::string want = std::string(", ") + jobs + (std::string(jobs) == "1" ? " job" : " jobs");
    EXPECT_NE(run.lines[0].find(want), std::string::npos) << run.lines[0];
    EXPECT_NE(run.last_line().find(" passed, 0 failed"), std::string::npos) << run.last_line();
  }
  CliRun zero = run_linespec({"run", "--jobs", "0"});
  EXPECT_EQ(zero.exit_code, 2);
  expect_one_line_error(zero, "--jobs");
}

TEST(RunStrict, AWarningFailsTheRunOnlyUnderStrict) {
  // A greeting after 400 ms: only the SHOULD case on promptness notices.
  std::string slow_greeter = "exec:sleep 0.4; printf 'connect\\n'; cat >/dev/null";
  CliRun lenient = run_linespec({"run", slow_greeter, "--case", "greeting/7"});
  EXPECT_EQ(lenient.exit_code, 0) << lenient.text() << lenient.error;
  EXPECT_EQ(lenient.last_line(), "0 passed, 0 failed, 1 warned");
  CliRun strict = run_linespec({"run", slow_greeter, "--case", "greeting/7", "--strict"});
  EXPECT_EQ(strict.exit_code, 1) << strict.text();
  EXPECT_EQ(strict.last_line(), "0 passed, 0 failed, 1 warned (failures under --strict)");
}

TEST(RunExpect, KnownFailuresAreXfailAndAPassingOneIsXpass) {
  harness::SpawnedServer lf = start_server("lf");  // fails framing/4 under seed, passes framing/1
  std::string target = lf.address().to_string();
  TempDir dir;
  std::string known = dir.file("known.txt", "# CR is data for this server\nframing/4\n");
  CliRun xfail = run_linespec({"run", target, "--case", "framing/4", "--expect", known});
  EXPECT_EQ(xfail.exit_code, 0) << xfail.text();
  EXPECT_TRUE(has_line_starting(xfail, "x framing/4  FRAME-3  ")) << xfail.text();
  EXPECT_EQ(xfail.last_line(), "0 passed, 0 failed, 1 failed as expected");

  std::string stale = dir.file("stale.txt", "framing/1\n");
  CliRun xpass = run_linespec({"run", target, "--case", "framing/1", "--expect", stale});
  EXPECT_EQ(xpass.exit_code, 1) << xpass.text();
  EXPECT_NE(xpass.text().find("listed as a known failure, but passed: remove it from the list"), std::string::npos)
      << xpass.text();
  EXPECT_EQ(xpass.last_line(), "0 passed, 0 failed, 1 passed unexpectedly");

  CliRun bad = run_linespec({"run", target, "--expect", dir.file("bad.txt", "framing/99\n")});
  EXPECT_EQ(bad.exit_code, 2);
  expect_one_line_error(bad, "framing/99");
  CliRun missing = run_linespec({"run", target, "--expect", dir.file("missing.txt")});
  EXPECT_EQ(missing.exit_code, 2);
  expect_one_line_error(missing, "missing.txt");
}

TEST(RunJUnit, TheReportValidatesAgainstTheJUnitSchema) {
  if (std::system("command -v xmllint >/dev/null 2>&1") != 0) GTEST_SKIP() << "xmllint is not installed";
  harness::SpawnedServer lf = start_server("lf");
  TempDir dir;
  std::string report = dir.file("report.xml");
  CliRun run = run_linespec({"run", lf.address().to_string(), "--junit", report});
  EXPECT_EQ(run.exit_code, 1);  // an lf server checked as seed
  std::string schema = std::string(LINESPEC_SOURCE_DIR) + "/tests/conformance/junit.xsd";
  EXPECT_EQ(std::system(("xmllint --noout --schema " + schema + " " + report + " 2>/dev/null").c_str()), 0)
      << read(report);
  std::string xml = read(report);
  EXPECT_NE(xml.find("<property name=\"target\" value=\"" + lf.address().to_string() + "\"/>"), std::string::npos);
  EXPECT_NE(xml.find("<failure message=\"FAIL: "), std::string::npos);
  EXPECT_NE(xml.find("<skipped message=\"N/A: "), std::string::npos);

  CliRun unwritable = run_linespec({"run", "--junit", "/nonexistent/dir/report.xml"});
  EXPECT_EQ(unwritable.exit_code, 2);
  expect_one_line_error(unwritable, "/nonexistent/dir/report.xml");
}

TEST(RunJson, EveryCaseHasItsTranscriptAndAReplayScriptThatReplays) {
  harness::SpawnedServer seed = start_server("seed");
  harness::Target target = harness::Target::from_address(seed.address());
  TempDir dir;
  std::string report = dir.file("report.json");
  CliRun run = run_linespec({"run", seed.address().to_string(), "--json", report, "--case", "framing",
                             "--case", "concurrency/3"});
  EXPECT_EQ(run.exit_code, 0) << run.error;
  nlohmann::json json = nlohmann::json::parse(read(report));
  EXPECT_EQ(json["linespec_version"], LINESPEC_VERSION);
  EXPECT_EQ(json["spec_version"], "1.0");
  EXPECT_EQ(json["target"], seed.address().to_string());
  EXPECT_EQ(json["profile"]["name"], "seed");
  EXPECT_EQ(json["summary"]["ok"], true);
  ASSERT_GE(json["cases"].size(), 30u);
  for (const auto& c : json["cases"]) {
    std::string id = c["id"];
    EXPECT_FALSE(c["requirement"].get<std::string>().empty()) << id;
    EXPECT_EQ(c["replay_command"].get<std::string>().rfind("linespec run ", 0), 0u) << id;
    if (c["verdict"] == "N/A") continue;
    ASSERT_FALSE(c["sessions"].empty()) << id;
    EXPECT_NE(c["sessions"][0]["transcript"].get<std::string>().find("connect "), std::string::npos) << id;
    // The replay script reads back and, against the same server, passes.
    auto script = harness::parse_script(c["script"].get<std::string>(), id);
    ASSERT_TRUE(script) << id << ": " << script.error().message;
    auto replayed = harness::run_script(*script, target);
    ASSERT_TRUE(replayed) << id << ": " << replayed.error().message;
    EXPECT_TRUE(replayed->passed()) << id << ":\n" << replayed->report();
  }
}

TEST(RunJson, AFailureCarriesItsEvidence) {
  harness::SpawnedServer lf = start_server("lf");
  TempDir dir;
  std::string report = dir.file("report.json");
  CliRun run = run_linespec({"run", lf.address().to_string(), "--json", report, "--case", "framing/4"});
  EXPECT_EQ(run.exit_code, 1);
  nlohmann::json json = nlohmann::json::parse(read(report));
  ASSERT_EQ(json["cases"].size(), 1u);
  const auto& c = json["cases"][0];
  EXPECT_EQ(c["verdict"], "FAIL");
  EXPECT_EQ(c["evidence"]["sent"], "\"x\\r\\nx\\ry\\n\", then half-close");
  EXPECT_EQ(c["script"].get<std::string>().rfind("# linespec script v1\n", 0), 0u) << c["script"];
  EXPECT_NE(c["script"].get<std::string>().find("a send \"x\\r\\nx\\ry\\n\""), std::string::npos) << c["script"];
}

TEST(Probe, PrintsAProfileFileThatRunReadsBack) {
  harness::SpawnedServer echo = start_server("echo");
  std::string target = echo.address().to_string();
  CliRun probe = run_linespec({"probe", target});
  EXPECT_EQ(probe.exit_code, 0) << probe.error;
  EXPECT_EQ(probe.lines.at(0).rfind("# linespec probe of " + target, 0), 0u) << probe.text();
  EXPECT_TRUE(has_line_starting(probe, "# confidence: greeting high: ")) << probe.text();
  EXPECT_TRUE(has_line_starting(probe, "greeting = connect")) << probe.text();
  TempDir dir;
  std::string profile = dir.file("probed.profile", probe.text());
  CliRun run = run_linespec({"run", target, "--profile", profile});
  EXPECT_EQ(run.exit_code, 0) << run.text();
  EXPECT_NE(run.last_line().find(" passed, 0 failed"), std::string::npos) << run.last_line();
}

TEST(Probe, BadUsageAndUnreachableTargets) {
  CliRun none = run_linespec({"probe"});
  EXPECT_EQ(none.exit_code, 2);
  expect_one_line_error(none, "target");
  auto port = harness::pick_free_loopback_port();
  ASSERT_TRUE(port);
  std::string target = "tcp:127.0.0.1:" + std::to_string(*port);
  CliRun unreachable = run_linespec({"probe", target});
  EXPECT_EQ(unreachable.exit_code, 3);
  expect_one_line_error(unreachable, target);
}

TEST(RunAutoProfile, ProbesPrintsTheProfileAndRunsWithIt) {
  harness::SpawnedServer lf = start_server("lf");
  CliRun run = run_linespec({"run", lf.address().to_string(), "--profile", "auto"});
  EXPECT_EQ(run.exit_code, 0) << run.text() << run.error;
  ASSERT_FALSE(run.lines.empty());
  EXPECT_EQ(run.lines[0].rfind("# linespec probe of ", 0), 0u) << run.text();
  EXPECT_TRUE(has_line_starting(run, "terminators = lf")) << run.text();
  EXPECT_NE(run.text().find(", profile probed, "), std::string::npos) << run.text();
  EXPECT_NE(run.last_line().find(" passed, 0 failed"), std::string::npos) << run.last_line();
}

}  // namespace
}  // namespace linespec::tools::testing
