// `linespec replay` as a user runs it: scripts, raw corpus inputs and folders of them
// against a live server, one ✔ or × line per input with the evidence of a failure,
// a last line `N passed, N failed`, and the exit codes 0/1/2/3.
#include <gtest/gtest.h>

#include <fstream>

#include "live_programs.hpp"

namespace linespec::live_fuzz::testing {
namespace {

void write(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

constexpr const char* kPassing =
    "# linespec script v1\n"
    "conn a\n"
    "a send \"SOME \"\n"
    "a send \"DATA\\n\"\n"
    "a half-close\n"
    "a expect \"connect\\nInformation Received\\n\"\n"
    "a expect-close\n";

// Two records in one chunk, but it expects a single reply.
constexpr const char* kFailing =
    "# linespec script v1\n"
    "conn a\n"
    "a send \"x\\r\\n\"\n"
    "a half-close\n"
    "a expect \"connect\\nInformation Received\\n\"\n"
    "a expect-close\n";

TEST(LiveReplay, PassingScriptsAndRawInputsExitZero) {
  LiveServer server = LiveServer::reference();
  ScratchDir dir;
  write(dir.path() + "/a.script", kPassing);
  write(dir.path() + "/b.raw", std::string("SOME DATA\n\0\xff\r\n", 14));
  auto run = run_linespec({"replay", server.address(), dir.path()});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(lines_starting_with(run.out, "\u2714 " + dir.path() + "/a.script").size(), 1u) << run.out;
  EXPECT_EQ(lines_starting_with(run.out, "\u2714 " + dir.path() + "/b.raw  (raw bytes, profile seed)").size(), 1u)
      << run.out;
  EXPECT_EQ(lines_starting_with(run.out, "2 passed, 0 failed").size(), 1u) << run.out;
}

TEST(LiveReplay, AFailingInputShowsSentExpectedReceivedAndExitsOne) {
  LiveServer server = LiveServer::reference();
  ScratchDir dir;
  write(dir.path() + "/good.script", kPassing);
  write(dir.path() + "/bad.script", kFailing);
  auto run = run_linespec({"replay", server.address(), dir.path() + "/good.script", dir.path() + "/bad.script"});
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_EQ(lines_starting_with(run.out, "\u00d7 " + dir.path() + "/bad.script").size(), 1u) << run.out;
  EXPECT_EQ(lines_starting_with(run.out, "    sent:     \"x\\r\\n\" (1 chunk)").size(), 1u) << run.out;
  EXPECT_EQ(lines_starting_with(run.out,
                                "    expected: exactly \"connect\\nInformation Received\\nInformation "
                                "Received\\n\", after the client's half-close")
                .size(),
            1u)
      << run.out;
  EXPECT_EQ(
      lines_starting_with(run.out, "    received: \"connect\\nInformation Received\\nInformation Received\\n\"").size(),
      1u)
      << run.out;
  EXPECT_EQ(run.out.substr(run.out.rfind('\n', run.out.size() - 2) + 1), "1 passed, 1 failed\n") << run.out;
}

TEST(LiveReplay, ProfileJudgesRawInputs) {
  // "x\r\n" is two records under seed (cr,lf) and one under lf.
  LiveServer seed_server = LiveServer::reference("seed");
  ScratchDir dir;
  write(dir.path() + "/crlf", "x\r\n");
  EXPECT_EQ(run_linespec({"replay", seed_server.address(), dir.path() + "/crlf"}).exit_code, 0);
  auto as_lf = run_linespec({"replay", seed_server.address(), dir.path() + "/crlf", "--profile", "lf"});
  EXPECT_EQ(as_lf.exit_code, 1) << as_lf.out;
  EXPECT_EQ(lines_starting_with(as_lf.out, "\u00d7 " + dir.path() + "/crlf  (raw bytes, profile lf)").size(), 1u)
      << as_lf.out;
}

TEST(LiveReplay, TranscriptFlagPrintsTheFailingConnectionsTranscript) {
  LiveServer server = LiveServer::reference();
  ScratchDir dir;
  write(dir.path() + "/bad.script", kFailing);
  auto run = run_linespec({"replay", server.address(), dir.path() + "/bad.script", "--transcript"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.out.find("    --- a (delivery: "), std::string::npos) << run.out;
  EXPECT_NE(run.out.find(" send "), std::string::npos) << run.out;
}

TEST(LiveReplay, BadUsageExitsTwo) {
  ScratchDir dir;
  write(dir.path() + "/ok.script", kPassing);
  write(dir.path() + "/typo.script", "# linespec script v1\nconn a\na sned \"x\"\n");
  const std::string ok = dir.path() + "/ok.script";
  EXPECT_EQ(run_linespec({"replay"}).exit_code, 2);
  EXPECT_EQ(run_linespec({"replay", "tcp:127.0.0.1:9"}).exit_code, 2);  // no PATH
  EXPECT_EQ(run_linespec({"replay", "bogus:x", ok}).exit_code, 2);
  EXPECT_EQ(run_linespec({"replay", "tcp:127.0.0.1:9", dir.path() + "/missing"}).exit_code, 2);
  EXPECT_EQ(run_linespec({"replay", "tcp:127.0.0.1:9", ok, "--profile", "no-such-profile"}).exit_code, 2);
  EXPECT_EQ(run_linespec({"replay", "tcp:127.0.0.1:9", ok, "--bogus"}).exit_code, 2);
  auto typo = run_linespec({"replay", "tcp:127.0.0.1:9", dir.path() + "/typo.script"});
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_NE(typo.err.find("typo.script:3"), std::string::npos) << typo.err;
  ScratchDir empty;
  EXPECT_EQ(run_linespec({"replay", "tcp:127.0.0.1:9", empty.path()}).exit_code, 2);
  auto help = run_linespec({"replay", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("raw bytes"), std::string::npos) << help.out;
}

TEST(LiveReplay, AnUnreachableTargetExitsThree) {
  ScratchDir dir;
  write(dir.path() + "/ok.script", kPassing);
  auto port = harness::pick_free_loopback_port();
  ASSERT_TRUE(port);
  auto run = run_linespec({"replay", "tcp:127.0.0.1:" + std::to_string(*port), dir.path() + "/ok.script"});
  EXPECT_EQ(run.exit_code, 3) << run.out << run.err;
  EXPECT_NE(run.err.find("linespec: "), std::string::npos) << run.err;
}

}  // namespace
}  // namespace linespec::live_fuzz::testing
