// Cost (the Cost panel): the monthly roll-up of the sections the scenario includes, the one-off
// training cost and the first year.
#include <string>

#include "evaluate_parts.hpp"

namespace envelope::detail {

void cost_section(Builder& b, const IncludeSection& inc, const MonthlyParts& m, double tcost) {
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
  if (inc.training) {
    b.add("cost.training_usd", tcost, "USD", "one-off training", g(tcost), "training.cost_usd");
    b.add("cost.first_year_usd", Term(tcost) + Term(12.0) * Term(monthly), "USD", "training + 12 x monthly", "sum");
  } else {
    b.add("cost.first_year_usd", Term(12.0) * Term(monthly), "USD", "12 x monthly (no training included)", "sum");
  }
}

}  // namespace envelope::detail
