// A fresh directory under /tmp for one test, removed with everything in it when the
// object goes. Its path stays short, so unix socket paths made in it fit sun_path.
// Tests only; the thread that made it.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

namespace linespec::testing {

class TempDir {
 public:
  // `prefix` names the test component in the path, e.g. /tmp/lsfx.Ab12Cd.
  explicit TempDir(std::string_view prefix = "ls") {
    std::string pattern = "/tmp/" + std::string(prefix) + ".XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp " + pattern + " failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string file(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

}  // namespace linespec::testing
