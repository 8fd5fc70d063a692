// The client case sections, one source file each under cases/, in CLIENT-SPEC.md
// order. Private to the library.
#pragma once

#include "linespec/conformance/client/case.hpp"

namespace linespec::conformance {

void register_client_exchange_cases(ClientRegistry& registry);
void register_client_greeting_cases(ClientRegistry& registry);
void register_client_refusal_cases(ClientRegistry& registry);
void register_client_replies_cases(ClientRegistry& registry);
void register_client_close_cases(ClientRegistry& registry);

}  // namespace linespec::conformance
