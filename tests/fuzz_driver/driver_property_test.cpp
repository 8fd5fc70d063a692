// Properties of the driver's check with the example handler over generated
// conversations: the correct handler passes in every ack profile variant it
// supports and every close mode, and the per-read handler fails exactly when a
// chunk ends inside a record (the only way its bug shows).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string>
#include <vector>

#include "ack_handler.hpp"
#include "linespec/fuzz/driver.hpp"

namespace linespec::fuzz {
namespace {

using examples::AckHandler;
using examples::Framing;

rc::Gen<std::string> chunk() {
  return rc::gen::nonEmpty(rc::gen::container<std::string>(rc::gen::element('a', 'b', '\r', '\n')));
}

rc::Gen<Conversation> conversation() {
  return rc::gen::build<Conversation>(
      rc::gen::set(&Conversation::chunks, rc::gen::container<std::vector<std::string>>(chunk())),
      rc::gen::set(&Conversation::close,
                   rc::gen::element(CloseMode::kHalfClose, CloseMode::kReset, CloseMode::kStayOpen)));
}

RC_GTEST_PROP(FuzzDriverProperty, CorrectHandlerPassesEveryConversation, ()) {
  Profile profile = builtin_profile("seed").value();
  profile.terminators = *rc::gen::element(Terminators::kCrOrLf, Terminators::kLf);
  profile.max_record = *rc::gen::inRange<std::size_t>(0, 6);
  profile.final_fragment = *rc::gen::element(FinalFragment::kAnswer, FinalFragment::kDrop);
  if (*rc::gen::arbitrary<bool>()) profile.greeting.reset();
  const Conversation talk = *conversation();
  AckHandler handler(profile);
  const Status status = check_conversation(profile, handler, talk);
  RC_ASSERT(status.ok());
}

// With the seed profile's 1024-byte limit out of reach, a chunk ends inside a record
// exactly when its last byte is not CR or LF.
RC_GTEST_PROP(FuzzDriverProperty, PerReadHandlerFailsExactlyWhenAChunkSplitsARecord, ()) {
  const Profile profile = builtin_profile("seed").value();
  const Conversation talk = *conversation();
  bool splits = false;
  for (const std::string& bytes : talk.chunks) splits = splits || (bytes.back() != '\r' && bytes.back() != '\n');
  AckHandler handler(profile, Framing::kPerRead);
  RC_ASSERT(check_conversation(profile, handler, talk).ok() == !splits);
}

}  // namespace
}  // namespace linespec::fuzz
