// The ScriptRunner: one Session per script connection, steps run in script order, and
// a verdict per connection from the script's expect steps and the Model.
#include "linespec/harness/replay.hpp"

#include <algorithm>
#include <limits>
#include <thread>
#include <utility>

#include "script_rules.hpp"

namespace linespec::harness {

namespace {

// How steps are named in verdicts: "step 4 (a expect "connect\n")", cut when long.
std::string step_label(std::size_t number, const ScriptStep& step) {
  constexpr std::size_t kLongest = 100;
  std::string text = print_step(step);
  if (text.size() > kLongest) text = text.substr(0, kLongest) + "...";
  return "step " + std::to_string(number) + " (" + text + ")";
}

std::string shown(std::string_view bytes) { return escape_bytes(bytes, 512); }

std::string ending_text(const SessionResult& result) {
  std::string text(to_string(result.ending));
  if (result.error) text += ": " + result.error->message;
  return text;
}

std::string client_end_text(ClientEnd end) {
  switch (end) {
    case ClientEnd::kStaysOpen: return "while the client stays open";
    case ClientEnd::kHalfClose: return "after the client's half-close";
    case ClientEnd::kFullClose: return "before the client's close";
    case ClientEnd::kReset: return "before the client's reset";
  }
  return "";
}

}  // namespace

struct ScriptRunner::Connection {
  explicit Connection(std::string connection_name, const Profile& profile)
      : name(std::move(connection_name)), model(profile) {}

  std::string name;
  bool connected = false;
  std::optional<Session> session;  // until the connection ends
  std::optional<SessionResult> result;  // after
  Model model;
  ClientEnd end = ClientEnd::kStaysOpen;
  std::size_t matched = 0;  // received bytes the expect steps have accounted for
  struct Prefix {
    std::size_t from = 0;
    std::string bytes;
    std::string label;
  };
  std::optional<Prefix> prefix;  // expect-prefix, judged at the end
  std::vector<std::string> failures;

