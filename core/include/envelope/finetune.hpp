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
//   "all-linear" adapts each expert's linear layers; the router is not adapted); a hybrid's attention
//   matrices in its attention layers only, and with "all-linear" each Mamba-2 block's in_proj and
//   out_proj (PEFT's all-linear takes every nn.Linear but the output head).
// target_modules: "qv" (q, v: the LoRA paper's choice), "attention" (q, k, v, o) or "all-linear"
// (attention + MLP, as QLoRA: Dettmers et al. 2023, section 4 "LoRA on all linear layers").
double lora_adapter_params(const Architecture& a, double rank, const std::string& target_modules);

// Parameters of the token embedding and output head: vocab x hidden x (tied ? 1 : 2). QLoRA keeps
// them in 16 bits: only the transformer blocks' linear layers are stored in NF4 (bitsandbytes
// quantizes nn.Linear modules and skips the output head; embeddings are not linear layers).
double embedding_and_head_params(const Architecture& a);

// Bits an NF4 weight takes with its block constants (Dettmers et al. 2023, "QLoRA: Efficient Finetuning
// of Quantized LLMs", arXiv:2305.14314, section 3): 4-bit codes plus one fp32 absmax per block of 64,
// 32/64 = 0.5 bits, i.e. 4.5; with the paper's "Double Quantization" the absmaxes are themselves 8-bit
// with an fp32 constant per 256 of them, 8/64 + 32/(64 x 256) = 0.127 bits, i.e. 4.127
// (finetune.double_quantization, the paper's recipe; Hugging Face's BitsAndBytesConfig leaves
// bnb_4bit_use_double_quant off by default, LitGPT's bnb.nf4 has it off and bnb.nf4-dq on).
double nf4_bits_per_param(bool double_quantization);

// QLoRA's frozen base: the quantized (linear-layer) parameters at nf4_bits_per_param, the rest
// (embeddings, output head) at unquantized_bytes each: 2 in 16 bits, 4 where PEFT's
// prepare_model_for_kbit_training has cast them ("cast all non INT8 parameters to fp32", peft
// utils/other.py; the QLoRA repository's qlora.py calls it): finetune.fp32_unquantized.
double qlora_base_bytes(double quantized_params, double unquantized_params, double nf4_bits, double unquantized_bytes);

// Activation bytes per token and layer that QLoRA's bitsandbytes 4-bit layers keep beyond what a frozen
// 16-bit layer keeps (finetune.nf4_kernel "bitsandbytes"). bitsandbytes' MatMul4Bit autograd function
// saves its input A for backward whenever an input needs a gradient (ctx.tensors = (A, B);
// bitsandbytes/autograd/_functions.py), although the frozen NF4 weight takes none, where PyTorch's
// nn.Linear with a frozen weight saves no input (dX = dY W needs only W). Per token, 16-bit, one copy
// per distinct input: the attention block's input (shared by q, k, v) and output (o_proj's input),
// the MLP's input (gate and up) and hidden (down_proj's input, ffn wide): 2 x (3 h + ffn) bytes. An MoE
// layer's experts each keep their own gathered copy of the token and their hidden: (k routed + 1 for
// the shared experts) x h + (k + shared) x expert_ffn; averaged over the layers. (MLA and SSM layers
// are counted as attention blocks: an estimate.)
// LitGPT's resource tables (A100, bitsandbytes 0.41.1, no checkpointing, 1,304-token sequences)
// measure QLoRA (nf4-dq) over LoRA at 2.1 GB more than the weights explain for Llama 2 7B and 3.3 GB
// for 13B; this gives 1.9 and 3.0 GB. torchao's NF4 (torchtune, "torchao") saves no input.
double nf4_saved_input_bytes_per_token_per_layer(const Architecture& a);

