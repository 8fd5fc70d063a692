// The conformance case model: a Case names the SPEC.md requirement it checks and
// carries a body that drives the target through a CaseContext and returns an
// Outcome. A Registry owns the cases, in the order the suite runs them; it is
// built once (core_registry()) and then only read, so any thread may read it.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "linespec/conformance/outcome.hpp"
#include "linespec/protocol/result.hpp"

namespace linespec::conformance {

class CaseContext;

struct Case {
  std::string id;           // "<section>/<number>", e.g. "framing/4"
  std::string requirement;  // SPEC.md id, e.g. "FRAME-2"
  Level level = Level::kMust;
  std::string description;  // one line, e.g. "a line split byte by byte"
  std::function<Outcome(CaseContext&)> run;
  // With a known capacity, runs with no other case in flight: its verdict depends
  // on how many connections the server has open (refusal, many clients at once).
  bool exclusive = false;

  std::string_view section() const;  // "framing" for "framing/4"
};

class Registry {
 public:
  // Appends a case; ids must be unique (the registry tests check the built-in set).
  void add(Case c);

  const std::vector<Case>& cases() const { return cases_; }
  const Case* find(std::string_view id) const;

  // The cases to run, in registry order: every case for an empty list, else each
  // listed id, or every case of each section that a name is a prefix of
  // ("framing", "framing/" and "fram" select every framing/ case). A name that
  // selects nothing is a usage error naming it.
  Result<std::vector<const Case*>> select(const std::vector<std::string>& names) const;

 private:
  std::vector<Case> cases_;
};

// Every built-in case, section by section in SPEC.md order.
Registry core_registry();

}  // namespace linespec::conformance
