#include <gtest/gtest.h>

#include <string>

#include "linespec/protocol/profile.hpp"
#include "linespec/reference/connection.hpp"

namespace linespec::reference {
namespace {

const std::string kAck = "Information Received\n";

Profile builtin(const char* name) { return *builtin_profile(name); }

std::string acks(std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += kAck;
  return out;
}

// Takes every output byte, as a client reading everything would.
std::string drain(Connection& c) {
  std::string out(c.output());
  c.consume_output(out.size());
  return out;
}

TEST(ReferenceConnection, GreetsOnOpenBeforeReadingAnything) {
  Profile seed = builtin("seed");
  Connection c(seed);
  EXPECT_EQ(c.output(), "");
  c.on_open();
  EXPECT_EQ(drain(c), "connect\n");
  EXPECT_TRUE(c.wants_read());
  EXPECT_FALSE(c.done());
}

TEST(ReferenceConnection, StreamProfileHasNoGreeting) {
  Profile stream = builtin("stream");
  Connection c(stream);
  c.on_open();
  EXPECT_EQ(c.output(), "");
}

TEST(ReferenceConnection, AcksEachRecordInOrder) {
  Profile seed = builtin("seed");
  Connection c(seed);
  c.on_open();
  drain(c);
  EXPECT_EQ(c.on_data("SOME DATA\n"), 10u);
  EXPECT_EQ(drain(c), kAck);
  EXPECT_EQ(c.on_data("x\r\nab"), 5u);
  EXPECT_EQ(drain(c), acks(2));
  EXPECT_EQ(c.on_data("c\n"), 2u);
  EXPECT_EQ(drain(c), kAck);
}

TEST(ReferenceConnection, RecordSplitByteByByteIsAckedOnceWhenItEnds) {
  Profile seed = builtin("seed");
  Connection c(seed);
  for (char ch : std::string("SOME DATA")) {
    c.on_data(std::string(1, ch));
    EXPECT_EQ(c.output(), "");
  }
  c.on_data("\n");
  EXPECT_EQ(drain(c), kAck);
}

TEST(ReferenceConnection, EofAnswersTheFinalFragmentThenIsDoneOnceOutputDrains) {
  Profile seed = builtin("seed");
  Connection c(seed);
  c.on_data("a\nabc");
  c.on_eof();
  EXPECT_TRUE(c.input_closed());
  EXPECT_FALSE(c.wants_read());
  EXPECT_FALSE(c.done());  // replies still owed
  EXPECT_EQ(drain(c), acks(2));
  EXPECT_TRUE(c.done());
}

TEST(ReferenceConnection, EofDropsTheFinalFragmentWhenTheProfileSaysSo) {
  Profile p = builtin("seed");
  p.final_fragment = FinalFragment::kDrop;
  Connection c(p);
  c.on_data("a\nabc");
  c.on_eof();
  EXPECT_EQ(drain(c), acks(1));
  EXPECT_TRUE(c.done());
}

TEST(ReferenceConnection, EofWithoutFragmentAddsNothing) {
  Profile seed = builtin("seed");
  Connection c(seed);
  c.on_data("a\n");
  c.on_eof();
  EXPECT_EQ(drain(c), acks(1));
  Connection empty(seed);
  empty.on_eof();
  EXPECT_TRUE(empty.done());
}

TEST(ReferenceConnection, EchoSendsEveryRecordVerbatim) {
  Profile echo = builtin("echo");
  Connection c(echo);
  c.on_open();
  EXPECT_EQ(drain(c), "connect\n");
  c.on_data(std::string("x\r\n\0y\n", 6));
  EXPECT_EQ(drain(c), std::string("x\r\n\0y\n", 6));
  c.on_data("abc");
  c.on_eof();
  EXPECT_EQ(drain(c), "abc");  // the final fragment, without an added newline
  EXPECT_TRUE(c.done());
}

TEST(ReferenceConnection, EchoWithDropHoldsTheFragmentBackUntilItsRecordEnds) {
  Profile p = builtin("echo");
  p.final_fragment = FinalFragment::kDrop;
  Connection c(p);
  c.on_data("a\nbc");
  EXPECT_EQ(drain(c), "a\n");
  c.on_data("d\nef");
  EXPECT_EQ(drain(c), "bcd\n");
  c.on_eof();
  EXPECT_EQ(drain(c), "");  // "ef" was never sent and is dropped
  EXPECT_TRUE(c.done());
}

TEST(ReferenceConnection, EchoWithDropSendsTheLfThatJoinsACrRecord) {
  Profile p = builtin("echo");
  p.final_fragment = FinalFragment::kDrop;
  p.terminators = Terminators::kCrlfOrLf;
  Connection c(p);
  c.on_data("x\r");
  EXPECT_EQ(drain(c), "x\r");  // the record ends at the CR: answered at once
  c.on_data("\ny");
  EXPECT_EQ(drain(c), "\n");
  c.on_eof();
  EXPECT_EQ(drain(c), "");
}

TEST(ReferenceConnection, EchoWithDropFailsAFragmentOverTheHoldBound) {
  Profile p = builtin("echo");
  p.final_fragment = FinalFragment::kDrop;
  p.max_record = 0;
  ConnectionLimits limits;
  limits.max_held_fragment = 8;
  Connection c(p, limits);
  c.on_data("ok\n12345678");
  EXPECT_FALSE(c.failed());
  c.on_data("9");
  EXPECT_TRUE(c.failed());
  EXPECT_TRUE(c.input_closed());
  EXPECT_EQ(drain(c), "ok\n");
  EXPECT_TRUE(c.done());
}

TEST(ReferenceConnection, StreamSendsEveryByteBackWithoutFraming) {
  Profile stream = builtin("stream");
  Connection c(stream);
  c.on_data("ab");
  c.on_data("c\r\nd");
  c.on_eof();
  EXPECT_EQ(drain(c), "abc\r\nd");
  EXPECT_TRUE(c.done());
}

TEST(ReferenceConnection, OutputBacklogPausesReadingAndTakesTheRestLater) {
  Profile seed = builtin("seed");
  ConnectionLimits limits;
  limits.output_high_water = 64;
  Connection c(seed, limits);
  const std::string input(100, '\n');
  std::size_t taken = c.on_data(input);
  EXPECT_LT(taken, input.size());
  EXPECT_FALSE(c.wants_read());
  EXPECT_GE(c.output().size(), 64u);
  EXPECT_LT(c.output().size(), 64u + kAck.size());
  EXPECT_EQ(c.on_data(std::string_view(input).substr(taken)), 0u);  // still backed up

  std::string out = drain(c);
  EXPECT_TRUE(c.wants_read());
  while (taken < input.size()) {
    std::size_t n = c.on_data(std::string_view(input).substr(taken));
    ASSERT_GT(n, 0u);
    taken += n;
    out += drain(c);
  }
  EXPECT_EQ(out, acks(100));
}

TEST(ReferenceConnection, StreamOutputBacklogIsBoundedToo) {
  Profile stream = builtin("stream");
  ConnectionLimits limits;
  limits.output_high_water = 10;
  Connection c(stream, limits);
  EXPECT_EQ(c.on_data(std::string(25, 'x')), 10u);
  EXPECT_FALSE(c.wants_read());
  c.consume_output(4);
  EXPECT_TRUE(c.wants_read());
  EXPECT_EQ(c.on_data(std::string(15, 'x')), 4u);
}

TEST(ReferenceConnection, PartialConsumeKeepsTheRestInOrder) {
  Profile seed = builtin("seed");
  Connection c(seed);
  c.on_open();
  c.on_data("a\n");
  c.consume_output(3);
  EXPECT_EQ(c.output(), "nect\n" + kAck);
  c.consume_output(1000);  // more than there is: everything
  EXPECT_EQ(c.output(), "");
}

TEST(ReferenceConnection, RefuseSendsTheMarkerLineAndTakesNoInput) {
  Profile seed = builtin("seed");
  Connection c(seed);
  c.refuse();
  EXPECT_TRUE(c.input_closed());
  EXPECT_EQ(c.on_data("a\n"), 2u);  // discarded
  EXPECT_EQ(drain(c), "not connect\n");
  EXPECT_TRUE(c.done());
}

TEST(ReferenceConnection, FinishSendsTheRepliesOwedAndDiscardsLaterInput) {
  Profile seed = builtin("seed");
  Connection c(seed);
  c.on_data("a\nb\n");
  c.finish();
  c.on_data("c\n");
  EXPECT_EQ(drain(c), acks(2));
  EXPECT_TRUE(c.done());
}

TEST(ReferenceConnection, CustomAckTextAndRefusalMarker) {
  Profile p = builtin("lf");
  p.ack_text = "OK";
  p.refusal_marker = "busy";
  p.greeting.reset();
  Connection c(p);
  c.on_open();
  c.on_data("a\rb\n");
  EXPECT_EQ(drain(c), "OK\n");
  Connection refused(p);
  refused.refuse();
  EXPECT_EQ(drain(refused), "busy\n");
}

}  // namespace
}  // namespace linespec::reference
