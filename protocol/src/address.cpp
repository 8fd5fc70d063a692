#include "linespec/protocol/address.hpp"

#include <charconv>
#include <optional>

#include "linespec/protocol/escape.hpp"

namespace linespec {
namespace {

Result<std::uint16_t> parse_port(std::string_view text, std::string_view whole) {
  unsigned value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value > 65535) {
    return usage_error("bad port '" + std::string(text) + "' in address '" + std::string(whole) +
                       "' (want 0-65535)");
  }
  return static_cast<std::uint16_t>(value);
}

// Host names and IPv4 literals: letters, digits, '.', '-', '_'; inside brackets an
// IPv6 literal adds ':' and a zone after '%'. Anything else (a '/', a space, a
// control or non-ASCII byte) cannot name a host, and would not print back as
// the same address.
bool is_host(std::string_view host, bool bracketed) {
  for (char c : host) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
              c == '-' || c == '_' || (bracketed && (c == ':' || c == '%'));
    if (!ok) return false;
  }
  return true;
}

Result<Address> parse_tcp(std::string_view rest, std::string_view whole) {
  Address a;
  a.kind = Address::Kind::kTcp;
  std::string_view port;
  if (!rest.empty() && rest.front() == '[') {
    auto close = rest.find(']');
    if (close == std::string_view::npos || close + 1 >= rest.size() || rest[close + 1] != ':') {
      return usage_error("bad address '" + std::string(whole) + "': want tcp:[IPV6]:PORT");
    }
    a.host = std::string(rest.substr(1, close - 1));
    port = rest.substr(close + 2);
    // Only an IPv6 literal goes in brackets (to_string() brackets a host with ':').
    if (a.host.find(':') == std::string::npos) {
      return usage_error("bad address '" + std::string(whole) + "': only an IPv6 address goes in brackets");
    }
  } else {
    auto colon = rest.rfind(':');
    if (colon == std::string_view::npos) {
      return usage_error("bad address '" + std::string(whole) + "': want tcp:HOST:PORT");
    }
    a.host = std::string(rest.substr(0, colon));
    if (a.host.find(':') != std::string::npos) {
      return usage_error("bad address '" + std::string(whole) +
                         "': put an IPv6 host in brackets, as tcp:[::1]:PORT");
    }
    port = rest.substr(colon + 1);
  }
  if (a.host.empty()) return usage_error("bad address '" + std::string(whole) + "': empty host");
  if (!is_host(a.host, rest.front() == '[')) {
    return usage_error("bad address '" + std::string(whole) + "': host '" + a.host +
                       "' is not a host name or IP address");
  }
  auto p = parse_port(port, whole);
  if (!p) return p.error();
  a.port = *p;
  return a;
}

Result<Address> parse_any(std::string_view text) {
  auto strip = [&](std::string_view scheme) -> std::optional<std::string_view> {
    if (text.substr(0, scheme.size()) != scheme) return std::nullopt;
    std::string_view rest = text.substr(scheme.size());
    if (rest.substr(0, 2) == "//") rest.remove_prefix(2);
    return rest;
  };
  if (auto rest = strip("tcp:")) return parse_tcp(*rest, text);
  if (auto rest = strip("unix:")) {
    if (rest->empty()) return usage_error("bad address '" + std::string(text) + "': empty unix path");
    if (rest->find('\0') != std::string_view::npos || rest->size() > 107) {
      return usage_error("bad address '" + std::string(text) + "': unix path too long or has NUL");
    }
    Address a;
    a.kind = Address::Kind::kUnix;
    a.path = std::string(*rest);
    return a;
  }
  return usage_error("bad address '" + std::string(text) +
                     "': want tcp:HOST:PORT, tcp://HOST:PORT or unix:PATH");
}

}  // namespace

Result<Address> parse_address(std::string_view text) {
  auto parsed = parse_any(text);
  // The text is the user's: keep the message on one line whatever it holds.
  if (!parsed) return usage_error(one_line(parsed.error().message));
  return parsed;
}

std::string Address::to_string() const {
  // A path that starts with "//" keeps the "//" that parse_address() strips.
  if (kind == Kind::kUnix) return (path.compare(0, 2, "//") == 0 ? "unix://" : "unix:") + path;
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return "tcp:" + h + ":" + std::to_string(port);
}

}  // namespace linespec
