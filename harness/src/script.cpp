// Script values, the printer and the rules; the parser is in script_parser.cpp.
#include "linespec/harness/script.hpp"

#include <array>
#include <map>
#include <utility>

#include "linespec/harness/model.hpp"
#include "linespec/harness/transcript.hpp"
#include "linespec/protocol/profile_file.hpp"
#include "script_rules.hpp"

namespace linespec::harness {

namespace {

ScriptStep make_step(ScriptStep::Kind kind, std::string name, std::string bytes = {}) {
  ScriptStep step;
  step.kind = kind;
  step.connection = std::move(name);
  step.bytes = std::move(bytes);
  return step;
}

// Runs shorter than this print as plain text: "AAAA" reads better than "A"*4.
constexpr std::size_t kShortestRepeat = 16;

constexpr std::array<std::string_view, 6> kKeywords = {"conn", "pause", "profile", "set", "target", "oracle"};

}  // namespace

ScriptStep ScriptStep::connect(std::string name) { return make_step(Kind::kConnect, std::move(name)); }
ScriptStep ScriptStep::send(std::string name, std::string bytes) {
  return make_step(Kind::kSend, std::move(name), std::move(bytes));
}
ScriptStep ScriptStep::pause_for(std::chrono::milliseconds duration) {
  ScriptStep step;
  step.kind = Kind::kPause;
  step.pause = duration;
  return step;
}
ScriptStep ScriptStep::expect(std::string name, std::string bytes) {
  return make_step(Kind::kExpect, std::move(name), std::move(bytes));
}
ScriptStep ScriptStep::expect_prefix(std::string name, std::string bytes) {
  return make_step(Kind::kExpectPrefix, std::move(name), std::move(bytes));
}
ScriptStep ScriptStep::expect_close(std::string name) { return make_step(Kind::kExpectClose, std::move(name)); }
ScriptStep ScriptStep::half_close(std::string name) { return make_step(Kind::kHalfClose, std::move(name)); }
ScriptStep ScriptStep::close(std::string name) { return make_step(Kind::kClose, std::move(name)); }
ScriptStep ScriptStep::reset(std::string name) { return make_step(Kind::kReset, std::move(name)); }

bool is_script_text(std::string_view text) {
  constexpr std::string_view kMark = "# linespec script";
  return text.substr(0, kMark.size()) == kMark;
}

std::string quote_script_bytes(std::string_view bytes) {
  if (bytes.empty()) return "\"\"";
  std::string out;
  std::size_t literal_start = 0;
  auto flush_literal = [&](std::size_t end) {
    if (end == literal_start) return;
    if (!out.empty()) out += ' ';
    out += escape_bytes(bytes.substr(literal_start, end - literal_start), std::string_view::npos);
  };
  std::size_t i = 0;
  while (i < bytes.size()) {
    std::size_t run = 1;
    while (i + run < bytes.size() && bytes[i + run] == bytes[i]) ++run;
    if (run >= kShortestRepeat) {
      flush_literal(i);
      if (!out.empty()) out += ' ';
      out += escape_bytes(bytes.substr(i, 1)) + "*" + std::to_string(run);
      literal_start = i + run;
    }
    i += run;
  }
  flush_literal(bytes.size());
  return out;
}

std::string print_step(const ScriptStep& step) {
  using Kind = ScriptStep::Kind;
  const std::string& name = step.connection;
  switch (step.kind) {
    case Kind::kConnect: return "conn " + name;
    case Kind::kSend: return name + " send " + quote_script_bytes(step.bytes);
    case Kind::kPause: return "pause " + std::to_string(step.pause.count());
    case Kind::kExpect: return name + " expect " + quote_script_bytes(step.bytes);
    case Kind::kExpectPrefix: return name + " expect-prefix " + quote_script_bytes(step.bytes);
    case Kind::kExpectClose: return name + " expect-close";
    case Kind::kHalfClose: return name + " half-close";
    case Kind::kClose: return name + " close";
    case Kind::kReset: return name + " reset";
  }
  return "?";
}

namespace {

// `profile BASE` and the `set` lines that turn the built-in BASE into `profile`.
std::string print_profile_lines(const Profile& profile) {
  auto named = builtin_profile(profile.name);
  Profile base = named ? *named : *builtin_profile("seed");
  std::string out = "profile " + base.name + "\n";
  const std::string want_text = print_profile(profile);
  const std::string base_text = print_profile(base);
  std::string_view want = want_text;
  std::string_view have = base_text;
  // print_profile() writes the same keys in the same order, one per line.
  while (!want.empty()) {
    auto want_line = want.substr(0, want.find('\n'));
    auto have_line = have.substr(0, have.find('\n'));
    if (want_line != have_line) out += "set " + std::string(want_line) + "\n";
    want.remove_prefix(std::min(want.size(), want_line.size() + 1));
    have.remove_prefix(std::min(have.size(), have_line.size() + 1));
  }
  return out;
}

}  // namespace

std::string print_script(const Script& script) {
  std::string out(kScriptHeader);
  out += '\n';
  out += print_profile_lines(script.profile);
  if (script.oracle == Oracle::kScriptOnly) out += "oracle script\n";
  if (script.target) out += "target " + script.target->to_string() + "\n";
  for (const auto& step : script.steps) {
    out += print_step(step);
    out += '\n';
  }
  return out;
}

std::optional<std::string> check_connection_name(std::string_view name) {
  constexpr std::size_t kLongest = 64;
  if (name.empty() || name.size() > kLongest) {
    return "bad connection name '" + std::string(name) + "': want 1 to 64 letters, digits, '_' or '-'";
  }
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return "bad connection name '" + std::string(name) + "': want letters, digits, '_' or '-'";
  }
  for (auto keyword : kKeywords) {
    if (name == keyword) return "'" + std::string(name) + "' is a keyword, not a connection name";
  }
  return std::nullopt;
}

