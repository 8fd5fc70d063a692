// parse_script(): one line at a time. A line is a header line (profile, set, oracle,
// target), a global step (conn, pause) or `NAME VERB [STRING...]`; '#' starts a
// comment outside strings. Every error names the source and the line.
#include <charconv>
#include <set>
#include <utility>

#include "linespec/harness/script.hpp"
#include "linespec/protocol/profile_file.hpp"
#include "script_rules.hpp"

namespace linespec::harness {

namespace {

constexpr std::size_t kLongestRepeat = 16u << 20;  // "A"*N
constexpr std::size_t kLongestString = 64u << 20;  // one step's bytes
constexpr long long kLongestPause = 3'600'000;     // ms

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Takes the next whitespace-separated word off the front of `rest`.
std::string_view take_word(std::string_view& rest) {
  rest = trim(rest);
  std::size_t end = 0;
  while (end < rest.size() && !is_space(rest[end]) && rest[end] != '#') ++end;
  auto word = rest.substr(0, end);
  rest.remove_prefix(end);
  return word;
}

bool at_end(std::string_view rest) {
  rest = trim(rest);
  return rest.empty() || rest.front() == '#';
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::size_t> parse_number(std::string_view text, std::string_view what, long long most) {
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < 0 || value > most) {
    return usage_error("bad " + std::string(what) + " '" + std::string(text) + "': want a whole number from 0 to " +
                       std::to_string(most));
  }
  return static_cast<std::size_t>(value);
}

// One "..." literal at the front of `rest` (which starts with '"'), escapes decoded.
Result<std::string> take_literal(std::string_view& rest) {
  std::string out;
  std::size_t i = 1;
  for (; i < rest.size() && rest[i] != '"'; ++i) {
    if (rest[i] != '\\') {
      out += rest[i];
      continue;
    }
    if (++i == rest.size()) break;
    switch (rest[i]) {
      case 'r': out += '\r'; break;
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case '0': out += '\0'; break;
      case '\\': out += '\\'; break;
      case '"': out += '"'; break;
      case 'x': {
        int hi = i + 1 < rest.size() ? hex_digit(rest[i + 1]) : -1;
        int lo = i + 2 < rest.size() ? hex_digit(rest[i + 2]) : -1;
        if (hi < 0 || lo < 0) return usage_error("bad escape '\\x': want two hex digits, as in \\x0a");
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        break;
      }
      default:
        return usage_error(std::string("unknown escape '\\") + rest[i] + "' (want \\r \\n \\t \\\\ \\\" \\0 or \\xHH)");
    }
  }
  if (i >= rest.size()) return usage_error("missing closing '\"'");
  rest.remove_prefix(i + 1);
  return out;
}

// The bytes argument of send/expect/expect-prefix: one or more literals, each maybe
// repeated with *N, up to the end of the line or a comment.
Result<std::string> parse_bytes(std::string_view rest) {
  std::string out;
  bool any = false;
  for (rest = trim(rest); !at_end(rest); rest = trim(rest)) {
    if (rest.front() != '"') {
      return usage_error("unexpected '" + std::string(take_word(rest)) + "': want a quoted string such as \"x\\n\"");
    }
    auto literal = take_literal(rest);
    if (!literal) return literal.error();
    std::size_t times = 1;
    rest = trim(rest);
    if (!rest.empty() && rest.front() == '*') {
      rest.remove_prefix(1);
      auto count = parse_number(take_word(rest), "repeat count", kLongestRepeat);
      if (!count) return count.error();
      times = *count;
    }
    if (out.size() + literal->size() * times > kLongestString) {
      return usage_error("string longer than " + std::to_string(kLongestString) + " bytes");
    }
    for (std::size_t n = 0; n < times; ++n) out += *literal;
    any = true;
  }
  if (!any) return usage_error("missing bytes: want a quoted string such as \"x\\n\"");
  return out;
}

// Parser state across lines.
class ScriptParser {
 public:
  explicit ScriptParser(std::string_view source) : source_(source) {}

  Result<Script> parse(std::string_view text) {
    while (!text.empty()) {
      ++line_no_;
      auto nl = text.find('\n');
      std::string_view line = text.substr(0, nl);
      text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
      if (auto status = parse_line(line); !status) return status.error();
    }
    if (auto status = finish_header(); !status) return status.error();
    return std::move(script_);
  }

 private:
  Error fail(const std::string& why) const {
    return usage_error(std::string(source_) + ":" + std::to_string(line_no_) + ": " + why);
  }
  std::string here() const { return "line " + std::to_string(line_no_); }

  Status parse_line(std::string_view line) {
    if (line_no_ == 1 && is_script_text(line)) {
      auto version = trim(line.substr(std::string_view("# linespec script").size()));
      if (version != "v1") {
        return fail("unsupported script version '" + std::string(version) + "' (this program reads v1)");
      }
      return {};
    }
    std::string_view rest = line;
    if (at_end(rest)) return {};
    std::string_view word = take_word(rest);
    if (word == "profile" || word == "set" || word == "oracle" || word == "target") return header_line(word, rest);
    if (auto status = finish_header(); !status) return status;
    if (word == "conn") {
      std::string_view name = take_word(rest);
      if (name.empty()) return fail("'conn' wants a connection name, as in 'conn a'");
      if (!at_end(rest)) return fail("unexpected text after 'conn " + std::string(name) + "'");
      return add(ScriptStep::connect(std::string(name)));
    }
    if (word == "pause") {
      auto ms = parse_number(take_word(rest), "pause", kLongestPause);
      if (!ms) return fail(ms.error().message + " (milliseconds)");
      if (!at_end(rest)) return fail("unexpected text after the pause");
      return add(ScriptStep::pause_for(std::chrono::milliseconds(*ms)));
    }
    return connection_line(word, rest);
  }

