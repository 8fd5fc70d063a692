#include "linespec/conformance/case_session.hpp"

#include <utility>

namespace linespec::conformance {

using harness::ScriptStep;

std::string CaseRecording::open_connection() {
  ++connections_;
  std::string name = connections_ <= 26 ? std::string(1, static_cast<char>('a' + connections_ - 1))
                                        : "c" + std::to_string(connections_);
  add_step(ScriptStep::connect(name));
  return name;
}

void CaseRecording::add_step(ScriptStep step) {
  if (!script_complete) return;
  if (script.steps.size() >= kMaxScriptSteps) {
    script_complete = false;
    return;
  }
  script.steps.push_back(std::move(step));
}

void CaseRecording::add_session(const std::string& connection, const harness::SessionResult& result) {
  if (sessions.size() >= kMaxSessions) {
    ++sessions_omitted;
    return;
  }
  std::string ending(harness::to_string(result.ending));
  if (result.error) ending += ": " + result.error->message;
  sessions.push_back({connection, std::move(ending), result.transcript.to_string()});
}

CaseSession::CaseSession(harness::Session session, std::string name, CaseRecording& recording)
    : session_(std::move(session)), name_(std::move(name)), recording_(&recording) {}

CaseSession::CaseSession(CaseSession&& other) noexcept
    : session_(std::move(other.session_)),
      name_(std::move(other.name_)),
      recording_(other.recording_),
      notes_(std::move(other.notes_)) {
  other.session_.reset();
}

CaseSession& CaseSession::operator=(CaseSession&& other) noexcept {
  if (this != &other) {
    if (session_) finish();
    session_ = std::move(other.session_);
    other.session_.reset();
    name_ = std::move(other.name_);
    recording_ = other.recording_;
    notes_ = std::move(other.notes_);
  }
  return *this;
}

CaseSession::~CaseSession() {
  if (session_) finish();
}

void CaseSession::record(ScriptStep step) {
  if (!session_->ended()) recording_->add_step(std::move(step));
}

void CaseSession::resume() {
  // drain() with no quiet time restarts the inactivity clock and returns at once.
  if (!session_->ended()) session_->drain(std::chrono::milliseconds(0));
}

bool CaseSession::send(std::string_view bytes, bool wait_consumed) {
  resume();
  record(ScriptStep::send(name_, std::string(bytes)));
  return session_->send(bytes, wait_consumed);
}

bool CaseSession::expect(std::size_t total_bytes) {
  resume();
  return session_->expect(total_bytes);
}

bool CaseSession::pause(std::chrono::milliseconds duration) {
  resume();
  record(ScriptStep::pause_for(duration));
  return session_->pause(duration);
}

bool CaseSession::drain(std::chrono::milliseconds quiet) {
  record(ScriptStep::pause_for(quiet));
  return session_->drain(quiet);
}

bool CaseSession::close(harness::CloseMode mode) {
  resume();
  switch (mode) {
    case harness::CloseMode::kHalfClose: record(ScriptStep::half_close(name_)); break;
    case harness::CloseMode::kFull: record(ScriptStep::close(name_)); break;
    case harness::CloseMode::kReset: record(ScriptStep::reset(name_)); break;
  }
  return session_->close(mode);
}

bool CaseSession::run(const harness::Plan& plan) {
  for (const harness::Step& step : plan) {
    bool going = true;
    switch (step.kind) {
      case harness::Step::Kind::kSend: going = send(step.bytes, step.wait_consumed); break;
      case harness::Step::Kind::kPause: going = pause(step.duration); break;
      case harness::Step::Kind::kExpect: going = expect(step.total_bytes); break;
      case harness::Step::Kind::kDrain: going = drain(step.duration); break;
      case harness::Step::Kind::kClose: going = close(step.close_mode); break;
    }
    if (!going) return false;
  }
  return !ended();
}

Status CaseSession::write_without_reading(std::string_view bytes, harness::Deadline deadline) {
  if (session_->ended()) return Error{ErrorKind::kIo, "the session has already ended"};
  resume();
  record(ScriptStep::send(name_, std::string(bytes)));
  notes_ += "(" + std::to_string(bytes.size()) + " bytes written without reading, outside this transcript)\n";
  return session_->connection().write_all(bytes, deadline);
}

void CaseSession::record_written(std::size_t count, char byte) {
  constexpr std::size_t kLongestRecorded = 8u << 20;
  if (count == 0) return;
  if (count > kLongestRecorded) {
    recording_->script_complete = false;
  } else {
    record(ScriptStep::send(name_, std::string(count, byte)));
  }
  notes_ += "(" + std::to_string(count) + " bytes written without reading, outside this transcript)\n";
}

harness::SessionResult CaseSession::finish() {
  harness::SessionResult result = session_->finish();
  session_.reset();
  recording_->add_session(name_, result);
  if (!notes_.empty() && !recording_->sessions.empty() && recording_->sessions.back().connection == name_) {
    recording_->sessions.back().transcript.insert(0, notes_);
  }
  return result;
}

}  // namespace linespec::conformance
