// Envelope held against measured reality: the cases in assets/validation.json (each a scenario, a
// report path and a published figure with its source), the residuals per category, and the error
// band every estimate carries from them (docs/calibration.md).
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "envelope/report.hpp"
#include "envelope/scenario.hpp"

namespace envelope {

struct ValidationCase {
  std::string id, category, record, field, source, unit;  // the case's "note" is documentation, not shipped (cmake/asset_tables.py)
  std::string excluded;  // non-empty: cannot meet its tolerance; the reason
  // false ("measured": false): the published figure is a recommendation, a bound or another paper's
  // estimate, not a measurement, so an excluded case says nothing about the model's error.
  bool measured = true;
  // true ("held_out": true): a check of a fitted constant on a case of another model than the fit's
  // (calibration.hpp): never in a fit, its error reported at the fitted value. Scored as any case.
  bool held_out = false;
  // false ("layout_tuned": false): a training layout published to show one technique at fixed
  // settings (torchtitan's benchmark tables: each parallelism and full recompute at one batch), not
  // one chosen for throughput. The planner test holds it to fitting and to the planner's best being no
  // slower, not to being within 15% of that best.
  bool layout_tuned = true;
  Scenario scenario;
  std::vector<std::string> metric;  // report paths, summed
  bool per_gpu = false;             // divide by inference.tensor_parallel
  // "batch": "kv-limited": the serving batch is the largest whose KV cache fits (an offline
  // maximum-throughput benchmark fills the cache; its batch is not published), at most the scenario's
  // serving.batch when it gives one (the engine's limit on running sequences, vLLM max_num_seqs).
  bool kv_limited_batch = false;
  double published = 0;
  double tolerance = 1.35;  // largest allowed predicted/published ratio either way
};

// A case is about the figure it checks: a case whose scenario names no "include" includes only the
// sections its metric paths read (training.* and memory.training.*: training; inference.* and
// memory.inference.*: inference; serving.*: inference and serving), so opening it (Validation panel)
// shows that figure without a serving bill or storage beside it. Other metrics keep `otherwise`.
IncludeSection include_for_metrics(const std::vector<std::string>& metrics, const IncludeSection& otherwise);

struct CaseResult {
  const ValidationCase* c = nullptr;
  double predicted = 0;
  double ratio = 0;  // predicted / published
  bool within = false;
};

// An error |log(predicted / published)| as a percent of the published figure: "12%".
std::string error_percent(double abs_log);

struct CategorySummary {
  std::string category;
  int cases = 0;  // included cases (not excluded)
  double median_abs_log = 0, worst_abs_log = 0;
  // "+-12% typical, +-33% worst (decode, 5 cases)"
  std::string band() const;
  std::string band_text;  // band(), computed once by validate()
};

// A published measurement the model misses, excluded from its category's band (the case's
// "excluded" reason): an estimate of the same model on the same GPU says so beside the figure, so a
// band that leaves such runs out is not read as covering them.
struct BandGap {
  std::string id, category, metric, record;  // metric: the case's (first) report path
  std::string model, gpu;                    // the case scenario's model preset and GPU id
  double ratio = 0;                          // predicted / published
};

struct ValidationReport {
  std::vector<CaseResult> results;
  std::vector<CategorySummary> categories;
  // Excluded measured cases (measured == true), in the cases' order.
  std::vector<BandGap> gaps() const;
  std::string to_text() const;
  std::string to_markdown() const;
  std::string to_json(int indent = 2) const;
};

// A case's predicted or published value as the report prints it ("75.1 k GPU-h", "41 % MFU"), for
// the CLI's text and Markdown and the page's Validation panel.
std::string validation_value_text(double value, const std::string& unit);
const std::vector<ValidationCase>& validation_cases();
// The cases of a validation.json text (what validation_cases() reads from the embedded asset): the
// file as it is, or the page's form (cmake/asset_tables.py --page): the cases as columns, "case_columns",
// naming their source by index into "sources".
std::vector<ValidationCase> parse_validation_cases(const std::string& json_text);
// The scenario at the largest serving batch whose KV cache fits (inference.max_batch, found by
// re-evaluating: the workspace grows with the batch, so max_batch at batch 1 can overshoot).
Scenario at_kv_limited_batch(Scenario s);
ValidationReport validate();
// The category whose residuals bound a report path's error ("" for plain arithmetic).
std::string error_category(const std::string& path);
// The same as a view of a string literal, nothing allocated (evaluate() asks for every result).
std::string_view error_category_view(std::string_view path);
// Bands per category as validate() computed them, stored in assets/error_bands.json (read once; a
// test checks they equal a fresh validate()).
const std::vector<CategorySummary>& error_bands();
// The same table read from the embedded asset on every call (what error_bands() caches).
std::vector<CategorySummary> stored_error_bands();
// ValidationReport::gaps() as validate() found them, stored beside the bands (assets/error_bands.json,
// "outside_band"; a test checks them against a fresh validate()).
const std::vector<BandGap>& band_gaps();
std::vector<BandGap> stored_band_gaps();
// The warnings an estimate of `s` gets from band_gaps(): one per report path that has a published
// run of the scenario's model preset on its GPU outside the band, naming each run and its ratio. A run
// on an edited accelerator (hardware overrides: another part than the catalog's) is not named.
// Only paths present in `r` count (a section the scenario does not include says nothing).
std::vector<Warning> band_gap_warnings(const Scenario& s, const Report& r);

}  // namespace envelope
