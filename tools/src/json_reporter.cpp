#include "json_reporter.hpp"

#include <chrono>

#include "linespec/harness/script.hpp"
#include "linespec/protocol/profile_file.hpp"

namespace linespec::tools {
namespace {

using nlohmann::ordered_json;

double milliseconds(std::chrono::microseconds elapsed) { return static_cast<double>(elapsed.count()) / 1000.0; }

}  // namespace

void JsonReporter::on_start(const conformance::RunStart& start) {
  report_["linespec_version"] = std::string(conformance::linespec_version());
  report_["spec_version"] = std::string(start.spec_version);
  report_["target"] = start.config.target.to_string();
  report_["profile"] = {{"name", start.config.profile.name},
                        {"source", start.config.profile_source},
                        {"file", print_profile(start.config.profile)}};
  report_["timeout_ms"] = start.config.timeout.count();
  report_["jobs"] = start.jobs;
  if (!start.jobs_note.empty()) report_["jobs_note"] = start.jobs_note;
  report_["strict"] = start.strict;
}

void JsonReporter::on_result(const conformance::CaseResult& result) {
  const conformance::Case& c = *result.test_case;
  const conformance::Outcome& o = result.outcome;
  ordered_json entry;
  entry["id"] = c.id;
  entry["requirement"] = c.requirement;
  entry["level"] = std::string(conformance::to_string(c.level));
  entry["description"] = c.description;
  entry["verdict"] = std::string(conformance::to_string(result.verdict));
  entry["message"] = o.message;
  if (o.has_evidence) {
    entry["evidence"] = {{"sent", o.sent}, {"expected", o.expected}, {"received", o.received}};
  } else {
    entry["evidence"] = nullptr;
  }
  entry["replay_command"] = result.replay;
  entry["elapsed_ms"] = milliseconds(result.elapsed);
  const conformance::CaseRecording& recording = result.recording;
  entry["script"] = harness::print_script(recording.script);
  entry["script_complete"] = recording.script_complete;
  ordered_json sessions = ordered_json::array();
  for (const conformance::SessionRecord& session : recording.sessions) {
    sessions.push_back({{"connection", session.connection},
                        {"ending", session.ending},
                        {"transcript", session.transcript}});
  }
  entry["sessions"] = std::move(sessions);
  entry["sessions_omitted"] = recording.sessions_omitted;
  cases_.push_back(std::move(entry));
}

void JsonReporter::on_finish(const conformance::RunSummary& summary) {
  report_["summary"] = {{"passed", summary.passed},   {"failed", summary.failed},
                        {"warned", summary.warned},   {"skipped", summary.skipped},
                        {"xfailed", summary.xfailed}, {"xpassed", summary.xpassed},
                        {"ok", summary.ok() && !summary.interrupted},
                        {"elapsed_ms", milliseconds(summary.elapsed)},
                        {"interrupted", summary.interrupted},
                        {"selected", summary.total}};
  report_["cases"] = std::move(cases_);
  // Evidence and transcripts are escaped text already; replace keeps a stray byte
  // from making the whole report unwritable.
  if (out_ == nullptr) return;
  *out_ << report_.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
  out_->flush();
}

}  // namespace linespec::tools
