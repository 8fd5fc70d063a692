// `linespec fuzz` as a user runs it: a bounded run against the reference server finds
// nothing; against each fixture with one planted bug it finds a mismatch, shrinks it
// to a small conversation, writes it as a script that `linespec replay` fails on the
// fixture and passes on the reference server; the same seed gives the same output.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "linespec/harness/script.hpp"
#include "live_programs.hpp"

namespace linespec::live_fuzz::testing {
namespace {

constexpr const char* kSeed = "20240611";

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// What the written script amounts to.
struct Shrunk {
  std::size_t connections = 0;
  std::size_t sends = 0;
  std::size_t bytes = 0;
};

Shrunk measure_script(const harness::Script& script) {
  Shrunk size;
  for (const auto& step : script.steps) {
    if (step.kind == harness::ScriptStep::Kind::kConnect) ++size.connections;
    if (step.kind == harness::ScriptStep::Kind::kSend) {
      ++size.sends;
      size.bytes += step.bytes.size();
    }
  }
  return size;
}

TEST(LiveFuzz, FindsNothingAgainstTheReferenceServerInABoundedRun) {
  LiveServer server = LiveServer::reference();
  ScratchDir out;
  auto run = run_linespec({"fuzz", server.address(), "--seed", kSeed, "--max-conversations", "300", "--connections",
                           "3", "--out", out.path()});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(lines_starting_with(run.out, "\u2714 no mismatch: 300 conversations").size(), 1u) << run.out;
  EXPECT_NE(run.out.find("seed " + std::string(kSeed)), std::string::npos) << run.out;
  EXPECT_TRUE(std::filesystem::is_empty(out.path()));
  std::printf("[ figures  ] %s", lines_starting_with(run.out, "\u2714").front().c_str());
  std::printf("\n");
}

struct PlantedBug {
  std::string fixture;
  std::size_t most_sends;  // what the shrunk conversation may still hold
  std::size_t most_bytes;
};

void PrintTo(const PlantedBug& bug, std::ostream* os) { *os << bug.fixture; }

class LiveFuzzFinds : public ::testing::TestWithParam<PlantedBug> {};

TEST_P(LiveFuzzFinds, ThePlantedBugShrunkToASmallScriptThatReplays) {
  const PlantedBug& bug = GetParam();
  LiveServer fixture = LiveServer::fixture(bug.fixture);
  LiveServer reference = LiveServer::reference();
  ScratchDir out;
  auto run =
      run_linespec({"fuzz", fixture.address(), "--seed", kSeed, "--max-conversations", "3000", "--out", out.path()});
  ASSERT_EQ(run.exit_code, 1) << run.out << run.err;
  auto found = lines_starting_with(run.out, "\u00d7 mismatch in conversation ");
  ASSERT_EQ(found.size(), 1u) << run.out;
  const std::string path = written_path(run.out);
  ASSERT_FALSE(path.empty()) << run.out;
  EXPECT_EQ(path.rfind(out.path(), 0), 0u) << path;
  const std::string text = read_file(path);
  EXPECT_EQ(printed_script(run.out), text) << "the printed script is the written one";
  EXPECT_EQ(
      lines_starting_with(run.out, "replay: linespec replay " + fixture.address() + " " + path + " --profile seed")
          .size(),
      1u)
      << run.out;

  auto script = harness::parse_script(text, path);
  ASSERT_TRUE(script) << script.error().message;
  Shrunk size = measure_script(*script);
  std::printf("[ shrunk   ] %s: %s -> %zu connection(s), %zu send(s), %zu byte(s)\n", bug.fixture.c_str(),
              found.front().c_str(), size.connections, size.sends, size.bytes);
  EXPECT_EQ(size.connections, 1u) << text;
  EXPECT_LE(size.sends, bug.most_sends) << text;
  EXPECT_LE(size.bytes, bug.most_bytes) << text;

  auto on_fixture = run_linespec({"replay", fixture.address(), path});
  EXPECT_EQ(on_fixture.exit_code, 1) << on_fixture.out << on_fixture.err;
  EXPECT_EQ(lines_starting_with(on_fixture.out, "0 passed, 1 failed").size(), 1u) << on_fixture.out;
  auto on_reference = run_linespec({"replay", reference.address(), path});
  EXPECT_EQ(on_reference.exit_code, 0) << on_reference.out << on_reference.err;
  EXPECT_EQ(lines_starting_with(on_reference.out, "1 passed, 0 failed").size(), 1u) << on_reference.out;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, LiveFuzzFinds,
                         ::testing::Values(
                             // One reply per read(): a record split in two reads, or two records in one.
                             PlantedBug{"each-read-is-a-record", 2, 2},
                             // Two records in one write.
                             PlantedBug{"first-record-only", 1, 2},
                             // One unterminated byte, then the half-close.
                             PlantedBug{"drops-final-fragment", 1, 1},
                             // The first record longer than 1000 bytes: 1000 bytes and a terminator.
                             PlantedBug{"wrong-split-length", 2, 1001},
                             // A CR that ends a record, then anything.
                             PlantedBug{"lf-only", 2, 2}),
                         [](const ::testing::TestParamInfo<PlantedBug>& info) {
                           std::string name;
                           for (char c : info.param.fixture) name += c == '-' ? '_' : c;
                           return name;
                         });

// Everything but the timing figures.
std::string without_timing(const std::string& out) {
  std::string kept;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    if (line.find("/s)") == std::string::npos) kept += line + "\n";
  }
  return kept;
}

TEST(LiveFuzz, TheSameSeedGivesTheSameConversationsAndTheSameShrunkScript) {
  LiveServer fixture = LiveServer::fixture("each-read-is-a-record");
  ScratchDir first_out;
  ScratchDir second_out;
  auto first = run_linespec({"fuzz", fixture.address(), "--seed", "77", "--out", first_out.path()});
  auto second = run_linespec({"fuzz", fixture.address(), "--seed", "77", "--out", second_out.path()});
  ASSERT_EQ(first.exit_code, 1) << first.out << first.err;
  ASSERT_EQ(second.exit_code, 1) << second.out << second.err;
  EXPECT_EQ(lines_starting_with(first.out, "\u00d7"), lines_starting_with(second.out, "\u00d7"));
  EXPECT_EQ(printed_script(first.out), printed_script(second.out));
  std::string first_text = without_timing(first.out);
  std::string second_text = without_timing(second.out);
  // Only the output folder differs.
  for (std::string* text : {&first_text, &second_text}) {
    const std::string& dir = text == &first_text ? first_out.path() : second_out.path();
    for (auto at = text->find(dir); at != std::string::npos; at = text->find(dir)) text->replace(at, dir.size(), "OUT");
  }
  EXPECT_EQ(first_text, second_text);
}

TEST(LiveFuzz, ASequentialServerIsFuzzedOneConnectionAtATime) {
  LiveServer fixture = LiveServer::fixture("sequential");
  ScratchDir out;
  auto run = run_linespec({"fuzz", fixture.address(), "--seed", kSeed, "--max-conversations", "100", "--connections",
                           "3", "--out", out.path()});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(lines_starting_with(run.out, "note: a second client was not served while the first was open").size(), 1u)
      << run.out;
}

TEST(LiveFuzz, FuzzesAnExecTargetOneProcessPerConnection) {
  ScratchDir out;
  auto run = run_linespec({"fuzz", "exec:" + std::string(LINESPEC_BIN_DIR) + "/linespec-server --stdio", "--seed",
                           kSeed, "--max-conversations", "40", "--out", out.path()});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(lines_starting_with(run.out, "\u2714 no mismatch: 40 conversations").size(), 1u) << run.out;
}

TEST(LiveFuzz, ReportsAServerThatStopsAcceptingConnections) {
  // fixture-dies-on-reset exits when a client resets (or closes with the greeting
  // unread, which resets too). It notices the reset a little after the conversation
  // that sent it ended, so the finding is either that the target stopped accepting
  // connections (with the last conversation that passed written out), or, when the
  // next conversation was already accepted, that conversation's connection reset
  // before the greeting. One connection at a time: a second one open when the server
  // dies would see its bytes cut off, a mismatch, first.
  LiveServer fixture = LiveServer::fixture("dies-on-reset");
  ScratchDir out;
  auto run = run_linespec({"fuzz", fixture.address(), "--seed", kSeed, "--connections", "1", "--max-conversations",
                           "500", "--out", out.path()});
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  const std::string text = read_file(written_path(run.out));
  EXPECT_EQ(text.rfind("# linespec script", 0), 0u) << run.out;
  if (lines_starting_with(run.out, "\u00d7 the target stopped accepting connections").size() == 1) return;
  EXPECT_EQ(lines_starting_with(run.out, "\u00d7 mismatch in conversation").size(), 1u) << run.out;
  EXPECT_NE(run.out.find("(ended: peer reset)"), std::string::npos) << run.out;
}

TEST(LiveFuzz, BadUsageExitsTwoAndAnUnreachableTargetThree) {
  EXPECT_EQ(run_linespec({"fuzz"}).exit_code, 2);
  EXPECT_EQ(run_linespec({"fuzz", "tcp:127.0.0.1:0"}).exit_code, 2);
  EXPECT_EQ(run_linespec({"fuzz", "bogus:thing"}).exit_code, 2);
  EXPECT_EQ(run_linespec({"fuzz", "tcp:127.0.0.1:9", "--profile", "no-such-profile"}).exit_code, 2);
  EXPECT_EQ(run_linespec({"fuzz", "tcp:127.0.0.1:9", "--connections", "0"}).exit_code, 2);
  EXPECT_EQ(run_linespec({"fuzz", "tcp:127.0.0.1:9", "--no-such-flag"}).exit_code, 2);
  auto port = harness::pick_free_loopback_port();
  ASSERT_TRUE(port);
  auto unreachable = run_linespec({"fuzz", "tcp:127.0.0.1:" + std::to_string(*port), "--max-conversations", "5"});
  EXPECT_EQ(unreachable.exit_code, 3) << unreachable.out << unreachable.err;
  EXPECT_NE(unreachable.err.find("linespec: "), std::string::npos) << unreachable.err;
  auto help = run_linespec({"fuzz", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--max-conversations"), std::string::npos) << help.out;
}

}  // namespace
}  // namespace linespec::live_fuzz::testing
