#include "script_document.hpp"

#include <utility>

#include "cli_error.hpp"
#include "linespec/conformance/context.hpp"
#include "linespec/harness/transcript.hpp"
#include "linespec/protocol/profile_file.hpp"

namespace linespec::tools {
namespace {

using nlohmann::ordered_json;

constexpr std::size_t kShownBytes = 4096;

std::string_view end_text(harness::ClientEnd end) {
  switch (end) {
    case harness::ClientEnd::kStaysOpen: return "the client stays open";
    case harness::ClientEnd::kHalfClose: return "after the client's half-close";
    case harness::ClientEnd::kFullClose: return "before the client's close";
    case harness::ClientEnd::kReset: return "before the client's reset";
  }
  return "";
}

double milliseconds(std::chrono::microseconds elapsed) { return static_cast<double>(elapsed.count()) / 1000.0; }

ordered_json base_case(const ScriptCase& info, std::string_view verdict) {
  ordered_json entry;
  entry["id"] = info.id;
  entry["section"] = info.section;
  entry["requirement"] = "";
  entry["level"] = "MUST";
  entry["description"] = info.description;
  entry["verdict"] = verdict;
  entry["message"] = "";
  entry["evidence"] = nullptr;
  entry["replay_command"] = info.replay_command;
  entry["elapsed_ms"] = milliseconds(info.elapsed);
  return entry;
}

}  // namespace

ScriptDocument::ScriptDocument(std::string_view target, const Profile& profile, std::string_view profile_source)
    : document_(unstarted_document(target, profile.name, profile_source)) {
  document_["profile"]["file"] = print_profile(profile);
}

void ScriptDocument::add(const ScriptCase& info, const harness::Script& script, const harness::ScriptResult& result,
                         std::string_view failure) {
  const bool passed = result.passed() && failure.empty();
  ordered_json entry = base_case(info, passed ? "PASS" : "FAIL");
  std::string message(failure);
  ordered_json sessions = ordered_json::array();
  for (const harness::ConnectionOutcome& c : result.connections) {
    for (const std::string& failure : c.failures) message += (message.empty() ? "" : "\n") + c.name + ": " + failure;
    if (!c.passed() && entry["evidence"].is_null()) {
      entry["evidence"] = {{"sent", harness::escape_bytes(c.session.transcript.sent(), kShownBytes)},
                           {"expected", c.model.describe() + ", " + std::string(end_text(c.client_end))},
                           {"received", harness::escape_bytes(c.session.received, kShownBytes) + " (ended: " +
                                            std::string(harness::to_string(c.session.ending)) + ")"}};
    }
    sessions.push_back({{"connection", c.name},
                        {"ending", std::string(harness::to_string(c.session.ending))},
                        {"transcript", c.session.transcript.to_string()}});
  }
  entry["message"] = message;
  entry["script"] = harness::print_script(script);
  entry["script_complete"] = true;
  entry["sessions"] = std::move(sessions);
  entry["sessions_omitted"] = 0;
  ++(passed ? passed_ : failed_);
  cases_.push_back(std::move(entry));
}

void ScriptDocument::add_note(const ScriptCase& info, std::string_view verdict, std::string_view message) {
  ordered_json entry = base_case(info, verdict);
  entry["message"] = message;
  entry["sessions"] = ordered_json::array();
  ++(verdict == "FAIL" ? failed_ : passed_);
  cases_.push_back(std::move(entry));
}

ordered_json ScriptDocument::finish(std::chrono::microseconds elapsed) {
  document_["summary"] = {{"passed", passed_}, {"failed", failed_},   {"warned", 0},
                          {"skipped", 0},      {"xfailed", 0},        {"xpassed", 0},
                          {"ok", failed_ == 0}, {"elapsed_ms", milliseconds(elapsed)}};
  document_["cases"] = std::move(cases_);
  cases_ = ordered_json::array();
  return document_;
}

ordered_json unstarted_document(std::string_view target, std::string_view profile_name,
                                std::string_view profile_source) {
  ordered_json document;
  document["linespec_version"] = std::string(conformance::linespec_version());
  document["spec_version"] = std::string(conformance::kSpecVersion);
  document["target"] = target;
  document["profile"] = {{"name", profile_name}, {"source", profile_source}};
  document["cases"] = ordered_json::array();
  return document;
}

int finish_html_report(std::optional<HtmlReportFile>& file, int exit_code, const nlohmann::ordered_json& report,
                       HtmlRunInfo run) {
  if (!file) return exit_code;
  if (exit_code == kExitUsage) {
    file->discard();
    return exit_code;
  }
  run.exit_code = exit_code;
  Status written = file->write(report, run);
  file.reset();
  if (!written) {
    int code = report_error(written.error());
    return exit_code == kExitOk ? code : exit_code;
  }
  return exit_code;
}

}  // namespace linespec::tools
