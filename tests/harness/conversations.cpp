#include "conversations.hpp"

#include <rapidcheck/state.h>

#include <algorithm>
#include <set>

#include "linespec/live_fuzz/generators.hpp"
#include "linespec/protocol/profile_file.hpp"

namespace linespec {
void showValue(const Profile& profile, std::ostream& os) { os << "\n" << print_profile(profile); }
namespace harness {
void showValue(ScriptStep::Kind kind, std::ostream& os) {
  os << (kind == ScriptStep::Kind::kConnect ? "stays open" : print_step(ScriptStep{kind, "a", {}, {}}));
}
}  // namespace harness
}  // namespace linespec

namespace linespec::harness::testing {

namespace {

constexpr std::string_view kEndOfScript = "# end of script";

// Fails the current case with the conversation and what went wrong, or counts it.
void judge(const Script& script, const ScriptResult& result, const LiveOptions& options) {
  if (options.tally != nullptr) options.tally->add(result);
  if (result.passed()) return;
  RC_FAIL("the server's replies differ from the model; replay this script with run_script():\n" +
          print_script(with_model_expectations(script)) + std::string(kEndOfScript) + "\n" + result.report());
}

}  // namespace

rc::Gen<Profile> served_profile() {
  return rc::gen::build<Profile>(
      rc::gen::set(&Profile::greeting,
                   rc::gen::element<std::optional<std::string>>(std::string("connect"), std::nullopt)),
      rc::gen::set(&Profile::reply, rc::gen::element(ReplyKind::kAck, ReplyKind::kEcho, ReplyKind::kStream)),
      rc::gen::set(&Profile::terminators,
                   rc::gen::element(Terminators::kCrOrLf, Terminators::kLf, Terminators::kCrlfOrLf)),
      rc::gen::set(&Profile::max_record, rc::gen::element<std::size_t>(0, 1, 4, 1024)),
      rc::gen::set(&Profile::final_fragment, rc::gen::element(FinalFragment::kAnswer, FinalFragment::kDrop)));
}

void random_conversation_property(const rc::Gen<Profile>& profiles, const TargetFor& target_for,
                                  const LiveOptions& options) {
  Profile profile = *profiles;
  auto records = *rc::gen::resize(10, rc::gen::container<std::vector<std::string>>(live_fuzz::record(profile)));
  auto sizes = *rc::gen::container<std::vector<std::size_t>>(rc::gen::inRange<std::size_t>(1, 12));
  auto ending = *rc::gen::element(ScriptStep::Kind::kHalfClose, ScriptStep::Kind::kHalfClose,
                                  ScriptStep::Kind::kConnect /* stays open */, ScriptStep::Kind::kClose,
                                  ScriptStep::Kind::kReset);
  std::string bytes;
  for (const auto& r : records) bytes += r;

  Script script;
  script.profile = profile;
  script.steps.push_back(ScriptStep::connect("a"));
  std::string_view left = bytes;
  for (std::size_t size : sizes) {
    if (left.empty()) break;
    script.steps.push_back(ScriptStep::send("a", std::string(left.substr(0, size))));
    left.remove_prefix(std::min(size, left.size()));
  }
  if (!left.empty()) script.steps.push_back(ScriptStep::send("a", std::string(left)));
  switch (ending) {
    case ScriptStep::Kind::kHalfClose: script.steps.push_back(ScriptStep::half_close("a")); break;
    case ScriptStep::Kind::kClose: script.steps.push_back(ScriptStep::close("a")); break;
    case ScriptStep::Kind::kReset: script.steps.push_back(ScriptStep::reset("a")); break;
    default: break;
  }
  Target target = target_for(profile);
  ScriptRunner runner(target, profile, options.session, Oracle::kScriptAndModel, options.settle);
  for (const auto& step : script.steps) RC_ASSERT(runner.run(step).ok());
  judge(runner.script(), runner.finish(), options);
}

namespace {

// The rc::state model: which connections exist and which the client still holds open.
struct Connections {
  std::set<std::string> opened;
  std::vector<std::string> open;
  Profile profile;  // what the records are made for

  bool is_open(const std::string& name) const { return std::find(open.begin(), open.end(), name) != open.end(); }
};

using LiveCommand = rc::state::Command<Connections, ScriptRunner>;
constexpr std::size_t kMostConnections = 4;

// Every command is one script step; run() plays it on the live runner.
struct StepCommand : LiveCommand {
  ScriptStep step;
  void run(const Connections&, ScriptRunner& runner) const override {
    auto status = runner.run(step);
    RC_ASSERT(status.ok());
  }
  void show(std::ostream& os) const override { os << print_step(step); }
};

struct Open : StepCommand {
  explicit Open(const Connections& s) {
    RC_PRE(s.opened.size() < kMostConnections);
    step = ScriptStep::connect(std::string(1, static_cast<char>('a' + s.opened.size())));
  }
  void checkPreconditions(const Connections& s) const override { RC_PRE(s.opened.count(step.connection) == 0u); }
  void apply(Connections& s) const override {
    s.opened.insert(step.connection);
    s.open.push_back(step.connection);
  }
};

struct Send : StepCommand {
  explicit Send(const Connections& s) {
    RC_PRE(!s.open.empty());
    step = ScriptStep::send(*rc::gen::elementOf(s.open), *rc::gen::resize(3, live_fuzz::record(s.profile)));
  }
  void checkPreconditions(const Connections& s) const override { RC_PRE(s.is_open(step.connection)); }
  void apply(Connections&) const override {}
};

// Half-close, close or reset: the client is done with the connection.
struct End : StepCommand {
  explicit End(const Connections& s) {
    RC_PRE(!s.open.empty());
    std::string name = *rc::gen::elementOf(s.open);
    step = *rc::gen::element(ScriptStep::half_close(name), ScriptStep::close(name), ScriptStep::reset(name));
  }
  void checkPreconditions(const Connections& s) const override { RC_PRE(s.is_open(step.connection)); }
  void apply(Connections& s) const override { s.open.erase(std::find(s.open.begin(), s.open.end(), step.connection)); }
};

}  // namespace

void random_interleaving_property(const rc::Gen<Profile>& profiles, const TargetFor& target_for,
                                  const LiveOptions& options) {
  Profile profile = *profiles;
  Target target = target_for(profile);
  ScriptRunner runner(target, profile, options.session, Oracle::kScriptAndModel, options.settle);
  rc::state::check(Connections{{}, {}, profile}, runner,
                   rc::state::gen::execOneOfWithArgs<Open, Send, Send, Send, End>());
  Script script = runner.script();
  judge(script, runner.finish(), options);
}

std::string script_in_message(const std::string& message) {
  auto begin = message.find(kScriptHeader);
  if (begin == std::string::npos) return {};
  auto end = message.find(kEndOfScript, begin);
  if (end == std::string::npos) return {};
  return message.substr(begin, end - begin);
}

}  // namespace linespec::harness::testing
