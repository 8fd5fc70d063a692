#include "linespec/conformance/expected_failures.hpp"

#include <fstream>
#include <sstream>

namespace linespec::conformance {
namespace {

constexpr std::string_view kBlanks = " \t\r";

std::string_view first_word(std::string_view line) {
  line = line.substr(0, line.find('#'));
  std::size_t start = line.find_first_not_of(kBlanks);
  if (start == std::string_view::npos) return {};
  line.remove_prefix(start);
  return line.substr(0, line.find_first_of(kBlanks));
}

}  // namespace

Result<std::set<std::string>> parse_expected_failures(std::string_view text, std::string_view source,
                                                      const Registry& registry) {
  std::set<std::string> ids;
  std::size_t number = 0;
  while (!text.empty()) {
    ++number;
    std::size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    std::string_view id = first_word(line);
    if (id.empty()) continue;
    if (registry.find(id) == nullptr) {
      return usage_error(std::string(source) + ":" + std::to_string(number) + ": unknown case '" + std::string(id) +
                         "' (list case ids, one per line; see `linespec list`)");
    }
    ids.emplace(id);
  }
  return ids;
}

Result<std::set<std::string>> load_expected_failures(const std::string& path, const Registry& registry) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return usage_error("cannot read the known failures file '" + path + "'");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_expected_failures(text.str(), path, registry);
}

}  // namespace linespec::conformance
