// The planner (planner.hpp): training layouts and serving options, searched with the same formulas
// as evaluate() (formulas.hpp) and the calibrated efficiencies (evaluate.hpp).
#include "envelope/planner.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "envelope/evaluate.hpp"
#include "envelope/format.hpp"
#include "envelope/formulas.hpp"
#include "envelope/json_input.hpp"
#include "envelope/setup.hpp"
#include "envelope/units.hpp"

namespace envelope {

namespace {

struct TrainingContext {
  Architecture arch;
  Accelerator gpu;
  double params = 0, active = 0, peak = 0, kernel_efficiency = 0.5, price = 0, gpus = 1, tokens = 0;
  RecipeBytes recipe;
  double attention_width = 0;  // heads x head_dim
};

TrainingContext training_context(const Scenario& s, const Catalog& c) {
  TrainingContext x;
  x.arch = resolved_architecture(s, c);
  x.gpu = resolved_accelerator(s, c);
  const double derived = params_total(x.arch);
  x.params = s.model.params ? *s.model.params : derived;
  x.active = s.model.active_params ? *s.model.active_params : params_active(x.arch) * (derived > 0 ? x.params / derived : 1.0);
  x.peak = s.hardware.peak_tflops ? *s.hardware.peak_tflops * kTera
                                  : x.gpu.peak_flops(dtype_from_name(s.training.dtype).value_or(Dtype::bf16));
  // Kernel efficiency: the fraction of dense peak the layers' kernels reach when nothing waits on
  // communication or the pipeline (those are modelled separately). A100 class: 0.55, one value
  // across the 17 published Megatron-LM layouts (Narayanan 2021, Korthikanti 2022, MT-NLG 2022; the
  // planner's tests hold each within 20%); other classes scale with their whole-run MFU default
  // (0.55 / 0.40 = 1.375). GEMMs narrower than a few tensor-core tiles (128-256 wide) run slower:
  // x h / (h + 256) for hidden size h. See docs/calibration.md.
  x.kernel_efficiency = default_efficiencies(x.gpu).training_mfu * 1.375 * x.arch.hidden / (x.arch.hidden + 256.0);
  x.price = price_per_gpu_hour(s, c);
  x.gpus = s.hardware.count;
  x.tokens = s.training.tokens;
  x.recipe = recipe_bytes_per_param(s.training.recipe, s.training.optimizer);
  x.attention_width = x.arch.heads * x.arch.head_dim;
  return x;
}

std::string family_name(int t, int p, int z) {
  return "TP " + std::to_string(t) + ", PP " + std::to_string(p) + ", ZeRO " + std::to_string(z);
}

TrainingPlan cost_layout(const TrainingContext& x, const Scenario& s, const TrainingLayout& L, double B, bool& fits) {
  TrainingPlan plan;
  plan.layout = L;
  const Architecture& a = x.arch;
  const double t = L.tensor_parallel, p = L.pipeline_parallel, d = L.data_parallel, mb = L.micro_batch, v = L.interleave;
  const double seq = s.training.seq_len;
  // Uneven stages: the busiest stage holds ceil(L/p) layers.
  const double layers_per_stage = std::ceil(a.layers / p), imbalance = layers_per_stage / (a.layers / p);
  const double m = B / (d * mb);  // micro-batches per pipeline per step
  plan.micro_batches = m;

  // Memory per GPU (formulas.hpp; Korthikanti et al. 2022 for activations).
  const ModelStateBytes states = model_state_bytes_per_gpu(x.params * imbalance, x.recipe, L.zero_stage, d, t * p);
  const double per_layer = activation_bytes_per_layer(seq, mb, a.hidden, a.heads, t, L.sequence_parallel, L.recompute,
                                                      s.training.flash_attention);
  // 1F1B: the first stage keeps min(p, m) micro-batches of its layers; interleaving adds
  // (p-1)/(p v) (Korthikanti et al. 2022, section 4.2.3).
  const double in_flight = std::min(p, m) * (v > 1 ? 1.0 + (p - 1) / (p * v) : 1.0);
  plan.weights_bytes = states.weights;
  plan.gradients_bytes = states.gradients;
  plan.optimizer_bytes = states.optimizer;
  plan.activations_bytes = per_layer * layers_per_stage * in_flight + logits_bytes_per_gpu(seq, mb, a.vocab, t);
  plan.total_bytes = plan.weights_bytes + plan.gradients_bytes + plan.optimizer_bytes + plan.activations_bytes;
  // 5% kept free for the caching allocator's fragmentation (an assumption; PyTorch reports it as
  // reserved-but-unallocated memory, typically a few percent).
  fits = plan.total_bytes <= x.gpu.memory_bytes * 0.95;
  if (!fits) return plan;

  // FLOPs per step: 6 P D plus attention scores (= Megatron eq. 3: 72BLsh^2(1 + s/6h + V/12hL)).
  const double tokens = B * seq;
  const double attention = 12.0 * B * a.layers * seq * seq * x.attention_width;
  plan.model_flops_per_step = 6.0 * x.active * tokens + attention;
  plan.hardware_flops_per_step = L.recompute == "full"        ? plan.model_flops_per_step * 4.0 / 3.0
                                 : L.recompute == "selective" ? plan.model_flops_per_step + attention / 3.0
                                                              : plan.model_flops_per_step;
  const double N = t * p * d;
  plan.compute_seconds = plan.hardware_flops_per_step / N / (x.peak * x.kernel_efficiency) * imbalance;
  // Pipeline bubble (p-1)/m, divided by v with interleaved stages (Narayanan et al. 2021).
  plan.bubble_seconds = plan.compute_seconds * (p - 1) / (m * v);
  // Tensor parallel: 2 all-reduces forward + 2 backward per layer and micro-batch (+2 when the
  // forward is recomputed) of s x b x h 16-bit activations; sequence parallel moves the same bytes.
  const bool tp_in_domain = t <= x.gpu.scale_up_domain && x.gpu.scale_up_bytes_per_s > 0;
  const double tp_bw = collective_bytes_per_s(tp_in_domain ? x.gpu.scale_up_bytes_per_s : x.gpu.scale_out_bytes_per_s, tp_in_domain);
  const double collectives = L.recompute == "full" ? 6 : 4;
  plan.tensor_parallel_seconds = layers_per_stage * m * collectives *
                                 ring_allreduce_seconds(seq * mb * a.hidden * 2.0, t, tp_bw, tp_in_domain ? 1e-6 : 5e-6);
  // Data parallel (Rajbhandari et al. 2020): ZeRO 0-1 all-reduce the accumulated gradients once per
  // step; ZeRO-2 keeps only its gradient partition, so it reduce-scatters after every micro-batch's
  // backward; ZeRO-3 also all-gathers the weights for every micro-batch's forward and backward.
  // Overlapped with the backward pass as far as it is long.
  const bool dp_in_domain = N <= x.gpu.scale_up_domain && x.gpu.scale_up_bytes_per_s > 0;
  const double dp_bw = collective_bytes_per_s(dp_in_domain ? x.gpu.scale_up_bytes_per_s : x.gpu.scale_out_bytes_per_s, dp_in_domain);
  const double dp_lat = dp_in_domain ? 1e-6 : 5e-6;
  const double shard = x.params * imbalance / (t * p);
  const double grad_bytes = shard * x.recipe.gradients, weight_bytes = shard * x.recipe.weights;
  const double one_way = d > 1 ? (d - 1) / d / dp_bw : 0.0;  // reduce-scatter or all-gather, per byte
  if (L.zero_stage <= 1)
    plan.data_parallel_seconds = ring_allreduce_seconds(grad_bytes, d, dp_bw, dp_lat);
  else
    plan.data_parallel_seconds = m * grad_bytes * one_way + weight_bytes * one_way;  // RS per micro-batch + AG once
  plan.zero3_seconds = L.zero_stage >= 3 ? 2.0 * m * weight_bytes * one_way : 0.0;
  const double backward = plan.compute_seconds * (L.recompute == "full" ? 0.5 : 2.0 / 3.0);
  plan.data_parallel_exposed_seconds = std::max(0.0, plan.data_parallel_seconds + plan.zero3_seconds - backward);
  plan.step_seconds = plan.compute_seconds + plan.bubble_seconds + plan.tensor_parallel_seconds + plan.data_parallel_exposed_seconds;

  plan.model_flops_utilization = plan.model_flops_per_step / (N * x.peak * plan.step_seconds);
  plan.hardware_tflops_per_gpu = plan.hardware_flops_per_step / N / plan.step_seconds / kTera;
  plan.scenario_mfu = training_flops(x.active, tokens, L.recompute == "full") / (N * x.peak * plan.step_seconds);
  plan.train_seconds = x.tokens / tokens * plan.step_seconds;
  plan.gpu_hours = plan.train_seconds * N / kSecondsPerHour;
  plan.cost_usd = plan.gpu_hours * x.price;
  struct Part {
    const char* name;
    double seconds;
  } parts[] = {{"compute", plan.compute_seconds}, {"pipeline bubble", plan.bubble_seconds},
               {"tensor-parallel communication", plan.tensor_parallel_seconds},
               {"data-parallel communication", plan.data_parallel_exposed_seconds}};
  plan.bottleneck = std::max_element(std::begin(parts), std::end(parts), [](const Part& l, const Part& r) {
                      return l.seconds < r.seconds;
                    })->name;
  return plan;
}

double default_global_batch(const Scenario& s) {
  // ~4M tokens per step (Llama 2: 4M-token batches, Touvron et al. 2023), a power of two in sequences.
  return std::max(1.0, std::pow(2.0, std::round(std::log2(4e6 / std::max(1.0, s.training.seq_len)))));
}

std::string describe(const TrainingLayout& l) {
  char buf[200];
  std::snprintf(buf, sizeof buf, "TP %d x PP %d%s x DP %d, ZeRO %d, micro-batch %d, recompute %s", l.tensor_parallel,
                l.pipeline_parallel, l.interleave > 1 ? (" (v=" + std::to_string(l.interleave) + ")").c_str() : "",
                l.data_parallel, l.zero_stage, l.micro_batch, l.recompute.c_str());
  return buf;
}

}  // namespace

TrainingPlan evaluate_training_layout(const Scenario& s, const TrainingLayout& layout, double global_batch, bool& fits,
                                      const Catalog& c) {
  const TrainingContext x = training_context(s, c);
  return cost_layout(x, s, layout, global_batch > 0 ? global_batch : default_global_batch(s), fits);
}

TrainingPlannerResult plan_training(const Scenario& s, const TrainingPlannerOptions& o, const Catalog& c) {
  TrainingPlannerResult res;
  const TrainingContext x = training_context(s, c);
  const int N = static_cast<int>(x.gpus);
  const double B = o.global_batch > 0 ? o.global_batch : default_global_batch(s);
  res.global_batch = B;
  const int heads = static_cast<int>(x.arch.heads), layers = static_cast<int>(x.arch.layers);
  std::map<std::string, RejectedFamily> memory_rejects;
  std::map<std::string, double> memory_min_bytes;  // smallest footprint tried per rejected family
  std::map<std::string, double> family_best;  // best step per TP/PP family, to explain what slower ones hit
  std::map<std::string, std::string> family_bottleneck;
  std::vector<TrainingPlan> fitting;
  for (int t = 1; t <= std::min({heads, N, std::max(1, x.gpu.scale_up_domain)}); ++t) {
    if (heads % t) continue;
    for (int p = 1; p <= std::min(layers, N / t); ++p) {
      if (N % (t * p)) continue;
      const int d = N / (t * p);
      if (std::fmod(B, d) != 0) continue;
      const int per_replica = static_cast<int>(B / d);
      for (int mb : {1, 2, 4, 8}) {  // Megatron-LM runs use micro-batches of 1-8 (Narayanan 2021, Korthikanti 2022)
        if (per_replica % mb) continue;
        const int m = per_replica / mb;
        for (int z = 0; z <= (d > 1 ? o.max_zero_stage : 0); ++z) {
          for (const std::string& r : o.recompute_modes) {
            for (int v = 1; v <= 8; ++v) {  // interleaved chunks per GPU (v divides a stage's layers); past a few,
                                             // more chunks only add point-to-point traffic (Narayanan 2021 sec. 2.2)
              if (v > 1 && (!o.allow_interleave || p == 1 || layers % p || (layers / p) % v || m % p)) continue;
              TrainingLayout L{t, p, d, z, mb, v, r, t > 1};
              ++res.considered;
              bool fits = false;
              TrainingPlan plan = cost_layout(x, s, L, B, fits);
              const std::string fam = family_name(t, p, z);
              if (!fits) {
                RejectedFamily& f = memory_rejects[fam];
                double& smallest = memory_min_bytes.try_emplace(fam, plan.total_bytes).first->second;
                smallest = std::min(smallest, plan.total_bytes);
                f.family = fam;
                ++f.layouts;
                continue;
              }
              ++res.fitting;
              const std::string tp_pp = "TP " + std::to_string(t) + ", PP " + std::to_string(p);
              if (!family_best.count(tp_pp) || plan.step_seconds < family_best[tp_pp]) {
                family_best[tp_pp] = plan.step_seconds;
                family_bottleneck[tp_pp] = plan.bottleneck;
              }
              fitting.push_back(std::move(plan));
            }
          }
        }
      }
    }
  }
  std::sort(fitting.begin(), fitting.end(), [](const TrainingPlan& l, const TrainingPlan& r) {
    return l.train_seconds != r.train_seconds ? l.train_seconds < r.train_seconds : l.cost_usd < r.cost_usd;
  });
  if (fitting.size() > static_cast<size_t>(o.keep)) fitting.resize(o.keep);
  res.ranked = std::move(fitting);
  // What each rejected family hit: memory (never fit), or what made its best layout slower.
  for (auto& [name, f] : memory_rejects) {
    const double min_bytes = memory_min_bytes[name];
    bool any_fit_in_family = false;
    for (const auto& [tp_pp, best] : family_best) any_fit_in_family |= name.rfind(tp_pp + ",", 0) == 0;
    if (any_fit_in_family) continue;  // other ZeRO/recompute choices of this TP/PP fit
    f.reason = "memory: at least " + format_bytes(min_bytes, false) + " per GPU > " + format_bytes(x.gpu.memory_bytes * 0.95, false);
    res.rejected.push_back(f);
  }
  if (!res.ranked.empty()) {
    const double best = res.ranked.front().step_seconds;
    for (const auto& [tp_pp, step] : family_best) {
      if (step <= best * 1.1) continue;
      char buf[160];
      std::snprintf(buf, sizeof buf, "%s: %.0f%% slower than the best layout", family_bottleneck[tp_pp].c_str(), (step / best - 1) * 100);
      res.rejected.push_back({tp_pp, buf, 0});
    }
    const TrainingPlan& b = res.ranked.front();
    char buf[600];
    std::snprintf(buf, sizeof buf,
                  "%s: step %.3g s = compute %.0f%%, pipeline bubble %.0f%%, tensor-parallel all-reduces %.0f%%, "
                  "exposed data-parallel all-reduce %.0f%%; %.0f GB per GPU of %.0f GB; MFU %.0f%%.",
                  describe(b.layout).c_str(), b.step_seconds, 100 * b.compute_seconds / b.step_seconds,
                  100 * b.bubble_seconds / b.step_seconds, 100 * b.tensor_parallel_seconds / b.step_seconds,
                  100 * b.data_parallel_exposed_seconds / b.step_seconds, b.total_bytes / 1e9, x.gpu.memory_bytes / 1e9,
                  100 * b.model_flops_utilization);
    res.why_best = buf;
  } else if (res.considered == 0) {
    // Nothing to cost: every data-parallel degree N / (TP x PP) leaves the global batch unsplittable.
    res.why_best = "No layout splits the global batch of " + format_g4(B) + " sequences over " + std::to_string(N) +
                   " GPUs: data parallel (GPUs / (tensor x pipeline parallel)) must divide the batch, and tensor and "
                   "pipeline parallel must divide the heads (" + format_g4(x.arch.heads) + ") and fit the layers (" +
                   format_g4(x.arch.layers) + "). Choose a GPU count or planner.global_batch with a common factor.";
  } else {
    res.why_best = "No layout fits in " + format_bytes(x.gpu.memory_bytes, false) + " per GPU with " + std::to_string(N) +
                   " GPUs: add GPUs or use a larger-memory accelerator.";
  }
  return res;
}

void apply_training_plan(Scenario& s, const TrainingPlan& p) {
  TrainingSection& t = s.training;
  t.tensor_parallel = p.layout.tensor_parallel;
  t.pipeline_parallel = p.layout.pipeline_parallel;
  t.zero_stage = p.layout.zero_stage;
  t.micro_batch = p.layout.micro_batch;
  t.recompute = p.layout.recompute;
  t.sequence_parallel = p.layout.sequence_parallel;
  t.mfu = std::clamp(p.scenario_mfu, 0.01, 1.0);  // the report's training time then equals the plan's
}

// ------------------------------------------------------------------ plan files and output

PlanFile load_plan_file(const std::string& text) {
  PlanFile f;
  JsonInput in = parse_json_input(text, kMaxPlanFileBytes, "plan file");
  if (!in.fatal.empty() || !in.value.is_object()) {
    f.fatal = !in.fatal.empty() ? in.fatal : "expected a JSON object";
    return f;
  }
  const nlohmann::json& j = in.value;
  nlohmann::json planner = nlohmann::json::object();
  nlohmann::json scenario = j;
  if (j.contains("scenario")) {
    scenario = j["scenario"];
    if (j.contains("planner")) planner = j["planner"];
  } else if (j.contains("planner")) {
    planner = j["planner"];
    scenario.erase("planner");
  }
  const LoadResult r = load_scenario_json(scenario.dump());
  if (!r.ok()) {
    f.fatal = "scenario: " + r.fatal;
    return f;
  }
  f.scenario = r.scenario;
  f.problems = std::move(in.problems);  // duplicate keys, with their paths in the plan file
  f.problems.insert(f.problems.end(), r.problems.begin(), r.problems.end());
  if (!planner.is_object()) {
    f.problems.push_back({"planner", "expected an object"});
    return f;
  }
  auto number = [&](const char* key, double& out, double lo, double hi) {
    if (!planner.contains(key)) return;
    const auto& v = planner[key];
    if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() < lo || v.get<double>() > hi)
      f.problems.push_back({std::string("planner.") + key, "expected a number within [" + format_g4(lo) + ", " + format_g4(hi) + "]"});
    else
      out = v.get<double>();
  };
  // A list of IDs: at most `max_entries` (more than the catalog holds), duplicates dropped.
  auto strings = [&](const char* key, std::vector<std::string>& out, size_t max_entries) {
    if (!planner.contains(key)) return;
    const auto& v = planner[key];
    const std::string path = std::string("planner.") + key;
    if (v.is_array() && v.size() > max_entries) {
      f.problems.push_back({path, "at most " + std::to_string(max_entries) + " entries, got " + std::to_string(v.size())});
      return;
    }
    std::vector<std::string> got;
    bool ok = v.is_array();
    if (ok)
      for (const auto& e : v) {
        if (!e.is_string() || e.get<std::string>().size() > 64) ok = false;
        else if (std::find(got.begin(), got.end(), e.get<std::string>()) == got.end()) got.push_back(e.get<std::string>());
      }
    if (!ok) f.problems.push_back({path, "expected an array of strings (IDs of at most 64 characters)"});
    else out = got;
  };
  if (planner.contains("mode")) {
    const auto& m = planner["mode"];
    if (m.is_string() && (m == "training" || m == "serving" || m == "both")) f.request.mode = m.get<std::string>();
    else f.problems.push_back({"planner.mode", "expected 'training', 'serving' or 'both'"});
  }
  number("global_batch", f.request.training.global_batch, 1, 1e8);
  double keep = f.request.training.keep;
  number("keep", keep, 1, 1000);
  f.request.training.keep = static_cast<int>(keep);
  strings("gpus", f.request.serving.gpus, kMaxPlannerListEntries);
  strings("weights", f.request.serving.weights, kMaxPlannerListEntries);
  for (const std::string& w : f.request.serving.weights)
    if (!dtype_from_name(w)) f.problems.push_back({"planner.weights", "unknown weight format '" + w + "'"});
  const Catalog& cat = Catalog::builtin();
  for (const std::string& g : f.request.serving.gpus)
    if (!cat.find_accelerator(g)) f.problems.push_back({"planner.gpus", "unknown accelerator '" + g + "'"});
  // Latency targets: unset, the scenario's serving section; loose targets (up to an hour to the first
  // token, a minute per token, the scenario's own limits) ask for the maximum-throughput configuration.
  auto optional_number = [&](const char* key, std::optional<double>& out, double lo, double hi) {
    if (!planner.contains(key)) return;
    double v = 0;
    const size_t before = f.problems.size();
    number(key, v, lo, hi);
    if (f.problems.size() == before) out = v;
  };
  optional_number("ttft_target_seconds", f.request.serving.ttft_target_seconds, 1e-3, 3600);
  optional_number("tpot_target_seconds", f.request.serving.tpot_target_seconds, 1e-4, 60);
  double max_tp = f.request.serving.max_tensor_parallel;
  number("max_tensor_parallel", max_tp, 1, 1024);
  f.request.serving.max_tensor_parallel = static_cast<int>(max_tp);
  if (planner.contains("tensor_parallel")) {
    const auto& v = planner["tensor_parallel"];
    std::vector<int> got;
    bool ok = v.is_array() && !v.empty();
    if (ok)
      for (const auto& e : v) {
        if (!e.is_number_integer() || e.get<long long>() < 1 || e.get<long long>() > 1024) ok = false;
        else got.push_back(static_cast<int>(e.get<long long>()));
      }
    if (ok) f.request.serving.tensor_parallel = got;
    else f.problems.push_back({"planner.tensor_parallel", "expected a non-empty array of whole numbers within [1, 1024]"});
  }
  if (planner.contains("percentile")) {
    const auto& p = planner["percentile"];
    if (p.is_string() && (p == "p50" || p == "p90" || p == "p99")) f.request.serving.percentile = p.get<std::string>();
    else f.problems.push_back({"planner.percentile", "expected 'p50', 'p90' or 'p99'"});
  }
  if (planner.contains("pricing")) {
    const auto& p = planner["pricing"];
    if (p.is_string() && (p == "on_demand" || p == "spot")) f.request.serving.pricing = p.get<std::string>();
    else f.problems.push_back({"planner.pricing", "expected 'on_demand' or 'spot'"});
  }
  for (auto it = planner.begin(); it != planner.end(); ++it) {
    static const char* known[] = {"mode", "global_batch", "keep", "gpus", "weights", "ttft_target_seconds",
                                  "tpot_target_seconds", "max_tensor_parallel", "tensor_parallel", "percentile", "pricing"};
    if (std::none_of(std::begin(known), std::end(known), [&](const char* k) { return it.key() == k; }))
      f.problems.push_back({"planner." + it.key(), "unknown key (ignored)"});
  }
  return f;
}

