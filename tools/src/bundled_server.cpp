#include "bundled_server.hpp"

#include <unistd.h>

#include <filesystem>
#include <system_error>

namespace linespec::tools {

Result<std::string> bundled_server_path() {
  std::error_code error;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) return Error{ErrorKind::kUnreachable, "cannot locate the linespec executable: " + error.message()};
  std::filesystem::path server = self.parent_path() / "linespec-server";
  if (::access(server.c_str(), X_OK) != 0) {
    return Error{ErrorKind::kUnreachable,
                 "no target given and the bundled server " + server.string() + " is missing"};
  }
  return server.string();
}

Result<harness::SpawnedServer> start_bundled_server(const std::string& profile_source) {
  auto path = bundled_server_path();
  if (!path) return path.error();
  harness::Command command =
      harness::Command::program({*path, "--listen", "tcp:127.0.0.1:0", "--profile", profile_source});
  return harness::spawn_server(command);
}

}  // namespace linespec::tools
