#include "linespec/protocol/profile_file.hpp"

#include "linespec/protocol/escape.hpp"

#include <charconv>
#include <fstream>
#include <iterator>
#include <set>

namespace linespec {
namespace {

constexpr std::size_t kMaxProfileFileBytes = 1 << 20;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A value is bare text up to a '#', or a double-quoted string with escapes.
// Returns the value and whether it was quoted, or an error message.
struct Value {
  std::string text;
  bool quoted = false;
};

Result<Value> parse_value(std::string_view raw) {
  raw = trim(raw);
  if (raw.empty() || raw.front() != '"') {
    auto hash = raw.find('#');
    return Value{std::string(trim(raw.substr(0, hash))), false};
  }
  std::string out;
  std::size_t i = 1;
  for (; i < raw.size() && raw[i] != '"'; ++i) {
    if (raw[i] != '\\') {
      out += raw[i];
      continue;
    }
    if (++i == raw.size()) return usage_error("unfinished escape at end of value");
    switch (raw[i]) {
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case '0': out += '\0'; break;
      case '\\': out += '\\'; break;
      case '"': out += '"'; break;
      case 'x': {
        int hi = i + 1 < raw.size() ? hex_digit(raw[i + 1]) : -1;
        int lo = i + 2 < raw.size() ? hex_digit(raw[i + 2]) : -1;
        if (hi < 0 || lo < 0) return usage_error("bad \\x escape: want two hex digits");
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        break;
      }
      default: return usage_error(std::string("unknown escape '\\") + raw[i] + "'");
    }
  }
  if (i == raw.size()) return usage_error("missing closing '\"'");
  auto after = trim(raw.substr(i + 1));
  if (!after.empty() && after.front() != '#') {
    return usage_error("unexpected text after the closing '\"'");
  }
  return Value{std::move(out), true};
}

Result<std::size_t> parse_count(std::string_view text, std::string_view what) {
  std::size_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) {
    return usage_error("bad " + std::string(what) + " '" + std::string(text) + "': want a whole number");
  }
  return value;
}

template <class Enum, std::size_t N>
Result<Enum> parse_enum(std::string_view text, std::string_view key, const Enum (&values)[N]) {
  std::string choices;
  for (Enum v : values) {
    if (to_string(v) == text) return v;
    choices += (choices.empty() ? "" : ", ") + std::string(to_string(v));
  }
  return usage_error("bad " + std::string(key) + " '" + std::string(text) + "': want one of " + choices);
}

// Applies one key to the profile; returns an error message without location.
Status apply(Profile& p, std::string_view key, const Value& v) {
  const std::string& t = v.text;
  if (key == "name") {
    p.name = t;
  } else if (key == "greeting") {
    if (!v.quoted && t == "none") p.greeting.reset();
    else p.greeting = t;
  } else if (key == "refusal") {
    if (t.empty()) return usage_error("refusal marker must not be empty");
    p.refusal_marker = t;
  } else if (key == "capacity") {
    if (!v.quoted && t == "unknown") {
      p.capacity.reset();
    } else {
      auto n = parse_count(t, "capacity");
      if (!n) return n.error();
      if (*n == 0) return usage_error("capacity must be at least 1 (or 'unknown')");
      p.capacity = *n;
    }
  } else if (key == "reply") {
    static constexpr ReplyKind kAll[] = {ReplyKind::kAck, ReplyKind::kEcho, ReplyKind::kStream};
    auto r = parse_enum(t, key, kAll);
    if (!r) return r.error();
    p.reply = *r;
  } else if (key == "ack-text") {
    p.ack_text = t;
  } else if (key == "terminators") {
    static constexpr Terminators kAll[] = {Terminators::kCrOrLf, Terminators::kLf,
                                           Terminators::kCrlfOrLf};
    auto r = parse_enum(t, key, kAll);
    if (!r) return r.error();
    p.terminators = *r;
  } else if (key == "max-record") {
    if (!v.quoted && t == "unlimited") {
      p.max_record = 0;
    } else {
      auto n = parse_count(t, "max-record");
      if (!n) return n.error();
      p.max_record = *n;
    }
  } else if (key == "final-fragment") {
    static constexpr FinalFragment kAll[] = {FinalFragment::kAnswer, FinalFragment::kDrop};
    auto r = parse_enum(t, key, kAll);
    if (!r) return r.error();
    p.final_fragment = *r;
  } else if (key == "concurrency") {
    static constexpr Concurrency kAll[] = {Concurrency::kAny, Concurrency::kConcurrent,
                                           Concurrency::kSequential};
    auto r = parse_enum(t, key, kAll);
    if (!r) return r.error();
    p.concurrency = *r;
  } else {
    return usage_error("unknown key '" + std::string(key) +
                       "' (known: base, name, greeting, refusal, capacity, reply, ack-text, "
                       "terminators, max-record, final-fragment, concurrency)");
  }
  return {};
}

bool needs_quotes(std::string_view s) {
  if (s.empty() || s == "none" || s == "unknown" || s == "unlimited") return true;
  if (s.front() == ' ' || s.front() == '\t' || s.front() == '"') return true;
  if (s.back() == ' ' || s.back() == '\t') return true;
  for (unsigned char c : s) {
    if (c < 0x20 || c >= 0x7f || c == '#' || c == '\\') return true;
  }
  return false;
}

std::string quote(std::string_view s) {
  return needs_quotes(s) ? escape_bytes(s, s.size()) : std::string(s);
}

}  // namespace

