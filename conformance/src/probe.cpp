// The probe: one question per knob, in an order where each answer makes the next
// question possible (the greeting first, then what a reply looks like, then what
// ends a record, ...). Ack servers are counted (how many ack lines for these bytes
// and a half-close: no timing involved); echo servers send back the same bytes
// whatever the framing, so some of their knobs can only be told by what arrives
// before silence.
#include "linespec/conformance/probe.hpp"

#include <utility>

#include "byte_text.hpp"
#include "linespec/conformance/context.hpp"
#include "linespec/protocol/profile_file.hpp"
#include "probe_sessions.hpp"
#include "service.hpp"

namespace linespec::conformance {
namespace {

using harness::Ending;

constexpr std::string_view kProbeRecord = "linespec probe\n";
constexpr std::size_t kLongestSearched = 20000;

std::string quoted(std::string_view bytes) { return describe_bytes(bytes, 80).text; }

std::string closed_phrase(const harness::SessionResult& result) {
  return result.ending == Ending::kPeerClosed ? "then the server closed" : "then " + std::string(to_string(result.ending));
}

class Prober {
 public:
  Prober(const harness::Target& target, const ProbeOptions& options) : sessions_(target, options) {
    profile_.name = "probed";
  }

  Status run() {
    if (auto refused = greeting(); !refused) return refused;
    reply();
    if (profile_.reply == ReplyKind::kAck) {
      ack_framing();
    } else if (profile_.reply == ReplyKind::kEcho) {
      echo_framing();
    } else {
      stream_framing();
    }
    concurrency();
    return {};
  }

  ProbeReport report(std::string target) && {
    return ProbeReport{std::move(profile_), std::move(findings_), std::move(target)};
  }

 private:
  void found(std::string knob, Confidence confidence, std::string evidence) {
    findings_.push_back({std::move(knob), confidence, std::move(evidence)});
  }

  std::string replies_to(std::string_view bytes) const {
    return std::string(after_greeting(sessions_.half_closed(bytes).received, profile_.greeting_line()));
  }
  std::optional<std::size_t> acks_for(std::string_view bytes) const {
    return count_lines(replies_to(bytes), profile_.ack_line());
  }

  Status greeting() {
    harness::SessionResult result = sessions_.half_closed({});
    const std::string& got = result.received;
    if (result.ending == Ending::kError && got.empty() && result.error) return *result.error;
    if (got.find(profile_.refusal_marker) != std::string::npos) {
      return Error{ErrorKind::kProtocol, "the server refused a lone client: " + quoted(got)};
    }
    Confidence sure = result.ending == Ending::kPeerClosed ? Confidence::kHigh : Confidence::kMedium;
    std::size_t eol = got.find('\n');
    if (got.empty()) {
      profile_.greeting.reset();
      found("greeting", sure, "nothing arrived before the client sent a byte, " + closed_phrase(result));
    } else if (eol + 1 == got.size()) {
      profile_.greeting = got.substr(0, eol);
      found("greeting", sure, quoted(got) + " arrived before the client sent a byte, " + closed_phrase(result));
    } else {
      profile_.greeting = got.substr(0, eol);
      found("greeting", Confidence::kLow, "more than one line arrived unasked: " + quoted(got));
    }
    return {};
  }

  void reply() {
    std::string replies = replies_to(kProbeRecord);
    std::string sent = quoted(kProbeRecord);
    if (replies == kProbeRecord) {
      echo_or_stream();
      return;
    }
    profile_.reply = ReplyKind::kAck;
    std::size_t eol = replies.find('\n');
    if (eol == std::string::npos) {
      found("reply", Confidence::kLow, sent + " got no reply line: " + quoted(replies));
      return;
    }
    profile_.ack_text = replies.substr(0, eol);
    bool one = eol + 1 == replies.size();
    found("reply", one ? Confidence::kHigh : Confidence::kLow,
          sent + " was answered with " + quoted(replies) + (one ? "" : ", more than one line"));
  }

  // Both send the record back; only a stream server sends bytes without a terminator back.
  void echo_or_stream() {
    std::string back = sessions_.until_quiet(profile_.greeting_line(), "ab");
    std::string quiet = std::to_string(sessions_.options().quiet.count()) + " ms";
    if (back == "ab") {
      // An echo server may send a record's bytes on as they arrive: then no byte it
      // sends tells it from a stream server, and the stream profile checks it right.
      profile_.reply = ReplyKind::kStream;
      profile_.max_record = 0;
      found("reply", Confidence::kMedium,
            "records came back, and \"ab\" without a terminator came back at once: a stream server, or an echo "
            "server that sends bytes on before their record ends (the same bytes either way)");
    } else {
      profile_.reply = ReplyKind::kEcho;
      found("reply", Confidence::kMedium,
            "records came back, but \"ab\" without a terminator did not within " + quiet);
    }
  }

