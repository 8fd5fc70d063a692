#include "linespec/conformance/client/command.hpp"

#include <utility>

namespace linespec::conformance {
namespace {

bool uses(std::string_view text, std::string_view placeholder) {
  return text.find(placeholder) != std::string_view::npos;
}

void replace_all(std::string& text, std::string_view placeholder, const std::string& value) {
  for (std::size_t at = text.find(placeholder); at != std::string::npos;
       at = text.find(placeholder, at + value.size())) {
    text.replace(at, placeholder.size(), value);
  }
}

// One simple command that `exec` can run in the shell's place: no lists, pipes,
// subshells, substitutions or leading variable assignments.
bool is_simple_command(std::string_view text) {
  if (text.find_first_of(";&|()`\n") != std::string_view::npos) return false;
  if (text.find("$(") != std::string_view::npos) return false;
  std::size_t start = text.find_first_not_of(" \t");
  std::size_t end = text.find_first_of(" \t", start);
  std::string_view first = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
  return first.find('=') == std::string_view::npos && first != "exec";
}

}  // namespace

std::string_view to_string(ClientTransport transport) {
  switch (transport) {
    case ClientTransport::kTcp: return "tcp";
    case ClientTransport::kUnix: return "unix";
    case ClientTransport::kStdio: return "stdio";
  }
  return "?";
}

std::string ClientCommand::line_for(const Address& address) const {
  std::string line = text;
  if (transport == ClientTransport::kStdio) return is_simple_command(line) ? "exec " + line : line;
  replace_all(line, "{host}", address.host);
  replace_all(line, "{port}", std::to_string(address.port));
  replace_all(line, "{path}", address.path);
  return line;
}

Result<ClientCommand> parse_client_command(std::string text, bool stdio) {
  if (text.find_first_not_of(" \t") == std::string::npos) return usage_error("the client command is empty");
  bool port = uses(text, "{port}");
  bool path = uses(text, "{path}");
  bool host = uses(text, "{host}");
  ClientCommand command;
  if (stdio) {
    if (port || path || host) {
      return usage_error("'" + text + "': with --stdio the client talks over stdin/stdout, so the command "
                         "cannot use {host}, {port} or {path}");
    }
    command.transport = ClientTransport::kStdio;
  } else if (port && path) {
    return usage_error("'" + text + "' uses both {port} and {path}: choose tcp ({host}, {port}) or unix ({path})");
  } else if (port) {
    command.transport = ClientTransport::kTcp;
  } else if (path) {
    if (host) return usage_error("'" + text + "' uses {host} with {path}: a unix socket has no host");
    command.transport = ClientTransport::kUnix;
  } else {
    return usage_error("'" + text + "' has no {port} or {path} placeholder: the client must learn where the kit "
                       "listens (or use --stdio for a client on stdin/stdout)");
  }
  command.text = std::move(text);
  return command;
}

}  // namespace linespec::conformance
