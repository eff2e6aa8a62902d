// Memory: inference (weights, KV cache, workspace, overhead) and training (weights, gradients,
// optimizer, activations) as stacked bars against the GPU's capacity; fits; GPUs needed.
#include "../panels.hpp"
#include "../ui.hpp"
#include "envelope/evaluate.hpp"
#include "envelope/catalog.hpp"
#include "envelope/scenario.hpp"
#include "imgui.h"

namespace envelope::ui {

static double device_memory(App& app) {
  const Scenario& s = app.scenario();
  if (s.hardware.memory_gb) return *s.hardware.memory_gb * 1e9;
  const Accelerator* a = Catalog::builtin().find_accelerator(s.hardware.gpu);
  return a ? a->memory_bytes : 0;
}

void draw_memory(App& app) {
  const IncludeSection& inc = app.scenario().include;
  if (!panel_included("Memory", app.scenario())) return;  // neither section is in the scenario
  if (!begin_panel(app, "Memory")) {
    ImGui::End();
    return;
  }
  Scenario& s = app.edit();
  const Report& r = app.report();
  if (inc.inference) {
    ImGui::SeparatorText("Inference");
    input_choice(app, "weights", s.inference.weights, dtype_choices());
    input_choice(app, "KV cache", s.inference.kv_cache, {"fp32", "bf16", "fp16", "fp8", "int8", "int4"});
    input_field(app, "batch", "inference.batch");
    input_field(app, "context tokens", "inference.context", s.inference.prompt_tokens + s.inference.output_tokens);
    input_field(app, "tensor parallel", "inference.tensor_parallel");
    const double cap = device_memory(app) * s.inference.usable_memory_fraction * s.inference.tensor_parallel;
    stacked_bar("inference_bar",
                {{"weights", r.value("memory.inference.weights_bytes"), palette(0)},
                 {"KV cache", r.value("memory.inference.kv_cache_bytes"), palette(1)},
                 {"workspace", r.value("memory.inference.workspace_bytes"), palette(2)},
                 {"overhead", r.value("memory.inference.overhead_bytes"), palette(3)}},
                cap, app.binary_units);
    if (begin_result_table("inf_mem")) {
      result_row(app, "Weights", "memory.inference.weights_bytes");
      if (r.find("memory.inference.ssm_state_bytes_per_sequence"))
        result_row(app, "SSM state per sequence", "memory.inference.ssm_state_bytes_per_sequence");
      result_row(app, "KV cache per token", "memory.inference.kv_bytes_per_token");
      result_row(app, "KV cache", "memory.inference.kv_cache_bytes");
      result_row(app, "Total", "memory.inference.total_bytes");
      result_row(app, "Fits", "memory.inference.fits");
      result_row(app, "GPUs to fit (tensor parallel)", "memory.inference.gpus_to_fit");
      result_row(app, "Max batch at this context", "inference.max_batch");
      ImGui::EndTable();
    }
    warnings_for(app, {"memory.inference", "inference.batch"});
  }
  if (!inc.training) {
    ImGui::End();
    return;
  }

  ImGui::SeparatorText("Training (per GPU)");
  input_choice(app, "recipe", s.training.recipe, {"fp32", "amp-bf16", "mixed-bf16", "mixed-fp16", "bf16"});
  ImGui::SetItemTooltip("fp32 16 B/param; amp-bf16 16; mixed-bf16 18 (the seed's); mixed-fp16 16 (ZeRO paper); bf16 8");
  input_choice(app, "optimizer", s.training.optimizer, {"adamw", "adam", "adam-8bit", "muon", "sgd-momentum", "sgd"});
  input_choice(app, "gradient reduction", s.training.grad_reduce_dtype, {"recipe", "bf16"});
  ImGui::SetItemTooltip("Data-parallel gradients on the wire: recipe (fp32 in mixed precision) or bf16 (--grad-reduce-in-bf16)");
  input_field(app, "ZeRO stage", "training.zero_stage");
  input_field(app, "tensor parallel##t", "training.tensor_parallel");
  input_field(app, "pipeline parallel", "training.pipeline_parallel");
  input_field(app, "virtual stages (interleave)", "training.interleave");
  if (s.training.pipeline_parallel > 1) {
    input_choice(app, "pipeline split", s.training.pipeline_split, {"even", "balanced"});
    ImGui::SetItemTooltip("balanced: fewer layers on the last stage, which runs the output head (and MTP)");
  }
  input_field(app, "context parallel", "training.context_parallel");
  if (resolved_architecture(app.scenario()).experts > 0 || app.scenario().training.expert_parallel > 1)
    input_field(app, "expert parallel", "training.expert_parallel");
  if (app.scenario().training.expert_parallel > 1) {
    input_flag(app, "overlap expert all-to-all", s.training.expert_overlap);
    // How tokens reach their experts across nodes: DeepEP-style (once per remote node, fp8 in fp8
    // training) or Megatron-Core's NCCL all-to-all (one 16-bit copy per routed expert).
    input_choice(app, "expert dispatcher", s.training.expert_dispatcher, {"deepep", "alltoall"});
    input_choice(app, "expert balance", s.training.expert_balance, {"routed", "forced"});
    ImGui::SetItemTooltip("routed: a trained router, the busiest expert gets 10%% more than its share; forced: exactly even "
                          "(--moe-router-force-load-balancing, as NVIDIA's throughput benchmarks run)");
  }
  input_field(app, "micro-batch", "training.micro_batch");
  input_field(app, "sequence length", "training.seq_len");
  input_choice(app, "recompute", s.training.recompute, {"none", "selective", "full", "op"});
  input_flag(app, "flash attention", s.training.flash_attention);
  ImGui::SameLine();
  input_flag(app, "sequence parallel", s.training.sequence_parallel);
  input_choice(app, "attention kernel", s.training.attention_kernel, {"fused", "flash2"});
  ImGui::SetItemTooltip("fused: cuDNN / FlashAttention-3 (Megatron); flash2: PyTorch SDPA's FlashAttention-2, 0.62x on H100");
  if (s.training.tensor_parallel > 1 && s.training.sequence_parallel) {
    input_flag(app, "overlap TP communication", s.training.tp_comm_overlap);
    ImGui::SetItemTooltip("TP all-gathers / reduce-scatters chunked beside the GEMMs (--tp-comm-overlap, Transformer Engine "
                          "userbuffers), as NVIDIA's Llama recipes run; off: Megatron-Core's default");
    if (s.training.tp_comm_overlap)
      input_choice(app, "TP overlap", s.training.tp_comm_overlap_method, {"userbuffers", "async-tp"});
  }
  if (s.training.dtype == "fp8") {
    input_flag(app, "fp8 attention", s.training.fp8_attention);
    ImGui::SetItemTooltip("attention products in fp8 too (Transformer Engine fp8 dot-product attention, "
                          "--fp8-dot-product-attention); off: at 16 bits, as DeepSeek-V3 trained");
    input_choice(app, "fp8 scaling", s.training.fp8_scaling, {"tensor", "mx"});
    ImGui::SetItemTooltip("tensor: a scale per tensor; mx: MXFP8, a scale per 32 values (Blackwell), at the fitted MX ratio");
    input_flag(app, "fp8 params", s.training.fp8_params);
    ImGui::SetItemTooltip("weights held only as the fp8 copy, gathered in fp8 (--fp8-param-gather)");
  }
  // DeepSeek-V3's memory savings (report sec. 3.2.3 and 3.3.3); off by default.
  input_choice(app, "optimizer moments", s.training.optimizer_state_dtype, {"recipe", "bf16"});
  ImGui::SetItemTooltip("bf16: AdamW's two moments in BF16, master weights FP32 (DeepSeek-V3 3.3.3; Megatron-Core precision-aware)");
  input_flag(app, "recompute norms", s.training.recompute_norms);
  ImGui::SetItemTooltip("unfused RMSNorm outputs (MoE, MLA) recomputed in the backward, not stored (Megatron-Core \"layernorm\")");
  if (resolved_architecture(app.scenario()).experts > 0) {
    ImGui::SameLine();
    input_flag(app, "recompute MoE", s.training.recompute_moe);
    ImGui::SetItemTooltip("MoE layers keep only their input and run again in the backward, all-to-all included "
                          "(Megatron-Core recompute_modules \"moe\")");
  }
  if (resolved_architecture(app.scenario()).attention == "mla") {
    ImGui::SameLine();
    input_flag(app, "recompute MLA up-projections", s.training.recompute_mla_up_projections);
    ImGui::SetItemTooltip("queries, keys, values rebuilt from the latents in the backward (DeepSeek-V3 sec. 3.2.3)");
  }
  if (resolved_architecture(app.scenario()).mtp_layers > 0) {
    input_flag(app, "train MTP modules", s.training.multi_token_prediction);
    ImGui::SetItemTooltip("the model's multi-token-prediction modules counted in memory (DeepSeek-V3 sec. 2.2)");
    if (s.training.multi_token_prediction && (s.training.dtype == "fp8" || s.training.dtype == "fp4")) {
      input_flag(app, "MTP modules in BF16", s.training.mtp_bf16);
      ImGui::SetItemTooltip("keep_mtp_spec_in_bf16: their FLOPs at the 16-bit rate");
    }
  }
  if (resolved_architecture(app.scenario()).experts > 0) {
    input_choice(app, "expert SwiGLU cache", s.training.moe_swiglu_cache, {"input-and-output", "input", "fp8-input"});
    ImGui::SetItemTooltip("input: output recomputed (Megatron-Core moe_act); fp8-input: input in FP8 too (DeepSeek-V3 3.3.3)");
  }
  // fp8 / fp4 training holds a quantized copy of its weights too (reported only then): a part of the total.
  const bool fp8_copy = r.find("memory.training.fp8_weight_copy_bytes") != nullptr;
  std::vector<Segment> parts = {{"weights", r.value("memory.training.weights_bytes"), palette(0)},
                                {"gradients", r.value("memory.training.gradients_bytes"), palette(1)},
                                {"optimizer", r.value("memory.training.optimizer_bytes"), palette(2)},
                                {"activations", r.value("memory.training.activations_bytes"), palette(3)}};
  if (fp8_copy) parts.insert(parts.begin() + 1, {"quantized copy", r.value("memory.training.fp8_weight_copy_bytes"), palette(4)});
  // The optimizer's fp32 gradient copy peaks apart from the activations: the bar shows what it adds to
  // the total beyond the parts above (and the MTP modules, not drawn), nothing when the passes peak higher.
  const bool grad_copy = r.find("memory.training.gradient_copy_bytes") != nullptr;
  const bool mtp = r.find("memory.training.mtp_bytes") != nullptr;
  double copy_over = grad_copy ? r.value("memory.training.total_bytes") - (mtp ? r.value("memory.training.mtp_bytes") : 0.0) : 0.0;
  for (const Segment& p : parts) copy_over -= p.value;
  if (copy_over > 1.0) parts.push_back({"gradient copy", copy_over, palette(5)});
  stacked_bar("training_bar", parts, device_memory(app), app.binary_units);
  if (begin_result_table("train_mem")) {
    result_row(app, "Weights", "memory.training.weights_bytes");
    if (fp8_copy) result_row(app, s.training.dtype == "fp4" ? "Weights, NVFP4 copy" : s.training.fp8_scaling == "mx" ? "Weights, MXFP8 copy" : "Weights, fp8 copy", "memory.training.fp8_weight_copy_bytes");
    result_row(app, "Gradients", "memory.training.gradients_bytes");
    result_row(app, "Optimizer (+ master)", "memory.training.optimizer_bytes");
    result_row(app, "Activations", "memory.training.activations_bytes");
    if (grad_copy) result_row(app, "fp32 grad copy (at step)", "memory.training.gradient_copy_bytes");
    result_row(app, "Total per GPU", "memory.training.total_bytes");
    result_row(app, "Fits", "memory.training.fits");
    result_row(app, "GPUs for model states", "memory.training.min_gpus_model_states");
    ImGui::EndTable();
  }
  warnings_for(app, {"memory.training", "training.tensor_parallel", "training.expert_parallel", "training.fp8_scaling"});
  ImGui::End();
}

}  // namespace envelope::ui
