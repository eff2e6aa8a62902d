// Implementations of core/include/envelope/formulas.hpp. Sources are cited at each declaration.
#include "envelope/formulas.hpp"
#include "envelope/format.hpp"

#include <algorithm>
#include <cmath>

namespace envelope {

double group_quantized_bits_per_weight(double element_bits, double scale_and_zero_bits_per_group, double group_size) {
  return element_bits + scale_and_zero_bits_per_group / group_size;
}

double bits_per_weight(Dtype d) {
  switch (d) {
    case Dtype::fp32: case Dtype::tf32: return 32.0;
    case Dtype::bf16: case Dtype::fp16: return 16.0;
    case Dtype::fp8: case Dtype::int8: return 8.0;
    case Dtype::int4: return group_quantized_bits_per_weight(4, 16 + 4, 128);    // GPTQ/AWQ g128
    case Dtype::fp4: case Dtype::mxfp4: return group_quantized_bits_per_weight(4, 8, 32);  // OCP MX
    case Dtype::nvfp4: return group_quantized_bits_per_weight(4, 8, 16);
    case Dtype::q8_0: return group_quantized_bits_per_weight(8, 16, 32);
    case Dtype::q4_0: return group_quantized_bits_per_weight(4, 16, 32);
    case Dtype::q4_k_m: return 4.85;
  }
  return 16.0;
}

double bytes_per_param(Dtype d) { return bits_per_weight(d) / 8.0; }


namespace {
double norm_params(const Architecture& a) { return a.norm == "layer" ? 2 * a.hidden : a.hidden; }

double attention_params(const Architecture& a) {
  const double h = a.hidden;
  if (a.attention == "mla") {
    const double qk_dim = a.head_dim + a.rope_head_dim;
    const double q = a.q_lora_rank > 0 ? h * a.q_lora_rank + a.q_lora_rank + a.q_lora_rank * a.heads * qk_dim
                                       : h * a.heads * qk_dim;
    const double kv = h * (a.kv_lora_rank + a.rope_head_dim) + a.kv_lora_rank +
                      a.kv_lora_rank * a.heads * (a.head_dim + a.v_head_dim);
    const double o = a.heads * a.v_head_dim * h;
    return q + kv + o;
  }
  const double q = a.heads * a.head_dim, kv = a.kv_heads * a.head_dim;
  double p = h * q + 2 * h * kv + q * h;
  if (a.bias == "qkv" || a.bias == "all") p += q + 2 * kv;
  if (a.bias == "all") p += h;
  return p;
}

// An MLP between `width` and `ffn` (the model's hidden size, or LatentMoE's latent for a routed expert).
double mlp_params_at(const Architecture& a, double width, double ffn) {
  double p = (a.gated_mlp ? 3.0 : 2.0) * width * ffn;
  if (a.bias == "all") p += ffn + width;
  return p;
}

double mlp_params(const Architecture& a, double ffn) { return mlp_params_at(a, a.hidden, ffn); }

double embedding_params(const Architecture& a) {
  double p = a.vocab * a.hidden * (a.tied_embeddings ? 1.0 : 2.0) + a.position_embeddings * a.hidden;
  if (a.embedding_norm) p += norm_params(a);
  return p + norm_params(a);  // final norm
}

double layer_shared_params(const Architecture& a) { return attention_params(a) + 2 * norm_params(a); }

// Token mixers and norms of all layers: attention in the attention layers, the SSM block in the
// linear ones, two norms a layer (one for a mixer-only layer).
double mixer_and_norm_params(const Architecture& a) {
  return attention_layers(a) * attention_params(a) + std::max(0.0, a.linear_layers) * ssm_block_params(a) +
         (2.0 * a.layers - std::max(0.0, a.mixer_only_layers)) * norm_params(a);
}
}  // namespace

double attention_layers(const Architecture& a) { return std::max(0.0, a.layers - std::max(0.0, a.linear_layers)); }

double mlp_layers(const Architecture& a) { return std::max(0.0, a.layers - std::max(0.0, a.mixer_only_layers)); }

double ssm_inner_width(const Architecture& a) { return a.ssm_heads * a.ssm_head_dim; }

double ssm_block_params(const Architecture& a) {
  if (a.linear_layers <= 0) return 0.0;
  const double d_inner = ssm_inner_width(a), bc = 2.0 * a.ssm_groups * a.ssm_state;
  const double in_proj = a.hidden * (2.0 * d_inner + bc + a.ssm_heads);  // z, x, B, C, dt
  const double conv = (d_inner + bc) * (a.ssm_conv + 1.0);               // taps + bias
  const double per_head = 3.0 * a.ssm_heads;                             // A_log, D, dt_bias
  return in_proj + conv + per_head + d_inner /* gated RMSNorm */ + d_inner * a.hidden /* out_proj */;
}

double ssm_state_bytes_per_sequence(const Architecture& a, Dtype conv_dtype) {
  if (a.linear_layers <= 0) return 0.0;
  const double ssm = a.ssm_heads * a.ssm_head_dim * a.ssm_state * 4.0;  // fp32
  const double conv = (ssm_inner_width(a) + 2.0 * a.ssm_groups * a.ssm_state) * (a.ssm_conv - 1.0) * bytes_per_param(conv_dtype);
  return a.linear_layers * (ssm + conv);
}

double ssm_scan_flops_per_token(const Architecture& a) {
  if (a.linear_layers <= 0) return 0.0;
  constexpr double kChunk = 128;  // Mamba-2 / Nemotron-H config.json chunk_size
  const double H = a.ssm_heads, P = a.ssm_head_dim, N = a.ssm_state, G = a.ssm_groups;
  // Inside a chunk: C B^T per group and its masked product with X per head, whole chunk x chunk blocks as
  // the kernels compute them; across chunks: each head's state from B and X, and the output from C and it.
  const double macs = (G * N + H * P) * kChunk + 2.0 * H * N * P;
  return a.linear_layers * 2.0 * macs;
}

double ssm_decode_flops_per_token(const Architecture& a) {
  if (a.linear_layers <= 0) return 0.0;
  // Per head: the state decays and takes B x^T (2 N P), and the output reads C from it (2 N P).
  return a.linear_layers * 4.0 * a.ssm_heads * a.ssm_head_dim * a.ssm_state;
}

double moe_layers(const Architecture& a) {
  if (a.experts <= 0) return 0.0;
  return std::floor(std::max(0.0, mlp_layers(a) - a.dense_layers) / std::max(1.0, a.moe_layer_interval));
}

double expert_input_width(const Architecture& a) { return a.moe_latent > 0 ? a.moe_latent : a.hidden; }

double params_per_expert(const Architecture& a) {
  return a.experts > 0 ? mlp_params_at(a, expert_input_width(a), a.expert_ffn) : 0.0;
}

double shared_and_router_params_per_moe_layer(const Architecture& a) {
  if (a.experts <= 0) return 0.0;
  const double latent_projections = a.moe_latent > 0 ? 2.0 * a.hidden * a.moe_latent : 0.0;
  return a.shared_experts * mlp_params(a, a.expert_ffn) + a.hidden * a.experts + latent_projections;
}

double mtp_module_expert_params(const Architecture& a) {
  return moe_layers(a) > 0 ? a.mtp_layers * a.experts * params_per_expert(a) : 0.0;
}

double mtp_module_params(const Architecture& a) {
  if (a.mtp_layers <= 0) return 0.0;
  const double block = layer_shared_params(a) + (moe_layers(a) > 0 ? a.experts * params_per_expert(a) +
                                                                         shared_and_router_params_per_moe_layer(a)
                                                                   : mlp_params(a, a.ffn));
  return a.mtp_layers * (block + 2.0 * a.hidden * a.hidden + 2.0 * norm_params(a));
}

double mtp_flops_per_token(const Architecture& a, double seq_len, bool flash_attention) {
  if (a.mtp_layers <= 0) return 0.0;
  const double mlp = moe_layers(a) > 0
                         ? std::max(1.0, a.experts_per_token) * params_per_expert(a) + shared_and_router_params_per_moe_layer(a)
                         : mlp_params(a, a.ffn);
  const double active = layer_shared_params(a) + mlp + 2.0 * a.hidden * a.hidden + 2.0 * norm_params(a) + a.vocab * a.hidden;
  const double scores = 12.0 * seq_len * attention_score_width(a) * (flash_attention ? 0.5 : 1.0);
  return a.mtp_layers * (6.0 * active + scores);
}

double attention_score_width(const Architecture& a) {
  if (a.attention == "mla") return a.heads * (a.head_dim + a.rope_head_dim + a.v_head_dim) / 2.0;
  return a.heads * a.head_dim;
}

double mla_up_projection_recompute_flops_per_token(const Architecture& a) {
  if (a.attention != "mla") return 0.0;
  const double q_up = a.q_lora_rank > 0 ? a.q_lora_rank * a.heads * (a.head_dim + a.rope_head_dim) : 0.0;
  const double kv_up = a.kv_lora_rank * a.heads * (a.head_dim + a.v_head_dim);
  return 2.0 * attention_layers(a) * (q_up + kv_up);
}

double moe_forward_flops_per_token(const Architecture& a) {
  if (a.experts <= 0) return 0.0;
  return 2.0 * moe_layers(a) * (std::max(1.0, a.experts_per_token) * params_per_expert(a) + shared_and_router_params_per_moe_layer(a));
}

bool op_checkpoint_applies(const Architecture& a) {
  return a.experts <= 0 && a.attention == "gqa" && a.linear_layers <= 0 && a.mixer_only_layers <= 0;
}

// A layer's matmuls in forward order: wq, wk, wv, wo, then w1, w3, w2 (gated) or fc1, fc2. The even ones
// are wk, wo and w3 or fc2: h x kv + q x h + h x ffn either way.
double op_checkpoint_recomputed_params_per_layer(const Architecture& a) {
  const double h = a.hidden, q = a.heads * a.head_dim, kv = a.kv_heads * a.head_dim;
  return h * kv + q * h + h * a.ffn;
}

double op_checkpoint_saved_bytes_per_token(const Architecture& a, double tp, bool sequence_parallel) {
  const double t = std::max(1.0, tp), h = a.hidden, q = a.heads * a.head_dim, kv = a.kv_heads * a.head_dim;
  // Block input; attention output; the odd matmuls wq, wv, w1 or fc1 (column-parallel: / t) and, gated, w2
  // (row-parallel: h of partial sums); with sequence parallel the two reduce-scatters' outputs.
  const double values = h / (sequence_parallel ? t : 1.0) + (2.0 * q + kv + a.ffn) / t + (a.gated_mlp ? h : 0.0) +
                        (sequence_parallel && t > 1 ? 2.0 * h / t : 0.0);
  return 2.0 * values + 4.0 * a.heads / t;
}

double params_total(const Architecture& a) {
  const double moe = moe_layers(a), dense = mlp_layers(a) - moe;
  return embedding_params(a) + mixer_and_norm_params(a) + dense * mlp_params(a, a.ffn) +
         moe * (a.experts * params_per_expert(a) + shared_and_router_params_per_moe_layer(a));
}

double params_active(const Architecture& a) {
  if (a.experts <= 0) return params_total(a);
  const double moe = moe_layers(a), dense = mlp_layers(a) - moe;
  return embedding_params(a) + mixer_and_norm_params(a) + dense * mlp_params(a, a.ffn) +
         moe * (a.experts_per_token * params_per_expert(a) + shared_and_router_params_per_moe_layer(a));
}

double kv_cache_bytes_per_layer_token(const Architecture& a, Dtype kv) {
  if (a.attention == "mla") return (a.kv_lora_rank + a.rope_head_dim) * bytes_per_param(kv);
  return 2.0 * a.kv_heads * a.head_dim * bytes_per_param(kv);
}

double kv_cache_bytes_per_token(const Architecture& a, Dtype kv) {
  return attention_layers(a) * kv_cache_bytes_per_layer_token(a, kv);
}

double local_attention_layers(const Architecture& a) {
  return a.window > 0 ? std::clamp(a.window_layers, 0.0, attention_layers(a)) : 0.0;
}

double kv_layer_tokens(const Architecture& a, double context_tokens) {
  const double local = local_attention_layers(a);
  return (attention_layers(a) - local) * context_tokens + local * std::min(a.window, context_tokens);
}

double kv_cache_bytes(const Architecture& a, Dtype kv, double context_tokens, double batch) {
  return (kv_cache_bytes_per_layer_token(a, kv) * kv_layer_tokens(a, context_tokens) + ssm_state_bytes_per_sequence(a, kv)) * batch;
}

double kv_cache_bytes_per_token_at_context(const Architecture& a, Dtype kv, double context_tokens) {
  if (context_tokens <= 0) return kv_cache_bytes_per_token(a, kv);
  return kv_cache_bytes(a, kv, context_tokens, 1) / context_tokens;
}

double inference_workspace_bytes(const Architecture& a, double tokens, double batch, Dtype act) {
  const double widest_ffn = a.experts > 0 ? std::max(a.ffn, a.expert_ffn * a.experts_per_token) : a.ffn;
  const double per_token = (4 * a.hidden + 2 * widest_ffn) * bytes_per_param(act);
  return tokens * per_token + batch * a.vocab * 4.0;
}


bool tensor_parallel_splits_heads(double tp, double heads, double kv_heads) {
  if (tp < 1 || heads < 1 || std::fmod(heads, tp) != 0) return false;
  return kv_heads <= 0 || std::fmod(kv_heads, tp) == 0 || std::fmod(tp, kv_heads) == 0;
}

bool tensor_context_parallel_splits_ssm_heads(const Architecture& a, double tp, double cp) {
  return a.linear_layers <= 0 || a.ssm_heads <= 0 || std::fmod(a.ssm_heads, tp * cp) == 0;
}

std::string tensor_parallel_heads_message(double tp, double heads, double kv_heads) {
  std::string can;
  for (double d = 1; d <= std::min(heads, 64.0); d += 1)
    if (tensor_parallel_splits_heads(d, heads, kv_heads)) can += (can.empty() ? "" : ", ") + format_message_number(d);
  return substitute_message("tensor parallel % does not split the % attention heads (% KV heads) as Megatron-Core and "
                            "vLLM need; ",
                            {tp, heads, kv_heads > 0 ? kv_heads : heads}) +
         can + " do";
}

double tensor_parallel_degree_at_least(double gpus, double heads, double kv_heads) {
  const double need = std::max(1.0, std::ceil(gpus));
  for (double d = need; d <= heads && d <= 4096; d += 1)
    if (tensor_parallel_splits_heads(d, heads, kv_heads)) return d;
  return need;
}

double max_batch_at_context(double memory_bytes_total, double fixed_bytes, double kv_bytes_per_sequence) {
  if (kv_bytes_per_sequence <= 0) return 0;
  return std::max(0.0, std::floor((memory_bytes_total - fixed_bytes) / kv_bytes_per_sequence));
}

bool is_known_recipe(const std::string& r) {
  return r == "fp32" || r == "amp-bf16" || r == "mixed-bf16" || r == "mixed-fp16" || r == "bf16";
}
bool is_known_optimizer(const std::string& o) {
  return o == "adamw" || o == "adam" || o == "adam-8bit" || o == "muon" || o == "sgd-momentum" || o == "sgd";
}

RecipeBytes recipe_bytes_per_param(const std::string& recipe, const std::string& optimizer, bool bf16_moments) {
  double states = 2, state_bytes = 4;
  if (optimizer == "sgd-momentum" || optimizer == "muon") states = 1;
  if (optimizer == "sgd") states = 0;
  RecipeBytes r;
  if (recipe == "bf16") {
    r = {2, 2, 0};
    state_bytes = 2;
  } else if (recipe == "mixed-bf16") {
    r = {2, 4, 4};
  } else if (recipe == "mixed-fp16") {
    r = {2, 2, 4};
  } else {  // fp32, amp-bf16
    r = {4, 4, 0};
  }
  if (optimizer == "adam-8bit") state_bytes = 1;
  if (bf16_moments) state_bytes = std::min(state_bytes, 2.0);
  r.optimizer += optimizer_moment_bytes_per_param(states, state_bytes);
  return r;
}

RecipeBytes gradients_in_reduce_dtype(RecipeBytes r, double reduce_bytes_per_grad, bool precision_aware) {
  if (reduce_bytes_per_grad > 0 && reduce_bytes_per_grad < r.gradients) {
    r.gradient_copy = precision_aware ? 0.0 : r.gradients;  // the recipe's FP32 gradient, now the step's copy
    r.gradients = reduce_bytes_per_grad;
  }
  return r;
}

ModelStateBytes model_state_bytes_per_gpu(double params, const RecipeBytes& r, int zero_stage,
                                          double data_parallel, double model_parallel) {
  ModelStateBytes m;
  m.weights = model_state_part_bytes(params, r.weights, zero_stage >= 3, data_parallel, model_parallel);
  m.gradients = model_state_part_bytes(params, r.gradients, zero_stage >= 2, data_parallel, model_parallel);
  m.optimizer = model_state_part_bytes(params, r.optimizer, zero_stage >= 1, data_parallel, model_parallel);
  m.gradient_copy = model_state_part_bytes(params, r.gradient_copy, zero_stage >= 1, data_parallel, model_parallel);
  return m;
}

double mlp_block_activation_bytes_per_token(double h, double t, bool sequence_parallel, double lin) {
  t = std::max(1.0, t);
  return h * (3.0 + lin) / (sequence_parallel ? t : 1.0) + h * (8.0 + 4.0 * lin) / t;
}

double mamba_block_activation_bytes_per_token(const Architecture& a, double t, bool sequence_parallel, double lin) {
  t = std::max(1.0, t);
  const double d = ssm_inner_width(a), gn = a.ssm_groups * a.ssm_state;
  return a.hidden * (2.0 + lin) / (sequence_parallel ? t : 1.0) +
         (2.0 * (2.0 * d + 2.0 * gn + a.ssm_heads) + 4.0 * d + lin * d) / t;
}

double activation_bytes_per_layer(double s, double b, double h, double a, double t, bool sequence_parallel,
                                  const std::string& recompute, bool flash_attention, bool fp8_linear_inputs) {
  t = std::max(1.0, t);
  if (recompute == "full") return 2.0 * s * b * h / (sequence_parallel ? t : 1.0);
  const bool keep_scores = !(recompute == "selective" || flash_attention);
  const double scores = keep_scores ? 5.0 * a * s / h : 0.0;
  // FP8 (formulas.hpp): linear-layer inputs saved at 1 byte; flash attention's own 16-bit output stays.
  const bool flash_keeps_output = flash_attention && recompute == "none";
  const double replicated = fp8_linear_inputs ? 8.0 : 10.0;
  const double split = fp8_linear_inputs ? (flash_keeps_output ? 21.0 : 19.0) : 24.0;
  if (sequence_parallel) return s * b * h / t * (replicated + split + scores);
  return s * b * h * (replicated + split / t + scores / t);
}

double activation_bytes_per_gpu(double layers, double per_layer_bytes) { return layers * per_layer_bytes; }

double logits_bytes_per_gpu(double s, double b, double vocab, double tp) {
  return 4.0 * s * b * vocab / std::max(1.0, tp);
}


double megatron_flops_per_iteration(double B, double L, double s, double h, double V) {
  return 72.0 * B * L * s * h * h * (1.0 + s / (6.0 * h) + V / (12.0 * h * L));
}






double expected_experts_hit(double E, double k, double batch) {
  if (E <= 0) return 0;
  return E * (1.0 - std::pow(1.0 - std::min(1.0, k / E), std::max(0.0, batch)));
}

double decode_weight_bytes_read(const Architecture& a, double batch, Dtype w) {
  const double total = params_total(a);
  if (a.experts <= 0) return weight_bytes(total, w);
  const double expert_params = moe_layers(a) * a.experts * params_per_expert(a);
  const double hit = moe_layers(a) * expected_experts_hit(a.experts, a.experts_per_token, batch) *
                     params_per_expert(a);
  return weight_bytes(total - expert_params + hit, w);
}

double routed_expert_bytes_read(const Architecture& a, double batch, Dtype w) {
  if (a.experts <= 0) return 0;
  return weight_bytes(moe_layers(a) * expected_experts_hit(a.experts, a.experts_per_token, batch) * params_per_expert(a), w);
}

double routed_expert_weight_bytes(const Architecture& a, Dtype w) {
  if (a.experts <= 0) return 0;
  return weight_bytes(moe_layers(a) * a.experts * params_per_expert(a), w);
}

double expert_parallel_all_to_all_seconds(double layers, double tokens, double k, double hidden, double tp, double ep,
                                          double bw, double latency, double act_bytes) {
  if (ep <= 1 || layers <= 0) return 0;
  const double share = tokens * k * hidden * act_bytes / (std::max(1.0, tp) * ep);
  const double transfer = bw > 0 ? share * (ep - 1) / ep / bw : 0.0;
  return 2.0 * layers * (transfer + latency);  // dispatch and combine
}

double ring_allreduce_seconds(double bytes, double n, double bw, double latency) {
  if (n <= 1) return 0;
  const double transfer = bw > 0 ? 2.0 * (n - 1) / n * bytes / bw : 0.0;
  return transfer + 2.0 * (n - 1) * latency;
}

double collective_bytes_per_s(double link, bool bidirectional_figure) {
  return link * (bidirectional_figure ? 0.5 : 1.0) * 0.8;
}

double tensor_parallel_step_seconds(double layers, double batch, double hidden, double tp, double bw,
                                    double latency, double act_bytes) {
  return 2.0 * layers * ring_allreduce_seconds(batch * hidden * act_bytes, tp, bw, latency);
}


double causal_attention_pairs(const Architecture& a, double s) {
  const double local = local_attention_layers(a);
  const double w = a.window;
  // Chunked (Llama 4): each query sees the earlier tokens of its own w-token chunk, floor(s/w) full
  // chunks of w^2/2 pairs and a last one of r^2/2. Sliding: the last w tokens, s w - w^2/2 once s > w.
  const double chunks = w > 0 ? std::floor(s / w) : 0.0, rest = s - chunks * w;
  const double local_pairs = s <= w                      ? s * s / 2.0
                             : a.window_kind == "chunked" ? chunks * w * w / 2.0 + rest * rest / 2.0
                                                          : s * w - w * w / 2.0;
  return (attention_layers(a) - local) * s * s / 2.0 + local * local_pairs;
}

double prefill_flops(const Architecture& a, double params_active, double s) {
  return 2.0 * params_active * s + 4.0 * causal_attention_pairs(a, s) * a.heads * a.head_dim + ssm_scan_flops_per_token(a) * s;
}













}  // namespace envelope
