// The training step model (training_step.hpp): memory per GPU and seconds per step of one layout.
#include "envelope/training_step.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>

#include "envelope/evaluate.hpp"
#include "envelope/formulas.hpp"
#include "envelope/setup.hpp"
#include "envelope/units.hpp"

namespace envelope {

namespace {

// Share of the step's compute in the busiest expert over the mean: routers do not balance tokens
// perfectly. An assumption (Switch Transformer trains with capacity factors 1.0-1.25, Fedus et al.
// 2021 sec. 2.2; DeepSeek-V3's auxiliary-loss-free balancing keeps load close to even, Liu et al.
// 2024 sec. 2.1.2). Not applied with training.expert_balance "forced" (Megatron-Core's
// --moe-router-force-load-balancing), as NVIDIA's published MoE throughput benchmarks run; their
// Model Zoo measured real routing ("dropless") 1.09-1.25x slower than forced on Qwen3-235B at
// 16k-128k tokens (Megatron-MoE-ModelZoo best_practice/qwen3/readme.md, Long Context).
constexpr double kExpertImbalance = 1.1;

// Seconds one link latency adds per hop: ~1 us inside an NVLink domain, ~5 us across InfiniBand /
// RoCE (NCCL's ring latency terms; an assumption, small next to the transfers at these sizes).
constexpr double kScaleUpLatencySeconds = 1e-6, kScaleOutLatencySeconds = 5e-6;

}  // namespace

TrainingStepModel training_step_model(const Scenario& s, const Catalog& c, std::optional<double> efficiency) {
  TrainingStepModel x;
  x.arch = resolved_architecture(s, c);
  x.gpu = resolved_accelerator(s, c);
  const double derived = params_total(x.arch);
  const double scale = derived > 0 && s.model.params ? *s.model.params / derived : 1.0;
  x.params = s.model.params ? *s.model.params : derived;
  x.active = s.model.active_params ? *s.model.active_params : params_active(x.arch) * scale;
  if (x.arch.experts > 0) {
    x.expert_params = moe_layers(x.arch) * x.arch.experts * params_per_expert(x.arch) * scale;
    x.active_expert_params = moe_layers(x.arch) * x.arch.experts_per_token * params_per_expert(x.arch) * scale;
  }
  const Dtype dt = dtype_from_name(s.training.dtype).value_or(Dtype::bf16);
  x.peak = peak_flops_at(s.hardware, x.gpu, dt);
  x.kernel_fit = training_kernel_efficiency(x.gpu, dt);
  x.gemm_half_width = gemm_half_width(x.peak, x.gpu.bandwidth_bytes_per_s);
  x.fp8_scaling_factor = fp8_scaling_kernel_factor(dt, s.training.fp8_scaling);
  x.sp_gather_bytes = sequence_parallel_gather_bytes_per_value(dt, s.training.fp8_scaling);
  x.weight_copy_bytes_per_weight = quantized_weight_copy_bytes_per_weight(dt, s.training.fp8_scaling);
  x.kernel_efficiency = efficiency                     ? *efficiency
                        : s.training.kernel_efficiency ? *s.training.kernel_efficiency
                                                       : x.kernel_fit.value * gemm_width_factor(x.arch.hidden, x.gemm_half_width) *
                                                             x.fp8_scaling_factor;
  // The attention products and the output head stay at 16 bits in fp8 / fp4 training (DeepSeek-V3
  // report sec. 3.3.1: "the embedding module, the output head, MoE gating modules, normalization
  // operators, and attention operators" keep their original precision; Transformer Engine recipes
  // leave FP8 attention off, fp8_dpa=False): they run at the bf16 peak and the bf16 fit.
  x.mixed_precision = dt == Dtype::fp8 || dt == Dtype::fp4;
  x.peak16 = x.mixed_precision ? peak_flops_at(s.hardware, x.gpu, Dtype::bf16) : x.peak;
  x.kernel_efficiency16 = x.mixed_precision ? training_kernel_efficiency(x.gpu, Dtype::bf16).value *
                                                  gemm_width_factor(x.arch.hidden, gemm_half_width(x.peak16, x.gpu.bandwidth_bytes_per_s))
                                            : x.kernel_efficiency;
  x.price = price_per_gpu_hour(s, c);
  x.tokens = s.training.tokens;
  x.recipe = recipe_bytes_per_param(s.training.recipe, s.training.optimizer, s.training.optimizer_state_dtype == "bf16");
  x.attention_width = attention_score_width(x.arch);
  x.matmul_flops_per_exponential = matmul_flops_per_exponential(x.gpu);
  x.attention_head_dim_factor =
      x.arch.heads > 0 ? attention_head_dim_factor(x.attention_width / x.arch.heads, x.matmul_flops_per_exponential) : 1.0;
  x.kv_width = (x.arch.attention == "mla" ? x.arch.heads : x.arch.kv_heads) * x.arch.head_dim;
  x.seq_len = s.training.seq_len;
  x.goodput = s.training.goodput;
  x.dtype = dt;
  x.flash_attention = s.training.flash_attention;
  x.dispatch_per_expert = s.training.expert_dispatcher == "alltoall";
  x.forced_balance = s.training.expert_balance == "forced";
  x.fp8_attention = s.training.fp8_attention && dt == Dtype::fp8;
  // FlashAttention-2 has no fp8 path: with training.fp8_attention the products run fused.
  x.tp_overlap_hidden_share =
      s.training.tp_comm_overlap_method == "async-tp" ? kAsyncTpHiddenShare : kTensorParallelOverlapHiddenShare;
  x.attention_kernel_factor =
      s.training.attention_kernel == "flash2" && !x.fp8_attention ? flash_attention2_rate_factor(x.gpu) : 1.0;
  x.grad_reduce_bytes = s.training.grad_reduce_dtype == "bf16" ? std::min(2.0, x.recipe.gradients) : x.recipe.gradients;
  x.recipe = gradients_in_reduce_dtype(x.recipe, x.grad_reduce_bytes, s.training.optimizer_state_dtype == "bf16");
  x.mtp_weight_bytes_per_param = x.recipe.weights;
  x.fp8_params = s.training.fp8_params && dt == Dtype::fp8;  // scenario.hpp TrainingSection::fp8_params
  if (x.fp8_params) {
    x.recipe.weights = x.weight_copy_bytes_per_weight;
    x.weight_copy_bytes_per_weight = 0;
  }
  x.swiglu_fp8_input = s.training.moe_swiglu_cache == "fp8-input";
  x.swiglu_input_only = s.training.moe_swiglu_cache == "input";
  x.recompute_norms = s.training.recompute_norms;
  x.recompute_mla_up = s.training.recompute_mla_up_projections && x.arch.attention == "mla";
  x.recompute_moe = s.training.recompute_moe && x.arch.experts > 0;
  if (x.recompute_moe) x.moe_forward_flops_per_token = moe_forward_flops_per_token(x.arch);
  x.balanced_pipeline = s.training.pipeline_split == "balanced";
  if (s.training.multi_token_prediction && x.arch.mtp_layers > 0) {
    x.mtp_layers = x.arch.mtp_layers;
    x.mtp_params = mtp_module_params(x.arch);
    x.mtp_expert_params = mtp_module_expert_params(x.arch);
    x.mtp_flops_per_token = mtp_flops_per_token(x.arch, x.seq_len, x.flash_attention);
    x.mtp_bf16 = s.training.mtp_bf16 && x.mixed_precision;
  }
  if (x.recompute_mla_up) x.mla_recompute_flops_per_token = mla_up_projection_recompute_flops_per_token(x.arch);
  // Memory-bound kernels reach the share of peak bandwidth decode does (setup.cpp, llama.cpp tg128).
  x.hbm_bytes_per_s = x.gpu.bandwidth_bytes_per_s * default_efficiencies(x.gpu).decode_bandwidth;
  x.ssm_scan_peak = s.training.ssm_scan_efficiency ? x.peak16 : ssm_scan_peak_flops(s.hardware, x.gpu);
  x.ssm_scan_share = s.training.ssm_scan_efficiency.value_or(kSsmScanEfficiency);
  x.ssm_scan_flops_per_s = x.ssm_scan_peak * x.ssm_scan_share;
  return x;
}

namespace {

// A collective's bandwidth and per-hop latency: inside the scale-up domain (NVLink) when the group
// and everything nested inside it (`span` GPUs) fit there, else the per-GPU scale-out link.
struct Link {
  double bytes_per_s, latency;
};
Link link_for(const Accelerator& g, double span) {
  const bool in_domain = span <= g.scale_up_domain && g.scale_up_bytes_per_s > 0;
  return {collective_bytes_per_s(in_domain ? g.scale_up_bytes_per_s : g.scale_out_bytes_per_s, in_domain),
          in_domain ? kScaleUpLatencySeconds : kScaleOutLatencySeconds};
}

// A ring collective (all-reduce, reduce-scatter, all-gather) over `ranks` GPUs `stride` apart. Across
// scale-up domains NCCL runs a ring channel through the NIC of each of the group's ranks in a domain
// (k = domain / stride of them), so the ring moves k NICs' worth: multi-node all-reduce bus bandwidth
// is the node's NIC bandwidth, not one GPU's (two 8x A100 nodes with 4 x 200 Gb/s NICs measure 86 of
// 100 GB/s, NVIDIA/nccl issue 1048). Capped by the scale-up link its in-domain hops use. An all-to-all
// cannot pool NICs this way ("the performance of a single NIC", NVIDIA/nccl-tests issue 267): link_for.
Link ring_link_for(const Accelerator& g, double ranks, double stride) {
  const Link one = link_for(g, ranks * stride);
  if (ranks * stride <= g.scale_up_domain || g.scale_up_bytes_per_s <= 0) return one;
  const double k = std::clamp(std::floor(g.scale_up_domain / stride), 1.0, ranks);
  const double pooled = std::min(k * one.bytes_per_s, collective_bytes_per_s(g.scale_up_bytes_per_s, true));
  return {std::max(one.bytes_per_s, pooled), one.latency};
}

}  // namespace

TrainingPlan TrainingStepModel::cost(const TrainingLayout& given, double B) const {
  const TrainingStepModel& x = *this;
  // torchtitan's per-op rule is defined for dense attention layers; elsewhere the layer-level selective
  // recompute stands in (the loader and evaluate() say so: conflicts.cpp).
  TrainingLayout L = given;
  if (L.recompute == "op" && !op_checkpoint_applies(x.arch)) L.recompute = "selective";
  TrainingPlan plan;
  plan.layout = L;
  plan.global_batch = B;
  plan.kernel_efficiency = x.kernel_efficiency;
  const Architecture& a = x.arch;
  const double t = std::max(1, L.tensor_parallel), p = std::max(1, L.pipeline_parallel),
               d = std::max(1, L.data_parallel), mb = std::max(1, L.micro_batch), v = std::max(1, L.interleave),
               cp = std::max(1, L.context_parallel);
  const double e = a.experts > 0 ? std::clamp(static_cast<double>(L.expert_parallel), 1.0, a.experts) : 1.0;
  const double seq = x.seq_len, local_seq = seq / cp;
  // Uneven stages: with v chunks per GPU the busiest GPU holds v x ceil(L / (p v)) layers.
  const double layers_per_stage = v * std::ceil(a.layers / (p * v)), imbalance = layers_per_stage / (a.layers / p);
  const double m = B / (d * mb);  // micro-batches per pipeline per step
  plan.micro_batches = m;

  // Memory per GPU. Dense weights are split over TP x PP and ZeRO-sharded over the data-parallel
  // group (DP x CP, whose ranks hold the same weights). Routed experts follow Megatron-Core's MoE
  // parallel folding with expert tensor parallel 1 (expert_tensor_parallel_size=1, as the published
  // DeepSeek-V3 and Qwen3 recipes set; Liu et al. 2025, "MoE Parallel Folding", arXiv:2504.14960):
  // the EP ranks are drawn from the TP x CP x DP GPUs of a stage, each holding whole experts, split
  // over PP x EP and ZeRO-sharded over the TP x CP x DP / EP ranks that hold the same experts.
  const double dense = (x.params - x.expert_params) * imbalance, experts = x.expert_params * imbalance;
  plan.state_dense_params = dense;
  plan.state_expert_params = experts;
  plan.state_data_parallel = d * cp;
  plan.state_model_parallel = t * p;
  plan.state_expert_parallel = e;
  plan.state_expert_model_parallel = p * e;
  plan.state_expert_data_parallel = t * d * cp / e;
  const ModelStateBytes ds = model_state_bytes_per_gpu(dense, x.recipe, L.zero_stage, d * cp, t * p);
  const ModelStateBytes es = model_state_bytes_per_gpu(experts, x.recipe, L.zero_stage, plan.state_expert_data_parallel,
                                                       plan.state_expert_model_parallel);
  // Activations (Korthikanti et al. 2022) of the GPU's share of the sequence (context parallel).
  // fp8 training keeps the linear layers' saved inputs in FP8 (Transformer Engine; formulas.hpp).
  // Recompute "op" (torchtitan) keeps what its policy saves (op_checkpoint_saved_bytes_per_token).
  const bool op_checkpoint = L.recompute == "op";
  const double per_layer =
      op_checkpoint ? op_checkpoint_saved_bytes_per_token(a, t, L.sequence_parallel) * local_seq * mb
                    : activation_bytes_per_layer(local_seq, mb, a.hidden, a.heads, t, L.sequence_parallel, L.recompute,
                                                 x.flash_attention, x.dtype == Dtype::fp8);
  // 1F1B: the first stage keeps min(p, m) micro-batches of its layers; interleaving adds
  // (p-1)/(p v) (Korthikanti et al. 2022, section 4.2.3), up to the step's m micro-batches: the
  // interleaved schedule's warm-up runs at most all m x v model chunks before the first backward
  // (Megatron-Core pipeline_parallel/schedules.py caps num_warmup_microbatches at the total).
  const double in_flight = std::min(m, std::min(p, m) * (v > 1 ? 1.0 + (p - 1) / (p * v) : 1.0));
  plan.weights_bytes = ds.weights + es.weights;
  plan.gradients_bytes = ds.gradients + es.gradients;
  plan.optimizer_bytes = ds.optimizer + es.optimizer;
  // The optimizer's FP32 copy of its 16-bit gradient shard (gradients_in_reduce_dtype), sharded as its
  // states are (ZeRO 1 and up), held at the step while the activations are not.
  plan.gradient_copy_bytes = ds.gradient_copy + es.gradient_copy;
  plan.activation_bytes_per_layer = per_layer;
  plan.layers_per_stage = layers_per_stage;
  plan.micro_batches_in_flight = in_flight;
  plan.logits_bytes = logits_bytes_per_gpu(local_seq, mb, a.vocab, t);
  // Recomputation beyond the layout's recompute setting (DeepSeek-V3 sec. 3.2.3): nothing to free when
  // the layer is recomputed in full (only its input is kept).
  // Linear layers' saved inputs: 1 byte in fp8 (Transformer Engine), else 2; tokens of this GPU's
  // micro-batch, and their share with sequence parallel (Korthikanti et al. 2022).
  const bool fp8 = x.dtype == Dtype::fp8;
  const double lin = fp8 ? 1.0 : 2.0;
  const double mb_tokens = local_seq * mb, tokens_sp = mb_tokens / (L.sequence_parallel ? t : 1.0);
  if (L.recompute != "full" && !op_checkpoint) {
    if (x.recompute_norms)
      plan.norm_recompute_saved_bytes_per_layer = norm_recompute_saved_bytes(tokens_sp, a.hidden, lin, recomputed_norms_per_layer(a));
    if (x.recompute_mla_up)
      plan.mla_recompute_saved_bytes_per_layer = mla_up_projection_recompute_saved_bytes(
          mb_tokens, a.hidden, t, a.q_lora_rank + a.kv_lora_rank + a.rope_head_dim, lin);
  }
  plan.recompute_saved_bytes_per_layer = plan.norm_recompute_saved_bytes_per_layer + plan.mla_recompute_saved_bytes_per_layer;
  // MoE layers keep the activations of each token's k routed copies (expert tensor parallel 1: whole
  // experts, the GPU's own tokens x k copies on average) and of its shared experts (split by TP), in
  // place of the dense 4h MLP the per-layer formula counts (Korthikanti: fc1 input 2, GeLU input 8,
  // fc2 input 8 s b h; fp8: 1, 8, 4). Full recompute keeps only the layer input.
  const double moe_layers_here = a.experts > 0 ? moe_layers(a) * layers_per_stage / a.layers : 0.0;
  plan.moe_layers_per_stage = moe_layers_here;
  if (a.experts > 0 && L.recompute != "full") {
    const double f = a.expert_ffn > 0 ? a.expert_ffn : a.ffn;
    plan.moe_token_copies = tokens_sp * std::max(1.0, a.experts_per_token);
    // A routed copy is expert_input_width wide (LatentMoE: the latent).
    plan.moe_activation_bytes_per_copy =
        moe_expert_activation_bytes_per_token(expert_input_width(a), f, a.gated_mlp, lin, x.swiglu_fp8_input, x.swiglu_input_only);
    // The MoE input (the second RMSNorm's output) is the shared experts' first linear's input; with
    // the norms recomputed it is not stored, and norm_recompute_saved_bytes already took the dense
    // MLP's copy of it out of the per-layer formula (one norm per MoE layer, recomputed_norms_per_layer),
    // so the dense MLP subtracted here leaves it out.
    const double moe_input = x.recompute_norms ? 0.0 : tokens_sp * a.hidden * lin;
    plan.moe_shared_activation_bytes =
        a.shared_experts > 0 ? moe_input + local_seq * mb / t *
                                               moe_expert_activation_bytes_per_token(0.0, a.shared_experts * f, a.gated_mlp, lin,
                                                                                     x.swiglu_fp8_input)
                             : 0.0;
    plan.moe_dense_mlp_activation_bytes = moe_input + local_seq * mb * a.hidden / t * (8.0 + (fp8 ? 4.0 : 8.0));
    if (x.recompute_moe) {
      // Recomputed in the backward (training.recompute_moe): the layer keeps its 16-bit input (none with
      // the norms recomputed: Megatron-Core rebuilds the norm's output first) in place of the dense MLP's.
      const double kept_input = x.recompute_norms ? 0.0 : tokens_sp * a.hidden * 2.0;
      plan.moe_recompute_saved_bytes_per_layer = std::max(0.0, plan.moe_dense_mlp_activation_bytes - kept_input);
    }
    plan.moe_activation_bytes_per_layer = x.recompute_moe ? 0.0 :
        std::max(0.0, plan.moe_token_copies * plan.moe_activation_bytes_per_copy + plan.moe_shared_activation_bytes -
                          plan.moe_dense_mlp_activation_bytes);
  }
  // Hybrids (model.linear_layers): Envelope pairs each MLP or MoE block with a mixer and the per-layer
  // formula counts a transformer layer for each pair. A Mamba-2 mixer keeps its own activations
  // (mamba_block_activation_bytes_per_token) instead of the attention half, and a mixer-only layer has no
  // MLP half; each half as kept after the layer's recompute savings (a recomputed norm's output, the one
  // linear input each half starts with; MLA's up-projections, the attention half's only). Under full
  // recompute Megatron-Core's hybrid stack checkpoints each block: a pair keeps two block inputs.
  if (a.linear_layers > 0 && a.layers > 0) {
    const double stage_share = layers_per_stage / a.layers;
    const double mixer_only = std::clamp(a.mixer_only_layers, 0.0, a.layers);
    if (L.recompute == "full") {
      plan.hybrid_pairs_per_stage = stage_share * (a.layers - mixer_only);
      plan.hybrid_activation_bytes = plan.hybrid_pairs_per_stage * per_layer;
    } else {
      // The recomputed norms (recomputed_norms_per_layer): MLA's input norm on the attention half, the MoE
      // layers' pre-MLP norm on the MLP half (averaged over the pairs), none in a Mamba block (its norm is
      // fused into in_proj).
      const double norm = x.recompute_norms ? tokens_sp * a.hidden * lin : 0.0;
      const double attention_norm = a.attention == "mla" ? norm : 0.0;
      const double mlp_norm = std::max(0.0, plan.norm_recompute_saved_bytes_per_layer - attention_norm);
      const double mlp = mb_tokens * mlp_block_activation_bytes_per_token(a.hidden, t, L.sequence_parallel, lin);
      plan.hybrid_attention_bytes_per_layer =
          std::max(0.0, per_layer - mlp - attention_norm - plan.mla_recompute_saved_bytes_per_layer);
      plan.hybrid_mamba_bytes_per_layer = mb_tokens * mamba_block_activation_bytes_per_token(a, t, L.sequence_parallel, lin);
      plan.hybrid_absent_mlp_bytes_per_layer = mlp - mlp_norm;
      plan.hybrid_linear_layers_per_stage = stage_share * std::min(a.linear_layers, a.layers);
      plan.hybrid_mixer_only_layers_per_stage = stage_share * mixer_only;
      plan.hybrid_activation_bytes =
          plan.hybrid_linear_layers_per_stage * (plan.hybrid_mamba_bytes_per_layer - plan.hybrid_attention_bytes_per_layer) -
          plan.hybrid_mixer_only_layers_per_stage * plan.hybrid_absent_mlp_bytes_per_layer;
    }
  }
  plan.activations_bytes = (per_layer - plan.recompute_saved_bytes_per_layer) * layers_per_stage * in_flight +
                           (plan.moe_activation_bytes_per_layer - plan.moe_recompute_saved_bytes_per_layer) * moe_layers_here * in_flight +
                           plan.hybrid_activation_bytes * in_flight + plan.logits_bytes;
  // fp8 / fp4: the quantized copy of the weights held (their bytes / the recipe's bytes per weight = params).
  auto fp8_copy = [&](double weights) {
    return x.recipe.weights > 0 ? fp8_weight_copy_bytes(weights / x.recipe.weights, x.weight_copy_bytes_per_weight) : 0.0;
  };
  plan.fp8_weight_copy_bytes = fp8_copy(plan.weights_bytes);
  if (x.mtp_layers > 0) {
    // training_step.hpp (TrainingPlan::mtp_bytes). Kept in BF16 (training.mtp_bf16), their weights stay
    // 16-bit with training.fp8_params too.
    RecipeBytes mtp_recipe = x.recipe;
    if (x.mtp_bf16) mtp_recipe.weights = x.mtp_weight_bytes_per_param;
    const ModelStateBytes md = model_state_bytes_per_gpu(x.mtp_params - x.mtp_expert_params, mtp_recipe, L.zero_stage, d * cp, t);
    const ModelStateBytes me =
        model_state_bytes_per_gpu(x.mtp_expert_params, mtp_recipe, L.zero_stage, plan.state_expert_data_parallel, e);
    const double weights = md.weights + me.weights;
    plan.mtp_state_bytes = weights + md.gradients + me.gradients + md.optimizer + me.optimizer + (x.mtp_bf16 ? 0.0 : fp8_copy(weights));
    plan.gradient_copy_bytes += md.gradient_copy + me.gradient_copy;
    plan.mtp_activation_bytes =
        x.mtp_layers * (per_layer - plan.recompute_saved_bytes_per_layer + (moe_layers(a) > 0 ? plan.moe_activation_bytes_per_layer : 0.0));
    plan.mtp_logits_bytes = x.mtp_layers * plan.logits_bytes;
    plan.mtp_bytes = plan.mtp_state_bytes + plan.mtp_activation_bytes + plan.mtp_logits_bytes;
  }
  // Two peaks: the passes' (model states and activations) and the optimizer step's (model states and
  // the FP32 gradient copy, the activations freed); the larger one is the GPU's.
  plan.activation_phase_bytes = plan.activations_bytes + plan.mtp_activation_bytes + plan.mtp_logits_bytes;
  plan.total_bytes = plan.weights_bytes + plan.gradients_bytes + plan.optimizer_bytes + plan.fp8_weight_copy_bytes +
                     plan.mtp_state_bytes + std::max(plan.activation_phase_bytes, plan.gradient_copy_bytes);
  plan.fits = plan.total_bytes <= training_usable_memory_bytes(x.gpu.memory_bytes);

  // FLOPs per step: 6 P D plus attention scores (= Megatron eq. 3: 72BLsh^2(1 + s/6h + V/12hL)).
  const double tokens = B * seq;
  const double attention = 12.0 * B * attention_layers(a) * seq * seq * x.attention_width;
  // With FlashAttention the causal mask's hidden half of the s^2 score and value products is neither
  // computed nor counted (Dao 2023, FlashAttention-2 sec. 3.1.1), nor are the pairs outside a local
  // layer's window (sliding or chunked: Gemma 2/3, gpt-oss, Llama 4; FlashAttention 2.3+ and cuDNN
  // 9.2+ skip those blocks): 12 w per query-key pair, causal_attention_pairs. Without it, Megatron's
  // full count.
  const double executed_attention =
      x.flash_attention ? 12.0 * B * x.attention_width * causal_attention_pairs(a, seq) : attention;
  // A hybrid's SSM layers add their chunked scan, forward and twice that backward (ssm_scan_flops_per_token).
  const double ssm_scan = 3.0 * ssm_scan_flops_per_token(a) * tokens;
  plan.model_flops_per_step = 6.0 * x.active * tokens + executed_attention + ssm_scan;
  // The multi-token-prediction modules run beside the model (recomputed with it under full recompute);
  // MLA's up-projections recomputed on their own unless the whole layer is.
  plan.mtp_flops_per_step = x.mtp_flops_per_token * tokens;
  plan.mla_recompute_flops_per_step = L.recompute == "full" ? 0.0 : x.mla_recompute_flops_per_token * tokens;
  // The MoE layers' forward again in the backward (training.recompute_moe), unless all of it is.
  plan.moe_recompute_flops_per_step = L.recompute == "full" ? 0.0 : x.moe_forward_flops_per_token * tokens;
  // Recompute "op": the matmuls torchtitan's policy does not save, forward again (formulas.hpp).
  plan.op_recompute_flops_per_step = op_checkpoint ? 2.0 * op_checkpoint_recomputed_params_per_layer(a) * a.layers * tokens : 0.0;
  const double executed = plan.model_flops_per_step + plan.mtp_flops_per_step;  // + recompute below
  plan.hardware_flops_per_step = (L.recompute == "full"        ? executed * 4.0 / 3.0
                                  : L.recompute == "selective" ? executed + executed_attention / 3.0
                                                               : executed) +
                                 plan.mla_recompute_flops_per_step + plan.moe_recompute_flops_per_step +
                                 plan.op_recompute_flops_per_step;
  // The forward repeated in the backward, as a share of the forward (executed / 3).
  const double recomputed_forward = L.recompute == "full" ? 1.0
                                    : op_checkpoint && executed > 0 ? plan.op_recompute_flops_per_step / (executed / 3.0)
                                                                    : 0.0;
  plan.forward_share = forward_pass_share(recomputed_forward);
  const double N = t * p * cp * d;
  // The busiest expert gets kExpertImbalance x its share of tokens (none with forced balancing).
  // (At most 1: a given model.active_params below the experts' own count leaves no room for the rest.)
  const double expert_share = x.active > 0 ? std::min(1.0, x.active_expert_params / x.active) : 0.0;
  const double moe_imbalance = e > 1 && !x.forced_balance ? 1.0 + expert_share * (kExpertImbalance - 1.0) : 1.0;
  // Expert GEMMs as narrow as their FFN width run slower than the dense layers' (gemm_width_factor
  // of min(h, expert_ffn) instead of h): Qwen3-30B-A3B's 768-wide experts.
  const double expert_width =
      a.experts > 0 ? gemm_width_factor(std::min(expert_input_width(a), a.expert_ffn > 0 ? a.expert_ffn : a.hidden), x.gemm_half_width)
                    : 1.0;
  // Grouped expert GEMMs are only as tall as the tokens each local expert receives per micro-batch:
  // T = tokens x k x ep / experts, at expert_gemm_rows_factor(T). Expert parallel gathers more tokens
  // per expert (why MoE runs use it on one node).
  const double local_tokens_for_experts = local_seq * mb / (L.sequence_parallel ? t : 1.0);
  const double tokens_per_expert =
      a.experts > 0 ? local_tokens_for_experts * std::max(1.0, a.experts_per_token) * e / a.experts : 0.0;
  const double expert_rows = a.experts > 0 ? expert_gemm_rows_factor(tokens_per_expert) : 1.0;
  const double narrow_experts =
      1.0 - expert_share + expert_share * gemm_width_factor(a.hidden, x.gemm_half_width) / (expert_width * expert_rows);
  // 16-bit work in fp8 / fp4 training: the attention products as executed (recomputed with the layer
  // under selective or full recompute), unless run in fp8 (training.fp8_attention: Transformer Engine's
  // fp8 dot-product attention, Megatron-Core --fp8-dot-product-attention), and the output head's 6 V h
  // per token. (Never more than the hardware FLOPs: a given model.active_params may leave less than the head.)
  // (Recompute "op" saves the attention kernel's output: its products run once.)
  const double attention_with_recompute = executed_attention * (L.recompute == "none" || op_checkpoint ? 1.0 : 4.0 / 3.0);
  const double recompute_factor = L.recompute == "full" ? 4.0 / 3.0 : 1.0;  // the whole forward again
  const double head_flops = 6.0 * a.vocab * a.hidden * tokens * recompute_factor;
  // MTP modules kept in BF16 (training.mtp_bf16): all their FLOPs, recomputed with the model under full recompute.
  if (x.mixed_precision)
    plan.bf16_flops_per_step =
        std::min(plan.hardware_flops_per_step, (x.fp8_attention ? 0.0 : attention_with_recompute) + head_flops +
                                                   (x.mtp_bf16 ? plan.mtp_flops_per_step * recompute_factor : 0.0));
  const double rate = x.peak * x.kernel_efficiency, rate16 = x.peak16 * x.kernel_efficiency16;
  // Attention products with heads narrower than 128 run at attention_head_dim_factor of the rate the
  // fits reached at 128 (gpt-oss: 64): their extra seconds, at the rate the products run at.
  const double attention_rate = x.mixed_precision && !x.fp8_attention ? rate16 : rate;
  plan.attention_flops_per_step = attention_with_recompute;
  plan.attention_head_dim_factor = x.attention_head_dim_factor;
  const double head_dim_kernel_seconds =
      attention_rate > 0 ? attention_with_recompute * (1.0 / plan.attention_head_dim_factor - 1.0) / attention_rate : 0.0;
  // A slower attention kernel (training.attention_kernel "flash2") on the 16-bit attention products.
  plan.attention_kernel_factor = x.attention_kernel_factor;
  const double attention_kernel_seconds =
      attention_rate > 0 ? attention_with_recompute * (1.0 / plan.attention_kernel_factor - 1.0) / plan.attention_head_dim_factor / attention_rate
                         : 0.0;
  // The SSM layers' scan runs at its own, much lower rate (kSsmScanEfficiency of the CUDA-core peak, or
  // a given share of the 16-bit peak: ssm_scan_flops_per_s), recomputed with the whole forward under full
  // recompute.
  plan.ssm_scan_flops_per_step = std::min(ssm_scan * recompute_factor, plan.hardware_flops_per_step - plan.bf16_flops_per_step);
  const double ssm_rate = x.ssm_scan_flops_per_s;
  const double ssm_kernel_seconds = ssm_rate > 0 ? plan.ssm_scan_flops_per_step / ssm_rate : 0.0;
  const double kernel_seconds =
      rate > 0 && rate16 > 0 ? (plan.hardware_flops_per_step - plan.bf16_flops_per_step - plan.ssm_scan_flops_per_step) / rate +
                                   plan.bf16_flops_per_step / rate16 + ssm_kernel_seconds + head_dim_kernel_seconds +
                                   attention_kernel_seconds
                             : 0.0;
  // Pipeline stages: with a balanced split the busiest GPU's share of the work (layers + the output head
  // and MTP modules on the last stage, balanced_pipeline_busiest_layers) over the mean; else the layers'.
  plan.pipeline_compute_imbalance = imbalance;
  if (x.balanced_pipeline && p > 1 && a.layers > 0) {
    const double mtp = plan.mtp_flops_per_step * recompute_factor;
    const double per_layer = std::max(0.0, plan.hardware_flops_per_step - head_flops - mtp) / a.layers;
    if (per_layer > 0) {
      const double extra = (head_flops + mtp) / per_layer;
      plan.pipeline_compute_imbalance = balanced_pipeline_busiest_layers(a.layers, p, extra) / ((a.layers + extra) / p);
    }
  }
  plan.busiest_gpu_factor = plan.pipeline_compute_imbalance * moe_imbalance * narrow_experts;
  auto busiest_gpu = [&](double seconds) { return seconds / N * plan.busiest_gpu_factor; };
  plan.compute_seconds = busiest_gpu(kernel_seconds);
  plan.bf16_compute_seconds = rate16 > 0 ? busiest_gpu(plan.bf16_flops_per_step / rate16) : 0.0;
  plan.attention_head_dim_seconds = busiest_gpu(head_dim_kernel_seconds);
  plan.attention_kernel_seconds = busiest_gpu(attention_kernel_seconds);
  plan.ssm_scan_seconds = busiest_gpu(ssm_kernel_seconds);
  const double act_bytes = 2.0;  // 16-bit activations on the wire
  // Tensor parallel, per layer and micro-batch, of the GPU's s/cp x b x h activations: 2 all-reduces
  // forward + 2 backward (+2 when the forward is recomputed), 16-bit. With sequence parallel the same
  // volume as all-gathers of the GEMM inputs, at the GEMM precision, and reduce-scatters, 16-bit
  // (tensor_parallel_collectives, sequence_parallel_gather_bytes_per_value).
  const Link tp_link = link_for(x.gpu, t);
  const double recomputed = L.recompute == "full" ? 1.0 : 0.0;
  // An all-reduce is a reduce-scatter and an all-gather of the same tensor (ring): without sequence
  // parallel the gathers are the all-reduces' halves, in 16 bits.
  const double tp_tensor = local_seq * mb * a.hidden;  // values per collective
  const double tp_one_way = ring_allreduce_seconds(1.0, t, tp_link.bytes_per_s, 0.0) / 2.0;  // s per byte, one collective
  const double tp_hops = t > 1 ? (t - 1) * tp_link.latency : 0.0;
  const TensorParallelCollectives c = tensor_parallel_collectives(L.recompute, L.sequence_parallel);
  const double gather_bytes = L.sequence_parallel ? x.sp_gather_bytes : act_bytes;
  plan.tensor_parallel_total_seconds = layers_per_stage * m *
                                       (c.gathers * (tp_tensor * gather_bytes * tp_one_way + tp_hops) +
                                        c.scatters * (tp_tensor * act_bytes * tp_one_way + tp_hops));
  plan.tensor_parallel_seconds = plan.tensor_parallel_total_seconds;
  if (L.tp_comm_overlapped()) {
    // Beside the TP-split GEMMs: the compute less its attention products (not split into GEMM chunks).
    const double attention_share =
        plan.hardware_flops_per_step > 0 ? std::min(1.0, attention_with_recompute / plan.hardware_flops_per_step) : 0.0;
    plan.tensor_parallel_gemm_seconds = plan.compute_seconds * (1.0 - attention_share);
    plan.tensor_parallel_seconds = tensor_parallel_exposed_seconds(plan.tensor_parallel_total_seconds, plan.tensor_parallel_gemm_seconds,
                                                                   x.tp_overlap_hidden_share);
  }
  // Context parallel (ring attention): each layer passes the other cp-1 chunks of K and V around the
  // ring in the forward, K/V and their gradients in the backward (3 passes, 4 with full recompute),
  // hidden behind the layer's attention compute as far as it lasts (Megatron-Core CP overlaps them).
  if (cp > 1) {
    const Link cp_link = link_for(x.gpu, t * cp);
    const double chunk = 2.0 * local_seq * mb * x.kv_width / std::min(t, std::max(1.0, a.kv_heads)) * act_bytes;
    const double pass = (cp - 1) * (chunk / cp_link.bytes_per_s + cp_link.latency);
    const double attn_layers = attention_layers(a);
    const double attention_per_layer = rate16 > 0 && attn_layers > 0 ? attention / attn_layers / (B / mb) / (t * cp) / rate16 : 0.0;
    // Only attention layers pass K and V around the ring.
    plan.context_parallel_seconds = layers_per_stage * (attn_layers / a.layers) * m *
                                    std::max(0.0, (3 + recomputed) * pass - attention_per_layer);
    // A hybrid's SSM layers instead switch from sequence to head shards around their convolution and
    // scan (ssm_context_parallel_values_per_token): an all-to-all before and one after, forward and
    // again for the gradients (and the recomputed forward), on the critical path.
    if (a.linear_layers > 0 && a.layers > 0) {
      const double values = ssm_context_parallel_values_per_token(a, t, cp);
      const double one_way = local_seq * mb * values * act_bytes * (cp - 1) / cp / cp_link.bytes_per_s + 2 * (cp - 1) * cp_link.latency;
      plan.ssm_context_parallel_seconds = layers_per_stage * std::min(a.linear_layers, a.layers) / a.layers * m * (2 + recomputed) * one_way;
      plan.context_parallel_seconds += plan.ssm_context_parallel_seconds;
    }
  }
  // Expert parallel: per MoE layer, a dispatch sends each token to its k experts and a combine
  // brings the results back, in the forward and again (as gradients) in the backward; a full
  // recompute repeats the forward pair (Lepikhin et al. 2020). Across nodes, DeepEP-style dispatch
  // (the default) sends a token over the scale-out link once per remote node it targets and NVLink
  // forwards it inside the node (DeepSeek-V3 sec. 3.2.2): expected nodes hit with uniform routing =
  // n (1 - (1 - 1/n)^k), fewer with the model's group-limited routing (nodes_hit_per_token), and inside
  // a node once per GPU hit (the same count over the e GPUs); dispatch
  // in fp8 when training in fp8 or fp4 (DeepSeek-V3), combine and gradients in 16 bits. Megatron-Core's NCCL all-to-all dispatcher (training.expert_dispatcher
  // "alltoall") sends one 16-bit copy per routed expert: k (n - 1) / n copies leave the node.
  // Exposed by default (Megatron-Core's default schedule); hidden behind compute with expert_overlap.
  const double moe_per_stage = a.experts > 0 ? moe_layers(a) * layers_per_stage / a.layers : 0.0;
  // The MoE layers' forward repeated in the backward: with full recompute, or the MoE layers alone
  // (training.recompute_moe): its dispatch and combine, token permutation and weight reads again.
  const double moe_recomputed = recomputed > 0 || x.recompute_moe ? 1.0 : 0.0;
  const bool overlapped = e > 1 && L.expert_overlap && L.recompute != "full";
  if (e > 1) {
    const double span = e;  // the EP group: e GPUs of the stage (parallel folding, above)
    const double local_tokens = local_seq * mb / (L.sequence_parallel ? t : 1.0);
    const double k = std::max(1.0, a.experts_per_token);
    const bool low_precision = (x.dtype == Dtype::fp8 || x.dtype == Dtype::fp4) && !x.dispatch_per_expert;
    const double dispatch_bytes = low_precision ? 1.0 : act_bytes;
    // Bytes per token and hop: forward dispatch + combine, backward pair in 16 bits, recomputed forward.
    const double per_pass = (dispatch_bytes + act_bytes) + 2.0 * act_bytes + moe_recomputed * (dispatch_bytes + act_bytes);
    const double width = expert_input_width(a);  // values a token carries (LatentMoE: dispatched in the latent)
    double seconds_per_layer = 0;
    if (span <= x.gpu.scale_up_domain && x.gpu.scale_up_bytes_per_s > 0) {
      // Inside the domain DeepEP-style dispatch sends a token once per GPU it targets, however many of
      // that GPU's experts it routes to (DeepEP's dispatch layout: tokens per rank, is_token_in_rank),
      // as it does once per node across nodes; the NCCL all-to-all dispatcher once per routed expert.
      const Link in = link_for(x.gpu, span);
      const double copies = x.dispatch_per_expert ? k : nodes_hit_per_token(k, e, a.expert_groups, a.expert_groups_per_token);
      seconds_per_layer = local_tokens * copies * (e - 1) / e * width * per_pass / in.bytes_per_s + 4 * (e - 1) * in.latency;
    } else {
      const Link out = link_for(x.gpu, x.gpu.scale_up_domain + 1.0);
      const double nodes = std::ceil(span / std::max(1, x.gpu.scale_up_domain));
      const double remote_copies =
          x.dispatch_per_expert ? k * (nodes - 1) / nodes
                                : nodes_hit_per_token(k, nodes, a.expert_groups, a.expert_groups_per_token) * (nodes - 1) / nodes;
      seconds_per_layer = local_tokens * remote_copies * width * per_pass / out.bytes_per_s + 4 * (nodes - 1) * out.latency;
    }
    plan.expert_parallel_total_seconds = moe_per_stage * m * seconds_per_layer;
  }
  // MoE work that is neither a GEMM nor communication. Token permutation: each GPU's experts receive
  // (on average, balanced) its own tokens x k copies per micro-batch and MoE layer, each moved through
  // HBM (moe_permutation_bytes_per_token_copy), on the compute stream. With the all-to-all overlapped,
  // its kernels hold SMs the compute beside it loses (expert_comm_sm_seconds).
  if (a.experts > 0 && x.hbm_bytes_per_s > 0) {
    const double copies = local_tokens_for_experts * std::max(1.0, a.experts_per_token);
    plan.moe_layers_per_stage = moe_per_stage;
    plan.moe_token_copies = copies;
    plan.moe_permutation_passes = 1.0 + 0.5 * moe_recomputed;
    plan.moe_permutation_seconds = moe_per_stage * m * plan.moe_permutation_passes * copies *
                                   moe_permutation_bytes_per_token_copy(expert_input_width(a), act_bytes) / x.hbm_bytes_per_s;
  }
  if (overlapped)
    plan.expert_comm_sm_seconds = expert_comm_sm_seconds(plan.compute_seconds, plan.expert_parallel_total_seconds,
                                                         streaming_multiprocessors(x.gpu));
  // The routed experts' weights through HBM for every micro-batch (expert_weight_bytes_per_param): the
  // GPU's e-th share of each MoE layer's experts, read by the forward and the input-gradient GEMMs,
  // their fp32 gradients read and written by the weight-gradient GEMM. Dense layers move the same per
  // weight, but over the micro-batch's every token instead of its T k e / E routed copies: theirs is
  // inside the fitted kernel efficiency (records of 4-8k tokens per micro-batch).
  if (a.experts > 0 && x.hbm_bytes_per_s > 0) {
    plan.expert_local_params_per_layer = a.experts / e * params_per_expert(a);
    plan.expert_weight_bytes_per_param = expert_weight_bytes_per_param(x.mixed_precision, moe_recomputed > 0);
    plan.expert_weight_seconds =
        moe_per_stage * m * plan.expert_local_params_per_layer * plan.expert_weight_bytes_per_param / x.hbm_bytes_per_s;
  }
  plan.moe_work_seconds = plan.moe_permutation_seconds + plan.expert_comm_sm_seconds + plan.expert_weight_seconds;
  // Pipeline bubble (p-1)/m, divided by v with interleaved stages (Narayanan et al. 2021), of each
  // stage's compute-stream time.
  plan.bubble_seconds = (plan.compute_seconds + plan.moe_work_seconds) * (p - 1) / (m * v);
  if (e > 1) {
    // Exposed unless the schedule overlaps it with another micro-batch's compute-stream work (the
    // layout's expert_overlap; Megatron-Core does not with full recompute, whose forward is repeated
    // in the backward: its Combined 1F1B guide says to avoid it then).
    plan.expert_parallel_seconds =
        overlapped ? expert_parallel_exposed_seconds(plan.expert_parallel_total_seconds,
                                                     plan.compute_seconds + plan.moe_work_seconds,
                                                     expert_overlap_unpaired_share(p, v, m))
                   : plan.expert_parallel_total_seconds;
  }
  // Pipeline point-to-point: each micro-batch crosses v stage boundaries forward and back with its
  // s/cp x b x h activations (split over TP with sequence parallel). Stages sit outermost: over the
  // scale-up link when two adjacent stages fit in one domain (NVL72), else across nodes. With virtual
  // stages the sends run beside the next chunk's compute (pipeline_p2p_exposed_seconds).
  if (p > 1) {
    const Link pp_link = link_for(x.gpu, 2.0 * t * cp * d);
    const double bytes = local_seq * mb * a.hidden * act_bytes / (L.sequence_parallel ? t : 1.0);
    plan.pipeline_send_seconds = bytes / pp_link.bytes_per_s + pp_link.latency;
    plan.pipeline_p2p_total_seconds = 2.0 * m * v * plan.pipeline_send_seconds;
    plan.pipeline_chunk_seconds = (plan.compute_seconds + plan.moe_work_seconds) / (m * v);
    const double forward_share = plan.forward_share;
    plan.pipeline_p2p_seconds = pipeline_p2p_exposed_seconds(plan.pipeline_send_seconds, p, v, m,
                                                             plan.pipeline_chunk_seconds * forward_share,
                                                             plan.pipeline_chunk_seconds * (1.0 - forward_share));
  }
  // Data parallel (Rajbhandari et al. 2020): ZeRO-0 all-reduces the accumulated gradients once per
  // step; ZeRO-1 (Megatron-Core's distributed optimizer) reduce-scatters them once per step and
  // all-gathers the updated weights at the weights' bytes (16-bit, or the fp8 copy with
  // training.fp8_params: --fp8-param-gather; until round 27 an all-reduce at the gradients' bytes,
  // the same unless those are fp32); ZeRO-2 keeps only its gradient partition, so it reduce-scatters
  // after every micro-batch's backward and all-gathers the updated weights after the step; ZeRO-3
  // instead all-gathers the weights for every micro-batch's forward and backward (its 3 x params per
  // micro-batch: Rajbhandari et al. sec. 7.2.2). Overlapped with the passes they can run beside
  // (data_parallel_exposed_seconds; once a step, only the last micro-batch's: gradient_reduction_window_seconds).
  // Dense weights are reduced over the DP x CP ranks (TP innermost), routed experts over their
  // expert-data-parallel ranks (TP x CP x DP / EP, EP innermost: MoE parallel folding); each ring
  // pools the NICs of its ranks in a node (ring_link_for) and its latency term grows with its ranks.
  const double dp_ranks = d * cp, edp_ranks = plan.state_expert_data_parallel;
  const Link dense_link = ring_link_for(x.gpu, dp_ranks, t), expert_link = ring_link_for(x.gpu, edp_ranks, e);
  const double dense_shard = dense / (t * p), expert_shard = experts / (p * e);
  auto one_way = [](double bytes, double n, const Link& l) {  // a reduce-scatter or an all-gather
    return n > 1 ? bytes * (n - 1) / n / l.bytes_per_s + (n - 1) * l.latency : 0.0;
  };
  // One collective of `bytes_per_param` over both groups: the dense shard's, then the experts'.
  auto both = [&](double bytes_per_param, bool all_reduce) {
    double sec = all_reduce ? ring_allreduce_seconds(dense_shard * bytes_per_param, dp_ranks, dense_link.bytes_per_s, dense_link.latency)
                            : one_way(dense_shard * bytes_per_param, dp_ranks, dense_link);
    if (expert_shard > 0)
      sec += all_reduce ? ring_allreduce_seconds(expert_shard * bytes_per_param, edp_ranks, expert_link.bytes_per_s, expert_link.latency)
                        : one_way(expert_shard * bytes_per_param, edp_ranks, expert_link);
    return sec;
  };
  if (L.zero_stage == 0)
    plan.data_parallel_seconds = both(x.grad_reduce_bytes, true);
  else if (L.zero_stage == 1)  // gradients reduce-scattered at their bytes, updated weights gathered at theirs
    plan.data_parallel_seconds = both(x.grad_reduce_bytes, false) + both(x.recipe.weights, false);
  else
    plan.data_parallel_seconds = m * both(x.grad_reduce_bytes, false) + (L.zero_stage >= 3 ? 0.0 : both(x.recipe.weights, false));
  plan.zero3_seconds = L.zero_stage >= 3 ? 2.0 * m * both(x.recipe.weights, false) : 0.0;
  const double forward_share = plan.forward_share;
  plan.gradient_reduction_window_seconds =
      L.zero_stage <= 1 ? gradient_reduction_window_seconds(plan.compute_seconds + plan.moe_work_seconds, plan.bubble_seconds, m,
                                                            1.0 - forward_share)
                        : plan.compute_seconds * (1.0 - forward_share);
  plan.data_parallel_exposed_seconds =
      data_parallel_exposed_seconds(plan.data_parallel_seconds, plan.zero3_seconds, plan.compute_seconds * forward_share,
                                    plan.gradient_reduction_window_seconds);
  plan.step_seconds = plan.compute_seconds + plan.moe_work_seconds + plan.bubble_seconds + plan.tensor_parallel_seconds +
                      plan.context_parallel_seconds + plan.expert_parallel_seconds + plan.pipeline_p2p_seconds +
                      plan.data_parallel_exposed_seconds;

  if (plan.step_seconds > 0 && x.peak > 0) {
    plan.model_flops_utilization = plan.model_flops_per_step / (N * x.peak * plan.step_seconds);
    plan.scenario_mfu = training_flops(x.active, tokens, L.recompute == "full") / (N * x.peak * plan.step_seconds);
  }
  if (plan.step_seconds > 0) {
    plan.hardware_tflops_per_gpu = plan.hardware_flops_per_step / N / plan.step_seconds / kTera;
    plan.model_tflops_per_gpu = plan.model_flops_per_step / N / plan.step_seconds / kTera;
    plan.tokens_per_second_per_gpu = tokens / N / plan.step_seconds;
    // Whole-run time: steady-state steps over the goodput (time lost to failures, restarts, evaluation).
    plan.train_seconds = x.tokens / tokens * plan.step_seconds / x.goodput;
  }
  plan.gpu_hours = plan.train_seconds * N / kSecondsPerHour;
  plan.cost_usd = plan.gpu_hours * x.price;
  struct Part {
    const char* name;
    double seconds;
  } parts[] = {{"compute", plan.compute_seconds},
               {"pipeline bubble", plan.bubble_seconds},
               {"tensor-parallel communication", plan.tensor_parallel_seconds},
               {"context-parallel communication", plan.context_parallel_seconds},
               {"expert-parallel all-to-all", plan.expert_parallel_seconds},
               {"MoE token permutation and communication SMs", plan.moe_work_seconds},
               {"pipeline point-to-point", plan.pipeline_p2p_seconds},
               {"data-parallel communication", plan.data_parallel_exposed_seconds}};
  plan.bottleneck = std::max_element(std::begin(parts), std::end(parts), [](const Part& l, const Part& r) {
                      return l.seconds < r.seconds;
                    })->name;
  return plan;
}

namespace {
// MXFP8 / per-tensor FP8 kernel efficiency (mx_block_scaling_kernel_ratio): scripts/fit-training-constants sets it.
constexpr double kMxBlockScalingKernelRatio = 0.910;
// Blackwell (B200 / GB200) fits, and Blackwell Ultra's (B300 / GB300): scripts/fit-training-constants sets them.
const KernelEfficiency blackwell_bf16{0.505, "blackwell", "B200-class bf16: median of 2 published MoE runs; docs/calibration.md"};
const KernelEfficiency blackwell_fp8{0.487, "blackwell", "B200-class fp8: median of 10 published runs; docs/calibration.md"};
const KernelEfficiency blackwell_fp4{0.366, "blackwell", "B200-class NVFP4: median of 3 published runs; docs/calibration.md"};
// Blackwell Ultra (B300 / GB300): the datasheet's dense bf16 and fp8 peaks are B200's, but its runs
// reach more of them (Megatron-Bridge 26.08 ran the same four MoE models on GB300 and GB200 in the
// same container: 1.12-1.28x the tokens/s per GPU; docs/calibration.md, round 9).
// Fitted on its own fp8 runs; bf16 has no published run and takes the B200-class fit scaled by the
// two fp8 fits' ratio; NVFP4, whose datasheet peak already rises 1.5x (15 PFLOPS dense), shares the
// B200-class fit and its GB300 runs are among that fit's records.
const KernelEfficiency ultra_fp8{0.591, "blackwell-ultra", "B300-class fp8: median of 7 published runs; docs/calibration.md"};
double ultra_over_blackwell() { return ultra_fp8.value / blackwell_fp8.value; }
}  // namespace

KernelEfficiency training_kernel_efficiency(const Accelerator& gpu, Dtype compute) {
  const std::string& id = gpu.id;
  auto has = [&](const char* s) { return id.find(s) != std::string::npos; };
  const bool low_precision = compute == Dtype::fp8 || compute == Dtype::fp4 || compute == Dtype::int8;
  if (has("a100")) return {0.55, "ampere", "A100 bf16: 0.55, one value across the 17 published Megatron-LM layouts "
                                           "(Narayanan 2021, Korthikanti 2022, MT-NLG 2022); docs/calibration.md"};
  // Hopper and Blackwell: the median over the group's published runs (assets/validation.json,
  // category training-throughput: Llama 3 Table 4, NeMo 24.07 and Megatron-Bridge 25.11-26.08
  // performance tables, DeepSeek-V3, NVIDIA's Megatron MoE Model Zoo) of the base efficiency that
  // reproduces each run; envelope validate --format markdown prints the fit and each record's leave-one-out error
  // (docs/calibration.md; tests/core/test_training_step.cpp holds these constants to that fit).
  const bool fp4 = compute == Dtype::fp4;
  const KernelEfficiency hopper =
      low_precision ? KernelEfficiency{0.453, "hopper", "H100-class fp8: median of 7 published fp8 runs; docs/calibration.md"}
                    : KernelEfficiency{0.567, "hopper", "H100-class bf16: median of 9 published runs; docs/calibration.md"};
  if (has("h100") || has("h200") || has("h800") || has("gh200") || id == "h20") return hopper;
  // AMD Instinct MI300X to MI355X (CDNA 3 / CDNA 4): the H100-class fit. AMD's published runs (Primus
  // on 64 MI325X / MI355X, PyTorch FSDP on 8 MI300X / MI325X) reach the shares of their dense datasheet
  // peaks H100-class runs do; they are held out of every fit and check it (assets/validation.json,
  // train-step-primus* and train-step-ptb252-*; docs/calibration.md). MXFP4 on MI355X has no published
  // run: the only 4-bit training fit, NVFP4 on Blackwell's, rather than the fp8 share of a peak twice
  // as high.
  // MI300X is MI325X's die at 750 W instead of 1,000 W: large GEMMs hold lower clocks, 668.4 against
  // 784.9 TFLOPS measured on the same dense peak (MAMF, published.json; stas00/ml-engineering), and
  // AMD's published one-node runs of the same jobs on both (PyTorch FSDP, rocm/pytorch-training v25.2)
  // are 0.82-0.84x on MI300X.
  if (is_amd_instinct_cdna3_or_cdna4(gpu)) {
    const bool mi300x = id == "mi300x";
    const double clock = mi300x ? 668.4 / 784.9 : 1.0;
    const KernelEfficiency& fit = fp4 ? blackwell_fp4 : hopper;
    return {fit.value * clock, "cdna",
            fit.source + (fp4 ? "; AMD Instinct 4-bit: no published run" : "; AMD Instinct takes it, checked on AMD's runs (held out)") +
                (mi300x ? "; x 0.852, MI300X's power-limited GEMM clocks (MAMF 668 / 785 TFLOPS of MI325X's)" : ""),
            false};
  }
  if (has("b300") || has("gb300")) {
    if (fp4) return {blackwell_fp4.value, "blackwell", "B200- and B300-class NVFP4: one fit over both; docs/calibration.md"};
    if (low_precision) return ultra_fp8;
    return {blackwell_bf16.value * ultra_over_blackwell(), "blackwell-ultra",
            "B300-class bf16: no published run; the B200-class bf16 fit x the B300 / B200 fp8 fits' ratio"};
  }
  if (has("b200") || has("gb200")) return fp4 ? blackwell_fp4 : low_precision ? blackwell_fp8 : blackwell_bf16;
  // Other accelerators: their whole-run MFU default (evaluate.hpp) scaled as on A100 (0.55 / 0.40).
  const Efficiencies eff = default_efficiencies(gpu);
  return {eff.training_mfu * 1.375, "other", eff.source + "; x 1.375 (A100's kernel efficiency / its MFU)"};
}

double mx_block_scaling_kernel_ratio() {
  // MXFP8 against per-tensor FP8 on the same job: Megatron-Bridge 26.06 ran Llama 3.1 405B on 256 GB300
  // (TP 4 PP 8 in FP8, 1,048 tok/s per GPU; TP 2 PP 8 CP 2 in MXFP8, 952) and on 256 GB200 (TP 4 PP 16,
  // v 4 in FP8, 843; v 8 in MXFP8, 783). The geometric mean of the two jobs' implied kernel efficiencies
  // MX over per-tensor, each through the step model at its own layout (scripts/fit-training-constants
  // sets it; docs/calibration.md round 11). Not fitted on: the same table's Llama 3 70B SFT pairs on one
  // layout (0.89x on GB300, 0.93x on GB200), checked by envelope validate.
  return kMxBlockScalingKernelRatio;
}

double fp8_scaling_kernel_factor(Dtype compute, const std::string& fp8_scaling) {
  return compute == Dtype::fp8 && fp8_scaling == "mx" ? mx_block_scaling_kernel_ratio() : 1.0;
}

std::string fp8_scaling_warning(const Accelerator& gpu, Dtype compute, const std::string& fp8_scaling) {
  if (fp8_scaling_kernel_factor(compute, fp8_scaling) == 1.0) return "";
  const std::string generation = training_kernel_efficiency(gpu, compute).generation;
  if (generation != "hopper" && generation != "ampere") return "";
  return "MXFP8 needs block-scaled tensor cores (Blackwell); " + gpu.name + " has none: the Blackwell MX ratio is applied";
}

TensorParallelCollectives tensor_parallel_collectives(const std::string& recompute, bool sequence_parallel) {
  if (recompute == "op") return {6.0, sequence_parallel ? 4.0 : 6.0};
  return recompute == "full" ? TensorParallelCollectives{6.0, 6.0} : TensorParallelCollectives{4.0, 4.0};
}

double sequence_parallel_gather_bytes_per_value(Dtype compute, const std::string& fp8_scaling) {
  if (compute == Dtype::fp8) return 1.0 + (fp8_scaling == "mx" ? 1.0 / 32.0 : 0.0);  // E4M3 (+ an E8M0 scale per 32 with MX)
  if (compute == Dtype::fp4) return 0.5 + 1.0 / 16.0;              // NVFP4: E2M1 + an E4M3 scale per 16
  return 2.0;
}

double kernel_generation_gain(const Accelerator& gpu) {
  // The B300-class and B200-class fits at the same datasheet precision (fp8, where both have runs).
  return training_kernel_efficiency(gpu, Dtype::fp8).generation == "blackwell-ultra" ? ultra_over_blackwell() : 1.0;
}

double expert_parallel_exposed_seconds(double all_to_all_seconds, double compute_seconds, double unpaired) {
  const double u = std::clamp(unpaired, 0.0, 1.0);
  // Paired chunks: the forward's dispatch + combine (half the all-to-all) run beside another
  // micro-batch's backward (2/3 of the compute), the backward's half beside a forward (1/3).
  const double a = all_to_all_seconds, c = compute_seconds;
  const double paired = std::max(0.0, a / 2.0 - c * 2.0 / 3.0) + std::max(0.0, a / 2.0 - c / 3.0);
  return u * a + (1.0 - u) * paired;
}

double tensor_parallel_exposed_seconds(double communication_seconds, double gemm_seconds, double hidden_share) {
  return std::max(communication_seconds * (1.0 - hidden_share), communication_seconds - gemm_seconds);
}

double pipeline_p2p_exposed_seconds(double send_seconds, double pipeline_parallel, double interleave, double micro_batches,
                                    double chunk_forward_seconds, double chunk_backward_seconds) {
  const double p = std::max(1.0, pipeline_parallel), v = std::max(1.0, interleave), m = std::max(1.0, micro_batches);
  if (p <= 1) return 0.0;
  if (v <= 1) return 2.0 * m * v * send_seconds;
  return 2.0 * (p - 1) * send_seconds +
         m * v * (std::max(0.0, send_seconds - chunk_forward_seconds) + std::max(0.0, send_seconds - chunk_backward_seconds));
}

double data_parallel_exposed_seconds(double reduce_seconds, double gather_seconds, double forward_seconds,
                                     double backward_seconds) {
  return std::max(0.0, gather_seconds / 2.0 - forward_seconds) +
         std::max(0.0, reduce_seconds + gather_seconds / 2.0 - backward_seconds);
}

double training_usable_memory_bytes(double device_memory_bytes) { return device_memory_bytes * kTrainingUsableMemoryFraction; }

double gradient_reduction_window_seconds(double compute_seconds, double bubble_seconds, double micro_batches,
                                         double backward_share) {
  return (compute_seconds / std::max(1.0, micro_batches) + bubble_seconds) * backward_share;
}

double forward_pass_share(double recomputed_forward_share) { return 1.0 / (3.0 + std::max(0.0, recomputed_forward_share)); }

double expert_overlap_unpaired_share(double pipeline_parallel, double interleave, double micro_batches) {
  const double p = std::max(1.0, pipeline_parallel), v = std::max(1.0, interleave), m = std::max(1.0, micro_batches);
  if (p <= 1) return std::min(1.0, 1.0 / m);
  return std::min(1.0, ((p - 1) * 2.0 + (v - 1) * p + 1.0) / (m * v));
}

double moe_permutation_bytes_per_token_copy(double hidden, double bytes_per_value) { return 6.0 * hidden * bytes_per_value; }

double ssm_context_parallel_values_per_token(const Architecture& a, double tp, double cp) {
  const double t = std::max(1.0, tp), c = std::max(1.0, cp);
  const double d = ssm_inner_width(a) / t, groups = std::max(a.ssm_groups / t, c);  // replicated up to cp shards
  return 3.0 * d + 2.0 * groups * a.ssm_state + a.ssm_heads / t;
}

double ssm_scan_peak_flops(const HardwareSection& hw, const Accelerator& gpu) {
  const double fp32 = gpu.peak_flops(Dtype::fp32), peak16 = peak_flops_at(hw, gpu, Dtype::bf16);
  const bool own = hw.gpu != kCustomAccelerator && !hw.peak_tflops && fp32 > 0 && fp32 < peak16;
  return own ? fp32 : peak16 * kCudaCoreShareOfTensorPeak;
}

double expert_weight_bytes_per_param(bool low_precision_weights, bool forward_recomputed) {
  const double w = low_precision_weights ? 1.0 : 2.0;  // the GEMMs' copy: FP8 (Transformer Engine) or 16-bit
  return w * (forward_recomputed ? 3.0 : 2.0) + 8.0;   // forward (+ its recompute) and dgrad reads; fp32 grad r+w
}

double nodes_hit_per_token(double experts_per_token, double nodes, double groups, double groups_per_token) {
  const double k = std::max(1.0, experts_per_token), n = std::max(1.0, nodes);
  auto spread = [k](double over) { return over * (1.0 - std::pow(1.0 - 1.0 / over, k)); };
  const double G = groups, g = groups_per_token;
  const bool limited = G > 1 && g >= 1 && g < G && std::floor(G) == G && std::floor(g) == g && std::floor(n) == n;
  if (!limited) return spread(n);
  if (std::fmod(G, n) == 0) {
    // r = G / n groups per node; P(j picked on a node) = C(r, j) C(G - r, g - j) / C(G, g).
    auto choose = [](double a, double b) {
      if (b < 0 || b > a) return 0.0;
      double c = 1;
      for (double i = 1; i <= b; ++i) c *= (a - b + i) / i;
      return c;
    };
    const double r = G / n, all = choose(G, g);
    double hit = 0;
    for (double j = 1; j <= std::min(r, g); ++j) hit += choose(r, j) * choose(G - r, g - j) / all * (1.0 - std::pow(1.0 - j / g, k));
    return n * hit;
  }
  if (std::fmod(n, G) == 0) return spread(g * n / G);
  return spread(n);
}

double streaming_multiprocessors(const Accelerator& gpu) {
  const std::string& id = gpu.id;
  auto has = [&](const char* s) { return id.find(s) != std::string::npos; };
  if (id == "h20") return 78;
  if (has("h100") || has("h200") || has("h800") || has("gh200")) return 132;
  if (has("b300") || has("gb300")) return 160;
  if (has("b200") || has("gb200")) return 148;
  return 0;
}

double expert_comm_sm_seconds(double compute_seconds, double all_to_all_seconds, double sms) {
  if (sms <= kExpertCommStreamingMultiprocessors) return 0.0;
  return std::min(compute_seconds, all_to_all_seconds) * kExpertCommStreamingMultiprocessors / (sms - kExpertCommStreamingMultiprocessors);
}

double quantized_weight_copy_bytes_per_weight(Dtype compute, const std::string& fp8_scaling) {
  if (compute == Dtype::fp4) return 2.0 * (0.5 + 1.0 / 16.0);
  if (compute != Dtype::fp8) return 0.0;
  if (fp8_scaling == "mx") return 2.0 * (1.0 + 1.0 / 32.0);
  return 1.0;  // per-tensor FP8 (training_step.hpp: Hopper's transpose not counted)
}

double fp8_weight_copy_bytes(double weights, double bytes_per_weight) { return weights * bytes_per_weight; }

double moe_expert_activation_bytes_per_token(double hidden, double ffn, bool gated, double linear_input_bytes,
                                             bool swiglu_fp8_input_recompute_output, bool swiglu_input_recompute_output) {
  if (swiglu_fp8_input_recompute_output) return hidden * linear_input_bytes + (gated ? 2.0 : 1.0) * ffn * 1.0;
  if (swiglu_input_recompute_output) return hidden * linear_input_bytes + (gated ? 2.0 : 1.0) * ffn * 2.0;
  return hidden * linear_input_bytes + (gated ? 2.0 : 1.0) * ffn * 2.0 + ffn * linear_input_bytes;
}

double norm_recompute_saved_bytes(double tokens, double hidden, double linear_input_bytes, double norms) {
  return norms * tokens * hidden * linear_input_bytes;
}

double recomputed_norms_per_layer(const Architecture& a) {
  const double with_mlp = a.layers - std::clamp(a.mixer_only_layers, 0.0, a.layers);  // a hybrid's mixer-only layers have none
  if (with_mlp <= 0) return a.attention == "mla" ? 1.0 : 0.0;
  return (a.attention == "mla" ? 1.0 : 0.0) + (a.experts > 0 ? moe_layers(a) / with_mlp : 0.0);
}

double mla_up_projection_recompute_saved_bytes(double tokens, double hidden, double tp, double latent_values,
                                               double linear_input_bytes) {
  return std::max(0.0, 6.0 * tokens * hidden / std::max(1.0, tp) - tokens * latent_values * linear_input_bytes);
}

double expert_gemm_rows_factor(double rows_per_expert) {
  return rows_per_expert > 0 ? rows_per_expert / (rows_per_expert + kExpertGemmHalfRows) : 0.0;
}

double balanced_pipeline_busiest_layers(double layers, double pipeline_parallel, double last_stage_extra_layers) {
  const double L = std::max(0.0, std::round(layers)), p = std::max(1.0, std::round(pipeline_parallel));
  const double x = std::max(0.0, last_stage_extra_layers);
  if (p <= 1) return L + x;
  double best = L + x;
  for (double n = 0; n <= L; ++n) best = std::min(best, std::max(std::ceil((L - n) / (p - 1)), n + x));
  return best;
}

double attention_head_dim_factor(double head_dim, double matmul_flops_per_exponential) {
  if (head_dim <= 0) return 1.0;
  const double r = matmul_flops_per_exponential;
  return std::min(1.0, (1.0 + r / (4.0 * 128.0)) / (1.0 + r / (4.0 * head_dim)));
}

double flash_attention2_rate_factor(const Accelerator& gpu) {
  // FlashAttention-3 paper, Fig. 5 and 6 (H100 SXM5, bf16, head dim 128, 4k tokens), TFLOPS.
  constexpr double kFa2Forward = 368, kFa2Backward = 310, kCudnnForward = 609, kCudnnBackward = 499;
  constexpr double kBackwardFlopsPerForward = 2.5;  // FlashAttention-2 paper (Dao 2023) sec. 4.1 FLOP count
  if (training_kernel_efficiency(gpu, Dtype::bf16).generation != "hopper") return 1.0;
  const double fa2 = 1.0 / kFa2Forward + kBackwardFlopsPerForward / kFa2Backward;
  const double fused = 1.0 / kCudnnForward + kBackwardFlopsPerForward / kCudnnBackward;
  return fused / fa2;
}

std::string flash_attention2_warning(const Accelerator& gpu, const std::string& attention_kernel) {
  if (attention_kernel != "flash2" || training_kernel_efficiency(gpu, Dtype::bf16).generation.rfind("blackwell", 0) != 0) return "";
  return "FlashAttention-2 on " + gpu.name + " is not measured here: its attention is costed at the fused kernels' rate (optimistic)";
}

double matmul_flops_per_exponential(const Accelerator& gpu) {
  const std::string generation = training_kernel_efficiency(gpu, Dtype::bf16).generation;
  if (generation == "ampere") return 128.0;
  if (generation == "blackwell") return 512.0;
  return 256.0;  // Hopper; Blackwell Ultra (twice Blackwell's exponentials); others as Hopper
}

double gemm_width_factor(double width, double half_width) { return width > 0 ? width / (width + half_width) : 1.0; }

double gemm_half_width(double peak_flops, double bandwidth_bytes_per_s) {
  constexpr double kA100HalfWidth = 256.0, kA100FlopsPerByte = 312e12 / 2039e9;
  return bandwidth_bytes_per_s > 0 && peak_flops > 0 ? kA100HalfWidth * peak_flops / bandwidth_bytes_per_s / kA100FlopsPerByte
                                                     : kA100HalfWidth;
}

double default_global_batch_sequences(double seq_len) {
  return std::max(1.0, std::pow(2.0, std::round(std::log2(4e6 / std::max(1.0, seq_len)))));
}

TrainingLayout scenario_training_layout(const Scenario& s) {
  const TrainingSection& t = s.training;
  TrainingLayout L;
  L.tensor_parallel = static_cast<int>(t.tensor_parallel);
  L.pipeline_parallel = static_cast<int>(t.pipeline_parallel);
  L.context_parallel = static_cast<int>(t.context_parallel);
  L.expert_parallel = static_cast<int>(t.expert_parallel);
  L.data_parallel = std::max(1, static_cast<int>(s.hardware.count / (t.tensor_parallel * t.pipeline_parallel * t.context_parallel)));
  L.zero_stage = static_cast<int>(t.zero_stage);
  L.micro_batch = static_cast<int>(t.micro_batch);
  L.interleave = static_cast<int>(t.interleave);
  L.recompute = t.recompute;
  L.sequence_parallel = t.sequence_parallel;
  L.expert_overlap = t.expert_overlap;
  L.tp_comm_overlap = t.tp_comm_overlap;
  return L;
}

double scenario_global_batch(const Scenario& s) {
  return s.training.global_batch ? *s.training.global_batch : default_global_batch_sequences(s.training.seq_len);
}

TrainingPlan training_step(const Scenario& s, const TrainingLayout& layout, double global_batch, const Catalog& c) {
  return training_step_model(s, c).cost(layout, global_batch > 0 ? global_batch : scenario_global_batch(s));
}

}  // namespace envelope
