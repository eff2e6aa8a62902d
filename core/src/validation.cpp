// Validation against published figures and the error bands derived from it (validation.hpp).
#include "envelope/validation.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "asset_tables.hpp"
#include "envelope/catalog.hpp"
#include "envelope/evaluate.hpp"
#include "envelope/format.hpp"

namespace envelope {

Report evaluate_without_bands(const Scenario& s, const Catalog& c);  // evaluate.cpp

std::string error_percent(double abs_log) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f%%", (std::exp(abs_log) - 1) * 100);
  return buf;
}

std::string CategorySummary::band() const {
  // A category whose every case is excluded has no measured error: it says so, never "+-0%".
  if (cases == 0) return "no scored case yet (" + category + "; its cases are shown, not scored)";
  return "+-" + error_percent(median_abs_log) + " typical, +-" + error_percent(worst_abs_log) + " worst (" + category + ", " +
         std::to_string(cases) + (cases == 1 ? " case)" : " cases)");
}

IncludeSection include_for_metrics(const std::vector<std::string>& metrics, const IncludeSection& otherwise) {
  IncludeSection inc;
  inc.training = inc.inference = inc.serving = inc.storage = inc.feature_store = false;
  for (const std::string& m : metrics) {
    auto starts = [&m](const char* prefix) { return m.rfind(prefix, 0) == 0; };
    if (starts("training.") || starts("memory.training."))
      inc.training = true;
    else if (starts("inference.") || starts("memory.inference."))
      inc.inference = true;
    else if (starts("serving."))
      inc.inference = inc.serving = true;  // a serving fleet is sized from its replica's inference
    else
      return otherwise;  // a figure of another section: keep what the scenario says
  }
  return inc;
}

// A case's source: its text, or on the page, which ships each distinct source once
// (cmake/asset_tables.py --page), its index into the top-level "sources"; "" for anything else.
static std::string case_source(const nlohmann::json& c, const nlohmann::json& sources) {
  const auto it = c.find("source");
  if (it == c.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_unsigned() && sources.is_array() && it->get<size_t>() < sources.size() && sources[it->get<size_t>()].is_string())
    return sources[it->get<size_t>()].get<std::string>();
  return "";
}

// The page's cases come as columns (cmake/asset_tables.py --page: "case_columns", one array per key,
// null where a case has no such key): back to one object per case.
static nlohmann::json cases_from_columns(const nlohmann::json& columns) {
  nlohmann::json cases = nlohmann::json::array();
  if (!columns.is_object()) return cases;
  size_t n = 0;
  for (const auto& [key, values] : columns.items())
    if (values.is_array()) n = std::max(n, values.size());
  for (size_t i = 0; i < n; ++i) {
    nlohmann::json c = nlohmann::json::object();
    for (const auto& [key, values] : columns.items())
      if (values.is_array() && i < values.size() && !values[i].is_null()) c[key] = values[i];
    cases.push_back(std::move(c));
  }
  return cases;
}

std::vector<ValidationCase> parse_validation_cases(const std::string& json_text) {
  std::vector<ValidationCase> out;
  const nlohmann::json j = nlohmann::json::parse(json_text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !(j.contains("cases") || j.contains("case_columns"))) return out;
  const nlohmann::json sources = j.value("sources", nlohmann::json::array());
  const nlohmann::json cases = j.contains("cases") ? j["cases"] : cases_from_columns(j["case_columns"]);
  if (!cases.is_array()) return out;
  for (const auto& c : cases) {
    if (!c.is_object()) continue;
    ValidationCase v;
    v.id = c.value("id", "");
    v.category = c.value("category", "");
    v.record = c.value("record", "");
    v.field = c.value("field", "");
    v.source = case_source(c, sources);
    v.unit = c.value("unit", "");
    v.excluded = c.value("excluded", "");
    v.measured = c.value("measured", true);
    v.held_out = c.value("held_out", false);
    v.layout_tuned = c.value("layout_tuned", true);
    v.per_gpu = c.value("per_gpu", false);
    v.kv_limited_batch = c.value("batch", "") == "kv-limited";
    v.published = c.value("published", 0.0);
    v.tolerance = c.value("tolerance", 1.35);
    if (c.contains("metric") && c["metric"].is_array())
      for (const auto& m : c["metric"]) v.metric.push_back(m.get<std::string>());
    else
      v.metric.push_back(c.value("metric", ""));
    const nlohmann::json scenario = c.value("scenario", nlohmann::json::object());
    v.scenario = load_scenario_json(scenario.dump()).scenario;
    if (!scenario.contains("include")) v.scenario.include = include_for_metrics(v.metric, v.scenario.include);
    out.push_back(std::move(v));
  }
  return out;
}

