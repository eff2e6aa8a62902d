// evaluate() = evaluate_without_bands() + the error band of each estimate's category. It lives
// above both evaluation (evaluate.cpp and the domain files) and validation (validation.cpp, which
// runs evaluate_without_bands on its cases), so neither includes the other's header: no cycle.
#include "envelope/evaluate.hpp"
#include "envelope/term.hpp"
#include "envelope/validation.hpp"

namespace envelope {

// Every estimate carries the error band its category showed against published figures
// (validation.hpp; the builtin catalog's bands are computed once), and a warning where a published
// run of the same model on the same GPU was left out of that band (band_gap_warnings).
Report evaluate(const Scenario& s, const Catalog& c) {
  Report r = evaluate_without_bands(s, c);
  if (&c != &Catalog::builtin()) return r;
  for (Result& x : r.results) {
    const std::string_view cat = error_category_view(x.path);
    if (cat.empty()) continue;
    for (const CategorySummary& band : error_bands())
      if (band.category == cat && band.cases > 0) x.error_band = Text::of_static(band.band_text.c_str(), band.band_text.size());  // the table lives as long as the program
  }
  // Published runs of this model on this GPU that the band leaves out are named beside it.
  for (Warning& w : band_gap_warnings(s, r)) r.warnings.push_back(std::move(w));
  return r;
}

Report evaluate_values(const Scenario& s, const Catalog& c) {
  const BasisTextScope off(false);  // every section's scope below can only keep it off (term.hpp)
  return evaluate(s, c);
}

}  // namespace envelope
