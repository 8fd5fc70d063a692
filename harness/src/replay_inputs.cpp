// load_replay_inputs(): script files, raw fuzz inputs, and folders of either.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>

#include "linespec/harness/replay.hpp"

namespace linespec::harness {

namespace {

namespace fs = std::filesystem;

constexpr std::uintmax_t kLargestInput = 64u << 20;

Result<std::string> read_whole_file(const fs::path& path) {
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  if (ec) return usage_error("cannot read '" + path.string() + "': " + ec.message());
  if (size > kLargestInput) {
    return usage_error("cannot read '" + path.string() + "': larger than " + std::to_string(kLargestInput) + " bytes");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return usage_error("cannot read '" + path.string() + "': " + std::strerror(errno));
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return usage_error("cannot read '" + path.string() + "': read error");
  return bytes;
}

Result<ReplayInput> load_one(const fs::path& path, const Profile& raw_profile) {
  auto bytes = read_whole_file(path);
  if (!bytes) return bytes.error();
  ReplayInput input;
  input.source = path.string();
  if (is_script_text(*bytes)) {
    auto script = parse_script(*bytes, input.source);
    if (!script) return script.error();
    input.script = std::move(*script);
  } else {
    input.raw = true;
    input.script = script_from_raw_bytes(*bytes, raw_profile);
  }
  return input;
}

}  // namespace

Result<std::vector<ReplayInput>> load_replay_inputs(const std::string& path, const Profile& raw_profile) {
  std::error_code ec;
  auto status = fs::status(path, ec);
  if (ec || !fs::exists(status)) {
    return usage_error("cannot read '" + path + "': " + (ec ? ec.message() : "no such file or directory"));
  }
  std::vector<ReplayInput> inputs;
  if (!fs::is_directory(status)) {
    auto one = load_one(path, raw_profile);
    if (!one) return one.error();
    inputs.push_back(std::move(*one));
    return inputs;
  }
  std::vector<fs::path> files;
  for (fs::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (name.empty() || name.front() == '.') continue;
    std::error_code type_ec;
    if (it->is_regular_file(type_ec)) files.push_back(it->path());
  }
  if (ec) return usage_error("cannot list '" + path + "': " + ec.message());
  if (files.empty()) return usage_error("no inputs in folder '" + path + "'");
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    auto one = load_one(file, raw_profile);
    if (!one) return one.error();
    inputs.push_back(std::move(*one));
  }
  return inputs;
}

}  // namespace linespec::harness
