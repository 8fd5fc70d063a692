// `linespec run|test-client|replay|fuzz --html FILE` as a user runs them: the page is written for
// passing and failing runs and for an unreachable target, never for bad usage; it is
// self-contained, embeds the same data as the JSON report, and shows a hostile
// server's bytes only as escaped data.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <sstream>
#include <string>

#include "report_page.hpp"

namespace linespec::report_testing {
namespace {

using nlohmann::json;

void expect_safe_page(const std::string& page) {
  expect_self_contained(page);
  expect_two_script_elements(page);
  EXPECT_EQ(data_block(page).find('<'), std::string::npos);
}

TEST(ReportCli, RunAgainstTheReferenceServerEmbedsTheJsonReport) {
  TempDir dir;
  int code = run_linespec({"run", "--html", dir.file("r.html"), "--json", dir.file("r.json")});
  EXPECT_EQ(code, 0);
  std::string page = read_file(dir.file("r.html"));
  expect_safe_page(page);
  json data = page_data(page);
  json report = json::parse(read_file(dir.file("r.json")), nullptr, false);
  ASSERT_FALSE(report.is_discarded());
  EXPECT_EQ(data["command"], "run");
  EXPECT_EQ(data["exit_code"], 0);
  EXPECT_TRUE(data["error"].is_null());
  EXPECT_EQ(data["report"], report);
  EXPECT_GT(data["report"]["cases"].size(), 20u);
  EXPECT_FALSE(data["generated_at"].get<std::string>().empty());
  // Size with every case's transcript: small enough to mail around.
  EXPECT_LT(page.size(), 4u << 20) << page.size();
}

TEST(ReportCli, FailingRunStillWritesTheReportWithTimelines) {
  TempDir dir;
  auto server = start_fixture("first-record-only");
  int code = run_linespec({"run", server.address().to_string(), "--html", dir.file("r.html")});
  EXPECT_EQ(code, 1);
  std::string page = read_file(dir.file("r.html"));
  expect_safe_page(page);
  json data = page_data(page);
  EXPECT_EQ(data["exit_code"], 1);
  EXPECT_EQ(data["report"]["summary"]["ok"], false);
  std::size_t failed = 0;
  for (const json& c : data["report"]["cases"]) {
    if (c["verdict"] != "FAIL") continue;
    ++failed;
    EXPECT_FALSE(c["replay_command"].get<std::string>().empty()) << c["id"];
    ASSERT_FALSE(c["sessions"].empty()) << c["id"];
    EXPECT_NE(c["sessions"][0]["transcript"].get<std::string>().find("ms recv"), std::string::npos) << c["id"];
  }
  EXPECT_GT(failed, 0u);
  EXPECT_EQ(failed, data["report"]["summary"]["failed"].get<std::size_t>());
}

TEST(ReportCli, UnreachableTargetGivesAReportThatSaysSo) {
  TempDir dir;
  int code = run_linespec({"run", "unix:" + dir.file("nobody"), "--html", dir.file("r.html")});
  EXPECT_EQ(code, 3);
  std::string page = read_file(dir.file("r.html"));
  expect_safe_page(page);
  json data = page_data(page);
  EXPECT_EQ(data["exit_code"], 3);
  ASSERT_TRUE(data["error"].is_string());
  EXPECT_FALSE(data["error"].get<std::string>().empty());
  EXPECT_TRUE(data["report"]["cases"].empty());
  EXPECT_EQ(data["report"]["target"], "unix:" + dir.file("nobody"));
}

TEST(ReportCli, BadUsageWritesNoReport) {
  TempDir dir;
  EXPECT_EQ(run_linespec({"run", "--html", dir.file("a.html"), "--profile", "no-such-profile"}), 2);
  EXPECT_FALSE(std::filesystem::exists(dir.file("a.html")));
  EXPECT_EQ(run_linespec({"run", "--html", dir.file("b.html"), "--no-such-flag"}), 2);
  EXPECT_FALSE(std::filesystem::exists(dir.file("b.html")));
  EXPECT_EQ(run_linespec({"replay", "tcp:127.0.0.1:", dir.file("x.script"), "--html", dir.file("c.html")}), 2);
  EXPECT_FALSE(std::filesystem::exists(dir.file("c.html")));
  EXPECT_EQ(run_linespec({"run", "--html", dir.file("missing/d.html")}), 2);
}

TEST(ReportCli, ReplayOfAFailingScriptShowsHostileBytesOnlyAsData) {
  TempDir dir;
  auto server = start_fixture("first-record-only");
  write_file(dir.file("two.script"),
             "# linespec script v1\nprofile seed\nconn a\n"
             "a send \"</script><script>alert(1)</script>\\n<b>x</b>\\n\"\na half-close\n");
  int code = run_linespec({"replay", server.address().to_string(), dir.file("two.script"), "--html", dir.file("r.html")});
  EXPECT_EQ(code, 1);
  std::string page = read_file(dir.file("r.html"));
  expect_safe_page(page);
  EXPECT_EQ(page.find("<script>alert"), std::string::npos);
  json data = page_data(page);
  EXPECT_EQ(data["command"], "replay");
  ASSERT_EQ(data["report"]["cases"].size(), 1u);
  const json& c = data["report"]["cases"][0];
  EXPECT_EQ(c["verdict"], "FAIL");
  EXPECT_EQ(c["section"], "replay");
  EXPECT_NE(c["replay_command"].get<std::string>().find("linespec replay"), std::string::npos);
  EXPECT_NE(c["sessions"][0]["transcript"].get<std::string>().find("<script>alert(1)"), std::string::npos);
  EXPECT_EQ(data["report"]["summary"]["failed"], 1);
}

TEST(ReportCli, ServerEchoingMarkupCannotInjectIt) {
  TempDir dir;
  auto server = harness::spawn_server(
      harness::Command::program({kServer, "--listen", "tcp:127.0.0.1:0", "--profile", "echo"}));
  ASSERT_TRUE(server) << server.error().message;
  write_file(dir.file("echo.script"),
             "# linespec script v1\nprofile echo\nconn a\na send \"<script>alert(2)</script><img src=x>\\n\"\n"
             "a half-close\n");
  int code = run_linespec({"replay", server->address().to_string(), dir.file("echo.script"), "--html", dir.file("r.html")});
  EXPECT_EQ(code, 0);
  std::string page = read_file(dir.file("r.html"));
  expect_safe_page(page);
  json data = page_data(page);
  std::string transcript = data["report"]["cases"][0]["sessions"][0]["transcript"];
  // The echo came back (in one read or several), and the page holds it only inside
  // the escaped data block.
  bool echoed = false;
  std::istringstream lines(transcript);
  for (std::string line; std::getline(lines, line);) {
    if (line.find(" recv ") != std::string::npos && line.find("alert(2)") != std::string::npos) echoed = true;
  }
  EXPECT_TRUE(echoed) << transcript;
  EXPECT_EQ(page.find("<img"), std::string::npos);
}

TEST(ReportCli, FuzzWithAFixedSeedReportsTheShrunkFinding) {
  TempDir dir;
  auto server = start_fixture("first-record-only");
  int code = run_linespec({"fuzz", server.address().to_string(), "--seed", "7", "--max-conversations", "500",
                           "--seconds", "30", "--out", dir.file("out"), "--html", dir.file("r.html")});
  EXPECT_EQ(code, 1);
  std::string page = read_file(dir.file("r.html"));
  expect_safe_page(page);
  json data = page_data(page);
  EXPECT_EQ(data["command"], "fuzz");
  EXPECT_EQ(data["report"]["fuzz"]["seed"], 7);
  ASSERT_EQ(data["report"]["cases"].size(), 1u);
  const json& c = data["report"]["cases"][0];
  EXPECT_EQ(c["verdict"], "FAIL");
  std::string replay = c["replay_command"];
  EXPECT_NE(replay.find("linespec replay"), std::string::npos);
  EXPECT_NE(replay.find(dir.file("out")), std::string::npos);
  EXPECT_FALSE(c["sessions"].empty());
  EXPECT_NE(c["script"].get<std::string>().find("# linespec script"), std::string::npos);
}

TEST(ReportCli, FuzzOfACorrectServerReportsAPass) {
  TempDir dir;
  auto server = start_fixture("correct");
  int code = run_linespec({"fuzz", server.address().to_string(), "--seed", "3", "--max-conversations", "20",
                           "--out", dir.file("out"), "--html", dir.file("r.html")});
  EXPECT_EQ(code, 0);
  json data = page_data(read_file(dir.file("r.html")));
  ASSERT_EQ(data["report"]["cases"].size(), 1u);
  EXPECT_EQ(data["report"]["cases"][0]["verdict"], "PASS");
  EXPECT_EQ(data["report"]["summary"]["ok"], true);
}

TEST(ReportCli, TestClientEmbedsTheJsonReport) {
  TempDir dir;
  const std::string client = std::string(LINESPEC_BIN_DIR) + "/linespec-client --connect tcp:{host}:{port} one two";
  int code = run_linespec({"test-client", client, "--case", "greeting", "--html", dir.file("r.html"), "--json",
                           dir.file("r.json")});
  EXPECT_EQ(code, 0);
  std::string page = read_file(dir.file("r.html"));
  expect_safe_page(page);
  json data = page_data(page);
  EXPECT_EQ(data["command"], "test-client");
  EXPECT_EQ(data["report"], json::parse(read_file(dir.file("r.json")), nullptr, false));
  EXPECT_FALSE(data["report"]["cases"].empty());
}

TEST(ReportCli, ClientThatCannotRunGivesAReportThatSaysSo) {
  TempDir dir;
  int code = run_linespec({"test-client", dir.file("no-such-client") + " {host} {port}", "--case", "greeting",
                           "--html", dir.file("r.html")});
  EXPECT_EQ(code, 3);
  json data = page_data(read_file(dir.file("r.html")));
  EXPECT_EQ(data["exit_code"], 3);
  EXPECT_NE(data["error"].get<std::string>().find("no-such-client"), std::string::npos) << data["error"];
}

}  // namespace
}  // namespace linespec::report_testing
