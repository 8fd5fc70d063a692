// The fuzz driver: input -> Conversation, Conversation -> checked handler replies.
#include "linespec/fuzz/driver.hpp"

#include <fuzzer/FuzzedDataProvider.h>

#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <utility>

#include "linespec/fuzz/fuzz_input.hpp"
#include "linespec/harness/model.hpp"
#include "linespec/protocol/escape.hpp"

namespace linespec::fuzz {
namespace {

using harness::ClientEnd;
using harness::Expectation;
using harness::Model;

// Long enough for any conversation a fuzzer keeps small; longer ones are summarised.
constexpr std::size_t kShownBytes = 4096;

std::string_view to_string(CloseMode close) {
  switch (close) {
    case CloseMode::kHalfClose: return "half-close";
    case CloseMode::kReset: return "reset";
    case CloseMode::kStayOpen: return "stay open";
  }
  return "half-close";
}

// One conversation's check: the model fed in step with the handler, and what the
// handler has sent so far.
class ConversationCheck {
 public:
  ConversationCheck(const Profile& profile, const Conversation& conversation)
      : profile_(profile), conversation_(conversation), model_(profile) {}

  Status run(ConnectionUnderTest& handler) {
    received_ += handler.on_open();
    if (Status s = expect_prefix("on_open()"); !s) return s;
    for (std::size_t i = 0; i < conversation_.chunks.size(); ++i) {
      const std::string step = "on_data() of chunk " + std::to_string(i + 1) + " of " +
                               std::to_string(conversation_.chunks.size());
      if (handler.closed()) return fail("closed before the client ended, before " + step, owed_so_far());
      received_ += handler.on_data(conversation_.chunks[i]);
      model_.feed(conversation_.chunks[i]);
      if (Status s = expect_prefix(step); !s) return s;
    }
    switch (conversation_.close) {
      case CloseMode::kHalfClose: {
        if (handler.closed()) return fail("closed before the client half-closed", owed_so_far());
        received_ += handler.on_eof();
        const Expectation owed = model_.expectation(ClientEnd::kHalfClose);
        if (!owed.matches(received_)) return fail("wrong replies after on_eof()", owed);
        if (!handler.closed()) return fail("still open after on_eof()", owed);
        return {};
      }
      case CloseMode::kReset:
        handler.on_reset();
        return {};
      case CloseMode::kStayOpen:
        return {};
    }
    return {};
  }

 private:
  Expectation owed_so_far() const { return model_.expectation(ClientEnd::kFullClose); }

  // Before the client ends, a handler may still owe replies but never sends a
  // wrong or early byte.
  Status expect_prefix(const std::string& step) {
    const Expectation owed = owed_so_far();
    if (owed.matches(received_)) return {};
    return fail("wrong replies after " + step, owed);
  }

  Status fail(const std::string& what, const Expectation& expected) const {
    std::string message = what + "\n  profile:  " + profile_.name;
    message += "\n  sent:     " + describe(conversation_);
    message += "\n  expected: " + expected.describe();
    message += "\n  received: " + escape_bytes(received_, kShownBytes);
    return Error{ErrorKind::kProtocol, std::move(message)};
  }

  const Profile& profile_;
  const Conversation& conversation_;
  Model model_;
  std::string received_;
};

}  // namespace

Conversation read_conversation(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider input(data, size);
  Conversation conversation;
  conversation.close = input.PickValueInArray({CloseMode::kHalfClose, CloseMode::kReset, CloseMode::kStayOpen});
  conversation.chunks = consume_chunks(input);
  return conversation;
}

Status check_conversation(const Profile& profile, ConnectionUnderTest& handler,
                          const Conversation& conversation) {
  return ConversationCheck(profile, conversation).run(handler);
}

int drive(const std::uint8_t* data, std::size_t size, const Profile& profile, const HandlerFactory& make) {
  const Conversation conversation = read_conversation(data, size);
  std::unique_ptr<ConnectionUnderTest> handler = make();
  if (!handler) {
    std::fputs("linespec fuzz driver: the handler factory returned no handler\n", stderr);
    std::abort();
  }
  const Status status = check_conversation(profile, *handler, conversation);
  if (!status) {
    std::fprintf(stderr, "linespec fuzz driver: %s\n", status.error().message.c_str());
    std::fflush(stderr);
    std::abort();
  }
  return 0;
}

std::string describe(const Conversation& conversation) {
  std::string text = "chunks [";
  for (std::size_t i = 0; i < conversation.chunks.size(); ++i) {
    if (i > 0) text += ", ";
    text += escape_bytes(conversation.chunks[i], kShownBytes);
  }
  text += "] then ";
  text += to_string(conversation.close);
  return text;
}

}  // namespace linespec::fuzz