std::optional<std::string> ScriptRules::admit(const ScriptStep& step, const std::string& position) {
  using Kind = ScriptStep::Kind;
  if (step.kind == Kind::kPause) return std::nullopt;
  const std::string& name = step.connection;
  auto found = connections_.find(name);
  if (step.kind == Kind::kConnect) {
    if (auto bad = check_connection_name(name)) return bad;
    if (found != connections_.end()) {
      return "connection '" + name + "' already exists (opened at " + found->second.opened_at + ")";
    }
    connections_[name].opened_at = position;
    return std::nullopt;
  }
  if (found == connections_.end()) return "no connection '" + name + "' (open it first with 'conn " + name + "')";
  Connection& c = found->second;
  auto ended_how = [&c]() -> std::string {
    switch (c.end) {
      case End::kHalfClosed: return "half-closed";
      case End::kClosed: return "closed";
      case End::kReset: return "reset";
      case End::kPeerClosed: return "closed by the server (expect-close)";
      case End::kNone: break;
    }
    return "open";
  };
  auto ended_message = [&](std::string_view what) {
    return "connection '" + name + "' cannot " + std::string(what) + ": it was " + ended_how() + " at " +
           c.ended_at;
  };
  switch (step.kind) {
    case Kind::kSend:
      if (c.end != End::kNone) return ended_message("send");
      return std::nullopt;
    case Kind::kExpect:
    case Kind::kExpectPrefix:
    case Kind::kExpectClose:
      if (c.end != End::kNone && c.end != End::kHalfClosed) return ended_message("expect more");
      if (!c.prefix_at.empty()) {
        return "connection '" + name + "' cannot expect more: its expect-prefix at " + c.prefix_at +
               " covers everything still to arrive";
      }
      if (step.kind == Kind::kExpectPrefix) c.prefix_at = position;
      if (step.kind == Kind::kExpectClose) {
        c.end = End::kPeerClosed;
        c.ended_at = position;
      }
      return std::nullopt;
    case Kind::kHalfClose:
    case Kind::kClose:
    case Kind::kReset:
      if (c.end != End::kNone) return ended_message("end again");
      c.end = step.kind == Kind::kHalfClose ? End::kHalfClosed : step.kind == Kind::kClose ? End::kClosed : End::kReset;
      c.ended_at = position;
      return std::nullopt;
    case Kind::kConnect:
    case Kind::kPause:
      break;
  }
  return std::nullopt;
}

Status check_script(const Script& script) {
  ScriptRules rules;
  for (std::size_t i = 0; i < script.steps.size(); ++i) {
    std::string position = "step " + std::to_string(i + 1);
    if (auto bad = rules.admit(script.steps[i], position)) {
      return usage_error(position + " (" + print_step(script.steps[i]) + "): " + *bad);
    }
  }
  return {};
}

Script with_model_expectations(const Script& script) {
  using Kind = ScriptStep::Kind;
  // Connections that already say what they expect keep their own words.
  std::map<std::string, Model> models;
  for (const auto& step : script.steps) {
    if (step.kind == Kind::kConnect) models.emplace(step.connection, Model(script.profile));
  }
  for (const auto& step : script.steps) {
    if (step.kind == Kind::kExpect || step.kind == Kind::kExpectPrefix || step.kind == Kind::kExpectClose) {
      models.erase(step.connection);
    }
  }
  Script out = script;
  out.steps.clear();
  for (const auto& step : script.steps) {
    auto model = models.find(step.connection);
    if (model == models.end()) {
      out.steps.push_back(step);
      continue;
    }
    switch (step.kind) {
      case Kind::kSend:
        model->second.feed(step.bytes);
        out.steps.push_back(step);
        break;
      case Kind::kHalfClose:
        out.steps.push_back(step);
        out.steps.push_back(ScriptStep::expect(step.connection, model->second.expectation(ClientEnd::kHalfClose).bytes));
        out.steps.push_back(ScriptStep::expect_close(step.connection));
        models.erase(model);
        break;
      case Kind::kClose:
      case Kind::kReset:
        out.steps.push_back(ScriptStep::expect_prefix(step.connection, model->second.output()));
        out.steps.push_back(step);
        models.erase(model);
        break;
      default:
        out.steps.push_back(step);
        break;
    }
  }
  // Connections still open at the end are owed the replies to their complete records.
  for (const auto& step : script.steps) {
    auto model = step.kind == Kind::kConnect ? models.find(step.connection) : models.end();
    if (model != models.end()) out.steps.push_back(ScriptStep::expect(step.connection, model->second.output()));
  }
  return out;
}

Script script_from_raw_bytes(std::string_view bytes, Profile profile) {
  Script script;
  script.profile = std::move(profile);
  script.steps = {ScriptStep::connect("a"), ScriptStep::send("a", std::string(bytes)), ScriptStep::half_close("a")};
  return script;
}

}  // namespace linespec::harness
