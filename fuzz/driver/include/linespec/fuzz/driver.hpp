// A libFuzzer target for a user's own connection handler in a few lines: drive()
// turns the input into chunks and a close mode, feeds a fresh ConnectionUnderTest
// and checks what it sends against the harness Model, aborting with a report on
// a mismatch. Deterministic, no global state; one thread per call.
//
//   extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
//     return linespec::fuzz::drive(data, size, linespec::builtin_profile("seed").value(),
//                                  [] { return std::make_unique<MyHandler>(); });
//   }
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "linespec/fuzz/connection_under_test.hpp"
#include "linespec/protocol/profile.hpp"
#include "linespec/protocol/result.hpp"

namespace linespec::fuzz {

// Makes the handler for one conversation.
using HandlerFactory = std::function<std::unique_ptr<ConnectionUnderTest>()>;

// How the client ends the conversation once every chunk is sent.
enum class CloseMode {
  kHalfClose,  // FIN: every record answered, the final fragment per profile, then closed
  kReset,      // RST: the handler may have sent any prefix of what it owed
  kStayOpen,   // still connected: any prefix of the replies owed so far
};

// What the client does: the chunks, each one on_data() call, then the close.
struct Conversation {
  std::vector<std::string> chunks;
  CloseMode close = CloseMode::kHalfClose;
};

// The input as a conversation, in the layout of the other fuzz targets
// (fuzz_input.hpp): choices one byte each from the end, bytes from the front.
// One choice byte: the close mode (0 or any value % 3 == 0: half-close, 1 reset,
// 2 stay open); then chunks, each a length byte (1..256) and that many bytes.
Conversation read_conversation(const std::uint8_t* data, std::size_t size);

// Runs the conversation against `handler` and checks, after on_open() and every
// on_data(), that what it sent so far is a prefix of what the model owes (a
// handler may answer later, never wrongly or early) and that it has not closed;
// after on_eof(), that it sent exactly what the model owes and has closed. An
// ErrorKind::kProtocol error's message says what was sent, expected and received.
Status check_conversation(const Profile& profile, ConnectionUnderTest& handler,
                          const Conversation& conversation);

// check_conversation() on read_conversation(data, size) with a handler made by
// `make`; on failure prints the report on stderr and aborts (a libFuzzer crash).
// Returns 0, as LLVMFuzzerTestOneInput does.
int drive(const std::uint8_t* data, std::size_t size, const Profile& profile, const HandlerFactory& make);

// "chunks [\"ab\", \"c\\n\"] then half-close": a conversation for reports.
std::string describe(const Conversation& conversation);

}  // namespace linespec::fuzz