  Status connection_line(std::string_view name, std::string_view rest) {
    static const std::set<std::string, std::less<>> kVerbs = {"send",       "expect", "expect-prefix", "expect-close",
                                                              "half-close", "close",  "reset"};
    std::string_view verb = take_word(rest);
    if (!rules_.knows(name)) {
      if (kVerbs.count(verb) != 0) {
        return fail("no connection '" + std::string(name) + "' (open it first with 'conn " + std::string(name) + "')");
      }
      return fail("unknown step '" + std::string(name) + "' (want conn, pause, or a connection name and a step)");
    }
    if (kVerbs.count(verb) == 0) {
      return fail("unknown step '" + std::string(verb) +
                  "' (want send, expect, expect-prefix, expect-close, half-close, close or reset)");
    }
    std::string conn(name);
    if (verb == "send" || verb == "expect" || verb == "expect-prefix") {
      auto bytes = parse_bytes(rest);
      if (!bytes) return fail(bytes.error().message);
      if (verb == "send") return add(ScriptStep::send(conn, std::move(*bytes)));
      if (verb == "expect") return add(ScriptStep::expect(conn, std::move(*bytes)));
      return add(ScriptStep::expect_prefix(conn, std::move(*bytes)));
    }
    if (!at_end(rest)) return fail("'" + std::string(verb) + "' takes no arguments");
    if (verb == "expect-close") return add(ScriptStep::expect_close(conn));
    if (verb == "half-close") return add(ScriptStep::half_close(conn));
    if (verb == "close") return add(ScriptStep::close(conn));
    return add(ScriptStep::reset(conn));
  }

  Status add(ScriptStep step) {
    if (auto bad = rules_.admit(step, here())) return fail(*bad);
    script_.steps.push_back(std::move(step));
    return {};
  }

  Status header_line(std::string_view word, std::string_view rest) {
    if (header_done_) return fail("'" + std::string(word) + "' must come before the first step");
    if (!seen_.insert(std::string(word)).second && word != "set") {
      return fail("'" + std::string(word) + "' given twice");
    }
    if (word == "profile") {
      if (!set_lines_.empty()) return fail("'profile' must come before its 'set' lines");
      std::string_view name = take_word(rest);
      if (!at_end(rest)) return fail("unexpected text after 'profile " + std::string(name) + "'");
      if (!builtin_profile(name)) {
        return fail("unknown profile '" + std::string(name) +
                    "' (want seed, lf, echo or stream, then 'set KEY = VALUE' lines)");
      }
      base_ = std::string(name);
      return {};
    }
    if (word == "oracle") {
      std::string_view which = take_word(rest);
      if (!at_end(rest) || (which != "model" && which != "script")) {
        return fail("bad oracle '" + std::string(which) + "' (want model or script)");
      }
      script_.oracle = which == "script" ? Oracle::kScriptOnly : Oracle::kScriptAndModel;
      return {};
    }
    if (word == "target") {
      // An exec: command keeps its '#' (the shell decides); an address may have a comment.
      rest = trim(rest);
      if (rest.substr(0, 5) != "exec:") rest = trim(rest.substr(0, rest.find('#')));
      auto target = parse_target(rest);
      if (!target) return fail(target.error().message);
      script_.target = std::move(*target);
      return {};
    }
    return set_line(trim(rest));
  }

  // `set KEY = VALUE`, a line of the profile file format applied on top of the base.
  Status set_line(std::string_view text) {
    auto key = trim(text.substr(0, text.find('=')));
    if (key == "base") return fail("use 'profile NAME' instead of 'set base'");
    if (!set_keys_.insert(std::string(key)).second) return fail("'set " + std::string(key) + "' given twice");
    if (auto alone = parse_profile(text, "set"); !alone) {
      // The profile parser says "set:1: why"; this line has its own number.
      std::string why = alone.error().message;
      return fail(why.substr(std::min(why.size(), std::string_view("set:1: ").size())));
    }
    set_lines_ += std::string(text) + "\n";
    return {};
  }

  Status finish_header() {
    if (header_done_) return {};
    header_done_ = true;
    std::string text = "base = " + base_ + "\n";
    if (set_keys_.count("name") == 0) text += "name = " + base_ + "\n";
    auto profile = parse_profile(text + set_lines_, source_);
    if (!profile) return profile.error();
    script_.profile = std::move(*profile);
    return {};
  }

  std::string_view source_;
  std::size_t line_no_ = 0;
  Script script_;
  ScriptRules rules_;
  bool header_done_ = false;
  std::set<std::string, std::less<>> seen_;
  std::set<std::string, std::less<>> set_keys_;
  std::string base_ = "seed";
  std::string set_lines_;
};

}  // namespace

Result<Script> parse_script(std::string_view text, std::string_view source) {
  return ScriptParser(source).parse(text);
}

}  // namespace linespec::harness