const std::vector<ValidationCase>& validation_cases() {
  static const std::vector<ValidationCase> all = parse_validation_cases(embedded_asset("validation.json"));
  return all;
}

Scenario at_kv_limited_batch(Scenario s) {
  const Catalog& cat = Catalog::builtin();
  // A given serving.batch caps it: the engine's own limit on running sequences (vLLM max_num_seqs).
  const std::optional<double> cap = s.serving.batch;
  s.serving.batch = 1;
  for (int i = 0; i < 8; ++i) {
    const Report at = evaluate_without_bands(s, cat);
    const bool fits = at.value("memory.inference.fits") == 1;
    if (fits && at.value("inference.max_batch") <= *s.serving.batch) break;
    s.serving.batch = std::max(1.0, at.value("inference.max_batch") - (fits ? 0 : 1));
  }
  if (cap) s.serving.batch = std::min(*cap, *s.serving.batch);
  return s;
}

ValidationReport validate() {
  ValidationReport rep;
  const Catalog& cat = Catalog::builtin();
  for (const ValidationCase& c : validation_cases()) {
    const Report r = evaluate_without_bands(c.kv_limited_batch ? at_kv_limited_batch(c.scenario) : c.scenario, cat);
    double predicted = 0;
    for (const std::string& path : c.metric) predicted += r.value(path);
    if (c.per_gpu) predicted /= c.scenario.inference.tensor_parallel;
    CaseResult cr{&c, predicted, c.published > 0 ? predicted / c.published : 0, false};
    cr.within = std::isfinite(cr.ratio) && cr.ratio > 0 && cr.ratio <= c.tolerance && cr.ratio >= 1 / c.tolerance;
    rep.results.push_back(cr);
  }
  std::vector<std::string> order;
  for (const CaseResult& r : rep.results)
    if (std::find(order.begin(), order.end(), r.c->category) == order.end()) order.push_back(r.c->category);
  for (const std::string& cat_name : order) {
    std::vector<double> logs;
    for (const CaseResult& r : rep.results)
      if (r.c->category == cat_name && r.c->excluded.empty() && r.ratio > 0) logs.push_back(std::fabs(std::log(r.ratio)));
    CategorySummary s{cat_name, static_cast<int>(logs.size()), 0, 0, ""};
    if (!logs.empty()) {
      std::sort(logs.begin(), logs.end());
      const size_t n = logs.size();
      s.median_abs_log = n % 2 ? logs[n / 2] : (logs[n / 2 - 1] + logs[n / 2]) / 2;
      s.worst_abs_log = logs.back();
    }
    s.band_text = s.band();
    rep.categories.push_back(s);
  }
  return rep;
}

// The bands are data (assets/error_bands.json, a table at build time: asset_tables.hpp), written by scripts/calibration-doc from this file's
// validate(): evaluating 100+ validation cases at start-up cost the page most of a second before its
// first frame (docs/performance.md). tests/core/test_validation.cpp fails when the stored bands and a
// fresh validate() differ, so the data cannot go stale.
std::vector<CategorySummary> stored_error_bands() {
  std::vector<CategorySummary> out;
  for (AssetRecord r : asset_records("error_bands.json", "categories")) {
    const AssetFields c(r);
    CategorySummary s{c.str("category"), static_cast<int>(c.num("cases")), c.num("median_abs_log_ratio"),
                      c.num("worst_abs_log_ratio"), ""};
    s.band_text = s.band();
    out.push_back(std::move(s));
  }
  return out;
}

const std::vector<CategorySummary>& error_bands() {
  static const std::vector<CategorySummary> bands = stored_error_bands();
  return bands;
}

// A case run on an accelerator whose datasheet figures it edits (kAcceleratorSpecOverrides: torchtitan's
// 500 W, 96 GB H100s) measured another part than the catalog's.
static bool edits_accelerator(const HardwareSection& h) {
  for (auto field : kAcceleratorSpecOverrides)
    if ((h.*field).has_value()) return true;
  return false;
}

