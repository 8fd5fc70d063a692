#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <numeric>
#include <string>
#include <vector>

#include "linespec/harness/model.hpp"

namespace linespec::harness {
namespace {

// Profiles whose knobs matter to framing, with limits small enough to be hit often.
rc::Gen<Profile> framing_profile() {
  return rc::gen::build<Profile>(
      rc::gen::set(&Profile::reply, rc::gen::element(ReplyKind::kAck, ReplyKind::kEcho, ReplyKind::kStream)),
      rc::gen::set(&Profile::terminators,
                   rc::gen::element(Terminators::kCrOrLf, Terminators::kLf, Terminators::kCrlfOrLf)),
      rc::gen::set(&Profile::max_record, rc::gen::inRange<std::size_t>(0, 7)),
      rc::gen::set(&Profile::final_fragment, rc::gen::element(FinalFragment::kAnswer, FinalFragment::kDrop)));
}

// Bytes rich in terminators.
rc::Gen<std::string> protocol_bytes() {
  return rc::gen::container<std::string>(rc::gen::element('a', 'b', '\r', '\n', '\0'));
}

// Cuts `bytes` at the given sizes (the rest is one last chunk).
std::vector<std::string> cut(const std::string& bytes, const std::vector<std::size_t>& sizes) {
  std::vector<std::string> chunks;
  std::size_t at = 0;
  for (std::size_t size : sizes) {
    if (at >= bytes.size()) break;
    chunks.push_back(bytes.substr(at, size));
    at += chunks.back().size();
  }
  if (at < bytes.size()) chunks.push_back(bytes.substr(at));
  return chunks;
}

RC_GTEST_PROP(ModelProperty, ChunkingNeverChangesTheResult, ()) {
  Profile p = *framing_profile();
  std::string sent = *protocol_bytes();
  auto sizes = *rc::gen::container<std::vector<std::size_t>>(rc::gen::inRange<std::size_t>(0, 6));
  bool half_close = *rc::gen::arbitrary<bool>();

  Model whole(p);
  whole.feed(sent);
  Model chunked(p);
  for (const auto& chunk : cut(sent, sizes)) chunked.feed(chunk);
  Model bytewise(p);
  for (char c : sent) bytewise.feed(std::string_view(&c, 1));
  if (half_close) {
    whole.end_of_stream();
    chunked.end_of_stream();
    bytewise.end_of_stream();
  }
  RC_ASSERT(chunked.records() == whole.records());
  RC_ASSERT(chunked.output() == whole.output());
  RC_ASSERT(chunked.fragment() == whole.fragment());
  RC_ASSERT(bytewise.records() == whole.records());
  RC_ASSERT(bytewise.output() == whole.output());
}

RC_GTEST_PROP(ModelProperty, RecordsAndFragmentAreExactlyTheBytesSent, ()) {
  Profile p = *framing_profile();
  RC_PRE(p.reply != ReplyKind::kStream);
  std::string sent = *protocol_bytes();
  Model model(p);
  model.feed(sent);
  std::string joined = std::accumulate(model.records().begin(), model.records().end(), std::string());
  RC_ASSERT(joined + model.fragment() == sent);
  for (const auto& record : model.records()) {
    RC_ASSERT(!record.empty());
    // At most the limit, plus the LF that may join a CR-terminated record.
    if (p.max_record > 0) RC_ASSERT(record.size() <= p.max_record + 1);
  }
}

RC_GTEST_PROP(ModelProperty, EchoOutputIsTheAnsweredBytes, ()) {
  Profile p = *framing_profile();
  p.reply = ReplyKind::kEcho;
  p.final_fragment = FinalFragment::kAnswer;
  std::string sent = *protocol_bytes();
  Model model(p);
  model.feed(sent);
  RC_ASSERT(model.output() + model.fragment() == p.greeting_line() + sent);
  model.end_of_stream();
  RC_ASSERT(model.output() == p.greeting_line() + sent);
}

RC_GTEST_PROP(ModelProperty, AckRepliesOnePerRecord, ()) {
  Profile p = *framing_profile();
  p.reply = ReplyKind::kAck;
  std::string sent = *protocol_bytes();
  Model model(p);
  model.feed(sent);
  model.end_of_stream();
  std::string expected = p.greeting_line();
  for (std::size_t i = 0; i < model.records().size(); ++i) expected += p.ack_line();
  RC_ASSERT(model.output() == expected);
}

}  // namespace
}  // namespace linespec::harness
