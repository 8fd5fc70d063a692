#include "linespec/harness/target.hpp"

#include <utility>

namespace linespec::harness {

Target Target::from_address(Address address) {
  Target t;
  t.kind = address.kind == Address::Kind::kUnix ? Kind::kUnix : Kind::kTcp;
  t.address = std::move(address);
  return t;
}

Target Target::exec(std::string command) {
  Target t;
  t.kind = Kind::kExec;
  t.command = std::move(command);
  return t;
}

std::string Target::to_string() const {
  if (kind == Kind::kExec) return "exec:" + command;
  return address.to_string();
}

Result<Target> parse_target(std::string_view text) {
  constexpr std::string_view kExec = "exec:";
  if (text.substr(0, kExec.size()) == kExec) {
    std::string_view command = text.substr(kExec.size());
    if (command.find_first_not_of(" \t") == std::string_view::npos) {
      return usage_error("bad target '" + std::string(text) + "': empty exec command");
    }
    return Target::exec(std::string(command));
  }
  auto address = parse_address(text);
  if (!address) {
    return usage_error(address.error().message + "; a target may also be exec:CMD");
  }
  if (address->kind == Address::Kind::kTcp && address->port == 0) {
    return usage_error("bad target '" + std::string(text) + "': port 0 cannot be connected to");
  }
  return Target::from_address(std::move(*address));
}

}  // namespace linespec::harness
