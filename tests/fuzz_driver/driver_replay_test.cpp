// drive(), as a fuzz target calls it, on hand-written inputs: the correct example
// handler runs through them (and through a fixed set of pseudo-random inputs), the
// one with the planted bug aborts with the driver's report.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "ack_handler.hpp"
#include "conversation_input.hpp"
#include "linespec/fuzz/driver.hpp"

namespace linespec::fuzz {
namespace {

using examples::AckHandler;
using examples::Framing;

const Profile& seed() {
  static const Profile profile = builtin_profile("seed").value();
  return profile;
}

int drive_with(const std::vector<std::uint8_t>& input, Framing framing) {
  return drive(input.data(), input.size(), seed(), [framing] { return std::make_unique<AckHandler>(seed(), framing); });
}

std::vector<Conversation> hand_written() {
  return {
      {{}, CloseMode::kHalfClose},
      {{"a\n"}, CloseMode::kHalfClose},
      {{"ab", "c\n"}, CloseMode::kHalfClose},
      {{"x\r\n", "\r", "\n"}, CloseMode::kStayOpen},
      {{"no terminator"}, CloseMode::kHalfClose},
      {{"one\ntwo", "\rthree"}, CloseMode::kReset},
      {{std::string(256, 'A'), std::string(256, 'A'), std::string(256, 'A'), std::string(256, 'A'), "\n"},
       CloseMode::kHalfClose},
  };
}

TEST(FuzzDriverReplay, CorrectHandlerPassesHandWrittenInputs) {
  for (const Conversation& conversation : hand_written()) {
    SCOPED_TRACE(describe(conversation));
    EXPECT_EQ(drive_with(testing::encode(conversation), Framing::kPerRecord), 0);
  }
}

// A fixed set of pseudo-random inputs: mostly letters, with terminators often
// enough to end records, some long enough to reach the size limit.
std::vector<std::vector<std::uint8_t>> pseudo_random_inputs() {
  std::uint32_t state = 12345;
  auto next = [&state] {
    state = state * 1103515245u + 12345u;
    return static_cast<std::uint8_t>(state >> 16);
  };
  std::vector<std::vector<std::uint8_t>> inputs;
  for (int run = 0; run < 2000; ++run) {
    std::vector<std::uint8_t> input(next() % 64 + (run % 10 == 0 ? 1100 : 0));
    for (auto& byte : input) {
      const std::uint8_t r = next();
      byte = r < 40 ? '\n' : r < 80 ? '\r' : r < 100 ? r : static_cast<std::uint8_t>('a' + r % 26);
    }
    inputs.push_back(std::move(input));
  }
  return inputs;
}

TEST(FuzzDriverReplay, CorrectHandlerPassesPseudoRandomInputs) {
  for (const auto& input : pseudo_random_inputs()) drive_with(input, Framing::kPerRecord);
  SUCCEED();  // a failed check would have aborted the test binary
}

TEST(FuzzDriverReplay, PseudoRandomInputsCatchThePlantedBug) {
  int caught = 0;
  for (const auto& input : pseudo_random_inputs()) {
    AckHandler buggy(seed(), Framing::kPerRead);
    if (!check_conversation(seed(), buggy, read_conversation(input.data(), input.size())).ok()) ++caught;
  }
  EXPECT_GT(caught, 100);
}

TEST(FuzzDriverReplay, PlantedBugAbortsWithTheReport) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const auto input = testing::encode({{"ab", "c\n"}, CloseMode::kHalfClose});
  EXPECT_DEATH(drive_with(input, Framing::kPerRead),
               "linespec fuzz driver: wrong replies after on_data\\(\\) of chunk 1 of 2");
}

TEST(FuzzDriverReplay, PlantedBugIsSilentWithoutASplitRecord) {
  EXPECT_EQ(drive_with(testing::encode({{"ab\n", "c\n"}, CloseMode::kHalfClose}), Framing::kPerRead), 0);
}

}  // namespace
}  // namespace linespec::fuzz
