#include "byte_text.hpp"

#include <algorithm>

#include "linespec/harness/transcript.hpp"

namespace linespec::conformance {
namespace {

constexpr std::size_t kMinRun = 8;      // bytes
constexpr std::size_t kMinRepeats = 3;  // lines
constexpr std::size_t kContext = 16;    // bytes shown before a difference
constexpr std::size_t kMaxLine = 256;   // bytes taken as one line at most

std::size_t run_length(std::string_view bytes, std::size_t pos) {
  std::size_t end = pos + 1;
  while (end < bytes.size() && bytes[end] == bytes[pos]) ++end;
  return end - pos;
}

// The line starting at `pos`: through its LF, or up to a long run of one byte, or
// kMaxLine bytes.
std::string_view line_at(std::string_view bytes, std::size_t pos) {
  std::size_t end = pos;
  std::size_t limit = std::min(bytes.size(), pos + kMaxLine);
  while (end < limit && bytes[end] != '\n') {
    if (end > pos && run_length(bytes, end) >= kMinRun) return bytes.substr(pos, end - pos);
    ++end;
  }
  if (end < limit) ++end;  // the LF
  return bytes.substr(pos, end - pos);
}

std::size_t repeats_of(std::string_view bytes, std::size_t pos, std::string_view line) {
  std::size_t count = 0;
  while (bytes.substr(pos + count * line.size(), line.size()) == line) ++count;
  return count;
}

}  // namespace

ByteText describe_bytes(std::string_view bytes, std::size_t max_chars) {
  ByteText out;
  std::string plain;  // bytes not folded, waiting to be quoted as one string
  auto append = [&out](const std::string& piece) {
    if (!out.text.empty()) out.text += ' ';
    out.text += piece;
  };
  auto flush_plain = [&] {
    if (plain.empty()) return;
    append(harness::escape_bytes(plain, plain.size()));
    plain.clear();
  };
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    if (out.text.size() + plain.size() >= max_chars) {
      flush_plain();
      out.text += " ...(" + std::to_string(bytes.size() - pos) + " more bytes)";
      out.complete = false;
      return out;
    }
    std::size_t run = run_length(bytes, pos);
    if (run >= kMinRun) {
      flush_plain();
      append(harness::escape_bytes(bytes.substr(pos, 1)) + " \u00d7 " + std::to_string(run));
      pos += run;
      continue;
    }
    std::string_view line = line_at(bytes, pos);
    std::size_t repeats = line.back() == '\n' ? repeats_of(bytes, pos, line) : 1;
    if (repeats >= kMinRepeats) {
      flush_plain();
      append(harness::escape_bytes(line) + " \u00d7 " + std::to_string(repeats));
      pos += repeats * line.size();
      continue;
    }
    plain += line;
    pos += line.size();
  }
  flush_plain();
  if (out.text.empty()) out.text = "\"\"";
  return out;
}

std::string describe_bytes_near(std::string_view bytes, std::size_t offset) {
  ByteText whole = describe_bytes(bytes);
  if (whole.complete || offset <= kContext || offset > bytes.size()) return whole.text;
  std::size_t start = offset - kContext;
  return "(" + std::to_string(start) + " bytes) " + describe_bytes(bytes.substr(start)).text;
}

}  // namespace linespec::conformance
