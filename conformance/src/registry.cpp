#include <algorithm>
#include <cassert>
#include <utility>

#include "linespec/conformance/case.hpp"
#include "section_cases.hpp"

namespace linespec::conformance {

std::string_view Case::section() const {
  std::string_view text = id;
  return text.substr(0, text.find('/'));
}

void Registry::add(Case c) {
  assert(find(c.id) == nullptr && "case ids are unique");
  cases_.push_back(std::move(c));
}

const Case* Registry::find(std::string_view id) const {
  auto it = std::find_if(cases_.begin(), cases_.end(), [&](const Case& c) { return c.id == id; });
  return it == cases_.end() ? nullptr : &*it;
}

Result<std::vector<const Case*>> Registry::select(const std::vector<std::string>& names) const {
  std::vector<bool> chosen(cases_.size(), names.empty());
  for (const std::string& name : names) {
    bool matched = false;
    const Case* exact = find(name);
    std::string_view section = name;
    if (!section.empty() && section.back() == '/') section.remove_suffix(1);
    for (std::size_t i = 0; i < cases_.size(); ++i) {
      bool selected = exact != nullptr ? &cases_[i] == exact
                                       : !section.empty() && section.find('/') == std::string_view::npos &&
                                             cases_[i].section().substr(0, section.size()) == section;
      if (selected) {
        chosen[i] = true;
        matched = true;
      }
    }
    if (!matched) return usage_error("unknown case '" + name + "' (see `linespec list`)");
  }
  std::vector<const Case*> selected;
  for (std::size_t i = 0; i < cases_.size(); ++i) {
    if (chosen[i]) selected.push_back(&cases_[i]);
  }
  return selected;
}

Registry core_registry() {
  Registry registry;
  register_greeting_cases(registry);
  register_framing_cases(registry);
  register_replies_cases(registry);
  register_eof_cases(registry);
  register_close_cases(registry);
  register_concurrency_cases(registry);
  register_robustness_cases(registry);
  register_refusal_cases(registry);
  return registry;
}

}  // namespace linespec::conformance