static nlohmann::json layout_json(const TrainingPlan& p) {
  const TrainingLayout& l = p.layout;
  return {{"tensor_parallel", l.tensor_parallel}, {"pipeline_parallel", l.pipeline_parallel}, {"interleave", l.interleave},
          {"data_parallel", l.data_parallel}, {"zero_stage", l.zero_stage}, {"micro_batch", l.micro_batch},
          {"recompute", l.recompute}, {"sequence_parallel", l.sequence_parallel},
          {"memory_bytes", {{"weights", p.weights_bytes}, {"gradients", p.gradients_bytes}, {"optimizer", p.optimizer_bytes},
                            {"activations", p.activations_bytes}, {"total", p.total_bytes}}},
          {"step_seconds", {{"compute", p.compute_seconds}, {"pipeline_bubble", p.bubble_seconds},
                            {"tensor_parallel", p.tensor_parallel_seconds}, {"data_parallel", p.data_parallel_seconds},
                            {"data_parallel_exposed", p.data_parallel_exposed_seconds}, {"total", p.step_seconds}}},
          {"model_flops_utilization", p.model_flops_utilization}, {"hardware_tflops_per_gpu", p.hardware_tflops_per_gpu},
          {"train_seconds", p.train_seconds}, {"gpu_hours", p.gpu_hours}, {"cost_usd", p.cost_usd}, {"bottleneck", p.bottleneck}};
}

