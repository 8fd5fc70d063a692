#include "linespec/conformance/client/verdicts.hpp"

#include <utility>

#include "linespec/harness/model.hpp"
#include "linespec/harness/transcript.hpp"

namespace linespec::conformance {
namespace {

constexpr std::size_t kShownBytes = 64;

std::string last_line(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  std::size_t from = text.find_last_of('\n');
  return std::string(from == std::string_view::npos ? text : text.substr(from + 1));
}

std::string counted(std::size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string bound_text(std::chrono::milliseconds timeout) {
  return std::to_string(kill_bound(timeout).count()) + " ms";
}

// The failure every judge checks first: no connection, or a client that had to be killed.
std::optional<Outcome> did_not_take_part(const ClientRun& run, std::chrono::milliseconds timeout,
                                         const std::string& expected) {
  if (!run.connected) return client_failure("the client never connected", run, expected);
  if (run.killed) {
    return client_failure("the client did not end on its own within " + bound_text(timeout) + " (killed)", run,
                          expected);
  }
  return std::nullopt;
}

}  // namespace

std::string describe_client(const ClientRun& run) {
  std::string text;
  auto add = [&text](const std::string& part) { text += (text.empty() ? "" : ", ") + part; };
  if (!run.connected) {
    add("never connected");
  } else if (run.sent.empty()) {
    add("sent nothing");
  } else {
    std::string count =
        run.stream ? counted(run.sent.size(), "byte", "bytes") : counted(run.records, "record", "records");
    add("sent " + harness::escape_bytes(run.sent, kShownBytes) + " (" + count + ")");
  }
  if (run.sent_before_greeting.value_or(0) > 0) {
    add(counted(*run.sent_before_greeting, "byte", "bytes") + " of it before the greeting was complete");
  }
  if (run.half_closed) add(run.transport == ClientTransport::kStdio ? "closed its stdout" : "half-closed");
  if (run.reset) add("reset the connection");
  if (run.killed) {
    add("was still running after " + std::to_string(run.ran_for.count()) + " ms and was killed");
  } else if (run.exit) {
    add("ended with " + run.exit->to_string() + " after " + std::to_string(run.ran_for.count()) + " ms");
  }
  std::string why = last_line(run.error_tail);
  if (!why.empty()) add("stderr: " + harness::escape_bytes(why, 160));
  return text;
}

Outcome client_failure(std::string message, const ClientRun& run, std::string expected) {
  return Outcome::fail(std::move(message), run.kit_story, std::move(expected), describe_client(run));
}

Outcome verify_completed(const ClientRun& run, std::chrono::milliseconds timeout) {
  std::string what = run.stream ? "some bytes, every one echoed" : "one record or more, every one answered";
  std::string expected = what + ", then exit 0 within " + bound_text(timeout);
  if (auto failed = did_not_take_part(run, timeout, expected)) return *failed;
  if (run.stream ? run.sent.empty() : run.records == 0) {
    std::string how = run.exit->success() ? "" : " and ended with " + run.exit->to_string();
    std::string message = std::string("the client sent ") + (run.stream ? "nothing" : "no record") + how;
    return client_failure(std::move(message), run, expected);
  }
  if (!run.exit->success()) {
    return client_failure("the client ended with " + run.exit->to_string() + " although every record was answered",
                          run, expected);
  }
  return Outcome::pass();
}

Outcome verify_gave_up(const ClientRun& run, std::chrono::milliseconds timeout, std::string_view because,
                       bool nothing_sent) {
  std::string expected = "a non-zero exit status within " + bound_text(timeout);
  if (nothing_sent) expected += ", without sending anything";
  if (auto failed = did_not_take_part(run, timeout, expected)) return *failed;
  if (nothing_sent && !run.sent.empty()) {
    return client_failure("the client sent " + counted(run.sent.size(), "byte", "bytes") + " although " +
                              std::string(because),
                          run, expected);
  }
  if (run.exit->success()) {
    return client_failure("the client ended with exit 0 although " + std::string(because), run, expected);
  }
  return Outcome::pass();
}

std::optional<Outcome> needs_records(const ClientRun& run, std::size_t n) {
  if (run.stream) return Outcome::not_applicable("stream replies have no records");
  if (run.records >= n) return std::nullopt;
  return Outcome::not_applicable("the client sent " + counted(run.records, "record", "records") + "; this case needs " +
                                 std::to_string(n) + " or more (give the client several records to send)");
}

std::vector<std::string> printed_replies(const ClientRun& run, const Profile& profile) {
  std::vector<std::string> texts;
  auto strip = [](std::string_view line) {
    std::string text(line);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    return text;
  };
  if (profile.reply == ReplyKind::kStream) {
    std::size_t from = 0;
    while (from < run.sent.size()) {
      std::size_t end = run.sent.find_first_of("\r\n", from);
      if (end == std::string::npos) end = run.sent.size();
      if (end > from) texts.push_back(run.sent.substr(from, end - from));
      from = end + 1;
    }
    return texts;
  }
  harness::Model model(profile);
  model.feed(run.sent);
  if (run.half_closed) model.end_of_stream();
  for (const std::string& record : model.records()) {
    texts.push_back(profile.reply == ReplyKind::kAck ? profile.ack_text : strip(record));
  }
  return texts;
}

}  // namespace linespec::conformance
