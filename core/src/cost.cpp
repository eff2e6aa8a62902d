// Cost (the Cost panel): the monthly roll-up of the sections the scenario includes, the one-off
// training and fine-tuning costs and the first year.
#include <string>

#include "evaluate_parts.hpp"

namespace envelope::detail {

void cost_section(Builder& b, const IncludeSection& inc, const MonthlyParts& m, double tcost, double finetune_usd) {
  std::string names;
  Term monthly_sum;  // 0
  auto part = [&](bool on, const char* name, double usd) {
    if (!on) return;
    monthly_sum = names.empty() ? Term(usd) : monthly_sum + Term(usd);
    names += (names.empty() ? "" : " + ") + std::string(name);
  };
  part(inc.serving, "serving", m.serving);
  part(inc.storage, "storage", m.storage);
  part(inc.storage, "egress", m.egress);
  part(inc.feature_store && m.feature_store_priced, "feature store", m.feature_store);
  part(inc.pipeline, "pipeline", m.pipeline);
  part(inc.network, "network egress", m.network);
  part(inc.recommender, "recommender", m.recommender);
  if (names.empty()) names = "0";
  const double monthly = b.add("cost.monthly_usd", monthly_sum, "USD/month", names, "sum of the included sections (scenario include)");
  // One-off costs: training's and fine-tuning's GPU-hours x price (training.cost_usd, finetune.cost_usd).
  Term first_year = Term(12.0) * Term(monthly);
  std::string first_year_formula = "12 x monthly";
  if (inc.finetune) {
    b.add("cost.finetune_usd", finetune_usd, "USD", "one-off fine-tuning", g(finetune_usd), "finetune.cost_usd");
    first_year = Term(finetune_usd) + first_year;
    first_year_formula = "fine-tuning + " + first_year_formula;
  }
  if (inc.training) {
    b.add("cost.training_usd", tcost, "USD", "one-off training", g(tcost), "training.cost_usd");
    first_year = Term(tcost) + first_year;
    first_year_formula = "training + " + first_year_formula;
  }
  if (!inc.training && !inc.finetune) first_year_formula += " (no training included)";
  b.add("cost.first_year_usd", first_year, "USD", first_year_formula, "sum");
}

}  // namespace envelope::detail
