#include <gtest/gtest.h>

#include "linespec/protocol/escape.hpp"

namespace linespec {
namespace {

TEST(EscapeBytes, QuotesAndEscapesEveryNonPrintableByte) {
  EXPECT_EQ(escape_bytes("connect\n"), R"("connect\n")");
  EXPECT_EQ(escape_bytes(std::string("a\0\r\t\"\\\x80\x7f", 8)), R"("a\x00\r\t\"\\\x80\x7f")");
  EXPECT_EQ(escape_bytes(""), R"("")");
}

TEST(EscapeBytes, SummarisesWhatIsPastTheLimit) {
  EXPECT_EQ(escape_bytes("abcdef", 2), R"("ab"...(4 more bytes))");
}

TEST(OneLine, EscapesControlBytesOnly) {
  EXPECT_EQ(one_line("it's \"x\"\n\r\t\x01 ok \xc3\xa9"), "it's \"x\"\\n\\r\\t\\x01 ok \xc3\xa9");
}

}  // namespace
}  // namespace linespec
