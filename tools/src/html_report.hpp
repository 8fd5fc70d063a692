// The HTML report (--html FILE): one self-contained page, the template compiled into
// the program (report.html) plus the report's data as a JSON block that the page's
// inline script renders. Builds strings and writes one file; main() thread only.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "linespec/protocol/result.hpp"

namespace linespec::tools {

// How the run that the report shows went, beyond what its JSON document says.
struct HtmlRunInfo {
  explicit HtmlRunInfo(std::string command_name) : command(std::move(command_name)) {}

  std::string command;  // "run", "test-client", "fuzz", "replay"
  int exit_code = 0;
  std::string error;  // why nothing (more) ran, e.g. the target was unreachable
  std::chrono::system_clock::time_point started = std::chrono::system_clock::now();
  std::chrono::steady_clock::time_point started_steady = std::chrono::steady_clock::now();
};

// The data block the page renders: {command, exit_code, error, generated_at,
// duration_ms, report}, `report` being a document in the form of the JSON report.
nlohmann::ordered_json html_report_data(const nlohmann::ordered_json& report, const HtmlRunInfo& run);

// `data` as the text of a <script type="application/json"> element: every '<' is
// written as \u003c, so that no byte of a server can close the element or open another.
std::string embed_json(const nlohmann::ordered_json& data);

// The whole page: the template with the data block in place.
std::string render_html_report(const nlohmann::ordered_json& data);

// The template compiled into the program (generated from report.html).
std::string_view html_report_template();

// The --html file, opened before anything runs so that a bad path is a usage error,
// and removed again if the run ends in a usage error after all.
class HtmlReportFile {
 public:
  static Result<HtmlReportFile> open(const std::string& path);
  // open(path), or nothing when `path` is empty (no --html given).
  static Result<std::optional<HtmlReportFile>> open_if_named(const std::string& path);

  // Writes the page for `report` and `run`; kIo if the file could not be written.
  Status write(const nlohmann::ordered_json& report, const HtmlRunInfo& run);
  // Removes the file: nothing was run worth reporting (bad usage).
  void discard();

 private:
  HtmlReportFile(std::string path, std::unique_ptr<std::ofstream> file)
      : path_(std::move(path)), file_(std::move(file)) {}

  std::string path_;
  std::unique_ptr<std::ofstream> file_;
};

}  // namespace linespec::tools
