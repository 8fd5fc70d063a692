#include <cstdio>
#include <iterator>
#include <ostream>
#include <string>
#include <string_view>

#include "linespec/bench/load.hpp"

namespace linespec::bench {
namespace {

// 1234567.8 -> "1.23 M"; SI prefixes, three significant digits.
std::string si(double value, const char* unit) {
  static constexpr const char* kPrefixes[] = {"", "k", "M", "G", "T"};
  std::size_t p = 0;
  while (value >= 1000 && p + 1 < std::size(kPrefixes)) {
    value /= 1000;
    ++p;
  }
  char text[64];
  std::snprintf(text, sizeof text, "%.*f %s%s", value >= 100 ? 0 : value >= 10 ? 1 : 2, value, kPrefixes[p], unit);
  return text;
}

std::string micros(std::uint64_t nanos) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f us", static_cast<double>(nanos) / 1000.0);
  return text;
}

// A JSON string literal, quotes included.
std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20) {
      char esc[8];
      std::snprintf(esc, sizeof esc, "\\u%04x", c);
      out += esc;
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

std::string number(double value) {
  char text[64];
  std::snprintf(text, sizeof text, "%.3f", value);
  return text;
}

}  // namespace

void print_report(std::ostream& out, const BenchReport& r) {
  out << "target      " << r.target << " (profile " << r.profile << ")\n"
      << "load        " << r.connections << " connections x depth " << r.depth << " x " << r.record_size
      << "-byte records, " << r.threads << " threads, " << number(r.seconds) << " s measured\n";
  if (r.depth == 0) {
    out << "idle        " << r.connections << " connections held open, no records sent\n";
    return;
  }
  out << "records     " << r.records << " (" << si(r.records_per_second, "records/s") << ")\n"
      << "sent        " << r.bytes_sent << " bytes (" << si(r.sent_bytes_per_second, "B/s") << ")\n"
      << "received    " << r.bytes_received << " bytes (" << si(r.received_bytes_per_second, "B/s") << ")\n";
  if (r.latency.count > 0) {
    out << "latency     p50 " << micros(r.latency.p50) << "  p90 " << micros(r.latency.p90) << "  p99 "
        << micros(r.latency.p99) << "  p99.9 " << micros(r.latency.p999) << "  max " << micros(r.latency.max) << "\n";
  }
  if (r.records > 0) {
    out << "load cpu    " << number(r.cpu_seconds) << " s in the window, "
        << number(r.cpu_seconds * 1e6 / static_cast<double>(r.records)) << " us per record\n";
  }
}

std::string report_json(const BenchReport& r) {
  std::string notes;
  for (const std::string& note : r.notes) notes += (notes.empty() ? "" : ", ") + json_string(note);
  auto u = [](std::uint64_t v) { return std::to_string(v); };
  return "{\"target\": " + json_string(r.target) + ", \"profile\": " + json_string(r.profile) +
         ", \"connections\": " + u(r.connections) +
         ", \"depth\": " + u(r.depth) + ", \"record_size\": " + u(r.record_size) + ", \"threads\": " + u(r.threads) +
         ", \"seconds\": " + number(r.seconds) + ", \"records\": " + u(r.records) + ", \"bytes_sent\": " +
         u(r.bytes_sent) + ", \"bytes_received\": " + u(r.bytes_received) + ", \"records_per_second\": " +
         number(r.records_per_second) + ", \"sent_bytes_per_second\": " + number(r.sent_bytes_per_second) +
         ", \"received_bytes_per_second\": " + number(r.received_bytes_per_second) + ", \"latency_ns\": {\"count\": " +
         u(r.latency.count) + ", \"p50\": " + u(r.latency.p50) + ", \"p90\": " + u(r.latency.p90) + ", \"p99\": " +
         u(r.latency.p99) + ", \"p99_9\": " + u(r.latency.p999) + ", \"max\": " + u(r.latency.max) +
         ", \"mean\": " + number(r.latency.mean) + "}, \"cpu_seconds\": " + number(r.cpu_seconds) +
         ", \"notes\": [" + notes + "]}\n";
}

}  // namespace linespec::bench
