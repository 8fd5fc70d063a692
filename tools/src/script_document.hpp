// The reports of `linespec replay` and `linespec fuzz` in the form of the JSON report
// of `linespec run` (json_reporter.hpp), so that one HTML page shows both: each script
// run is a case with its verdict, failures, evidence, transcripts and replay command.
// Builds values; main() thread only.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "html_report.hpp"
#include "linespec/harness/replay.hpp"
#include "linespec/harness/script.hpp"
#include "linespec/protocol/profile.hpp"

namespace linespec::tools {

// One script run as a report case.
struct ScriptCase {
  std::string id;           // e.g. the script's file name, or "fuzz/seed-7"
  std::string section;      // "replay" or "fuzz": how the page groups it
  std::string description;  // one line: what was run
  std::string replay_command;
  std::chrono::microseconds elapsed{0};
};

class ScriptDocument {
 public:
  // `profile_source`: the --profile argument as typed.
  ScriptDocument(std::string_view target, const Profile& profile, std::string_view profile_source);

  // A run that was judged: PASS when every connection passed and `failure` is empty,
  // FAIL otherwise, with the failures, the evidence of the first failing connection
  // and every transcript.
  void add(const ScriptCase& info, const harness::Script& script, const harness::ScriptResult& result,
           std::string_view failure = {});
  // A case with a verdict ("PASS", "FAIL", "INFO") and a message only (e.g. fuzzing
  // found nothing).
  void add_note(const ScriptCase& info, std::string_view verdict, std::string_view message);
  // Extra top-level facts, e.g. "fuzz": {seed, conversations}.
  void set(const std::string& key, nlohmann::ordered_json value) { document_[key] = std::move(value); }

  // The document with its summary; call once, at the end.
  nlohmann::ordered_json finish(std::chrono::microseconds elapsed);

 private:
  nlohmann::ordered_json document_;
  nlohmann::ordered_json cases_ = nlohmann::ordered_json::array();
  std::size_t passed_ = 0;
  std::size_t failed_ = 0;
};

// The smallest document in the JSON report's form for a run that never got going
// (the target could not be reached): versions, target and profile; no cases.
nlohmann::ordered_json unstarted_document(std::string_view target, std::string_view profile_name,
                                          std::string_view profile_source);

// Ends a command that may have an --html report: writes `report` to `file` (if any)
// unless `exit_code` is a usage error, which writes nothing and removes the file.
// Returns `exit_code`, or 1 (with a line on stderr) if the page could not be written
// after a run that passed.
int finish_html_report(std::optional<HtmlReportFile>& file, int exit_code, const nlohmann::ordered_json& report,
                       HtmlRunInfo run);

}  // namespace linespec::tools
