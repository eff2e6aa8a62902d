// evaluate(): the estimation cascade of the seed (users -> requests -> data -> compute -> storage ->
// cost). This file only orchestrates: each domain adds its report section from its own file
// (evaluate_parts.hpp lists them, mirroring the panels), the sections estimated elsewhere are taken
// in with Builder::absorb, and the scenario's include flags decide what stays in the report.
#include "envelope/evaluate.hpp"

#include <algorithm>
#include <utility>

#include "envelope/energy.hpp"
#include "envelope/finetune.hpp"
#include "envelope/pipeline.hpp"
#include "envelope/recommender.hpp"
#include "evaluate_parts.hpp"

namespace envelope {

using namespace detail;

double detail::Builder::add_result(TextArg path, double value, std::string_view unit, TextArg formula, std::string substituted,
                             TextArg source) {
  if (!std::isfinite(value)) {  // never emit NaN/inf: a degenerate input gives 0 and says so
    const std::string f(formula.view);
    warn(std::string(path.view), value != value ? "undefined for these inputs (0/0 or inf - inf in " + f + "); shown as 0"
                                           : "too large to compute from these inputs (" + f + " overflows a double); shown as 0");
    value = 0;
  }
  if (!keeps(path.view)) return value;
  append_result(r.results, path, value, unit, formula, std::move(substituted), source);
  return value;
}

double detail::add_section_result(std::vector<Result>& out, std::vector<Warning>* warnings, TextArg path, double value,
                                  std::string_view unit, TextArg formula, std::string&& substituted, TextArg source) {
  if (!std::isfinite(value)) {
    if (warnings)
      warnings->push_back({std::string(path.view),
                           "undefined or too large for these inputs (" + std::string(formula.view) + "); shown as 0"});
    value = 0;
  }
  append_result(out, path, value, unit, formula, std::move(substituted), source);
  return value;
}

Report evaluate_without_bands(const Scenario& s, const Catalog& c) {
  // A section runs when the scenario keeps some of its results or a later section takes a value from
  // it (serving: the inference sections' memory and speed; the feature store, network and recommender:
  // serving's QPS; storage's checkpoint: the training layout). Only the results the scenario includes
  // are kept (Builder::scope), and a section that runs only for its values builds no basis text
  // (BasisTextScope, term.hpp): what evaluate() costs is what the scenario is about.
  const IncludeSection& inc = s.include;
  Builder b;
  b.scope = &inc;
  b.cpu_serving = s.traffic.cpu_ms_per_request > 0;
  const bool gpu_serving = inc.serving && !b.cpu_serving;
  const bool gpus = inc.training || inc.inference || gpu_serving || inc.finetune;  // model.*, hardware.*
  const bool llm_speed = inc.inference || inc.serving;                                // im, is -> serving
  const bool traffic = inc.serving || inc.feature_store || inc.network || inc.recommender;  // sv's QPS
  const Resolved x = resolve(s, c);  // setup.cpp
  if (gpus) {
    model_section(b, x);  // setup.cpp
  }
  InferenceMemory im;
  if (llm_speed) {
    BasisTextScope text(inc.inference || gpu_serving);  // its "does not fit" warning also concerns GPU serving
    im = inference_memory_section(b, x);                // memory.cpp
  }
  TrainingRun tr;
  if (inc.training) {
    tr = training_run(b, x);            // training.cpp
    training_memory_section(b, x, tr);  // memory.cpp
  }
  double training_usd = 0;
  if (gpus) {
    training_usd = training_section(b, x, tr);  // training.cpp: training.* with training, hardware.* with any GPU section
  }
  InferenceSpeed is;
  if (llm_speed) {
    BasisTextScope text(inc.inference);
    is = inference_section(b, x);  // inference.cpp
  }
  Serving sv;
  if (traffic) {
    BasisTextScope text(inc.serving);
    sv = serving_section(b, x, im, is);  // serving.cpp
  }
  Storage st;
  if (inc.storage || inc.feature_store || inc.training) {  // storage.checkpoint_bytes goes with training
    st = storage_section(b, x, tr, sv.peak_qps);           // storage.cpp: each part's text only when kept
  }
  MonthlyParts monthly{sv.monthly_usd, st.monthly_usd, st.egress_monthly_usd, st.feature_store_monthly_usd};
  monthly.feature_store_priced = st.feature_store_priced;

  // ------------------------------------------------------------ data pipeline (pipeline.cpp)
  if (inc.pipeline) {
    PipelineEstimate pe = estimate_pipeline(s, c);
    monthly.pipeline = pe.monthly_usd;
    b.absorb(pe);
  }
  if (inc.network) {
    SectionEstimate ne = estimate_network(s, c, sv.average_qps);
    monthly.network = ne.monthly_usd;
    b.absorb(ne);
  }
  if (inc.one_machine) {
    SectionEstimate oe = estimate_one_machine(s);
    b.absorb(oe);
  }
  // ------------------------------------------------------------ fine-tuning (finetune.cpp)
  double finetune_usd = 0;
  if (inc.finetune) {
    FinetuneEstimate fe = estimate_finetune(s, c, x.arch(), x.P, x.Pa);
    finetune_usd = fe.cost_usd;
    b.absorb(fe);
  }

  // ------------------------------------------------------------ classical model / recommender (recommender.cpp)
  if (inc.recommender) {
    RecommenderEstimate re = estimate_recommender(s, c, sv.peak_qps);
    monthly.recommender = re.monthly_usd;
    b.absorb(re);
  }

  // ------------------------------------------------------------ scope and cost roll-up
  // Sections the scenario does not include leave the report (results and warnings); the roll-up
  // sums only the included ones. Results outside the scope were never kept (Builder::add, absorb).
  const bool cpu_serving = sv.cpu;
  auto kept = [&](const std::string& path) { return path_included(path, inc, cpu_serving); };
  b.r.warnings.erase(std::remove_if(b.r.warnings.begin(), b.r.warnings.end(), [&](const Warning& w) {
                                    // A model that does not fit also matters to GPU serving alone.
                                    const bool fit = w.path == "memory.inference.fits" && inc.serving && !cpu_serving;
                                    return !kept(w.path) && !fit;
                                  }),
                     b.r.warnings.end());
  // ------------------------------------------------------------ energy (energy.cpp), from the included sections
  if (inc.energy) {
    EnergyEstimate ee = estimate_energy(s, c, b.r);
    b.absorb(ee);
  }
  cost_section(b, inc, monthly, training_usd, finetune_usd);  // cost.cpp
  mark_unpriced_costs(b.r, s, c, gpus, cpu_serving);
  return std::move(b.r);
}

void mark_unpriced_costs(Report& r, const Scenario& s, const Catalog& c, bool gpu_sections, bool cpu_serving) {
  // A GPU without a published price and without a typed one is priced at $0 (price_result, training.cpp;
  // serving.cpp, which warn by the same rule, has_gpu_price). Every cost it enters is marked, so a
  // display shows "no price" rather than $0.00 (Result::unpriced); sums with priced parts say what they lack.
  // Only where the section that prices it ran: hardware.gpu's with any GPU section, GPU serving's.
  const bool hardware = gpu_sections && !has_gpu_price(s, c);
  // GPU serving runs on its replica's GPU (serving_scenario: serving.gpu when chosen, with its own price).
  const bool serving = !cpu_serving && r.find("serving.monthly_cost_usd") && !has_gpu_price(serving_scenario(s), c);
  auto mark = [&](std::string_view path) {
    for (Result& x : r.results)
      if (x.path == path) x.unpriced = true;
  };
  if (hardware)
    // The cost / budget ratio too: $0 over the budget is no verdict (the budget's warning says why).
    for (const char* p : {"hardware.price_per_gpu_hour", "training.cost_usd", "training.budget_ratio", "finetune.cost_usd",
                          "cost.training_usd", "cost.finetune_usd"})
      mark(p);
  if (serving)
    for (const char* p : {"serving.price_per_gpu_hour", "serving.monthly_cost_usd", "serving.usd_per_million_tokens",
                          "serving.disaggregated.monthly_cost_usd", "cost.monthly_usd"})
      mark(p);
  if (r.unpriced("cost.training_usd") || r.unpriced("cost.finetune_usd") || r.unpriced("cost.monthly_usd")) mark("cost.first_year_usd");
}

bool path_included(std::string_view path, const IncludeSection& inc, bool cpu_serving) {
  const bool gpu_serving = inc.serving && !cpu_serving;
  // GPU totals are meaningful when the scenario has any GPU section; a CPU-served model alone is
  // sized in machines (serving.replicas), not GPUs.
  const bool gpus = inc.training || inc.inference || gpu_serving || inc.finetune;
  // Decided by the path's first segment (one comparison each, not a prefix test per section: the
  // Builder asks this for every result, docs/performance.md round 5), then the few exceptions.
  const size_t dot = path.find('.');
  if (dot == std::string_view::npos) return true;
  const std::string_view head = path.substr(0, dot), rest = path.substr(dot + 1);
  // hardware.peak_flops is the peak at the training dtype (inference reports its own compute terms).
  if (head == "hardware") return rest == "peak_flops" ? inc.training : gpus;
  if (head == "model") return gpus;
  if (head == "training") return inc.training;
  if (head == "inference") return inc.inference;
  if (head == "memory") {
    if (rest.starts_with("training.")) return inc.training;
    if (rest.starts_with("inference.")) return inc.inference;
    return true;
  }
  if (head == "serving") {
    if (rest == "gpus") return inc.serving && gpus;
    if (rest == "tokens_per_second_per_replica") return gpu_serving;
    return inc.serving;
  }
  if (head == "traffic") return rest == "peak_tokens_per_second" ? gpu_serving : inc.serving;
  if (head == "storage") return rest == "checkpoint_bytes" ? inc.training : inc.storage;
  if (head == "cost") return rest == "training_usd" ? inc.training : rest == "finetune_usd" ? inc.finetune : true;  // the roll-up
  if (head == "feature_store") return inc.feature_store;
  if (head == "pipeline") return inc.pipeline;
  if (head == "network") return inc.network;
  if (head == "one_machine") return inc.one_machine;
  if (head == "finetune") return inc.finetune;
  if (head == "energy") return inc.energy;
  if (head == "recommender") return inc.recommender;
  return true;  // anything not tied to a section
}


}  // namespace envelope