Result<Profile> parse_profile(std::string_view text, std::string_view source) {
  Profile profile;
  std::set<std::string, std::less<>> seen;
  std::size_t line_no = 0;
  auto fail = [&](const std::string& why) {
    // Values come from the file: keep the message on one line whatever they hold.
    return usage_error(one_line(std::string(source) + ":" + std::to_string(line_no) + ": " + why));
  };
  while (!text.empty()) {
    ++line_no;
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    line = trim(line);
    if (line.empty() || line.front() == '#') continue;
    auto eq = line.find('=');
    if (eq == std::string_view::npos) return fail("want 'key = value', got '" + std::string(line) + "'");
    std::string_view key = trim(line.substr(0, eq));
    if (key.empty()) return fail("missing key before '='");
    if (!seen.insert(std::string(key)).second) return fail("key '" + std::string(key) + "' given twice");
    auto value = parse_value(line.substr(eq + 1));
    if (!value) return fail(value.error().message);
    if (key == "base") {
      if (seen.size() != 1) return fail("'base' must come before every other key");
      auto base = builtin_profile(value->text);
      if (!base) return fail("unknown base profile '" + value->text + "' (want seed, lf, echo or stream)");
      profile = *base;
      continue;
    }
    if (auto applied = apply(profile, key, *value); !applied) return fail(applied.error().message);
  }
  // A profile without a name is called after where it came from.
  if (!seen.contains("name")) profile.name = std::string(source);
  return profile;
}

std::string print_profile(const Profile& p) {
  std::string out;
  auto line = [&](std::string_view key, const std::string& value) {
    out += key;
    out += " = ";
    out += value;
    out += '\n';
  };
  line("name", quote(p.name));
  line("greeting", p.greeting ? quote(*p.greeting) : "none");
  line("refusal", quote(p.refusal_marker));
  line("capacity", p.capacity ? std::to_string(*p.capacity) : "unknown");
  line("reply", std::string(to_string(p.reply)));
  line("ack-text", quote(p.ack_text));
  line("terminators", std::string(to_string(p.terminators)));
  line("max-record", std::to_string(p.max_record));
  line("final-fragment", std::string(to_string(p.final_fragment)));
  line("concurrency", std::string(to_string(p.concurrency)));
  return out;
}

Result<Profile> load_profile(std::string_view name_or_path) {
  if (auto builtin = builtin_profile(name_or_path)) return *builtin;
  std::string path(name_or_path);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return usage_error(one_line("profile '" + path +
                                "' is neither a built-in profile (seed, lf, echo, stream) nor a readable file"));
  }
  std::string text;
  text.resize(kMaxProfileFileBytes + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxProfileFileBytes) return usage_error(one_line("profile file '" + path + "' is over 1 MiB"));
  auto parsed = parse_profile(text, path);
  if (!parsed) return parsed.error();
  return parsed;
}

}  // namespace linespec
