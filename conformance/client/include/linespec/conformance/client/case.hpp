// The client case model: a ClientCase plays one server behaviour against a fresh run
// of the client command and judges what the client did. Its `info` is an ordinary
// conformance Case (id, CLIENT-SPEC.md requirement, level, description) so that the
// same reporters print it; its body gets a ClientCaseContext. A ClientRegistry owns
// the cases in suite order; built once (client_registry()), then only read.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "linespec/conformance/case.hpp"
#include "linespec/conformance/client/session.hpp"
#include "linespec/conformance/outcome.hpp"
#include "linespec/protocol/result.hpp"

namespace linespec::conformance {

// What a client case body works with; belongs to the thread running the case.
class ClientCaseContext {
 public:
  explicit ClientCaseContext(const ClientSuiteConfig& config) : config_(config) {}

  const ClientSuiteConfig& config() const { return config_; }
  const Profile& profile() const { return config_.profile; }
  std::chrono::milliseconds timeout() const { return config_.timeout; }

  // Starts the client for this case and returns its session (the same one on a
  // second call).
  ClientSession& start();
  // After the body: the command could not be run at all (see ClientSession).
  std::optional<Error> unrunnable() const;

 private:
  const ClientSuiteConfig& config_;
  std::unique_ptr<ClientSession> session_;
};

struct ClientCase {
  Case info;  // id "<section>/<n>", requirement "CGREET-1", level, description; info.run is unused
  std::function<Outcome(ClientCaseContext&)> run;
};

class ClientRegistry {
 public:
  void add(ClientCase c);  // ids are unique

  const std::vector<ClientCase>& cases() const { return cases_; }
  const ClientCase* find(std::string_view id) const;
  // Every case for an empty list, else each listed id or section ("greeting"), in
  // registry order. An unknown name is a usage error naming it.
  Result<std::vector<const ClientCase*>> select(const std::vector<std::string>& names) const;

 private:
  std::vector<ClientCase> cases_;
};

// Every client case, section by section in CLIENT-SPEC.md order.
ClientRegistry client_registry();

}  // namespace linespec::conformance
