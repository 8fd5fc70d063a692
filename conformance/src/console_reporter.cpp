#include "linespec/conformance/console_reporter.hpp"

#include <cstdio>
#include <string>

namespace linespec::conformance {
namespace {

constexpr std::string_view kGreen = "\033[32m";
constexpr std::string_view kRed = "\033[31m";
constexpr std::string_view kYellow = "\033[33m";
constexpr std::string_view kDim = "\033[2m";
constexpr std::string_view kReset = "\033[0m";
// Back to the start of the line and erase it: the progress line goes away.
constexpr std::string_view kEraseLine = "\r\033[K";
// How often the progress line is redrawn while no result arrives.
constexpr std::chrono::milliseconds kTick{250};

std::string_view colour_of(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass: return kGreen;
    case Verdict::kFail:
    case Verdict::kUnexpectedPass: return kRed;
    case Verdict::kWarn:
    case Verdict::kExpectedFail: return kYellow;
    case Verdict::kInfo:
    case Verdict::kNotApplicable: return kDim;
  }
  return {};
}

// Cases whose lines -q keeps: those that fail the run, or would under --strict.
bool shown_when_quiet(Verdict verdict) { return counts_as_failure(verdict) || verdict == Verdict::kWarn; }

void print_indented(std::ostream& out, std::string_view text) {
  while (!text.empty()) {
    auto end = text.find('\n');
    out << "      " << text.substr(0, end) << "\n";
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
}

}  // namespace

ConsoleStyle console_style(ColorMode mode, bool is_terminal, const char* no_color, Verbosity verbosity) {
  ConsoleStyle style;
  style.verbosity = verbosity;
  style.progress = is_terminal;
  bool no_color_set = no_color != nullptr && no_color[0] != '\0';
  switch (mode) {
    case ColorMode::kAuto: style.color = is_terminal && !no_color_set; break;
    case ColorMode::kAlways: style.color = !no_color_set; break;
    case ColorMode::kNever: style.color = false; break;
  }
  return style;
}

std::string_view verdict_mark(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass: return "\u2714";  // ✔
    case Verdict::kFail: return "\u00d7";  // ×
    case Verdict::kWarn: return "!";
    case Verdict::kInfo: return "i";
    case Verdict::kNotApplicable: return "-";
    case Verdict::kExpectedFail: return "x";
    case Verdict::kUnexpectedPass: return "X";
  }
  return "?";
}

std::string summary_line(const RunSummary& summary) {
  std::string line = std::to_string(summary.passed) + " passed, " + std::to_string(summary.failed) + " failed";
  if (summary.warned > 0) {
    line += ", " + std::to_string(summary.warned) + " warned";
    if (summary.strict) line += " (failures under --strict)";
  }
  if (summary.skipped > 0) line += ", " + std::to_string(summary.skipped) + " skipped";
  if (summary.xfailed > 0) line += ", " + std::to_string(summary.xfailed) + " failed as expected";
  if (summary.xpassed > 0) line += ", " + std::to_string(summary.xpassed) + " passed unexpectedly";
  return line;
}

std::string header_line(const RunStart& start) {
  std::string line = "linespec " + std::string(linespec_version()) + ", spec " + std::string(kSpecVersion) + ": " +
                     std::to_string(start.cases.size()) + (start.cases.size() == 1 ? " case" : " cases") +
                     " against " + start.config.target.to_string() + ", profile " + start.config.profile.name;
  line += ", " + std::to_string(start.jobs) + (start.jobs == 1 ? " job" : " jobs");
  if (!start.jobs_note.empty()) line += " (" + start.jobs_note + ")";
  if (start.strict) line += ", strict";
  return line;
}

std::string interrupted_line(const RunSummary& summary) {
  return "interrupted after " + std::to_string(summary.ran) + " of " + std::to_string(summary.total) +
         (summary.total == 1 ? " case" : " cases");
}

std::string progress_line(std::size_t done, std::size_t total, std::size_t failed,
                          std::chrono::steady_clock::duration elapsed, std::string_view last_id) {
  const std::string total_text = std::to_string(total);
  std::string done_text = std::to_string(done);
  if (done_text.size() < total_text.size()) done_text.insert(0, total_text.size() - done_text.size(), ' ');
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.1fs", std::chrono::duration<double>(elapsed).count());
  std::string line = "[" + done_text + "/" + total_text + "]  " + std::to_string(failed) + " failed  " + seconds;
  if (!last_id.empty()) line += "  " + std::string(last_id);
  return line;
}

