#include "linespec/live_fuzz/conversation.hpp"

#include <algorithm>
#include <string_view>

namespace linespec::live_fuzz {

namespace {

using harness::ClientEnd;
using harness::ScriptStep;

std::string connection_name(std::size_t index) {
  if (index < 26) return std::string(1, static_cast<char>('a' + index));
  return "c" + std::to_string(index);
}

// The steps of one connection in its own order: connect, the chunks, the ending.
std::vector<ScriptStep> connection_steps(const ConnectionPlan& plan, const std::string& name, ClientEnd end) {
  std::vector<ScriptStep> steps{ScriptStep::connect(name)};
  std::string bytes;
  for (const auto& record : plan.records) bytes += record;
  std::string_view left = bytes;
  for (std::size_t size : plan.chunks) {
    if (left.empty()) break;
    if (size == 0) continue;
    size = std::min(size, left.size());
    steps.push_back(ScriptStep::send(name, std::string(left.substr(0, size))));
    left.remove_prefix(size);
  }
  if (!left.empty()) steps.push_back(ScriptStep::send(name, std::string(left)));
  switch (end) {
    case ClientEnd::kHalfClose:
      steps.push_back(ScriptStep::half_close(name));
      break;
    case ClientEnd::kFullClose:
      steps.push_back(ScriptStep::close(name));
      break;
    case ClientEnd::kReset:
      steps.push_back(ScriptStep::reset(name));
      break;
    case ClientEnd::kStaysOpen:
      break;
  }
  return steps;
}

}  // namespace

harness::Script to_script(const Conversation& conversation, const Profile& profile, Overlap overlap) {
  harness::Script script;
  script.profile = profile;
  script.oracle = harness::Oracle::kScriptAndModel;
  const std::size_t count = conversation.connections.size();
  std::vector<std::vector<ScriptStep>> steps;
  for (std::size_t i = 0; i < count; ++i) {
    ClientEnd end = conversation.connections[i].end;
    // One at a time, a connection left open would keep the next from being served.
    if (overlap == Overlap::kOneAtATime && end == ClientEnd::kStaysOpen && i + 1 < count) end = ClientEnd::kHalfClose;
    steps.push_back(connection_steps(conversation.connections[i], connection_name(i), end));
  }
  std::vector<std::size_t> next(count, 0);
  if (overlap == Overlap::kInterleaved && count > 0) {
    for (std::size_t pick : conversation.schedule) {
      std::size_t i = pick % count;
      if (next[i] < steps[i].size()) script.steps.push_back(steps[i][next[i]++]);
    }
  }
  for (std::size_t i = 0; i < count; ++i) {
    for (; next[i] < steps[i].size(); ++next[i]) script.steps.push_back(steps[i][next[i]]);
  }
  return script;
}

std::string ScriptSize::to_string() const {
  auto counted = [](std::size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
  };
  return counted(connections, "connection", "connections") + ", " + counted(sends, "send", "sends") + ", " +
         counted(bytes, "byte", "bytes");
}

ScriptSize measure(const harness::Script& script) {
  ScriptSize size;
  for (const auto& step : script.steps) {
    if (step.kind == ScriptStep::Kind::kConnect) ++size.connections;
    if (step.kind == ScriptStep::Kind::kSend) {
      ++size.sends;
      size.bytes += step.bytes.size();
    }
  }
  return size;
}

}  // namespace linespec::live_fuzz
