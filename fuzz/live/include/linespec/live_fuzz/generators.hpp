// rapidcheck generators of conversations for a profile: records of every kind
// (empty, CR/LF/CRLF mixes, at and over the size limit, NUL and high bytes), chunk
// cuts, client endings, several connections and their interleaving. Every choice
// shrinks towards the simplest option (one short LF-terminated record, one chunk,
// half-close, one connection, no interleaving). Usable inside any rapidcheck
// property as well as by ConversationSource; values only, any thread.
#pragma once

#include <rapidcheck/Gen.h>

#include <cstddef>
#include <string>

#include "linespec/live_fuzz/conversation.hpp"
#include "linespec/protocol/profile.hpp"

namespace linespec::live_fuzz {

// The length of record that the size-limit cases are built around: the profile's
// max_record, or 1024 when it has none (long records matter to unlimited servers too).
std::size_t limit_length(const Profile& profile);

// One record's bytes (possibly an unterminated fragment that joins the next).
rc::Gen<std::string> record(const Profile& profile);

// A conversation of 1 to `max_connections` connections (at least 1).
rc::Gen<Conversation> conversation(const Profile& profile, std::size_t max_connections);

}  // namespace linespec::live_fuzz
