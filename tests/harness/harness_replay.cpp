// harness-replay: a small test-only driver of the replay library (the linespec CLI
// has its own `linespec replay`). Replays script files, raw inputs or folders of
// them against one target and prints a verdict per input.
//   harness-replay [--target TARGET] [--profile NAME|FILE] [--timeout MS] PATH...
// Exit codes: 0 every input passed, 1 one failed, 2 bad usage, 3 target unreachable.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "linespec/harness/replay.hpp"
#include "linespec/protocol/profile_file.hpp"

namespace {

using namespace linespec;
using namespace linespec::harness;

constexpr const char* kUsage =
    "usage: harness-replay [--target TARGET] [--profile NAME|FILE] [--timeout MS] PATH...\n"
    "Replays linespec scripts, raw inputs (bytes sent as one chunk, then half-close) or folders\n"
    "of them against TARGET (tcp:HOST:PORT, unix:PATH or exec:CMD; default: each script's own\n"
    "target line). --profile judges raw inputs (default seed); --timeout is the inactivity\n"
    "timeout in ms (default 2000).\n"
    "Exit codes: 0 all passed, 1 a failure, 2 bad usage, 3 target unreachable.\n";

int usage_failure(const std::string& message) {
  std::fprintf(stderr, "harness-replay: %s\n", message.c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::optional<Target> target;
  Profile raw_profile = *builtin_profile("seed");
  SessionOptions options;
  options.inactivity_timeout = std::chrono::milliseconds(2000);
  std::vector<std::string> paths;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    bool has_value = i + 1 < argc;
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (arg == "--version") {
      std::printf("harness-replay %s\n", LINESPEC_VERSION);
      return 0;
    }
    if ((arg == "--target" || arg == "--profile" || arg == "--timeout") && !has_value) {
      return usage_failure(std::string(arg) + " wants a value");
    }
    if (arg == "--target") {
      auto parsed = parse_target(argv[++i]);
      if (!parsed) return usage_failure(parsed.error().message);
      target = *parsed;
    } else if (arg == "--profile") {
      auto loaded = load_profile(argv[++i]);
      if (!loaded) return usage_failure(loaded.error().message);
      raw_profile = *loaded;
    } else if (arg == "--timeout") {
      char* end = nullptr;
      long ms = std::strtol(argv[++i], &end, 10);
      if (*end != '\0' || ms <= 0) return usage_failure(std::string("bad --timeout '") + argv[i] + "'");
      options.inactivity_timeout = std::chrono::milliseconds(ms);
    } else if (!arg.empty() && arg.front() == '-') {
      return usage_failure("unknown option '" + std::string(arg) + "' (see --help)");
    } else {
      paths.emplace_back(arg);
    }
  }
  if (paths.empty()) return usage_failure("no PATH to replay (see --help)");

  bool failed = false;
  bool unreachable = false;
  for (const auto& path : paths) {
    auto inputs = load_replay_inputs(path, raw_profile);
    if (!inputs) return usage_failure(inputs.error().message);
    for (const auto& input : *inputs) {
      const std::optional<Target>& where = target ? target : input.script.target;
      if (!where) return usage_failure(input.source + ": no --target and no target line in the script");
      auto result = run_script(input.script, *where, options);
      if (!result) return usage_failure(input.source + ": " + result.error().message);
      for (const auto& c : result->connections) {
        if (c.session.error && c.session.error->kind == ErrorKind::kUnreachable) unreachable = true;
      }
      if (result->passed()) {
        std::printf("PASS %s\n", input.source.c_str());
        continue;
      }
      failed = true;
      std::printf("FAIL %s\n%s%s", input.source.c_str(), result->report().c_str(),
                  print_script(with_model_expectations(input.script)).c_str());
    }
  }
  std::fflush(stdout);
  if (unreachable) return 3;
  return failed ? 1 : 0;
}
