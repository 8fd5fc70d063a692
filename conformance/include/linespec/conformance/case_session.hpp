// One connection of a conformance case, recorded as it runs: every action becomes a
// step of the case's replay script (harness/script.hpp) and the transcript is kept
// for the reports. A CaseSession belongs to the thread running its case and must not
// outlive the CaseContext that opened it; the CaseRecording is that context's.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "linespec/harness/script.hpp"
#include "linespec/harness/session.hpp"
#include "linespec/protocol/result.hpp"

namespace linespec::conformance {

// One connection as the reports show it.
struct SessionRecord {
  std::string connection;  // its name in the replay script: "a", "b", ...
  std::string ending;      // harness::to_string(Ending), e.g. "peer closed"
  std::string transcript;  // harness::Transcript::to_string()
};

// What one case did: the script that replays its conversation, and the transcripts
// of its first kMaxSessions connections.
struct CaseRecording {
  static constexpr std::size_t kMaxSessions = 16;
  static constexpr std::size_t kMaxScriptSteps = 20000;

  harness::Script script;
  bool script_complete = true;  // false once the case did more than kMaxScriptSteps
  std::vector<SessionRecord> sessions;
  std::size_t sessions_omitted = 0;

  // A fresh connection name ("a" ... "z", then "c27", "c28", ...) and its conn step.
  std::string open_connection();
  void add_step(harness::ScriptStep step);
  void add_session(const std::string& connection, const harness::SessionResult& result);

 private:
  std::size_t connections_ = 0;
};

class CaseSession {
 public:
  CaseSession(harness::Session session, std::string name, CaseRecording& recording);
  CaseSession(CaseSession&& other) noexcept;
  CaseSession& operator=(CaseSession&& other) noexcept;
  CaseSession(const CaseSession&) = delete;
  CaseSession& operator=(const CaseSession&) = delete;
  // Records the transcript if finish() was not called.
  ~CaseSession();

  // As harness::Session; each returns false once the session has ended. The
  // inactivity timeout counts only while this session waits for the server: time
  // the case spent on other connections meanwhile is not the server's silence.
  bool send(std::string_view bytes, bool wait_consumed = true);
  bool expect(std::size_t total_bytes);
  bool pause(std::chrono::milliseconds duration);
  bool drain(std::chrono::milliseconds quiet);
  bool close(harness::CloseMode mode);
  bool run(const harness::Plan& plan);

  // Writes `bytes` whole without reading anything meanwhile (a client that reads
  // only after it sent everything). Errors: kTimeout when the bytes did not fit
  // before `deadline` (the server stopped reading), kIo on reset or failure.
  Status write_without_reading(std::string_view bytes, harness::Deadline deadline);

  // Records `count` × `byte` written through session().connection() directly, which
  // bypasses the transcript and the script.
  void record_written(std::size_t count, char byte);

  bool ended() const { return session_->ended(); }
  std::optional<harness::Ending> ending() const { return session_->ending(); }
  const std::string& received() const { return session_->received(); }
  const std::string& name() const { return name_; }
  harness::Session& session() { return *session_; }

  // Ends the session and records it; the CaseSession is empty afterwards.
  harness::SessionResult finish();

 private:
  void record(harness::ScriptStep step);
  // Restarts the session's inactivity clock (see send()).
  void resume();

  std::optional<harness::Session> session_;
  std::string name_;
  CaseRecording* recording_;
  std::string notes_;  // what the transcript cannot show (writes that bypassed it)
};

}  // namespace linespec::conformance