std::string plan_to_json(const PlanFile& f, const TrainingPlannerResult* t, const ServingPlannerResult* s, int indent) {
  nlohmann::json out = nlohmann::json::object();
  (void)f;
  if (t) {
    nlohmann::json tj;
    tj["global_batch"] = t->global_batch;
    tj["considered"] = t->considered;
    tj["fitting"] = t->fitting;
    tj["why_best"] = t->why_best;
    tj["ranked"] = nlohmann::json::array();
    for (const TrainingPlan& p : t->ranked) tj["ranked"].push_back(layout_json(p));
    tj["rejected"] = nlohmann::json::array();
    for (const RejectedFamily& r : t->rejected) tj["rejected"].push_back({{"family", r.family}, {"reason", r.reason}});
    out["training"] = tj;
  }
  if (s) {
    nlohmann::json sj;
    sj["peak_qps"] = s->peak_qps;
    sj["peak_tokens_per_second"] = s->peak_tokens_per_second;
    sj["ttft_target_seconds"] = s->ttft_target_seconds;
    sj["tpot_target_seconds"] = s->tpot_target_seconds;
    sj["percentile"] = s->percentile;
    sj["pricing"] = s->pricing;
    sj["configurations"] = s->configurations;
    sj["ranked"] = nlohmann::json::array();
    for (const ServingOption& o : s->ranked)
      sj["ranked"].push_back({{"gpu", o.gpu}, {"weights", o.weights}, {"tensor_parallel", o.tensor_parallel},
                              {"batch", o.batch}, {"max_batch", o.max_batch}, {"ttft_seconds", o.ttft_seconds},
                              {"tpot_seconds", o.tpot_seconds}, {"tokens_per_second_per_replica", o.tokens_per_second_per_replica},
                              {"replicas", o.replicas}, {"gpus", o.gpus}, {"usd_per_gpu_hour", o.usd_per_gpu_hour},
                              {"monthly_usd", o.monthly_usd}, {"usd_per_million_tokens", o.usd_per_million_tokens},
                              {"meets_targets", o.meets_targets}, {"fits", o.fits}, {"priced", o.priced}, {"note", o.note}});
    out["serving"] = sj;
  }
  return out.dump(indent);
}

