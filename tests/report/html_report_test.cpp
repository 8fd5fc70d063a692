// The page built from crafted data: self-contained, its data block parses back to the
// data, and bytes from a hostile server can neither close the block nor add markup.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>

#include "html_report.hpp"
#include "report_page.hpp"

namespace linespec::tools {
namespace {

using nlohmann::ordered_json;
using report_testing::data_block;
using report_testing::page_data;

const std::string kHostile = "</script><script>alert(1)</script><!--<script>";

ordered_json hostile_report() {
  ordered_json c;
  c["id"] = "reply/1";
  c["requirement"] = "REPLY-1";
  c["level"] = "MUST";
  c["description"] = "<b>bold</b> & </SCRIPT >";
  c["verdict"] = "FAIL";
  c["message"] = kHostile;
  c["evidence"] = {{"sent", "\"a\\n\""}, {"expected", "exactly \"ack\\n\""}, {"received", kHostile}};
  c["replay_command"] = "linespec run tcp:127.0.0.1:1 --case reply/1";
  c["sessions"] = ordered_json::array(
      {{{"connection", "a"}, {"ending", "peer closed"}, {"transcript", "+     0.100ms recv      \"" + kHostile + "\"\n"}}});
  ordered_json report;
  report["linespec_version"] = "0.1.0";
  report["target"] = "tcp:127.0.0.1:1</script>";
  report["summary"] = {{"passed", 0}, {"failed", 1}, {"ok", false}};
  report["cases"] = ordered_json::array({c});
  return report;
}

TEST(HtmlReport, TemplateIsOnePageWithAPlaceForTheData) {
  std::string_view page = html_report_template();
  EXPECT_EQ(page.substr(0, 15), "<!DOCTYPE html>");
  EXPECT_NE(page.find("<!-- linespec:data -->"), std::string_view::npos);
  report_testing::expect_self_contained(std::string(page));
}

TEST(HtmlReport, DataBlockParsesBackToTheData) {
  HtmlRunInfo run("run");
  run.exit_code = 1;
  ordered_json data = html_report_data(hostile_report(), run);
  std::string page = render_html_report(data);
  nlohmann::json parsed = page_data(page);
  EXPECT_EQ(parsed["command"], "run");
  EXPECT_EQ(parsed["exit_code"], 1);
  EXPECT_EQ(parsed["report"]["cases"][0]["message"], kHostile);
  EXPECT_EQ(parsed["report"]["cases"][0]["evidence"]["received"], kHostile);
  EXPECT_EQ(parsed["report"]["target"], "tcp:127.0.0.1:1</script>");
}

TEST(HtmlReport, HostileBytesCannotCloseTheDataBlockOrAddMarkup) {
  std::string page = render_html_report(html_report_data(hostile_report(), HtmlRunInfo{"run"}));
  std::string block = data_block(page);
  EXPECT_EQ(block.find('<'), std::string::npos) << "a '<' in the data block could start a tag";
  EXPECT_EQ(page.find("<script>alert"), std::string::npos);
  EXPECT_EQ(page.find("<b>bold"), std::string::npos);
  EXPECT_EQ(page.find("<!--<script"), std::string::npos);
  report_testing::expect_two_script_elements(page);
  report_testing::expect_self_contained(page);
}

TEST(HtmlReport, BytesThatAreNotUtf8DoNotBreakThePage) {
  ordered_json report = hostile_report();
  report["cases"][0]["message"] = std::string("\xff\xfe raw \x80", 9);
  std::string page = render_html_report(html_report_data(report, HtmlRunInfo{"replay"}));
  nlohmann::json parsed = page_data(page);
  EXPECT_TRUE(parsed["report"]["cases"][0]["message"].is_string());
}

TEST(HtmlReport, EmbedJsonEscapesEveryLessThan) {
  ordered_json data = {{"a", "</script>"}, {"b", "<<"}};
  std::string text = embed_json(data);
  EXPECT_EQ(text.find('<'), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(text)["a"], "</script>");
  EXPECT_EQ(nlohmann::json::parse(text)["b"], "<<");
}

TEST(HtmlReportFile, UnwritablePathIsAUsageError) {
  auto file = HtmlReportFile::open("/nonexistent-dir/report.html");
  ASSERT_FALSE(file);
  EXPECT_EQ(file.error().kind, ErrorKind::kUsage);
  EXPECT_NE(file.error().message.find("/nonexistent-dir/report.html"), std::string::npos);
}

TEST(HtmlReportFile, DiscardRemovesTheFile) {
  report_testing::TempDir dir;
  std::string path = dir.file("r.html");
  auto file = HtmlReportFile::open(path);
  ASSERT_TRUE(file) << file.error().message;
  EXPECT_TRUE(std::filesystem::exists(path));
  file->discard();
  EXPECT_FALSE(std::filesystem::exists(path));
}

}  // namespace
}  // namespace linespec::tools
