// What the report tests share: running `linespec` with --html, reading the page back
// and pulling out the data block it embeds. One thread.
#pragma once

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "linespec/harness/process.hpp"
#include "linespec_test/temp_dir.hpp"

namespace linespec::report_testing {

inline const std::string kLinespec = std::string(LINESPEC_BIN_DIR) + "/linespec";
inline const std::string kServer = std::string(LINESPEC_BIN_DIR) + "/linespec-server";
inline const std::string kDataOpen = "<script type=\"application/json\" id=\"linespec-data\">";

// A fresh folder under /tmp, removed with everything in it when the test ends.
using TempDir = testing::TempDir;

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

// Runs `linespec ARGS...` to its end (bounded) and returns its exit code, or -1.
inline int run_linespec(std::vector<std::string> args, std::chrono::seconds bound = std::chrono::seconds(150)) {
  args.insert(args.begin(), kLinespec);
  harness::ProcessOptions options;
  options.stdout_mode = harness::StreamMode::kNull;
  options.stderr_mode = harness::StreamMode::kCapture;
  auto child = harness::ChildProcess::start(harness::Command::program(args), options);
  if (!child) {
    ADD_FAILURE() << child.error().message;
    return -1;
  }
  auto status = child->wait(bound);
  if (!status) {
    ADD_FAILURE() << "linespec did not end within " << bound.count() << " s";
    return -1;
  }
  EXPECT_EQ(status->kind, harness::ExitStatus::Kind::kExited) << status->to_string();
  return status->code;
}

// A fixture server (tests/fixtures) on a free loopback port, stopped when the test ends.
inline harness::SpawnedServer start_fixture(const std::string& name) {
  auto server = harness::spawn_server(harness::Command::program(
      {std::string(LINESPEC_FIXTURE_DIR) + "/fixture-" + name, "--listen", "tcp:127.0.0.1:0"}));
  if (!server) throw std::runtime_error(server.error().message);
  return std::move(*server);
}

// The text of the page's data block, as embedded (still escaped).
inline std::string data_block(const std::string& page) {
  auto open = page.find(kDataOpen);
  if (open == std::string::npos) return {};
  open += kDataOpen.size();
  auto close = page.find("</script>", open);
  if (close == std::string::npos) return {};
  return page.substr(open, close - open);
}

// The page's data block, parsed; ADD_FAILURE and null if it does not parse.
inline nlohmann::json page_data(const std::string& page) {
  std::string block = data_block(page);
  auto data = nlohmann::json::parse(block, nullptr, false);
  if (data.is_discarded()) ADD_FAILURE() << "the data block does not parse: " << block.substr(0, 200);
  return data;
}

// Nothing the page would fetch: no URL, no src attribute, no external stylesheet,
// outside the data block (whose text is data, and shown escaped).
inline void expect_self_contained(std::string page) {
  if (auto block = data_block(page); !block.empty()) page.erase(page.find(block), block.size());
  EXPECT_EQ(page.find("http://"), std::string::npos);
  EXPECT_EQ(page.find("https://"), std::string::npos);
  EXPECT_EQ(page.find("src="), std::string::npos);
  EXPECT_EQ(page.find("<link"), std::string::npos);
  EXPECT_EQ(page.find("@import"), std::string::npos);
}

// Exactly the template's script elements: the data block and the renderer.
inline void expect_two_script_elements(const std::string& page) {
  std::size_t count = 0;
  for (auto at = page.find("<script"); at != std::string::npos; at = page.find("<script", at + 1)) ++count;
  EXPECT_EQ(count, 2u);
  std::size_t closes = 0;
  for (auto at = page.find("</script"); at != std::string::npos; at = page.find("</script", at + 1)) ++closes;
  EXPECT_EQ(closes, 2u);
}

}  // namespace linespec::report_testing
