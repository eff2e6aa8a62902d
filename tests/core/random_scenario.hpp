// Random valid scenarios drawn from the field table's own limits (property tests, fuzz corpus).
#pragma once
#include <cmath>
#include <random>

#include "envelope/catalog.hpp"
#include "envelope/conflicts.hpp"
#include "envelope/scenario.hpp"

namespace envelope::test {

struct RandomFiller {
  std::mt19937_64& rng;
  // Log-uniform within limits, so 1e3..1e16 ranges are sampled across magnitudes.
  double draw(FieldLimits lim) {
    std::uniform_real_distribution<double> u(0, 1);
    double x;
    if (lim.min > 0 && lim.max / lim.min > 100)
      x = std::exp(std::log(lim.min) + u(rng) * (std::log(lim.max) - std::log(lim.min)));
    else if (lim.min == 0 && lim.max > 100)
      x = u(rng) < 0.1 ? 0.0 : std::exp(u(rng) * std::log(lim.max + 1)) - 1;
    else
      x = lim.min + u(rng) * (lim.max - lim.min);
    if (lim.integer) x = std::round(x);
    return std::min(lim.max, std::max(lim.min, x));
  }
  void number(const std::string&, double& x, FieldLimits lim) { x = draw(lim); }
  void optional(const std::string&, std::optional<double>& x, FieldLimits lim) {
    if (std::uniform_int_distribution<int>(0, 2)(rng) == 0)
      x.reset();
    else
      x = draw(lim);
  }
  void text(const std::string& path, std::string& x, const std::vector<std::string>& allowed, size_t) {
    const Catalog& c = Catalog::builtin();
    if (path == "model.preset")
      x = c.models[rng() % c.models.size()].id;
    else if (path == "hardware.gpu")
      x = c.accelerators[rng() % c.accelerators.size()].id;
    else if (path == "serving.gpu")
      x = rng() % 2 ? std::string() : c.accelerators[rng() % c.accelerators.size()].id;
    else if (!allowed.empty())
      x = allowed[rng() % allowed.size()];
    else
      x = "scenario " + std::to_string(rng() % 1000) + " \"quoted\" & <tag> 100%";
  }
  void flag(const std::string&, bool& x) { x = rng() & 1; }
};

// Valid means consistent too: overrides in conflict with each other (kv_heads > heads, ...) are
// dropped as the loader drops them (conflicts.hpp).
inline Scenario random_scenario(std::mt19937_64& rng) {
  Scenario s;
  RandomFiller f{rng};
  visit_fields(s, f);
  std::vector<Problem> conflicts;
  return without_model_conflicts(s, conflicts);
}

}  // namespace envelope::test