  void ack_framing() {
    // cr,lf: x\r y\n x\r \n z\n = 5; crlf-or-lf: x\r y\n x\r\n z\n = 4; lf: x\ry\n x\r\n z\n = 3.
    const std::string mix = "x\ry\nx\r\nz\n";
    auto count = acks_for(mix);
    std::string seen = quoted(mix) + " got " + (count ? std::to_string(*count) : std::string("not only")) +
                       " ack lines (cr,lf: 5, crlf-or-lf: 4, lf: 3)";
    if (count == 5u || count == 4u || count == 3u) {
      profile_.terminators = *count == 5 ? Terminators::kCrOrLf : *count == 4 ? Terminators::kCrlfOrLf
                                                                              : Terminators::kLf;
      found("terminators", Confidence::kHigh, seen);
    } else {
      found("terminators", Confidence::kLow, seen);
    }
    ack_limit();
    auto fragment = acks_for("one\nabc");
    if (fragment == 2u || fragment == 1u) {
      profile_.final_fragment = *fragment == 2 ? FinalFragment::kAnswer : FinalFragment::kDrop;
      found("final-fragment", Confidence::kHigh,
            "\"one\\nabc\" and a half-close got " + std::to_string(*fragment) + " ack lines");
    } else {
      found("final-fragment", Confidence::kLow, "\"one\\nabc\" and a half-close got no clear answer");
    }
  }

  // Records of "A" × L + "\n": L / N + 1 for a limit N, so 1023 + 1024 give 3 with 1024.
  void ack_limit() {
    auto records_for = [this](std::size_t length) { return acks_for(std::string(length, 'A') + "\n"); };
    auto both = acks_for(std::string(1023, 'A') + "\n" + std::string(1024, 'A') + "\n");
    if (both == 3u) {
      profile_.max_record = 1024;
      found("max-record", Confidence::kHigh, "1023 x \"A\" + LF got 1 reply and 1024 x \"A\" + LF got 2");
      return;
    }
    auto longest = records_for(kLongestSearched);
    if (!longest) {
      found("max-record", Confidence::kLow, "long lines got no clear answer");
      return;
    }
    if (*longest == 1) {
      profile_.max_record = 0;
      found("max-record", Confidence::kMedium,
            "a line of " + std::to_string(kLongestSearched + 1) + " bytes got one reply: no limit up to there");
      return;
    }
    std::size_t low = 1;
    std::size_t high = kLongestSearched;  // the shortest run known to be cut
    while (low < high) {
      std::size_t mid = low + (high - low) / 2;
      auto count = records_for(mid);
      if (count && *count >= 2) {
        high = mid;
      } else {
        low = mid + 1;
      }
    }
    profile_.max_record = low;
    found("max-record", Confidence::kHigh,
          std::to_string(low - 1) + " x \"A\" + LF got 1 reply, " + std::to_string(low) + " x \"A\" + LF more");
  }

  void echo_framing() {
    std::string quiet = std::to_string(sessions_.options().quiet.count()) + " ms";
    std::string greeting = profile_.greeting_line();
    if (sessions_.until_quiet(greeting, "x\r") == "x\r") {
      profile_.terminators = Terminators::kCrOrLf;
      found("terminators", Confidence::kLow,
            "a lone CR ended a record; echo replies are the same bytes under cr,lf and crlf-or-lf");
    } else {
      profile_.terminators = Terminators::kLf;
      found("terminators", Confidence::kMedium, "\"x\\r\" did not come back within " + quiet);
    }
    std::string run(1024, 'A');
    std::string back = sessions_.until_quiet(greeting, run);
    if (back.empty()) {
      profile_.max_record = 0;
      found("max-record", Confidence::kLow, "1024 x \"A\" did not come back within " + quiet + ": no limit seen");
    } else {
      profile_.max_record = back.size() < run.size() ? back.size() : run.size();
      found("max-record", Confidence::kMedium,
            std::to_string(back.size()) + " of 1024 x \"A\" came back without a terminator");
    }
    std::string fragment = replies_to("one\nabc");
    if (fragment == "one\nabc" || fragment == "one\n") {
      profile_.final_fragment = fragment.size() == 7 ? FinalFragment::kAnswer : FinalFragment::kDrop;
      found("final-fragment", Confidence::kHigh, "\"one\\nabc\" and a half-close got " + quoted(fragment) + " back");
    } else {
      found("final-fragment", Confidence::kLow, "\"one\\nabc\" and a half-close got " + quoted(fragment) + " back");
    }
  }