std::vector<BandGap> ValidationReport::gaps() const {
  std::vector<BandGap> out;
  for (const CaseResult& r : results) {
    const ValidationCase& c = *r.c;
    if (c.excluded.empty() || !c.measured || c.metric.empty() || !(r.ratio > 0)) continue;
    if (edits_accelerator(c.scenario.hardware)) continue;  // not a run on the catalog's GPU (band_gap_warnings)
    out.push_back({c.id, c.category, c.metric.front(), c.record, c.scenario.model.preset, c.scenario.hardware.gpu, r.ratio});
  }
  return out;
}

std::vector<BandGap> stored_band_gaps() {
  std::vector<BandGap> out;
  for (AssetRecord r : asset_records("error_bands.json", "outside_band")) {
    const AssetFields g(r);
    out.push_back({g.str("id"), g.str("category"), g.str("metric"), g.str("record"), g.str("model"), g.str("gpu"), g.num("ratio")});
  }
  return out;
}

const std::vector<BandGap>& band_gaps() {
  static const std::vector<BandGap> gaps = stored_band_gaps();
  return gaps;
}

// "1.54x"
static std::string ratio_text(double ratio) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2fx", ratio);
  return buf;
}

std::vector<Warning> band_gap_warnings(const Scenario& s, const Report& r) {
  const Catalog& cat = Catalog::builtin();
  const ModelPreset* model = cat.find_model(s.model.preset);
  const Accelerator* gpu = cat.find_accelerator(s.hardware.gpu);
  std::vector<Warning> out;
  if (!model || !gpu || !s.model.name.empty()) return out;  // an imported model is not the preset's
  // The cases name catalog ids (a test holds them to it), so a gap matches on the resolved ids.
  auto same = [&](const BandGap& g) { return g.model == model->id && g.gpu == gpu->id; };
  std::vector<std::string> paths;  // in the order of the first gap on each
  for (const BandGap& g : band_gaps())
    if (same(g) && r.find(g.metric) && std::find(paths.begin(), paths.end(), g.metric) == paths.end()) paths.push_back(g.metric);
  for (const std::string& path : paths) {
    std::vector<const BandGap*> runs;
    for (const BandGap& g : band_gaps())
      if (g.metric == path && same(g)) runs.push_back(&g);
    double lo = runs.front()->ratio, hi = lo;
    std::string list;
    for (const BandGap* g : runs) {
      lo = std::min(lo, g->ratio);
      hi = std::max(hi, g->ratio);
      list += (list.empty() ? "" : "; ") + g->record + " (" + ratio_text(g->ratio) + ")";
    }
    const std::string where = model->name + " on " + gpu->name;
    const std::string tail = "; such runs are left out of the error band (Validation panel; docs/calibration.md, 'Excluded cases and why')";
    if (runs.size() == 1)
      out.push_back({path, "Envelope predicts " + ratio_text(lo) + " what a published run of " + where + " measured (" +
                               runs.front()->record + ")" + tail});
    else
      out.push_back({path, "Envelope predicts " + ratio_text(lo) + " to " + ratio_text(hi) + " what " + std::to_string(runs.size()) +
                               " published runs of " + where + " measured (" + list + ")" + tail});
  }
  return out;
}

std::string error_category(const std::string& p) { return std::string(error_category_view(p)); }

std::string_view error_category_view(std::string_view p) {
  // Dispatch on the first letter first: this runs for every result of every evaluate().
  switch (p.empty() ? 0 : p[0]) {
    case 't':
      if (p == "training.flops") return "training-flops";
      if (p == "training.wall_seconds" || p == "training.gpu_hours" || p == "training.cost_usd") return "training";
      if (p == "training.step.tokens_per_second_per_gpu" || p == "training.step.step_seconds") return "training-throughput";
      return "";
    case 'c':
      return p == "cost.training_usd" ? "training" : p == "cost.finetune_usd" ? "finetune-time" : "";
    case 'i':
      if (p == "inference.decode_step_seconds" || p == "inference.tokens_per_second") return "decode";
      if (p == "inference.sustained_tokens_per_second" || p == "inference.requests_per_second") return "batched-decode";
      if (p == "inference.prefill_seconds") return "ttft";
      return "";
    case 's':
      if (p == "serving.continuous.tokens_per_second") return "continuous-throughput";
      if (p == "serving.tokens_per_second_per_replica" || p == "serving.tpot_seconds" || p == "serving.usd_per_million_tokens")
        return "batched-decode";
      return p == "serving.ttft_seconds" ? "ttft" : "";
    case 'f':  // fine-tuning memory per GPU and time (finetune.cpp)
      if (p.starts_with("finetune.memory.")) return "finetune-memory";
      if (p == "finetune.wall_seconds" || p == "finetune.seconds_per_epoch" || p == "finetune.tokens_per_second" ||
          p == "finetune.gpu_hours" || p == "finetune.cost_usd")
        return "finetune-time";
      if (p == "finetune.qlora_dequantize_seconds_per_step" || p == "finetune.qlora_dequantize_seconds") return "qlora-dequantize";
      if (p == "finetune.host_optimizer_seconds_per_step" || p == "finetune.host_optimizer_seconds") return "host-optimizer-step";
      return "";
    case 'm':
      return p.find("fits") == std::string_view::npos ? "memory" : "";
    default:
      return "";
  }
}

