#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string>
#include <vector>

#include "linespec/reference/framer.hpp"

namespace linespec::reference {
namespace {

struct Framed {
  std::vector<std::string> records;
  std::string fragment;
  bool operator==(const Framed&) const = default;
};

// The framing rules byte by byte, written for clarity: the oracle.
Framed frame_bytewise(const Profile& p, const std::string& input) {
  Framed out;
  bool after_cr = false;
  for (char c : input) {
    if (after_cr) {
      after_cr = false;
      if (c == '\n') {
        out.records.back() += c;
        continue;
      }
    }
    out.fragment += c;
    bool terminator = c == '\n' || (c == '\r' && p.terminators != Terminators::kLf);
    if (terminator || (p.max_record > 0 && out.fragment.size() == p.max_record)) {
      out.records.push_back(out.fragment);
      out.fragment.clear();
      after_cr = terminator && c == '\r' && p.terminators == Terminators::kCrlfOrLf;
    }
  }
  return out;
}

// Feeds the Framer `input` cut at `cuts` (chunk sizes, cycled; 0 = an empty read).
Framed frame_in_chunks(const Profile& p, const std::string& input, const std::vector<std::size_t>& cuts) {
  Framer framer(p);
  Framed out;
  std::size_t pos = 0;
  for (std::size_t i = 0; pos < input.size(); ++i) {
    std::size_t size = cuts.empty() ? input.size() : cuts[i % cuts.size()];
    std::string_view chunk = std::string_view(input).substr(pos, size);
    pos += chunk.size();
    while (!chunk.empty()) {
      Split s = framer.next(chunk);
      RC_ASSERT(s.consumed > 0u);
      std::string_view part = chunk.substr(0, s.consumed);
      if (s.trailing_lf) {
        RC_ASSERT(!out.records.empty());
        out.records.back() += part;
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
  RC_ASSERT(framer.fragment_length() == out.fragment.size());
  return out;
}

rc::Gen<Profile> framing_profile() {
  return rc::gen::build<Profile>(
      rc::gen::set(&Profile::terminators,
                   rc::gen::element(Terminators::kCrOrLf, Terminators::kLf, Terminators::kCrlfOrLf)),
      rc::gen::set(&Profile::max_record, rc::gen::element<std::size_t>(0, 1, 2, 3, 4, 7, 16, 17, 33, 1024)));
}

// Mostly terminators and a filler byte, so records, CRLF pairs and limits meet often.
rc::Gen<std::string> stream_bytes() {
  return rc::gen::container<std::string>(rc::gen::weightedOneOf<char>({
      {4, rc::gen::element('\r', '\n')},
      {6, rc::gen::just('A')},
      {1, rc::gen::arbitrary<char>()},
  }));
}

RC_GTEST_PROP(ReferenceFramerProperty, SplittingTheInputNeverChangesTheRecords, ()) {
  const Profile p = *framing_profile();
  const std::string input = *stream_bytes();
  const auto cuts = *rc::gen::container<std::vector<std::size_t>>(rc::gen::inRange<std::size_t>(0, 40));
  const Framed expected = frame_bytewise(p, input);
  RC_ASSERT(frame_in_chunks(p, input, {}) == expected);   // whole
  RC_ASSERT(frame_in_chunks(p, input, {1}) == expected);  // byte by byte
  if (!cuts.empty() && cuts != std::vector<std::size_t>(cuts.size(), 0)) {
    RC_ASSERT(frame_in_chunks(p, input, cuts) == expected);  // arbitrary cuts
  }
}

RC_GTEST_PROP(ReferenceFramerProperty, CountRecordsAgreesWithTheOracle, ()) {
  const Profile p = *framing_profile();
  const std::string input = *stream_bytes();
  Framer framer(p);
  RC_ASSERT(framer.count_records(input) == frame_bytewise(p, input).records.size());
}

}  // namespace
}  // namespace linespec::reference