  void stream_framing() {
    found("terminators", Confidence::kHigh, "a stream server has no records");
    found("max-record", Confidence::kHigh, "a stream server has no records");
    found("final-fragment", Confidence::kHigh, "a stream server sends every byte back");
  }

  void concurrency() {
    if (!serves_two_at_once()) return;
    profile_.concurrency = Concurrency::kConcurrent;
    found("concurrency", Confidence::kHigh, "a second client was served while the first was open");
    capacity();
  }

  // Ends both clients before it returns, so that capacity() starts from none.
  bool serves_two_at_once() {
    auto first = sessions_.open();
    if (!first || !await_service(*first, profile_)) {
      found("concurrency", Confidence::kLow, "a first client was not served");
      return false;
    }
    auto second = sessions_.open();
    if (!second || !await_service(*second, profile_) || !served(second->received())) {
      profile_.concurrency = Concurrency::kSequential;
      found("concurrency", Confidence::kMedium, "a second client was not served while the first was open");
      found("capacity", Confidence::kLow, "not measured for a sequential server");
      return false;
    }
    // A client that just vanished may still hold its slot until the server notices,
    // and capacity() would count one or two too few: half-close each and wait for
    // the server to close it (bounded by the inactivity timeout).
    second->close(harness::CloseMode::kHalfClose);
    first->close(harness::CloseMode::kHalfClose);
    return true;
  }

  bool served(std::string_view received) const {
    std::string wanted = service_output(profile_);
    return received.substr(0, wanted.size()) == wanted;
  }

  // Opens clients until one is refused, up to the limit.
  void capacity() {
    std::vector<harness::Session> open;
    std::size_t limit = sessions_.options().capacity_limit;
    for (std::size_t i = 0; i < limit; ++i) {
      auto session = sessions_.open();
      if (!session) {
        found("capacity", Confidence::kLow, "client " + std::to_string(i + 1) + " could not connect");
        return;
      }
      await_service(*session, profile_);
      if (!served(session->received())) {
        session->expect(std::string::npos);  // the whole refusal, until the server closes
        refused_at(i, session->finish().received);
        return;
      }
      open.push_back(std::move(*session));
    }
    found("capacity", Confidence::kMedium,
          std::to_string(limit) + " clients were served at once; no refusal seen, so none is stated");
  }

  void refused_at(std::size_t served_count, const std::string& received) {
    profile_.capacity = served_count;
    std::string line = received.substr(0, received.find('\n'));
    if (line.empty()) {
      found("capacity", Confidence::kMedium,
            "client " + std::to_string(served_count + 1) + " got nothing: " + quoted(received));
      return;
    }
    if (line.find(profile_.refusal_marker) == std::string::npos) profile_.refusal_marker = line;
    found("capacity", Confidence::kHigh,
          std::to_string(served_count) + " clients were served; the next got " + quoted(received));
  }

  ProbeSessions sessions_;
  Profile profile_;
  std::vector<KnobFinding> findings_;
};

}  // namespace

std::string_view to_string(Confidence confidence) {
  switch (confidence) {
    case Confidence::kLow: return "low";
    case Confidence::kMedium: return "medium";
    case Confidence::kHigh: return "high";
  }
  return "?";
}

Result<ProbeReport> probe_target(const harness::Target& target, const ProbeOptions& options) {
  auto reachable = harness::connect(target, harness::ConnectOptions{options.timeout, true});
  if (!reachable) return reachable.error();
  (*reachable)->close();
  Prober prober(target, options);
  if (auto status = prober.run(); !status) return status.error();
  return std::move(prober).report(target.to_string());
}

std::string to_profile_text(const ProbeReport& report) {
  std::string text = "# linespec probe of " + report.target + " (linespec " + std::string(linespec_version()) +
                     ", spec " + std::string(kSpecVersion) + ")\n";
  for (const KnobFinding& finding : report.findings) {
    std::string evidence = finding.evidence;
    for (char& c : evidence) {
      if (c == '\n' || c == '\r') c = ' ';
    }
    text += "# confidence: " + finding.knob + " " + std::string(to_string(finding.confidence)) + ": " + evidence + "\n";
  }
  return text + print_profile(report.profile);
}

}  // namespace linespec::conformance
