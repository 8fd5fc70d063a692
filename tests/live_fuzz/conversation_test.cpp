// The live fuzzer's conversations, without a server: how a conversation becomes a
// script, that drawing is deterministic for a seed, that the generators reach every
// kind of record the protocol tells apart, and that shrinking only offers smaller
// conversations.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "linespec/live_fuzz/conversation_source.hpp"
#include "linespec/live_fuzz/generators.hpp"

namespace linespec::live_fuzz {
namespace {

using harness::ClientEnd;
using harness::ScriptStep;

const Profile kSeed = *builtin_profile("seed");

std::vector<std::string> printed_steps(const harness::Script& script) {
  std::vector<std::string> lines;
  for (const auto& step : script.steps) lines.push_back(harness::print_step(step));
  return lines;
}

TEST(Conversation, OneConnectionSendsItsRecordsCutIntoChunksThenEnds) {
  Conversation c{{ConnectionPlan{{"ab\n", "c"}, {2, 0, 1}, ClientEnd::kHalfClose}}, {}};
  EXPECT_EQ(printed_steps(to_script(c, kSeed, Overlap::kInterleaved)),
            (std::vector<std::string>{"conn a", "a send \"ab\"", "a send \"\\n\"", "a send \"c\"", "a half-close"}));
}

TEST(Conversation, CutsBeyondTheBytesAreIgnoredAndNothingIsSentWithoutRecords) {
  Conversation c{{ConnectionPlan{{"x\n"}, {5, 5}, ClientEnd::kReset}, ConnectionPlan{{}, {3}, ClientEnd::kStaysOpen}},
                 {}};
  EXPECT_EQ(printed_steps(to_script(c, kSeed, Overlap::kInterleaved)),
            (std::vector<std::string>{"conn a", "a send \"x\\n\"", "a reset", "conn b"}));
}

TEST(Conversation, TheScheduleInterleavesStepsThenTheRestRunsConnectionByConnection) {
  Conversation c{
      {ConnectionPlan{{"1\n"}, {1}, ClientEnd::kHalfClose}, ConnectionPlan{{"2\n"}, {}, ClientEnd::kFullClose}},
      {0, 1, 3, 0}};
  EXPECT_EQ(printed_steps(to_script(c, kSeed, Overlap::kInterleaved)),
            (std::vector<std::string>{"conn a", "conn b", "b send \"2\\n\"", "a send \"1\"", "a send \"\\n\"",
                                      "a half-close", "b close"}));
}

TEST(Conversation, OneAtATimeEndsEachConnectionBeforeTheNextAndOnlyTheLastStaysOpen) {
  Conversation c{
      {ConnectionPlan{{"1\n"}, {}, ClientEnd::kStaysOpen}, ConnectionPlan{{"2\n"}, {}, ClientEnd::kStaysOpen}},
      {1, 0, 1}};
  EXPECT_EQ(printed_steps(to_script(c, kSeed, Overlap::kOneAtATime)),
            (std::vector<std::string>{"conn a", "a send \"1\\n\"", "a half-close", "conn b", "b send \"2\\n\""}));
}

TEST(Conversation, MeasureCountsConnectionsSendsAndBytes) {
  Conversation c{{ConnectionPlan{{"ab\n"}, {1}, ClientEnd::kHalfClose}}, {}};
  ScriptSize size = measure(to_script(c, kSeed, Overlap::kInterleaved));
  EXPECT_EQ(size.to_string(), "1 connection, 2 sends, 3 bytes");
}

std::vector<Conversation> draw(std::uint64_t seed, const Profile& profile, std::size_t connections, std::size_t count) {
  ConversationSource source(seed, profile, connections);
  std::vector<Conversation> drawn;
  for (std::size_t i = 0; i < count; ++i) drawn.push_back(source.next().value());
  return drawn;
}

TEST(ConversationSource, TheSameSeedDrawsTheSameConversations) {
  EXPECT_EQ(draw(42, kSeed, 3, 300), draw(42, kSeed, 3, 300));
  EXPECT_NE(draw(42, kSeed, 3, 300), draw(43, kSeed, 3, 300));
}

TEST(ConversationSource, EveryDrawnConversationIsAValidScriptWithinTheConnectionBound) {
  for (std::size_t connections : {1u, 2u, 4u}) {
    std::size_t most = 0;
    for (const auto& c : draw(7, kSeed, connections, 500)) {
      ASSERT_GE(c.connections.size(), 1u);
      ASSERT_LE(c.connections.size(), connections);
      most = std::max(most, c.connections.size());
      for (Overlap overlap : {Overlap::kInterleaved, Overlap::kOneAtATime}) {
        auto status = harness::check_script(to_script(c, kSeed, overlap));
        ASSERT_TRUE(status.ok()) << status.error().message;
      }
    }
    EXPECT_EQ(most, connections);
  }
}

// Which kinds of input 2000 conversations contain, as a set of names.
std::set<std::string> kinds_drawn(const Profile& profile) {
  std::set<std::string> kinds;
  const std::size_t limit = limit_length(profile);
  for (const auto& c : draw(1, profile, 3, 2000)) {
    if (c.connections.size() > 1 && !c.schedule.empty()) kinds.insert("interleaved");
    for (const auto& plan : c.connections) {
      if (plan.chunks.size() > 1) kinds.insert("several chunks");
      kinds.insert(plan.end == ClientEnd::kHalfClose   ? "half-close"
                   : plan.end == ClientEnd::kFullClose ? "close"
                   : plan.end == ClientEnd::kReset     ? "reset"
                                                       : "stays open");
      for (const auto& r : plan.records) {
        if (r == "\n" || r == "\r") kinds.insert("empty record");
        if (r.find("\r\n") != std::string::npos) kinds.insert("CRLF");
        if (r.find("\n\r") != std::string::npos) kinds.insert("LF CR");
        if (r.find('\0') != std::string::npos) kinds.insert("NUL");
        if (r.find('\xff') != std::string::npos) kinds.insert("high byte");
        if (r.size() == limit - 1 || r.size() == limit) kinds.insert("at the limit");
        if (r.size() > limit) kinds.insert("over the limit");
        if (r.size() > 2 * limit) kinds.insert("over twice the limit");
      }
    }
  }
  return kinds;
}

TEST(Generators, ConversationsContainEveryKindOfRecordChunkingAndEnding) {
  const std::set<std::string> all = {"interleaved",    "several chunks",
                                     "half-close",     "close",
                                     "reset",          "stays open",
                                     "empty record",   "CRLF",
                                     "LF CR",          "NUL",
                                     "high byte",      "at the limit",
                                     "over the limit", "over twice the limit"};
  EXPECT_EQ(kinds_drawn(kSeed), all);
  Profile small = kSeed;
  small.max_record = 4;  // the long records follow the profile's limit
  EXPECT_EQ(kinds_drawn(small), all);
}

std::size_t total_records(const Conversation& c) {
  std::size_t n = 0;
  for (const auto& plan : c.connections) n += plan.records.size();
  return n;
}

TEST(ConversationSource, ShrinkCandidatesNeverHaveMoreConnectionsOrRecords) {
  ConversationSource source(3, kSeed, 3);
  std::size_t candidates = 0;
  for (int i = 0; i < 100; ++i) {
    DrawnConversation drawn = source.next();
    ShrinkCandidates shrinks = drawn.shrinks();
    for (int j = 0; j < 50; ++j) {
      auto candidate = shrinks.next();
      if (!candidate) break;
      ++candidates;
      EXPECT_LE(candidate->value().connections.size(), drawn.value().connections.size());
      EXPECT_LE(total_records(candidate->value()), total_records(drawn.value()));
    }
  }
  EXPECT_GT(candidates, 100u);
}

TEST(ConversationSource, ShrinkingTowardsAnyCandidateEndsAtTheSimplestConversation) {
  // Taking the first candidate every time (as if every one failed) reaches the
  // smallest conversation of all: one connection, nothing sent, a half-close.
  ConversationSource source(5, kSeed, 3);
  for (int i = 0; i < 60; ++i) source.next();
  DrawnConversation current = source.next();
  for (int steps = 0; steps < 10000; ++steps) {
    auto next = current.shrinks().next();
    if (!next) break;
    current = *next;
  }
  const Conversation& smallest = current.value();
  ASSERT_EQ(smallest.connections.size(), 1u);
  EXPECT_TRUE(smallest.connections[0].records.empty());
  EXPECT_EQ(smallest.connections[0].end, ClientEnd::kHalfClose);
}

}  // namespace
}  // namespace linespec::live_fuzz
