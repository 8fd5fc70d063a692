#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "linespec/protocol/profile.hpp"
#include "linespec/protocol/profile_file.hpp"

namespace linespec {
namespace {

TEST(BuiltinProfiles, SeedIsTheProtocolAsPublished) {
  auto seed = builtin_profile("seed");
  ASSERT_TRUE(seed);
  EXPECT_EQ(seed->greeting_line(), "connect\n");
  EXPECT_EQ(seed->ack_line(), "Information Received\n");
  EXPECT_EQ(seed->refusal_marker, "not connect");
  EXPECT_EQ(seed->terminators, Terminators::kCrOrLf);
  EXPECT_EQ(seed->max_record, 1024u);
  EXPECT_EQ(seed->final_fragment, FinalFragment::kAnswer);
  EXPECT_EQ(seed->concurrency, Concurrency::kAny);
  EXPECT_EQ(*seed, Profile{});
}

TEST(BuiltinProfiles, VariantsDifferFromSeedInTheirKnobOnly) {
  auto lf = builtin_profile("lf");
  auto echo = builtin_profile("echo");
  auto stream = builtin_profile("stream");
  ASSERT_TRUE(lf && echo && stream);
  EXPECT_EQ(lf->terminators, Terminators::kLf);
  EXPECT_EQ(lf->reply, ReplyKind::kAck);
  EXPECT_EQ(echo->reply, ReplyKind::kEcho);
  EXPECT_EQ(echo->terminators, Terminators::kCrOrLf);
  EXPECT_FALSE(stream->greeting);
  EXPECT_EQ(stream->greeting_line(), "");
  EXPECT_EQ(stream->reply, ReplyKind::kStream);
  EXPECT_FALSE(builtin_profile("nope"));
  EXPECT_EQ(builtin_profile_names().size(), 4u);
}

TEST(ProfileFile, EmptyFileIsSeedNamedAfterItsSource) {
  auto p = parse_profile("# nothing here\n\n", "x.profile");
  ASSERT_TRUE(p) << p.error().message;
  Profile expected;
  expected.name = "x.profile";
  EXPECT_EQ(*p, expected);
}

TEST(ProfileFile, SetsEveryKnob) {
  auto p = parse_profile(
      "name = custom\n"
      "greeting = \"hello there\"   # quoted keeps the spaces\n"
      "refusal = busy\n"
      "capacity = 8\n"
      "reply = echo\n"
      "ack-text = OK\n"
      "terminators = crlf-or-lf\n"
      "max-record = unlimited\n"
      "final-fragment = drop\n"
      "concurrency = sequential\n");
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->name, "custom");
  EXPECT_EQ(p->greeting, "hello there");
  EXPECT_EQ(p->refusal_marker, "busy");
  EXPECT_EQ(p->capacity, 8u);
  EXPECT_EQ(p->reply, ReplyKind::kEcho);
  EXPECT_EQ(p->ack_text, "OK");
  EXPECT_EQ(p->terminators, Terminators::kCrlfOrLf);
  EXPECT_EQ(p->max_record, 0u);
  EXPECT_EQ(p->final_fragment, FinalFragment::kDrop);
  EXPECT_EQ(p->concurrency, Concurrency::kSequential);
}

TEST(ProfileFile, BaseStartsFromABuiltinProfile) {
  auto p = parse_profile("base = stream\nname = s\n");
  ASSERT_TRUE(p) << p.error().message;
  auto expected = *builtin_profile("stream");
  expected.name = "s";
  EXPECT_EQ(*p, expected);
}

TEST(ProfileFile, GreetingNoneAndQuotedNoneDiffer) {
  EXPECT_FALSE(parse_profile("greeting = none\n")->greeting);
  EXPECT_EQ(parse_profile("greeting = \"none\"\n")->greeting, "none");
}

TEST(ProfileFile, EscapesInQuotedValues) {
  auto p = parse_profile(R"(ack-text = "a\tb\x41\\\"")" "\n");
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->ack_text, "a\tbA\\\"");
}

struct BadFile {
  const char* text;
  const char* message;
};

void PrintTo(const BadFile& bad, std::ostream* os) { *os << bad.text; }

class ProfileFileErrors : public testing::TestWithParam<BadFile> {};

TEST_P(ProfileFileErrors, NameTheLineAndTheProblem) {
  auto p = parse_profile(GetParam().text, "bad.profile");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().kind, ErrorKind::kUsage);
  EXPECT_EQ(p.error().message, GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ProfileFileErrors,
    testing::Values(
        BadFile{"colour = red\n",
                "bad.profile:1: unknown key 'colour' (known: base, name, greeting, refusal, capacity, "
                "reply, ack-text, terminators, max-record, final-fragment, concurrency)"},
        BadFile{"# c\nreply = loud\n",
                "bad.profile:2: bad reply 'loud': want one of ack, echo, stream"},
        BadFile{"max-record = 12x\n", "bad.profile:1: bad max-record '12x': want a whole number"},
        BadFile{"capacity = 0\n", "bad.profile:1: capacity must be at least 1 (or 'unknown')"},
        BadFile{"just words\n", "bad.profile:1: want 'key = value', got 'just words'"},
        BadFile{"reply = ack\nreply = echo\n", "bad.profile:2: key 'reply' given twice"},
        BadFile{"reply = ack\nbase = lf\n", "bad.profile:2: 'base' must come before every other key"},
        BadFile{"base = nope\n",
                "bad.profile:1: unknown base profile 'nope' (want seed, lf, echo or stream)"},
        BadFile{"greeting = \"open\n", "bad.profile:1: missing closing '\"'"},
        BadFile{"greeting = \"\\q\"\n", "bad.profile:1: unknown escape '\\q'"},
        BadFile{"capacity = \"1\\n2\"\n",
                "bad.profile:1: bad capacity '1\\n2': want a whole number"},
        BadFile{"terminators = crlf\n",
                "bad.profile:1: bad terminators 'crlf': want one of cr,lf, lf, crlf-or-lf"}));

TEST(ProfileFile, PrintedProfilesParseBackEqual) {
  for (auto name : builtin_profile_names()) {
    auto p = *builtin_profile(name);
    auto back = parse_profile(print_profile(p));
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(*back, p) << print_profile(p);
  }
}

TEST(LoadProfile, ResolvesBuiltinsThenFiles) {
  EXPECT_EQ(load_profile("echo")->reply, ReplyKind::kEcho);
  auto missing = load_profile("/nonexistent/dir/p.profile");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message,
            "profile '/nonexistent/dir/p.profile' is neither a built-in profile (seed, lf, echo, "
            "stream) nor a readable file");

  std::string path = testing::TempDir() + "load_profile_test.profile";
  std::ofstream(path) << "base = lf\nmax-record = 16\n";
  auto loaded = load_profile(path);
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_EQ(loaded->name, path);
  EXPECT_EQ(loaded->terminators, Terminators::kLf);
  EXPECT_EQ(loaded->max_record, 16u);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace linespec
