// Memory (the Memory panel): what one serving replica holds (weights, KV cache, workspace, runtime
// overhead; whether it fits, the GPUs and batch it allows) and what one training GPU holds (model
// states and activations from the step model's layout). Formulas in formulas.hpp with their sources.
#include <algorithm>
#include <cmath>

#include "envelope/format.hpp"
#include "envelope/formulas.hpp"
#include "envelope/units.hpp"
#include "evaluate_parts.hpp"

namespace envelope::detail {

namespace {
// The quantized weight copy's format, for the formula text (quantized_weight_copy_bytes_per_weight).
std::string weight_copy_basis(const std::string& dtype, const std::string& fp8_scaling, double bytes_per_weight) {
  if (dtype == "fp4") return sub("NVFP4, rowwise + columnwise: 2 x (0.5 + 1/16) = %", {bytes_per_weight});
  if (fp8_scaling == "mx") return sub("MXFP8, rowwise + columnwise: 2 x (1 + 1/32) = %", {bytes_per_weight});
  return "FP8: 1; Hopper's transposed copy not counted";
}
}  // namespace

InferenceMemory inference_memory_section(Builder& b, const Resolved& x) {
  const Architecture& arch = x.arch();
  const Accelerator& igpu = x.igpu;
  const DecodeSetup& ds = x.ds;
  const std::string& ispec_src = x.ispec_src;
  const double P = x.P, scale = x.scale;
  const InferenceSection& in = x.sv.inference;
  const Dtype wdt = dtype_from_name(in.weights).value_or(Dtype::bf16);
  const Dtype kvdt = dtype_from_name(in.kv_cache).value_or(Dtype::bf16);
  const double tp = in.tensor_parallel;
  const double context = in.context ? *in.context : in.prompt_tokens + in.output_tokens;
  const double usable = igpu.memory_bytes * in.usable_memory_fraction;
  const double overhead_per_gpu = in.runtime_overhead_gb * kGB;
  const double w_bytes = b.add("memory.inference.weights_bytes", weight_bytes(Term(P), wdt), "B",
                               "params x bytes_per_param (" + in.weights + sub(": % bits per weight with its group scales)",
                                                                               {bits_per_weight(wdt)}),
                               "seed 'Model Size Estimation'; scales per group: OCP MX v1.0 (mxfp4), NVIDIA NVFP4, "
                               "GPTQ/AWQ g128 (int4), llama.cpp ggml-common.h blocks (GGUF)");
  // Per token of context at this context: local (sliding-window/chunked) layers hold at most their window.
  const double kv_tok = kv_cache_bytes_per_token_at_context(arch, kvdt, context);
  const double local_layers = local_attention_layers(arch);
  const std::string kv_layer = arch.attention == "mla" ? "(kv_lora_rank + rope_head_dim) x bytes" : "2 x kv_heads x head_dim x bytes";
  const std::string kv_layer_values = arch.attention == "mla"
      ? sub("(% + %) x %", {arch.kv_lora_rank, arch.rope_head_dim, bytes_per_param(kvdt)})
      : sub("2 x % x % x %", {arch.kv_heads, arch.head_dim, bytes_per_param(kvdt)});
  if (arch.linear_layers > 0) {
    // A hybrid: attention layers cache K and V per token, SSM layers keep a fixed state per sequence.
    const double state = b.add("memory.inference.ssm_state_bytes_per_sequence", ssm_state_bytes_per_sequence(arch, kvdt), "B",
                               "L_ssm x (ssm_heads x head_dim x state x 4 B + (d_inner + 2 groups x state) x (conv - 1) x bytes)",
                               sub("% x (% x % x % x 4 + (% + 2 x % x %) x % x %)",
                                   {arch.linear_layers, arch.ssm_heads, arch.ssm_head_dim, arch.ssm_state, ssm_inner_width(arch),
                                    arch.ssm_groups, arch.ssm_state, arch.ssm_conv - 1, bytes_per_param(kvdt)}),
                               "Mamba-2 (Dao & Gu 2024) recurrent state in fp32 (Nemotron 3 config.json mamba_ssm_cache_dtype) "
                               "and the causal convolution's last inputs; constant in the context");
    b.add("memory.inference.kv_bytes_per_token", kv_tok, "B",
          kv_layer + " x (global_layers x context + local_layers x min(window, context)) / context + ssm_state / context",
          kv_layer_values + sub(" x (% x % + % x min(%, %)) / % + % / % (",
                                {attention_layers(arch) - local_layers, context, local_layers, arch.window, context, context,
                                 state, context}) + "of " + g(arch.layers) + " layers, " + g(arch.linear_layers) +
              " SSM layers hold no KV)",
          "Pope et al. 2022 (attention layers); Mamba-2 state per sequence (Dao & Gu 2024), averaged over the context");
  } else if (local_layers > 0)
    b.add("memory.inference.kv_bytes_per_token", kv_tok, "B",
          kv_layer + " x (global_layers x context + local_layers x min(window, context)) / context",
          kv_layer_values + sub(" x (% x % + % x min(%, %)) / % (",
                                {arch.layers - local_layers, context, local_layers, arch.window, context, context}) + arch.window_kind + " window)",
          "Pope et al. 2022; local layers hold at most their window (Mistral 7B rolling buffer; Gemma 3 report; "
          "gpt-oss model card; Llama 4 attention_chunk_size)");
  else
    b.add("memory.inference.kv_bytes_per_token", kv_tok, "B", "L x " + kv_layer, sub("% x ",
                                                                                     {arch.layers}) + kv_layer_values,
          "Pope et al. 2022; vLLM blog (800 KB/token for OPT-13B); MLA latent: DeepSeek-V2/V3 reports");
  if (context > arch.max_context)
    b.warn("inference.context", substitute_message("context % tokens exceeds the model's maximum of % (max_position_embeddings)",
                                    {context, arch.max_context}));
  // Tokens of KV one running sequence holds. Static batching reserves the whole context per sequence.
  // Continuous batching allocates KV in pages as tokens arrive (vLLM PagedAttention, Kwon et al. 2023;
  // TensorRT-LLM's paged KV cache), and requests join and leave at staggered times, so a running
  // request holds prompt + output / 2 tokens on average: the batch the cache holds is larger.
  const bool paged_kv = x.si.continuous && !in.context;
  const double paged_tokens = in.prompt_tokens + in.output_tokens / 2.0;  // = ds.read_context without a given context
  const double paged_seq_bytes = kv_cache_bytes_per_token_at_context(arch, kvdt, paged_tokens) * paged_tokens;
  const double kv_seq_bytes = paged_kv ? paged_seq_bytes : kv_tok * context;
  const double kv = paged_kv
      ? b.add("memory.inference.kv_cache_bytes",
              Term(paged_seq_bytes / paged_tokens) * (Term(in.prompt_tokens) + Term(in.output_tokens) / Term(2)) * Term(in.batch), "B",
              "kv_bytes_per_token x (prompt + output / 2) x batch (continuous batching, paged KV: mean tokens held)",
              "vLLM PagedAttention (Kwon et al. 2023): KV blocks allocated as tokens arrive; requests at staggered ages")
      : b.add("memory.inference.kv_cache_bytes", Term(kv_tok) * Term(context) * Term(in.batch), "B",
              "kv_bytes_per_token x context x batch", "seed 'Forgetting Inference Memory Overhead'");
  // Prompt tokens in one forward pass, capped at a chunked-prefill budget of 8,192 tokens (vLLM's
  // max_num_batched_tokens default with chunked prefill).
  const double ws_tokens = std::min(in.batch * std::max(1.0, in.prompt_tokens), 8192.0);
  const double ws = b.add("memory.inference.workspace_bytes", inference_workspace_bytes(arch, ws_tokens, in.batch, Dtype::bf16),
                          "B", "tokens x (4h + 2 ffn) x 2 B + batch x vocab x 4 B",
                          sub("% tokens (prefill chunk <= 8192), h=%, ffn=%", {ws_tokens, arch.hidden, arch.ffn}),
                          "one layer's activations alive at a time; vLLM profiles this peak with a dummy forward pass");
  const double overhead = b.add("memory.inference.overhead_bytes", Term(in.runtime_overhead_gb) * Term(kGB) * Term(tp), "B",
                                "runtime_overhead_gb x 1e9 B/GB x tensor_parallel",
                                "CUDA context and allocator slack (~0.5-1 GB per GPU)");
  b.add("memory.inference.total_bytes", Term(w_bytes) + Term(kv) + Term(ws) + Term(overhead), "B",
        "weights + kv_cache + workspace + overhead", "sum");
  const double need = w_bytes + kv + ws;
  // A GPU whose usable memory is not above the runtime overhead holds nothing: no GPU count fits
  // (reported as 0 with a warning, never as "need 0 GPUs").
  const bool room = usable > overhead_per_gpu;
  const std::string no_fit = room ? "" : " <= 0: no GPU count fits";
  const std::string fit_formula = "ceil((weights + kv + workspace) / ((memory x usable_fraction - overhead) x 1))";
  const double fit_gpus =
      room ? b.add("memory.inference.gpus_to_fit",
                   gpus_to_fit(Term(need), Term(igpu.memory_bytes) * Term(in.usable_memory_fraction) - Term(overhead_per_gpu), Term(1.0)),
                   "1", fit_formula, ispec_src)
           : b.add("memory.inference.gpus_to_fit", 0.0, "1", fit_formula,
                   sub("ceil(% / (% x % - %))",
                       {need, igpu.memory_bytes, in.usable_memory_fraction, overhead_per_gpu}) + no_fit,
                   ispec_src);
  if (!room)
    b.warn("memory.inference.gpus_to_fit", substitute_message("the runtime overhead of % GB per GPU is not below the % GB usable on ",
                                               {in.runtime_overhead_gb, usable / kGB}) + igpu.name +
                                               " (memory x usable_memory_fraction): no number of GPUs holds the model; lower "
                                               "inference.runtime_overhead_gb or raise inference.usable_memory_fraction");
  b.add("memory.inference.tensor_parallel_to_fit", room ? tensor_parallel_degree_at_least(fit_gpus, arch.heads, arch.kv_heads) : 0.0, "1",
        "smallest tensor-parallel degree >= gpus_to_fit that splits the attention heads",
        sub("% GPUs, % heads, % KV heads", {fit_gpus, arch.heads, arch.kv_heads}) + (room ? "" : ": no GPU count fits"),
        "Megatron-LM (Shoeybi et al. 2019): heads split evenly across GPUs");
  // Expert parallelism (serving.expert_parallel, MoE): a GPU holds the non-expert weights / tp, the
  // routed experts / (tp x ep), the KV cache of its group's batch / ep, and its group's workspace.
  const double ep = ds.expert_parallel;
  const double expert_w = ep > 1 ? routed_expert_weight_bytes(arch, wdt) * scale : 0.0;
  const double per_gpu_need = ep > 1 ? ((w_bytes - expert_w) + expert_w / ep + kv / ep + ws) / tp : need / tp;
  if (ep > 1)
    b.add("memory.inference.bytes_per_gpu", per_gpu_need + overhead_per_gpu, "B",
          "((weights - routed experts) + routed experts / ep + kv / ep + workspace) / tp + overhead",
          sub("((% - %) + % / % + % / % + %) / % + %",
              {w_bytes, expert_w, expert_w, ep, kv, ep, ws, tp, overhead_per_gpu}),
          "expert parallelism: routed experts sharded over ep groups of tp GPUs, attention data-parallel (DeepSeek-V3 "
          "report sec. 3.4.2; GShard, Lepikhin et al. 2020)");
  const bool inf_fits = per_gpu_need + overhead_per_gpu <= usable;
  b.add("memory.inference.fits", inf_fits ? 1 : 0, "bool",
        ep > 1 ? "memory.inference.bytes_per_gpu <= memory x usable" : "(weights + kv + workspace) / tp + overhead <= memory x usable",
        sub("% <= %", {per_gpu_need + overhead_per_gpu, usable}), ispec_src);
  if (!inf_fits && room)
    b.warn("memory.inference.fits", substitute_message("weights + KV cache do not fit on % x ", {tp}) + igpu.name + substitute_message("; need % GPUs (tensor parallel) or a smaller batch/context/precision",
                                                                                                         {fit_gpus}));
  // Expert parallel: the replica's tp x ep GPUs hold ep copies of the non-expert weights and workspace.
  const double max_batch = b.add("inference.max_batch",
                                 ep > 1 ? max_batch_at_context(usable * tp * ep, (w_bytes - expert_w) * ep + expert_w + (ws + overhead) * ep,
                                                               kv_seq_bytes)
                                        : max_batch_at_context(usable * tp, w_bytes + ws + overhead, kv_seq_bytes),
                                 "1",
                                 paged_kv ? "floor((memory x usable x tp - weights - workspace - overhead) / (kv_per_token x (prompt + output / 2)))"
                                          : "floor((memory x usable x tp - weights - workspace - overhead) / (kv_per_token x context))",
                                 sub("floor((% - %) / %)", {usable * tp, w_bytes + ws + overhead, kv_seq_bytes}),
                                 "KV-cache capacity (vLLM PagedAttention: batch is bounded by KV memory)");
  if (in.batch > max_batch)
    b.warn("inference.batch", substitute_message("batch % exceeds the % sequences whose KV cache fits", {in.batch, max_batch}));
  const double paged_max_batch =
      ep > 1 ? max_batch_at_context(usable * tp * ep, (w_bytes - expert_w) * ep + expert_w + (ws + overhead) * ep, paged_seq_bytes)
             : max_batch_at_context(usable * tp, w_bytes + ws + overhead, paged_seq_bytes);
  return InferenceMemory{tp, ep, inf_fits, max_batch, paged_max_batch,
                         sub("floor((% - %) / %)", {usable * tp, w_bytes + ws + overhead, paged_seq_bytes})};
}

void training_memory_section(Builder& b, const Resolved& x, const TrainingRun& t) {
  const Accelerator& gpu = x.gpu;
  const TrainingSection& tr = x.s.training;
  const TrainingStepModel& step_model = t.model;
  const TrainingPlan& tstep = t.plan;
  const RecipeBytes& rb = t.rb;
  const double P = x.P;
  const std::string& spec_src = x.spec_src;
  const int zero = static_cast<int>(tr.zero_stage);
  const std::string zsrc = "recipe " + tr.recipe + " + " + tr.optimizer + "; ZeRO over dp x cp (Rajbhandari et al. 2020)" +
                           (tstep.state_expert_params > 0 ? "; routed experts by MoE parallel folding, expert tensor parallel 1 (Megatron-Core)" : "") +
                           (tr.grad_reduce_dtype == "bf16" ? "; gradients held in BF16 as reduced (Megatron-Core gradient buffer, "
                                                            "grad_reduce_in_fp32 off)"
                                                          : "");
  // The step model's own inputs to model_state_part_bytes (training_step.cpp): the same formula on the
  // same numbers, here as Terms, so each basis is the arithmetic of its value.
  const bool experts = tstep.state_expert_params > 0;
  auto states = [&](double bytes_per_param, bool sharded) {
    Term t = model_state_part_bytes(Term(tstep.state_dense_params), Term(bytes_per_param), sharded,
                                    Term(tstep.state_data_parallel), Term(tstep.state_model_parallel));
    if (experts)
      t = std::move(t) + model_state_part_bytes(Term(tstep.state_expert_params), Term(bytes_per_param), sharded,
                                     Term(tstep.state_expert_data_parallel), Term(tstep.state_expert_model_parallel));
    return t;
  };
  auto formula = [&](const std::string& bytes, bool sharded) {
    return "params / max(1, tp x pp) x " + bytes + (sharded ? " / max(1, dp x cp)" : "") +
           (experts ? " + routed experts / max(1, pp x ep) x " + bytes + (sharded ? " / max(1, tp x dp x cp / ep)" : "") : "") +
           " (parameters of the busiest pipeline stage)";
  };
  const RecipeBytes& sr = step_model.recipe;
  b.add("memory.training.weights_bytes", states(sr.weights, zero >= 3), "B",
        formula(step_model.fp8_params ? "fp8 weight_bytes (training.fp8_params)" : "weight_bytes", zero >= 3), zsrc);
  b.add("memory.training.gradients_bytes", states(sr.gradients, zero >= 2), "B", formula("grad_bytes", zero >= 2), zsrc);
  const bool bf16_moments = tr.optimizer_state_dtype == "bf16";
  const Term optimizer_states = states(sr.optimizer, zero >= 1);
  b.add("memory.training.optimizer_bytes", optimizer_states, "B",
        formula(bf16_moments ? "(master + optimizer state bytes, moments in BF16)" : "(master + optimizer state bytes)", zero >= 1),
        zsrc);
  if (bf16_moments) {
    // What the BF16 moments save: the same states at the recipe's own bytes per parameter less the
    // above (training.optimizer_state_dtype).
    const RecipeBytes own = gradients_in_reduce_dtype(recipe_bytes_per_param(tr.recipe, tr.optimizer), step_model.grad_reduce_bytes);
    b.add("memory.training.optimizer_state_saved_bytes", states(own.optimizer, zero >= 1) - optimizer_states, "B",
          sub("optimizer states at the recipe's % B/param (master + moments) - at % B/param (moments in BF16)",
              {own.optimizer, sr.optimizer}),
          "DeepSeek-V3 report (arXiv:2412.19437) sec. 3.3.3, 'Low-Precision Optimizer States': AdamW's first and second "
          "moments in BF16 instead of FP32, master weights and gradients in FP32");
  }
  // The step model's own parts (training_step.cpp), not a second computation of them.
  // MoE layers: the routed copies' (and shared experts') saved activations beyond the dense MLP the
  // per-layer formula counts (training_step.hpp, moe_expert_activation_bytes_per_token).
  const bool moe_acts = tstep.moe_activation_bytes_per_layer > 0;
  const bool moe_recompute = tstep.moe_recompute_saved_bytes_per_layer > 0;
  if (moe_recompute)
    b.add("memory.training.moe_recompute_saved_bytes_per_layer", tstep.moe_recompute_saved_bytes_per_layer, "B",
          sub("dense MLP of the per-layer formula - the MoE layer's kept 16-bit input, per MoE layer and micro-batch = % - %",
              {tstep.moe_dense_mlp_activation_bytes,
               tstep.moe_dense_mlp_activation_bytes - tstep.moe_recompute_saved_bytes_per_layer}),
          "training.recompute_moe (Megatron-Core recompute_modules \"moe\"): the MoE layer recomputed in the backward keeps "
          "only its input; no routed copies or shared experts stored");
  if (moe_acts)
    b.add("memory.training.moe_activation_bytes_per_layer",
          max(Term(0.0), Term(tstep.moe_token_copies) * Term(tstep.moe_activation_bytes_per_copy) +
                             Term(tstep.moe_shared_activation_bytes) - Term(tstep.moe_dense_mlp_activation_bytes)),
          "B",
          "max(0, routed copies (s b / (t if SP) x k) x per copy + shared experts - dense MLP of the per-layer formula); per copy = " +
          std::string(step_model.swiglu_fp8_input    ? "h x lin + (2 if gated) x f x 1"
                      : step_model.swiglu_input_only ? "h x lin + (2 if gated) x f x 2"
                                                     : "h x lin + (2 if gated) x f x 2 + f x lin") +
              sub(", per MoE layer and micro-batch (k=%, f=%, lin=",
                  {step_model.arch.experts_per_token, step_model.arch.expert_ffn}) + (tr.dtype == "fp8" ? "1" : "2") + " bytes)",
          std::string("Korthikanti et al. 2022 sec. 4.1 (MLP: linear inputs and activation input saved), once per routed copy "
                      "(Megatron-Core grouped expert MLP, expert tensor parallel 1)") +
              (step_model.swiglu_fp8_input ? "; SwiGLU input cached in FP8, its output recomputed (per copy = h x lin + 2 x f "
                                             "x 1): DeepSeek-V3 report (arXiv:2412.19437) sec. 3.3.3, 'Low-Precision Activation' (2)"
               : step_model.swiglu_input_only ? "; the routed experts' SwiGLU output recomputed, not stored (Megatron-Core "
                                                "recompute_modules \"moe_act\", transformer/moe/experts.py)"
                                           : "") +
              (step_model.recompute_norms ? "; MoE input (RMSNorm output) recomputed, not stored" : ""));
  // Recomputation beyond training.recompute (DeepSeek-V3 sec. 3.2.3): what it frees per layer.
  const bool recompute_saved = tstep.recompute_saved_bytes_per_layer > 0;
  if (recompute_saved) {
    const Architecture& ar = step_model.arch;
    const double lin = tr.dtype == "fp8" ? 1.0 : 2.0, tokens = tr.seq_len / tr.context_parallel * tr.micro_batch;
    const double tokens_sp = tokens / (tr.sequence_parallel ? tr.tensor_parallel : 1.0);
    const bool norms = tstep.norm_recompute_saved_bytes_per_layer > 0, mla = tstep.mla_recompute_saved_bytes_per_layer > 0;
    const Term norm_saved = Term(recomputed_norms_per_layer(ar)) * Term(tokens_sp) * Term(ar.hidden) * Term(lin);
    const Term mla_saved = max(Term(0.0), Term(6.0) * Term(tokens) * Term(ar.hidden) / Term(std::max(1.0, tr.tensor_parallel)) -
                                              Term(tokens) * Term(ar.q_lora_rank + ar.kv_lora_rank + ar.rope_head_dim) * Term(lin));
    const Term saved = norms && mla ? norm_saved + mla_saved : norms ? norm_saved : mla_saved;
    const std::string f =
        std::string(norms ? "norms freed per layer ((1 if MLA) + MoE layers / layers) x tokens x h x lin" : "") + (norms && mla ? " + " : "") +
        (mla ? "max(0, Q, K, V (6 x tokens x h / tp, 16-bit) - latents kept (tokens x (q_lora + kv_lora + rope dims) x lin))" : "");
    b.add("memory.training.recompute_saved_bytes_per_layer", saved, "B",
          f + ", per layer and micro-batch (tokens = s / cp x b" + (tr.sequence_parallel ? ", / tp for the norms" : "") +
              sub(", lin = % bytes)", {lin}),
          "DeepSeek-V3 report (arXiv:2412.19437) sec. 3.2.3, 'Recomputation of RMSNorm and MLA Up-Projection': their output "
          "activations recomputed in back-propagation, not stored; Megatron-Core recompute_modules \"layernorm\": only norms "
          "not fused into the next linear (MoE pre-MLP, MLA input); Korthikanti et al. 2022 sec. 4.1 (what the per-layer "
          "formula stores for them)");
  }
  // Hybrid models: their blocks against the per-layer formula's transformer layers (training_step.cpp).
  const bool hybrid_acts = step_model.arch.linear_layers > 0;
  const bool hybrid_full = hybrid_acts && tr.recompute == "full";
  if (hybrid_acts && !hybrid_full)
    b.add("memory.training.mamba_activation_bytes_per_layer", tstep.hybrid_mamba_bytes_per_layer, "B",
          sub("tokens x ((2 + lin) h + (2 (2 d + 2 g n + heads) + 4 d + lin d) / t), per Mamba-2 block and micro-batch (its "
              "norm fused into in_proj: kept with the norms recomputed) (tokens=s / cp x b=%, lin=%, h=%, d=%, g n=%, heads=%, t=%; h / t with SP)",
              {tr.seq_len / tr.context_parallel * tr.micro_batch, tr.dtype == "fp8" ? 1.0 : 2.0, step_model.arch.hidden,
               step_model.arch.ssm_heads * step_model.arch.ssm_head_dim, step_model.arch.ssm_groups * step_model.arch.ssm_state,
               step_model.arch.ssm_heads, tr.tensor_parallel}),
          "Megatron-Core ssm/mamba_mixer.py _ssm_training: mamba_ssm's mamba_split_conv1d_scan_combined saves its input "
          "(in_proj's z, x, B, C, dt) and the scan output; the RMSNorm after it and out_proj keep theirs");
  const Term hybrid = hybrid_full ? Term(tstep.hybrid_pairs_per_stage) * Term(tstep.activation_bytes_per_layer)
                                  : Term(tstep.hybrid_linear_layers_per_stage) *
                                            (Term(tstep.hybrid_mamba_bytes_per_layer) - Term(tstep.hybrid_attention_bytes_per_layer)) -
                                        Term(tstep.hybrid_mixer_only_layers_per_stage) * Term(tstep.hybrid_absent_mlp_bytes_per_layer);
  const bool op_checkpoint = tstep.layout.recompute == "op";
  if (op_checkpoint) {
    const Architecture& ar = step_model.arch;
    b.add("memory.training.op_checkpoint_bytes_per_layer", tstep.activation_bytes_per_layer, "B",
          sub("tokens x op_saved_per_token(h, heads x d, kv x d, ffn; t, SP) (tokens=%, h=%, heads x d=%, kv x d=%, ffn=%, t=%: % B)",
              {tr.seq_len / tr.context_parallel * tr.micro_batch, ar.hidden, ar.heads * ar.head_dim, ar.kv_heads * ar.head_dim, ar.ffn,
               tr.tensor_parallel, op_checkpoint_saved_bytes_per_token(ar, tr.tensor_parallel, tr.sequence_parallel)}),
          "torchtitan per-op SAC (parallelize_llama.py _save_list): block input, odd matmuls' and attention outputs");
  }
  Term acts = (recompute_saved ? (Term(tstep.activation_bytes_per_layer) - Term(tstep.recompute_saved_bytes_per_layer))
                               : Term(tstep.activation_bytes_per_layer)) *
              Term(tstep.layers_per_stage) * Term(tstep.micro_batches_in_flight);
  if (moe_acts)
    acts = std::move(acts) + Term(tstep.moe_activation_bytes_per_layer) * Term(tstep.moe_layers_per_stage) *
                                 Term(tstep.micro_batches_in_flight);
  if (moe_recompute)
    acts = std::move(acts) - Term(tstep.moe_recompute_saved_bytes_per_layer) * Term(tstep.moe_layers_per_stage) *
                                 Term(tstep.micro_batches_in_flight);
  if (hybrid_acts) acts = std::move(acts) + hybrid * Term(tstep.micro_batches_in_flight);
  b.add("memory.training.activations_bytes", std::move(acts) + Term(tstep.logits_bytes),
        "B",
        std::string(op_checkpoint     ? "op_checkpoint_per_layer"
                    : recompute_saved ? "(per_layer(s / cp, b, h, a, t; recompute, flash, SP) - recompute_saved_per_layer)"
                                    : "per_layer(s / cp, b, h, a, t; recompute, flash, SP)") +
        " x layers per stage x micro-batches in flight" +
        (moe_acts ? " + moe_per_layer x MoE layers per stage x micro-batches in flight" : "") +
        (moe_recompute ? " - moe_recompute_saved_per_layer x MoE layers per stage x micro-batches in flight" : "") +
        (hybrid_full ? " + each pair's second block input (per_layer x pairs per stage) x micro-batches in flight"
         : hybrid_acts ? " + ((mamba_per_layer - attention half) x linear layers - MLP half x mixer-only layers, per stage) x "
                         "micro-batches in flight"
                       : "") +
        sub(" + 4 (s / cp) b V / t (s=%", {tr.seq_len}) + (tr.context_parallel > 1 ? sub(" / cp %",
                                                                                                                                                                                 {tr.context_parallel}) : "") +
            sub(", b=%, recompute=", {tr.micro_batch}) + tr.recompute + (tr.flash_attention ? ", flash" : "") +
            (tr.sequence_parallel ? ", SP" : "") +
            (tr.dtype == "fp8" && tr.recompute != "full" && !op_checkpoint ? ", fp8: linear inputs saved at 1 byte" : "") + ")",
        std::string("Korthikanti et al. 2022, eqs. 1-5 (1F1B: the first stage holds min(pp, micro-batches) micro-batches of its "
                    "layers)") +
            (tr.dtype == "fp8" ? "; fp8: Transformer Engine user guide, 'Performance Considerations', 'Memory usage' "
                                 "(Linear inputs saved for backward as FP8 copies)"
                               : ""));
  const bool fp8_copy = tstep.fp8_weight_copy_bytes > 0;
  if (fp8_copy)
    b.add("memory.training.fp8_weight_copy_bytes", Term(tstep.weights_bytes) / Term(sr.weights) * Term(step_model.weight_copy_bytes_per_weight), "B",
          "weights held / weight bytes per param x bytes per weight of the quantized copy the GEMMs read (" +
              weight_copy_basis(tr.dtype, tr.fp8_scaling, step_model.weight_copy_bytes_per_weight) + ")",
          "Transformer Engine user guide, 'Performance Considerations', 'Memory usage', example 2: \"2 MB (weight) + 1 MB "
          "(weight in FP8)\"; MX / NVFP4 rowwise + columnwise copies: module/linear.py");
  // Multi-token prediction modules (training.multi_token_prediction; training_step.hpp, mtp_bytes).
  const bool mtp = tstep.mtp_bytes > 0;
  if (mtp) {
    b.add("memory.training.mtp_params", step_model.mtp_params, "1",
          "mtp_layers x (transformer block + 2h x h projection + 2 RMSNorms); embedding and output head shared",
          cat({g(step_model.mtp_layers), " x (", g(step_model.mtp_params / step_model.mtp_layers - 2 * step_model.arch.hidden *
                                                                                                  step_model.arch.hidden),
               " + 2 x ", g(step_model.arch.hidden), " x ", g(step_model.arch.hidden), ")"}),
          "DeepSeek-V3 report (arXiv:2412.19437) sec. 2.2, eqs. 21-23 (one block and a projection per depth, shared embedding "
          "and output head; sec. 3.2.3)");
    b.add("memory.training.mtp_bytes",
          Term(tstep.mtp_state_bytes) + Term(tstep.mtp_activation_bytes) + Term(tstep.mtp_logits_bytes), "B",
          "MTP model states on this GPU (dense / tp, experts / ep; ZeRO as the model's" + std::string(fp8_copy ? "; + fp8 copy" : "") +
              ") + mtp_layers x activations of one block for one micro-batch (the last stage's, 1F1B) + mtp_layers x logits "
              "4 (s / cp) b V / t",
          "DeepSeek-V3 report sec. 2.2 (the MTP modules) and sec. 3.2.3 (with DualPipe the output head and the MTP modules "
          "share the first stage's GPU); Korthikanti et al. 2022 sec. 4.2.3 and 4.3");
  }
  // The optimizer's FP32 copy of its 16-bit gradient shard (formulas.hpp gradients_in_reduce_dtype):
  // held at the optimizer step, when the activations are not.
  const bool grad_copy = tstep.gradient_copy_bytes > 0;
  if (grad_copy) {
    const Term own = states(sr.gradient_copy, zero >= 1);
    const double mtp_copy = tstep.gradient_copy_bytes - own.value;
    b.add("memory.training.gradient_copy_bytes", mtp_copy > 0 ? own + Term(mtp_copy) : own, "B",
          formula("4 (FP32 copy of the BF16 gradients)", zero >= 1) + (mtp_copy > 0 ? " + the MTP modules' copy" : ""),
          "held from the optimizer step to the next zero_grad, not during the passes: Megatron-Core "
          "_copy_model_grads_to_main_grads (main_grad.float()), zero_grad(set_to_none) (distrib_optimizer.py)");
  }
  const double train_total = tstep.total_bytes;
  const std::string passes = mtp ? "activations + MTP activations" : "activations";
  const std::string total_parts =
      std::string(fp8_copy ? "weights + gradients + optimizer + fp8 weight copy" : "weights + gradients + optimizer") +
      (mtp ? " + MTP model states" : "") + (grad_copy ? " + max(" + passes + ", gradient copy)" : " + " + passes);
  const Term passes_bytes = Term(tstep.activation_phase_bytes);
  Term total_sum = Term(tstep.weights_bytes) + Term(tstep.gradients_bytes) + Term(tstep.optimizer_bytes);
  if (fp8_copy) total_sum = std::move(total_sum) + Term(tstep.fp8_weight_copy_bytes);
  if (mtp) total_sum = std::move(total_sum) + Term(tstep.mtp_state_bytes);
  total_sum = grad_copy ? std::move(total_sum) + max(passes_bytes, Term(tstep.gradient_copy_bytes)) : std::move(total_sum) + passes_bytes;
  b.add("memory.training.total_bytes", total_sum, "B", total_parts,
        grad_copy ? "sum; the passes and the optimizer step peak apart (Megatron-Core)" : "sum");
  const bool train_fits = tstep.fits;  // the step model's test, so the Memory panel and the Planner agree
  b.add("memory.training.fits", train_fits ? 1 : 0, "bool",
        sub("total <= % x device memory (the rest for allocator fragmentation)", {kTrainingUsableMemoryFraction}),
        sub("% <= % x %", {train_total, kTrainingUsableMemoryFraction, gpu.memory_bytes}), spec_src);
  b.add("memory.training.min_gpus_model_states", gpus_to_fit(Term(P) * Term(rb.total()), Term(gpu.memory_bytes), Term(1.0)), "1",
        "ceil(params x bytes_per_param(recipe) / (memory x 1))",
        "seed 'need at least 2 x A100 80GB' (model states sharded, e.g. ZeRO-3)");
  if (!train_fits)
    b.warn("memory.training.fits", "training state (" + format_bytes(train_total, false) + ") does not fit in " +
                                       g(100 * kTrainingUsableMemoryFraction) + "% of " + gpu.name +
                                       " memory (the rest kept for allocator fragmentation); raise ZeRO stage, tensor/pipeline/"
                                       "context parallel, or use recompute" +
                                       (tr.dtype == "fp8" && !step_model.fp8_params ? ", or hold the weights in fp8 (training.fp8_params)" : ""));

}

}  // namespace envelope::detail
