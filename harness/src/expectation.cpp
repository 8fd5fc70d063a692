#include <utility>

#include "linespec/harness/model.hpp"
#include "linespec/harness/transcript.hpp"

namespace linespec::harness {

Expectation Expectation::exact(std::string bytes) { return {Kind::kExact, std::move(bytes)}; }

Expectation Expectation::prefix_of(std::string bytes) { return {Kind::kPrefixOf, std::move(bytes)}; }

Expectation Expectation::any() { return {Kind::kAny, {}}; }

bool Expectation::matches(std::string_view received) const {
  switch (kind) {
    case Kind::kExact:
      return received == bytes;
    case Kind::kPrefixOf:
      return std::string_view(bytes).substr(0, received.size()) == received;
    case Kind::kAny:
      return true;
  }
  return false;
}

std::string Expectation::describe() const {
  switch (kind) {
    case Kind::kExact:
      return "exactly " + escape_bytes(bytes);
    case Kind::kPrefixOf:
      return "a prefix of " + escape_bytes(bytes);
    case Kind::kAny:
      return "anything";
  }
  return "anything";
}

}  // namespace linespec::harness