// Optimizer bytes per trainable parameter: AdamW's two fp32 moments (Loshchilov & Hutter 2019) = 8;
// "adamw-bf16", AdamW whose moments take the bf16 weights' own type (pure bf16 training: PyTorch's
// AdamW allocates its states like the parameter; torchtune's default dtype bf16, "2 bytes per model
// and optimizer parameter", no mixed precision: docs tutorials/memory_optimizations.rst, "Model
// Precision"; LitGPT's bf16-true) = 4; 8-bit Adam (Dettmers et al. 2022, arXiv:2110.02861) two 1-byte states = 2; the paged variant
// (QLoRA section 3, "Paged Optimizers") has the same states in unified memory, paged to the CPU only
// under memory pressure, so they are counted as resident here. + 4 bytes for an fp32 master copy.
double finetune_optimizer_bytes_per_param(const std::string& optimizer, bool master_weights);

// Parameters of the largest single weight tensor: the token embedding or output head (vocab x
// hidden), or a layer's largest projection (hidden x ffn, hidden x query width, hidden x expert ffn).
double largest_weight_tensor_params(const Architecture& a);

// Gradient bytes alive at once with the optimizer step fused into the backward pass (PyTorch
// tutorial "How to save memory by fusing the optimizer step into the backward pass", 2023:
// Tensor.register_post_accumulate_grad_hook; torchtune optimizer_in_bwd / OptimizerInBackward, "freeing
// gradients immediately after they are applied"): each tensor is stepped and its gradient freed as soon
// as the gradient is accumulated, so at most one tensor's gradient exists: the largest trainable one
// (full: largest_weight_tensor_params; LoRA: one adapter matrix, rank x its widest side). No gradient
// accumulation is possible with it (the gradient is gone after each backward).
double optimizer_in_backward_gradient_params(const Architecture& a, bool full, double rank);

// Paged optimizer states (bitsandbytes paged optimizers; Dettmers et al. 2023, QLoRA section 3
// "Paged Optimizers": NVIDIA unified memory, evicted page by page to CPU RAM when the GPU runs out
// and paged back when the optimizer step needs them): they stay on the GPU while memory is free, and
// what does not fit beside everything else is paged to host: resident = min(states, max(0, device -
// other)). torchtune's Llama 3.1 8B full fine-tune (paged 8-bit AdamW) peaks at 18.9 GiB on a 24 GB
// RTX 4090 and at 37.4 GiB on a 48 GB card: the states resident only where they fit.
double paged_states_resident_bytes(double states_bytes, double other_bytes, double device_bytes);

// FSDP CPU offload (PyTorch FSDP CPUOffload(offload_params=True), torchtune fsdp_cpu_offload):
// weights, gradients and optimizer states live in host RAM. The GPU holds the 16-bit weights of the
// units being computed: the root unit (token embedding and output head; FSDP2 keeps the root gathered
// from forward through backward) and two transformer layers (the one computing and the one
// prefetched), all gathered whole: (root params + 2 x layer params) x bytes per param.
double cpu_offload_gpu_weight_bytes(double root_params, double layer_params, double bytes_per_param);

// Seconds of one optimizer step's traffic over the GPU's host link (PCIe or NVLink-C2C, each way):
// FSDP CPU offload copies each GPU's weight shard to the GPU for the forward and again for the
// backward and its gradient shard back (PyTorch FSDP CPUOffload); paged optimizer states that do not
// fit cross to the GPU and back at every step (unified memory). bytes / (link x 0.8), the share of a
// link's rate Envelope's collectives take (collective_bytes_per_s; an assumption for host copies),
// not overlapped with compute.
double host_transfer_seconds_per_step(double bytes, double host_link_bytes_per_s);

