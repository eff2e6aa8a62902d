// The seed's worked examples (assets/examples.json) as ready scenarios.
#pragma once
#include <string>
#include <vector>

#include "envelope/scenario.hpp"

namespace envelope {

struct Example {
  std::string id, title, section;
  Scenario scenario;
};

// Parsed once from the embedded asset; every example loads without problems (tested).
const std::vector<Example>& examples();
const Example* find_example(const std::string& id);

}  // namespace envelope
