// The `linespec` program as a user runs it: exit status, the summary line, and a
// one-line error on stderr for every kind of bad input.
#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <string>
#include <vector>

#include "cli_run.hpp"

namespace linespec::tools::testing {
namespace {

std::string last_line(const CliRun& run) { return run.last_line(); }

TEST(LinespecRun, WithoutTargetChecksTheBundledServerAndPasses) {
  CliRun run = run_linespec({"run"});
  EXPECT_EQ(run.exit_code, 0) << run.error;
  EXPECT_TRUE(std::regex_match(last_line(run), std::regex(R"([1-9][0-9]* passed, 0 failed(, [0-9]+ skipped)?)")))
      << last_line(run);
  EXPECT_EQ(run.error, "");
}

TEST(LinespecRun, EveryBuiltinProfileAgainstTheBundledServer) {
  for (const char* profile : {"lf", "echo", "stream"}) {
    CliRun run = run_linespec({"run", "--profile", profile});
    EXPECT_EQ(run.exit_code, 0) << profile << ": " << run.error;
    EXPECT_NE(last_line(run).find(" passed, 0 failed"), std::string::npos) << profile << ": " << last_line(run);
  }
}

TEST(LinespecRun, OneCaseById) {
  CliRun run = run_linespec({"run", "--case", "framing/3"});
  EXPECT_EQ(run.exit_code, 0) << run.error;
  ASSERT_GE(run.lines.size(), 2u);
  EXPECT_EQ(run.lines[run.lines.size() - 2], "\u2714 framing/3  FRAME-2  a line split byte by byte");
  EXPECT_EQ(last_line(run), "1 passed, 0 failed");
}

TEST(LinespecRun, StdioTargetRunsTheServerPerConnection) {
  CliRun run = run_linespec({"run", "exec:" + kServer + " --stdio", "--case", "framing", "--case", "eof"});
  EXPECT_EQ(run.exit_code, 0) << run.error;
  EXPECT_NE(last_line(run).find(" passed, 0 failed"), std::string::npos) << last_line(run);
}

TEST(LinespecRun, SpawnStartsTheServerOnAFreePortAndStopsItAfter) {
  CliRun run = run_linespec({"run", "--spawn", kServer + " --listen tcp:127.0.0.1:{port}", "--case", "framing"});
  EXPECT_EQ(run.exit_code, 0) << run.error;
  EXPECT_NE(last_line(run).find(" passed, 0 failed"), std::string::npos) << last_line(run);
  CliRun unix_run = run_linespec({"run", "--spawn", kServer + " --listen unix:{path}", "--case", "eof"});
  EXPECT_EQ(unix_run.exit_code, 0) << unix_run.error;
}

TEST(LinespecRun, SpawnedServerFailuresReplayWithTheSameSpawn) {
  // An lf server checked as seed: CR does not end its records.
  std::string spawn = kServer + " --profile lf --listen tcp:127.0.0.1:{port}";
  CliRun run = run_linespec({"run", "--spawn", spawn, "--case", "framing/4"});
  EXPECT_EQ(run.exit_code, 1);
  bool replay_found = false;
  for (const auto& line : run.lines) {
    if (line.find("replay:") != std::string::npos && line.find("--spawn '" + spawn + "'") != std::string::npos) {
      replay_found = true;
    }
  }
  EXPECT_TRUE(replay_found) << ::testing::PrintToString(run.lines);
}

TEST(LinespecRun, SpawnNeedsAPlaceholderAndNoTarget) {
  CliRun no_placeholder = run_linespec({"run", "--spawn", kServer});
  EXPECT_EQ(no_placeholder.exit_code, 2);
  EXPECT_NE(no_placeholder.error.find("neither {port} nor {path}"), std::string::npos) << no_placeholder.error;
  CliRun both = run_linespec({"run", "tcp:127.0.0.1:9", "--spawn", kServer + " --listen tcp:127.0.0.1:{port}"});
  EXPECT_EQ(both.exit_code, 2);
  CliRun dies = run_linespec({"run", "--spawn", "exit 7 {port}"});
  EXPECT_EQ(dies.exit_code, 3) << dies.error;
}

TEST(LinespecRun, AServerOfAnotherVariantFailsWithReplayAndExitOne) {
  // An lf server checked as seed: CR does not end its records.
  auto server = harness::spawn_server(
      harness::Command::program({kServer, "--listen", "tcp:127.0.0.1:0", "--profile", "lf"}));
  ASSERT_TRUE(server) << server.error().message;
  std::string target = server->address().to_string();
  CliRun run = run_linespec({"run", target, "--case", "framing/4"});
  EXPECT_EQ(run.exit_code, 1);
  // Header, the case, why, sent, expected, received, replay, summary.
  ASSERT_EQ(run.lines.size(), 8u) << ::testing::PrintToString(run.lines);
  EXPECT_EQ(run.lines[1], "\u00d7 framing/4  FRAME-3  CR and LF each end a record (cr,lf)");
  EXPECT_EQ(run.lines[2], "    50 of 92 expected bytes arrived: 2 replies instead of 4");
  EXPECT_EQ(run.lines[3], "    sent:     \"x\\r\\nx\\ry\\n\", then half-close");
  EXPECT_EQ(run.lines[4],
            "    expected: \"connect\\n\" \"Information Received\\n\" \u00d7 4, then the server closes the connection");
  EXPECT_EQ(run.lines[5], "    received: \"connect\\nInformation Received\\nInformation Received\\n\", then the server "
                          "closed the connection");
  EXPECT_EQ(run.lines[6].rfind("    replay:   linespec run ", 0), 0u) << run.lines[6];
  EXPECT_EQ(last_line(run), "0 passed, 1 failed");
}

TEST(LinespecRun, ReplayLineRunsTheSameCase) {
  auto server = harness::spawn_server(
      harness::Command::program({kServer, "--listen", "tcp:127.0.0.1:0", "--profile", "lf"}));
  ASSERT_TRUE(server) << server.error().message;
  CliRun failing = run_linespec({"run", server->address().to_string(), "--case", "framing/4"});
  std::string replay;
  for (const std::string& line : failing.lines) {
    if (line.rfind("    replay:   ", 0) == 0) replay = line.substr(14);
  }
  EXPECT_EQ(replay, "linespec run " + server->address().to_string() + " --profile seed --case framing/4");
}

TEST(LinespecRun, UnknownFlagIsUsageError) {
  CliRun run = run_linespec({"run", "--bogus"});
  EXPECT_EQ(run.exit_code, 2);
  expect_one_line_error(run, "--bogus");
}

TEST(LinespecRun, MalformedTargetIsUsageError) {
  CliRun run = run_linespec({"run", "tcp:localhost"});
  EXPECT_EQ(run.exit_code, 2);
  expect_one_line_error(run, "tcp:localhost");
}

TEST(LinespecRun, UnknownSchemeIsUsageError) {
  CliRun run = run_linespec({"run", "udp:127.0.0.1:9"});
  EXPECT_EQ(run.exit_code, 2);
  expect_one_line_error(run, "udp:127.0.0.1:9");
}

TEST(LinespecRun, UnknownProfileIsUsageError) {
  CliRun run = run_linespec({"run", "--profile", "no-such-profile"});
  EXPECT_EQ(run.exit_code, 2);
  expect_one_line_error(run, "no-such-profile");
}

TEST(LinespecRun, UnknownCaseIsUsageError) {
  CliRun run = run_linespec({"run", "--case", "framing/999"});
  EXPECT_EQ(run.exit_code, 2);
  expect_one_line_error(run, "framing/999");
}

TEST(LinespecRun, BadTimeoutIsUsageError) {
  CliRun run = run_linespec({"run", "--timeout", "0"});
  EXPECT_EQ(run.exit_code, 2);
  expect_one_line_error(run, "--timeout");
}

TEST(LinespecRun, UnreachableTargetExitsThree) {
  auto port = harness::pick_free_loopback_port();  // bound, then closed: nobody listens
  ASSERT_TRUE(port) << port.error().message;
  std::string target = "tcp:127.0.0.1:" + std::to_string(*port);
  CliRun run = run_linespec({"run", target});
  EXPECT_EQ(run.exit_code, 3);
  expect_one_line_error(run, target);
  EXPECT_TRUE(run.lines.empty());
}

TEST(LinespecRun, MissingUnixSocketExitsThree) {
  CliRun run = run_linespec({"run", "unix:/nonexistent/linespec.sock"});
  EXPECT_EQ(run.exit_code, 3);
  expect_one_line_error(run, "/nonexistent/linespec.sock");
}

TEST(LinespecRun, ExecTargetThatCannotStartExitsThree) {
  CliRun run = run_linespec({"run", "exec:/nonexistent/linespec-server --stdio"});
  EXPECT_EQ(run.exit_code, 3);
  expect_one_line_error(run, "/nonexistent/linespec-server");
}

TEST(LinespecHelp, DocumentsTheExitStatus) {
  CliRun run = run_linespec({"run", "--help"});
  EXPECT_EQ(run.exit_code, 0);
  std::string text;
  for (const std::string& line : run.lines) text += line + "\n";
  EXPECT_NE(text.find("Exit status"), std::string::npos) << text;
  EXPECT_NE(text.find("--profile"), std::string::npos) << text;
  EXPECT_NE(text.find("3  the target could not be reached"), std::string::npos) << text;
}

TEST(LinespecHelp, TopLevelHelpListsSubcommands) {
  CliRun run = run_linespec({"--help"});
  EXPECT_EQ(run.exit_code, 0);
  std::string text;
  for (const std::string& line : run.lines) text += line + "\n";
  EXPECT_NE(text.find("run"), std::string::npos) << text;
  EXPECT_NE(text.find("list"), std::string::npos) << text;
}

TEST(LinespecVersion, ProgramAndSubcommandsPrintTheProjectVersion) {
  for (std::vector<std::string> args : {std::vector<std::string>{"--version"}, {"run", "--version"},
                                        {"list", "--version"}, {"probe", "--version"}}) {
    CliRun run = run_linespec(args);
    EXPECT_EQ(run.exit_code, 0);
    ASSERT_EQ(run.lines.size(), 1u);
    EXPECT_EQ(run.lines[0], "linespec " LINESPEC_VERSION " (spec 1.0)");
  }
}

TEST(LinespecUsage, NoSubcommandIsUsageError) {
  CliRun run = run_linespec({});
  EXPECT_EQ(run.exit_code, 2);
  expect_one_line_error(run, "subcommand");
}

TEST(LinespecList, ListsEveryCaseOnePerLine) {
  CliRun run = run_linespec({"list", "--case", "greeting"});
  EXPECT_EQ(run.exit_code, 0);
  ASSERT_FALSE(run.lines.empty());
  EXPECT_EQ(run.lines[0].rfind("greeting/1", 0), 0u) << run.lines[0];
  EXPECT_NE(run.lines[0].find("GREET-2"), std::string::npos);
  EXPECT_NE(run.lines[0].find("MUST"), std::string::npos);
}

}  // namespace
}  // namespace linespec::tools::testing
