// Loads assets/examples.json through the same validation as any scenario.
#include "envelope/examples.hpp"

#include <nlohmann/json.hpp>

#include "envelope/catalog.hpp"

namespace envelope {

const std::vector<Example>& examples() {
  static const std::vector<Example> all = [] {
    std::vector<Example> out;
    const nlohmann::json j = nlohmann::json::parse(embedded_asset("examples.json"), nullptr, false);
    if (j.is_discarded() || !j.contains("examples")) return out;
    for (const auto& e : j["examples"]) {
      Example ex;
      ex.id = e.value("id", std::string());
      ex.title = e.value("title", std::string());
      ex.section = e.value("section", std::string());
      ex.scenario = load_scenario_json(e.value("scenario", nlohmann::json::object()).dump()).scenario;
      out.push_back(std::move(ex));
    }
    return out;
  }();
  return all;
}

const Example* find_example(const std::string& id) {
  for (const Example& e : examples())
    if (e.id == id) return &e;
  return nullptr;
}

}  // namespace envelope
