#include <utility>

#include "linespec/harness/model.hpp"
#include "linespec/harness/transcript.hpp"

namespace linespec::harness {

Expectation Expectation::exact(std::string bytes, std::string may_follow) {
  return {Kind::kExact, std::move(bytes), std::move(may_follow)};
}

Expectation Expectation::prefix_of(std::string bytes) { return {Kind::kPrefixOf, std::move(bytes), {}}; }

Expectation Expectation::any() { return {Kind::kAny, {}, {}}; }

bool Expectation::matches(std::string_view received) const {
  switch (kind) {
    case Kind::kExact: {
      if (received.substr(0, bytes.size()) != bytes) return false;
      std::string_view rest = received.substr(bytes.size());
      return std::string_view(may_follow).substr(0, rest.size()) == rest;
    }
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
      return "exactly " + escape_bytes(bytes) +
             (may_follow.empty() ? "" : ", then any prefix of " + escape_bytes(may_follow));
    case Kind::kPrefixOf:
      return "a prefix of " + escape_bytes(bytes);
    case Kind::kAny:
      return "anything";
  }
  return "anything";
}

}  // namespace linespec::harness
