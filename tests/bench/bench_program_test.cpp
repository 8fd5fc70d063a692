// linespec-bench against linespec-echo-baseline for about a second: right expectations give
// figures, wrong ones fail with exit 1 and a message naming the mismatch; run_bench() in-process
// gives the same.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "bench_run.hpp"
#include "linespec/bench/load.hpp"
#include "linespec/harness/process.hpp"

namespace linespec::bench {
namespace {

using namespace std::chrono_literals;
using harness::Command;

const std::string& kBin = kBinDir;

class BenchProgram : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = harness::spawn_server(Command::program({kBin + "/linespec-echo-baseline", "--listen",
                                                          "tcp:127.0.0.1:0", "--threads", "1"}));
    ASSERT_TRUE(server) << server.error().message;
    server_.emplace(std::move(*server));
    target_ = server_->address().to_string();
  }

  // A short run: few connections so parallel tests stay light.
  Finished bench(std::vector<std::string> extra) {
    std::vector<std::string> argv = {kBin + "/linespec-bench", target_, "--connections", "4",     "--depth", "4",
                                     "--seconds",              "0.5",   "--warmup",      "0.1",   "--threads", "1"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return run_program(argv);
  }

  std::optional<harness::SpawnedServer> server_;
  std::string target_;
};

TEST_F(BenchProgram, StreamProfileAgainstTheEchoBaselinePrintsFigures) {
  Finished r = bench({"--profile", "stream"});
  EXPECT_EQ(r.status, (harness::ExitStatus{harness::ExitStatus::Kind::kExited, 0})) << r.err;
  EXPECT_NE(r.out.find("records/s"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("latency     p50 "), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("records     0 "), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("4 connections open"), std::string::npos) << r.err;
}

TEST_F(BenchProgram, ExpectingAGreetingTheBaselineNeverSendsFailsWithExit1) {
  Finished r = bench({"--profile", "seed", "--timeout", "300"});
  EXPECT_EQ(r.status.code, 1) << r.status.to_string() << "\n" << r.err;
  EXPECT_NE(r.err.find("no greeting within 300 ms (expected \"connect\\n\""), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");  // never figures from a failed run
}

TEST_F(BenchProgram, ExpectingAcksFromAnEchoServerFailsNamingTheWrongReply) {
  char dir[] = "/tmp/linespec-bench-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  std::string path = std::string(dir) + "/ack-no-greeting.profile";
  std::ofstream(path) << "base = seed\ngreeting = none\n";
  Finished r = bench({"--profile", path});
  unlink(path.c_str());
  rmdir(dir);
  EXPECT_EQ(r.status.code, 1) << r.status.to_string() << "\n" << r.err;
  EXPECT_NE(r.err.find("wrong reply to record 0"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("expected \"Information Received\\n\""), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST_F(BenchProgram, BadUsageExits2WithOneLine) {
  for (std::vector<std::string> extra : std::vector<std::vector<std::string>>{
           {"--no-such-flag"}, {"--profile", "no-such-profile"}, {"--record-size", "2000"}, {"--seconds", "0"}}) {
    Finished r = bench(extra);
    EXPECT_EQ(r.status.code, 2) << extra[0] << ": " << r.err;
    EXPECT_FALSE(r.err.empty()) << extra[0];
  }
}

TEST(BenchProgramAlone, UnreachableTargetExits3) {
  auto port = harness::pick_free_loopback_port();  // free a moment ago: nothing listens there
  ASSERT_TRUE(port) << port.error().message;
  Finished r = run_program({kBin + "/linespec-bench", "tcp:127.0.0.1:" + std::to_string(*port), "--seconds", "0.2"});
  EXPECT_EQ(r.status.code, 3) << r.err;
  EXPECT_NE(r.err.find("cannot connect to tcp:127.0.0.1:"), std::string::npos) << r.err;
}

TEST_F(BenchProgram, RunBenchInProcessCountsEveryByteBothWays) {
  BenchOptions options;
  options.target = target_;
  options.profile = "stream";
  options.connections = 3;
  options.depth = 2;
  options.record_size = 100;
  options.seconds = 0.3;
  options.warmup = 0.05;
  options.threads = 2;
  auto config = make_bench_config(options);
  ASSERT_TRUE(config) << config.error().message;
  std::vector<std::string> notices;
  config->on_notice = [&](std::string_view line) { notices.emplace_back(line); };
  auto report = run_bench(*config);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_GT(report->records, 0u);
  EXPECT_EQ(report->latency.count, report->records);
  EXPECT_LE(report->latency.p50, report->latency.p99);
  EXPECT_LE(report->latency.p99, report->latency.max);
  EXPECT_EQ(report->threads, 2u);
  // Stream replies are the request bytes: within the window, what came back trails what went
  // out by at most the records in flight.
  EXPECT_LE(report->bytes_received, report->bytes_sent + 3 * 2 * 100);
  EXPECT_NE(std::find(notices.begin(), notices.end(), "3 connections open"), notices.end());
  std::string json = report_json(*report);
  EXPECT_NE(json.find("\"records\": " + std::to_string(report->records) + ","), std::string::npos) << json;
  EXPECT_NE(json.find("\"p99_9\": "), std::string::npos) << json;
}

TEST_F(BenchProgram, IdleConnectionsStayOpenWithoutTraffic) {
  BenchOptions options;
  options.target = target_;
  options.profile = "stream";
  options.connections = 200;
  options.depth = 0;
  options.seconds = 0.2;
  options.warmup = 0;
  auto config = make_bench_config(options);
  ASSERT_TRUE(config) << config.error().message;
  auto report = run_bench(*config);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report->records, 0u);
  EXPECT_EQ(report->bytes_sent, 0u);
}

TEST(BenchUnixSocket, StreamProfileOverAUnixSocket) {
  char dir[] = "/tmp/lsb-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  std::string address = "unix:" + std::string(dir) + "/s";
  {
    auto server = harness::spawn_server(
        Command::program({kBin + "/linespec-echo-baseline", "--listen", address, "--threads", "2"}));
    ASSERT_TRUE(server) << server.error().message;
    Finished r = run_program({kBin + "/linespec-bench", address, "--profile", "stream", "--connections", "4",
                              "--seconds", "0.3", "--warmup", "0.05"});
    EXPECT_EQ(r.status.code, 0) << r.err;
    EXPECT_NE(r.out.find("target      " + address), std::string::npos) << r.out;
    server->process().terminate();
    auto status = server->process().wait(5s);
    ASSERT_TRUE(status);
    EXPECT_TRUE(status->success()) << status->to_string();  // SIGTERM: a clean exit 0
  }
  EXPECT_NE(access((std::string(dir) + "/s").c_str(), F_OK), 0) << "socket file left behind";
  rmdir(dir);
}

}  // namespace
}  // namespace linespec::bench
