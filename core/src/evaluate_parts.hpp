// Internal to core/src: the pieces evaluate() is made of. One source file per domain, mirroring the
// panels (web/panels/): each adds its report section to the Builder and hands the few values later
// sections need to evaluate.cpp, which calls them in order.
//
//   setup.cpp      scenario -> resolved model and hardware (setup.hpp), the model.* section
//   memory.cpp     memory.inference.*, inference.max_batch, memory.training.*
//   training.cpp   the scenario's training layout, training.*, training.step.*, hardware.price/peak
//   inference.cpp  decode step and prefill (inference.*), decode_times and replica_* (setup.hpp)
//   serving.cpp    traffic.* and serving.* (static or continuous batching, queue, latency targets)
//   storage.cpp    storage.* and feature_store.*
//   cost.cpp       cost.* (the monthly and first-year roll-up of the included sections)
//   evaluate.cpp   the order, the sections estimated in their own files (pipeline, finetune, ...),
//                  the scenario's include scope
// Nothing here includes validation.hpp: error bands are attached by evaluate() in
// evaluate_banded.cpp, above both evaluation and validation.
#pragma once
#include <cmath>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "envelope/catalog.hpp"
#include "envelope/evaluate.hpp"
#include "envelope/format.hpp"
#include "envelope/formulas.hpp"
#include "envelope/report.hpp"
#include "envelope/scenario.hpp"
#include "envelope/serving_model.hpp"
#include "envelope/setup.hpp"
#include "envelope/term.hpp"
#include "envelope/training_step.hpp"
#include "result_text.hpp"

