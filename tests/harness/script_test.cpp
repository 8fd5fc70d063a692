// The script format: what each line means, what the printer writes, and the errors
// a person sees for a bad script (with the file and line).
#include <gtest/gtest.h>

#include "linespec/harness/script.hpp"
#include "linespec/protocol/profile_file.hpp"

namespace linespec::harness {

// Failures show scripts as scripts.
void PrintTo(const Script& script, std::ostream* os) { *os << "\n" << print_script(script); }
void PrintTo(const ScriptStep& step, std::ostream* os) { *os << print_step(step); }

namespace {

using namespace std::chrono_literals;

const char* const kExample = R"(# linespec script v1
profile seed
conn a
a send "SOME "
a send "DATA\n"   # the second half of the record
a expect "connect\nInformation Received\n"
conn b
b send "x\r"
pause 10
a half-close
a expect-close
b reset
)";

Script parsed(std::string_view text) {
  auto script = parse_script(text, "t.txt");
  EXPECT_TRUE(script) << script.error().message;
  return script ? *script : Script{};
}

std::string error_of(std::string_view text) {
  auto script = parse_script(text, "t.txt");
  EXPECT_FALSE(script) << print_script(*script);
  return script ? "" : script.error().message;
}

TEST(Script, ParsesTheExampleStepByStep) {
  Script script = parsed(kExample);
  EXPECT_EQ(script.profile, *builtin_profile("seed"));
  EXPECT_EQ(script.oracle, Oracle::kScriptAndModel);
  EXPECT_FALSE(script.target.has_value());
  std::vector<ScriptStep> want = {
      ScriptStep::connect("a"),
      ScriptStep::send("a", "SOME "),
      ScriptStep::send("a", "DATA\n"),
      ScriptStep::expect("a", "connect\nInformation Received\n"),
      ScriptStep::connect("b"),
      ScriptStep::send("b", "x\r"),
      ScriptStep::pause_for(10ms),
      ScriptStep::half_close("a"),
      ScriptStep::expect_close("a"),
      ScriptStep::reset("b"),
  };
  EXPECT_EQ(script.steps, want);
}

TEST(Script, PrintsWhatItParsed) {
  Script script = parsed(kExample);
  EXPECT_EQ(print_script(script), R"(# linespec script v1
profile seed
conn a
a send "SOME "
a send "DATA\n"
a expect "connect\nInformation Received\n"
conn b
b send "x\r"
pause 10
a half-close
a expect-close
b reset
)");
  EXPECT_EQ(parsed(print_script(script)), script);
}

TEST(Script, EveryByteHasAnEscape) {
  Script script = parsed("conn a\na send \"\\r\\n\\t\\\\\\\"\\x00\\xff\\0#\"\n");
  ASSERT_EQ(script.steps.size(), 2u);
  EXPECT_EQ(script.steps[1].bytes, std::string("\r\n\t\\\"\0\xff\0#", 9));
  EXPECT_EQ(print_step(script.steps[1]), R"(a send "\r\n\t\\\"\x00\xff\x00#")");
}

TEST(Script, StringsConcatenateAndRepeat) {
  Script script = parsed("conn a\na send \"A\"*1023 \"\\n\" \"b\" * 2\n");
  EXPECT_EQ(script.steps[1].bytes, std::string(1023, 'A') + "\nbb");
  // The printer folds long runs back, so a 1 KiB record stays one short line.
  EXPECT_EQ(print_step(script.steps[1]), R"(a send "A"*1023 "\nbb")");
  EXPECT_EQ(quote_script_bytes(std::string(15, 'x')), "\"" + std::string(15, 'x') + "\"");
  EXPECT_EQ(quote_script_bytes(""), "\"\"");
  EXPECT_EQ(quote_script_bytes(std::string(20, '\0') + "z"), R"("\x00"*20 "z")");
}

TEST(Script, ProfileKnobsTargetAndOracle) {
  Script script = parsed(R"(# linespec script v1
profile lf
set reply = echo
set max-record = 4
set ack-text = "OK # fine"
oracle script
target exec:linespec-server --stdio --profile lf
conn a
)");
  Profile want = *builtin_profile("lf");
  want.reply = ReplyKind::kEcho;
  want.max_record = 4;
  want.ack_text = "OK # fine";
  EXPECT_EQ(script.profile, want);
  EXPECT_EQ(script.oracle, Oracle::kScriptOnly);
  ASSERT_TRUE(script.target.has_value());
  EXPECT_EQ(script.target->to_string(), "exec:linespec-server --stdio --profile lf");
  std::string printed = print_script(script);
  EXPECT_NE(printed.find("profile lf\nset reply = echo\nset ack-text = \"OK # fine\"\nset max-record = 4\n"),
            std::string::npos)
      << printed;
  EXPECT_EQ(parsed(printed), script);
}

TEST(Script, AProfileFromAFileIsPrintedAsKnobs) {
  auto profile = parse_profile("base = echo\nname = mine\nterminators = crlf-or-lf\ncapacity = 3\n", "mine");
  ASSERT_TRUE(profile);
  Script script;
  script.profile = *profile;
  std::string printed = print_script(script);
  EXPECT_EQ(printed, R"(# linespec script v1
profile seed
set name = mine
set capacity = 3
set reply = echo
set terminators = crlf-or-lf
)");
  EXPECT_EQ(parsed(printed), script);
}

TEST(Script, WithoutHeaderOrProfileItIsTheSeedProfile) {
  Script script = parsed("conn a\na send \"x\\n\"\n");
  EXPECT_EQ(script.profile, *builtin_profile("seed"));
  EXPECT_TRUE(is_script_text(print_script(script)));
  EXPECT_FALSE(is_script_text("SOME DATA\n"));
}

TEST(Script, WithModelExpectationsWritesTheModelsAnswerIn) {
  Script script = parsed(R"(conn a
conn b
conn c
conn d
a send "x\ny"
b send "z\n"
c send "w\n"
d send "q\r"
d expect "connect\n"
a half-close
b reset
)");
  EXPECT_EQ(print_script(with_model_expectations(script)), R"(# linespec script v1
profile seed
conn a
conn b
conn c
conn d
a send "x\ny"
b send "z\n"
c send "w\n"
d send "q\r"
d expect "connect\n"
a half-close
a expect "connect\nInformation Received\nInformation Received\n"
a expect-close
b expect-prefix "connect\nInformation Received\n"
b reset
c expect "connect\nInformation Received\n"
)");
  EXPECT_TRUE(check_script(with_model_expectations(script)));
}

TEST(Script, RawBytesAreOneChunkThenAHalfClose) {
  Script script = script_from_raw_bytes("abc\r\n", *builtin_profile("lf"));
  EXPECT_EQ(script.profile.name, "lf");
  EXPECT_EQ(script.steps, (std::vector<ScriptStep>{ScriptStep::connect("a"), ScriptStep::send("a", "abc\r\n"),
                                                   ScriptStep::half_close("a")}));
}

TEST(ScriptErrors, NameTheFileTheLineAndTheWord) {
  EXPECT_EQ(error_of("conn a\n\na sned \"x\"\n"),
            "t.txt:3: unknown step 'sned' (want send, expect, expect-prefix, expect-close, half-close, close or reset)");
  EXPECT_EQ(error_of("conn a\nsned \"x\"\n"),
            "t.txt:2: unknown step 'sned' (want conn, pause, or a connection name and a step)");
  EXPECT_EQ(error_of("b send \"x\"\n"), "t.txt:1: no connection 'b' (open it first with 'conn b')");
  EXPECT_EQ(error_of("# linespec script v2\n"), "t.txt:1: unsupported script version 'v2' (this program reads v1)");
}

TEST(ScriptErrors, BadStrings) {
  EXPECT_EQ(error_of("conn a\na send \"x\n"), "t.txt:2: missing closing '\"'");
  EXPECT_EQ(error_of("conn a\na send \"\\q\"\n"),
            "t.txt:2: unknown escape '\\q' (want \\r \\n \\t \\\\ \\\" \\0 or \\xHH)");
  EXPECT_EQ(error_of("conn a\na send \"\\x4\"\n"), "t.txt:2: bad escape '\\x': want two hex digits, as in \\x0a");
  EXPECT_EQ(error_of("conn a\na send x\n"), "t.txt:2: unexpected 'x': want a quoted string such as \"x\\n\"");
  EXPECT_EQ(error_of("conn a\na send\n"), "t.txt:2: missing bytes: want a quoted string such as \"x\\n\"");
  EXPECT_EQ(error_of("conn a\na send \"x\"*lots\n"),
            "t.txt:2: bad repeat count 'lots': want a whole number from 0 to 16777216");
  EXPECT_EQ(error_of("conn a\na half-close now\n"), "t.txt:2: 'half-close' takes no arguments");
}

TEST(ScriptErrors, HeaderLines) {
  EXPECT_EQ(error_of("profile nope\n"),
            "t.txt:1: unknown profile 'nope' (want seed, lf, echo or stream, then 'set KEY = VALUE' lines)");
  EXPECT_EQ(error_of("profile seed\nprofile lf\n"), "t.txt:2: 'profile' given twice");
  EXPECT_EQ(error_of("set reply = loud\n"), "t.txt:1: bad reply 'loud': want one of ack, echo, stream");
  EXPECT_EQ(error_of("set colour = red\n").substr(0, 30), "t.txt:1: unknown key 'colour' ");
  EXPECT_EQ(error_of("set base = lf\n"), "t.txt:1: use 'profile NAME' instead of 'set base'");
  EXPECT_EQ(error_of("set reply = echo\nset reply = ack\n"), "t.txt:2: 'set reply' given twice");
  EXPECT_EQ(error_of("set reply = echo\nprofile lf\n"), "t.txt:2: 'profile' must come before its 'set' lines");
  EXPECT_EQ(error_of("conn a\nprofile lf\n"), "t.txt:2: 'profile' must come before the first step");
  EXPECT_EQ(error_of("oracle maybe\n"), "t.txt:1: bad oracle 'maybe' (want model or script)");
  EXPECT_NE(error_of("target tcp:127.0.0.1:0\n").find("t.txt:1: bad target"), std::string::npos);
  EXPECT_EQ(parsed("target tcp:127.0.0.1:9 # where it failed\n").target->to_string(), "tcp:127.0.0.1:9");
  EXPECT_EQ(error_of("pause soon\n"),
            "t.txt:1: bad pause 'soon': want a whole number from 0 to 3600000 (milliseconds)");
}

TEST(ScriptErrors, ConnectionRules) {
  EXPECT_EQ(error_of("conn a\nconn a\n"), "t.txt:2: connection 'a' already exists (opened at line 1)");
  EXPECT_EQ(error_of("conn pause\n"), "t.txt:1: 'pause' is a keyword, not a connection name");
  EXPECT_EQ(error_of("conn a/b\n"), "t.txt:1: bad connection name 'a/b': want letters, digits, '_' or '-'");
  EXPECT_EQ(error_of("conn a\na half-close\na send \"x\"\n"),
            "t.txt:3: connection 'a' cannot send: it was half-closed at line 2");
  EXPECT_EQ(error_of("conn a\na reset\na expect \"x\"\n"),
            "t.txt:3: connection 'a' cannot expect more: it was reset at line 2");
  EXPECT_EQ(error_of("conn a\na close\na close\n"), "t.txt:3: connection 'a' cannot end again: it was closed at line 2");
  EXPECT_EQ(error_of("conn a\na expect-close\na send \"x\"\n"),
            "t.txt:3: connection 'a' cannot send: it was closed by the server (expect-close) at line 2");
  EXPECT_EQ(error_of("conn a\na expect-prefix \"ab\"\na expect \"a\"\n"),
            "t.txt:3: connection 'a' cannot expect more: its expect-prefix at line 2 covers everything still to arrive");
  // Expecting after a half-close is what half-closing is for.
  EXPECT_TRUE(parse_script("conn a\na half-close\na expect \"connect\\n\"\na expect-close\n"));
}

TEST(ScriptErrors, CheckScriptNamesTheStep) {
  Script script;
  script.steps = {ScriptStep::connect("a"), ScriptStep::half_close("a"), ScriptStep::send("a", "x")};
  auto status = check_script(script);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().message, "step 3 (a send \"x\"): connection 'a' cannot send: it was half-closed at step 2");
  script.steps = {ScriptStep::send("z", "x")};
  EXPECT_FALSE(check_script(script));
  script.steps = {ScriptStep::connect("a"), ScriptStep::send("a", "x"), ScriptStep::reset("a")};
  EXPECT_TRUE(check_script(script));
}

}  // namespace
}  // namespace linespec::harness
