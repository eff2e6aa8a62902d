// The fine-tuning planner (planner.hpp): the scenario's fine-tune run every way it can run on its
// GPUs, each costed by the report's own estimate (finetune.cpp through evaluate_values), fastest first.
#include <algorithm>
#include <cmath>
#include <vector>

#include "envelope/evaluate.hpp"
#include "envelope/format.hpp"
#include "envelope/planner.hpp"

namespace envelope {

FinetunePlannerResult plan_finetune(const Scenario& s, int keep, const Catalog& c) {
  FinetunePlannerResult res;
  const FinetuneSection& f = s.finetune;
  // Sequences per GPU per optimizer step, as the user set them: the plan keeps what is trained.
  const double per_step = std::max(1.0, std::round(f.micro_batch * std::max(1.0, f.gradient_accumulation)));
  Scenario x = s;
  x.include = IncludeSection{false, false, false, false, false};
  x.include.finetune = true;
  const bool many = s.hardware.count > 1;
  // Micro-batches: every divisor of the step's sequences (the accumulation a whole number), so no
  // micro-batch a user could type is left untried (12 or 3 of 96 as well as the powers of two).
  std::vector<double> micro_batches;
  for (double d = 1; d * d <= per_step; ++d)
    if (std::fmod(per_step, d) == 0) {
      micro_batches.push_back(d);
      if (d * d != per_step) micro_batches.push_back(per_step / d);
    }
  std::sort(micro_batches.begin(), micro_batches.end());
  for (const double mb : micro_batches) {
    for (int checkpointing = 0; checkpointing < 2; ++checkpointing)
      for (int shard = 0; shard < 2; ++shard)
        // 0: none; 1: FSDP CPU offload (sharded runs); 2: ZeRO-Offload of the optimizer step.
        for (int offload = 0; offload < 3; ++offload)
          for (int in_backward = 0; in_backward < 2; ++in_backward) {
            if (offload == 1 && !shard) continue;
            if (shard && !many && offload != 1) continue;  // FSDP over one GPU: only for its CPU offload
            // torchtune's optimizer_in_bwd: full fine-tuning, no accumulation, the step on the GPU.
            if (in_backward && (f.method != "full" || mb != per_step || offload == 2)) continue;
            FinetuneSection& t = x.finetune;
            t.micro_batch = mb;
            t.gradient_accumulation = per_step / mb;
            t.gradient_checkpointing = checkpointing;
            t.shard = shard;
            t.cpu_offload = offload == 1;
            t.offload_optimizer = offload == 2;
            t.optimizer_in_backward = in_backward;
            const Report r = evaluate_values(x, c);
            FinetunePlan p;
            p.settings = t;
            p.fits = r.value("finetune.fits") > 0;
            p.memory_bytes = r.value("finetune.memory.total_bytes");
            p.tokens_per_second = r.value("finetune.tokens_per_second");
            p.wall_seconds = r.value("finetune.wall_seconds");
            p.gpu_hours = r.value("finetune.gpu_hours");
            p.cost_usd = r.value("finetune.cost_usd");
            ++res.considered;
            res.fitting += p.fits;
            res.ranked.push_back(p);
          }
  }
  // Equally fast and large: the plan with fewer settings switched on (offload, step in backward,
  // accumulation) first.
  const auto switches = [](const FinetuneSection& t) {
    return t.cpu_offload + t.offload_optimizer + t.optimizer_in_backward + (t.gradient_accumulation > 1);
  };
  std::stable_sort(res.ranked.begin(), res.ranked.end(), [&](const FinetunePlan& a, const FinetunePlan& b) {
    if (a.fits != b.fits) return a.fits;
    if (a.fits && a.lower_bound() != b.lower_bound()) return b.lower_bound();  // a time costed in full first
    if (a.fits && a.wall_seconds != b.wall_seconds) return a.wall_seconds < b.wall_seconds;
    if (a.memory_bytes != b.memory_bytes) return a.memory_bytes < b.memory_bytes;  // none fits: the nearest first
    return switches(a.settings) < switches(b.settings);
  });
  if (keep > 0 && res.ranked.size() > static_cast<size_t>(keep)) res.ranked.resize(keep);
  if (res.ranked.empty()) return res;
  const FinetunePlan& b = res.ranked.front();
  res.why_best = b.fits ? describe_finetune_plan(b.settings) + ": " + (b.lower_bound() ? "at least " : "") +
                              format_seconds(b.wall_seconds) + " at " + format_number(b.tokens_per_second) + " tokens/s, " +
                              format_bytes(b.memory_bytes, false) + " per GPU" +
                              (b.lower_bound() ? " (only FSDP CPU offload fits; its CPU optimizer step is not costed)" : "")
                        : "No way of running it fits: the smallest needs " + format_bytes(b.memory_bytes, false) +
                              " per GPU (" + describe_finetune_plan(b.settings) +
                              "); add GPUs, a larger-memory GPU, or train less (LoRA, QLoRA, a lower rank, shorter sequences).";
  return res;
}

std::string describe_finetune_plan(const FinetuneSection& f) {
  std::string d = "micro-batch " + format_message_number(f.micro_batch);
  if (f.gradient_accumulation > 1) d += " x " + format_message_number(f.gradient_accumulation) + " accumulated";
  if (f.gradient_checkpointing) d += ", checkpointing";
  if (f.shard) d += ", FSDP";
  if (f.cpu_offload) d += ", CPU offload";
  if (f.offload_optimizer) d += ", ZeRO-Offload";
  if (f.optimizer_in_backward) d += ", step in backward";
  return d;
}

void apply_finetune_plan(Scenario& s, const FinetunePlan& p) { s.finetune = p.settings; }

}  // namespace envelope
