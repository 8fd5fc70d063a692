// The driver's check on hand-written conversations: it accepts the correct example
// handler, every way the protocol allows, and names what was sent, expected and
// received when a handler frames per read, forgets the final fragment, greets
// wrongly or does not close.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>

#include "ack_handler.hpp"
#include "conversation_input.hpp"
#include "linespec/fuzz/driver.hpp"

namespace linespec::fuzz {
namespace {

using examples::AckHandler;
using examples::Framing;

Profile seed() { return builtin_profile("seed").value(); }

Status check(ConnectionUnderTest&& handler, Conversation conversation, const Profile& profile = seed()) {
  return check_conversation(profile, handler, conversation);
}

TEST(FuzzDriverInput, ReadsChunksFromTheFrontAndChoicesFromTheEnd) {
  const Conversation written{{"ab", "c\r\n", std::string(256, 'x')}, CloseMode::kStayOpen};
  const auto bytes = testing::encode(written);
  const Conversation read = read_conversation(bytes.data(), bytes.size());
  EXPECT_EQ(read.chunks, written.chunks);
  EXPECT_EQ(read.close, CloseMode::kStayOpen);
}

TEST(FuzzDriverInput, EmptyInputIsAnImmediateHalfClose) {
  const Conversation read = read_conversation(nullptr, 0);
  EXPECT_TRUE(read.chunks.empty());
  EXPECT_EQ(read.close, CloseMode::kHalfClose);
}

TEST(FuzzDriverInput, ZeroChoiceByteKeepsHalfClose) {
  const std::uint8_t bytes[] = {'a', '\n', 1, 0};
  const Conversation read = read_conversation(bytes, sizeof bytes);
  EXPECT_EQ(read.chunks, std::vector<std::string>{"a\n"});
  EXPECT_EQ(read.close, CloseMode::kHalfClose);
}

TEST(FuzzDriverCheck, AcceptsTheCorrectHandlerInEveryCloseMode) {
  for (CloseMode close : {CloseMode::kHalfClose, CloseMode::kReset, CloseMode::kStayOpen}) {
    const Status status = check(AckHandler(seed()), {{"ab", "c\n", "d\re", "f"}, close});
    EXPECT_TRUE(status.ok()) << status.error().message;
  }
}

TEST(FuzzDriverCheck, AcceptsTheCorrectHandlerAtTheSizeLimit) {
  const Status status = check(AckHandler(seed()), {{std::string(256, 'A'), std::string(256, 'A'),
                                                    std::string(256, 'A'), std::string(256, 'A'), "\n"},
                                                   CloseMode::kHalfClose});
  EXPECT_TRUE(status.ok()) << status.error().message;
}

TEST(FuzzDriverCheck, AcceptsTheCorrectHandlerWithTheLfProfile) {
  const Status status = check(AckHandler(builtin_profile("lf").value()), {{"a\rb", "\n\r"}, CloseMode::kHalfClose},
                              builtin_profile("lf").value());
  EXPECT_TRUE(status.ok()) << status.error().message;
}

TEST(FuzzDriverCheck, ReportsAHandlerThatFramesPerRead) {
  const Status status = check(AckHandler(seed(), Framing::kPerRead), {{"ab", "c\n"}, CloseMode::kHalfClose});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, ErrorKind::kProtocol);
  const std::string& message = status.error().message;
  EXPECT_NE(message.find("wrong replies after on_data() of chunk 1 of 2"), std::string::npos) << message;
  EXPECT_NE(message.find("sent:     chunks [\"ab\", \"c\\n\"] then half-close"), std::string::npos) << message;
  EXPECT_NE(message.find("expected: a prefix of \"connect\\n\""), std::string::npos) << message;
  EXPECT_NE(message.find("received: \"connect\\nInformation Received\\n\""), std::string::npos) << message;
}

TEST(FuzzDriverCheck, AcceptsAPerReadHandlerWhenEveryReadIsARecord) {
  // The planted bug only shows when a record is split across reads.
  const Status status = check(AckHandler(seed(), Framing::kPerRead), {{"ab\n", "c\r"}, CloseMode::kHalfClose});
  EXPECT_TRUE(status.ok()) << status.error().message;
}

// The correct handler with one flaw: it sends nothing at EOF, stays open after it,
// or greets wrongly.
class FlawedHandler : public AckHandler {
 public:
  enum class Flaw { kDropsFinalFragment, kStaysOpen, kWrongGreeting };
  FlawedHandler(Profile profile, Flaw flaw) : AckHandler(std::move(profile)), flaw_(flaw) {}

  std::string on_open() override {
    return flaw_ == Flaw::kWrongGreeting ? std::string("hello\n") : AckHandler::on_open();
  }
  std::string on_eof() override {
    if (flaw_ == Flaw::kStaysOpen) return {};
    std::string replies = AckHandler::on_eof();
    if (flaw_ == Flaw::kDropsFinalFragment) replies.clear();
    return replies;
  }
  bool closed() const override { return flaw_ != Flaw::kStaysOpen && AckHandler::closed(); }

 private:
  Flaw flaw_;
};

TEST(FuzzDriverCheck, ReportsAHandlerThatDropsTheFinalFragment) {
  const Status status =
      check(FlawedHandler(seed(), FlawedHandler::Flaw::kDropsFinalFragment), {{"a\nb"}, CloseMode::kHalfClose});
  ASSERT_FALSE(status.ok());
  const std::string& message = status.error().message;
  EXPECT_NE(message.find("wrong replies after on_eof()"), std::string::npos) << message;
  EXPECT_NE(message.find("expected: exactly \"connect\\nInformation Received\\nInformation Received\\n\""),
            std::string::npos)
      << message;
}

TEST(FuzzDriverCheck, DroppingTheFinalFragmentIsRightForADropProfile) {
  Profile drop = seed();
  drop.final_fragment = FinalFragment::kDrop;
  const Status status = check(AckHandler(drop), {{"a\nb"}, CloseMode::kHalfClose}, drop);
  EXPECT_TRUE(status.ok()) << status.error().message;
}

TEST(FuzzDriverCheck, ReportsAHandlerThatStaysOpenAfterEndOfStream) {
  const Status status = check(FlawedHandler(seed(), FlawedHandler::Flaw::kStaysOpen), {{}, CloseMode::kHalfClose});
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("still open after on_eof()"), std::string::npos) << status.error().message;
}

TEST(FuzzDriverCheck, ReportsAWrongGreetingBeforeAnyInput) {
  const Status status =
      check(FlawedHandler(seed(), FlawedHandler::Flaw::kWrongGreeting), {{"a\n"}, CloseMode::kStayOpen});
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("wrong replies after on_open()"), std::string::npos)
      << status.error().message;
}

}  // namespace
}  // namespace linespec::fuzz