namespace envelope::detail {

// A number as the basis text shows it (4 significant digits, short exponent); nothing while the
// basis text is off (a section the scenario leaves out, term.hpp).
inline std::string g(double x) { return basis_text_on ? format_basis_number(x) : std::string(); }
inline std::string no_number(double) { return {}; }
// A '%' pattern with g()'s numbers (substitute_numbers): one call instead of a chain of g() appends.
inline std::string sub(std::string_view pattern, std::initializer_list<double> values) {
  return substitute_numbers(pattern, values, basis_text_on ? format_basis_number : no_number);
}
// Basis text joined with one allocation: a chain of operator+ reallocates each time the text outgrows
// its buffer, several times per result (docs/performance.md, round 4).
// Like g(), nothing while the basis text is off (its result is dropped: only basis and source text is
// built with it).
inline std::string cat(std::initializer_list<std::string_view> parts) {
  if (!basis_text_on) return {};
  size_t n = 0;
  for (std::string_view p : parts) n += p.size();
  std::string out;
  out.reserve(n);
  for (std::string_view p : parts) out.append(p);
  return out;
}

struct Builder {
  Report r;
  // The scenario's scope: a result outside it is computed (later sections may need its value) but
  // not kept (path_included, evaluate.cpp). Null keeps everything.
  const IncludeSection* scope = nullptr;
  bool cpu_serving = false;
  Builder() { r.results.reserve(128); }
  bool keeps(std::string_view path) const { return !scope || path_included(path, *scope, cpu_serving); }
  // path, formula and source: a string literal is kept as a view of it (Text::of_static: static
  // storage, nothing allocated), anything else (std::string, const char*) is copied or moved in.
  // The templates only wrap their arguments (TextArg, nothing allocated): one body does the work.
  template <class P, class U, class F, class S>
  double add(P&& path, double value, U&& unit, F&& formula, std::string substituted, S&& source) {
    return add_result(text_arg(std::forward<P>(path)), value, std::string_view(unit), text_arg(std::forward<F>(formula)),
                      std::move(substituted), text_arg(std::forward<S>(source)));
  }
  // A result whose value and substituted basis come from one expression (term.hpp): they cannot
  // disagree, and tests/core/test_basis.cpp checks every such basis's arithmetic against its value.
  // The Term is taken by value: a temporary (most) hands its text over without a copy.
  template <class P, class U, class F, class S>
  double add(P&& path, Term t, U&& unit, F&& formula, S&& source) {
    const size_t before = r.results.size();
    const double tv = t.value;
    const double v = add_result(text_arg(std::forward<P>(path)), tv, std::string_view(unit), text_arg(std::forward<F>(formula)),
                                std::move(t.text), text_arg(std::forward<S>(source)));
    if (v == tv && r.results.size() > before) r.results.back().basis_is_expression = true;
    return v;
  }
  // The one body of add() (evaluate.cpp: out of line, so the call sites stay small).
  double add_result(TextArg path, double value, std::string_view unit, TextArg formula, std::string substituted,
                    TextArg source);
  void warn(const std::string& path, const std::string& message) { r.warnings.push_back({path, message}); }
  // Takes in a section estimated in its own file (pipeline.cpp, finetune.cpp, recommender.cpp, ...),
  // its results within the scope only (like add()).
  template <class Estimate>
  void absorb(Estimate& e) {
    for (Result& x : e.results)
      if (keeps(x.path)) r.results.push_back(std::move(x));
    if constexpr (requires { e.warnings; })
      for (Warning& w : e.warnings) r.warnings.push_back(std::move(w));
  }
};

// The catalog price of an accelerator at a pricing ("on_demand" or "spot"), falling back to the other.
std::optional<double> price_for(const Accelerator& a, const std::string& pricing);  // setup.cpp

// ------------------------------------------------------------ setup.cpp
// The scenario resolved once: what every domain reads.
struct Resolved {
  const Scenario& s;
  const Catalog& c;
  Accelerator gpu;   // hardware.gpu with its overrides (training, model)
  Scenario sv;       // the serving replica's scenario (serving_scenario)
  Accelerator igpu;  // its accelerator
  DecodeSetup ds;    // architecture, parameter counts and decode inputs of the replica
  ServingInputs si;  // serving_inputs(sv)
  std::string spec_src, ispec_src;
  double P = 0;      // parameters (given or derived)
  double Pa = 0;     // active parameters
  double scale = 1;  // model.params / derived
  const Architecture& arch() const { return ds.arch; }
};
Resolved resolve(const Scenario& s, const Catalog& c);
// model.*, after the model's conflicting overrides as warnings.
void model_section(Builder& b, const Resolved& x);

// ------------------------------------------------------------ memory.cpp
struct InferenceMemory {
  double tp = 1, ep = 1;
  bool fits = false;
  double max_batch = 0;
  // Sequences whose paged KV (prompt + output / 2 tokens each) fits: the disaggregated decode pool's
  // batch limit, with the arithmetic for its basis.
  double paged_max_batch = 0;
  std::string paged_max_batch_basis;
};
InferenceMemory inference_memory_section(Builder& b, const Resolved& x);

// ------------------------------------------------------------ training.cpp
// The scenario's own training layout costed by the step model: memory, time and the planner agree.
struct TrainingRun {
  TrainingLayout layout;
  TrainingStepModel model;
  TrainingPlan plan;
  RecipeBytes rb;
};
// Also warns about a layout that does not divide the GPUs or the experts.
TrainingRun training_run(Builder& b, const Resolved& x);
void training_memory_section(Builder& b, const Resolved& x, const TrainingRun& t);  // memory.cpp
// training.*, training.step.*, hardware.price_per_gpu_hour, hardware.peak_flops; returns the cost in USD.
double training_section(Builder& b, const Resolved& x, const TrainingRun& t);

// ------------------------------------------------------------ inference.cpp
struct InferenceSpeed {
  double step = 0;                // decode step at the batch
  double ttft = 0;                // prefill of one request
  double decode_tokens_step = 0;  // time per output token of the static cycle
  double sustained = 0;           // tokens/s of the static cycle
  double new_prompt = 0;          // prompt tokens not from the prefix cache
  bool speculative = false;
};
InferenceSpeed inference_section(Builder& b, const Resolved& x);

// ------------------------------------------------------------ serving.cpp
struct Serving {
  double average_qps = 0, peak_qps = 0;
  double monthly_usd = 0;
  bool cpu = false;  // a CPU-served model
};
Serving serving_section(Builder& b, const Resolved& x, const InferenceMemory& m, const InferenceSpeed& i);

// ------------------------------------------------------------ storage.cpp
struct Storage {
  double monthly_usd = 0, egress_monthly_usd = 0, feature_store_monthly_usd = 0;
  bool feature_store_priced = false;
};
Storage storage_section(Builder& b, const Resolved& x, const TrainingRun& t, double peak_qps);

// ------------------------------------------------------------ cost.cpp
struct MonthlyParts {
  double serving = 0, storage = 0, egress = 0, feature_store = 0, pipeline = 0, network = 0, recommender = 0;
  bool feature_store_priced = false;
};
void cost_section(Builder& b, const IncludeSection& inc, const MonthlyParts& m, double training_usd, double finetune_usd);

}  // namespace envelope::detail
