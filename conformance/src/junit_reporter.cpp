#include "linespec/conformance/junit_reporter.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>

namespace linespec::conformance {
namespace {

// The length of the UTF-8 sequence at text[i], or 0 when it is not one.
std::size_t utf8_length(std::string_view text, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char lead = byte(i);
  std::size_t length = lead >= 0xf0 && lead <= 0xf4 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc2 && lead <= 0xdf ? 2 : 0;
  if (length == 0 || i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) return 0;
  }
  return length;
}

std::string hex_byte(unsigned char byte) {
  char text[5];
  std::snprintf(text, sizeof text, "\\x%02X", byte);
  return text;
}

std::string format_seconds(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6f", seconds);
  return text;
}

std::string utc_timestamp() {
  std::time_t now = std::time(nullptr);
  std::tm parts{};
  gmtime_r(&now, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &parts);
  return text;
}

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "localhost";
  return name;
}

bool is_failure(Verdict verdict, bool strict) {
  return verdict == Verdict::kFail || verdict == Verdict::kUnexpectedPass || (strict && verdict == Verdict::kWarn);
}

bool is_skipped(Verdict verdict) { return verdict == Verdict::kNotApplicable || verdict == Verdict::kExpectedFail; }

}  // namespace

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      std::size_t length = utf8_length(text, i);
      if (length == 0) {
        out += hex_byte(c);
        ++i;
      } else {
        out.append(text.substr(i, length));
        i += length;
      }
      continue;
    }
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\n': out += "&#10;"; break;
      case '\t': out += "&#9;"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += hex_byte(c);
        } else {
          out += static_cast<char>(c);
        }
    }
    ++i;
  }
  return out;
}

void JUnitReporter::on_start(const RunStart& start) {
  strict_ = start.strict;
  properties_ = {
      {"linespec.version", std::string(linespec_version())},
      {"spec.version", std::string(start.spec_version)},
      {"profile", start.config.profile.name},
      {"profile.source", start.config.profile_source},
      {"target", start.config.target.to_string()},
      {"jobs", std::to_string(start.jobs)},
      {"strict", start.strict ? "true" : "false"},
  };
}

void JUnitReporter::on_result(const CaseResult& result) {
  const Case& c = *result.test_case;
  rows_.push_back({std::string(c.section()), c.id + " " + c.requirement + ": " + c.description, result.verdict,
                   c.level, result.outcome, result.replay,
                   std::chrono::duration<double>(result.elapsed).count()});
}

void JUnitReporter::write_case(const Row& row) {
  out_ << "    <testcase name=\"" << xml_escape(row.name) << "\" classname=\"linespec." << xml_escape(row.section)
       << "\" time=\"" << format_seconds(row.seconds) << "\"";
  const Outcome& o = row.outcome;
  std::string verdict(to_string(row.verdict));
  if (row.verdict == Verdict::kPass) {
    out_ << "/>\n";
    return;
  }
  out_ << ">\n";
  if (is_failure(row.verdict, strict_)) {
    std::string type = row.verdict == Verdict::kUnexpectedPass ? "XPASS" : std::string(to_string(row.level));
    out_ << "      <failure message=\"" << xml_escape(verdict + ": " + o.message) << "\" type=\"" << type << "\">";
    std::string details = o.message + "\n";
    if (o.has_evidence) {
      details += "sent:     " + o.sent + "\nexpected: " + o.expected + "\nreceived: " + o.received + "\n";
    }
    details += "replay:   " + row.replay + "\n";
    out_ << xml_escape(details) << "</failure>\n";
  } else if (is_skipped(row.verdict)) {
    out_ << "      <skipped message=\"" << xml_escape(verdict + ": " + o.message) << "\"/>\n";
  } else {
    out_ << "      <system-out>" << xml_escape(verdict + ": " + o.message) << "</system-out>\n";
  }
  out_ << "    </testcase>\n";
}

void JUnitReporter::on_finish(const RunSummary& summary) {
  std::map<std::string, std::vector<const Row*>> sections;
  std::vector<std::string> order;
  for (const Row& row : rows_) {
    if (sections[row.section].empty()) order.push_back(row.section);
    sections[row.section].push_back(&row);
  }
  std::size_t failures = 0;
  for (const Row& row : rows_) failures += is_failure(row.verdict, strict_) ? 1 : 0;
  // An interrupted run (Ctrl-C) reports the cases that ran, and says so.
  if (summary.interrupted) properties_.emplace_back("interrupted", "true");
  const std::string timestamp = utc_timestamp();
  const std::string host = host_name();
  out_ << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out_ << "<testsuites name=\"linespec\" tests=\"" << rows_.size() << "\" failures=\"" << failures
       << "\" errors=\"0\" time=\"" << format_seconds(std::chrono::duration<double>(summary.elapsed).count())
       << "\">\n";
  for (const std::string& section : order) {
    const auto& rows = sections[section];
    std::size_t section_failures = 0;
    std::size_t section_skipped = 0;
    double seconds = 0;
    for (const Row* row : rows) {
      section_failures += is_failure(row->verdict, strict_) ? 1 : 0;
      section_skipped += is_skipped(row->verdict) ? 1 : 0;
      seconds += row->seconds;
    }
    out_ << "  <testsuite name=\"linespec." << xml_escape(section) << "\" tests=\"" << rows.size()
         << "\" failures=\"" << section_failures << "\" errors=\"0\" skipped=\"" << section_skipped
         << "\" time=\"" << format_seconds(seconds) << "\" timestamp=\"" << timestamp << "\" hostname=\""
         << xml_escape(host) << "\">\n";
    out_ << "    <properties>\n";
    for (const auto& [name, value] : properties_) {
      out_ << "      <property name=\"" << xml_escape(name) << "\" value=\"" << xml_escape(value) << "\"/>\n";
    }
    out_ << "    </properties>\n";
    for (const Row* row : rows) write_case(*row);
    out_ << "  </testsuite>\n";
  }
  out_ << "</testsuites>\n";
  out_.flush();
}

}  // namespace linespec::conformance
