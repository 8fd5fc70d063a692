// The example handler with correct framing, checked by the fuzz driver: it must run
// clean for as long as it is fuzzed.
#include <cstddef>
#include <cstdint>
#include <memory>

#include "ack_handler.hpp"
#include "linespec/fuzz/driver.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using linespec::fuzz::examples::AckHandler;
  static const linespec::Profile profile = linespec::builtin_profile("seed").value();
  return linespec::fuzz::drive(data, size, profile, [] { return std::make_unique<AckHandler>(profile); });
}