// A validation figure as people read it (1.88 GB, 4.89 k tok/s, 38.2 %), never 1.875e+09; JSON keeps SI numbers.
std::string validation_value_text(double value, const std::string& unit) {
  if (unit == "MFU") return format_number(100 * value, 3) + " % MFU";
  return format_value(value, unit, false);
}

std::string ValidationReport::to_text() const {
  std::string out;
  char line[512];
  for (const CaseResult& r : results) {
    std::snprintf(line, sizeof line, "%-44s %-15s predicted %14s  published %14s  ratio %6.3f  %s\n", r.c->id.c_str(),
                  r.c->category.c_str(), validation_value_text(r.predicted, r.c->unit).c_str(), validation_value_text(r.c->published, r.c->unit).c_str(), r.ratio,
                  !r.c->excluded.empty() ? "EXCLUDED (see docs/calibration.md)" : r.within ? "ok" : "OUT OF TOLERANCE");
    out += line;
  }
  out += "\n";
  for (const CategorySummary& s : categories) out += s.category + ": " + s.band() + "\n";
  return out;
}

std::string ValidationReport::to_markdown() const {
  std::string out = "| case | category | predicted | published | ratio | within | note |\n|---|---|---|---|---|---|---|\n";
  char buf[512];
  for (const CaseResult& r : results) {
    std::snprintf(buf, sizeof buf, "| `%s` | %s | %s | %s | %.3f | %s | %s |\n", r.c->id.c_str(), r.c->category.c_str(),
                  validation_value_text(r.predicted, r.c->unit).c_str(), validation_value_text(r.c->published, r.c->unit).c_str(), r.ratio,
                  !r.c->excluded.empty() ? "excluded" : r.within ? "yes" : "**no**", r.c->excluded.empty() ? "" : "see below");
    out += buf;
  }
  out += "\n| category | cases | median error | worst error |\n|---|---|---|---|\n";
  for (const CategorySummary& s : categories) {
    // No scored case: no error to state ("-"), never 0%.
    std::snprintf(buf, sizeof buf, "| %s | %d | %s | %s |\n", s.category.c_str(), s.cases,
                  s.cases ? error_percent(s.median_abs_log).c_str() : "-", s.cases ? error_percent(s.worst_abs_log).c_str() : "-");
    out += buf;
  }
  return out;
}

std::string ValidationReport::to_json(int indent) const {
  nlohmann::json j;
  j["cases"] = nlohmann::json::array();
  for (const CaseResult& r : results)
    j["cases"].push_back({{"id", r.c->id}, {"category", r.c->category}, {"predicted", r.predicted},
                          {"published", r.c->published}, {"unit", r.c->unit}, {"ratio", r.ratio}, {"within", r.within},
                          {"excluded", r.c->excluded}, {"record", r.c->record}, {"source", r.c->source}});
  j["categories"] = nlohmann::json::array();
  for (const CategorySummary& s : categories)
    j["categories"].push_back({{"category", s.category}, {"cases", s.cases}, {"median_abs_log_ratio", s.median_abs_log},
                               {"worst_abs_log_ratio", s.worst_abs_log}, {"band", s.band()}});
  j["outside_band"] = nlohmann::json::array();
  for (const BandGap& g : gaps())
    j["outside_band"].push_back({{"id", g.id}, {"category", g.category}, {"metric", g.metric}, {"record", g.record},
                                 {"model", g.model}, {"gpu", g.gpu}, {"ratio", g.ratio}});
  return j.dump(indent);
}

}  // namespace envelope
