// Printing a script and parsing it back gives the same script, for any profile,
// target and sequence of steps the rules allow.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "linespec/harness/script.hpp"

namespace linespec::harness {
namespace {

// Nothing, or a value of `gen`.
template <class T>
rc::Gen<std::optional<T>> optional_of(rc::Gen<T> gen) {
  return rc::gen::oneOf(rc::gen::just(std::optional<T>()),
                        rc::gen::map(std::move(gen), [](T value) { return std::optional<T>(std::move(value)); }));
}

rc::Gen<std::string> any_bytes() {
  return rc::gen::oneOf(rc::gen::arbitrary<std::string>(),
                        rc::gen::container<std::string>(rc::gen::element('a', '\r', '\n', '\0', '"', '\\', '#', ' ')),
                        // Long runs, printed as "X"*N.
                        rc::gen::map(rc::gen::pair(rc::gen::inRange<std::size_t>(0, 40), rc::gen::arbitrary<char>()),
                                     [](const auto& run) { return std::string(run.first, run.second); }));
}

rc::Gen<Profile> any_profile() {
  return rc::gen::build<Profile>(
      rc::gen::set(&Profile::name, rc::gen::oneOf(rc::gen::element<std::string>("seed", "lf", "echo", "stream"),
                                                 rc::gen::arbitrary<std::string>())),
      rc::gen::set(&Profile::greeting, optional_of(rc::gen::arbitrary<std::string>())),
      rc::gen::set(&Profile::refusal_marker, rc::gen::nonEmpty(rc::gen::arbitrary<std::string>())),
      rc::gen::set(&Profile::capacity, optional_of(rc::gen::inRange<std::size_t>(1, 100))),
      rc::gen::set(&Profile::reply, rc::gen::element(ReplyKind::kAck, ReplyKind::kEcho, ReplyKind::kStream)),
      rc::gen::set(&Profile::ack_text, rc::gen::arbitrary<std::string>()),
      rc::gen::set(&Profile::terminators,
                   rc::gen::element(Terminators::kCrOrLf, Terminators::kLf, Terminators::kCrlfOrLf)),
      rc::gen::set(&Profile::max_record, rc::gen::inRange<std::size_t>(0, 2000)),
      rc::gen::set(&Profile::final_fragment, rc::gen::element(FinalFragment::kAnswer, FinalFragment::kDrop)),
      rc::gen::set(&Profile::concurrency,
                   rc::gen::element(Concurrency::kAny, Concurrency::kConcurrent, Concurrency::kSequential)));
}

rc::Gen<std::optional<Target>> any_target() {
  return optional_of(rc::gen::oneOf(
      rc::gen::map(rc::gen::inRange<int>(1, 65536),
                   [](int port) { return *parse_target("tcp:127.0.0.1:" + std::to_string(port)); }),
      rc::gen::element(*parse_target("tcp:[::1]:80"), *parse_target("unix:/tmp/x y/s"),
                       *parse_target("exec:linespec-server --stdio --profile 'a b' # c"))));
}

// Any steps on up to four connections; those the rules refuse are left out, so what
// remains is a script the rules accept (and shrinks to smaller ones).
rc::Gen<std::vector<ScriptStep>> any_steps() {
  auto step = rc::gen::apply(
      [](int kind, int conn, std::string bytes, int ms) {
        std::string name = std::string(1, static_cast<char>('a' + conn));
        switch (kind) {
          case 0: return ScriptStep::connect(name);
          case 1: return ScriptStep::send(name, std::move(bytes));
          case 2: return ScriptStep::pause_for(std::chrono::milliseconds(ms));
          case 3: return ScriptStep::expect(name, std::move(bytes));
          case 4: return ScriptStep::expect_prefix(name, std::move(bytes));
          case 5: return ScriptStep::expect_close(name);
          case 6: return ScriptStep::half_close(name);
          case 7: return ScriptStep::close(name);
          default: return ScriptStep::reset(name);
        }
      },
      rc::gen::inRange(0, 9), rc::gen::inRange(0, 4), any_bytes(), rc::gen::inRange(0, 100000));
  return rc::gen::map(rc::gen::container<std::vector<ScriptStep>>(step), [](std::vector<ScriptStep> steps) {
    std::vector<ScriptStep> kept;
    for (auto& s : steps) {
      kept.push_back(s);
      if (!check_script(Script{*builtin_profile("seed"), Oracle::kScriptAndModel, std::nullopt, kept})) kept.pop_back();
    }
    return kept;
  });
}

RC_GTEST_PROP(ScriptProperty, ParsingWhatWasPrintedGivesTheSameScript, ()) {
  Script script;
  script.profile = *any_profile();
  script.oracle = *rc::gen::element(Oracle::kScriptAndModel, Oracle::kScriptOnly);
  script.target = *any_target();
  script.steps = *any_steps();
  RC_ASSERT(check_script(script).ok());
  std::string text = print_script(script);
  RC_LOG() << text;
  auto back = parse_script(text, "printed");
  if (!back) RC_FAIL(back.error().message);
  RC_ASSERT(*back == script);
  RC_ASSERT(print_script(*back) == text);
}

RC_GTEST_PROP(ScriptProperty, AnyTextParsesOrFailsWithALineNumber, ()) {
  // Lines made of script words and bytes: the parser never crashes, and every error
  // names the source and a line.
  auto word = rc::gen::element<std::string>("conn", "a", "b", "send", "expect", "expect-prefix", "expect-close",
                                            "half-close", "close", "reset", "pause", "10", "profile", "seed", "set",
                                            "reply", "=", "echo", "\"x\\n\"", "\"", "*3", "#", "target", "oracle");
  auto line = rc::gen::map(rc::gen::container<std::vector<std::string>>(word), [](const std::vector<std::string>& w) {
    std::string out;
    for (const auto& s : w) out += (out.empty() ? "" : " ") + s;
    return out;
  });
  auto lines = *rc::gen::container<std::vector<std::string>>(line);
  std::string text;
  for (const auto& l : lines) text += l + "\n";
  auto script = parse_script(text, "fuzzed");
  if (script) {
    RC_ASSERT(check_script(*script).ok());
    RC_ASSERT(parse_script(print_script(*script), "again").ok());
  } else {
    RC_ASSERT(script.error().message.rfind("fuzzed:", 0) == 0);
  }
}

}  // namespace
}  // namespace linespec::harness
