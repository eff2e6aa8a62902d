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

std::string family_name(int t, int p, int z) {
  return "TP " + std::to_string(t) + ", PP " + std::to_string(p) + ", ZeRO " + std::to_string(z);
}

std::string describe(const TrainingLayout& l) {
  char buf[240];
  std::snprintf(buf, sizeof buf, "TP %d x PP %d%s%s%s x DP %d, ZeRO %d, micro-batch %d, recompute %s", l.tensor_parallel,
                l.pipeline_parallel, l.interleave > 1 ? (" (v=" + std::to_string(l.interleave) + ")").c_str() : "",
                l.context_parallel > 1 ? (" x CP " + std::to_string(l.context_parallel)).c_str() : "",
                l.expert_parallel > 1 ? (" (EP " + std::to_string(l.expert_parallel) + ")").c_str() : "",
                l.data_parallel, l.zero_stage, l.micro_batch, l.recompute.c_str());
  return buf;
}

}  // namespace

TrainingPlan evaluate_training_layout(const Scenario& s, const TrainingLayout& layout, double global_batch, bool& fits,
                                      const Catalog& c) {
  TrainingPlan plan = training_step(s, layout, global_batch, c);
  fits = plan.fits;
  return plan;
}

TrainingPlannerResult plan_training(const Scenario& s, const TrainingPlannerOptions& o, const Catalog& c) {
  TrainingPlannerResult res;
  const TrainingStepModel x = training_step_model(s, c);
  const int N = static_cast<int>(s.hardware.count);
  const double B = o.global_batch > 0 ? o.global_batch : scenario_global_batch(s);
  res.global_batch = B;
  const int heads = static_cast<int>(x.arch.heads), layers = static_cast<int>(x.arch.layers);
  const int experts = static_cast<int>(x.arch.experts);
  if (o.scenario_layout_only) {
    TrainingPlan plan = x.cost(scenario_training_layout(s), B);
    res.considered = 1;
    res.fitting = plan.fits ? 1 : 0;
    char buf[300];
    std::snprintf(buf, sizeof buf, "%s: the scenario's layout, %s: step %s, %s per GPU of %s; MFU %.0f%%; bottleneck %s.",
                  describe(plan.layout).c_str(), plan.fits ? "fits" : "does NOT fit", format_seconds(plan.step_seconds).c_str(),
                  format_bytes(plan.total_bytes, false).c_str(), format_bytes(x.gpu.memory_bytes * 0.95, false).c_str(),
                  100 * plan.model_flops_utilization, plan.bottleneck.c_str());
    res.why_best = buf;
    res.ranked.push_back(std::move(plan));
    return res;
  }
  // Context parallel: powers of two, up to the degree that brings the sequence to ~8k tokens per GPU
  // (Llama 3 405B: 131,072-token sequences on CP 16, Dubey et al. 2024 Table 4); none below 16k.
  const int max_cp = o.max_context_parallel > 0
                         ? o.max_context_parallel
                         : std::max(1, static_cast<int>(std::pow(2.0, std::ceil(std::log2(std::max(1.0, x.seq_len / 8192.0))))));
  std::map<std::string, RejectedFamily> memory_rejects;
  std::map<std::string, double> memory_min_bytes;  // smallest footprint tried per rejected family
  std::map<std::string, double> family_best;  // best step per TP/PP family, to explain what slower ones hit
  std::map<std::string, std::string> family_bottleneck;
  std::vector<TrainingPlan> fitting;
  for (int t = 1; t <= std::min({heads, N, std::max(1, x.gpu.scale_up_domain)}); ++t) {
    if (heads % t) continue;
    for (int cp = 1; cp <= max_cp && t * cp <= N; cp *= 2) {
      for (int p = 1; p <= std::min(layers, N / (t * cp)); ++p) {
        if (N % (t * cp * p)) continue;
        const int d = N / (t * cp * p);
        if (std::fmod(B, d) != 0) continue;
        const int per_replica = static_cast<int>(B / d);
        // Expert parallel: 1 for dense models; for MoE, powers of two dividing the experts and DP x CP.
        std::vector<int> eps = {1};
        for (int e = 2; experts > 0 && e <= experts && (o.max_expert_parallel <= 0 || e <= o.max_expert_parallel); e *= 2)
          if (experts % e == 0 && (d * cp) % e == 0) eps.push_back(e);
        for (int e : eps) {
          for (int mb : {1, 2, 4, 8}) {  // Megatron-LM runs use micro-batches of 1-8 (Narayanan 2021, Korthikanti 2022)
            if (per_replica % mb) continue;
            const int m = per_replica / mb;
            for (int z = 0; z <= (d * cp > 1 ? o.max_zero_stage : 0); ++z) {
              for (const std::string& r : o.recompute_modes) {
                // Interleaved chunks per GPU; past a few, more chunks only add point-to-point traffic
                // (Narayanan 2021 sec. 2.2). Megatron's interleaved schedule needs m divisible by p;
                // uneven stages are costed by their busiest GPU (Llama 3: 126 layers on 16 stages).
                for (int v = 1; v <= 8; ++v) {
                  if (v > 1 && (!o.allow_interleave || p == 1 || m % p || p * v > layers)) continue;
                  TrainingLayout L{t, p, d, z, mb, v, r, t > 1, cp, e};
                  ++res.considered;
                  TrainingPlan plan = x.cost(L, B);
                  const std::string fam = family_name(t, p, z) + (cp > 1 ? ", CP " + std::to_string(cp) : "");
                  if (!plan.fits) {
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
    char buf[800];
    std::snprintf(buf, sizeof buf,
                  "%s: step %.3g s = compute %.0f%%, pipeline bubble %.0f%%, tensor-parallel all-reduces %.0f%%, "
                  "context-parallel ring %.0f%%, expert all-to-all %.0f%%, pipeline sends %.0f%%, "
                  "exposed data-parallel all-reduce %.0f%%; %.0f GB per GPU of %.0f GB; MFU %.0f%%.",
                  describe(b.layout).c_str(), b.step_seconds, 100 * b.compute_seconds / b.step_seconds,
                  100 * b.bubble_seconds / b.step_seconds, 100 * b.tensor_parallel_seconds / b.step_seconds,
                  100 * b.context_parallel_seconds / b.step_seconds, 100 * b.expert_parallel_seconds / b.step_seconds,
                  100 * b.pipeline_p2p_seconds / b.step_seconds, 100 * b.data_parallel_exposed_seconds / b.step_seconds,
                  b.total_bytes / 1e9, x.gpu.memory_bytes / 1e9, 100 * b.model_flops_utilization);
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
  t.context_parallel = p.layout.context_parallel;
  t.expert_parallel = p.layout.expert_parallel;
  t.interleave = p.layout.interleave;
  t.global_batch = p.global_batch;
  // The report's training time comes from the same step model at this layout: no MFU override.
  t.mfu.reset();
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
  if (planner.contains("layout")) {
    const auto& l = planner["layout"];
    if (l.is_string() && (l == "search" || l == "scenario")) f.request.training.scenario_layout_only = l == "scenario";
    else f.problems.push_back({"planner.layout", "expected 'search' (find the best training layout) or 'scenario' (cost the scenario's own)"});
  }
  double max_cp = f.request.training.max_context_parallel, max_ep = f.request.training.max_expert_parallel;
  number("max_context_parallel", max_cp, 0, 1024);
  number("max_expert_parallel", max_ep, 0, 4096);
  f.request.training.max_context_parallel = static_cast<int>(max_cp);
  f.request.training.max_expert_parallel = static_cast<int>(max_ep);
  if (planner.contains("disaggregated")) {
    if (planner["disaggregated"].is_boolean()) f.request.serving.disaggregated = planner["disaggregated"].get<bool>();
    else f.problems.push_back({"planner.disaggregated", "expected true or false"});
  }
  if (planner.contains("pricing")) {
    const auto& p = planner["pricing"];
    if (p.is_string() && (p == "on_demand" || p == "spot")) f.request.serving.pricing = p.get<std::string>();
    else f.problems.push_back({"planner.pricing", "expected 'on_demand' or 'spot'"});
  }
  for (auto it = planner.begin(); it != planner.end(); ++it) {
    static const char* known[] = {"mode", "global_batch", "keep", "gpus", "weights", "ttft_target_seconds",
                                  "tpot_target_seconds", "max_tensor_parallel", "tensor_parallel", "percentile", "pricing",
                                  "layout", "max_context_parallel", "max_expert_parallel", "disaggregated"};
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
          {"context_parallel", l.context_parallel}, {"expert_parallel", l.expert_parallel}, {"fits", p.fits},
          {"memory_bytes", {{"weights", p.weights_bytes}, {"gradients", p.gradients_bytes}, {"optimizer", p.optimizer_bytes},
                            {"activations", p.activations_bytes}, {"total", p.total_bytes}}},
          {"step_seconds", {{"compute", p.compute_seconds}, {"pipeline_bubble", p.bubble_seconds},
                            {"tensor_parallel", p.tensor_parallel_seconds}, {"context_parallel", p.context_parallel_seconds},
                            {"expert_parallel", p.expert_parallel_seconds}, {"pipeline_p2p", p.pipeline_p2p_seconds},
                            {"data_parallel", p.data_parallel_seconds},
                            {"data_parallel_exposed", p.data_parallel_exposed_seconds}, {"total", p.step_seconds}}},
          {"model_flops_utilization", p.model_flops_utilization}, {"hardware_tflops_per_gpu", p.hardware_tflops_per_gpu},
          {"model_tflops_per_gpu", p.model_tflops_per_gpu}, {"tokens_per_second_per_gpu", p.tokens_per_second_per_gpu},
          {"kernel_efficiency", p.kernel_efficiency},
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
                              {"expert_parallel", o.expert_parallel}, {"batch", o.batch}, {"max_batch", o.max_batch}, {"ttft_seconds", o.ttft_seconds},
                              {"tpot_seconds", o.tpot_seconds}, {"tokens_per_second_per_replica", o.tokens_per_second_per_replica},
                              {"replicas", o.replicas}, {"gpus", o.gpus}, {"usd_per_gpu_hour", o.usd_per_gpu_hour},
                              {"monthly_usd", o.monthly_usd}, {"usd_per_million_tokens", o.usd_per_million_tokens},
                              {"meets_targets", o.meets_targets}, {"fits", o.fits}, {"priced", o.priced}, {"note", o.note},
                              {"disaggregated", o.disaggregated}, {"prefill_replicas", o.prefill_replicas},
                              {"decode_replicas", o.decode_replicas}});
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
                  "%sServing: peak %s QPS, %s output tokens/s; targets TTFT <= %s, TPOT <= %s (%s); "
                  "%s prices; %d configurations (GPU x weights x tensor parallel)\n",
                  t ? "\n" : "", format_number(s->peak_qps).c_str(), format_number(s->peak_tokens_per_second).c_str(),
                  format_seconds(s->ttft_target_seconds).c_str(), format_seconds(s->tpot_target_seconds).c_str(),
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
      std::snprintf(buf, sizeof buf, "%-17s %-7s %3d %6.0f %8.1f %8.2f %15s %9.0f %5.0f %12s %9.3f  %s (%s)\n", o.gpu.c_str(),
                    o.weights.c_str(), o.tensor_parallel, o.batch, o.ttft_seconds * 1e3, o.tpot_seconds * 1e3,
                    format_number(o.tokens_per_second_per_replica).c_str(), o.replicas, o.gpus, format_usd(o.monthly_usd).c_str(),
                    o.usd_per_million_tokens, o.meets_targets ? "met" : "missed",
                    (o.expert_parallel > 1 ? "expert parallel " + std::to_string(o.expert_parallel) + "; " + o.note : o.note).c_str());
      out += buf;
    }
  }
  return out;
}

}  // namespace envelope
