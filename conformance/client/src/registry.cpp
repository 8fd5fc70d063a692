#include <algorithm>
#include <cassert>
#include <utility>

#include "linespec/conformance/client/case.hpp"
#include "section_cases.hpp"

namespace linespec::conformance {

ClientSession& ClientCaseContext::start() {
  if (!session_) session_ = std::make_unique<ClientSession>(config_);
  return *session_;
}

std::optional<Error> ClientCaseContext::unrunnable() const {
  if (!session_) return std::nullopt;
  return session_->unrunnable();
}

void ClientRegistry::add(ClientCase c) {
  assert(find(c.info.id) == nullptr && "client case ids are unique");
  cases_.push_back(std::move(c));
}

const ClientCase* ClientRegistry::find(std::string_view id) const {
  auto it = std::find_if(cases_.begin(), cases_.end(), [&](const ClientCase& c) { return c.info.id == id; });
  return it == cases_.end() ? nullptr : &*it;
}

Result<std::vector<const ClientCase*>> ClientRegistry::select(const std::vector<std::string>& names) const {
  std::vector<bool> chosen(cases_.size(), names.empty());
  for (const std::string& name : names) {
    bool matched = false;
    for (std::size_t i = 0; i < cases_.size(); ++i) {
      if (cases_[i].info.id == name || cases_[i].info.section() == name) {
        chosen[i] = true;
        matched = true;
      }
    }
    if (!matched) return usage_error("unknown client case '" + name + "' (see `linespec test-client --dry-run`)");
  }
  std::vector<const ClientCase*> selected;
  for (std::size_t i = 0; i < cases_.size(); ++i) {
    if (chosen[i]) selected.push_back(&cases_[i]);
  }
  return selected;
}

ClientRegistry client_registry() {
  ClientRegistry registry;
  register_client_exchange_cases(registry);
  register_client_greeting_cases(registry);
  register_client_refusal_cases(registry);
  register_client_replies_cases(registry);
  register_client_close_cases(registry);
  return registry;
}

}  // namespace linespec::conformance
