// Finds terminator bytes a block at a time (SSE2 where available, 64-bit words
// otherwise) so the framer never branches per byte. Internal to the framer.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace linespec::reference::detail {

// Index of the first CR or LF in [data, data + size), or size if there is none.
inline std::size_t find_cr_or_lf(const char* data, std::size_t size) noexcept {
#if defined(__SSE2__)
  const __m128i cr = _mm_set1_epi8('\r');
  const __m128i lf = _mm_set1_epi8('\n');
  auto match = [&](__m128i block) {
    return static_cast<unsigned>(
        _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(block, cr), _mm_cmpeq_epi8(block, lf))));
  };
  std::size_t i = 0;
  for (; i + 16 <= size; i += 16) {
    unsigned mask = match(_mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i)));
    if (mask != 0) return i + static_cast<std::size_t>(std::countr_zero(mask));
  }
  if (i < size) {
    // The tail goes through a zeroed block: NUL never matches, nothing is read
    // past the end of the caller's buffer.
    alignas(16) char tail[16] = {};
    std::memcpy(tail, data + i, size - i);
    unsigned mask = match(_mm_load_si128(reinterpret_cast<const __m128i*>(tail)));
    if (mask != 0) return i + static_cast<std::size_t>(std::countr_zero(mask));
  }
  return size;
#else
  // Word-at-a-time: a byte equal to b makes (w ^ b*ones) have a zero byte; the
  // lowest flagged byte of the classic has-zero test is exact on little endian.
  constexpr std::uint64_t kOnes = 0x0101010101010101ull;
  constexpr std::uint64_t kHigh = 0x8080808080808080ull;
  auto zero_bytes = [](std::uint64_t w) { return (w - kOnes) & ~w & kHigh; };
  auto match = [&](std::uint64_t w) {
    return zero_bytes(w ^ (kOnes * '\r')) | zero_bytes(w ^ (kOnes * '\n'));
  };
  std::size_t i = 0;
  if constexpr (std::endian::native == std::endian::little) {
    for (; i + 8 <= size; i += 8) {
      std::uint64_t w;
      std::memcpy(&w, data + i, 8);
      if (std::uint64_t m = match(w)) return i + static_cast<std::size_t>(std::countr_zero(m)) / 8;
    }
    if (i < size) {
      std::uint64_t w = 0;
      std::memcpy(&w, data + i, size - i);
      if (std::uint64_t m = match(w)) return i + static_cast<std::size_t>(std::countr_zero(m)) / 8;
    }
    return size;
  } else {
    // Big-endian targets without SSE2 are not a performance target.
    for (; i < size; ++i) {
      if (data[i] == '\r' || data[i] == '\n') return i;
    }
    return size;
  }
#endif
}

// Index of the first LF in [data, data + size), or size if there is none.
inline std::size_t find_lf(const char* data, std::size_t size) noexcept {
  const void* lf = std::memchr(data, '\n', size);
  return lf ? static_cast<std::size_t>(static_cast<const char*>(lf) - data) : size;
}

}  // namespace linespec::reference::detail
