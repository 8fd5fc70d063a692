// The text formats linespec reads, each with its printer: every input goes through
// every format (the profile file format, the harness script format). A parser must
// never crash and must explain a rejection in one line that names the source; what
// it accepts, its printer must print as text that parses back to the same value and
// prints the same again. A new format joins kFormats.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "linespec/fuzz/fuzz_check.hpp"
#include "linespec/harness/script.hpp"
#include "linespec/protocol/profile_file.hpp"

namespace {

using linespec::fuzz::show_bytes;

void check_error(const linespec::Error& error, std::string_view source) {
  const std::string& message = error.message;
  FUZZ_CHECK(message.compare(0, source.size() + 1, std::string(source) + ":") == 0 &&
                 message.find('\n') == std::string::npos,
             "the error is not one line naming the source: " + show_bytes(message));
}

// parse(text) -> value; print(value) parses to value again and prints the same.
template <class Parse, class Print>
void check_round_trip(std::string_view text, std::string_view format, Parse parse, Print print) {
  const std::string source = std::string("fuzz.") + std::string(format);
  const auto parsed = parse(text, source);
  if (!parsed) {
    check_error(parsed.error(), source);
    return;
  }
  const std::string printed = print(*parsed);
  const auto reparsed = parse(printed, "printed");
  FUZZ_CHECK(reparsed.ok(), "the printed " + std::string(format) + " does not parse: " +
                                (reparsed ? std::string() : reparsed.error().message) + "\n" + printed);
  FUZZ_CHECK(*reparsed == *parsed, "the printed " + std::string(format) + " parses to another value:\n" +
                                       printed + "prints back as\n" + print(*reparsed));
  FUZZ_CHECK(print(*reparsed) == printed, "printing the " + std::string(format) + " is not stable:\n" + printed);
}

void check_profile_file(std::string_view text) {
  check_round_trip(text, "profile", linespec::parse_profile, linespec::print_profile);
}

// A repeat count turns a 2 KiB input into tens of MiB of step bytes (up to the
// parser's 64 MiB per step), and printing and parsing that again takes seconds,
// long enough to be reported as a timeout. Round trips are checked up to this size;
// larger scripts are still parsed and checked against the script rules.
constexpr std::size_t kLargestRoundTrip = 1u << 20;

std::size_t step_bytes(const linespec::harness::Script& script) {
  std::size_t total = 0;
  for (const auto& step : script.steps) total += step.bytes.size();
  return total;
}

void check_script(std::string_view text) {
  const auto parsed = linespec::harness::parse_script(text, "fuzz.script");
  if (parsed) {
    const linespec::Status rules = linespec::harness::check_script(*parsed);
    FUZZ_CHECK(rules.ok(), "a parsed script breaks the script rules: " + rules.error().message);
    if (step_bytes(*parsed) > kLargestRoundTrip) return;
  }
  check_round_trip(text, "script", linespec::harness::parse_script, linespec::harness::print_script);
}

// Each format: a parser/printer pair checked on the whole input.
constexpr void (*kFormats[])(std::string_view) = {check_profile_file, check_script};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (auto check : kFormats) check(text);
  return 0;
}
