// The JSON report (--json FILE): versions, target, profile, summary, and every case
// with its verdict, evidence, replay command, replay script and the transcripts of
// its connections. Collects results and writes the document on on_finish(), to the
// stream main() hands it; the thread that runs the suite.
#pragma once

#include <nlohmann/json.hpp>

#include <ostream>

#include "linespec/conformance/runner.hpp"

namespace linespec::tools {

class JsonReporter : public conformance::ResultSink {
 public:
  explicit JsonReporter(std::ostream& out) : out_(&out) {}
  // Builds the document without writing it (for the HTML report): see document().
  JsonReporter() = default;

  void on_start(const conformance::RunStart& start) override;
  void on_result(const conformance::CaseResult& result) override;
  void on_finish(const conformance::RunSummary& summary) override;

  // The report as built so far; whole after on_finish().
  const nlohmann::ordered_json& document() const { return report_; }

 private:
  std::ostream* out_ = nullptr;
  nlohmann::ordered_json report_;
  nlohmann::ordered_json cases_ = nlohmann::ordered_json::array();
};

}  // namespace linespec::tools
