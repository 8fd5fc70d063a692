// Record buffers shared by the microbenchmarks: about 256 KiB of records of one shape, so
// every benchmark scans the same bytes and their ratios mean something. Pure; any thread.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace linespec::bench {

enum class RecordShape {
  kShort,  // 8 bytes: 7 filler + "\n"
  kLong,   // 1 KiB: 1023 filler + "\n" (the seed profile's largest terminated record)
  kMixed,  // 8 to 1024 bytes, log-uniform, from a fixed seed
};

inline std::string_view shape_name(RecordShape shape) {
  switch (shape) {
    case RecordShape::kShort: return "short";
    case RecordShape::kLong: return "long";
    case RecordShape::kMixed: return "mixed";
  }
  return "?";
}

struct RecordBuffer {
  std::string bytes;
  std::size_t records = 0;
};

inline RecordBuffer make_records(RecordShape shape, std::size_t total = 256 * 1024) {
  static constexpr std::string_view kFiller = "abcdefghijklmnopqrstuvwxyz0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  RecordBuffer out;
  std::uint64_t lcg = 0x2545F4914F6CDD1Dull;
  while (out.bytes.size() < total) {
    std::size_t length = 8;
    if (shape == RecordShape::kLong) length = 1024;
    if (shape == RecordShape::kMixed) {
      lcg = lcg * 6364136223846793005ull + 1442695040888963407ull;
      double fraction = static_cast<double>(lcg >> 11) / static_cast<double>(1ull << 53);  // [0, 1)
      length = static_cast<std::size_t>(8.0 * std::exp2(7.0 * fraction));                 // [8, 1024)
    }
    for (std::size_t i = 0; i + 1 < length; ++i) out.bytes += kFiller[(out.records + i) % kFiller.size()];
    out.bytes += '\n';
    ++out.records;
  }
  return out;
}

}  // namespace linespec::bench
