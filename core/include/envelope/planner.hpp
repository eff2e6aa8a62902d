// The planner: the best way to train or serve a scenario's model.
//
// Training: enumerate tensor parallel (dividing the heads, within the scale-up domain), pipeline
// parallel (with interleaved stages), data parallel, ZeRO 0-3, micro-batch and recompute; drop the
// layouts that do not fit in GPU memory before costing them; estimate each step's time from compute
// at the calibrated kernel efficiency, the pipeline bubble, tensor-parallel all-reduces over the
// scale-up link and the data-parallel gradient all-reduce overlapped with the backward pass; rank by
// time to train the token budget (cost follows, at a fixed GPU count).
//
// Serving (serving_planner.cpp): every GPU type x weight precision x tensor-parallel degree that
// fits, each at the largest batch meeting the latency targets (the batch with the most tokens/s per
// replica, hence the fewest replicas), the replicas for the peak load, $/month on one price basis and
// $ per million output tokens; ranked by $/month. Every number comes from evaluate() on the
// scenario with that configuration typed into its serving section, so no configuration a user can
// type in beats the planner (tests/core/test_serving.cpp brute-forces the grid).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "envelope/catalog.hpp"
#include "envelope/scenario.hpp"
#include "envelope/training_step.hpp"

namespace envelope {

struct RejectedFamily {
  std::string family;  // e.g. "TP 1, PP 1, ZeRO 0"
  std::string reason;  // "memory: 312 GB per GPU > 80 GB" / "communication" / "bubble"
  int layouts = 0;
};

struct TrainingPlannerResult {
  std::vector<TrainingPlan> ranked;  // best first, at most `keep`
  std::vector<RejectedFamily> rejected;
  int considered = 0, fitting = 0;
  double global_batch = 0;  // sequences per step
  std::string why_best;
};

struct TrainingPlannerOptions {
  double global_batch = 0;  // sequences per step; 0: ~4M tokens (Llama 2's batch) rounded to a power of two
  int keep = 20;
  bool allow_interleave = true;
  // Overlap the expert all-to-all with another micro-batch's compute where Megatron-Core can
  // (TrainingLayout::expert_overlap). Off by default, as in Megatron-Core's default schedule; the
  // published runs that use it (DeepSeek-V3 DualPipe, Megatron-Bridge moe_a2a_overlap) are predicted
  // within 1.25x with it, the MoE work it uncovers counted (docs/calibration.md).
  bool allow_expert_overlap = false;
  // Overlap tensor-parallel communication with the GEMMs where Megatron-Core can (TP > 1 with sequence
  // parallel; TrainingLayout::tp_comm_overlap). Off by default, as in Megatron-Core.
  bool allow_tp_comm_overlap = false;
  int max_zero_stage = 3;
  // "op" (torchtitan's per-op rule) is tried on dense attention models only (op_checkpoint_applies).
  std::vector<std::string> recompute_modes = {"none", "selective", "full", "op"};
  // Context parallel degrees tried: powers of two up to this (1: none). Default: enough to bring the
  // sequence back to ~4k tokens per GPU (Llama 3 trains 128k-token sequences with CP 16; NeMo and
  // Megatron-Bridge run 8k sequences of Llama 3 70B / 405B with CP 2).
  int max_context_parallel = 0;  // 0: automatic
  // Expert parallel degrees tried for MoE models: powers of two dividing the experts and DP x CP.
  int max_expert_parallel = 0;   // 0: up to the number of experts
  // Cost only the scenario's own layout (training.tensor_parallel, ...): "evaluate my layout" with
  // its step breakdown and memory, ranked alone, fitting or not (plan file: "layout": "scenario").
  bool scenario_layout_only = false;
};

// "TP 8 x PP 4 x DP 2, ZeRO 1, micro-batch 1, recompute selective" (the planners' text output).
std::string describe_layout(const TrainingLayout& l);
// Evaluates one layout (no search); `fits` says whether it fits in memory (= TrainingPlan::fits).
TrainingPlan evaluate_training_layout(const Scenario& s, const TrainingLayout& layout, double global_batch, bool& fits,
                                      const Catalog& c = Catalog::builtin());
TrainingPlannerResult plan_training(const Scenario& s, const TrainingPlannerOptions& o = {},
                                    const Catalog& c = Catalog::builtin());
// The search options a scenario implies: the overlaps its stack runs (training.expert_overlap,
// training.tp_comm_overlap) are the search's too, so a layout typed into the scenario never beats it.
// Plan files start from these (their planner options override them); the Planner panel uses them.
TrainingPlannerOptions scenario_planner_options(const Scenario& s);

struct ServingOption {
  std::string gpu, weights;
  int tensor_parallel = 0;
  int expert_parallel = 1;  // serving.expert_parallel (MoE models; the replica is tensor x expert parallel GPUs)
  double batch = 0, max_batch = 0;
  double ttft_seconds = 0, tpot_seconds = 0;
  double tokens_per_second_per_replica = 0;
  double replicas = 0, gpus = 0;
  double usd_per_gpu_hour = 0, monthly_usd = 0, usd_per_million_tokens = 0;
  bool fits = false;           // weights + KV cache of one sequence fit at this tensor-parallel degree
  bool meets_targets = false;  // fits and meets the latency targets at `batch`
  bool priced = false;         // a price on the planner's price basis (or the scenario's own price)
  std::string note;  // why it fails, or what limited the batch
  // Disaggregated prefill/decode (serving.disaggregated): `batch` is the decode pool's batch, replicas
  // = prefill_replicas + decode_replicas, latencies and GPUs are the report's serving.disaggregated.*.
  bool disaggregated = false;
  double prefill_replicas = 0, decode_replicas = 0;
};
// The planner's ranking tier of an option: 0 meets the targets with a price, 1 meets them without one,
// 2 fits but misses them, 3 does not fit. plan_serving ranks by tier, then cost (tier 0), GPUs, $/M tokens.
int serving_option_tier(const ServingOption& o);

struct ServingPlannerOptions {
  std::vector<std::string> gpus;  // empty: every accelerator with a published price, and the scenario's
  std::vector<std::string> weights = {"bf16", "fp8", "int4", "fp4"};
  // Tensor-parallel degrees to try; empty: every degree dividing the attention heads up to
  // max_tensor_parallel and the accelerator's scale-up domain. For MoE models each degree is also tried
  // with expert parallel 2, 4, 8, ... dividing the routed experts, tensor x expert parallel within the
  // scale-up domain (serving.expert_parallel).
  std::vector<int> tensor_parallel;
  int max_tensor_parallel = 8;
  // Unset: the scenario's serving.ttft_target_seconds / tpot_target_seconds / latency_percentile.
  std::optional<double> ttft_target_seconds, tpot_target_seconds;
  std::optional<std::string> percentile;
  // One price basis for every option: on_demand | spot; "" = the scenario's hardware.pricing.
  std::string pricing;
  // Also try each layout as disaggregated prefill/decode pools (plan file "disaggregated": true).
  bool disaggregated = false;
};

struct ServingPlannerResult {
  // Meeting the targets and priced first (cheapest per month first), then meeting the targets without
  // a price, then fitting but missing a target, then not fitting; each with its reason.
  std::vector<ServingOption> ranked;
  double peak_qps = 0, peak_tokens_per_second = 0;
  double ttft_target_seconds = 0, tpot_target_seconds = 0;
  std::string percentile, pricing;
  int configurations = 0;  // GPU x weights x tensor parallel combinations tried
};

// The serving configurations a replica of `arch` can take on `gpu` (serving_planner.cpp; also the
// serving trade-off chart's grid): tensor-parallel degrees `given` (else 1..min(max_tensor_parallel,
// the scale-up domain)) that divide the attention heads (Megatron-LM), each with expert parallel 1 and,
// when `expert_parallel` and the model has routed experts, 2, 4, 8, ... dividing the experts with
// tensor x expert parallel inside the scale-up domain.
struct ServingLayout {
  int tensor_parallel = 1, expert_parallel = 1;
};
std::vector<ServingLayout> serving_layouts(const Architecture& arch, const Accelerator& gpu, const std::vector<int>& given,
                                           int max_tensor_parallel, bool expert_parallel);
// The scenario with one serving configuration typed into its serving section (serving.gpu unless
// `gpu` is empty, serving.tensor_parallel, serving.expert_parallel unless 0, inference.weights).
Scenario serving_candidate(const Scenario& base, const std::string& gpu, const std::string& weights, int tensor_parallel,
                           int expert_parallel);

// "Use this layout/option": writes a plan into the scenario (and so into its link).
void apply_training_plan(Scenario& s, const TrainingPlan& p);
void apply_serving_option(Scenario& s, const ServingOption& o);

ServingPlannerResult plan_serving(const Scenario& s, const ServingPlannerOptions& o = {},
                                  const Catalog& c = Catalog::builtin());

// Fine-tuning: how to run the scenario's fine-tune fastest on its GPUs. What is trained stays as the
// user set it (method, rank, target modules, optimizer, precision, data, and the sequences per GPU per
// optimizer step, micro_batch x gradient_accumulation); the planner varies how it runs: gradient
// checkpointing, FSDP sharding (more than one GPU), FSDP CPU offload (sharded) or ZeRO-Offload, the
// optimizer step in the backward pass (full fine-tuning without accumulation), and the micro-batch,
// the accumulation keeping the batch. Each candidate is the report's own estimate (evaluate()), so a
// setting typed into the scenario never beats the plan. Ranked: fitting first, then the plans whose
// time is costed in full before those with FSDP CPU offload (its optimizer step on the CPU is not
// costed, finetune.cpp: their time is a lower bound), then wall time, then memory per GPU.
struct FinetunePlan {
  FinetuneSection settings;  // the scenario's finetune section with this plan's settings
  bool fits = false;
  // FSDP CPU offload: the CPU's optimizer step is not in wall_seconds, a lower bound.
  bool lower_bound() const { return settings.cpu_offload; }
  double memory_bytes = 0, tokens_per_second = 0, wall_seconds = 0, gpu_hours = 0, cost_usd = 0;
};
struct FinetunePlannerResult {
  std::vector<FinetunePlan> ranked;
  int considered = 0, fitting = 0;
  std::string why_best;
};
FinetunePlannerResult plan_finetune(const Scenario& s, int keep = 20, const Catalog& c = Catalog::builtin());
// "micro-batch 4 x 2 accumulated, checkpointing, FSDP, CPU offload": the settings a plan varies.
std::string describe_finetune_plan(const FinetuneSection& f);
void apply_finetune_plan(Scenario& s, const FinetunePlan& p);

// Planner options from a scenario's optional "planner" section of a plan file (JSON object).
struct PlanRequest {
  // training | serving | both | finetune. Unset in a plan file: training, or serving for a scenario
  // whose include has GPU serving and no training, or finetune for one with fine-tuning and neither;
  // a scenario with none of them is a problem at planner.mode.
  std::string mode = "training";
  TrainingPlannerOptions training;
  ServingPlannerOptions serving;
};
// Reads {"scenario": {...}, "planner": {...}} or a plain scenario; problems name the field. Limits
// (docs/limits.md): the file's size, JSON nesting (json_input.hpp) and the planner lists' length
// (more than the catalog's accelerators or weight formats; duplicates are dropped).
inline constexpr size_t kMaxPlanFileBytes = 128 * 1024;
inline constexpr size_t kMaxPlannerListEntries = 64;
struct PlanFile {
  Scenario scenario;
  PlanRequest request;
  std::vector<Problem> problems;
  std::string fatal;
};
PlanFile load_plan_file(const std::string& text);
std::string plan_to_json(const PlanFile& f, const TrainingPlannerResult* t, const ServingPlannerResult* s,
                         const FinetunePlannerResult* ft = nullptr, int indent = 2);
std::string plan_to_text(const PlanFile& f, const TrainingPlannerResult* t, const ServingPlannerResult* s,
                         const FinetunePlannerResult* ft = nullptr);

}  // namespace envelope
