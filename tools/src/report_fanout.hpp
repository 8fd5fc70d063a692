// Hands every runner event to several reporters (console, JUnit, JSON) in turn.
// Does not own them. main() thread only.
#pragma once

#include <vector>

#include "linespec/conformance/runner.hpp"

namespace linespec::tools {

class ReportFanout : public conformance::ResultSink {
 public:
  void add(conformance::ResultSink& sink) { sinks_.push_back(&sink); }

  void on_start(const conformance::RunStart& start) override {
    for (auto* sink : sinks_) sink->on_start(start);
  }
  void on_result(const conformance::CaseResult& result) override {
    for (auto* sink : sinks_) sink->on_result(result);
  }
  void on_finish(const conformance::RunSummary& summary) override {
    for (auto* sink : sinks_) sink->on_finish(summary);
  }

 private:
  std::vector<conformance::ResultSink*> sinks_;
};

}  // namespace linespec::tools
