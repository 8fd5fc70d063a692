#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "linespec/protocol/profile_file.hpp"

namespace linespec {
namespace {

template <class T>
rc::Gen<std::optional<T>> optional_of(rc::Gen<T> gen) {
  return rc::gen::map(rc::gen::maybe(std::move(gen)), [](rc::Maybe<T> m) {
    return m ? std::optional<T>(std::move(*m)) : std::nullopt;
  });
}

rc::Gen<Profile> arbitrary_profile() {
  auto text = rc::gen::container<std::string>(rc::gen::arbitrary<char>());
  return rc::gen::build<Profile>(
      rc::gen::set(&Profile::name, text),
      rc::gen::set(&Profile::greeting, optional_of(text)),
      rc::gen::set(&Profile::refusal_marker, rc::gen::nonEmpty(text)),
      rc::gen::set(&Profile::capacity,
                   optional_of(rc::gen::inRange<std::size_t>(1, 100000))),
      rc::gen::set(&Profile::reply,
                   rc::gen::element(ReplyKind::kAck, ReplyKind::kEcho, ReplyKind::kStream)),
      rc::gen::set(&Profile::ack_text, text),
      rc::gen::set(&Profile::terminators, rc::gen::element(Terminators::kCrOrLf, Terminators::kLf,
                                                           Terminators::kCrlfOrLf)),
      rc::gen::set(&Profile::max_record, rc::gen::inRange<std::size_t>(0, 1 << 20)),
      rc::gen::set(&Profile::final_fragment,
                   rc::gen::element(FinalFragment::kAnswer, FinalFragment::kDrop)),
      rc::gen::set(&Profile::concurrency, rc::gen::element(Concurrency::kAny, Concurrency::kConcurrent,
                                                           Concurrency::kSequential)));
}

RC_GTEST_PROP(ProfileFile, PrintThenParseGivesTheSameProfile, ()) {
  Profile p = *arbitrary_profile();
  auto back = parse_profile(print_profile(p));
  RC_ASSERT(back.ok());
  RC_ASSERT(*back == p);
}

RC_GTEST_PROP(ProfileFile, AnyTextParsesOrNamesALine, (const std::string& text)) {
  auto p = parse_profile(text, "f");
  if (!p) RC_ASSERT(p.error().message.rfind("f:", 0) == 0);
}

}  // namespace
}  // namespace linespec
