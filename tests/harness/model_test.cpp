#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "linespec/harness/model.hpp"

namespace linespec::harness {
namespace {

using Records = std::vector<std::string>;

Profile profile(std::string_view name) { return *builtin_profile(name); }

Profile with_terminators(Terminators t, std::size_t max_record = 1024) {
  Profile p;
  p.terminators = t;
  p.max_record = max_record;
  return p;
}

std::string acks(std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += "Information Received\n";
  return out;
}

// The measured table of PROTOCOL.md, under the seed profile.
TEST(Model, SeedProfileAnswersTheProtocolTable) {
  struct Row {
    std::string sent;
    std::size_t replies;
  };
  for (const auto& [sent, replies] : {
           Row{"SOME DATA\n", 1},
           Row{"x\r\n", 2},
           Row{"x\ry\n", 2},
           Row{"\n", 1},
           Row{"0\n", 1},
           Row{std::string(1023, 'A') + "\n", 1},
           Row{std::string(1024, 'A') + "\n", 2},
           Row{std::string(2048, 'A') + "\n", 3},
           Row{std::string("a\0b\n", 4), 1},
       }) {
    Model model(profile("seed"));
    model.feed(sent);
    EXPECT_EQ(model.records().size(), replies) << sent.size();
    EXPECT_EQ(model.output(), "connect\n" + acks(replies));
    EXPECT_FALSE(model.must_close());
  }
}

TEST(Model, CrAndLfEachEndARecordInCrOrLf) {
  Model model(profile("seed"));
  model.feed("x\r\n");
  EXPECT_EQ(model.records(), (Records{"x\r", "\n"}));
  EXPECT_EQ(model.fragment(), "");
}

TEST(Model, RecordAtTheLimitThenItsTerminatorIsTwoRecords) {
  Model model(profile("seed"));
  model.feed(std::string(1024, 'A') + "\n");
  EXPECT_EQ(model.records(), (Records{std::string(1024, 'A'), "\n"}));
}

TEST(Model, LfModeTreatsCrAsData) {
  Model model(profile("lf"));
  model.feed("x\r\ny\rz\n");
  EXPECT_EQ(model.records(), (Records{"x\r\n", "y\rz\n"}));
  EXPECT_EQ(model.output(), "connect\n" + acks(2));
}

TEST(Model, CrlfOrLfJoinsAnLfToTheCrBeforeIt) {
  Model model(with_terminators(Terminators::kCrlfOrLf));
  model.feed("a\r\nb\nc\rd\r\r\n");
  EXPECT_EQ(model.records(), (Records{"a\r\n", "b\n", "c\r", "d\r", "\r\n"}));
}

TEST(Model, CrlfOrLfAnswersAtTheCrAndTheLaterLfAddsNoRecord) {
  Model model(with_terminators(Terminators::kCrlfOrLf));
  model.feed("x\r");
  EXPECT_EQ(model.records(), (Records{"x\r"}));
  EXPECT_EQ(model.replies(), acks(1));
  model.feed("\n");
  EXPECT_EQ(model.records(), (Records{"x\r\n"}));
  EXPECT_EQ(model.replies(), acks(1));
  model.feed("\n");
  EXPECT_EQ(model.records(), (Records{"x\r\n", "\n"}));
}

TEST(Model, CrlfOrLfLfJoinsACrTerminatedRecordAtTheLimit) {
  Model model(with_terminators(Terminators::kCrlfOrLf, 4));
  model.feed("abc\r\n");
  EXPECT_EQ(model.records(), (Records{"abc\r\n"}));
}

TEST(Model, CrlfOrLfLfAfterARecordCutByTheLimitIsANewRecord) {
  Model model(with_terminators(Terminators::kCrlfOrLf, 4));
  model.feed("abcd\n");
  EXPECT_EQ(model.records(), (Records{"abcd", "\n"}));
  model.feed("abcd\r\n");
  EXPECT_EQ(model.records(), (Records{"abcd", "\n", "abcd", "\r\n"}));
}

TEST(Model, MaxRecordZeroIsUnlimited) {
  Model model(with_terminators(Terminators::kCrOrLf, 0));
  model.feed(std::string(5000, 'A') + "\n");
  ASSERT_EQ(model.records().size(), 1u);
  EXPECT_EQ(model.records()[0].size(), 5001u);
}

TEST(Model, EndOfStreamAnswersTheFinalFragment) {
  Model model(profile("seed"));
  model.feed("abc");
  EXPECT_EQ(model.output(), "connect\n");
  EXPECT_EQ(model.fragment(), "abc");
  model.end_of_stream();
  EXPECT_TRUE(model.must_close());
  EXPECT_EQ(model.records(), (Records{"abc"}));
  EXPECT_EQ(model.output(), "connect\n" + acks(1));
}

TEST(Model, EndOfStreamDropsTheFinalFragmentWhenTheProfileSaysSo) {
  Profile p;
  p.final_fragment = FinalFragment::kDrop;
  Model model(p);
  model.feed("one\ntwo");
  model.end_of_stream();
  EXPECT_EQ(model.records(), (Records{"one\n"}));
  EXPECT_EQ(model.output(), "connect\n" + acks(1));
  EXPECT_TRUE(model.must_close());
}

TEST(Model, EndOfStreamWithoutFragmentAddsNothing) {
  Model model(profile("seed"));
  model.feed("a\n");
  model.end_of_stream();
  EXPECT_EQ(model.records().size(), 1u);
  model.feed("ignored\n");
  EXPECT_EQ(model.records().size(), 1u);
}

TEST(Model, EchoSendsEachRecordBackVerbatim) {
  Model model(profile("echo"));
  model.feed("hi\r\nthere\nfrag");
  EXPECT_EQ(model.output(), "connect\nhi\r\nthere\n");
  model.end_of_stream();
  EXPECT_EQ(model.output(), "connect\nhi\r\nthere\nfrag");
}

TEST(Model, EchoInCrlfOrLfSendsTheJoinedLfToo) {
  Profile p = profile("echo");
  p.terminators = Terminators::kCrlfOrLf;
  Model model(p);
  model.feed("x\r");
  EXPECT_EQ(model.replies(), "x\r");
  model.feed("\ny\n");
  EXPECT_EQ(model.replies(), "x\r\ny\n");
  EXPECT_EQ(model.records(), (Records{"x\r\n", "y\n"}));
}

TEST(Model, StreamSendsEveryByteBackWithoutGreetingOrFraming) {
  Model model(profile("stream"));
  model.feed(std::string("a\rb\n\0c", 6));
  EXPECT_EQ(model.output(), std::string("a\rb\n\0c", 6));
  EXPECT_TRUE(model.records().empty());
  model.end_of_stream();
  EXPECT_EQ(model.output(), std::string("a\rb\n\0c", 6));
  EXPECT_TRUE(model.must_close());
}

TEST(Model, NoGreetingWhenTheProfileHasNone) {
  Profile p;
  p.greeting.reset();
  p.ack_text = "OK";
  Model model(p);
  model.feed("a\n");
  EXPECT_EQ(model.output(), "OK\n");
}

TEST(Model, ExpectationsPerClientEnd) {
  Model model(profile("seed"));
  model.feed("a\nb");
  EXPECT_EQ(model.expectation(ClientEnd::kStaysOpen), Expectation::exact("connect\n" + acks(1)));
  EXPECT_EQ(model.expectation(ClientEnd::kHalfClose), Expectation::exact("connect\n" + acks(2)));
  EXPECT_EQ(model.expectation(ClientEnd::kFullClose), Expectation::prefix_of("connect\n" + acks(1)));
  EXPECT_EQ(model.expectation(ClientEnd::kReset), Expectation::prefix_of("connect\n" + acks(1)));
  EXPECT_FALSE(model.must_close()) << "asking for an expectation must not end the model's stream";
}

TEST(Model, EchoAnsweringFragmentsMayEchoARecordBeforeItEnds) {
  Model model(*builtin_profile("echo"));
  model.feed("ab\ncd");
  auto open = model.expectation(ClientEnd::kStaysOpen);
  EXPECT_EQ(open, Expectation::exact("connect\nab\n", "cd"));
  EXPECT_TRUE(open.matches("connect\nab\n"));
  EXPECT_TRUE(open.matches("connect\nab\nc"));
  EXPECT_TRUE(open.matches("connect\nab\ncd"));
  EXPECT_FALSE(open.matches("connect\nab"));
  EXPECT_FALSE(open.matches("connect\nab\nx"));
  EXPECT_FALSE(open.matches("connect\nab\ncdx"));
  EXPECT_EQ(open.describe(), "exactly \"connect\\nab\\n\", then any prefix of \"cd\"");
  EXPECT_EQ(model.expectation(ClientEnd::kReset), Expectation::prefix_of("connect\nab\ncd"));
  EXPECT_EQ(model.expectation(ClientEnd::kHalfClose), Expectation::exact("connect\nab\ncd"));
  // A server that may drop the fragment must not send any of it early; ack never does.
  Profile drop = *builtin_profile("echo");
  drop.final_fragment = FinalFragment::kDrop;
  Model dropping(drop);
  dropping.feed("ab\ncd");
  EXPECT_EQ(dropping.expectation(ClientEnd::kStaysOpen), Expectation::exact("connect\nab\n"));
  EXPECT_EQ(dropping.expectation(ClientEnd::kFullClose), Expectation::prefix_of("connect\nab\n"));
  Model ack(*builtin_profile("seed"));
  ack.feed("ab\ncd");
  EXPECT_EQ(ack.expectation(ClientEnd::kStaysOpen), Expectation::exact("connect\n" + acks(1)));
}

TEST(Expectation, MatchesExactPrefixAndAny) {
  auto exact = Expectation::exact("connect\n");
  EXPECT_TRUE(exact.matches("connect\n"));
  EXPECT_FALSE(exact.matches("connect"));
  EXPECT_FALSE(exact.matches("connect\nx"));

  auto prefix = Expectation::prefix_of("connect\n");
  EXPECT_TRUE(prefix.matches(""));
  EXPECT_TRUE(prefix.matches("conn"));
  EXPECT_TRUE(prefix.matches("connect\n"));
  EXPECT_FALSE(prefix.matches("connect\n\n"));
  EXPECT_FALSE(prefix.matches("x"));

  EXPECT_TRUE(Expectation::any().matches("whatever"));
}

TEST(Expectation, DescribesItselfWithEscapedBytes) {
  EXPECT_EQ(Expectation::exact("a\r\n").describe(), "exactly \"a\\r\\n\"");
  EXPECT_EQ(Expectation::prefix_of("a").describe(), "a prefix of \"a\"");
  EXPECT_EQ(Expectation::any().describe(), "anything");
}

TEST(Model, PredictIsTheModelInOneCall) {
  auto prediction = predict(profile("seed"), "x\r\nabc", true);
  EXPECT_EQ(prediction.records, (Records{"x\r", "\n", "abc"}));
  EXPECT_EQ(prediction.output, "connect\n" + acks(3));
  EXPECT_TRUE(prediction.server_closes);
  EXPECT_FALSE(predict(profile("seed"), "x", false).server_closes);
}

}  // namespace
}  // namespace linespec::harness
