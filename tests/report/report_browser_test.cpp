// The --html page as a browser renders it: headless Chromium runs the page's script
// (--dump-dom), and the rendered counts, a failing case's timeline and the escaped
// bytes of a hostile server are checked against the JSON report of the same run.
// Skipped when no Chromium is installed (LINESPEC_CHROMIUM names one elsewhere).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <regex>
#include <string>
#include <vector>

#include "report_page.hpp"

namespace linespec::report_testing {
namespace {

using nlohmann::json;

std::string find_chromium() {
  if (const char* named = std::getenv("LINESPEC_CHROMIUM"); named != nullptr && *named != '\0') return named;
  for (const char* path : {"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"}) {
    if (access(path, X_OK) == 0) return path;
  }
  return {};
}

// Runs headless Chromium on `url` with `flags`, its stdout into `out`, bounded in time;
// its whole process group is killed if it does not end.
bool run_chromium(const std::string& chromium, const TempDir& dir, std::vector<std::string> flags,
                  const std::string& url, const std::string& out) {
  std::vector<std::string> argv = {"/bin/sh", "-c", "out=$1; shift; exec \"$@\" >\"$out\" 2>/dev/null", "sh", out,
                                   chromium, "--headless", "--disable-gpu", "--no-sandbox",
                                   "--no-first-run", "--user-data-dir=" + dir.file("profile")};
  argv.insert(argv.end(), flags.begin(), flags.end());
  argv.push_back(url);
  auto child = harness::ChildProcess::start(harness::Command::program(argv));
  if (!child) {
    ADD_FAILURE() << child.error().message;
    return false;
  }
  auto status = child->wait(std::chrono::seconds(60));
  if (!status) {
    child->kill();
    ADD_FAILURE() << "chromium did not end within 60 s";
    return false;
  }
  EXPECT_TRUE(status->success()) << status->to_string();
  return status->success();
}

// The page as rendered; `fragment` e.g. "#case=ID" opens that case.
std::string dump_dom(const std::string& chromium, const TempDir& dir, const std::string& page,
                     const std::string& fragment = {}) {
  const std::string out = dir.file("dom.html");
  if (!run_chromium(chromium, dir, {"--dump-dom"}, "file://" + page + fragment, out)) return {};
  return read_file(out);
}

// The value of `attribute` on the element with id `id`, or -1.
long count_attribute(const std::string& dom, const std::string& id, const std::string& attribute) {
  auto at = dom.find("id=\"" + id + "\"");
  if (at == std::string::npos) return -1;
  auto open = dom.rfind('<', at);
  auto close = dom.find('>', at);
  std::string tag = dom.substr(open, close - open);
  std::smatch match;
  if (!std::regex_search(tag, match, std::regex(attribute + "=\"([0-9]+)\""))) return -1;
  return std::stol(match[1]);
}

class ReportBrowser : public ::testing::Test {
 protected:
  void SetUp() override {
    chromium_ = find_chromium();
    if (chromium_.empty()) GTEST_SKIP() << "no chromium found (set LINESPEC_CHROMIUM)";
  }
  std::string chromium_;
};

TEST_F(ReportBrowser, RenderedCountsAndTimelineMatchTheJsonReport) {
  TempDir dir;
  auto server = start_fixture("first-record-only");
  const std::string page = dir.file("r.html");
  EXPECT_EQ(run_linespec({"run", server.address().to_string(), "--html", page, "--json", dir.file("r.json")}), 1);
  json report = json::parse(read_file(dir.file("r.json")), nullptr, false);
  ASSERT_FALSE(report.is_discarded());

  std::string dom = dump_dom(chromium_, dir, page);
  ASSERT_NE(dom.find("data-rendered=\"true\""), std::string::npos) << "the page's script did not run";
  const json& summary = report["summary"];
  EXPECT_EQ(count_attribute(dom, "summary", "data-count-total"), static_cast<long>(report["cases"].size()));
  EXPECT_EQ(count_attribute(dom, "summary", "data-count-fail"), summary["failed"].get<long>());
  EXPECT_EQ(count_attribute(dom, "summary", "data-count-warn"), summary["warned"].get<long>());
  EXPECT_EQ(count_attribute(dom, "summary", "data-count-na"), summary["skipped"].get<long>());
  EXPECT_EQ(count_attribute(dom, "summary", "data-count-pass") + count_attribute(dom, "summary", "data-count-info"),
            summary["passed"].get<long>());
  ASSERT_GT(summary["failed"].get<long>(), 0);

  // A failing case is open, with its timeline: the greeting it received, escaped.
  std::string failing;
  for (const json& c : report["cases"]) {
    if (c["verdict"] == "FAIL") {
      failing = c["id"];
      break;
    }
  }
  const std::string row = "<tr class=\"ev\" data-case-id=\"" + failing + "\" data-conn=\"a\" data-dir=\"received\">";
  auto at = dom.find(row);
  ASSERT_NE(at, std::string::npos) << failing << " has no timeline row in the rendered page";
  std::string row_text = dom.substr(at, dom.find("</tr>", at) - at);
  EXPECT_NE(row_text.find("\"connect\\n"), std::string::npos) << row_text;
  EXPECT_NE(dom.find("class=\"replay-command\""), std::string::npos);

  // The screenshot of that case, opened by #case=ID.
  const std::string png = dir.file("r.png");
  ASSERT_TRUE(run_chromium(chromium_, dir, {"--screenshot=" + png, "--window-size=1280,1600", "--hide-scrollbars"},
                           "file://" + page + "#case=" + failing, dir.file("shot.out")));
  std::string image = read_file(png);
  ASSERT_GT(image.size(), 1000u);
  EXPECT_EQ(image.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
}

TEST_F(ReportBrowser, HostileServerBytesRenderAsText) {
  TempDir dir;
  auto server = harness::spawn_server(
      harness::Command::program({kServer, "--listen", "tcp:127.0.0.1:0", "--profile", "echo"}));
  ASSERT_TRUE(server) << server.error().message;
  write_file(dir.file("echo.script"),
             "# linespec script v1\nprofile echo\nconn a\n"
             "a send \"</script><script>document.title='owned'</script><img src=x onerror=alert(1)>\\n\"\n"
             "a half-close\n");
  const std::string page = dir.file("r.html");
  EXPECT_EQ(run_linespec({"replay", server->address().to_string(), dir.file("echo.script"), "--html", page}), 0);
  // A passing case opens on request only: #case=ID renders its timeline.
  std::string dom = dump_dom(chromium_, dir, page, "#case=" + dir.file("echo.script"));
  ASSERT_NE(dom.find("data-rendered=\"true\""), std::string::npos);
  EXPECT_NE(dom.find("data-dir=\"received\""), std::string::npos) << "the case did not open";
  EXPECT_EQ(dom.find("<img"), std::string::npos);
  EXPECT_NE(dom.find("&lt;script&gt;document.title="), std::string::npos);
  EXPECT_NE(dom.find("<title>linespec report</title>"), std::string::npos);
}

}  // namespace
}  // namespace linespec::report_testing
