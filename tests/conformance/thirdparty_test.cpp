// Servers that linespec did not write, run the way their users run them. For each,
// the truth was first established by hand with a raw socket (python3 one-liners);
// the comments say what was seen. These tests pin the suite's verdicts to it: a
// correct server it must keep passing, or a real bug it must keep catching. A test
// skips when its tool is not installed.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <iostream>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "linespec/conformance/probe.hpp"
#include "linespec/harness/process.hpp"
#include "linespec/protocol/profile_file.hpp"
#include "linespec_test/sanitized.hpp"
#include "suite_runner.hpp"

namespace linespec::conformance::testing {
namespace {

using std::chrono::milliseconds;

const std::string kLineServer = std::string(LINESPEC_SOURCE_DIR) + "/tests/conformance/thirdparty/line_server.py";

bool installed(const std::string& tool) { return std::system(("command -v " + tool + " >/dev/null 2>&1").c_str()) == 0; }

// Forking servers start a process per connection: give them time on a busy machine.
RunOptions options(std::size_t jobs) { return RunOptions{jobs, false, {}}; }

struct ThirdPartyRun {
  std::optional<harness::SpawnedServer> server;
  harness::Target target;
};

ThirdPartyRun start(const std::string& line) {
  ThirdPartyRun run;
  auto server = harness::spawn_server_with_placeholder(line);
  EXPECT_TRUE(server) << server.error().message;
  if (!server) return run;
  run.target = harness::Target::from_address(server->address());
  run.server.emplace(std::move(*server));
  return run;
}

SuiteRun run_with_timeout(const harness::Target& target, const Profile& profile, std::vector<std::string> only,
                          std::size_t jobs, milliseconds timeout) {
  static const Registry registry = core_registry();
  SuiteRun run;
  SuiteConfig config;
  config.target = target;
  config.target_text = target.to_string();
  config.profile = profile;
  config.profile_source = profile.name;
  config.timeout = timeout;
  auto cases = registry.select(only);
  if (!cases) {
    run.error = cases.error();
    return run;
  }
  RecordingSink sink;
  auto summary = run_suite(*cases, config, options(jobs), sink);
  if (!summary) run.error = summary.error();
  run.results = sink.results();
  run.report = sink.report();
  run.jobs = sink.jobs();
  return run;
}

std::set<std::string> failures(const SuiteRun& run) {
  std::set<std::string> ids;
  for (const CaseResult& r : run.results) {
    if (r.verdict == Verdict::kFail || r.verdict == Verdict::kWarn) ids.insert(r.test_case->id);
  }
  return ids;
}

// socat relaying each connection to its own `cat` is an RFC 862 echo server.
// By hand: nothing arrives before the client sends; "SOME DATA\n" + FIN comes back
// whole, then FIN; 1 MB + FIN comes back whole; "ab" without a newline comes back at
// once; a second client is served while the first is open. A correct stream server.
// -t 30: socat's default half-close grace is 0.5 s (SocatDefaultGrace below); on a
// machine busy with parallel tests `cat` can take longer than that to answer.
TEST(ThirdPartySocat, ServingCatIsACorrectStreamServer) {
  if (!installed("socat")) GTEST_SKIP() << "socat is not installed";
  ThirdPartyRun socat = start("socat -t 30 TCP-LISTEN:{port},bind=127.0.0.1,fork,reuseaddr EXEC:cat");
  ASSERT_FALSE(HasFailure());
  // 2 000 clients one after another would fork 4 000 processes: CONC-7 already
  // opens 200 connections, each its own pair of processes.
  SuiteRun run = run_with_timeout(socat.target, *builtin_profile("stream"), every_case_but({"robustness/10"}), 4,
                                  milliseconds(5000));
  ASSERT_FALSE(run.error) << run.error->message;
  EXPECT_EQ(failures(run), std::set<std::string>{});
  EXPECT_GE(run.count(Verdict::kPass), 50u);
  if (HasFailure()) std::cout << run.report;

  // The probe finds the same, and the suite passes with what it found.
  ProbeOptions probe_options;
  probe_options.timeout = milliseconds(5000);
  auto report = probe_target(socat.target, probe_options);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->profile.reply, ReplyKind::kStream);
  EXPECT_FALSE(report->profile.greeting);
  EXPECT_EQ(report->profile.concurrency, Concurrency::kConcurrent);
  auto fed_back = parse_profile(to_profile_text(*report));
  ASSERT_TRUE(fed_back) << fed_back.error().message;
  SuiteRun probed = run_with_timeout(socat.target, *fed_back, {"greeting", "replies", "eof"}, 4, milliseconds(5000));
  ASSERT_FALSE(probed.error) << probed.error->message;
  EXPECT_EQ(failures(probed), std::set<std::string>{});
  if (HasFailure()) std::cout << probed.report;
}

// socat's default half-close grace (-t 0.5): once the client's FIN arrives, socat
// waits 0.5 s for the program's remaining output, then closes and drops it. By hand
// with SYSTEM:'sleep 1; exec cat': "SOME DATA\n" + FIN gets a FIN after 0.51 s and no
// data; with -t 5 it gets "SOME DATA\n" after 1.0 s, then FIN. A real bug of the
// default configuration with any program slower than 0.5 s: EOF-8 must catch it.
TEST(ThirdPartySocat, DefaultGraceDropsOutputOfASlowProgram) {
  if (!installed("socat")) GTEST_SKIP() << "socat is not installed";
  // A few bytes and the FIN at once: the FIN is there long before `cat` answers.
  std::vector<std::string> only = {"framing/1", "framing/2", "eof/6"};
  ThirdPartyRun slow = start("socat TCP-LISTEN:{port},bind=127.0.0.1,fork,reuseaddr SYSTEM:'sleep 1; exec cat'");
  ASSERT_FALSE(HasFailure());
  SuiteRun dropped = run_with_timeout(slow.target, *builtin_profile("stream"), only, 2, milliseconds(3000));
  ASSERT_FALSE(dropped.error) << dropped.error->message;
  EXPECT_EQ(failures(dropped), (std::set<std::string>{"framing/1", "framing/2", "eof/6"})) << dropped.report;

  ThirdPartyRun patient =
      start("socat -t 5 TCP-LISTEN:{port},bind=127.0.0.1,fork,reuseaddr SYSTEM:'sleep 1; exec cat'");
  ASSERT_FALSE(HasFailure());
  SuiteRun kept = run_with_timeout(patient.target, *builtin_profile("stream"), only, 2, milliseconds(3000));
  ASSERT_FALSE(kept.error) << kept.error->message;
  EXPECT_EQ(failures(kept), std::set<std::string>{}) << kept.report;
}

// ncat relaying each connection to `cat` (-k -e). By hand: while the client keeps the
// connection open, every byte comes back; but the client's FIN makes ncat close the
// connection at once: "SOME DATA\n", 1 000 or 100 000 bytes sent with an immediate
// FIN get nothing back, just FIN (with 100 ms before the FIN, the 10 bytes come
// back); 1 MB + FIN gets 57 344 bytes and then the connection hangs open. Other
// clients are still served, but at most 100 at once (ncat's --max-conns default):
// the 101st is reset. Real bugs: output still in flight is lost at the half-close
// (EOF-1, EOF-6, EOF-8), and the connection cap (CONC-7). Which small exchanges lose
// their bytes depends on a race inside ncat; the ones asserted here lose them in
// every run of the plain build. A sanitized harness is several times slower, which
// moves that race: there, one or two of them may come back whole, and the test asks
// only that most of them still catch the loss.
TEST(ThirdPartyNcat, ExecCatLosesOutputAtTheHalfClose) {
  if (!installed("ncat")) GTEST_SKIP() << "ncat is not installed";
  ThirdPartyRun ncat = start("ncat -l 127.0.0.1 {port} -k -e /bin/cat");
  ASSERT_FALSE(HasFailure());
  SuiteRun run = run_with_timeout(ncat.target, *builtin_profile("stream"), every_case_but({"robustness/10"}), 4,
                                  milliseconds(3000));
  ASSERT_FALSE(run.error) << run.error->message;
  std::set<std::string> failed = failures(run);
  // Many bytes and a FIN back to back: not all of them come back.
  const std::vector<std::string> lossy = {"replies/2", "eof/5", "eof/8", "eof/11", "robustness/7"};
  std::size_t caught = 0;
  for (const std::string& id : lossy) {
    caught += failed.count(id);
    if (!linespec::testing::kSanitized) {
      EXPECT_EQ(failed.count(id), 1u) << id << " passed";
    }
  }
  EXPECT_GE(caught, lossy.size() - 2) << "the loss was caught by only " << caught << " of " << lossy.size();
  EXPECT_EQ(run.verdict("concurrency/10"), Verdict::kFail);
  // The cap is on ncat's connections, so other cases running meanwhile lower the
  // count this case reaches a little.
  for (const CaseResult& r : run.results) {
    std::smatch client;
    if (r.test_case->id != "concurrency/10") continue;
    ASSERT_TRUE(std::regex_search(r.outcome.message, client, std::regex("^client ([0-9]+) of 200, with ")))
        << r.outcome.message;
    int number = std::stoi(client[1]);
    EXPECT_TRUE(number > 90 && number <= 101) << r.outcome.message;
  }
  // While the client stays open, the relay works.
  for (const char* id : {"greeting/4", "replies/8", "replies/1"}) EXPECT_EQ(run.verdict(id), Verdict::kPass) << id;
  if (HasFailure()) std::cout << run.report;
}

// A line server as a Python user writes it (thirdparty/line_server.py): socketserver,
// `for line in self.rfile`, an ack per line. By hand: "connect\n" first; "x\r\nx\ry\n"
// gets 2 acks (only LF ends a line); "one\nabc" + FIN gets 2 (the last fragment is a
// line); NUL and 0xFF are data; but 1024 x "A" + LF and 2048 x "A" + LF get one ack
// each: a line has no length limit, so a client can make the server buffer without
// bound. Under `--profile lf` (limit 1024) the suite must keep catching exactly the
// cases of the size limit. Its listen backlog is socketserver's default of 5, so
// clients that connect in a burst wait a second for the kernel to retry: one job.
TEST(ThirdPartyPython, LineServerHasNoRecordLimit) {
  if (!installed("python3")) GTEST_SKIP() << "python3 is not installed";
  auto server = harness::spawn_server(harness::Command::program({"python3", kLineServer}));
  ASSERT_TRUE(server) << server.error().message;
  harness::Target target = harness::Target::from_address(server->address());
  SuiteRun run = run_with_timeout(target, *builtin_profile("lf"), {}, 1, milliseconds(2000));
  ASSERT_FALSE(run.error) << run.error->message;
  std::set<std::string> size_limit = {"framing/15", "framing/16",   "framing/17",   "framing/18",  "framing/19",
                                      "framing/20", "framing/21",   "robustness/1", "robustness/3", "robustness/4"};
  EXPECT_EQ(failures(run), size_limit);
  if (HasFailure()) std::cout << run.report;

  // Probed, it is an lf server without a limit; with that profile it passes.
  auto report = probe_target(target);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->profile.terminators, Terminators::kLf);
  EXPECT_EQ(report->profile.max_record, 0u);
  auto fed_back = parse_profile(to_profile_text(*report));
  ASSERT_TRUE(fed_back) << fed_back.error().message;
  SuiteRun probed = run_with_timeout(target, *fed_back, {}, 1, milliseconds(2000));
  ASSERT_FALSE(probed.error) << probed.error->message;
  EXPECT_EQ(failures(probed), std::set<std::string>{});
  if (HasFailure()) std::cout << probed.report;
}

}  // namespace
}  // namespace linespec::conformance::testing
