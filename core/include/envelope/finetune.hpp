// Fine-tuning a pretrained model: full fine-tuning, LoRA and QLoRA. Memory per GPU (frozen base,
// adapters, gradients, optimizer states, activations), compute and time per epoch of a dataset.
// Each formula is a small function with its source; estimate_finetune() writes the "finetune.*"
// paths of the report (scenario section "finetune", include flag "finetune").
#pragma once
#include <string>
#include <vector>

#include "envelope/catalog.hpp"
#include "envelope/report.hpp"
#include "envelope/scenario.hpp"

namespace envelope {

// LoRA (Hu et al. 2021, "LoRA: Low-Rank Adaptation of Large Language Models", arXiv:2106.09685,
// section 4.1): a frozen W0 (d_out x d_in) gets B A with B: d_out x r and A: r x d_in, so one adapted
// matrix trains r x (d_in + d_out) parameters.
double lora_params_per_matrix(double rank, double d_in, double d_out);

// Trainable LoRA parameters of the whole model: lora_params_per_matrix summed over the adapted
// matrices of every layer, with shapes from the architecture:
//   q: hidden -> heads x head_dim; k, v: hidden -> kv_heads x head_dim (GQA, Ainslie et al. 2023);
//   o: heads x head_dim -> hidden; MLP: gate and up hidden -> ffn, down ffn -> hidden (no gate
//   without a gated MLP); MoE layers: the MLP matrices of every routed and shared expert (PEFT's
//   "all-linear" adapts each expert's linear layers; the router is not adapted).
// target_modules: "qv" (q, v: the LoRA paper's choice), "attention" (q, k, v, o) or "all-linear"
// (attention + MLP, as QLoRA: Dettmers et al. 2023, section 4 "LoRA on all linear layers").
double lora_adapter_params(const Architecture& a, double rank, const std::string& target_modules);

// Parameters of the token embedding and output head: vocab x hidden x (tied ? 1 : 2). QLoRA keeps
// them in 16 bits: only the transformer blocks' linear layers are stored in NF4 (bitsandbytes
// quantizes nn.Linear modules and skips the output head; embeddings are not linear layers).
double embedding_and_head_params(const Architecture& a);

// QLoRA's frozen base (Dettmers et al. 2023, "QLoRA: Efficient Finetuning of Quantized LLMs",
// arXiv:2305.14314, section 3): NF4 weights of 4 bits plus double-quantized block constants of
// 8/64 + 32/(64 x 256) = 0.127 bits per parameter (the paper's "Double Quantization"), i.e. 4.127
// bits per quantized parameter; the 16-bit rest (embeddings, output head) at 2 bytes.
double qlora_base_bytes(double quantized_params, double bf16_params);

// Optimizer bytes per trainable parameter: AdamW's two fp32 moments (Loshchilov & Hutter 2019) = 8;
// 8-bit Adam (Dettmers et al. 2022, arXiv:2110.02861) two 1-byte states = 2; the paged variant
// (QLoRA section 3, "Paged Optimizers") has the same states in unified memory, paged to the CPU only
// under memory pressure, so they are counted as resident here. + 4 bytes for an fp32 master copy.
double finetune_optimizer_bytes_per_param(const std::string& optimizer, bool master_weights);

// Compute of one pass over `tokens` tokens. A training step is a forward pass (2 FLOPs per parameter
// per token) and a backward pass that multiplies by each weight twice: once for the gradient of the
// activations, once for the gradient of the weight (Kaplan et al. 2020, section 2.1: 6 N per token).
// A frozen weight needs only the first, so LoRA and QLoRA spend 2 + 2 = 4 FLOPs per base parameter
// per token, plus 6 per adapter parameter (Hu et al. 2021 section 4.2 report 25% faster training
// than full fine-tuning of GPT-3 175B, against 33% fewer FLOPs here). Gradient checkpointing runs
// the forward pass again during backward: + 2 per parameter per token (Chen et al. 2016).
double finetune_flops(double params_active, double adapter_params, double tokens, bool full, bool checkpointing);

// The section's report entries ("finetune.*"), warnings, and its GPU-hours and cost.
struct FinetuneEstimate {
  std::vector<Result> results;
  std::vector<Warning> warnings;
  double gpu_hours = 0, cost_usd = 0;
};
// params / params_active: the model's counts as evaluate() resolved them (model.params overrides).
FinetuneEstimate estimate_finetune(const Scenario& s, const Catalog& c, const Architecture& arch, double params,
                                   double params_active);

}  // namespace envelope
