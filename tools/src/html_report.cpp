#include "html_report.hpp"

#include <cstdio>
#include <ctime>
#include <utility>

#include "report_file.hpp"

namespace linespec::tools {
namespace {

constexpr std::string_view kDataMarker = "<!-- linespec:data -->";

std::string utc_text(std::chrono::system_clock::time_point when) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S UTC", &parts);
  return text;
}

}  // namespace

nlohmann::ordered_json html_report_data(const nlohmann::ordered_json& report, const HtmlRunInfo& run) {
  using std::chrono::duration;
  nlohmann::ordered_json data;
  data["command"] = run.command;
  data["exit_code"] = run.exit_code;
  data["error"] = run.error.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(run.error);
  data["generated_at"] = utc_text(run.started);
  data["duration_ms"] = duration<double, std::milli>(std::chrono::steady_clock::now() - run.started_steady).count();
  data["report"] = report;
  return data;
}

std::string embed_json(const nlohmann::ordered_json& data) {
  // Bytes that are not UTF-8 become U+FFFD: the report shows escaped text anyway.
  const std::string text = data.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  std::string safe;
  safe.reserve(text.size() + text.size() / 16);
  for (char c : text) {
    // '<' only occurs inside JSON strings, where \u003c means the same character.
    if (c == '<') {
      safe += "\\u003c";
    } else {
      safe += c;
    }
  }
  return safe;
}

std::string render_html_report(const nlohmann::ordered_json& data) {
  std::string_view page = html_report_template();
  std::string block = "<script type=\"application/json\" id=\"linespec-data\">" + embed_json(data) + "</script>";
  std::size_t at = page.find(kDataMarker);
  if (at == std::string_view::npos) return std::string(page) + block;  // not reached: the template has it
  std::string out;
  out.reserve(page.size() + block.size());
  out += page.substr(0, at);
  out += block;
  out += page.substr(at + kDataMarker.size());
  return out;
}

Result<HtmlReportFile> HtmlReportFile::open(const std::string& path) {
  auto file = open_report_file(path, "--html");
  if (!file) return file.error();
  if (!*file) return usage_error("cannot write the --html report ''");  // no path at all
  return HtmlReportFile(path, std::move(*file));
}

Result<std::optional<HtmlReportFile>> HtmlReportFile::open_if_named(const std::string& path) {
  if (path.empty()) return std::optional<HtmlReportFile>();
  auto file = open(path);
  if (!file) return file.error();
  return std::optional<HtmlReportFile>(std::move(*file));
}

Status HtmlReportFile::write(const nlohmann::ordered_json& report, const HtmlRunInfo& run) {
  if (!file_) return Error{ErrorKind::kIo, "the --html report '" + path_ + "' was already written"};
  *file_ << render_html_report(html_report_data(report, run));
  file_->flush();
  bool ok = static_cast<bool>(*file_);
  file_.reset();
  if (!ok) return Error{ErrorKind::kIo, "cannot write the --html report '" + path_ + "'"};
  return {};
}

void HtmlReportFile::discard() {
  if (!file_) return;
  file_.reset();
  std::remove(path_.c_str());
}

}  // namespace linespec::tools
