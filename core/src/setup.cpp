// Setup: the scenario resolved into the model and hardware every estimate reads (setup.hpp,
// evaluate.hpp), and the report's model.* section (the Model & hardware panel).
#include "envelope/setup.hpp"

#include <algorithm>
#include <cmath>

#include "envelope/conflicts.hpp"
#include "envelope/evaluate.hpp"
#include "envelope/formulas.hpp"
#include "envelope/training_step.hpp"
#include "envelope/units.hpp"
#include "evaluate_parts.hpp"

namespace envelope {

namespace detail {

std::optional<double> price_for(const Accelerator& a, const std::string& pricing) {
  if (pricing == "spot") return a.spot_usd_per_hour ? a.spot_usd_per_hour : a.on_demand_usd_per_hour;
  return a.on_demand_usd_per_hour ? a.on_demand_usd_per_hour : a.spot_usd_per_hour;
}

Resolved resolve(const Scenario& s, const Catalog& c) {
  // Built in place: an Accelerator, a Scenario and a DecodeSetup carry many strings, and evaluate()
  // resolves once per call (copies of them were a tenth of its allocations).
  Accelerator gpu = resolved_accelerator(s, c);
  // One serving replica: serving.gpu / tensor_parallel / batch over hardware.gpu and the inference
  // section (setup.hpp). The inference and serving results describe it; training uses hardware.gpu.
  Scenario sv = serving_scenario(s);
  Accelerator igpu = s.serving.gpu.empty() ? gpu : resolved_accelerator(sv, c);
  // Architecture, parameter counts and decode inputs resolved once (setup.hpp; shared with sweeps).
  DecodeSetup ds = decode_setup(sv, resolved_architecture(s, c), igpu);
  std::string spec_src = gpu.id == kCustomAccelerator ? gpu.name + ": " + gpu.source
                                                       : gpu.name + " datasheet (assets/hardware.json)";
  std::string ispec_src = igpu.id == kCustomAccelerator ? igpu.name + ": " + igpu.source
                                                         : igpu.name + " datasheet (assets/hardware.json)";
  const double P = s.model.params ? *s.model.params : params_total(ds.arch);
  const double Pa = ds.params_active, scale = ds.params_scale;
  ServingInputs si = serving_inputs(sv);
  return Resolved{s, c, std::move(gpu), std::move(sv), std::move(igpu), std::move(ds), std::move(si), std::move(spec_src),
                  std::move(ispec_src), P, Pa, scale};
}

void model_section(Builder& b, const Resolved& x) {
  const Scenario& s = x.s;
  const Architecture& arch = x.arch();
  for (const Problem& p : model_conflicts(s, x.c))
    b.warn(p.path, p.message + (p.path == "model.active_params"   ? "; the estimates below use it as given"
                                : p.path == "training.recompute" ? "; the estimates below use selective recompute"
                                                                 : "; the estimates below cap it at the smaller count"));
  const double P = x.P, Pa = x.Pa, scale = x.scale;
  const std::string arch_src = "derived from the architecture (embeddings, attention, MLP/experts, norms); Vaswani 2017, "
                               "Touvron 2023, Jiang 2024, DeepSeek-V3 2024";
  if (s.model.params)
    b.add("model.params", P, "1", "params (given)", g(P), "scenario model.params");
  else
    b.add("model.params", P, "1",
          arch.linear_layers > 0
              ? "vocab*h*(tied?1:2) + L_attn*attention + L_ssm*Mamba-2 block + L_mlp*(MLP or experts) + norms"
              : "vocab*h*(tied?1:2) + L*(attention + MLP or experts + norms)",
          sub("L=%, h=%, ffn=%, vocab=%", {arch.layers, arch.hidden, arch.ffn, arch.vocab}) +
              (arch.experts > 0 ? sub(", experts=%", {arch.experts}) : "") +
              (arch.linear_layers > 0 ? sub(", L_attn=%, L_ssm=% (% params each), L_mlp=%",
                                            {attention_layers(arch), arch.linear_layers, ssm_block_params(arch), mlp_layers(arch)})
                                      : ""),
          arch.linear_layers > 0 ? arch_src + "; Mamba-2 block: Dao & Gu 2024 (arXiv:2405.21060)" : arch_src);
  b.add("model.active_params", Pa, "1",
        arch.experts > 0 ? (arch.moe_latent > 0
                                ? "shared params + L_moe*(experts_per_token*params_per_expert + shared experts + router + 2 h latent)"
                                : "shared params + L_moe*(experts_per_token + shared)*params_per_expert")
                         : "= params (dense)",
        arch.experts > 0 ? sub("k=% of E=%, expert=% params", {arch.experts_per_token, arch.experts, params_per_expert(arch) * scale}) +
                               (arch.moe_latent > 0 ? sub(" at latent width %", {arch.moe_latent}) : "")
                         : g(Pa),
        arch_src);

}

}  // namespace detail

using detail::price_for;

bool is_amd_instinct_cdna3_or_cdna4(const Accelerator& a) { return a.vendor == "AMD" && a.id.rfind("mi3", 0) == 0; }

Efficiencies default_efficiencies(const Accelerator& a) {
  // Training MFU 0.40: LLaMA-7B..65B and Llama 2 runs on A100 reach 0.39-0.48 of dense bf16 peak
  // (published.json training_run GPU-hours), Megatron-Core on H100 41-48%; the seed assumes 40%.
  // Decode bandwidth 0.70: llama.cpp tg128 on RTX 3090/4090 reads weights at 0.70-0.82 of peak
  // bandwidth (published.json inference_throughput). Compute 0.60: TRT-LLM LLaMA 7B first-token
  // latency at 2,048 input tokens implies ~0.66 of dense peak.
  if (a.klass == "tpu") return {0.45, 0.70, 0.60, "PaLM 540B on TPU v4: MFU 46.2% (Chowdhery et al. 2022)"};
  // AMD Instinct MI300X to MI355X (CDNA 3 / CDNA 4): training at the datacenter default, as AMD's
  // published Primus runs on MI325X and MI355X show (assets/validation.json, train-step-primus*: model
  // FLOPs utilization 0.35-0.41 in bf16, 0.30-0.34 of the fp8 peak in FP8); inference compute as below
  // (not fitted: AMD's vLLM runs on 8 MI300X, validation.json vllm-rocm-*, come out 1.02-1.41x fast at
  // these values, docs/calibration.md Known gaps).
  if (is_amd_instinct_cdna3_or_cdna4(a))
    return {0.40, 0.70, 0.35,
            "training: AMD's published Primus runs on MI325X / MI355X reach 0.35-0.41 MFU in bf16 (validation.json "
            "train-step-primus*), the datacenter default 0.40; prefill / decode compute: MI300X reaches 51% of dense "
            "bf16 peak on large GEMMs vs 87% on A100 (MAMF, published.json)"};
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
  set(a.mtp_layers, m.mtp_layers);
  set(a.expert_groups, m.expert_groups);
  set(a.expert_groups_per_token, m.expert_groups_per_token);
  set(a.linear_layers, m.linear_layers);
  set(a.ssm_heads, m.ssm_heads);
  set(a.ssm_head_dim, m.ssm_head_dim);
  set(a.ssm_state, m.ssm_state);
  set(a.ssm_groups, m.ssm_groups);
  set(a.ssm_conv, m.ssm_conv);
  set(a.mixer_only_layers, m.mixer_only_layers);
  set(a.moe_latent, m.moe_latent);
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
  a.linear_layers = std::min(a.linear_layers, a.layers);
  a.window_layers = std::min(a.window_layers, a.layers - a.linear_layers);
  a.mixer_only_layers = std::min(a.mixer_only_layers, a.layers - 1);  // at least one layer has an MLP
  a.moe_latent = std::min(a.moe_latent, a.hidden);                      // a latent narrower than hidden, or none
  a.dense_layers = std::min(a.dense_layers, a.layers);
  a.experts_per_token = std::min(a.experts_per_token, a.experts);
  a.kv_heads = std::min(a.kv_heads, a.heads);
  return a;
}


double effective_kernel_efficiency(const Accelerator& gpu, Dtype compute, double hidden) {
  return training_kernel_efficiency(gpu, compute).value *
         gemm_width_factor(hidden, gemm_half_width(gpu.peak_flops(compute), gpu.bandwidth_bytes_per_s));
}

double fp4_kernel_ratio(const Accelerator& gpu, Dtype weights, double hidden) {
  // 4-bit float GEMMs (NVFP4, MXFP4) reach a smaller share of their peak than fp8 ones: on Blackwell
  // the training kernel efficiencies fitted on published runs, each x its width factor at the
  // model's hidden size (training_kernel_efficiency, gemm_half_width; docs/calibration.md). Serving's
  // compute efficiency takes the same ratio; it is fitted on training runs only, so the serving cases
  // (TensorRT-LLM B200 FP4 tables, assets/validation.json) stay out of the fit. 1 on GPUs without fp4
  // units (their fp4 runs at fp8).
  const bool fp4 = weights == Dtype::fp4 || weights == Dtype::nvfp4 || weights == Dtype::mxfp4;
  if (!fp4) return 1.0;
  const double fp8 = effective_kernel_efficiency(gpu, Dtype::fp8, hidden);
  return fp8 > 0 ? effective_kernel_efficiency(gpu, Dtype::fp4, hidden) / fp8 : 1.0;
}

double precision_kernel_ratio(const Accelerator& gpu, Dtype compute, double hidden) {
  // Fine-tuning's time (finetune.cpp) scales its bf16 MFU by this ratio at fp8 / fp4: the same
  // per-generation fit and width factor the training step model uses, no separate constant.
  const double bf16 = effective_kernel_efficiency(gpu, Dtype::bf16, hidden);
  return bf16 > 0 ? effective_kernel_efficiency(gpu, compute, hidden) / bf16 : 1.0;
}

double peak_flops_at(const HardwareSection& hw, const Accelerator& gpu, Dtype d) {
  const bool fp4 = d == Dtype::fp4 || d == Dtype::mxfp4 || d == Dtype::nvfp4;
  // A custom accelerator carries its precisions (custom_accelerator); an edited catalog device's
  // peak_tflops replaces its 16-bit figure and every precision without its own override.
  if (hw.gpu == kCustomAccelerator || !hw.peak_tflops || (fp4 && hw.fp4_tflops) || (d == Dtype::fp8 && hw.fp8_tflops))
    return gpu.peak_flops(d);
  return *hw.peak_tflops * kTera;
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
  a.host_link_bytes_per_s = hw.host_link_gbps.value_or(0) * kGB;
  if (hw.host_link_gbps) a.host_link = "host link as given";
  a.tdp_w = hw.tdp_w.value_or(0);
  a.on_demand_source = a.spot_source = "no price (user-defined accelerator; set hardware.price_per_gpu_hour)";
  a.source = "user-defined accelerator (scenario hardware section)";
  return a;
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
  if (hw.host_link_gbps) {
    gpu.host_link_bytes_per_s = *hw.host_link_gbps * kGB;
    gpu.host_link = "host link as given";
  }
  if (hw.scale_up_domain) gpu.scale_up_domain = static_cast<int>(*hw.scale_up_domain);
  if (hw.tdp_w) gpu.tdp_w = *hw.tdp_w;
  if (hw.fp8_tflops) gpu.fp8 = *hw.fp8_tflops * kTera;
  if (hw.fp4_tflops) gpu.fp4 = *hw.fp4_tflops * kTera;
  if (!hw.name.empty()) gpu.name = hw.name;  // edited specs may carry their own name
  return gpu;
}

namespace {
// The typed price, else the catalog's (on-demand or spot, as hardware.pricing asks); none for a
// custom accelerator without a typed one.
std::optional<double> gpu_price(const Scenario& s, const Catalog& c) {
  if (s.hardware.price_per_gpu_hour) return s.hardware.price_per_gpu_hour;
  if (s.hardware.gpu == kCustomAccelerator) return std::nullopt;
  const Accelerator* a = c.find_accelerator(s.hardware.gpu);
  if (!a) a = c.find_accelerator(Scenario().hardware.gpu);
  return price_for(*a, s.hardware.pricing);
}
}  // namespace

bool has_gpu_price(const Scenario& s, const Catalog& c) { return gpu_price(s, c).has_value(); }

double price_per_gpu_hour(const Scenario& s, const Catalog& c) {
  return gpu_price(s, c).value_or(0.0);  // no price: reported as such ("no price"), never ranked
}

void select_accelerator(Scenario& s, const std::string& id) {
  if (s.hardware.gpu == id) return;
  s.hardware.gpu = id;
  s.hardware.price_per_gpu_hour.reset();
  for (auto field : kAcceleratorSpecOverrides) (s.hardware.*field).reset();
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
  d.compute_efficiency = in.compute_efficiency ? *in.compute_efficiency : eff.compute * fp4_kernel_ratio(gpu, d.weights, d.arch.hidden);
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

}  // namespace envelope
