// The example handler with a planted bug (it ends a record at the end of every
// read), checked by the fuzz driver: libFuzzer finds inputs that split a record
// across reads, and the driver's report shows the extra ack.
#include <cstddef>
#include <cstdint>
#include <memory>

#include "ack_handler.hpp"
#include "linespec/fuzz/driver.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using linespec::fuzz::examples::AckHandler;
  using linespec::fuzz::examples::Framing;
  static const linespec::Profile profile = linespec::builtin_profile("seed").value();
  return linespec::fuzz::drive(data, size, profile,
                               [] { return std::make_unique<AckHandler>(profile, Framing::kPerRead); });
}
