// Writes a Conversation as fuzz input bytes in the driver's layout (the bytes of
// every chunk from the front; from the end, the close-mode byte, then one length
// byte per chunk), so tests can hand-write inputs. Header only; any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "linespec/fuzz/driver.hpp"

namespace linespec::fuzz::testing {

// Chunks must be 1..256 bytes long.
inline std::vector<std::uint8_t> encode(const Conversation& conversation) {
  std::vector<std::uint8_t> bytes;
  for (const std::string& chunk : conversation.chunks) bytes.insert(bytes.end(), chunk.begin(), chunk.end());
  // Choice bytes are read from the end: the last byte first.
  for (auto chunk = conversation.chunks.rbegin(); chunk != conversation.chunks.rend(); ++chunk) {
    bytes.push_back(static_cast<std::uint8_t>(chunk->size() - 1));
  }
  bytes.push_back(static_cast<std::uint8_t>(conversation.close));
  return bytes;
}

}  // namespace linespec::fuzz::testing
