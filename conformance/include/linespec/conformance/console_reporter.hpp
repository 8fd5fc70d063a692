// The human-readable report: a header naming the versions, target, profile and
// jobs; one line per case (✔ or ×, id, requirement, description) with evidence and a
// replay command under each failure; a last line `N passed, N failed, ...`. Writes to
// the stream main() hands it, from the thread that runs the suite. On a terminal it
// can colour the marks and keep a progress line under the results, which a thread of
// its own redraws a few times a second (started by on_start, ended by on_finish or
// the destructor; it writes to the stream only under the reporter's mutex).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <ostream>
#include <string>
#include <string_view>
#include <thread>

#include "linespec/conformance/runner.hpp"

namespace linespec::conformance {

// -q shows only failures (FAIL, WARN, XPASS) and the last lines; -v every case with
// its evidence and the transcripts of failures.
enum class Verbosity { kQuiet, kNormal, kVerbose };

// --color: auto colours a terminal unless NO_COLOR is set; always and never force it.
enum class ColorMode { kAuto, kAlways, kNever };

struct ConsoleStyle {
  bool color = false;     // ANSI colours on the verdict marks
  bool progress = false;  // a progress line redrawn in place (`\r`, erase to end of line)
  Verbosity verbosity = Verbosity::kNormal;
};

// The style for a stream: progress only on a terminal; colours on a terminal (or
// with kAlways) unless `no_color` (the NO_COLOR variable, null when unset) is a
// non-empty string or the mode is kNever (no-color.org).
ConsoleStyle console_style(ColorMode mode, bool is_terminal, const char* no_color, Verbosity verbosity);

class ConsoleReporter : public ResultSink {
 public:
  explicit ConsoleReporter(std::ostream& out, ConsoleStyle style = {}) : out_(out), style_(style) {}
  ~ConsoleReporter() override;
  ConsoleReporter(const ConsoleReporter&) = delete;
  ConsoleReporter& operator=(const ConsoleReporter&) = delete;

  void on_start(const RunStart& start) override;
  void on_result(const CaseResult& result) override;
  void on_finish(const RunSummary& summary) override;

 protected:
  // Prints `header` as the first line (not under -q) and starts the progress line.
  void begin(const RunStart& start, const std::string& header);

 private:
  void print_result(const CaseResult& result);
  // Both with mutex_ held.
  void draw_progress();
  void erase_progress();
  // Redraws the progress line until stop_ticker(), so that elapsed time moves while
  // slow cases run.
  void tick();
  void stop_ticker();
  // `text` in the colour of `verdict`, when colours are on.
  std::string painted(Verdict verdict, std::string_view text) const;

  std::ostream& out_;
  ConsoleStyle style_;
  std::chrono::steady_clock::time_point start_;
  std::size_t total_ = 0;
  std::size_t done_ = 0;
  std::size_t failed_ = 0;
  std::string last_id_;
  std::size_t progress_width_ = 0;
  bool progress_shown_ = false;
  std::mutex mutex_;
  std::condition_variable ticker_stop_;
  bool ticking_ = false;
  std::thread ticker_;
};

// "✔" for PASS, "×" for FAIL, "!" for WARN, "-" for N/A, "i" for INFO, "x" for
// XFAIL, "X" for XPASS.
std::string_view verdict_mark(Verdict verdict);
// The last line of a report: "12 passed, 0 failed", "9 passed, 1 failed, 2 skipped".
std::string summary_line(const RunSummary& summary);
// The first line: "linespec 0.1.0, spec 1.0: 64 cases against tcp:127.0.0.1:4000,
// profile seed, 8 jobs".
std::string header_line(const RunStart& start);
// The line before the summary of a stopped run: "interrupted after 12 of 99 cases".
std::string interrupted_line(const RunSummary& summary);
// "[ 37/99]  2 failed  0.4s  close/3": cases done of all, failures so far, elapsed,
// the last case reported.
std::string progress_line(std::size_t done, std::size_t total, std::size_t failed,
                          std::chrono::steady_clock::duration elapsed, std::string_view last_id);

}  // namespace linespec::conformance