  // What arrived so far, from the live session or the finished result.
  const std::string& received() const { return session ? session->received() : result->received; }
  std::optional<Ending> ending() const { return session ? session->ending() : std::optional(result->ending); }
};

ScriptRunner::ScriptRunner(Target target, Profile profile, SessionOptions options, Oracle oracle,
                           std::chrono::milliseconds settle)
    : target_(std::move(target)), options_(options), settle_(settle), rules_(std::make_unique<ScriptRules>()) {
  script_.profile = std::move(profile);
  script_.oracle = oracle;
  script_.target = target_;
}

ScriptRunner::ScriptRunner(ScriptRunner&&) noexcept = default;
ScriptRunner& ScriptRunner::operator=(ScriptRunner&&) noexcept = default;
ScriptRunner::~ScriptRunner() = default;

ScriptRunner::Connection* ScriptRunner::find(const std::string& name) {
  for (auto& c : connections_) {
    if (c->name == name) return c.get();
  }
  return nullptr;
}

void ScriptRunner::pause_all(std::chrono::milliseconds duration) {
  // Every open connection keeps reading, so the transcript shows when bytes came.
  constexpr auto kSlice = std::chrono::milliseconds(2);
  const auto deadline = Clock::now() + duration;
  for (;;) {
    bool any_open = false;
    for (auto& c : connections_) {
      auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
      if (left <= std::chrono::milliseconds(0)) return;
      if (!c->session || c->session->ended()) continue;
      any_open = true;
      c->session->pause(std::min(left, kSlice));
    }
    if (!any_open) {
      std::this_thread::sleep_until(deadline);
      return;
    }
  }
}

Status ScriptRunner::run(const ScriptStep& step) {
  if (finished_) return usage_error("the script run has finished: start a new ScriptRunner");
  const std::size_t number = script_.steps.size() + 1;
  if (auto bad = rules_->admit(step, "step " + std::to_string(number))) {
    return usage_error(step_label(number, step) + ": " + *bad);
  }
  script_.steps.push_back(step);
  using Kind = ScriptStep::Kind;
  if (step.kind == Kind::kPause) {
    pause_all(step.pause);
    return {};
  }
  if (step.kind == Kind::kConnect) {
    auto& c = *connections_.emplace_back(std::make_unique<Connection>(step.connection, script_.profile));
    auto session = Session::open(target_, options_);
    if (session) {
      c.connected = true;
      c.session.emplace(std::move(*session));
    } else {
      SessionResult failed;
      failed.ending = Ending::kError;
      failed.error = session.error();
      failed.transcript.add_note(TranscriptEvent::Kind::kError, session.error().message);
      c.result = std::move(failed);
    }
    return {};
  }
  Connection& c = *find(step.connection);
  if (!c.connected) return {};  // the verdict says once that it never connected
  const std::string label = step_label(number, step);
  switch (step.kind) {
    case Kind::kSend:
      c.model.feed(step.bytes);
      if (c.session) c.session->send(step.bytes);
      break;
    case Kind::kExpect: {
      const std::size_t from = c.matched;
      c.matched += step.bytes.size();
      if (c.session) c.session->expect(c.matched);
      std::string_view got = std::string_view(c.received()).substr(std::min(from, c.received().size()));
      got = got.substr(0, step.bytes.size());
      if (got != step.bytes) {
        std::string failure = label + ": received " + shown(got);
        if (got.size() < step.bytes.size() && c.ending()) {
          failure += ", then the connection ended (" + std::string(to_string(*c.ending())) + ")";
        }
        c.failures.push_back(std::move(failure));
      }
      break;
    }
    case Kind::kExpectPrefix:
      c.prefix = Connection::Prefix{c.matched, step.bytes, label};
      break;
    case Kind::kExpectClose: {
      if (c.session) c.session->expect(std::numeric_limits<std::size_t>::max());  // until EOF or a limit
      if (c.ending() != Ending::kPeerClosed) {
        c.failures.push_back(label + ": the server did not close the connection; it ended with " +
                             std::string(to_string(c.ending().value_or(Ending::kOpen))));
      }
      if (c.received().size() > c.matched) {
        c.failures.push_back(label + ": received more than expected: " +
                             shown(std::string_view(c.received()).substr(c.matched)));
      }
      break;
    }
    case Kind::kHalfClose:
    case Kind::kClose:
    case Kind::kReset: {
      c.end = step.kind == Kind::kHalfClose ? ClientEnd::kHalfClose
              : step.kind == Kind::kClose   ? ClientEnd::kFullClose
                                            : ClientEnd::kReset;
      CloseMode mode = step.kind == Kind::kHalfClose ? CloseMode::kHalfClose
                       : step.kind == Kind::kClose   ? CloseMode::kFull
                                                     : CloseMode::kReset;
      if (c.session) c.session->close(mode);
      end_connection(c);
      break;
    }
    case Kind::kConnect:
    case Kind::kPause:
      break;
  }
  return {};
}

void ScriptRunner::end_connection(Connection& c) {
  if (!c.session) return;
  c.result = c.session->finish();
  c.session.reset();
}

ScriptResult ScriptRunner::finish() {
  finished_ = true;
  const bool use_model = script_.oracle == Oracle::kScriptAndModel;
  // Connections left open are owed the replies to their complete records; then all
  // of them keep reading a moment longer together, so that replies they are not owed
  // show up (and a failure found that way replays the same).
  bool any_open = false;
  for (auto& c : connections_) {
    if (!c->session || c->session->ended()) continue;
    if (use_model) c->session->expect(c->model.output().size());
    any_open = any_open || !c->session->ended();
  }
  if (use_model && any_open && settle_.count() > 0) pause_all(settle_);
  for (auto& c : connections_) end_connection(*c);
  ScriptResult verdict;
  for (auto& c : connections_) {
    ConnectionOutcome outcome;
    outcome.name = c->name;
    outcome.client_end = c->end;
    outcome.failures = std::move(c->failures);
    SessionResult& result = *c->result;
    const std::string& received = result.received;
    if (result.ending == Ending::kError && result.error) {
      outcome.failures.push_back(result.error->message);
    }
    if (c->prefix) {
      std::string_view rest = std::string_view(received).substr(std::min(c->prefix->from, received.size()));
      if (std::string_view(c->prefix->bytes).substr(0, rest.size()) != rest) {
        outcome.failures.push_back(c->prefix->label + ": received " + shown(rest) + ", not a prefix");
      }
    }
    outcome.model = use_model ? c->model.expectation(c->end) : Expectation::any();
    if (use_model && result.ending != Ending::kError) {
      if (!outcome.model.matches(received)) {
        outcome.failures.push_back("the model of profile '" + script_.profile.name + "' wants " +
                                   outcome.model.describe() + " " + client_end_text(c->end) + ", received " +
                                   shown(received));
      }
      Ending owed = c->end == ClientEnd::kHalfClose   ? Ending::kPeerClosed
                    : c->end == ClientEnd::kStaysOpen ? Ending::kOpen
                                                      : Ending::kClosedByHarness;
      if (result.ending != owed) {
        outcome.failures.push_back(c->end == ClientEnd::kHalfClose
                                       ? "the server should close after the half-close; the connection ended: " +
                                             ending_text(result)
                                       : "the connection ended before the client ended it: " + ending_text(result));
      }
    }
    outcome.session = std::move(result);
    verdict.connections.push_back(std::move(outcome));
  }
  connections_.clear();
  return verdict;
}

bool ScriptResult::passed() const {
  return std::all_of(connections.begin(), connections.end(), [](const auto& c) { return c.passed(); });
}

std::string ScriptResult::report() const {
  if (passed()) return "ok: " + std::to_string(connections.size()) + " connection(s) passed\n";
  std::string out;
  for (const auto& c : connections) {
    for (const auto& failure : c.failures) out += c.name + ": " + failure + "\n";
  }
  for (const auto& c : connections) {
    if (c.passed()) continue;
    out += "--- " + c.name + " (ended: " + ending_text(c.session) + ", delivery: " +
           (c.session.delivery.empty() ? "none" : c.session.delivery) + ")\n";
    out += c.session.transcript.to_string();
    if (!c.session.diagnostics.empty()) out += c.session.diagnostics + "\n";
  }
  return out;
}

Script script_from_plan(const Plan& plan, Profile profile, const std::string& connection) {
  Script script;
  script.profile = std::move(profile);
  script.steps.push_back(ScriptStep::connect(connection));
  for (const Step& step : plan) {
    switch (step.kind) {
      case Step::Kind::kSend: script.steps.push_back(ScriptStep::send(connection, step.bytes)); break;
      case Step::Kind::kPause:
      case Step::Kind::kDrain: script.steps.push_back(ScriptStep::pause_for(step.duration)); break;
      case Step::Kind::kExpect: break;
      case Step::Kind::kClose:
        script.steps.push_back(step.close_mode == CloseMode::kHalfClose ? ScriptStep::half_close(connection)
                               : step.close_mode == CloseMode::kFull    ? ScriptStep::close(connection)
                                                                        : ScriptStep::reset(connection));
        return script;  // a session ends at its first close
    }
  }
  return script;
}

Result<ScriptResult> run_script(const Script& script, const Target& target, const SessionOptions& options) {
  if (auto status = check_script(script); !status) return status.error();
  ScriptRunner runner(target, script.profile, options, script.oracle);
  for (const auto& step : script.steps) {
    if (auto status = runner.run(step); !status) return status.error();
  }
  return runner.finish();
}

}  // namespace linespec::harness
