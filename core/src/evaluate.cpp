// evaluate(): the estimation cascade of the seed (users -> requests -> data -> compute -> storage ->
// cost) over the formulas in formulas.hpp. Each result records its formula with the numbers
// substituted and its source, so the page and the CLI can "show the work".
#include "envelope/evaluate.hpp"

#include <algorithm>
#include <cmath>
#include <charconv>
#include <cstdio>
#include <utility>

#include "envelope/conflicts.hpp"
#include "envelope/energy.hpp"
#include "envelope/finetune.hpp"
#include "envelope/format.hpp"
#include "envelope/formulas.hpp"
#include "envelope/pipeline.hpp"
#include "envelope/recommender.hpp"
#include "envelope/serving_model.hpp"
#include "envelope/setup.hpp"
#include "envelope/training_step.hpp"
#include "envelope/units.hpp"
#include "envelope/validation.hpp"

namespace envelope {

namespace {

std::string g(double x) { return format_basis_number(x); }

struct Builder {
  Report r;
  Builder() { r.results.reserve(128); }
  double add(std::string path, double value, std::string unit, std::string formula, std::string substituted,
             std::string source) {
    if (!std::isfinite(value)) {  // never emit NaN/inf: a degenerate input gives 0 and says so
      warn(path, value != value ? "undefined for these inputs (0/0 or inf - inf in " + formula + "); shown as 0"
                                : "too large to compute from these inputs (" + formula + " overflows a double); shown as 0");
      value = 0;
    }
    r.results.push_back({std::move(path), value, std::move(unit), std::move(formula), std::move(substituted),
                         std::move(source), std::string()});
    return value;
  }
  void warn(const std::string& path, const std::string& message) { r.warnings.push_back({path, message}); }
  // Takes in a section estimated in its own file (pipeline.cpp, finetune.cpp, recommender.cpp, ...).
  template <class Estimate>
  void absorb(Estimate& e) {
    for (Result& x : e.results) r.results.push_back(std::move(x));
    if constexpr (requires { e.warnings; })
      for (Warning& w : e.warnings) r.warnings.push_back(std::move(w));
  }
};

// The step model's breakdown of the scenario's layout (training_step.hpp), each part with its basis.
void training_step_report(Builder& b, const Scenario& s, const TrainingStepModel& m, const TrainingPlan& p) {
  const TrainingLayout& L = p.layout;
  const std::string layout = "TP " + g(L.tensor_parallel) + " x PP " + g(L.pipeline_parallel) +
                             (L.interleave > 1 ? " (v=" + g(L.interleave) + ")" : "") + " x CP " + g(L.context_parallel) +
                             " x DP " + g(L.data_parallel) + (L.expert_parallel > 1 ? ", EP " + g(L.expert_parallel) : "") +
                             ", micro-batch " + g(L.micro_batch);
  const std::string src = "training step model (training_step.hpp): " + layout;
  b.add("training.step.global_batch", p.global_batch, "sequences", s.training.global_batch ? "given" : "~4M tokens / seq_len, a power of two",
        s.training.global_batch ? g(p.global_batch) : "2^round(log2(4e6 / " + g(s.training.seq_len) + "))",
        s.training.global_batch ? "scenario" : "Llama 2's 4M-token batch (Touvron et al. 2023)");
  b.add("training.step.micro_batches", p.micro_batches, "1", "global_batch / (dp x micro_batch)",
        g(p.global_batch) + " / (" + g(L.data_parallel) + " x " + g(L.micro_batch) + ")", src);
  const KernelEfficiency ke = training_kernel_efficiency(m.gpu, dtype_from_name(s.training.dtype).value_or(Dtype::bf16));
  b.add("training.step.kernel_efficiency", p.kernel_efficiency, "1",
        s.training.kernel_efficiency ? "given" : "fitted efficiency (" + ke.generation + ", " + s.training.dtype + ") x h / (h + 256)",
        s.training.kernel_efficiency ? g(p.kernel_efficiency)
                                     : g(ke.value) + " x " + g(m.arch.hidden) + " / (" + g(m.arch.hidden) + " + 256)",
        s.training.kernel_efficiency ? "scenario" : ke.source);
  b.add("training.step.compute_seconds", p.compute_seconds, "s", "hardware FLOPs per step / GPUs / (peak x kernel efficiency)",
        g(p.hardware_flops_per_step) + " / " + g(L.gpus()) + " / (" + g(m.peak) + " x " + g(p.kernel_efficiency) + ")",
        "Megatron eq. 3 (Narayanan et al. 2021), recompute FLOPs counted");
  b.add("training.step.bubble_seconds", p.bubble_seconds, "s", "compute x (pp - 1) / (micro_batches x interleave)",
        g(p.compute_seconds) + " x " + g(L.pipeline_parallel - 1) + " / (" + g(p.micro_batches) + " x " + g(L.interleave) + ")",
        "1F1B pipeline bubble (Narayanan et al. 2021)");
  b.add("training.step.tensor_parallel_seconds", p.tensor_parallel_seconds, "s",
        "layers per stage x micro_batches x 4 ring all-reduces of (s / cp) x b x h x 2 B", g(p.tensor_parallel_seconds), src);
  b.add("training.step.context_parallel_seconds", p.context_parallel_seconds, "s",
        "K/V ring passes (cp - 1 chunks, 3 per layer) not hidden behind attention", g(p.context_parallel_seconds),
        "ring attention (Liu et al. 2023); Megatron-Core context parallel");
  b.add("training.step.expert_parallel_seconds", p.expert_parallel_seconds, "s",
        "MoE layers per stage x micro_batches x 4 all-to-alls of tokens x k x h x 2 B x (ep - 1) / ep",
        g(p.expert_parallel_seconds), "expert parallel all-to-all (Lepikhin et al. 2020)");
  b.add("training.step.pipeline_p2p_seconds", p.pipeline_p2p_seconds, "s", "2 x micro_batches x interleave sends of (s / cp) x b x h x 2 B",
        g(p.pipeline_p2p_seconds), src);
  b.add("training.step.data_parallel_exposed_seconds", p.data_parallel_exposed_seconds, "s",
        "max(0, gradient reduction over dp x cp + ZeRO-3 gathers - backward)",
        "max(0, " + g(p.data_parallel_seconds) + " + " + g(p.zero3_seconds) + " - backward)",
        "ZeRO (Rajbhandari et al. 2020); overlapped with the backward pass");
  b.add("training.step.step_seconds", p.step_seconds, "s",
        "compute + bubble + tensor + context + expert + pipeline sends + exposed data parallel",
        g(p.compute_seconds) + " + " + g(p.bubble_seconds) + " + " + g(p.tensor_parallel_seconds) + " + " +
            g(p.context_parallel_seconds) + " + " + g(p.expert_parallel_seconds) + " + " + g(p.pipeline_p2p_seconds) + " + " +
            g(p.data_parallel_exposed_seconds),
        src);
  b.add("training.step.model_flops_utilization", p.model_flops_utilization, "1",
        "model FLOPs per step incl. attention / (GPUs x peak x step)",
        g(p.model_flops_per_step) + " / (" + g(L.gpus()) + " x " + g(m.peak) + " x " + g(p.step_seconds) + ")",
        "Megatron-LM / Llama 3 MFU definition");
  b.add("training.step.model_tflops_per_gpu", p.model_tflops_per_gpu * kTera, "FLOP/s", "model FLOPs per step / GPUs / step",
        g(p.model_flops_per_step) + " / " + g(L.gpus()) + " / " + g(p.step_seconds), "Megatron-LM / NeMo model TFLOP/s per GPU");
  b.add("training.step.tokens_per_second_per_gpu", p.tokens_per_second_per_gpu, "tokens/s", "global_batch x seq_len / GPUs / step",
        g(p.global_batch) + " x " + g(s.training.seq_len) + " / " + g(L.gpus()) + " / " + g(p.step_seconds), src);
}

std::optional<double> price_for(const Accelerator& a, const std::string& pricing) {
  if (pricing == "spot") return a.spot_usd_per_hour ? a.spot_usd_per_hour : a.on_demand_usd_per_hour;
  return a.on_demand_usd_per_hour ? a.on_demand_usd_per_hour : a.spot_usd_per_hour;
}

}  // namespace

Efficiencies default_efficiencies(const Accelerator& a) {
  // Training MFU 0.40: LLaMA-7B..65B and Llama 2 runs on A100 reach 0.39-0.48 of dense bf16 peak
  // (published.json training_run GPU-hours), Megatron-Core on H100 41-48%; the seed assumes 40%.
  // Decode bandwidth 0.70: llama.cpp tg128 on RTX 3090/4090 reads weights at 0.70-0.82 of peak
  // bandwidth (published.json inference_throughput). Compute 0.60: TRT-LLM LLaMA 7B first-token
  // latency at 2,048 input tokens implies ~0.66 of dense peak.
  if (a.klass == "tpu") return {0.45, 0.70, 0.60, "PaLM 540B on TPU v4: MFU 46.2% (Chowdhery et al. 2022)"};
  if (a.vendor == "AMD")
    return {0.24, 0.70, 0.35,
            "AMD MI300X reaches 51% of dense bf16 peak on large GEMMs vs 87% on A100 (MAMF, published.json); "
            "A100's 0.40 MFU scaled by 0.51/0.87"};
  if (a.klass == "consumer-gpu" || a.klass == "inference-gpu")
    return {0.30, 0.70, 0.50, "single-node GPUs without NVLink: lower MFU (no published large runs); llama.cpp decode 0.70-0.82 of bandwidth"};
  if (a.klass == "cpu") return {0.20, 0.60, 0.30, "CPU: seed 'Compute' table; no published training runs"};
  return {0.40, 0.70, 0.60,
          "A100 runs: LLaMA/Llama 2 0.39-0.48 MFU (Touvron 2023); seed 40%; llama.cpp decode 0.70-0.82 of bandwidth"};
}

double fp4_kernel_ratio(const Accelerator& gpu, Dtype weights) {
  // 4-bit float GEMMs (NVFP4, MXFP4) reach a smaller share of their peak than fp8 ones: on Blackwell
  // the training kernel efficiencies fitted on published runs are 0.316 (NVFP4) vs 0.472 (fp8)
  // (training_kernel_efficiency, docs/calibration.md). Serving's compute efficiency takes the same
  // ratio; it is fitted on training runs only, so the serving cases (TensorRT-LLM B200 FP4 tables,
  // assets/validation.json) stay out of the fit. 1 on GPUs without fp4 units (their fp4 runs at fp8).
  const bool fp4 = weights == Dtype::fp4 || weights == Dtype::nvfp4 || weights == Dtype::mxfp4;
  if (!fp4) return 1.0;
  return training_kernel_efficiency(gpu, Dtype::fp4).value / training_kernel_efficiency(gpu, Dtype::fp8).value;
}

Architecture architecture_as_given(const Scenario& s, const Catalog& c) {
  const ModelPreset* preset = c.find_model(s.model.preset);
  if (!preset) preset = c.find_model(Scenario().model.preset);
  Architecture a = preset->arch;
  const ModelSection& m = s.model;
  auto set = [](double& field, const std::optional<double>& v) {
    if (v) field = *v;
  };
  set(a.layers, m.layers);
  set(a.hidden, m.hidden);
  set(a.heads, m.heads);
  if (m.heads && !m.kv_heads && a.kv_heads > a.heads) a.kv_heads = a.heads;
  set(a.kv_heads, m.kv_heads);
  if (m.hidden && !m.head_dim && a.heads > 0) a.head_dim = a.hidden / a.heads;
  set(a.head_dim, m.head_dim);
  set(a.ffn, m.ffn);
  set(a.vocab, m.vocab);
  set(a.experts, m.experts);
  set(a.experts_per_token, m.experts_per_token);
  set(a.shared_experts, m.shared_experts);
  set(a.expert_ffn, m.expert_ffn);
  set(a.dense_layers, m.dense_layers);
  set(a.moe_layer_interval, m.moe_layer_interval);
  if (m.tied_embeddings) a.tied_embeddings = *m.tied_embeddings != 0;
  if (m.gated_mlp) a.gated_mlp = *m.gated_mlp != 0;
  if (m.embedding_norm) a.embedding_norm = *m.embedding_norm != 0;
  set(a.position_embeddings, m.position_embeddings);
  set(a.max_context, m.max_context);
  set(a.q_lora_rank, m.q_lora_rank);
  set(a.kv_lora_rank, m.kv_lora_rank);
  set(a.rope_head_dim, m.rope_head_dim);
  set(a.v_head_dim, m.v_head_dim);
  set(a.window, m.window);
  set(a.window_layers, m.window_layers);
  if (!m.attention.empty()) a.attention = m.attention;
  if (!m.bias.empty()) a.bias = m.bias;
  if (!m.norm.empty()) a.norm = m.norm;
  if (!m.window_kind.empty()) a.window_kind = m.window_kind;
  if (a.experts > 0 && a.expert_ffn <= 0) a.expert_ffn = a.ffn;
  return a;
}

Architecture resolved_architecture(const Scenario& s, const Catalog& c) {
  // Conflicting overrides (model_conflicts) are reported by the loader and as warnings by evaluate();
  // the caps only keep the formulas defined.
  Architecture a = architecture_as_given(s, c);
  a.moe_layer_interval = std::max(1.0, a.moe_layer_interval);
  a.window_layers = std::min(a.window_layers, a.layers);
  a.dense_layers = std::min(a.dense_layers, a.layers);
  a.experts_per_token = std::min(a.experts_per_token, a.experts);
  a.kv_heads = std::min(a.kv_heads, a.heads);
  return a;
}

Report evaluate_without_bands(const Scenario& s, const Catalog& c) {
  Builder b;
  const Accelerator gpu = resolved_accelerator(s, c);
  // One serving replica: serving.gpu / tensor_parallel / batch over hardware.gpu and the inference
  // section (setup.hpp). The inference and serving results describe it; training uses hardware.gpu.
  const Scenario sv = serving_scenario(s);
  const Accelerator igpu = s.serving.gpu.empty() ? gpu : resolved_accelerator(sv, c);
  // Architecture, parameter counts and decode inputs resolved once (setup.hpp; shared with sweeps).
  const DecodeSetup ds = decode_setup(sv, resolved_architecture(s, c), igpu);
  const Architecture& arch = ds.arch;
  const HardwareSection& hw = s.hardware;
  const Efficiencies eff = default_efficiencies(gpu);
  const std::string spec_src = gpu.id == kCustomAccelerator ? gpu.name + ": " + gpu.source
                                                             : gpu.name + " datasheet (assets/hardware.json)";
  for (const Problem& p : model_conflicts(s, c))
    b.warn(p.path, p.message + (p.path == "model.active_params" ? "; the estimates below use it as given"
                                                                 : "; the estimates below cap it at the smaller count"));
  const std::string ispec_src = igpu.id == kCustomAccelerator ? igpu.name + ": " + igpu.source
                                                               : igpu.name + " datasheet (assets/hardware.json)";

  // ------------------------------------------------------------ model
  const double P = s.model.params ? *s.model.params : params_total(arch);
  const double scale = ds.params_scale;
  const double Pa = ds.params_active;
  const std::string arch_src = "derived from the architecture (embeddings, attention, MLP/experts, norms); Vaswani 2017, "
                               "Touvron 2023, Jiang 2024, DeepSeek-V3 2024";
  if (s.model.params)
    b.add("model.params", P, "1", "params (given)", g(P), "scenario model.params");
  else
    b.add("model.params", P, "1", "vocab*h*(tied?1:2) + L*(attention + MLP or experts + norms)",
          "L=" + g(arch.layers) + ", h=" + g(arch.hidden) + ", ffn=" + g(arch.ffn) + ", vocab=" + g(arch.vocab) +
              (arch.experts > 0 ? ", experts=" + g(arch.experts) : ""),
          arch_src);
  b.add("model.active_params", Pa, "1",
        arch.experts > 0 ? "shared params + L_moe*(experts_per_token + shared)*params_per_expert" : "= params (dense)",
        arch.experts > 0 ? "k=" + g(arch.experts_per_token) + " of E=" + g(arch.experts) + ", expert=" +
                               g(params_per_expert(arch) * scale) + " params"
                         : g(Pa),
        arch_src);

  // ------------------------------------------------------------ inference memory
  const InferenceSection& in = sv.inference;
  const Dtype wdt = dtype_from_name(in.weights).value_or(Dtype::bf16);
  const Dtype kvdt = dtype_from_name(in.kv_cache).value_or(Dtype::bf16);
  const double tp = in.tensor_parallel;
  const double context = in.context ? *in.context : in.prompt_tokens + in.output_tokens;
  const double usable = igpu.memory_bytes * in.usable_memory_fraction;
  const double overhead_per_gpu = in.runtime_overhead_gb * kGB;
  const double w_bytes = b.add("memory.inference.weights_bytes", weight_bytes(P, wdt), "B", "params x bytes_per_param",
                               g(P) + " x " + g(bytes_per_param(wdt)) + " B (" + in.weights + ", " +
                                   g(bits_per_weight(wdt)) + " bits per weight with its group scales)",
                               "seed 'Model Size Estimation'; scales per group: OCP MX v1.0 (mxfp4), NVIDIA NVFP4, "
                               "GPTQ/AWQ g128 (int4), llama.cpp ggml-common.h blocks (GGUF)");
  // Per token of context at this context: local (sliding-window/chunked) layers hold at most their window.
  const double kv_tok = kv_cache_bytes_per_token_at_context(arch, kvdt, context);
  const double local_layers = local_attention_layers(arch);
  const std::string kv_layer = arch.attention == "mla" ? "(kv_lora_rank + rope_head_dim) x bytes" : "2 x kv_heads x head_dim x bytes";
  const std::string kv_layer_values = arch.attention == "mla"
      ? "(" + g(arch.kv_lora_rank) + " + " + g(arch.rope_head_dim) + ") x " + g(bytes_per_param(kvdt))
      : "2 x " + g(arch.kv_heads) + " x " + g(arch.head_dim) + " x " + g(bytes_per_param(kvdt));
  if (local_layers > 0)
    b.add("memory.inference.kv_bytes_per_token", kv_tok, "B",
          kv_layer + " x (global_layers x context + local_layers x min(window, context)) / context",
          kv_layer_values + " x (" + g(arch.layers - local_layers) + " x " + g(context) + " + " + g(local_layers) + " x min(" +
              g(arch.window) + ", " + g(context) + ")) / " + g(context) + " (" + arch.window_kind + " window)",
          "Pope et al. 2022; local layers hold at most their window (Mistral 7B rolling buffer; Gemma 3 report; "
          "gpt-oss model card; Llama 4 attention_chunk_size)");
  else
    b.add("memory.inference.kv_bytes_per_token", kv_tok, "B", "L x " + kv_layer, g(arch.layers) + " x " + kv_layer_values,
          "Pope et al. 2022; vLLM blog (800 KB/token for OPT-13B); MLA latent: DeepSeek-V2/V3 reports");
  if (context > arch.max_context)
    b.warn("inference.context", "context " + g(context) + " tokens exceeds the model's maximum of " + g(arch.max_context) +
                                    " (max_position_embeddings)");
  // Tokens of KV one running sequence holds. Static batching reserves the whole context per sequence.
  // Continuous batching allocates KV in pages as tokens arrive (vLLM PagedAttention, Kwon et al. 2023;
  // TensorRT-LLM's paged KV cache), and requests join and leave at staggered times, so a running
  // request holds prompt + output / 2 tokens on average: the batch the cache holds is larger.
  const bool paged_kv = serving_inputs(sv).continuous && !in.context;
  const double kv_seq_tokens = paged_kv ? ds.read_context : context;
  const double kv_seq_bytes = (paged_kv ? kv_cache_bytes_per_token_at_context(arch, kvdt, kv_seq_tokens) : kv_tok) * kv_seq_tokens;
  const double kv = paged_kv
      ? b.add("memory.inference.kv_cache_bytes", kv_seq_bytes * in.batch, "B",
              "kv_bytes_per_token x (prompt + output / 2) x batch (continuous batching, paged KV: mean tokens held)",
              g(kv_seq_bytes / kv_seq_tokens) + " x (" + g(in.prompt_tokens) + " + " + g(in.output_tokens) + " / 2) x " + g(in.batch),
              "vLLM PagedAttention (Kwon et al. 2023): KV blocks allocated as tokens arrive; requests at staggered ages")
      : b.add("memory.inference.kv_cache_bytes", kv_tok * context * in.batch, "B", "kv_bytes_per_token x context x batch",
              g(kv_tok) + " x " + g(context) + " x " + g(in.batch), "seed 'Forgetting Inference Memory Overhead'");
  // Prompt tokens in one forward pass, capped at a chunked-prefill budget of 8,192 tokens (vLLM's
  // max_num_batched_tokens default with chunked prefill).
  const double ws_tokens = std::min(in.batch * std::max(1.0, in.prompt_tokens), 8192.0);
  const double ws = b.add("memory.inference.workspace_bytes", inference_workspace_bytes(arch, ws_tokens, in.batch, Dtype::bf16),
                          "B", "tokens x (4h + 2 ffn) x 2 B + batch x vocab x 4 B",
                          g(ws_tokens) + " tokens (prefill chunk <= 8192), h=" + g(arch.hidden) + ", ffn=" + g(arch.ffn),
                          "one layer's activations alive at a time; vLLM profiles this peak with a dummy forward pass");
  const double overhead = b.add("memory.inference.overhead_bytes", overhead_per_gpu * tp, "B",
                                "runtime_overhead x tensor_parallel", g(in.runtime_overhead_gb) + " GB x " + g(tp),
                                "CUDA context and allocator slack (~0.5-1 GB per GPU)");
  b.add("memory.inference.total_bytes", w_bytes + kv + ws + overhead, "B",
                                 "weights + kv_cache + workspace + overhead",
                                 g(w_bytes) + " + " + g(kv) + " + " + g(ws) + " + " + g(overhead), "sum");
  const double need = w_bytes + kv + ws;
  // A GPU whose usable memory is not above the runtime overhead holds nothing: no GPU count fits
  // (reported as 0 with a warning, never as "need 0 GPUs").
  const bool room = usable > overhead_per_gpu;
  const std::string no_fit = room ? "" : " <= 0: no GPU count fits";
  const double fit_gpus = b.add("memory.inference.gpus_to_fit", room ? gpus_to_fit(need, usable - overhead_per_gpu, 1.0) : 0.0, "1",
                                "ceil((weights + kv + workspace) / (memory x usable_fraction - overhead))",
                                "ceil(" + g(need) + " / (" + g(igpu.memory_bytes) + " x " + g(in.usable_memory_fraction) +
                                    " - " + g(overhead_per_gpu) + "))" + no_fit,
                                ispec_src);
  if (!room)
    b.warn("memory.inference.gpus_to_fit", "the runtime overhead of " + g(in.runtime_overhead_gb) + " GB per GPU is not below the " +
                                               g(usable / kGB) + " GB usable on " + igpu.name +
                                               " (memory x usable_memory_fraction): no number of GPUs holds the model; lower "
                                               "inference.runtime_overhead_gb or raise inference.usable_memory_fraction");
  b.add("memory.inference.tensor_parallel_to_fit", room ? tensor_parallel_degree_at_least(fit_gpus, arch.heads) : 0.0, "1",
        "smallest tensor-parallel degree >= gpus_to_fit that divides the attention heads",
        g(fit_gpus) + " GPUs, " + g(arch.heads) + " heads" + (room ? "" : ": no GPU count fits"),
        "Megatron-LM (Shoeybi et al. 2019): heads split evenly across GPUs");
  // Expert parallelism (serving.expert_parallel, MoE): a GPU holds the non-expert weights / tp, the
  // routed experts / (tp x ep), the KV cache of its group's batch / ep, and its group's workspace.
  const double ep = ds.expert_parallel;
  const double expert_w = ep > 1 ? routed_expert_weight_bytes(arch, wdt) * scale : 0.0;
  const double per_gpu_need = ep > 1 ? ((w_bytes - expert_w) + expert_w / ep + kv / ep + ws) / tp : need / tp;
  if (ep > 1)
    b.add("memory.inference.bytes_per_gpu", per_gpu_need + overhead_per_gpu, "B",
          "((weights - routed experts) + routed experts / ep + kv / ep + workspace) / tp + overhead",
          "((" + g(w_bytes) + " - " + g(expert_w) + ") + " + g(expert_w) + " / " + g(ep) + " + " + g(kv) + " / " + g(ep) + " + " + g(ws) +
              ") / " + g(tp) + " + " + g(overhead_per_gpu),
          "expert parallelism: routed experts sharded over ep groups of tp GPUs, attention data-parallel (DeepSeek-V3 "
          "report sec. 3.4.2; GShard, Lepikhin et al. 2020)");
  const bool inf_fits = per_gpu_need + overhead_per_gpu <= usable;
  b.add("memory.inference.fits", inf_fits ? 1 : 0, "bool",
        ep > 1 ? "memory.inference.bytes_per_gpu <= memory x usable" : "(weights + kv + workspace) / tp + overhead <= memory x usable",
        g(per_gpu_need + overhead_per_gpu) + " <= " + g(usable), ispec_src);
  if (!inf_fits && room)
    b.warn("memory.inference.fits", "weights + KV cache do not fit on " + g(tp) + " x " + igpu.name + "; need " +
                                        g(fit_gpus) + " GPUs (tensor parallel) or a smaller batch/context/precision");
  // Expert parallel: the replica's tp x ep GPUs hold ep copies of the non-expert weights and workspace.
  const double max_batch = b.add("inference.max_batch",
                                 ep > 1 ? max_batch_at_context(usable * tp * ep, (w_bytes - expert_w) * ep + expert_w + (ws + overhead) * ep,
                                                               kv_seq_bytes)
                                        : max_batch_at_context(usable * tp, w_bytes + ws + overhead, kv_seq_bytes),
                                 "1",
                                 paged_kv ? "floor((memory x usable x tp - weights - workspace - overhead) / (kv_per_token x (prompt + output / 2)))"
                                          : "floor((memory x usable x tp - weights - workspace - overhead) / (kv_per_token x context))",
                                 "floor((" + g(usable * tp) + " - " + g(w_bytes + ws + overhead) + ") / (" + g(kv_seq_bytes / kv_seq_tokens) +
                                     " x " + g(kv_seq_tokens) + "))",
                                 "KV-cache capacity (vLLM PagedAttention: batch is bounded by KV memory)");
  if (in.batch > max_batch)
    b.warn("inference.batch", "batch " + g(in.batch) + " exceeds the " + g(max_batch) + " sequences whose KV cache fits");

  // ------------------------------------------------------------ training memory (per GPU)
  // One step model (training_step.hpp) for the scenario's own layout: the memory here, the training
  // time below and the planner's ranking all come from it.
  const TrainingSection& tr = s.training;
  const double mp = tr.tensor_parallel * tr.pipeline_parallel * tr.context_parallel;
  const TrainingLayout layout = scenario_training_layout(s);
  const double dp = layout.data_parallel;
  if (std::fmod(hw.count, mp) != 0)
    b.warn("training.tensor_parallel", "GPU count " + g(hw.count) + " is not a multiple of tensor x pipeline x context parallel (" +
                                           g(mp) + "); data parallel rounds down to " + g(dp));
  if (tr.tensor_parallel > gpu.scale_up_domain)
    b.warn("training.tensor_parallel", "tensor parallel " + g(tr.tensor_parallel) + " spans beyond the " +
                                           g(gpu.scale_up_domain) + "-device scale-up domain of " + gpu.name);
  if (arch.experts > 0 && tr.expert_parallel > 1 &&
      (std::fmod(arch.experts, tr.expert_parallel) != 0 || std::fmod(dp * tr.context_parallel, tr.expert_parallel) != 0))
    b.warn("training.expert_parallel", "expert parallel " + g(tr.expert_parallel) + " should divide the " + g(arch.experts) +
                                           " experts and data x context parallel (" + g(dp * tr.context_parallel) + ")");
  if (arch.experts <= 0 && tr.expert_parallel > 1)
    b.warn("training.expert_parallel", "expert parallel " + g(tr.expert_parallel) + " has no effect: the model has no experts");
  const double global_batch = scenario_global_batch(s);
  const TrainingStepModel step_model = training_step_model(s, c);
  const TrainingPlan tstep = step_model.cost(layout, global_batch);
  const RecipeBytes rb = recipe_bytes_per_param(tr.recipe, tr.optimizer);
  const int zero = static_cast<int>(tr.zero_stage);
  const std::string zsub = " / (tp x pp = " + g(tr.tensor_parallel * tr.pipeline_parallel) + ")";
  const std::string ep_note = step_model.expert_params > 0 && tr.expert_parallel > 1
                                  ? "; routed experts (" + g(step_model.expert_params) + ") also / ep " + g(tr.expert_parallel)
                                  : "";
  const std::string zsrc = "recipe " + tr.recipe + " + " + tr.optimizer + "; ZeRO over dp x cp (Rajbhandari et al. 2020)";
  const double zdp = dp * tr.context_parallel;
  b.add("memory.training.weights_bytes", tstep.weights_bytes, "B",
        "params x weight_bytes / model_parallel" + std::string(zero >= 3 ? " / (dp x cp)" : ""),
        g(P) + " x " + g(rb.weights) + " B" + zsub + (zero >= 3 ? " / " + g(zdp) : "") + ep_note, zsrc);
  b.add("memory.training.gradients_bytes", tstep.gradients_bytes, "B",
        "params x grad_bytes / model_parallel" + std::string(zero >= 2 ? " / (dp x cp)" : ""),
        g(P) + " x " + g(rb.gradients) + " B" + zsub + (zero >= 2 ? " / " + g(zdp) : "") + ep_note, zsrc);
  b.add("memory.training.optimizer_bytes", tstep.optimizer_bytes, "B",
        "params x (master + optimizer states) / model_parallel" + std::string(zero >= 1 ? " / (dp x cp)" : ""),
        g(P) + " x " + g(rb.optimizer) + " B" + zsub + (zero >= 1 ? " / " + g(zdp) : "") + ep_note, zsrc);
  const double local_seq = tr.seq_len / tr.context_parallel;
  const double per_layer = activation_bytes_per_layer(local_seq, tr.micro_batch, arch.hidden, arch.heads, tr.tensor_parallel,
                                                      tr.sequence_parallel, tr.recompute, tr.flash_attention);
  const double logits = logits_bytes_per_gpu(local_seq, tr.micro_batch, arch.vocab, tr.tensor_parallel);
  b.add("memory.training.activations_bytes", tstep.activations_bytes, "B",
        "layers_in_flight x per_layer(s / cp, b, h, a, t; recompute, flash, SP) + 4 (s / cp) b V / t",
        g((tstep.activations_bytes - logits) / std::max(1.0, per_layer)) + " x " + g(per_layer) + " + " + g(logits) +
            " (s=" + g(tr.seq_len) + (tr.context_parallel > 1 ? " / cp " + g(tr.context_parallel) : "") +
            ", b=" + g(tr.micro_batch) + ", recompute=" + tr.recompute + (tr.flash_attention ? ", flash" : "") +
            (tr.sequence_parallel ? ", SP" : "") + ")",
        "Korthikanti et al. 2022, eqs. 1-5 (1F1B: the first stage holds min(pp, micro-batches) micro-batches of its layers)");
  const double train_total = tstep.total_bytes;
  b.add("memory.training.total_bytes", train_total, "B", "weights + gradients + optimizer + activations",
        g(tstep.weights_bytes) + " + " + g(tstep.gradients_bytes) + " + " + g(tstep.optimizer_bytes) + " + " + g(tstep.activations_bytes),
        "sum");
  const bool train_fits = train_total <= gpu.memory_bytes;
  b.add("memory.training.fits", train_fits ? 1 : 0, "bool", "total <= device memory", g(train_total) + " <= " + g(gpu.memory_bytes),
        spec_src);
  b.add("memory.training.min_gpus_model_states", gpus_to_fit(P * rb.total(), gpu.memory_bytes, 1.0), "1",
        "ceil(params x bytes_per_param(recipe) / memory)", "ceil(" + g(P) + " x " + g(rb.total()) + " / " + g(gpu.memory_bytes) + ")",
        "seed 'need at least 2 x A100 80GB' (model states sharded, e.g. ZeRO-3)");
  if (!train_fits)
    b.warn("memory.training.fits", "training state does not fit in " + gpu.name + " memory; raise ZeRO stage, tensor/pipeline/"
                                   "context parallel, or use recompute");

  // ------------------------------------------------------------ training compute
  const bool full = tr.recompute == "full";
  const double flops = b.add("training.flops", training_flops(Pa, tr.tokens, full), "FLOP",
                             full ? "8 x P_active x D (full recompute)" : "6 x P_active x D",
                             (full ? "8 x " : "6 x ") + g(Pa) + " x " + g(tr.tokens),
                             "Kaplan et al. 2020; Hoffmann et al. 2022 (seed '6PD rule')");
  b.add("training.pf_days", petaflop_days(flops), "PF-days", "FLOPs / (1e15 x 86400)", g(flops) + " / 8.64e19", "seed 6PD example");
  const double chin = b.add("training.chinchilla_tokens", chinchilla_tokens(P), "tokens", "20 x P", "20 x " + g(P),
                            "Hoffmann et al. 2022 (Chinchilla)");
  if (tr.tokens > 0 && tr.tokens < chin)
    b.warn("training.tokens", "below Chinchilla-optimal tokens (" + g(chin) + "): the model is undertrained for its size");
  const Dtype tdt = dtype_from_name(tr.dtype).value_or(Dtype::bf16);
  const double peak = peak_flops_at(hw, gpu, tdt);
  // MFU: given (training.mfu), or what the step model reaches at this layout (training.step.*).
  const double step_tokens = tstep.global_batch * tr.seq_len;
  // The whole-run MFU: steady-state steps at the goodput (training.goodput).
  const double step_mfu = tstep.step_seconds > 0 && peak > 0
                              ? training_flops(Pa, step_tokens, full) * tr.goodput / (hw.count * peak * tstep.step_seconds)
                              : 0.0;
  const double mfu = tr.mfu ? *tr.mfu : step_mfu;
  if (mfu > 0.6) b.warn("training.mfu", "MFU " + g(mfu) + " is above what large runs reach (PaLM 46%, Megatron 52-56%, Llama 3 38-43%)");
  const double price = price_per_gpu_hour(s, c);
  if (!hw.price_per_gpu_hour && !price_for(gpu, hw.pricing))
    b.warn("hardware.price_per_gpu_hour", "no published price for " + gpu.name + "; set a price to get costs");
  const std::string price_src = hw.price_per_gpu_hour ? std::string("scenario hardware.price_per_gpu_hour")
                                : hw.pricing == "spot" ? gpu.spot_source : gpu.on_demand_source;
  b.add("hardware.price_per_gpu_hour", price, "USD/h", "price per GPU-hour", g(price), price_src);
  b.add("hardware.peak_flops", peak, "FLOP/s", "dense peak (" + tr.dtype + ")", g(peak), spec_src + " (dense, not sparse)");
  training_step_report(b, s, step_model, tstep);
  b.add("training.mfu", mfu, "1", tr.mfu ? "given" : "6 P D per step x goodput / (GPUs x peak x step_seconds)",
        tr.mfu ? g(mfu)
               : (full ? "8 x " : "6 x ") + g(Pa) + " x " + g(step_tokens) + " x " + g(tr.goodput) + " / (" + g(hw.count) + " x " +
                     g(peak) + " x " + g(tstep.step_seconds) + ")",
        tr.mfu ? "scenario (overrides the step model's " + format_short(step_mfu) + ")" : "training step model (training.step.*)");
  const double secs = b.add("training.wall_seconds", training_seconds(flops, hw.count, peak, mfu), "s",
                            "FLOPs / (GPUs x peak x MFU)",
                            g(flops) + " / (" + g(hw.count) + " x " + g(peak) + " x " + g(mfu) + ")", "seed Q1");
  const double gh = b.add("training.gpu_hours", gpu_hours(secs, hw.count), "GPU-h", "wall_seconds x GPUs / 3600",
                          g(secs) + " x " + g(hw.count) + " / 3600", "seed Q1");
  const double tcost = b.add("training.cost_usd", gh * price, "USD", "GPU-hours x price", g(gh) + " x " + g(price), price_src);
  if (tr.budget_usd > 0) {
    const double ratio = b.add("training.budget_ratio", tcost / tr.budget_usd, "1", "cost / budget",
                               g(tcost) + " / " + g(tr.budget_usd), "seed Q5");
    if (tcost > tr.budget_usd && ratio > 0)  // an overflowed ratio is 0 here and already has its warning
      b.warn("training.budget_usd", "cost is " + g(ratio) + "x the budget of $" + g(tr.budget_usd));
  }
  if (tr.budget_usd > 0 && price <= 0) {
    // Free compute: the budget limits neither tokens nor model size; no number is the right answer.
    b.warn("training.budget_usd", "the price per GPU-hour is $0 (" +
                                  (hw.price_per_gpu_hour ? "hardware.price_per_gpu_hour" : "no published price for " + gpu.name) +
                                  "), so the budget limits neither tokens nor "
                                  "model size; set hardware.price_per_gpu_hour to see what the budget buys");
  } else if (tr.budget_usd > 0) {
    const double budget_flops = tr.budget_usd / price * kSecondsPerHour * peak * mfu;
    b.add("training.budget_flops", budget_flops, "FLOP", "budget / price x 3600 x peak x MFU",
          g(tr.budget_usd) + " / " + g(price) + " x 3600 x " + g(peak) + " x " + g(mfu), "seed Q5");
    // 6 FLOPs per parameter and token, 8 with full recompute (the factor training.flops uses).
    const double flops_per_param_token = full ? 8.0 : 6.0;
    b.add("training.max_tokens_for_budget", Pa > 0 ? budget_flops / (flops_per_param_token * Pa) : 0.0, "tokens",
          full ? "budget_flops / (8 x P_active)  (full recompute)" : "budget_flops / (6 x P_active)",
          g(budget_flops) + " / (" + g(flops_per_param_token) + " x " + g(Pa) + ")", "seed Q5");
    b.add("training.max_params_for_budget", chinchilla_params_for_flops(budget_flops), "1",
          "sqrt(budget_flops / 120)  (D = 20 P, C = 6 P D)", "sqrt(" + g(budget_flops) + " / 120)", "Hoffmann et al. 2022; seed Q5");
  }

  // ------------------------------------------------------------ inference speed
  const DecodeTimes dt = decode_times(ds, in.batch);
  const double bw_eff = ds.bandwidth_efficiency, c_eff = ds.compute_efficiency;
  if (bw_eff > 0.92)
    b.warn("inference.bandwidth_efficiency", "above the ~92% of peak HBM bandwidth measured on GB200 (Azure ND GB200 v6)");
  const double ipeak = ds.peak_flops, w_read = dt.weight_bytes_read, kv_read = dt.kv_bytes_read, dflops = dt.flops;
  const double link_bw = ds.link_bytes_per_s, link_lat = ds.link_latency_s, comm = dt.comm_seconds;
  b.add("inference.weight_bytes_read_per_step", w_read, "B",
        arch.experts > 0 ? "shared weights + L_moe x E(1-(1-k/E)^batch) x expert bytes" : "weights", g(w_read),
        arch.experts > 0 ? "expected distinct experts hit per step (uniform routing)" : "seed Q2: every step reads all weights");
  b.add("inference.tp_comm_seconds_per_step", comm, "s", "2 x L x ring_allreduce(batch x h x 2 B, tp)",
        "2 x " + g(arch.layers) + " x allreduce(" + g(in.batch * arch.hidden * 2) + " B, " + g(tp) + ") over " + g(link_bw) + " B/s",
        "Megatron-LM (Shoeybi 2019): 2 all-reduces per layer; ring all-reduce 2(n-1)/n");
  b.add("inference.decode_memory_seconds", dt.memory_seconds, "s",
        "(weights_read + kv_read) / (tp x BW x eff)",
        "(" + g(w_read) + " + " + g(kv_read) + ") / (" + g(ds.replica_gpus()) + " x " + g(igpu.bandwidth_bytes_per_s) + " x " + g(bw_eff) + ")",
        "seed Q2: bandwidth-bound part of a decode step");
  b.add("inference.decode_compute_seconds", dt.compute_seconds, "s", "(2 P_active + 4 L ctx heads head_dim) x batch / (tp x peak x eff)",
        g(dflops) + " / (" + g(ds.replica_gpus()) + " x " + g(ipeak) + " x " + g(c_eff) + ")", "compute-bound part of a decode step");
  const double step = b.add("inference.decode_step_seconds", dt.step_seconds,
                            "s", "(weights_read + kv_read) / (tp x BW x eff) + FLOPs / (tp x peak x eff) + comm",
                            "(" + g(w_read) + " + " + g(kv_read) + ") / (" + g(ds.replica_gpus()) + " x " + g(igpu.bandwidth_bytes_per_s) + " x " +
                                g(bw_eff) + ") + " + g(dflops) + " / (" + g(ds.replica_gpus()) + " x " + g(ipeak) + " x " + g(c_eff) + ") + " + g(comm),
                            "seed Q2 (memory-bandwidth bound at small batch); compute term at large batch");
  b.add("inference.tokens_per_second", step > 0 ? in.batch / step : 0.0, "tok/s", "batch / decode_step",
                           g(in.batch) + " / " + g(step), "seed 'Inference Throughput Estimation'");
  // Prefix caching (serving.prefix_cache_hit_fraction): the cached share of the prompt skips prefill.
  const ServingInputs si = serving_inputs(sv);
  const double cached = prefix_cached_tokens(in.prompt_tokens, si.prefix_cache_hit_fraction);
  const double new_prompt = in.prompt_tokens - cached;
  if (cached > 0)
    b.add("inference.prefix_cached_tokens", cached, "tokens", "prompt_tokens x prefix_cache_hit_fraction",
          g(in.prompt_tokens) + " x " + g(si.prefix_cache_hit_fraction),
          "vLLM automatic prefix caching / SGLang RadixAttention: cached KV blocks are reused, their prefill skipped; "
          "KV memory per request unchanged (each request still holds its whole context)");
  const double pf1 = cached > 0 ? prefill_flops_after_cache(arch, Pa, in.prompt_tokens, cached) : prefill_flops(arch, Pa, in.prompt_tokens);
  const double ttft = b.add("inference.prefill_seconds",
                            prefill_seconds(pf1, ipeak * tp, c_eff, w_read, igpu.bandwidth_bytes_per_s * tp, bw_eff,
                                            tensor_parallel_step_seconds(arch.layers, new_prompt, arch.hidden, tp,
                                                                         link_bw, link_lat, 2.0)),
                            "s", "(2 P_active s + 2 L s^2 heads head_dim) / (tp x peak x eff) + weights / (tp x BW x eff) + comm",
                            cached > 0 ? "prefill_flops(" + g(in.prompt_tokens) + ") - prefill_flops(" + g(cached) +
                                             " cached) = " + g(pf1) + " FLOP"
                                       : "2 x " + g(Pa) + " x " + g(in.prompt_tokens) + " + attention = " + g(pf1) + " FLOP",
                            "Kaplan et al. 2020 (forward FLOPs); time to first token of one request");
  // Speculative decoding (serving.speculative_tokens > 0): E tokens per step of a target verifying k + 1.
  const EngineStep spec = engine_step(ds, ServingInputs{false, si.prompt_tokens, si.output_tokens, 0, si.speculative_tokens,
                                                        si.speculative_acceptance_rate, si.speculative_draft_cost_fraction},
                                      in.batch);
  const bool speculative = si.speculative_tokens > 0;
  double decode_tokens_step = step;  // time per output token of the static cycle
  if (speculative) {
    const double k = si.speculative_tokens, al = si.speculative_acceptance_rate;
    b.add("inference.speculative.tokens_per_step", spec.tokens_per_sequence, "tokens", "(1 - alpha^(k+1)) / (1 - alpha)",
          "(1 - " + g(al) + "^" + g(k + 1) + ") / (1 - " + g(al) + ")",
          "Leviathan et al. 2023, eq. 1 (expected tokens per speculative step)");
    b.add("inference.speculative.verify_seconds", spec.target_seconds, "s",
          "decode step of batch x (k + 1) tokens: weights read once, FLOPs and all-reduces x (k + 1)",
          "(" + g(spec.weight_bytes_read) + " + " + g(spec.kv_bytes_read) + ") B, " + g(spec.flops) + " FLOP, comm " +
              g(spec.comm_seconds) + " s",
          "Leviathan et al. 2023: the target scores k + 1 positions in one pass");
    b.add("inference.speculative.step_seconds", spec.step_seconds, "s", "verify + k x draft_cost_fraction x decode_step",
          g(spec.target_seconds) + " + " + g(k) + " x " + g(si.speculative_draft_cost_fraction) + " x " + g(step),
          "Leviathan et al. 2023, Theorem 3.8 (walltime factor k c + 1)");
    decode_tokens_step = b.add("inference.speculative.tpot_seconds", spec.tpot_seconds, "s", "step / tokens_per_step",
                               g(spec.step_seconds) + " / " + g(spec.tokens_per_sequence), "Leviathan et al. 2023");
  }
  const double batch_prefill = prefill_seconds(pf1 * in.batch, ipeak * tp, c_eff, w_read, igpu.bandwidth_bytes_per_s * tp, bw_eff, 0);
  const double cycle = batch_prefill + in.output_tokens * decode_tokens_step;
  const std::string step_name = speculative ? "speculative tpot" : "decode_step";
  const double sustained = b.add("inference.sustained_tokens_per_second", cycle > 0 ? in.batch * in.output_tokens / cycle : 0.0,
                                 "tok/s", "batch x output / (prefill(batch) + output x " + step_name + ")",
                                 g(in.batch) + " x " + g(in.output_tokens) + " / (" + g(batch_prefill) + " + " +
                                     g(in.output_tokens) + " x " + g(decode_tokens_step) + ")",
                                 "static batching cycle: prefill the batch, then decode");
  b.add("inference.requests_per_second", cycle > 0 ? in.batch / cycle : 0.0, "req/s", "batch / (prefill(batch) + output x step)",
        g(in.batch) + " / " + g(cycle), "seed 'requests_per_second = tokens_per_second / avg_output_tokens'");

  // ------------------------------------------------------------ traffic and serving
  const TrafficSection& tf = s.traffic;
  const double rpd = b.add("traffic.requests_per_day", requests_per_day(tf.users, tf.active_fraction, tf.requests_per_user_per_day),
                           "req/day", "users x active_fraction x requests_per_user_per_day",
                           g(tf.users) + " x " + g(tf.active_fraction) + " x " + g(tf.requests_per_user_per_day),
                           "seed estimation cascade");
  const double avg = b.add("traffic.average_qps", average_qps(rpd), "req/s", "requests_per_day / 86400", g(rpd) + " / 86400",
                           "seed fraud and LLM-serving examples");
  // A direct peak load (traffic.peak_qps, or traffic.peak_tokens_per_second / output tokens) replaces
  // the users cascade; the average is then the peak over the peak factor.
  double pk = 0;
  if (tf.peak_qps) {
    pk = b.add("traffic.peak_qps", *tf.peak_qps, "req/s", "peak_qps (given)", g(*tf.peak_qps), "scenario traffic.peak_qps");
    if (tf.peak_tokens_per_second)
      b.warn("traffic.peak_tokens_per_second", "both traffic.peak_qps and traffic.peak_tokens_per_second are set; using peak_qps");
  } else if (tf.peak_tokens_per_second) {
    pk = b.add("traffic.peak_qps", *tf.peak_tokens_per_second / in.output_tokens, "req/s", "peak_tokens_per_second / output_tokens",
               g(*tf.peak_tokens_per_second) + " / " + g(in.output_tokens), "scenario traffic.peak_tokens_per_second");
  } else {
    pk = b.add("traffic.peak_qps", peak_qps(avg, tf.peak_factor), "req/s", "average_qps x peak_factor",
               g(avg) + " x " + g(tf.peak_factor), "seed 'Forgetting Peak Traffic' (3x consumer, 5x payments, 10x ads)");
  }
  const double peak_tok = b.add("traffic.peak_tokens_per_second", pk * in.output_tokens, "tok/s", "peak_qps x output_tokens",
                                g(pk) + " x " + g(in.output_tokens), "seed LLM-serving example");
  double serving_monthly = 0;
  if (tf.cpu_ms_per_request > 0) {
    const double cores = b.add("serving.cpu_cores", cpu_cores_needed(pk, tf.cpu_ms_per_request, tf.cpu_headroom), "cores",
                               "peak_qps x ms_per_request / 1000 x headroom",
                               g(pk) + " x " + g(tf.cpu_ms_per_request) + " / 1000 x " + g(tf.cpu_headroom), "seed fraud example");
    const double per_machine = tf.cpu_cores_per_machine ? *tf.cpu_cores_per_machine : c.prices.cpu_cores_per_machine;
    const double mprice = tf.cpu_price_per_machine_hour ? *tf.cpu_price_per_machine_hour : c.prices.cpu_machine_usd_per_hour;
    const double machines = b.add("serving.replicas", std::max(tf.min_machines, std::ceil(cores / per_machine - 1e-9)), "1",
                                  "max(min_machines, ceil(cores / cores_per_machine))",
                                  "max(" + g(tf.min_machines) + ", ceil(" + g(cores) + " / " + g(per_machine) + "))", "seed fraud example");
    b.add("serving.gpus", 0, "1", "CPU-served model", "0", "seed fraud example: 'a CPU-served, non-GPU problem'");
    serving_monthly = b.add("serving.monthly_cost_usd", monthly_usd(machines, mprice), "USD/month", "machines x price x 730 h",
                            g(machines) + " x " + g(mprice) + " x 730", "seed fraud example (c5.2xlarge ~$0.40/hr)");
  } else {
    // Continuous batching (serving.batching): the engine step carries the batch's decode tokens and a
    // prefill chunk; the fleet is sized with the wait for a batch slot (serving_model.hpp).
    const ServingSection& sg = s.serving;
    const bool continuous = si.continuous;
    const double pct = percentile_fraction(sg.latency_percentile);
    EngineStep cs;
    double engine_capacity = sustained;
    if (continuous) {
      cs = engine_step(ds, si, in.batch);
      const std::string csrc = "continuous batching with chunked prefill (Orca, Yu et al. 2022; Sarathi-Serve, Agrawal et al. "
                               "2024; vLLM / SGLang / TensorRT-LLM in-flight batching)";
      b.add("serving.continuous.prefill_tokens_per_step", cs.prefill_tokens, "tokens",
            "batch x tokens_per_step / output x (prompt - cached)",
            g(in.batch) + " x " + g(cs.tokens_per_sequence) + " / " + g(si.output_tokens) + " x " + g(new_prompt),
            "steady state: as many requests start per step as finish; " + csrc);
      b.add("serving.continuous.forward_passes_per_step", cs.passes, "1", "max(1, (batch x (k + 1) + prefill chunk) / 8192)",
            "max(1, (" + g(cs.verified_tokens) + " + " + g(cs.prefill_tokens) + ") / 8192)",
            "vLLM max_num_batched_tokens default with chunked prefill (8,192 tokens per forward pass; averaged over steps)");
      b.add("serving.continuous.step_seconds", cs.step_seconds, "s",
            "(weights x passes + kv_read) / (tp x BW x eff) + (decode + chunk FLOPs) / (tp x peak x eff) + comm + draft",
            "(" + g(cs.weight_bytes_read) + " + " + g(cs.kv_bytes_read) + ") / (" + g(ds.replica_gpus()) + " x " + g(igpu.bandwidth_bytes_per_s) +
                " x " + g(bw_eff) + ") + " + g(cs.flops) + " / (" + g(ds.replica_gpus()) + " x " + g(ipeak) + " x " + g(c_eff) + ") + " +
                g(cs.comm_seconds) + " + " + g(cs.draft_seconds),
            "one read of the weights per forward pass shared by decode and prefill tokens; " + csrc);
      engine_capacity = b.add("serving.continuous.tokens_per_second", cs.output_tokens_per_second, "tok/s",
                              "batch x tokens_per_step / step_seconds",
                              g(in.batch) + " x " + g(cs.tokens_per_sequence) + " / " + g(cs.step_seconds),
                              "steady-state output tokens per step over the step time; " + csrc);
      b.add("serving.continuous.ttft_service_seconds", cs.ttft_service_seconds, "s",
            "step + own prompt FLOPs / (tp x peak x eff) + its all-reduces (+ a weight read per extra 8,192-token chunk)",
            g(cs.step_seconds) + " + " + g(cs.prompt_flops) + " / (" + g(tp) + " x " + g(ipeak) + " x " + g(c_eff) + ") + ...",
            "the prompt rides in the next step beside the running batch (Sarathi-Serve chunked prefill); no wait");
      b.add("serving.continuous.slot_seconds", cs.slot_seconds, "s", "ttft_service + (output - 1) x tpot",
            g(cs.ttft_service_seconds) + " + " + g(si.output_tokens - 1) + " x " + g(cs.tpot_seconds),
            "how long a request holds its batch slot (the service time of the queue)");
    }
    const double capacity = tf.tokens_per_second_per_replica ? *tf.tokens_per_second_per_replica : engine_capacity;
    b.add("serving.tokens_per_second_per_replica", capacity, "tok/s",
          tf.tokens_per_second_per_replica ? "given"
          : continuous                     ? "serving.continuous.tokens_per_second"
                                           : "inference.sustained_tokens_per_second",
          g(capacity), tf.tokens_per_second_per_replica ? "scenario traffic.tokens_per_second_per_replica" : "inference estimate");
    double replicas = 0;
    QueueSizing q;
    if (continuous) {
      EngineStep sized = cs;
      sized.output_tokens_per_second = capacity;
      q = size_continuous_fleet(sized, in.batch, pk, si.output_tokens, tf.min_replicas, sg.ttft_target_seconds, pct);
      const std::string qsrc = "M/M/c queue per replica, c = batch slots, service = slot_seconds: Erlang C (Erlang 1917; "
                               "Kleinrock 1975, Queueing Systems vol. 1, sec. 3.5)";
      b.add("serving.queue.throughput_replicas", q.throughput_replicas, "1",
            "max(min_replicas, ceil(peak_tokens_per_s / tokens_per_s_per_replica))",
            "max(" + g(tf.min_replicas) + ", ceil(" + g(peak_tok) + " / " + g(capacity) + "))", "seed LLM-serving example and Q3");
      replicas = b.add("serving.replicas", q.replicas, "1",
                       "fewest replicas >= throughput_replicas with utilisation < 1 and wait(" + sg.latency_percentile +
                           ") + ttft_service <= TTFT target",
                       g(q.replicas) + " (throughput " + g(q.throughput_replicas) + ", stable above " +
                           g(pk * cs.slot_seconds / std::max(1.0, in.batch)) + ")",
                       qsrc);
      b.add("serving.queue.arrivals_per_second_per_replica", q.arrivals_per_s, "req/s", "peak_qps / replicas",
            g(pk) + " / " + g(q.replicas), qsrc);
      b.add("serving.queue.utilization", q.utilization, "1", "arrivals x slot_seconds / batch",
            g(q.arrivals_per_s) + " x " + g(cs.slot_seconds) + " / " + g(in.batch), qsrc);
      b.add("serving.queue.wait_probability", q.wait_probability, "1", "Erlang C(c = batch, a = arrivals x slot_seconds)",
            "C(" + g(in.batch) + ", " + g(q.arrivals_per_s * cs.slot_seconds) + ")", qsrc);
      b.add("serving.queue.mean_wait_seconds", q.mean_wait_seconds, "s", "C x slot_seconds / (c - a)",
            g(q.wait_probability) + " x " + g(cs.slot_seconds) + " / (" + g(in.batch) + " - " + g(q.arrivals_per_s * cs.slot_seconds) + ")",
            qsrc);
      b.add("serving.queue.wait_seconds", q.wait_seconds, "s",
            "max(0, ln(C / (1 - p)) x slot_seconds / (c - a)) at " + sg.latency_percentile,
            "p = " + g(pct) + ", C = " + g(q.wait_probability), qsrc + ": P(W > t) = C exp(-(c mu - lambda) t)");
    } else {
      replicas = b.add("serving.replicas", replicas_needed(peak_tok, capacity, tf.min_replicas), "1",
                       "max(min_replicas, ceil(peak_tokens_per_s / tokens_per_s_per_replica))",
                       "max(" + g(tf.min_replicas) + ", ceil(" + g(peak_tok) + " / " + g(capacity) + "))",
                       "seed LLM-serving example and Q3");
    }
    const double rg = ds.replica_gpus();  // tensor_parallel x expert_parallel
    if (ep > 1) {
      b.add("serving.gpus_per_replica", rg, "1", "tensor_parallel x expert_parallel", g(tp) + " x " + g(ep),
            "expert parallelism: routed experts sharded over ep groups of tp GPUs");
      const DecodeTimes at_batch = decode_times(ds, in.batch);
      b.add("serving.expert_parallel.all_to_all_seconds_per_step", replica_all_to_all_seconds(ds, in.batch), "s",
            "2 x L_moe x (batch x k x h x 2 B / (tp x ep) x (ep - 1) / ep / link + latency)",
            "2 x " + g(moe_layers(arch)) + " x (" + g(in.batch) + " x " + g(arch.experts_per_token) + " x " + g(arch.hidden) +
                " x 2 / " + g(rg) + " x " + g((ep - 1) / ep) + " / " + g(ds.link_bytes_per_s) + " + " + g(ds.link_latency_s) + ")",
            "dispatch and combine per MoE layer (GShard, Lepikhin et al. 2020; DeepSeek-V3 report sec. 3.4.2), over the scale-up "
            "link when tp x ep fits its domain, else scale-out; part of inference.decode_step_seconds (" +
                g(at_batch.comm_seconds) + " s of communication)");
    }
    const double gpus = b.add("serving.gpus", replicas * rg, "1", ep > 1 ? "replicas x tensor_parallel x expert_parallel" : "replicas x tensor_parallel",
                              g(replicas) + " x " + g(rg), "seed Q3");
    if (!inf_fits)
      b.warn("serving.gpus", "the fleet is sized from a replica that does not fit: weights + KV cache at batch " + g(in.batch) +
                                 " need more than " + g(tp) + " x " + igpu.name + " (see memory.inference.fits)");
    else if (in.batch > max_batch)
      b.warn("serving.gpus", "the fleet is sized at batch " + g(in.batch) + ", above the " + g(max_batch) +
                                 " sequences whose KV cache fits on a replica");
    // The serving GPU's price: the scenario's price applies to hardware.gpu only (select_accelerator).
    const double sprice = price_per_gpu_hour(sv, c);
    const std::string sprice_src = sv.hardware.price_per_gpu_hour ? std::string("scenario hardware.price_per_gpu_hour")
                                   : sv.hardware.pricing == "spot"  ? igpu.spot_source
                                                                    : igpu.on_demand_source;
    if (!s.serving.gpu.empty()) {
      b.add("serving.price_per_gpu_hour", sprice, "USD/h", "price per GPU-hour of serving.gpu", g(sprice), sprice_src);
      if (!price_for(igpu, sv.hardware.pricing))
        b.warn("serving.price_per_gpu_hour", "no published price for " + igpu.name + "; serving costs are 0");
    }
    serving_monthly = b.add("serving.monthly_cost_usd", monthly_usd(gpus, sprice), "USD/month", "GPUs x price x 730 h",
                            g(gpus) + " x " + g(sprice) + " x 730", sprice_src);
    b.add("serving.usd_per_million_tokens", capacity > 0 ? sprice * rg / (capacity * kSecondsPerHour) * 1e6 : 0.0, "USD/Mtok",
          "price x GPUs per replica / (tokens_per_s_per_replica x 3600) x 1e6",
          g(sprice) + " x " + g(rg) + " / (" + g(capacity) + " x 3600) x 1e6",
          "output tokens of a fully loaded replica; " + sprice_src);
    // Latency of the replica against the scenario's targets. Static batching models no queueing wait:
    // its estimates are those of a request that finds a free slot, i.e. the median at moderate load.
    // Continuous batching adds the M/M/c wait for a slot at the scenario's percentile.
    double ttft_at = ttft, tpot_at = decode_tokens_step;
    if (continuous) {
      ttft_at = b.add("serving.ttft_seconds", q.ttft_seconds, "s",
                      "wait(" + sg.latency_percentile + ") + serving.continuous.ttft_service_seconds",
                      g(q.wait_seconds) + " + " + g(cs.ttft_service_seconds),
                      "time to first token at the planned load, at the scenario's percentile (M/M/c wait for a batch slot)");
      tpot_at = b.add("serving.tpot_seconds", cs.tpot_seconds, "s",
                      speculative ? "continuous step / speculative tokens per step" : "serving.continuous.step_seconds",
                      speculative ? g(cs.step_seconds) + " / " + g(cs.tokens_per_sequence) : g(cs.step_seconds),
                      "every running sequence gets its tokens once per engine step (decode and prefill chunk together)");
    } else {
      b.add("serving.ttft_seconds", ttft, "s", "inference.prefill_seconds (no queueing wait)", g(ttft),
            "time to first token of one request at the replica's layout");
      if (speculative)
        b.add("serving.tpot_seconds", tpot_at, "s", "inference.speculative.tpot_seconds at the serving batch", g(tpot_at),
              "Leviathan et al. 2023: a step of k proposals verified at once gives E tokens");
      else
        b.add("serving.tpot_seconds", step, "s", "inference.decode_step_seconds at the serving batch", g(step),
              "every sequence of the batch gets one token per decode step");
    }
    const bool meets = inf_fits && ttft_at <= sg.ttft_target_seconds && tpot_at <= sg.tpot_target_seconds;
    b.add("serving.meets_targets", meets ? 1 : 0, "bool", "fits and TTFT <= target and TPOT <= target",
          g(ttft_at) + " <= " + g(sg.ttft_target_seconds) + ", " + g(tpot_at) + " <= " + g(sg.tpot_target_seconds),
          "scenario serving.ttft_target_seconds, serving.tpot_target_seconds (" + sg.latency_percentile +
              (continuous ? " of the M/M/c time to first token" : "") + ")");
    if (inf_fits && !meets)
      b.warn("serving.meets_targets", std::string("the serving replica misses its latency target: ") +
                                          (ttft_at > sg.ttft_target_seconds ? "time to first token " + g(ttft_at) + " s > " + g(sg.ttft_target_seconds) + " s"
                                                                            : "time per output token " + g(tpot_at) + " s > " + g(sg.tpot_target_seconds) + " s"));
    if (sg.disaggregated) {
      // Disaggregated prefill/decode beside the aggregated fleet above (serving_model.hpp): a prefill
      // pool sized for the TTFT target, the KV moved over the scale-out links, a decode pool of pure
      // decode steps at the serving batch, whose paged KV holds prompt + output / 2 tokens per request.
      const std::string dsrc = "disaggregated prefill/decode (DistServe, Zhong et al. OSDI 2024; Splitwise, Patel et al. "
                               "ISCA 2024; NVIDIA Dynamo)";
      const DisaggregatedFleet df = size_disaggregated_fleet(ds, si, in.batch, pk, tf.min_replicas, sg.ttft_target_seconds,
                                                             sg.tpot_target_seconds, pct, igpu.scale_out_bytes_per_s);
      const double paged_seq = kv_cache_bytes_per_token_at_context(arch, kvdt, ds.read_context) * ds.read_context;
      const double decode_max_batch =
          ep > 1 ? max_batch_at_context(usable * tp * ep, (w_bytes - expert_w) * ep + expert_w + (ws + overhead) * ep, paged_seq)
                 : max_batch_at_context(usable * tp, w_bytes + ws + overhead, paged_seq);
      b.add("serving.disaggregated.decode_max_batch", decode_max_batch, "1",
            "floor((memory x usable x tp - weights - workspace - overhead) / (kv_per_token x (prompt + output / 2)))",
            "floor((" + g(usable * tp) + " - " + g(w_bytes + ws + overhead) + ") / " + g(paged_seq) + ")",
            "paged KV in the decode pool (vLLM PagedAttention); " + dsrc);
      b.add("serving.disaggregated.prompts_per_prefill_pass", df.prompts_per_pass, "1", "max(1, 8192 / uncached prompt)",
            "max(1, 8192 / " + g(in.prompt_tokens * (1 - sg.prefix_cache_hit_fraction)) + ")",
            "prompts batched into one forward pass of at most 8,192 tokens (vLLM max_num_batched_tokens)");
      b.add("serving.disaggregated.prefill_service_seconds", df.prefill_service_seconds, "s", "prefill pass / prompts per pass",
            g(df.prefill_pass_seconds) + " / " + g(df.prompts_per_pass),
            "a pass reads the weights once, runs its prompts' FLOPs and all-reduces (as an engine step); " + dsrc);
      b.add("serving.disaggregated.kv_transfer_seconds", df.kv_transfer_seconds, "s",
            "prompt x kv_bytes_per_token / (replica GPUs x scale-out bandwidth)",
            g(in.prompt_tokens) + " x " + g(ds.kv_bytes_per_token) + " / (" + g(df.replica_gpus) + " x " + g(igpu.scale_out_bytes_per_s) + ")",
            "each GPU sends its KV shard over its own NIC (RDMA; NIXL in Dynamo; DistServe sec. 4)");
      b.add("serving.disaggregated.prefill_replicas", df.prefill_replicas, "1",
            "fewest replicas with utilisation < 1 and wait(" + sg.latency_percentile + ") + prefill + transfer <= TTFT target",
            g(df.prefill_replicas) + " (utilisation " + g(df.prefill_utilization) + ")",
            "each prefill replica an M/M/1 queue of requests (Kleinrock 1975, sec. 3.2)");
      b.add("serving.disaggregated.ttft_seconds", df.ttft_seconds, "s", "wait(" + sg.latency_percentile + ") + prefill + KV transfer",
            g(df.prefill_wait_seconds) + " + " + g(df.prefill_seconds) + " + " + g(df.kv_transfer_seconds),
            "the decode pool emits the first token once the prompt's KV has arrived (Dynamo); " + dsrc);
      b.add("serving.disaggregated.tpot_seconds", df.decode.tpot_seconds, "s", "decode step at the serving batch (no prefill chunk)",
            g(df.decode.step_seconds) + (df.decode.tokens_per_sequence != 1 ? " / " + g(df.decode.tokens_per_sequence) : ""),
            "decode steps free of prefill interference (DistServe sec. 2)");
      b.add("serving.disaggregated.decode_tokens_per_second_per_replica", df.decode.output_tokens_per_second, "tok/s",
            "batch x tokens_per_step / step", g(in.batch) + " x " + g(df.decode.tokens_per_sequence) + " / " + g(df.decode.step_seconds), dsrc);
      b.add("serving.disaggregated.decode_replicas", df.decode_replicas, "1",
            "max(min_replicas, ceil(peak_tokens_per_s / decode tokens_per_s_per_replica))",
            "max(" + g(tf.min_replicas) + ", ceil(" + g(peak_tok) + " / " + g(df.decode.output_tokens_per_second) + "))", "seed Q3");
      const double dgpus = b.add("serving.disaggregated.gpus", df.gpus, "1", "(prefill_replicas + decode_replicas) x GPUs per replica",
                                 "(" + g(df.prefill_replicas) + " + " + g(df.decode_replicas) + ") x " + g(df.replica_gpus), dsrc);
      b.add("serving.disaggregated.monthly_cost_usd", monthly_usd(dgpus, sprice), "USD/month", "GPUs x price x 730 h",
            g(dgpus) + " x " + g(sprice) + " x 730", sprice_src);
      const bool dmeets = in.batch <= decode_max_batch && df.meets_targets;
      b.add("serving.disaggregated.meets_targets", dmeets ? 1 : 0, "bool",
            "batch <= decode_max_batch and TTFT <= target and TPOT <= target",
            g(in.batch) + " <= " + g(decode_max_batch) + ", " + g(df.ttft_seconds) + " <= " + g(sg.ttft_target_seconds) + ", " +
                g(df.decode.tpot_seconds) + " <= " + g(sg.tpot_target_seconds),
            "scenario serving targets (" + sg.latency_percentile + " of the prefill queue's time to first token)");
      if (in.batch > decode_max_batch)
        b.warn("serving.disaggregated.decode_max_batch", "the decode pool's batch " + g(in.batch) + " holds more KV than fits (" +
                                                             g(decode_max_batch) + " sequences)");
    }
    if (sg.latency_percentile != "p50" && !continuous)
      b.warn("serving.latency_percentile", "latency targets are compared with estimates without a queueing wait (a median at "
                                           "moderate load); " + sg.latency_percentile + " is modelled with serving.batching "
                                           "\"continuous\" (M/M/c wait for a batch slot)");
  }

  // ------------------------------------------------------------ storage
  const StorageSection& st = s.storage;
  const double obj_price = s.prices.object_storage_per_gb_month ? *s.prices.object_storage_per_gb_month
                                                                 : c.prices.object_storage_usd_per_gb_month;
  const double egress_price = s.prices.egress_per_gb ? *s.prices.egress_per_gb : c.prices.egress_usd_per_gb;
  const double dau = st.users ? *st.users : tf.users * tf.active_fraction;
  const double raw = b.add("storage.raw_bytes_per_day", raw_bytes_per_day(dau, st.events_per_user_per_day, st.bytes_per_event), "B",
                           "users x events_per_user_per_day x bytes_per_event",
                           g(dau) + " x " + g(st.events_per_user_per_day) + " x " + g(st.bytes_per_event), "seed 'Training Data Storage'");
  b.add("storage.raw_bytes_retained", raw * st.retention_days, "B", "raw_bytes_per_day x retention_days",
        g(raw) + " x " + g(st.retention_days), "seed 'Training Data Storage'");
  const double stored = b.add("storage.stored_bytes", stored_bytes(raw, st.retention_days, st.compression_ratio), "B",
                              "raw_bytes_per_day x retention_days / compression_ratio",
                              g(raw) + " x " + g(st.retention_days) + " / " + g(st.compression_ratio),
                              "seed (Parquet+Snappy typically 4-5x)");
  const double storage_monthly = b.add("storage.monthly_cost_usd", object_storage_monthly_usd(stored, obj_price), "USD/month",
                                       "stored_bytes / 1e9 x price_per_GB_month", g(stored) + " / 1e9 x " + g(obj_price),
                                       c.prices.object_storage_source);
  const double egress_monthly = b.add("storage.egress_monthly_usd", st.egress_gb_per_month * egress_price, "USD/month",
                                      "egress_GB x price_per_GB", g(st.egress_gb_per_month) + " x " + g(egress_price),
                                      c.prices.egress_source);
  b.add("storage.dataset_bytes", dataset_bytes(st.dataset_tokens, st.bytes_per_token), "B", "tokens x bytes_per_token",
        g(st.dataset_tokens) + " x " + g(st.bytes_per_token), "seed: 1 million text tokens ~ 4 MB");
  b.add("storage.checkpoint_bytes", P * (rb.weights + rb.optimizer), "B", "params x (weight + master/optimizer bytes)",
        g(P) + " x " + g(rb.weights + rb.optimizer), "a full training checkpoint holds weights and optimizer state, not gradients");

  // ------------------------------------------------------------ feature store
  const FeatureStoreSection& fs = s.feature_store;
  const double ef = feature_bytes(fs.entities, fs.features_per_entity, fs.bytes_per_feature);
  const double itf = feature_bytes(fs.items, fs.features_per_item, fs.bytes_per_feature);
  const double emb = embedding_bytes(fs.entities + fs.items, fs.embedding_dim, fs.embedding_bytes);
  b.add("feature_store.entity_feature_bytes", ef, "B", "entities x features x bytes",
        g(fs.entities) + " x " + g(fs.features_per_entity) + " x " + g(fs.bytes_per_feature), "seed 'Feature Store Storage'");
  b.add("feature_store.item_feature_bytes", itf, "B", "items x features x bytes",
        g(fs.items) + " x " + g(fs.features_per_item) + " x " + g(fs.bytes_per_feature), "seed 'Feature Store Storage'");
  b.add("feature_store.embedding_bytes", emb, "B", "(entities + items) x dim x bytes",
        "(" + g(fs.entities) + " + " + g(fs.items) + ") x " + g(fs.embedding_dim) + " x " + g(fs.embedding_bytes),
        "seed 'Feature Store Storage' (float32 vectors)");
  const double fraw = b.add("feature_store.raw_bytes", ef + itf + emb, "B", "features + embeddings",
                            g(ef) + " + " + g(itf) + " + " + g(emb), "seed");
  const double ftotal = b.add("feature_store.total_bytes", fraw * fs.overhead_factor, "B", "raw x overhead_factor",
                              g(fraw) + " x " + g(fs.overhead_factor), "seed: Redis ~2x raw (keys, metadata, encoding)");
  const double node_gb = fs.node_gb ? *fs.node_gb : c.prices.kv_node_default_gb;
  const double fnodes = b.add("feature_store.nodes", ftotal > 0 ? kv_store_nodes(ftotal, fs.headroom, node_gb * kGB) : 0.0, "1",
        "ceil(total x headroom / node_bytes)", "ceil(" + g(ftotal) + " x " + g(fs.headroom) + " / " + g(node_gb) + " GB)",
        "seed: int(total * 1.2 / 64) + 1 nodes of 64 GB");
  b.add("feature_store.reads_per_second", pk, "req/s", "one GET per request at peak", g(pk), "seed fraud example");
  // Replicas serve reads too (Redis replicas accept reads), so reads spread over every node.
  const double all_nodes = b.add("feature_store.nodes_with_replicas", fnodes * fs.replication_factor, "1",
                                 "nodes x replication_factor", g(fnodes) + " x " + g(fs.replication_factor),
                                 "seed Q4: 'a Redis cluster ... with a standard replication setup'");
  b.add("feature_store.reads_per_second_per_node", all_nodes > 0 ? pk / all_nodes : 0.0, "req/s",
        "reads_per_second / nodes_with_replicas", g(pk) + " / " + g(all_nodes),
        "seed fraud example: 1,736 GETs/s is 'trivial' next to ~100K ops/s per Redis node (redis-benchmark, redis.io)");
  double feature_store_monthly = 0;
  const bool fs_priced = fs.price_per_node_hour.has_value() || fs.priced;
  if (fs_priced) {
    // Unset price with feature_store.priced: the catalog's cited memory-optimized node (prices.json).
    const double node_price = fs.price_per_node_hour ? *fs.price_per_node_hour : c.prices.kv_node_usd_per_hour;
    feature_store_monthly = b.add("feature_store.monthly_cost_usd", monthly_usd(all_nodes, node_price), "USD/month",
                                  "nodes_with_replicas x price_per_node_hour x 730 h",
                                  g(all_nodes) + " x " + g(node_price) + " x 730",
                                  fs.price_per_node_hour ? "scenario feature_store.price_per_node_hour" : c.prices.kv_node_source);
  }

  // ------------------------------------------------------------ data pipeline (pipeline.cpp)
  const IncludeSection& inc = s.include;
  double pipeline_monthly = 0;
  if (inc.pipeline) {
    PipelineEstimate pe = estimate_pipeline(s, c);
    pipeline_monthly = pe.monthly_usd;
    b.absorb(pe);
  }
  double network_monthly = 0;
  if (inc.network) {
    SectionEstimate ne = estimate_network(s, c, avg);
    network_monthly = ne.monthly_usd;
    b.absorb(ne);
  }
  if (inc.one_machine) {
    SectionEstimate oe = estimate_one_machine(s);
    b.absorb(oe);
  }
  // ------------------------------------------------------------ fine-tuning (finetune.cpp)
  if (inc.finetune) {
    FinetuneEstimate fe = estimate_finetune(s, c, arch, P, Pa);
    b.absorb(fe);
  }

  // ------------------------------------------------------------ classical model / recommender (recommender.cpp)
  double recommender_monthly = 0;
  if (inc.recommender) {
    RecommenderEstimate re = estimate_recommender(s, c, pk);
    recommender_monthly = re.monthly_usd;
    b.absorb(re);
  }

  // ------------------------------------------------------------ scope and cost roll-up
  // Sections the scenario does not include leave the report (results and warnings); the roll-up
  // sums only the included ones.
  const bool cpu_serving = tf.cpu_ms_per_request > 0;
  auto kept = [&](const std::string& path) { return path_included(path, inc, cpu_serving); };
  b.r.results.erase(std::remove_if(b.r.results.begin(), b.r.results.end(), [&](const Result& x) { return !kept(x.path); }),
                    b.r.results.end());
  b.r.warnings.erase(std::remove_if(b.r.warnings.begin(), b.r.warnings.end(), [&](const Warning& w) {
                                    // A model that does not fit also matters to GPU serving alone.
                                    const bool fit = w.path == "memory.inference.fits" && inc.serving && !cpu_serving;
                                    return !kept(w.path) && !fit;
                                  }),
                     b.r.warnings.end());
  // ------------------------------------------------------------ energy (energy.cpp), from the included sections
  if (inc.energy) {
    EnergyEstimate ee = estimate_energy(s, c, b.r);
    b.absorb(ee);
  }
  std::string names, values;
  double monthly_sum = 0;
  auto part = [&](bool on, const char* name, double usd) {
    if (!on) return;
    names += (names.empty() ? "" : " + ") + std::string(name);
    values += (values.empty() ? "" : " + ") + g(usd);
    monthly_sum += usd;
  };
  part(inc.serving, "serving", serving_monthly);
  part(inc.storage, "storage", storage_monthly);
  part(inc.storage, "egress", egress_monthly);
  part(inc.feature_store && fs_priced, "feature store", feature_store_monthly);
  part(inc.pipeline, "pipeline", pipeline_monthly);
  part(inc.network, "network egress", network_monthly);
  part(inc.recommender, "recommender", recommender_monthly);
  if (names.empty()) names = values = "0";
  const double monthly = b.add("cost.monthly_usd", monthly_sum, "USD/month", names, values,
                               "sum of the included sections (scenario include)");
  if (inc.training) {
    b.add("cost.training_usd", tcost, "USD", "one-off training", g(tcost), "training.cost_usd");
    b.add("cost.first_year_usd", tcost + 12 * monthly, "USD", "training + 12 x monthly", g(tcost) + " + 12 x " + g(monthly), "sum");
  } else {
    b.add("cost.first_year_usd", 12 * monthly, "USD", "12 x monthly (no training included)", "12 x " + g(monthly), "sum");
  }
  return std::move(b.r);
}

bool path_included(const std::string& path, const IncludeSection& inc, bool cpu_serving) {
  auto starts = [&](const char* prefix) { return path.rfind(prefix, 0) == 0; };
  const bool gpu_serving = inc.serving && !cpu_serving;
  // GPU totals are meaningful when the scenario has any GPU section; a CPU-served model alone is
  // sized in machines (serving.replicas), not GPUs.
  const bool gpus = inc.training || inc.inference || gpu_serving || inc.finetune;
  // hardware.peak_flops is the peak at the training dtype (inference reports its own compute terms).
  if (path == "storage.checkpoint_bytes" || path == "cost.training_usd" || path == "hardware.peak_flops") return inc.training;
  if (starts("memory.training.") || starts("training.")) return inc.training;
  if (starts("memory.inference.") || starts("inference.")) return inc.inference;
  if (starts("model.") || starts("hardware.")) return gpus;
  if (path == "serving.gpus") return inc.serving && gpus;
  if (path == "traffic.peak_tokens_per_second") return gpu_serving;
  if (path == "serving.tokens_per_second_per_replica") return gpu_serving;
  if (starts("traffic.") || starts("serving.")) return inc.serving;
  if (starts("storage.")) return inc.storage;
  if (starts("feature_store.")) return inc.feature_store;
  if (starts("pipeline.")) return inc.pipeline;
  if (starts("network.")) return inc.network;
  if (starts("one_machine.")) return inc.one_machine;
  if (starts("finetune.")) return inc.finetune;
  if (starts("energy.")) return inc.energy;
  if (starts("recommender.")) return inc.recommender;
  return true;  // cost.* and anything not tied to a section
}

Accelerator custom_accelerator(const HardwareSection& hw) {
  Accelerator a;
  a.id = kCustomAccelerator;
  a.name = hw.name.empty() ? std::string("Custom accelerator") : hw.name;
  a.vendor = "user";
  a.klass = "custom";  // default efficiencies: the datacenter-GPU class values
  const double peak = hw.peak_tflops.value_or(0) * kTera;  // dense 16-bit, and every precision not given
  a.fp32 = a.tf32 = a.bf16 = a.fp16 = a.int8 = peak;
  a.fp8 = hw.fp8_tflops ? *hw.fp8_tflops * kTera : peak;
  a.fp4 = hw.fp4_tflops ? *hw.fp4_tflops * kTera : a.fp8;
  a.memory_bytes = hw.memory_gb.value_or(0) * kGB;
  a.bandwidth_bytes_per_s = hw.bandwidth_gbps.value_or(0) * kGB;
  a.scale_up_bytes_per_s = hw.scale_up_gbps.value_or(0) * kGB;
  a.scale_out_bytes_per_s = hw.scale_out_gbps.value_or(0) * kGB;
  a.tdp_w = hw.tdp_w.value_or(0);
  a.on_demand_source = a.spot_source = "no price (user-defined accelerator; set hardware.price_per_gpu_hour)";
  a.source = "user-defined accelerator (scenario hardware section)";
  return a;
}

double peak_flops_at(const HardwareSection& hw, const Accelerator& gpu, Dtype d) {
  const bool fp4 = d == Dtype::fp4 || d == Dtype::mxfp4 || d == Dtype::nvfp4;
  // A custom accelerator carries its precisions (custom_accelerator); an edited catalog device's
  // peak_tflops replaces its 16-bit figure and every precision without its own override.
  if (hw.gpu == kCustomAccelerator || !hw.peak_tflops || (fp4 && hw.fp4_tflops) || (d == Dtype::fp8 && hw.fp8_tflops))
    return gpu.peak_flops(d);
  return *hw.peak_tflops * kTera;
}

Accelerator resolved_accelerator(const Scenario& s, const Catalog& c) {
  const HardwareSection& hw = s.hardware;
  if (hw.gpu == kCustomAccelerator) {
    Accelerator gpu = custom_accelerator(hw);
    gpu.scale_up_domain = static_cast<int>(hw.scale_up_domain.value_or(gpu.scale_up_bytes_per_s > 0 ? 8 : 1));
    return gpu;
  }
  const Accelerator* a = c.find_accelerator(hw.gpu);
  if (!a) a = c.find_accelerator(Scenario().hardware.gpu);
  Accelerator gpu = *a;
  if (hw.memory_gb) gpu.memory_bytes = *hw.memory_gb * kGB;
  if (hw.bandwidth_gbps) gpu.bandwidth_bytes_per_s = *hw.bandwidth_gbps * kGB;
  if (hw.scale_up_gbps) gpu.scale_up_bytes_per_s = *hw.scale_up_gbps * kGB;
  if (hw.scale_out_gbps) gpu.scale_out_bytes_per_s = *hw.scale_out_gbps * kGB;
  if (hw.scale_up_domain) gpu.scale_up_domain = static_cast<int>(*hw.scale_up_domain);
  if (hw.tdp_w) gpu.tdp_w = *hw.tdp_w;
  if (hw.fp8_tflops) gpu.fp8 = *hw.fp8_tflops * kTera;
  if (hw.fp4_tflops) gpu.fp4 = *hw.fp4_tflops * kTera;
  if (!hw.name.empty()) gpu.name = hw.name;  // edited specs may carry their own name
  return gpu;
}

double price_per_gpu_hour(const Scenario& s, const Catalog& c) {
  if (s.hardware.price_per_gpu_hour) return *s.hardware.price_per_gpu_hour;
  if (s.hardware.gpu == kCustomAccelerator) return 0.0;  // no price: reported as such, never ranked
  const Accelerator* a = c.find_accelerator(s.hardware.gpu);
  if (!a) a = c.find_accelerator(Scenario().hardware.gpu);
  return price_for(*a, s.hardware.pricing).value_or(0.0);
}

void select_accelerator(Scenario& s, const std::string& id) {
  if (s.hardware.gpu == id) return;
  s.hardware.gpu = id;
  s.hardware.price_per_gpu_hour.reset();
  s.hardware.memory_gb.reset();
  s.hardware.bandwidth_gbps.reset();
  s.hardware.peak_tflops.reset();
  s.hardware.scale_up_gbps.reset();
  s.hardware.scale_out_gbps.reset();
  s.hardware.scale_up_domain.reset();
  s.hardware.tdp_w.reset();
  s.hardware.fp8_tflops.reset();
  s.hardware.fp4_tflops.reset();
  s.hardware.name.clear();
}

Scenario serving_scenario(const Scenario& s) {
  Scenario v = s;
  if (!s.serving.gpu.empty()) select_accelerator(v, s.serving.gpu);
  if (s.serving.tensor_parallel) v.inference.tensor_parallel = *s.serving.tensor_parallel;
  if (s.serving.batch) v.inference.batch = *s.serving.batch;
  return v;
}

DecodeSetup decode_setup(const Scenario& s, const Catalog& c) {
  const Scenario v = serving_scenario(s);  // the replica the inference results describe
  return decode_setup(v, resolved_architecture(v, c), resolved_accelerator(v, c));
}

DecodeSetup decode_setup(const Scenario& s, const Architecture& arch, const Accelerator& gpu) {
  const InferenceSection& in = s.inference;
  const Efficiencies eff = default_efficiencies(gpu);
  DecodeSetup d;
  d.arch = arch;
  const double derived = params_total(d.arch);
  d.params_scale = s.model.params && derived > 0 ? *s.model.params / derived : 1.0;
  d.params_active = s.model.active_params ? *s.model.active_params : params_active(d.arch) * d.params_scale;
  d.weights = dtype_from_name(in.weights).value_or(Dtype::bf16);

  d.tensor_parallel = in.tensor_parallel;
  d.expert_parallel = d.arch.experts > 0 ? std::max(1.0, s.serving.expert_parallel) : 1.0;
  d.bandwidth_bytes_per_s = gpu.bandwidth_bytes_per_s;
  d.bandwidth_efficiency = in.bandwidth_efficiency ? *in.bandwidth_efficiency : eff.decode_bandwidth;
  d.peak_flops = peak_flops_at(s.hardware, gpu, d.weights);
  d.compute_efficiency = in.compute_efficiency ? *in.compute_efficiency : eff.compute * fp4_kernel_ratio(gpu, d.weights);
  const bool in_domain = d.replica_gpus() <= gpu.scale_up_domain && gpu.scale_up_bytes_per_s > 0;
  d.link_bytes_per_s = collective_bytes_per_s(in_domain ? gpu.scale_up_bytes_per_s : gpu.scale_out_bytes_per_s, in_domain);
  // Latency per ring step: ~1 us over NVLink-class links, ~5 us over the network (NCCL small-message
  // all-reduce on 8 GPUs takes ~10-20 us; nccl-tests).
  d.link_latency_s = in_domain ? 1e-6 : 5e-6;
  d.read_context = in.context ? *in.context : in.prompt_tokens + in.output_tokens / 2.0;
  // Average over the context read (local layers read at most their window).
  d.kv_bytes_per_token = kv_cache_bytes_per_token_at_context(d.arch, dtype_from_name(in.kv_cache).value_or(Dtype::bf16),
                                                             d.read_context);
  return d;
}

double replica_weight_bytes_read(const DecodeSetup& d, double tokens) {
  const double all = decode_weight_bytes_read(d.arch, tokens, d.weights);
  if (d.expert_parallel <= 1) return all * d.params_scale;
  const double dense = all - routed_expert_bytes_read(d.arch, tokens, d.weights);
  return (all + (d.expert_parallel - 1) * dense) * d.params_scale;
}

double replica_all_to_all_seconds(const DecodeSetup& d, double tokens) {
  return expert_parallel_all_to_all_seconds(moe_layers(d.arch), tokens, d.arch.experts_per_token, d.arch.hidden,
                                            d.tensor_parallel, d.expert_parallel, d.link_bytes_per_s, d.link_latency_s, 2.0);
}

double replica_comm_seconds(const DecodeSetup& d, double tokens) {
  const double ep = d.expert_parallel;
  return tensor_parallel_step_seconds(d.arch.layers, ep > 1 ? tokens / ep : tokens, d.arch.hidden, d.tensor_parallel,
                                      d.link_bytes_per_s, d.link_latency_s, 2.0) +
         replica_all_to_all_seconds(d, tokens);
}

DecodeTimes decode_times(const DecodeSetup& d, double batch) {
  const Architecture& a = d.arch;
  DecodeTimes t;
  t.weight_bytes_read = replica_weight_bytes_read(d, batch);
  t.kv_bytes_read = d.kv_bytes_per_token * d.read_context * batch;
  // Matmuls (2 FLOPs per active parameter per token) + attention over the cached context.
  t.flops = 2.0 * d.params_active * batch + 4.0 * kv_layer_tokens(a, d.read_context) * a.heads * a.head_dim * batch;
  t.comm_seconds = replica_comm_seconds(d, batch);
  // Bandwidth and compute of every GPU of the replica (tensor_parallel x expert_parallel).
  const double tp = d.replica_gpus();
  t.memory_seconds = decode_step_seconds(t.weight_bytes_read + t.kv_bytes_read, d.bandwidth_bytes_per_s * tp,
                                         d.bandwidth_efficiency, 0, 0, 0, 0);
  t.compute_seconds = decode_step_seconds(0, 0, 0, t.flops, d.peak_flops * tp, d.compute_efficiency, 0);
  t.step_seconds = decode_step_seconds(t.weight_bytes_read + t.kv_bytes_read, d.bandwidth_bytes_per_s * tp,
                                       d.bandwidth_efficiency, t.flops, d.peak_flops * tp, d.compute_efficiency,
                                       t.comm_seconds);
  return t;
}

// Every estimate carries the error band its category showed against published figures
// (validation.hpp; the builtin catalog's bands are computed once).
Report evaluate(const Scenario& s, const Catalog& c) {
  Report r = evaluate_without_bands(s, c);
  if (&c != &Catalog::builtin()) return r;
  for (Result& x : r.results) {
    const std::string cat = error_category(x.path);
    if (cat.empty()) continue;
    for (const CategorySummary& band : error_bands())
      if (band.category == cat && band.cases > 0) x.error_band = band.band_text;
  }
  return r;
}

}  // namespace envelope
