// `linespec list [--case ID]...`: the cases of the suite, one line each, without
// running anything.
#include <fmt/core.h>

#include <memory>
#include <string>
#include <vector>

#include "cli_error.hpp"
#include "commands.hpp"
#include "linespec/conformance/case.hpp"

namespace linespec::tools {
namespace {

int list(const std::vector<std::string>& names) {
  const conformance::Registry registry = conformance::core_registry();
  auto cases = registry.select(names);
  if (!cases) return report_error(cases.error());
  for (const conformance::Case* c : *cases) {
    fmt::print("{:<16} {:<9} {:<6} {}\n", c->id, c->requirement, conformance::to_string(c->level),
               c->description);
  }
  return kExitOk;
}

}  // namespace

void add_list_command(CLI::App& app, int& exit_code) {
  auto names = std::make_shared<std::vector<std::string>>();
  CLI::App* list_app = app.add_subcommand("list", "List the conformance cases");
  list_app->set_version_flag("--version", std::string(version_text()));
  list_app->add_option("--case", *names, "Only this case id, or the sections it is a prefix of (repeatable)")
      ->allow_extra_args(false);
  list_app->callback([names, &exit_code] { exit_code = list(*names); });
}

}  // namespace linespec::tools
