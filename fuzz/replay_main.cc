// Replays inputs through a fuzz target without libFuzzer, so corpora run as
// ordinary tests under any compiler: every file given, and every regular file in
// every directory given (in name order), goes once through LLVMFuzzerTestOneInput.
// A failing check aborts, as it would under libFuzzer.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
// Optional, as with libFuzzer: one-time process setup of the target.
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);

namespace {

namespace fs = std::filesystem;

constexpr const char* kUsage =
    "usage: %s [--help] [--version] PATH...\n"
    "Runs every file PATH, and every file in directory PATH, through the fuzz target once.\n"
    "Exit status: 0 all inputs ran, 1 no input found, 2 bad usage or unreadable path.\n";

bool read_file(const fs::path& path, std::vector<char>& bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

// The files a path names, in a stable order.
bool collect(const fs::path& path, std::vector<fs::path>& files) {
  std::error_code error;
  if (fs::is_directory(path, error)) {
    std::vector<fs::path> found;
    for (const auto& entry : fs::directory_iterator(path, error)) {
      if (entry.is_regular_file(error)) found.push_back(entry.path());
    }
    if (error) return false;
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
    return true;
  }
  if (!fs::is_regular_file(path, error)) return false;
  files.push_back(path);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--help") == 0) {
      std::printf(kUsage, argv[0]);
      return 0;
    }
    if (std::strcmp(argv[i], "--version") == 0) {
      std::printf("%s %s\n", fs::path(argv[0]).filename().c_str(), LINESPEC_VERSION);
      return 0;
    }
    if (argv[i][0] == '-') {
      std::fprintf(stderr, "%s: unknown option '%s' (try --help)\n", argv[0], argv[i]);
      return 2;
    }
    if (!collect(argv[i], files)) {
      std::fprintf(stderr, "%s: '%s' is neither a readable file nor a directory\n", argv[0], argv[i]);
      return 2;
    }
  }
  if (argc < 2) {
    std::fprintf(stderr, kUsage, argv[0]);
    return 2;
  }
  if (files.empty()) {
    std::fprintf(stderr, "%s: no input files found\n", argv[0]);
    return 1;
  }
  if (LLVMFuzzerInitialize != nullptr) LLVMFuzzerInitialize(&argc, &argv);
  std::vector<char> bytes;
  for (const fs::path& file : files) {
    if (!read_file(file, bytes)) {
      std::fprintf(stderr, "%s: cannot read '%s'\n", argv[0], file.c_str());
      return 2;
    }
    // Each input gets a buffer of exactly its size, so reads past its end are caught.
    std::vector<std::uint8_t> input(bytes.begin(), bytes.end());
    std::fprintf(stderr, "replay %s (%zu bytes)\n", file.c_str(), input.size());
    LLVMFuzzerTestOneInput(input.data(), input.size());
  }
  std::printf("replayed %zu inputs\n", files.size());
  return 0;
}
