// `linespec probe` as a library: the profile it infers from the reference server
// under each built-in profile (and profile files with unusual knobs) matches what
// the server was started with, says how sure it is of each knob, prints as a
// profile file that reads back, and, fed back to the suite, passes.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>

#include "linespec/conformance/probe.hpp"
#include "linespec/harness/process.hpp"
#include "linespec/protocol/profile_file.hpp"
#include "suite_runner.hpp"

namespace linespec::conformance::testing {
namespace {

const std::string kServer = std::string(LINESPEC_BIN_DIR) + "/linespec-server";

class ProfileDir {
 public:
  ProfileDir() {
    char dir[] = "/tmp/lsprobeXXXXXX";
    EXPECT_NE(::mkdtemp(dir), nullptr);
    dir_ = dir;
  }
  ~ProfileDir() { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) const {
    std::string path = dir_ + "/" + name;
    std::FILE* file = std::fopen(path.c_str(), "w");
    EXPECT_NE(file, nullptr);
    if (file != nullptr) {
      std::fputs(text.c_str(), file);
      std::fclose(file);
    }
    return path;
  }

 private:
  std::string dir_;
};

harness::SpawnedServer start_reference(const std::string& profile, std::vector<std::string> flags = {}) {
  std::vector<std::string> argv = {kServer, "--listen", "tcp:127.0.0.1:0", "--profile", profile};
  argv.insert(argv.end(), flags.begin(), flags.end());
  auto server = harness::spawn_server(harness::Command::program(argv));
  if (!server) throw std::runtime_error(server.error().message);
  return std::move(*server);
}

// Every knob of `expected` but the name, concurrency and capacity, which the
// server's profile leaves open and the probe measures.
void expect_same_knobs(const Profile& probed, const Profile& expected) {
  EXPECT_EQ(probed.greeting, expected.greeting);
  // The reference echo server sends a record's bytes on as they arrive (with the
  // final fragment answered): byte for byte a stream server, and probed as one.
  if (expected.reply == ReplyKind::kEcho && expected.final_fragment == FinalFragment::kAnswer &&
      probed.reply == ReplyKind::kStream) {
    return;
  }
  EXPECT_EQ(probed.reply, expected.reply);
  if (expected.reply == ReplyKind::kAck) {
    EXPECT_EQ(probed.ack_text, expected.ack_text);
  }
  if (expected.reply != ReplyKind::kStream) {
    EXPECT_EQ(probed.max_record, expected.max_record);
    EXPECT_EQ(probed.final_fragment, expected.final_fragment);
  }
  // Echo replies are the same bytes under cr,lf and crlf-or-lf: only the others tell.
  if (expected.reply == ReplyKind::kAck || expected.terminators == Terminators::kLf) {
    EXPECT_EQ(probed.terminators, expected.terminators);
  }
}

// The probed profile, written out and loaded back as `--profile FILE` would.
Profile round_trip(const ProbeReport& report, const ProfileDir& dir) {
  std::string text = to_profile_text(report);
  auto loaded = load_profile(dir.write("probed.profile", text));
  EXPECT_TRUE(loaded) << loaded.error().message << "\n" << text;
  return loaded ? *loaded : Profile{};
}

void expect_suite_passes(const harness::Target& target, const Profile& profile) {
  SuiteRun run = run_core_suite(target, profile);
  ASSERT_FALSE(run.error) << run.error->message;
  EXPECT_EQ(run.count(Verdict::kFail), 0u);
  EXPECT_EQ(run.count(Verdict::kWarn), 0u);
  if (::testing::Test::HasFailure()) std::cout << run.report;
}

class ProbeBuiltin : public ::testing::TestWithParam<std::string> {};

TEST_P(ProbeBuiltin, InfersTheProfileAndTheSuitePassesWithIt) {
  const std::string& name = GetParam();
  harness::SpawnedServer server = start_reference(name);
  harness::Target target = harness::Target::from_address(server.address());
  auto report = probe_target(target);
  ASSERT_TRUE(report) << report.error().message;
  expect_same_knobs(report->profile, *builtin_profile(name));
  EXPECT_EQ(report->profile.concurrency, Concurrency::kConcurrent);
  EXPECT_FALSE(report->profile.capacity);  // 64 clients served, no refusal seen
  ProfileDir dir;
  Profile fed_back = round_trip(*report, dir);
  EXPECT_EQ(fed_back, report->profile);
  expect_suite_passes(target, fed_back);
}

INSTANTIATE_TEST_SUITE_P(Builtins, ProbeBuiltin, ::testing::Values("seed", "lf", "echo", "stream"));

TEST(ProbeProfileFile, FindsAnOddLimitAckTextAndDroppedFragments) {
  ProfileDir dir;
  std::string path = dir.write("odd.profile",
                               "greeting = \"hello there\"\nack-text = OK\nterminators = crlf-or-lf\n"
                               "max-record = 100\nfinal-fragment = drop\n");
  harness::SpawnedServer server = start_reference(path);
  harness::Target target = harness::Target::from_address(server.address());
  auto report = probe_target(target);
  ASSERT_TRUE(report) << report.error().message;
  expect_same_knobs(report->profile, *load_profile(path));
  expect_suite_passes(target, round_trip(*report, dir));
}

TEST(ProbeCapacity, FindsTheCapacityAndTheRefusalCasesPass) {
  harness::SpawnedServer server = start_reference("seed", {"--max-connections", "6"});
  harness::Target target = harness::Target::from_address(server.address());
  auto report = probe_target(target);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->profile.capacity, std::optional<std::size_t>(6));
  EXPECT_EQ(report->profile.refusal_marker, "not connect");
  ProfileDir dir;
  Profile fed_back = round_trip(*report, dir);
  SuiteRun run = run_core_suite(target, fed_back, {"refusal"});
  ASSERT_FALSE(run.error) << run.error->message;
  EXPECT_EQ(run.count(Verdict::kPass), 5u);
  if (HasFailure()) std::cout << run.report;
}

TEST(ProbeConfidence, EveryKnobGetsOneFindingAndTheTextSaysHowSure) {
  harness::SpawnedServer server = start_reference("seed");
  auto report = probe_target(harness::Target::from_address(server.address()));
  ASSERT_TRUE(report) << report.error().message;
  std::vector<std::string> knobs;
  for (const KnobFinding& finding : report->findings) knobs.push_back(finding.knob);
  EXPECT_EQ(knobs, (std::vector<std::string>{"greeting", "reply", "terminators", "max-record", "final-fragment",
                                             "concurrency", "capacity"}));
  for (const KnobFinding& finding : report->findings) {
    if (finding.knob != "capacity") {
      EXPECT_EQ(finding.confidence, Confidence::kHigh) << finding.knob;
    }
  }
  std::string text = to_profile_text(*report);
  EXPECT_EQ(text.rfind("# linespec probe of " + server.address().to_string(), 0), 0u) << text;
  EXPECT_NE(text.find("\n# confidence: greeting high: \"connect\\n\" arrived"), std::string::npos) << text;
  EXPECT_NE(text.find("\n# confidence: capacity medium: "), std::string::npos) << text;
  EXPECT_NE(text.find("\nname = probed\n"), std::string::npos) << text;
}

#ifdef LINESPEC_HAVE_FIXTURES
TEST(ProbeSequential, ASequentialServerIsNamedSo) {
  auto server = harness::spawn_server(
      harness::Command::program({std::string(LINESPEC_FIXTURE_DIR) + "/fixture-sequential"}));
  ASSERT_TRUE(server) << server.error().message;
  auto report = probe_target(harness::Target::from_address(server->address()));
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->profile.concurrency, Concurrency::kSequential);
  expect_same_knobs(report->profile, Profile{});
}
#endif

TEST(ProbeErrors, AnUnreachableTargetIsAnError) {
  auto port = harness::pick_free_loopback_port();
  ASSERT_TRUE(port);
  auto report = probe_target(*harness::parse_target("tcp:127.0.0.1:" + std::to_string(*port)));
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().kind, ErrorKind::kUnreachable);
}

}  // namespace
}  // namespace linespec::conformance::testing