std::string plan_to_text(const PlanFile& f, const TrainingPlannerResult* t, const ServingPlannerResult* s) {
  std::string out;
  char buf[512];
  (void)f;
  if (t) {
    std::snprintf(buf, sizeof buf, "Training: %d layouts considered, %d fit; global batch %.0f sequences\n", t->considered,
                  t->fitting, t->global_batch);
    out += buf;
    out += "Best: " + t->why_best + "\n\n";
    out += "rank  layout                                                         step s   MFU   GB/GPU   days      cost\n";
    int i = 0;
    for (const TrainingPlan& p : t->ranked) {
      std::snprintf(buf, sizeof buf, "%4d  %-62s %7.3g %4.0f%% %7.1f %6.1f %9s\n", ++i, describe(p.layout).c_str(), p.step_seconds,
                    100 * p.model_flops_utilization, p.total_bytes / 1e9, p.train_seconds / 86400, format_usd(p.cost_usd).c_str());
      out += buf;
    }
    if (!t->rejected.empty()) out += "\nRejected:\n";
    for (const RejectedFamily& r : t->rejected) out += "  " + r.family + ": " + r.reason + "\n";
  }
  if (s) {
    std::snprintf(buf, sizeof buf,
                  "%sServing: peak %.4g QPS, %.4g output tokens/s; targets TTFT <= %.4g s, TPOT <= %.4g ms (%s); "
                  "%s prices; %d configurations (GPU x weights x tensor parallel)\n",
                  t ? "\n" : "", s->peak_qps, s->peak_tokens_per_second, s->ttft_target_seconds, s->tpot_target_seconds * 1e3,
                  s->percentile.c_str(), s->pricing.c_str(), s->configurations);
    out += buf;
    out += "gpu               weights  TP  batch  TTFT ms  TPOT ms   tok/s/replica  replicas  GPUs      $/month   $/M tok  targets\n";
    const size_t shown = 30;
    size_t row = 0;
    for (const ServingOption& o : s->ranked) {
      if (++row > shown) {
        std::snprintf(buf, sizeof buf, "... %zu more (--format json lists them all)\n", s->ranked.size() - shown);
        out += buf;
        break;
      }
      if (!o.fits) {
        std::snprintf(buf, sizeof buf, "%-17s %-7s   -      -        -        -               -         -     -            -         -  %s\n",
                      o.gpu.c_str(), o.weights.c_str(), o.note.c_str());
        out += buf;
        continue;
      }
      std::snprintf(buf, sizeof buf, "%-17s %-7s %3d %6.0f %8.1f %8.2f %15.0f %9.0f %5.0f %12s %9.3f  %s (%s)\n", o.gpu.c_str(),
                    o.weights.c_str(), o.tensor_parallel, o.batch, o.ttft_seconds * 1e3, o.tpot_seconds * 1e3,
                    o.tokens_per_second_per_replica, o.replicas, o.gpus, format_usd(o.monthly_usd).c_str(),
                    o.usd_per_million_tokens, o.meets_targets ? "met" : "missed", o.note.c_str());
      out += buf;
    }
  }
  return out;
}

}  // namespace envelope
