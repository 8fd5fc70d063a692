#include <gtest/gtest.h>

#include "linespec/harness/transcript.hpp"

namespace linespec::harness {
namespace {

using Kind = TranscriptEvent::Kind;

TEST(EscapeBytes, ShowsControlBytesAsEscapes) {
  EXPECT_EQ(escape_bytes("SOME DATA\n"), "\"SOME DATA\\n\"");
  EXPECT_EQ(escape_bytes(std::string("\r\t\\\"\0\xff", 6)), "\"\\r\\t\\\\\\\"\\x00\\xff\"");
}

TEST(EscapeBytes, CutsLongInputAndSaysHowMuchIsLeft) {
  EXPECT_EQ(escape_bytes(std::string(10, 'A'), 4), "\"AAAA\"...(6 more bytes)");
}

TEST(Transcript, RecordsEventsInOrderWithGrowingTimestamps) {
  Transcript t;
  t.add_note(Kind::kConnect, "tcp:127.0.0.1:1");
  t.add(Kind::kSend, "a\n");
  t.add(Kind::kReceive, "connect\n");
  t.add_note(Kind::kShutdownWrite, {});
  t.add_note(Kind::kPeerEof, {});
  ASSERT_EQ(t.events().size(), 5u);
  for (std::size_t i = 1; i < t.events().size(); ++i) {
    EXPECT_GE(t.events()[i].at, t.events()[i - 1].at);
  }
  EXPECT_EQ(t.sent(), "a\n");
  EXPECT_EQ(t.received(), "connect\n");
  std::string text = t.to_string();
  EXPECT_NE(text.find("connect   tcp:127.0.0.1:1"), std::string::npos) << text;
  EXPECT_NE(text.find("send      \"a\\n\" (2 bytes)"), std::string::npos) << text;
  EXPECT_NE(text.find("recv      \"connect\\n\" (8 bytes)"), std::string::npos) << text;
  EXPECT_NE(text.find("peer-eof"), std::string::npos) << text;
}

TEST(Transcript, KeepsOnlyItsByteBudgetButEverySize) {
  Transcript t(Transcript::Clock::now(), 5);
  t.add(Kind::kReceive, "abcd");
  t.add(Kind::kReceive, "efgh");
  t.add(Kind::kReceive, "ijkl");
  EXPECT_EQ(t.received(), "abcde");
  EXPECT_EQ(t.events()[1].size, 4u);
  EXPECT_EQ(t.events()[2].bytes, "");
  EXPECT_NE(t.to_string().find("(4 bytes, 1 kept)"), std::string::npos);
}

}  // namespace
}  // namespace linespec::harness
