// Uses the installed linespec package: parses a profile, runs the harness model over a
// conversation and asks the harness to connect to a socket path that does not exist.
// Prints one line per check and exits 1 if one fails.
#include <iostream>
#include <string>

#include "linespec/harness/model.hpp"
#include "linespec/harness/target.hpp"
#include "linespec/harness/transport.hpp"
#include "linespec/protocol/profile_file.hpp"

namespace {

bool check(bool ok, const std::string& what) {
  std::cout << (ok ? "ok " : "FAILED ") << what << "\n";
  return ok;
}

}  // namespace

int main() {
  auto profile = linespec::parse_profile("base = lf\nack-text = OK\n", "consumer.profile");
  if (!profile) {
    std::cerr << "consumer: " << profile.error().message << "\n";
    return 1;
  }
  bool ok = true;
  linespec::harness::Model model(*profile);
  model.feed("one\ntw");
  model.feed("o\nthree");
  model.end_of_stream();
  ok &= check(model.records().size() == 3, "model frames 3 records");
  ok &= check(model.output() == profile->greeting_line() + "OK\nOK\nOK\n", "model owes greeting and 3 acks");
  ok &= check(model.must_close(), "model says the server closes after half-close");

  auto target = linespec::harness::parse_target("unix:/nonexistent-linespec-dir/s");
  ok &= check(target.ok(), "harness parses a unix target");
  if (target) {
    auto connection = linespec::harness::connect(*target);
    ok &= check(!connection.ok() && connection.error().kind == linespec::ErrorKind::kUnreachable,
                "harness reports a missing socket as unreachable");
  }
  return ok ? 0 : 1;
}
