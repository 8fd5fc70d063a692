#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string>
#include <vector>

#include "linespec/protocol/address.hpp"

namespace linespec {
namespace {

// Address text: a scheme, maybe "//", then a host or path made mostly of the
// characters that matter (letters, digits, '.', '/', ':', brackets, '%'), with an
// arbitrary byte now and then, and a port for tcp. Most of it parses.
rc::Gen<std::string> address_text() {
  auto body_char = rc::gen::weightedOneOf<char>({
      {8, rc::gen::elementOf(std::string("abcxyz0189.-_"))},
      {2, rc::gen::elementOf(std::string("/:[]%"))},
      {1, rc::gen::arbitrary<char>()},
  });
  return rc::gen::apply(
      [](const std::string& scheme, const std::string& slashes, const std::string& body, int port) {
        std::string text = scheme + slashes + body;
        if (scheme == "tcp:") text += ":" + std::to_string(port);
        return text;
      },
      rc::gen::element<std::string>("tcp:", "unix:"), rc::gen::element<std::string>("", "/", "//", "///"),
      rc::gen::container<std::string>(body_char), rc::gen::inRange(0, 65536));
}

// What parse_address() accepts, to_string() prints as text that parses to the same
// address and prints the same again: reports and replay commands name targets with it.
RC_GTEST_PROP(AddressProperty, PrintedAddressesParseBackToTheSameAddress, ()) {
  const std::string text = *address_text();
  const auto parsed = parse_address(text);
  RC_PRE(parsed.ok());
  const std::string printed = parsed->to_string();
  const auto reparsed = parse_address(printed);
  RC_ASSERT(reparsed.ok());
  RC_ASSERT(*reparsed == *parsed);
  RC_ASSERT(reparsed->to_string() == printed);
}

RC_GTEST_PROP(AddressProperty, ErrorsAreOneLine, ()) {
  const std::string text = *address_text();
  const auto parsed = parse_address(text);
  RC_PRE(!parsed.ok());
  RC_ASSERT(parsed.error().message.find('\n') == std::string::npos);
  RC_ASSERT(parsed.error().kind == ErrorKind::kUsage);
}

}  // namespace
}  // namespace linespec