// ZeRO-Offload's optimizer step runs on the host CPUs (DeepSpeed CPU-Adam) after the backward pass,
// the GPUs waiting for it (Ren et al. 2021, arXiv:2101.06840, sec. 4.1, the single-GPU schedule;
// DeepSpeed's ZenFlow blog: >60% of a Llama 2 7B step on 4 A100 is GPU idle time). Each GPU's rank
// steps its shard of the trainable parameters; the ranks of one host (up to kGpusPerHost, an HGX /
// DGX node) share its cores and memory, so a host steps trainable x min(GPUs, 8) / GPUs parameters
// at its rate: seconds = that / params_per_second_per_host.
inline constexpr double kGpusPerHost = 8;
// GPUs of one run on one host: min(GPUs, kGpusPerHost), at least 1.
double gpus_per_host(double gpus);
// Host RAM of such a node: 2 TB, the system memory of a DGX H100 and a DGX B200 (NVIDIA DGX H100 and
// DGX B200 datasheets). CPU offload that needs more on one host warns (finetune.memory.host_bytes).
inline constexpr double kHostMemoryBytes = 2e12;
// The default rate, parameters per second per host: the median (of two) of what two DeepSpeed
// measurements on dual-socket A100 hosts imply (docs/calibration.md, 'ZeRO-Offload's CPU step'):
// Qwen2.5-3B on 2 A100 40GB, 2.887 s a step (DeepSpeed blogs/zenflow-corebinding, AMD EPYC 7742 x 2):
// 1.32e9 once the model's GPU compute and PCIe transfers are taken off; Llama 2 7B on 2 GPUs, a full
// update "nearly 4 seconds" (DeepSpeedExamples training/DeepSpeed-ZenFlow/finetuning/README.md):
// 1.68e9. tests/core/test_finetune.cpp recomputes both and holds this constant to their median.
inline constexpr double kHostOptimizerParamsPerSecond = 1.50e9;
double host_optimizer_seconds_per_step(double trainable_params, double gpus, double params_per_second_per_host);

// Compute of one pass over `tokens` tokens. A training step is a forward pass (2 FLOPs per parameter
// per token) and a backward pass that multiplies by each weight twice: once for the gradient of the
// activations, once for the gradient of the weight (Kaplan et al. 2020, section 2.1: 6 N per token).
// A frozen weight needs only the first, so LoRA and QLoRA spend 2 + 2 = 4 FLOPs per base parameter
// per token, plus 6 per adapter parameter (Hu et al. 2021 section 4.2 report 25% faster training
// than full fine-tuning of GPT-3 175B, against 33% fewer FLOPs here). Gradient checkpointing runs
// the forward pass again during backward: + 2 per parameter per token (Chen et al. 2016).
double finetune_flops(double params_active, double adapter_params, double tokens, bool full, bool checkpointing);

// QLoRA's NF4 dequantization, a cost per step of weight traffic rather than per token of compute.
// QLoRA computes in bf16: each frozen NF4 weight is dequantized to a bf16 copy before the matmul
// that uses it (Dettmers et al. 2023, arXiv:2305.14314, section 3 'QLoRA', eqs. 5-6: Y = X
// doubleDequant(c1, c2, W_NF4) + X L1 L2, and the gradient for the adapters "proceeds via equation
// (5) with dequantization from storage WNF4 to computation data type WBF16"; bitsandbytes
// MatMul4Bit calls dequantize_4bit in the forward pass and again in the backward pass for the input
// gradient). Each GPU dequantizes the whole model per forward and backward pass of its micro-batch
// (FSDP gathers the NF4 shards first), however many tokens the micro-batch holds: at small
// micro-batches this traffic is a large share of the step, at large ones it vanishes.

// Bytes one dequantization of every quantized weight moves through HBM: it reads the NF4 codes and
// their block constants (nf4_bits_per_param) and writes a bf16 copy (2 bytes per parameter), which
// the matmul then reads as LoRA reads its bf16 base.
double qlora_dequantize_bytes(double quantized_params, double nf4_bits);

// Dequantizations of each frozen weight per forward and backward pass: forward + backward (input
// gradient) = 2, + 1 for the recomputed forward under activation checkpointing (Chen et al. 2016).
double qlora_dequantizations_per_step(bool checkpointing);

// Seconds one GPU spends dequantizing per step (one forward and backward pass of its micro-batch):
// dequantizations x qlora_dequantize_bytes / (HBM bandwidth x achieved share). The kernel streams
// memory as decode does and is not overlapped with the matmuls (same CUDA stream, bitsandbytes).
double qlora_dequantize_seconds_per_step(double quantized_params, double nf4_bits, bool checkpointing, double bandwidth_bytes_per_s,
                                         double bandwidth_efficiency);

// Forward and backward passes each GPU runs over `tokens`: tokens / (GPUs x micro_batch x seq_len).
double finetune_steps_per_gpu(double tokens, double gpus, double micro_batch, double seq_len);

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
