#include <gtest/gtest.h>

#include <cstdio>
#include <string>

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


TEST(ShellWord, LeavesPlainWordsAndQuotesTheRest) {
  EXPECT_EQ(shell_word("tcp:127.0.0.1:4000"), "tcp:127.0.0.1:4000");
  EXPECT_EQ(shell_word("unix:/tmp/a_b-c@d%e+f=g,h"), "unix:/tmp/a_b-c@d%e+f=g,h");
  EXPECT_EQ(shell_word(""), "''");
  EXPECT_EQ(shell_word("exec:cat -u"), "'exec:cat -u'");
  EXPECT_EQ(shell_word("it's"), R"('it'\''s')");
  EXPECT_EQ(shell_word("$(rm -rf ~)"), "'$(rm -rf ~)'");
}

TEST(ShellWord, ThePrintedWordIsWhatAShellReadsBack) {
  for (std::string word : {"a b", "it's", "\"q\"", "$HOME", "`x`", "a\nb", "*", "'"}) {
    std::string command = "printf %s " + shell_word(word);
    FILE* shell = ::popen(command.c_str(), "r");
    ASSERT_NE(shell, nullptr);
    std::string out;
    for (int c; (c = std::fgetc(shell)) != EOF;) out += static_cast<char>(c);
    EXPECT_EQ(::pclose(shell), 0);
    EXPECT_EQ(out, word) << command;
  }
}

}  // namespace
}  // namespace linespec