void ConsoleReporter::on_start(const RunStart& start) { begin(start, header_line(start)); }

ConsoleReporter::~ConsoleReporter() { stop_ticker(); }

void ConsoleReporter::begin(const RunStart& start, const std::string& header) {
  std::lock_guard<std::mutex> lock(mutex_);
  start_ = std::chrono::steady_clock::now();
  total_ = start.cases.size();
  if (style_.verbosity != Verbosity::kQuiet) out_ << header << "\n";
  draw_progress();
  if (style_.progress && !ticker_.joinable()) {
    ticking_ = true;
    ticker_ = std::thread([this] { tick(); });
  }
}

void ConsoleReporter::tick() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (ticking_) {
    ticker_stop_.wait_for(lock, kTick);
    if (ticking_) draw_progress();
  }
}

void ConsoleReporter::stop_ticker() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ticking_ = false;
  }
  ticker_stop_.notify_all();
  if (ticker_.joinable()) ticker_.join();
}

void ConsoleReporter::on_result(const CaseResult& result) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++done_;
  if (counts_as_failure(result.verdict)) ++failed_;
  last_id_ = result.test_case->id;
  if (style_.verbosity != Verbosity::kQuiet || shown_when_quiet(result.verdict)) {
    erase_progress();
    print_result(result);
  }
  draw_progress();
  // Each line as it happens, also into a pipe: CI logs and tools read it live.
  out_.flush();
}

void ConsoleReporter::print_result(const CaseResult& result) {
  const Case& c = *result.test_case;
  out_ << painted(result.verdict, verdict_mark(result.verdict)) << " " << c.id << "  " << c.requirement << "  "
       << c.description;
  if (result.verdict != Verdict::kPass && result.verdict != Verdict::kFail) {
    out_ << "  [" << painted(result.verdict, to_string(result.verdict)) << "]";
  }
  out_ << "\n";
  const Outcome& o = result.outcome;
  bool failed = result.verdict == Verdict::kFail || result.verdict == Verdict::kWarn ||
                result.verdict == Verdict::kExpectedFail;
  bool explained = failed || result.verdict == Verdict::kNotApplicable || result.verdict == Verdict::kInfo ||
                   result.verdict == Verdict::kUnexpectedPass;
  bool verbose = style_.verbosity == Verbosity::kVerbose;
  if (!o.message.empty() && (explained || verbose)) out_ << "    " << o.message << "\n";
  if (!failed && !verbose) return;
  if (o.has_evidence) {
    out_ << "    sent:     " << o.sent << "\n";
    out_ << "    expected: " << o.expected << "\n";
    out_ << "    received: " << o.received << "\n";
  }
  out_ << "    replay:   " << result.replay << "\n";
  if (!verbose || !failed) return;
  for (const SessionRecord& session : result.recording.sessions) {
    out_ << "    --- connection " << session.connection << " (" << session.ending << ")\n";
    print_indented(out_, session.transcript);
  }
  if (result.recording.sessions_omitted > 0) {
    out_ << "    (" << result.recording.sessions_omitted << " more connections not recorded)\n";
  }
}

void ConsoleReporter::on_finish(const RunSummary& summary) {
  stop_ticker();
  std::lock_guard<std::mutex> lock(mutex_);
  erase_progress();
  if (summary.interrupted) out_ << painted(Verdict::kWarn, interrupted_line(summary)) << "\n";
  out_ << summary_line(summary) << "\n";
  out_.flush();
}

void ConsoleReporter::draw_progress() {
  if (!style_.progress) return;
  erase_progress();
  std::string line = progress_line(done_, total_, failed_, std::chrono::steady_clock::now() - start_, last_id_);
  out_ << line;
  out_.flush();
  progress_width_ = line.size();
  progress_shown_ = true;
}

void ConsoleReporter::erase_progress() {
  if (!progress_shown_) return;
  // Without colours no escape sequence at all: blanks over the line instead.
  if (style_.color) {
    out_ << kEraseLine;
  } else {
    out_ << '\r' << std::string(progress_width_, ' ') << '\r';
  }
  progress_shown_ = false;
}

std::string ConsoleReporter::painted(Verdict verdict, std::string_view text) const {
  if (!style_.color) return std::string(text);
  return std::string(colour_of(verdict)) + std::string(text) + std::string(kReset);
}

}  // namespace linespec::conformance
