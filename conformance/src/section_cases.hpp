// One registration function per SPEC.md section, each defined in
// conformance/cases/<section>.cpp and called in order from core_registry(), so
// the suite never depends on static initialisation order.
#pragma once

#include "linespec/conformance/case.hpp"

namespace linespec::conformance {

void register_greeting_cases(Registry& registry);
void register_framing_cases(Registry& registry);
void register_replies_cases(Registry& registry);
void register_eof_cases(Registry& registry);
void register_close_cases(Registry& registry);
void register_concurrency_cases(Registry& registry);
void register_robustness_cases(Registry& registry);
void register_refusal_cases(Registry& registry);

}  // namespace linespec::conformance
