// The training planner (planner.hpp): the scenario's layouts searched with the same step model as
// evaluate() (training_step.hpp). Serving search: serving_planner.cpp; plan files: plan_file.cpp.
#include "envelope/planner.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "envelope/evaluate.hpp"
#include "envelope/format.hpp"
#include "envelope/formulas.hpp"
#include "envelope/setup.hpp"
#include "envelope/units.hpp"

namespace envelope {

namespace {

std::string family_name(int t, int p, int z) {
  return "TP " + std::to_string(t) + ", PP " + std::to_string(p) + ", ZeRO " + std::to_string(z);
}

}  // namespace

std::string describe_layout(const TrainingLayout& l) {
  char buf[240];
  std::snprintf(buf, sizeof buf, "TP %d%s x PP %d%s%s%s x DP %d, ZeRO %d, micro-batch %d, recompute %s", l.tensor_parallel,
                l.tp_comm_overlapped() ? " (comm overlapped)" : "", l.pipeline_parallel, l.interleave > 1 ? (" (v=" + std::to_string(l.interleave) + ")").c_str() : "",
                l.context_parallel > 1 ? (" x CP " + std::to_string(l.context_parallel)).c_str() : "",
                l.expert_parallel > 1
                    ? (" (EP " + std::to_string(l.expert_parallel) + (l.expert_overlap ? ", a2a overlapped" : "") + ")").c_str()
                    : "",
                l.data_parallel, l.zero_stage, l.micro_batch, l.recompute.c_str());
  return buf;
}

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
                  describe_layout(plan.layout).c_str(), plan.fits ? "fits" : "does NOT fit", format_seconds(plan.step_seconds).c_str(),
                  format_bytes(plan.total_bytes, false).c_str(), format_bytes(training_usable_memory_bytes(x.gpu.memory_bytes), false).c_str(),
                  100 * plan.model_flops_utilization, plan.bottleneck.c_str());
    res.why_best = buf;
    res.ranked.push_back(std::move(plan));
    return res;
  }
  // Context parallel: powers of two, up to the degree that brings the sequence to ~4k tokens per GPU
  // (Llama 3 405B: 131,072-token sequences on CP 16, Dubey et al. 2024 Table 4; NeMo 24.07's Llama 3
  // 70B and Megatron-Bridge's Llama 3.1 405B: 8,192 on CP 2); none below 8k.
  const int max_cp = o.max_context_parallel > 0
                         ? o.max_context_parallel
                         : std::max(1, static_cast<int>(std::pow(2.0, std::ceil(std::log2(std::max(1.0, x.seq_len / 4096.0))))));
  std::map<std::string, RejectedFamily> memory_rejects;
  std::map<std::string, double> memory_min_bytes;  // smallest footprint tried per rejected family
  std::map<std::string, double> family_best;  // best step per TP/PP family, to explain what slower ones hit
  std::map<std::string, std::string> family_bottleneck;
  std::vector<TrainingPlan> fitting;
  for (int t = 1; t <= std::min({heads, N, std::max(1, x.gpu.scale_up_domain)}); ++t) {
    if (!tensor_parallel_splits_heads(t, heads, x.arch.kv_heads)) continue;
    for (int cp = 1; cp <= max_cp && t * cp <= N; cp *= 2) {
      if (!tensor_context_parallel_splits_ssm_heads(x.arch, t, cp)) continue;
      for (int p = 1; p <= std::min(layers, N / (t * cp)); ++p) {
        if (N % (t * cp * p)) continue;
        const int d = N / (t * cp * p);
        if (std::fmod(B, d) != 0) continue;
        const int per_replica = static_cast<int>(B / d);
        // Expert parallel: 1 for dense models; for MoE, powers of two dividing the experts and the
        // TP x CP x DP GPUs of a stage (Megatron-Core's MoE parallel folding, expert tensor parallel 1).
        std::vector<int> eps = {1};
        for (int e = 2; experts > 0 && e <= experts && (o.max_expert_parallel <= 0 || e <= o.max_expert_parallel); e *= 2)
          if (experts % e == 0 && (t * d * cp) % e == 0) eps.push_back(e);
        for (int e : eps) {
          for (int mb : {1, 2, 4, 8}) {  // Megatron-LM runs use micro-batches of 1-8 (Narayanan 2021, Korthikanti 2022)
            if (per_replica % mb) continue;
            const int m = per_replica / mb;
            for (int z = 0; z <= (d * cp > 1 ? o.max_zero_stage : 0); ++z) {
              for (const std::string& r : o.recompute_modes) {
                if (r == "op" && !op_checkpoint_applies(x.arch)) continue;
                // Interleaved chunks per GPU; past a few, more chunks only add point-to-point traffic
                // (Narayanan 2021 sec. 2.2). Megatron's interleaved schedule needs m divisible by p;
                // uneven stages are costed by their busiest GPU (Llama 3: 126 layers on 16 stages).
                for (int v = 1; v <= 8; ++v) {
                  if (v > 1 && (!o.allow_interleave || p == 1 || m % p || p * v > layers)) continue;
                  TrainingLayout L{t, p, d, z, mb, v, r, t > 1, cp, e};
                  // Expert all-to-all overlapped with another micro-batch's compute where
                  // Megatron-Core's Combined 1F1B runs: EP > 1, no full recompute, interleaved
                  // stages when pipelined, two micro-batches at least (its guide's requirements).
                  L.expert_overlap = o.allow_expert_overlap && e > 1 && r != "full" && (p == 1 || v > 1) && m >= 2;
                  L.tp_comm_overlap = o.allow_tp_comm_overlap && t > 1;  // sequence parallel is on whenever t > 1
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
    f.reason = "memory: at least " + format_bytes(min_bytes, false) + " per GPU > " + format_bytes(training_usable_memory_bytes(x.gpu.memory_bytes), false);
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
    // Every part of step_seconds, so the shares add up to 100% (MoE work only where there are experts).
    char moe[64] = "";
    if (b.moe_work_seconds > 0) std::snprintf(moe, sizeof moe, "MoE work %.0f%%, ", 100 * b.moe_work_seconds / b.step_seconds);
    std::snprintf(buf, sizeof buf,
                  "%s: step %s = compute %.0f%%, %spipeline bubble %.0f%%, tensor-parallel all-reduces %.0f%%, "
                  "context-parallel ring %.0f%%, expert all-to-all %.0f%%, pipeline sends %.0f%%, "
                  "exposed data-parallel traffic %.0f%%; %.0f GB per GPU of %.0f GB usable (%.0f%% of %.0f GB); MFU %.0f%%.",
                  describe_layout(b.layout).c_str(), format_seconds(b.step_seconds).c_str(), 100 * b.compute_seconds / b.step_seconds, moe,
                  100 * b.bubble_seconds / b.step_seconds, 100 * b.tensor_parallel_seconds / b.step_seconds,
                  100 * b.context_parallel_seconds / b.step_seconds, 100 * b.expert_parallel_seconds / b.step_seconds,
                  100 * b.pipeline_p2p_seconds / b.step_seconds, 100 * b.data_parallel_exposed_seconds / b.step_seconds,
                  b.total_bytes / 1e9, training_usable_memory_bytes(x.gpu.memory_bytes) / 1e9, 100 * kTrainingUsableMemoryFraction,
                  x.gpu.memory_bytes / 1e9, 100 * b.model_flops_utilization);
    res.why_best = buf;
  } else if (res.considered == 0) {
    // Nothing to cost: every data-parallel degree N / (TP x PP) leaves the global batch unsplittable.
    res.why_best = "No layout splits the global batch of " + format_message_number(B) + " sequences over " + std::to_string(N) +
                   " GPUs: data parallel (GPUs / (tensor x pipeline parallel)) must divide the batch, and tensor and "
                   "pipeline parallel must split the heads (" + format_message_number(x.arch.heads) + ", " +
                   format_message_number(x.arch.kv_heads) + " KV) and fit the layers (" +
                   format_message_number(x.arch.layers) + "). Choose a GPU count or planner.global_batch with a common factor.";
  } else {
    res.why_best = "No layout fits in " + format_bytes(x.gpu.memory_bytes, false) + " per GPU with " + std::to_string(N) +
                   " GPUs: add GPUs or use a larger-memory accelerator.";
  }
  return res;
}

TrainingPlannerOptions scenario_planner_options(const Scenario& s) {
  TrainingPlannerOptions o;
  o.allow_expert_overlap = s.training.expert_overlap;
  o.allow_tp_comm_overlap = s.training.tp_comm_overlap;
  return o;
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
  t.expert_overlap = p.layout.expert_overlap;
  t.tp_comm_overlap = p.layout.tp_comm_overlap;
  t.global_batch = p.global_batch;
  // The report's training time comes from the same step model at this layout: no MFU override.
  t.mfu.reset();
}

}  // namespace envelope
