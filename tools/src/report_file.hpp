// Opening a report file that a flag names (--junit, --json, --html): before anything
// runs, so that a path that cannot be written is a usage error. main() thread only.
#pragma once

#include <fstream>
#include <memory>
#include <string>
#include <string_view>

#include "linespec/protocol/result.hpp"

namespace linespec::tools {

// `path` opened for writing (binary, truncated); nullptr when it is empty, i.e. the
// flag was not given. kUsage naming `flag` and the path when it cannot be written.
inline Result<std::unique_ptr<std::ofstream>> open_report_file(const std::string& path, std::string_view flag) {
  if (path.empty()) return std::unique_ptr<std::ofstream>();
  auto file = std::make_unique<std::ofstream>(path, std::ios::binary | std::ios::trunc);
  if (!*file) return usage_error("cannot write the " + std::string(flag) + " report '" + path + "'");
  return file;
}

}  // namespace linespec::tools
