// How the fuzz targets read their input: the choices (profile knobs, limits, chunk
// lengths, events) come one byte each from the end of the input through
// FuzzedDataProvider, the bytes sent to the server from the front. A zero (or
// missing) choice byte keeps the default: the seed profile, the default limits.
// fuzz/write_seeds.py writes seed inputs in this layout. Header only; one thread
// per provider.
#pragma once

#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "linespec/protocol/profile.hpp"

namespace linespec::fuzz {

// Longest chunk a target writes or feeds at once.
inline constexpr std::size_t kMaxChunk = 256;

// Five choice bytes: terminators, max record (0 = 1024, 255 = unlimited, else the
// value), reply kind, final fragment, greeting (odd = none).
inline Profile consume_profile(FuzzedDataProvider& input) {
  Profile profile;
  profile.name = "fuzz";
  profile.terminators =
      input.PickValueInArray({Terminators::kCrOrLf, Terminators::kLf, Terminators::kCrlfOrLf});
  const std::uint8_t limit = input.ConsumeIntegral<std::uint8_t>();
  profile.max_record = limit == 0 ? 1024 : limit == 255 ? 0 : limit;
  profile.reply = input.PickValueInArray({ReplyKind::kAck, ReplyKind::kEcho, ReplyKind::kStream});
  profile.final_fragment = input.PickValueInArray({FinalFragment::kAnswer, FinalFragment::kDrop});
  if (input.ConsumeBool()) profile.greeting.reset();
  return profile;
}

// One choice byte: a small byte count (1..255), or `fallback` for 0.
inline std::size_t consume_small_size(FuzzedDataProvider& input, std::size_t fallback) {
  const std::uint8_t n = input.ConsumeIntegral<std::uint8_t>();
  return n == 0 ? fallback : n;
}

// One choice byte: the length of the next chunk, 1..kMaxChunk.
inline std::size_t consume_chunk_length(FuzzedDataProvider& input) {
  return input.ConsumeIntegralInRange<std::size_t>(1, kMaxChunk);
}

// The rest of the input as chunks: a length byte, then that many bytes (fewer for
// the last chunk when the input runs out).
inline std::vector<std::string> consume_chunks(FuzzedDataProvider& input) {
  std::vector<std::string> chunks;
  while (input.remaining_bytes() > 0) {
    std::string chunk = input.ConsumeBytesAsString(consume_chunk_length(input));
    if (!chunk.empty()) chunks.push_back(std::move(chunk));
  }
  return chunks;
}

}  // namespace linespec::fuzz
