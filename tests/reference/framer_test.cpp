#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "linespec/reference/framer.hpp"

namespace linespec::reference {
namespace {

Profile with(Terminators terminators, std::size_t max_record = 1024) {
  Profile p;
  p.terminators = terminators;
  p.max_record = max_record;
  return p;
}

// The records a Framer finds in `chunks` fed in order, and the unterminated rest.
struct Framed {
  std::vector<std::string> records;
  std::string fragment;
};

Framed frame(const Profile& profile, const std::vector<std::string>& chunks) {
  Framer framer(profile);
  Framed out;
  for (std::string_view chunk : chunks) {
    while (!chunk.empty()) {
      Split s = framer.next(chunk);
      EXPECT_GT(s.consumed, 0u);
      EXPECT_LE(s.consumed, chunk.size());
      std::string_view part = chunk.substr(0, s.consumed);
      if (s.trailing_lf) {
        EXPECT_EQ(part, "\n");
        EXPECT_FALSE(out.records.empty());
        if (!out.records.empty()) out.records.back() += part;
      } else {
        out.fragment += part;
        if (s.complete) {
          out.records.push_back(out.fragment);
          out.fragment.clear();
        }
      }
      chunk.remove_prefix(s.consumed);
    }
  }
  EXPECT_EQ(framer.fragment_length(), out.fragment.size());
  EXPECT_EQ(framer.final_fragment_pending(), !out.fragment.empty());
  return out;
}

Framed frame(const Profile& profile, const std::string& input) { return frame(profile, std::vector{input}); }

std::string a(std::size_t n) { return std::string(n, 'A'); }

using Records = std::vector<std::string>;

TEST(ReferenceFramer, ProtocolTableOfTheSeedProfile) {
  struct Row {
    std::string sent;
    std::size_t records;
  };
  const std::vector<Row> table = {
      {"SOME DATA\n", 1}, {"x\r\n", 2},          {"x\ry\n", 2},         {"\n", 1},
      {"0\n", 1},         {a(1023) + "\n", 1},   {a(1024) + "\n", 2},   {a(2048) + "\n", 3},
      {std::string("a\0b\n", 4), 1},
  };
  for (const Row& row : table) {
    Framed f = frame(Profile{}, row.sent);
    EXPECT_EQ(f.records.size(), row.records) << row.sent.size() << " bytes";
    EXPECT_EQ(f.fragment, "");
  }
}

TEST(ReferenceFramer, SeedRecordsAreTheBytesUpToEachTerminator) {
  EXPECT_EQ(frame(Profile{}, "x\r\n").records, (Records{"x\r", "\n"}));
  EXPECT_EQ(frame(Profile{}, "x\ry\n").records, (Records{"x\r", "y\n"}));
  EXPECT_EQ(frame(Profile{}, a(1024) + "\n").records, (Records{a(1024), "\n"}));
  EXPECT_EQ(frame(Profile{}, a(2048) + "\n").records, (Records{a(1024), a(1024), "\n"}));
  EXPECT_EQ(frame(Profile{}, std::string("a\0b\n", 4)).records, (Records{std::string("a\0b\n", 4)}));
}

TEST(ReferenceFramer, UnterminatedFragmentIsPendingAtEndOfStream) {
  Framed f = frame(Profile{}, "abc");
  EXPECT_TRUE(f.records.empty());
  EXPECT_EQ(f.fragment, "abc");
  Framer framer{Profile{}};
  EXPECT_FALSE(framer.final_fragment_pending());
  (void)framer.next("ab\ncd");
  EXPECT_FALSE(framer.final_fragment_pending());
  (void)framer.next("cd");
  EXPECT_TRUE(framer.final_fragment_pending());
  framer.reset();
  EXPECT_FALSE(framer.final_fragment_pending());
}

TEST(ReferenceFramer, LfTerminatorsTreatCrAsData) {
  Profile lf = with(Terminators::kLf);
  EXPECT_EQ(frame(lf, "x\r\n").records, (Records{"x\r\n"}));
  EXPECT_EQ(frame(lf, "x\ry\n").records, (Records{"x\ry\n"}));
  EXPECT_EQ(frame(lf, "a\rb").fragment, "a\rb");
  EXPECT_EQ(frame(lf, a(1024) + "\n").records, (Records{a(1024), "\n"}));
  EXPECT_EQ(frame(lf, a(1023) + "\r\n").records, (Records{a(1023) + "\r", "\n"}));
}

TEST(ReferenceFramer, CrlfOrLfTakesCrlfAsOneTerminatorAndLoneCrOrLfAsOne) {
  Profile p = with(Terminators::kCrlfOrLf);
  EXPECT_EQ(frame(p, "x\r\n").records, (Records{"x\r\n"}));
  EXPECT_EQ(frame(p, "x\ry\n").records, (Records{"x\r", "y\n"}));
  EXPECT_EQ(frame(p, "\r\r\n").records, (Records{"\r", "\r\n"}));
  EXPECT_EQ(frame(p, "\n\r").records, (Records{"\n", "\r"}));
  EXPECT_EQ(frame(p, "\r\n\n").records, (Records{"\r\n", "\n"}));
  Framed f = frame(p, "x\ry");
  EXPECT_EQ(f.records, (Records{"x\r"}));
  EXPECT_EQ(f.fragment, "y");
}

TEST(ReferenceFramer, CrlfOrLfRecordEndsAtTheCrAndTheLfInALaterReadJoinsIt) {
  Profile p = with(Terminators::kCrlfOrLf);
  Framer framer(p);
  Split cr = framer.next("x\r");
  EXPECT_EQ(cr.consumed, 2u);
  EXPECT_TRUE(cr.complete);  // answered at once, before the LF arrives
  EXPECT_EQ(framer.next("").consumed, 0u);
  Split lf = framer.next("\nab");
  EXPECT_EQ(lf.consumed, 1u);
  EXPECT_FALSE(lf.complete);
  EXPECT_TRUE(lf.trailing_lf);
  EXPECT_FALSE(framer.final_fragment_pending());
  EXPECT_EQ(frame(p, {"x\r", "", "\n", "y\n"}).records, (Records{"x\r\n", "y\n"}));
  // Only the byte right after the CR can join it.
  EXPECT_EQ(frame(p, {"x\r", "y", "\n"}).records, (Records{"x\r", "y\n"}));
}

TEST(ReferenceFramer, CrlfOrLfAtTheSizeLimit) {
  Profile p = with(Terminators::kCrlfOrLf, 1024);
  // The CR is the 1024th byte: the record is CR-terminated, so the LF joins it.
  EXPECT_EQ(frame(p, a(1023) + "\r\n").records, (Records{a(1023) + "\r\n"}));
  EXPECT_EQ(frame(p, {a(1023) + "\r", "\n"}).records, (Records{a(1023) + "\r\n"}));
  // A record cut by the limit is not CR-terminated: the LF is a record of its own.
  EXPECT_EQ(frame(p, a(1024) + "\n").records, (Records{a(1024), "\n"}));
  EXPECT_EQ(frame(p, a(1024) + "\r\n").records, (Records{a(1024), "\r\n"}));
}

TEST(ReferenceFramer, RecordsAreCutAtTheSizeLimitWhateverTheReads) {
  Profile p = with(Terminators::kCrOrLf, 4);
  EXPECT_EQ(frame(p, "abcdefghij\n").records, (Records{"abcd", "efgh", "ij\n"}));
  EXPECT_EQ(frame(p, {"ab", "cd", "ef", "gh", "ij\n"}).records, (Records{"abcd", "efgh", "ij\n"}));
  EXPECT_EQ(frame(p, "abc\n").records, (Records{"abc\n"}));
  EXPECT_EQ(frame(with(Terminators::kCrOrLf, 1), "ab\n").records, (Records{"a", "b", "\n"}));
}

TEST(ReferenceFramer, MaxRecordZeroIsUnlimited) {
  Profile p = with(Terminators::kCrOrLf, 0);
  EXPECT_EQ(frame(p, a(5000) + "\n").records, (Records{a(5000) + "\n"}));
  Framed f = frame(p, a(100000));
  EXPECT_TRUE(f.records.empty());
  EXPECT_EQ(f.fragment.size(), 100000u);
}

TEST(ReferenceFramer, FindsATerminatorAtEveryOffsetOfABlock) {
  // Covers the block scan: terminators before, inside and after 16-byte blocks and
  // in the zero-padded tail.
  for (Terminators t : {Terminators::kCrOrLf, Terminators::kLf, Terminators::kCrlfOrLf}) {
    for (char terminator : {'\r', '\n'}) {
      if (t == Terminators::kLf && terminator == '\r') continue;
      for (std::size_t length = 1; length <= 70; ++length) {
        for (std::size_t at = 0; at < length; ++at) {
          std::string input = a(length);
          input[at] = terminator;
          Framer framer(with(t, 0));
          Split s = framer.next(input);
          ASSERT_TRUE(s.complete) << length << " " << at;
          ASSERT_EQ(s.consumed, at + 1) << length << " " << at;
        }
        Framer framer(with(t, 0));
        ASSERT_FALSE(framer.next(a(length)).complete);
      }
    }
  }
}

TEST(ReferenceFramer, CountRecordsMatchesNext) {
  for (Terminators t : {Terminators::kCrOrLf, Terminators::kLf, Terminators::kCrlfOrLf}) {
    std::string input = "SOME DATA\nx\r\n\r\r\n" + a(3000) + "\nabc";
    Framer framer(with(t));
    EXPECT_EQ(framer.count_records(input), frame(with(t), input).records.size());
    EXPECT_EQ(framer.fragment_length(), 3u);
  }
}

}  // namespace
}  // namespace linespec::reference
