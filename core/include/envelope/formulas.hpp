// Every estimate in Envelope as a small function: named for what it computes, the unit in the
// name, and the source of the formula beside it. Inputs and outputs are SI (bytes, FLOPs,
// seconds, USD) unless the name says otherwise. Nothing here reads a scenario or the catalog.
#pragma once
#include <algorithm>
#include <cmath>

#include "envelope/catalog.hpp"
#include "envelope/term.hpp"
#include "envelope/units.hpp"

namespace envelope {

// ---------------------------------------------------------------- model size (seed "Model Size Estimation")

// Bits per weight of a format that stores weights in groups (blocks) sharing a scale (and zero):
// element_bits + scale_and_zero_bits_per_group / group_size. Never exactly 4.0 for 4-bit formats.
double group_quantized_bits_per_weight(double element_bits, double scale_and_zero_bits_per_group, double group_size);

// Bits per weight of a weight format, scales included:
//   fp32/tf32 32, bf16/fp16 16, fp8/int8 8 (one scale per tensor or per output channel: < 0.01 bit).
//   int4   GPTQ/AWQ at group 128: 4-bit weights, an fp16 scale and a 4-bit zero (packed 8 per int32,
//          AutoAWQ WQLinear_GEMM / AutoGPTQ QuantLinear qzeros) per 128 weights: 4 + 20/128 = 4.156.
//          (An fp16 zero instead would give 4.25.)
//   fp4 = mxfp4  OCP Microscaling Formats (MX) Specification v1.0 (2023), section 5: E2M1 elements
//          with one E8M0 (8-bit) scale per block of 32: 4 + 8/32 = 4.25 (gpt-oss MoE weights).
//   nvfp4  NVIDIA "Introducing NVFP4" (developer blog, 2025-06): E2M1 with an FP8 E4M3 scale per 16
//          values, plus one fp32 scale per tensor (negligible per weight): 4 + 8/16 = 4.5.
//   q8_0   llama.cpp ggml-common.h block_q8_0: fp16 scale + 32 int8 = 34 bytes / 32 = 8.5.
//   q4_0   block_q4_0: fp16 scale + 16 bytes of nibbles = 18 bytes / 32 = 4.5.
//   q4_k_m a mix of Q4_K (block_q4_K: 144 bytes / 256 weights = 4.5) and Q6_K (210 / 256 = 6.5625)
//          tensors: ~4.85 on Llama models (llama.cpp quantize README size table).
double bits_per_weight(Dtype d);
// Bytes per parameter of a weight format = bits_per_weight / 8. Seed table: fp32 4, fp16/bf16 2,
// int8 1, int4 0.5 (the seed leaves out group scales; see bits_per_weight).
double bytes_per_param(Dtype d);

// Seed: "Model memory (in bytes) ~ number of parameters x bytes per parameter".
template <Number T>
T weight_bytes(const T& params, Dtype d) {
  return params * T(bytes_per_param(d));
}
inline double weight_bytes(double params, Dtype d) { return weight_bytes<double>(params, d); }

// Parameters derived from the architecture (embeddings + per-layer attention, MLP/experts, norms,
// biases). Sources: Vaswani et al. 2017; Llama (Touvron 2023) gated MLP; GQA (Ainslie 2023);
// Mixtral (Jiang 2024) and DeepSeek-V3 (2024) MoE and MLA; checked against official counts in tests.
double params_total(const Architecture& a);
// Parameters a token passes through: shared layers + experts_per_token + shared experts per MoE layer.
double params_active(const Architecture& a);
// Parameters of one routed expert (gated: 3 matrices, else 2, of expert_input_width x expert_ffn).
double params_per_expert(const Architecture& a);
// The width a routed expert reads and writes: moe_latent with LatentMoE (Nemotron 3 Super: 1,024 of a
// 4,096 hidden), else hidden. The expert all-to-all carries tokens at this width.
double expert_input_width(const Architecture& a);
// Per MoE layer, what every token passes besides its routed experts: the shared experts (at hidden,
// shared_experts x an expert_ffn-wide MLP), the router (hidden x experts) and LatentMoE's two
// projections (2 x hidden x moe_latent; NVIDIA Nemotron 3 white paper, "LatentMoE").
double shared_and_router_params_per_moe_layer(const Architecture& a);
// Parameters of a model's multi-token-prediction modules beyond the main model (DeepSeek-V3 report,
// arXiv:2412.19437 sec. 2.2, eqs. 21-23): per depth one transformer block like the main model's last
// (a MoE block when the model has MoE layers), a projection M_k of 2h x h and the two RMSNorms of its
// inputs; the embedding and the output head are shared with the main model (sec. 2.2; sec. 3.2.3
// "Shared Embedding and Output Head for Multi-Token Prediction"). mtp_layers x that.
double mtp_module_params(const Architecture& a);
// Of those, the routed experts (mtp_layers x experts x params_per_expert when the model has MoE layers).
double mtp_module_expert_params(const Architecture& a);
// Training FLOPs per token the multi-token-prediction modules add to a step (DeepSeek-V3 report sec.
// 2.2: each depth runs one more transformer block on every token and predicts with the shared output
// head): 6 per parameter the block activates (attention, the k routed and the shared experts, the
// router; the dense MLP for a dense model), its 2h x h projection and one more pass of the head
// (vocab x h), plus the block's attention scores as Megatron counts them (12 x seq x heads x head_dim
// per layer and token, the causal half with FlashAttention). DeepSeek-V3 with one depth: ~9.6 GFLOP
// per token beside the main model's ~6 x 37B.
double mtp_flops_per_token(const Architecture& a, double seq_len, bool flash_attention);
// The width w in Megatron's attention-products count 12 x seq x w per layer and token (eq. 3: the
// score product Q K^T and the value product A V, each 2 x seq x heads x its head width, forward and
// backward): heads x head_dim, or for MLA heads x (q/k width + v width) / 2 with q/k width head_dim +
// rope_head_dim (DeepSeek-V3: 128 x (192 + 128) / 2 = 20,480, not 128 x 128).
double attention_score_width(const Architecture& a);
// FLOPs per token of recomputing MLA's up-projections in the backward (DeepSeek-V3 report sec. 3.2.3,
// "Recomputation of RMSNorm and MLA Up-Projection"): their forward once more, 2 per weight, over every
// layer: the query's (q_lora_rank x heads x (head_dim + rope_head_dim)) and the keys' and values'
// (kv_lora_rank x heads x (head_dim + v_head_dim)). RMSNorm recomputation moves bytes, not FLOPs
// worth counting. 0 for attention other than MLA.
double mla_up_projection_recompute_flops_per_token(const Architecture& a);
// Forward FLOPs per token of a model's MoE layers (training.recompute_moe runs them again in the
// backward; Megatron-Core recompute_modules "moe"): 2 per active weight, over the MoE layers, of the
// routed experts a token uses (k x params_per_expert) and the shared experts and router
// (shared_and_router_params_per_moe_layer). Nemotron 3 Nano: 23 x 2 x (6 x 9.98 M + 19.96 M + 0.34 M) = 3.69 GFLOP.
double moe_forward_flops_per_token(const Architecture& a);
// torchtitan's per-op selective activation checkpointing (training.recompute "op"; torchtitan
// parallelize_llama.py _save_list and _custom_policy, commits 9dec370 of 2024-12 and e7c0cae of
// 2025-06, its Llama 3 default selective_ac_option = "op"): inside each checkpointed block the outputs of
// aten.mm (every other one: the 1st, 3rd, ... in forward order), of the attention kernel and of TP
// reduce-scatters are saved, and the rest of the block's forward runs again in the backward. A dense
// layer's matmuls in forward order are wq, wk, wv, wo, then w1, w3, w2 (gated MLP) or fc1, fc2. Float8
// linears dispatch aten.mm on their Float8Tensor inputs, which the policy sees first, so the same
// matmuls are saved. Defined for dense attention layers (op_checkpoint_applies).
bool op_checkpoint_applies(const Architecture& a);
// Weights of the recomputed (even-numbered) matmuls of one layer: 2 FLOPs each per token again in the
// backward. Llama 3 8B: wk 4.19 M + wo 16.8 M + w3 58.7 M = 79.7 M of the layer's 218 M.
double op_checkpoint_recomputed_params_per_layer(const Architecture& a);
// Bytes per token a layer keeps under it, 16-bit: its input (h, / t with sequence parallel), the saved
// matmuls' outputs (column-parallel ones / t; a row-parallel one, wo or the MLP's down projection, is
// the full h of partial sums before its reduction), the attention output (heads x head_dim / t) with its
// fp32 log-sum-exp (heads / t), and with sequence parallel the two reduce-scatters' outputs (h / t
// each). Llama 3 8B, t = 1: 2 x (4096 + 4096 + 1024 + 14336 + 4096 + 4096) + 4 x 32 = 63,616 B.
double op_checkpoint_saved_bytes_per_token(const Architecture& a, double tp, bool sequence_parallel);
// Number of MoE layers: floor((layers with an MLP - leading dense layers) / moe_layer_interval), 0 for
// dense models (DeepSeek-V3 first_k_dense_replace; Llama 4 interleave_moe_layer_step).
double moe_layers(const Architecture& a);
// Layers whose token mixer is attention: layers - linear_layers (all of them in a transformer).
double attention_layers(const Architecture& a);
// Layers with an MLP or MoE block: layers - mixer_only_layers (Nemotron 3 Nano: 29 mixers, 23 MoE).
double mlp_layers(const Architecture& a);

// ---------------------------------------------------------------- hybrid (SSM) layers
// Mamba-2 (Dao & Gu 2024, "Transformers are SSMs: Generalized Models and Efficient Algorithms Through
// Structured State Space Duality", arXiv:2405.21060, sec. 7 "The Mamba-2 architecture"; the reference
// mamba_ssm Mamba2 module and Hugging Face's NemotronHMamba2Mixer), one block per linear layer.

// Inner width of the SSM block: ssm_heads x ssm_head_dim (d_inner; Nemotron 3 Nano 64 x 64 = 4,096).
double ssm_inner_width(const Architecture& a);
// Parameters of one Mamba-2 block: in_proj h x (2 d_inner + 2 groups x state + heads) producing z, x, B,
// C and dt in one matrix; a depthwise causal convolution over x, B and C ((d_inner + 2 groups x state)
// x (conv taps + 1 bias)); A_log, D and dt_bias per head; the gated RMSNorm's d_inner weights; out_proj
// d_inner x h. Nemotron 3 Nano: 2,688 x 10,304 + 6,144 x 5 + 192 + 4,096 + 4,096 x 2,688 = 38.7 M.
double ssm_block_params(const Architecture& a);
// State one sequence keeps across all linear layers, in place of a KV cache that grows with the
// context: per layer the SSM state, heads x head_dim x state values in fp32 (Nemotron 3's config.json
// mamba_ssm_cache_dtype "float32"; vLLM's MambaSpec sizes it so), and the convolution's last conv - 1
// inputs of (d_inner + 2 groups x state) channels at the cache's dtype. Constant in the context:
// Nemotron 3 Nano keeps 23 x (64 x 64 x 128 x 4 B + 6,144 x 3 x 2 B) = 48.3 MB a sequence in bf16.
double ssm_state_bytes_per_sequence(const Architecture& a, Dtype conv_dtype);
// Forward FLOPs per token of the linear layers' scan beyond their projections (the projections are
// parameters, 2 per parameter), by the chunked SSD algorithm (arXiv:2405.21060 sec. 6, chunk 128 as
// Mamba-2's and Nemotron-H's chunk_size): inside a chunk, C B^T per group and its masked product with X
// per head, computed as whole 128 x 128 blocks (mamba_ssm's bmm_chunk and chunk_scan kernels):
// (groups x state + heads x head_dim) x 128 multiply-adds; across chunks each head's state from B and X
// and the output from C and the state, 2 x heads x state x head_dim. x 2 FLOPs a multiply-add x
// linear_layers. Nemotron 3 Nano: 23 x 3.4 MFLOP = 78 MFLOP a token (1.1% of its 7.2 GFLOP of
// projections): few FLOPs, but slow ones (training_step.hpp, kSsmScanEfficiency).
double ssm_scan_flops_per_token(const Architecture& a);
// FLOPs per generated token of the recurrent step: each head's state decays and adds B x^T (2 x state
// x head_dim) and the output reads C from it (2 x state x head_dim): 4 x heads x head_dim x state per
// linear layer; it reads and rewrites the state (ssm_state_bytes_per_sequence) instead of a KV cache.
double ssm_decode_flops_per_token(const Architecture& a);

// ---------------------------------------------------------------- inference memory

// KV cache bytes for one token across all layers: 2 (K and V) x layers x kv_heads x head_dim x bytes.
// (Pope et al. 2022, "Efficiently Scaling Transformer Inference"; vLLM blog: 800 KB/token for OPT-13B.)
// MLA caches the compressed latent instead: layers x (kv_lora_rank + rope_head_dim) x bytes
// (DeepSeek-V2/V3 reports).
double kv_cache_bytes_per_token(const Architecture& a, Dtype kv);
// The same for one layer: 2 x kv_heads x head_dim x bytes (MLA: (kv_lora_rank + rope_head_dim) x bytes).
double kv_cache_bytes_per_layer_token(const Architecture& a, Dtype kv);
// Layers with local attention (sliding window or chunked): window_layers when window > 0, else 0.
double local_attention_layers(const Architecture& a);
// Tokens of KV cache one sequence holds, summed over layers: global layers hold the whole context,
// local layers at most their window (Beltagy et al. 2020 Longformer; Mistral 7B report 2023 "rolling
// buffer cache"; Gemma 3 technical report 2025 section 2, 5 local : 1 global layers with a 1024-token
// window; gpt-oss model card 2025, alternating 128-token banded and dense layers; Llama 4 chunked
// attention of 8192 tokens on 3 of 4 layers, HF config attention_chunk_size; vLLM allocates the
// same window per local layer).
double kv_layer_tokens(const Architecture& a, double context_tokens);
// KV cache for `batch` sequences of `context` tokens each:
// (kv_bytes_per_layer_token x (global_layers x context + local_layers x min(window, context)) + the SSM
// state of a hybrid model's linear layers (ssm_state_bytes_per_sequence)) x batch. Attention layers only
// hold KV: a hybrid's linear layers keep their fixed state instead.
double kv_cache_bytes(const Architecture& a, Dtype kv, double context_tokens, double batch);
// Average KV bytes per token of context at `context` tokens (= kv_cache_bytes_per_token when no
// layer has a window or the context is within it).
double kv_cache_bytes_per_token_at_context(const Architecture& a, Dtype kv, double context_tokens);
// Query-key pairs of causal attention over `s` tokens summed over layers: s^2/2 per global layer,
// s*w - w^2/2 per sliding-window layer with window w < s, and for chunked attention (Llama 4) the
// pairs inside each w-token chunk: floor(s/w) w^2/2 + r^2/2 with r = s mod w.
double causal_attention_pairs(const Architecture& a, double s);

// Activation workspace for one forward pass of `tokens` tokens, one layer alive at a time: the
// residual stream, attention projections and the MLP's widest tensor, plus the logits of the last
// position of each sequence in fp32. (vLLM profiles the same peak with a dummy forward pass.)
double inference_workspace_bytes(const Architecture& a, double tokens, double batch, Dtype act);

// GPUs needed to hold `bytes` with `usable_fraction` of each device's memory.
template <Number T>
T gpus_to_fit(const T& bytes, const T& device_memory_bytes, const T& usable_fraction) {
  if (value_of(device_memory_bytes) <= 0 || value_of(usable_fraction) <= 0) return T(0.0);
  return ceil_count(bytes / (device_memory_bytes * usable_fraction));
}
inline double gpus_to_fit(double bytes, double device_memory_bytes, double usable_fraction) { return gpus_to_fit<double>(bytes, device_memory_bytes, usable_fraction); }

// Whether tensor parallel `tp` can split the attention: whole query heads per GPU (heads % tp == 0;
// Megatron-LM, Shoeybi et al. 2019), and key/value heads either split (kv % tp == 0) or replicated
// (tp % kv == 0). Megatron-Core raises otherwise (transformer_config.py: "num_query_groups must be a
// multiple or divisor of tensor_model_parallel_size"), and vLLM asserts the same two rules: phi-4's
// 40 heads over 10 KV heads run on TP 2, 5 or 10, not 4 or 8. kv_heads <= 0: query heads alone.
bool tensor_parallel_splits_heads(double tp, double heads, double kv_heads);
// A hybrid's Mamba heads split over tensor x context parallel too (Megatron-Core's Mamba mixer and
// its context parallel assert it): true for a model without SSM layers.
bool tensor_context_parallel_splits_ssm_heads(const Architecture& a, double tp, double cp);
// Why `tp` cannot split them, with the degrees that can (up to 64): "tensor parallel 5 does not split
// the 32 attention heads (32 KV heads): ...; 1, 2, 4, 8, 16, 32 do".
std::string tensor_parallel_heads_message(double tp, double heads, double kv_heads);
// Tensor parallelism splits attention heads evenly (tensor_parallel_splits_heads): the smallest
// degree >= `gpus` that does; `gpus` itself when no degree up to `heads` qualifies.
double tensor_parallel_degree_at_least(double gpus, double heads, double kv_heads);

// Largest batch whose KV cache fits beside the weights: (memory - weights - overhead) / (kv per seq).
double max_batch_at_context(double memory_bytes_total, double fixed_bytes, double kv_bytes_per_sequence);

// ---------------------------------------------------------------- training memory (per GPU)

// Bytes per parameter of weights, gradients and optimizer state (incl. fp32 master copy) for a recipe
// and an optimizer. Recipes:
//   fp32        4 + 4 + optimizer(fp32 states)                        (PyTorch default)
//   amp-bf16    4 + 4 + optimizer(fp32 states): fp32 weights, autocast (PyTorch AMP)
//   mixed-bf16  2 + 4 + (4 master + optimizer fp32 states)            (Megatron/DeepSpeed; the seed)
//   mixed-fp16  2 + 2 + (4 master + optimizer fp32 states)            (ZeRO paper, K = 12; Rajbhandari 2020)
//   bf16        2 + 2 + optimizer(bf16 states)                        (pure bf16)
// Optimizer states per parameter: adamw/adam 2, sgd-momentum 1, sgd 0, adam-8bit 2 states of 1 byte
// (Dettmers et al. 2022), muon 1 (its momentum; Jordan et al. 2024 "Muon: An optimizer for hidden layers in neural networks";
// Liu et al. 2025 "Muon is Scalable for LLM Training", arXiv:2502.16982, Kimi K2's optimizer). Muon
// orthogonalizes each weight matrix's update with Newton-Schulz iterations; their FLOPs are not counted,
// nor the AdamW states implementations keep for embeddings, the output head and norms (Kimi K2: 0.2% of
// its parameters; a small model's embeddings are a larger share).
struct RecipeBytes {
  double weights = 0, gradients = 0, optimizer = 0;  // bytes per parameter; optimizer includes master
  // The FP32 copy of the gradients the optimizer makes for its update when they are held in 16 bits
  // (gradients_in_reduce_dtype), sharded like its states. Not held beside the activations: it exists
  // from the optimizer step to the next zero_grad, before the forward pass; total() leaves it out.
  double gradient_copy = 0;
  double total() const { return weights + gradients + optimizer; }
};
// bf16_moments (training.optimizer_state_dtype "bf16"): the optimizer's moments in BF16, at most 2
// bytes each, the FP32 master weights and gradients unchanged: DeepSeek-V3 report (arXiv:2412.19437)
// sec. 3.3.3, "Low-Precision Optimizer States": "We adopt the BF16 data format instead of FP32 to
// track the first and second moments in the AdamW optimizer ... the master weights ... and gradients
// ... are still retained in FP32". mixed-bf16 + adamw: 4 + 2 x 4 = 12 -> 4 + 2 x 2 = 8 bytes.
RecipeBytes recipe_bytes_per_param(const std::string& recipe, const std::string& optimizer, bool bf16_moments = false);
// Gradients held in the dtype they are reduced in (training.grad_reduce_dtype): Megatron-Core's DDP
// gradient buffer is FP32 only with grad_reduce_in_fp32, else the parameters' dtype
// (megatron/core/distributed/param_and_grad_buffer.py, group_params_for_buffers: "grad_dtype: torch.float
// if grad_reduce_in_fp32, else param.dtype"). Its optimizer casts its own shard to FP32 for the update
// (distrib_optimizer.py / optimizer.py, _copy_model_grads_to_main_grads: main_grad.float()) and frees
// that copy at the next step's zero_grad (set_to_none), before the forward pass: gradient_copy, held at
// the optimizer step instead of the activations, sharded like the states. Megatron-Core's
// precision-aware optimizer (precision_aware: the one that keeps BF16 moments, training.optimizer_state_dtype
// "bf16") reads the 16-bit shard in place (decoupled_grad) and copies nothing. mixed-bf16 + AdamW with
// bf16 reduction: 2 + 4 + 12 -> 2 + 2 + 12, and a 4-byte copy at the step.
RecipeBytes gradients_in_reduce_dtype(RecipeBytes r, double reduce_bytes_per_grad, bool precision_aware = false);
// Bytes per parameter of an optimizer's moments: states x bytes per state (AdamW 2 x 4 in FP32,
// Loshchilov and Hutter 2017: first and second moment per parameter).
template <Number T>
T optimizer_moment_bytes_per_param(const T& states, const T& bytes_per_state) {
  return states * bytes_per_state;
}
bool is_known_recipe(const std::string& recipe);
bool is_known_optimizer(const std::string& optimizer);

// ZeRO (Rajbhandari et al. 2020): stage 1 partitions optimizer state over data parallel ranks,
// stage 2 also gradients, stage 3 also weights. Model parallel (tensor x pipeline) divides all three.
struct ModelStateBytes {
  double weights = 0, gradients = 0, optimizer = 0;
  double gradient_copy = 0;  // RecipeBytes::gradient_copy, sharded like the optimizer's states
};
// One part of the model states per GPU: params / model_parallel x bytes per param, / data_parallel
// when ZeRO shards this part (`sharded`).
template <Number T>
T model_state_part_bytes(const T& params, const T& bytes_per_param, bool sharded, const T& data_parallel,
                         const T& model_parallel) {
  using std::max;
  const T part = params / max(T(1.0), model_parallel) * bytes_per_param;
  return sharded ? part / max(T(1.0), data_parallel) : part;
}
ModelStateBytes model_state_bytes_per_gpu(double params, const RecipeBytes& r, int zero_stage,
                                          double data_parallel, double model_parallel);

// Activation bytes of one transformer layer, Korthikanti et al. 2022 ("Reducing Activation
// Recomputation in Large Transformer Models"), eqs. 1-5 (16-bit activations, GPT block):
//   no parallelism            s*b*h*(34 + 5*a*s/h)
//   tensor parallel t          s*b*h*(10 + 24/t + 5*a*s/(h*t))
//   + sequence parallel        s*b*h/t*(34 + 5*a*s/h)
//   selective recompute / flash attention drop the 5*a*s/h term (attention scores never stored)
//   full recompute             2*s*b*h (/t with sequence parallel): only each layer's input is kept
// recompute: "none" | "selective" | "full".
// fp8_linear_inputs (training.dtype fp8, Transformer Engine): each Linear saves its input for the
// weight gradient as an FP8 copy, 1 byte instead of 2 (TE user guide, "Performance Considerations",
// "Memory usage": 2 MB input saved in BF16 vs "1 MB (input in FP8 saved for backward)"). Of the 34
// s*b*h: QKV input 2 -> 1 and MLP fc1 input 2 -> 1 (the 10, replicated under TP), fc2 input 8 -> 4
// and attention-projection input 2 -> 1 (the 24, split by TP). Flash attention still keeps its
// 16-bit output for its own backward beside that FP8 copy (the guide's own example: "the attention
// output which is saved anyway"), so without selective recompute the projection input costs
// 2 + 1 bytes: 24 -> 21 (flash) or 19. Layer norms, the GeLU/SwiGLU input, dropout masks and the
// attention operands stay 16-bit; full recompute keeps the 16-bit layer input (unchanged).
double activation_bytes_per_layer(double seq, double micro_batch, double hidden, double heads, double tp,
                                  bool sequence_parallel, const std::string& recompute, bool flash_attention,
                                  bool fp8_linear_inputs = false);
// The MLP half of activation_bytes_per_layer, per token: its RMSNorm's input 2 h, fc1's input lin h
// and the dropout mask h (replicated over TP unless sequence parallel), the GeLU input 8 h and fc2's
// input 4 lin h (split by TP); lin = 2, or 1 for fp8 linear inputs. 21 h in 16 bits, 16 h in fp8.
double mlp_block_activation_bytes_per_token(double hidden, double tp, bool sequence_parallel, double linear_input_bytes);
// Saved activations per token of a hybrid's Mamba-2 block (Dao and Gu 2024, arXiv:2405.21060) as
// Megatron-Core trains it (ssm/mamba_mixer.py, _ssm_training: mamba_ssm's fused
// mamba_split_conv1d_scan_combined saves its input and the scan's output, recomputing the convolution):
// the block's RMSNorm input 2 h and in_proj's input lin h; in_proj's output z, x, B, C, dt,
// 2 (2 d + 2 g n + heads); the scan output 2 d; the gated output the RMSNorm after it reads, 2 d; and
// out_proj's input lin d (d = heads x head_dim, g n = groups x state; those split by TP, h only under
// sequence parallel). Nemotron 3 Super in fp8 (h 4,096, d 8,192, g n 1,024, 128 heads): 90,368 B, 22 h,
// where the attention half of a transformer layer is 13 h.
double mamba_block_activation_bytes_per_token(const Architecture& a, double tp, bool sequence_parallel,
                                              double linear_input_bytes);
// With 1F1B pipeline scheduling the first stage holds p micro-batches of its L/p layers, so a GPU
// holds L layers' worth regardless of p (Korthikanti et al. 2022, section 4.2.3).
double activation_bytes_per_gpu(double layers, double per_layer_bytes);
// fp32 logits for the loss on the last stage: 4 * s * b * vocab / t (Korthikanti 2022, section 4.3).
double logits_bytes_per_gpu(double seq, double micro_batch, double vocab, double tp);

// ---------------------------------------------------------------- training compute (seed "6PD rule")

// C ~ 6 * P * D (Kaplan et al. 2020; Hoffmann et al. 2022). With full activation recomputation the
// forward pass runs twice: 8 * P * D hardware FLOPs (Korthikanti 2022, section 5). MoE: P = active.
template <Number T>
T training_flops(const T& params_active, const T& tokens, bool full_recompute) {
  return T(full_recompute ? 8.0 : 6.0) * params_active * tokens;
}
inline double training_flops(double params_active, double tokens, bool full_recompute) {
  return training_flops<double>(params_active, tokens, full_recompute);
}
// Megatron's model FLOPs per iteration including attention and logits (Narayanan et al. 2021, eq. 3):
// 72 * B * L * s * h^2 * (1 + s/(6h) + V/(12hL)) for batch B sequences.
double megatron_flops_per_iteration(double batch, double layers, double seq, double hidden, double vocab);
template <Number T>
T petaflop_days(const T& flops) {
  return flops / (T(kPeta) * T(kSecondsPerDay));
}
inline double petaflop_days(double flops) { return petaflop_days<double>(flops); }
// Chinchilla: ~20 tokens per parameter is compute-optimal (Hoffmann et al. 2022).
template <Number T>
T chinchilla_tokens(const T& params) {
  return T(20.0) * params;
}
inline double chinchilla_tokens(double params) { return chinchilla_tokens<double>(params); }
// Seed Q1: time = FLOPs / (GPUs x peak x MFU).
template <Number T>
T training_seconds(const T& flops, const T& gpus, const T& peak_flops_per_gpu, const T& mfu) {
  const T rate = gpus * peak_flops_per_gpu * mfu;
  return value_of(rate) > 0 ? flops / rate : T(0.0);
}
inline double training_seconds(double flops, double gpus, double peak_flops_per_gpu, double mfu) { return training_seconds<double>(flops, gpus, peak_flops_per_gpu, mfu); }
template <Number T>
T gpu_hours(const T& seconds, const T& gpus) {
  return seconds * gpus / T(kSecondsPerHour);
}
inline double gpu_hours(double seconds, double gpus) { return gpu_hours<double>(seconds, gpus); }
// Largest compute-optimal model (D = 20 P) the budget's FLOPs allow: 6 * P * 20P = C -> P = sqrt(C/120).
template <Number T>
T chinchilla_params_for_flops(const T& flops) {
  using std::max;
  using std::sqrt;
  return sqrt(max(T(0.0), flops) / T(120.0));
}
inline double chinchilla_params_for_flops(double flops) { return chinchilla_params_for_flops<double>(flops); }

// ---------------------------------------------------------------- inference speed (seed Q2, Q3)

// Expected distinct experts a decode step touches when `batch` tokens each pick k of E experts
// uniformly: E * (1 - (1 - k/E)^batch).
double expected_experts_hit(double experts, double k, double batch);
// Weight bytes a decode step reads: shared weights once + experts hit per MoE layer.
double decode_weight_bytes_read(const Architecture& a, double batch, Dtype weights);
// The routed-expert part of it: MoE layers x experts hit by `batch` tokens x expert params x bytes
// (0 for a dense model). The rest (attention, dense layers, shared experts, embeddings) is read in full.
double routed_expert_bytes_read(const Architecture& a, double batch, Dtype weights);
// Bytes of all routed experts (MoE layers x experts x expert params x bytes; 0 for a dense model).
double routed_expert_weight_bytes(const Architecture& a, Dtype weights);
// Expert-parallel all-to-all of one step (GShard, Lepikhin et al. 2020, sec. 2.2-3: dispatch and combine
// per MoE layer; DeepSeek-V3 report sec. 3.4.2 for serving): each of the `tokens` goes to k experts as a
// hidden x act_bytes vector and comes back; a GPU of the tp x ep replica sends its share,
// tokens x k x hidden x act_bytes / (tp x ep), of which (ep - 1) / ep leaves its expert group.
// 2 x moe_layers x (share x (ep - 1) / ep / bw + latency); 0 at ep = 1.
double expert_parallel_all_to_all_seconds(double moe_layers, double tokens, double k, double hidden, double tp,
                                          double ep, double bw, double latency, double act_bytes);
// Ring all-reduce: 2 (n-1)/n * bytes / bandwidth + latency per step (2(n-1) steps)
// (Patarasuk & Yuan 2009; NCCL docs "bus bandwidth").
double ring_allreduce_seconds(double bytes, double n, double bandwidth_bytes_per_s, double latency_s);
// Bandwidth a ring collective gets from a link: datasheet NVLink/ICI figures are both directions
// added (A100: 600 GB/s = 300 each way), network figures one way; NCCL reaches ~80% of the one-way
// bandwidth (nccl-tests bus bandwidth ~230 GB/s on DGX A100).
double collective_bytes_per_s(double link_bytes_per_s, bool bidirectional_figure);

// Tensor-parallel decode: two all-reduces of batch x hidden activations per layer (Megatron-LM,
// Shoeybi et al. 2019).
double tensor_parallel_step_seconds(double layers, double batch, double hidden, double tp,
                                    double bandwidth_bytes_per_s, double latency_s, double act_bytes);
// Decode step: bytes read / (bandwidth x efficiency) + 2 x P_active x batch / (FLOPS x efficiency)
// (seed Q2: memory-bound at small batch; compute term takes over at large batch).
template <Number T>
T decode_step_seconds(const T& bytes_read, const T& bandwidth_bytes_per_s, const T& bandwidth_efficiency, const T& flops, const T& peak_flops, const T& compute_efficiency, const T& comm_seconds) {
  const T bandwidth = bandwidth_bytes_per_s * bandwidth_efficiency, compute = peak_flops * compute_efficiency;
  const T memory_s = value_of(bandwidth) > 0 ? bytes_read / bandwidth : T(0.0);
  const T compute_s = value_of(compute) > 0 ? flops / compute : T(0.0);
  return memory_s + compute_s + comm_seconds;
}
inline double decode_step_seconds(double bytes_read, double bandwidth_bytes_per_s, double bandwidth_efficiency, double flops, double peak_flops, double compute_efficiency, double comm_seconds) { return decode_step_seconds<double>(bytes_read, bandwidth_bytes_per_s, bandwidth_efficiency, flops, peak_flops, compute_efficiency, comm_seconds); }
// Prefill FLOPs for one sequence: 2 x P_active x s (matmuls) + 2 x L x s^2 x heads x head_dim
// (causal attention: QK^T and AV, each 2 s^2 d halved by the mask) (Kaplan 2020, Table 1); with
// local layers the s^2/2 pairs per layer are causal_attention_pairs: 4 x pairs x heads x head_dim.
double prefill_flops(const Architecture& a, double params_active, double prompt_tokens);
// Prefill time = compute at prefill efficiency + one read of the weights.
template <Number T>
T prefill_seconds(const T& flops, const T& peak_flops, const T& efficiency, const T& weight_bytes, const T& bandwidth_bytes_per_s, const T& bandwidth_efficiency, const T& comm_seconds) {
  const T compute = peak_flops * efficiency, bandwidth = bandwidth_bytes_per_s * bandwidth_efficiency;
  const T compute_s = value_of(compute) > 0 ? flops / compute : T(0.0);
  const T memory_s = value_of(bandwidth) > 0 ? weight_bytes / bandwidth : T(0.0);
  return compute_s + memory_s + comm_seconds;
}
inline double prefill_seconds(double flops, double peak_flops, double efficiency, double weight_bytes, double bandwidth_bytes_per_s, double bandwidth_efficiency, double comm_seconds) { return prefill_seconds<double>(flops, peak_flops, efficiency, weight_bytes, bandwidth_bytes_per_s, bandwidth_efficiency, comm_seconds); }

// ---------------------------------------------------------------- traffic and serving (seed cascade)

// users x active fraction x requests per active user per day.
template <Number T>
T requests_per_day(const T& users, const T& active_fraction, const T& requests_per_user_per_day) {
  return users * active_fraction * requests_per_user_per_day;
}
inline double requests_per_day(double users, double active_fraction, double requests_per_user_per_day) { return requests_per_day<double>(users, active_fraction, requests_per_user_per_day); }
template <Number T>
T average_qps(const T& requests_per_day) {
  return requests_per_day / T(kSecondsPerDay);
}
inline double average_qps(double requests_per_day) { return average_qps<double>(requests_per_day); }
// Seed "Forgetting Peak Traffic": 3x consumer, 5x payments, 10x advertising.
template <Number T>
T peak_qps(const T& average_qps, const T& peak_factor) {
  return average_qps * peak_factor;
}
inline double peak_qps(double average_qps, double peak_factor) { return peak_qps<double>(average_qps, peak_factor); }
// Replicas to serve `demand` per second at `capacity` per replica, never fewer than `min_replicas`.
template <Number T>
T replicas_needed(const T& demand_per_s, const T& capacity_per_replica_per_s, const T& min_replicas) {
  using std::max;
  if (value_of(capacity_per_replica_per_s) <= 0) return min_replicas;
  return max(min_replicas, ceil_count(demand_per_s / capacity_per_replica_per_s));
}
inline double replicas_needed(double demand_per_s, double capacity_per_replica_per_s, double min_replicas) { return replicas_needed<double>(demand_per_s, capacity_per_replica_per_s, min_replicas); }
// Seed fraud example: cores = peak QPS / (1000 / ms per request) x headroom.
template <Number T>
T cpu_cores_needed(const T& peak_qps, const T& ms_per_request, const T& headroom) {
  return peak_qps * ms_per_request / T(1000.0) * headroom;
}
inline double cpu_cores_needed(double peak_qps, double ms_per_request, double headroom) { return cpu_cores_needed<double>(peak_qps, ms_per_request, headroom); }
// units x USD per unit-hour x 730 hours per month.
template <Number T>
T monthly_usd(const T& units, const T& usd_per_unit_hour) {
  return units * usd_per_unit_hour * T(kHoursPerMonth);
}
inline double monthly_usd(double units, double usd_per_unit_hour) { return monthly_usd<double>(units, usd_per_unit_hour); }

// ---------------------------------------------------------------- storage (seed "Storage Estimation")

template <Number T>
T raw_bytes_per_day(const T& users, const T& events_per_user_per_day, const T& bytes_per_event) {
  return users * events_per_user_per_day * bytes_per_event;
}
inline double raw_bytes_per_day(double users, double events_per_user_per_day, double bytes_per_event) { return raw_bytes_per_day<double>(users, events_per_user_per_day, bytes_per_event); }
// Bytes kept: daily bytes x retention / compression (Parquet+Snappy ~4-5x per the seed).
template <Number T>
T stored_bytes(const T& bytes_per_day, const T& retention_days, const T& compression_ratio) {
  return value_of(compression_ratio) > 0 ? bytes_per_day * retention_days / compression_ratio : T(0.0);
}
inline double stored_bytes(double bytes_per_day, double retention_days, double compression_ratio) { return stored_bytes<double>(bytes_per_day, retention_days, compression_ratio); }
template <Number T>
T object_storage_monthly_usd(const T& bytes, const T& usd_per_gb_month) {
  return bytes / T(kGB) * usd_per_gb_month;
}
inline double object_storage_monthly_usd(double bytes, double usd_per_gb_month) { return object_storage_monthly_usd<double>(bytes, usd_per_gb_month); }
// Seed "Storage and Memory": 1 million text tokens ~ 4 MB, i.e. ~4 bytes of UTF-8 text per token.
template <Number T>
T dataset_bytes(const T& tokens, const T& bytes_per_token) {
  return tokens * bytes_per_token;
}
inline double dataset_bytes(double tokens, double bytes_per_token) { return dataset_bytes<double>(tokens, bytes_per_token); }
// Feature store (seed "Feature Store Storage"): entities x features x bytes + embeddings.
template <Number T>
T feature_bytes(const T& entities, const T& features, const T& bytes_per_feature) {
  return entities * features * bytes_per_feature;
}
inline double feature_bytes(double entities, double features, double bytes_per_feature) { return feature_bytes<double>(entities, features, bytes_per_feature); }
template <Number T>
T embedding_bytes(const T& entities, const T& dim, const T& bytes_per_value) {
  return entities * dim * bytes_per_value;
}
inline double embedding_bytes(double entities, double dim, double bytes_per_value) { return embedding_bytes<double>(entities, dim, bytes_per_value); }
// Nodes: ceil(bytes x headroom / node bytes). The seed writes int(x * 1.2 / 64) + 1.
template <Number T>
T kv_store_nodes(const T& bytes, const T& headroom, const T& node_bytes) {
  using std::max;
  if (value_of(node_bytes) <= 0) return T(0.0);
  return max(T(1.0), ceil_count(bytes * headroom / node_bytes));
}
inline double kv_store_nodes(double bytes, double headroom, double node_bytes) { return kv_store_nodes<double>(bytes, headroom, node_bytes); }

}  // namespace envelope
