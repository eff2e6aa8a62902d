// Fine-tuning estimates (finetune.hpp): full, LoRA and QLoRA memory per GPU and time per epoch.
#include "envelope/finetune.hpp"

#include <algorithm>
#include <cmath>

#include "envelope/evaluate.hpp"
#include "envelope/format.hpp"
#include "envelope/formulas.hpp"
#include "envelope/setup.hpp"
#include "envelope/training_step.hpp"
#include "envelope/units.hpp"
#include "result_text.hpp"

namespace envelope {

double lora_params_per_matrix(double rank, double d_in, double d_out) { return rank * (d_in + d_out); }

double lora_adapter_params(const Architecture& a, double rank, const std::string& target_modules) {
  const double h = a.hidden, q_out = a.heads * a.head_dim, kv_out = a.kv_heads * a.head_dim;
  const double q = lora_params_per_matrix(rank, h, q_out), kv = lora_params_per_matrix(rank, h, kv_out);
  const double o = lora_params_per_matrix(rank, q_out, h);
  double per_layer_attention = 0;
  if (target_modules == "qv")
    per_layer_attention = q + kv;
  else
    per_layer_attention = q + 2 * kv + o;
  double total = attention_layers(a) * per_layer_attention;
  if (target_modules == "all-linear") {
    auto mlp = [&](double ffn, double width) {  // gate + up (width -> ffn) and down (ffn -> width)
      return (a.gated_mlp ? 3.0 : 2.0) * lora_params_per_matrix(rank, width, ffn);
    };
    const double moe = moe_layers(a);
    const double dense = std::max(0.0, mlp_layers(a) - moe);
    // Routed experts at their input width (LatentMoE: the latent, with its two projections adapted too).
    const double w = expert_input_width(a);
    const double latent = a.moe_latent > 0 ? lora_params_per_matrix(rank, h, w) + lora_params_per_matrix(rank, w, h) : 0.0;
    total += dense * mlp(a.ffn, h) + moe * (a.experts * mlp(a.expert_ffn, w) + a.shared_experts * mlp(a.expert_ffn, h) + latent);
    // A hybrid's Mamba-2 blocks: in_proj (hidden -> z, x, B, C, dt) and out_proj (d_inner -> hidden).
    const double d_inner = ssm_inner_width(a);
    total += std::max(0.0, a.linear_layers) *
             (lora_params_per_matrix(rank, h, 2 * d_inner + 2 * a.ssm_groups * a.ssm_state + a.ssm_heads) +
              lora_params_per_matrix(rank, d_inner, h));
  }
  return total;
}

double embedding_and_head_params(const Architecture& a) { return a.vocab * a.hidden * (a.tied_embeddings ? 1.0 : 2.0); }

double nf4_bits_per_param(bool double_quantization) {
  return 4.0 + (double_quantization ? 8.0 / 64.0 + 32.0 / (64.0 * 256.0) : 32.0 / 64.0);
}

double qlora_base_bytes(double quantized_params, double unquantized_params, double nf4_bits, double unquantized_bytes) {
  return quantized_params * nf4_bits / 8.0 + unquantized_params * unquantized_bytes;
}

double finetune_optimizer_bytes_per_param(const std::string& optimizer, bool master_weights) {
  const double states = optimizer == "adamw"        ? 8.0   // 2 fp32 moments
                        : optimizer == "adamw-bf16" ? 4.0   // 2 bf16 moments
                                                    : 2.0;  // adamw-8bit, paged-adamw-8bit: 2 x 1 byte
  return states + (master_weights ? 4.0 : 0.0);
}

double nf4_saved_input_bytes_per_token_per_layer(const Architecture& a) {
  if (a.layers <= 0) return 0.0;
  // An MoE layer's experts each take their own gathered copy of the token (k routed, + 1 for the shared
  // experts) and keep their own hidden (k routed + shared, expert_ffn wide).
  const double moe = std::min(a.layers, moe_layers(a));
  const double k = std::max(0.0, a.experts_per_token), shared = std::max(0.0, a.shared_experts);
  const double moe_mlp = (k + (shared > 0 ? 1.0 : 0.0)) * a.hidden + (k + shared) * a.expert_ffn;
  const double mlp = ((a.layers - moe) * (a.hidden + a.ffn) + moe * moe_mlp) / a.layers;
  return 2.0 * (2.0 * a.hidden + mlp);
}

double largest_weight_tensor_params(const Architecture& a) {
  const double h = a.hidden;
  return std::max({a.vocab * h, h * a.heads * a.head_dim, h * a.ffn, h * a.expert_ffn});
}

double optimizer_in_backward_gradient_params(const Architecture& a, bool full, double rank) {
  if (full) return largest_weight_tensor_params(a);
  return rank * std::max({a.hidden, a.heads * a.head_dim, a.ffn, a.expert_ffn});
}

double paged_states_resident_bytes(double states_bytes, double other_bytes, double device_bytes) {
  return std::min(states_bytes, std::max(0.0, device_bytes - other_bytes));
}

double cpu_offload_gpu_weight_bytes(double root_params, double layer_params, double bytes_per_param) {
  return (root_params + 2.0 * layer_params) * bytes_per_param;
}

double host_transfer_seconds_per_step(double bytes, double host_link_bytes_per_s) {
  return host_link_bytes_per_s > 0 ? bytes / collective_bytes_per_s(host_link_bytes_per_s, false) : 0.0;
}

double gpus_per_host(double gpus) { return std::min(std::max(1.0, gpus), kGpusPerHost); }

double host_optimizer_seconds_per_step(double trainable_params, double gpus, double params_per_second_per_host) {
  if (gpus <= 0 || params_per_second_per_host <= 0) return 0.0;
  return trainable_params * gpus_per_host(gpus) / gpus / params_per_second_per_host;
}

double finetune_flops(double params_active, double adapter_params, double tokens, bool full, bool checkpointing) {
  const double recompute = checkpointing ? 2.0 * params_active * tokens : 0.0;
  if (full) return 6.0 * params_active * tokens + recompute;
  return 4.0 * params_active * tokens + 6.0 * adapter_params * tokens + recompute;
}

double qlora_dequantize_bytes(double quantized_params, double nf4_bits) { return quantized_params * (nf4_bits / 8.0 + 2.0); }

double qlora_dequantizations_per_step(bool checkpointing) { return checkpointing ? 3.0 : 2.0; }

double qlora_dequantize_seconds_per_step(double quantized_params, double nf4_bits, bool checkpointing, double bandwidth_bytes_per_s,
                                         double bandwidth_efficiency) {
  return qlora_dequantizations_per_step(checkpointing) * qlora_dequantize_bytes(quantized_params, nf4_bits) /
         (bandwidth_bytes_per_s * bandwidth_efficiency);
}

double finetune_steps_per_gpu(double tokens, double gpus, double micro_batch, double seq_len) {
  return tokens / (gpus * micro_batch * seq_len);
}

namespace {

std::string g(double x) { return format_basis_number(x); }
std::string sub(std::string_view pattern, std::initializer_list<double> values) { return substitute_numbers(pattern, values); }

double dtype_bytes(const std::string& name) { return name == "fp32" ? 4.0 : 2.0; }

}  // namespace

FinetuneEstimate estimate_finetune(const Scenario& s, const Catalog& c, const Architecture& arch, double P, double Pa) {
  FinetuneEstimate e;
  auto add = [&](auto&& path, double value, std::string_view unit, auto&& formula, std::string substituted, auto&& source) {
    return detail::add_section_result(e.results, &e.warnings, detail::text_arg(std::forward<decltype(path)>(path)), value, unit,
                                      detail::text_arg(std::forward<decltype(formula)>(formula)), std::move(substituted),
                                      detail::text_arg(std::forward<decltype(source)>(source)));
  };
  e.results.reserve(32);
  const FinetuneSection& f = s.finetune;
  const Accelerator gpu = resolved_accelerator(s, c);
  const double n = s.hardware.count;
  const double shard = f.shard ? std::max(1.0, n) : 1.0;
  const std::string shard_txt = f.shard && n > 1 ? sub(" / % GPUs", {n}) : "";
  const std::string shard_src = f.shard && n > 1 ? "; sharded over the GPUs (FSDP / ZeRO-3, Rajbhandari et al. 2020)" : "";
  const bool full = f.method == "full", qlora = f.method == "qlora";
  const std::string lora_src = "Hu et al. 2021, LoRA (arXiv:2106.09685) section 4.1: r x (d_in + d_out) per adapted matrix";
  // A scenario's model.params override scales the derived counts (as for decode_setup).
  const double derived = params_total(arch);
  const double scale = derived > 0 ? P / derived : 1.0;

  // ------------------------------------------------------------ parameters
  const double adapter = full ? 0.0 : lora_adapter_params(arch, f.rank, f.target_modules) * scale;
  if (!full)
    add("finetune.adapter_params", adapter, "1", "sum over layers and adapted matrices of r x (d_in + d_out)",
        sub("r=%, ", {f.rank}) + f.target_modules +
            sub(", L=%, h=%, q=%, kv=%, ffn=%",
                {arch.layers, arch.hidden, arch.heads * arch.head_dim, arch.kv_heads * arch.head_dim, arch.ffn}) +
            (arch.experts > 0 ? sub(", % experts x ffn %", {arch.experts + arch.shared_experts, arch.expert_ffn}) : ""),
        lora_src);
  const double trainable = add("finetune.trainable_params", full ? P : adapter, "1",
                               full ? "params (every weight trains)" : "adapter_params (base frozen)", g(full ? P : adapter),
                               full ? "full fine-tuning" : lora_src);

  // ------------------------------------------------------------ memory per GPU
  const double wbytes = dtype_bytes(f.base_dtype);
  // Embedding and output head: QLoRA keeps them in 16 bits (the linear layers in NF4); CPU offload
  // keeps them gathered on the GPU as the root unit, beside two layers' weights.
  const double root = std::min(P, embedding_and_head_params(arch) * scale);
  const double emb = qlora ? root : 0.0;
  const double nf4_bits = nf4_bits_per_param(f.double_quantization);
  const double emb_bytes = f.fp32_unquantized ? 4.0 : 2.0;
  const double base_all = qlora ? qlora_base_bytes(P - emb, emb, nf4_bits, emb_bytes) : P * wbytes;  // the whole model's weights
  const bool offload = f.cpu_offload;
  const double layer = arch.layers > 0 ? (P - root) / arch.layers : 0.0;
  const double per_param = P > 0 ? base_all / P : wbytes;
  const std::string offload_src = "FSDP CPU offload (PyTorch CPUOffload; torchtune fsdp_cpu_offload): model state in host "
                                  "RAM, on the GPU the root unit (embedding, head) and two layers";
  // ZeRO-Offload: the optimizer's state, the fp32 master weights and the gradients on the CPU, the
  // 16-bit weights on the GPU (FSDP CPU offload above moves the weights too, and takes precedence).
  const bool offload_opt = f.offload_optimizer && !offload;
  const std::string zero_offload_src = "ZeRO-Offload (Ren et al. 2021, arXiv:2101.06840; DeepSpeed offload_optimizer): "
                                       "optimizer states, fp32 master weights and gradients on the CPU, 16-bit weights on the GPU";
  double base = 0;
  if (offload) {
    base = add("finetune.memory.base_weights_bytes", cpu_offload_gpu_weight_bytes(root, layer, per_param), "B",
               "(embedding/head params + 2 x layer params) x bytes per param (CPU offload)",
               sub("(% + 2 x %) x %", {root, layer, per_param}), offload_src);
  } else if (qlora) {
    base = add("finetune.memory.base_weights_bytes", base_all / shard, "B",
               "(linear params x NF4 bits / 8 + embedding/head params x their bytes)" + shard_txt,
               sub("(% x % / 8 + % x %)", {P - emb, nf4_bits, emb, emb_bytes}) + shard_txt,
               std::string("Dettmers et al. 2023, QLoRA (arXiv:2305.14314) section 3: NF4 + ") +
                   (f.double_quantization ? "double-quantized constants, 4.127" : "an fp32 absmax per 64, 4.5") +
                   " bits/param; embeddings and output head in " +
                   (f.fp32_unquantized ? "fp32 (PEFT prepare_model_for_kbit_training)" : "16 bits") + shard_src);
  } else {
    base = add("finetune.memory.base_weights_bytes", base_all / shard, "B", "params x bytes(" + f.base_dtype + ")" + shard_txt,
               sub("% x %", {P, wbytes}) + shard_txt, std::string(full ? "weights being trained" : "frozen base weights") + shard_src);
  }
  // Adapters train in 16 bits (QLoRA: bf16 compute and adapters), or fp32 on an fp32 base.
  const double abytes = qlora ? 2.0 : wbytes;
  const double adapters = add("finetune.memory.adapter_bytes", adapter * abytes / shard, "B",
                              "adapter_params x bytes" + shard_txt, sub("% x %", {adapter, abytes}) + shard_txt,
                              full ? "no adapters in full fine-tuning" : lora_src + shard_src);
  const double gbytes = full ? wbytes : abytes;
  const std::string grad_src = "gradients only for trainable weights: the frozen base gets none (Hu et al. 2021 section 4.2)";
  double grads = 0;
  if (offload || offload_opt) {
    // One layer's gradient, before it is reduce-scattered and copied to host.
    const double layer_trainable = full ? layer : (arch.layers > 0 ? trainable / arch.layers : trainable);
    grads = add("finetune.memory.gradients_bytes", layer_trainable * gbytes, "B",
                std::string(full ? "layer params" : "adapter_params / layers") +
                    " x grad bytes (one layer's, before it is reduce-scattered to host)",
                (full ? sub("% x %", {layer, gbytes}) : sub("% / % x %", {trainable, arch.layers, gbytes})),
                grad_src + "; " + (offload ? offload_src : zero_offload_src));
  } else if (f.optimizer_in_backward) {
    const double alive = std::min(trainable, optimizer_in_backward_gradient_params(arch, full, f.rank) * scale);
    grads = add("finetune.memory.gradients_bytes", alive * gbytes / shard, "B",
                std::string(full ? "largest weight tensor" : "largest adapter matrix (r x widest side)") +
                    " x grad bytes (optimizer step in backward)" + shard_txt,
                sub("% x %", {alive, gbytes}) + shard_txt,
                "optimizer step in backward: each gradient freed once its tensor is stepped (PyTorch tutorial "
                "'optimizer step in backward', 2023; torchtune optimizer_in_bwd)" + shard_src);
  } else {
    grads = add("finetune.memory.gradients_bytes", trainable * gbytes / shard, "B",
                "trainable_params x grad bytes" + shard_txt, sub("% x %", {trainable, gbytes}) + shard_txt, grad_src + shard_src);
  }
  const bool master = f.master_weights && gbytes < 4;
  const double obytes = finetune_optimizer_bytes_per_param(f.optimizer, master);
  const bool host_step = offload || offload_opt;  // the optimizer steps on the CPU
  const double opt = add("finetune.memory.optimizer_bytes", host_step ? 0.0 : trainable * obytes / shard, "B",
                         host_step ? std::string("0 on the GPU (offloaded: the step runs on the host)")
                                 : "trainable_params x (optimizer states" + std::string(master ? " + fp32 master" : "") + ")" +
                                       shard_txt,
                         host_step ? std::string("0") : sub("% x %", {trainable, obytes}) + shard_txt,
                         host_step ? (offload ? offload_src : zero_offload_src)
                                 : "AdamW 2 fp32 moments = 8 B, in bf16 (torchtune, LitGPT bf16-true) 4 B; 8-bit Adam (Dettmers et al. 2022) 2 B; paged (QLoRA "
                                   "section 3): on the GPU while it has room, the rest paged to host" + shard_src);
  // Activations: Korthikanti et al. 2022 per layer (flash attention, no tensor parallelism). With
  // gradient checkpointing each layer keeps only its input (2 s b h) and one layer's full activations
  // are alive again while it is recomputed during backward (Chen et al. 2016).
  // finetune.dtype fp8 (Transformer Engine): linear-layer inputs saved for backward at 1 byte, as for
  // training.dtype fp8 (activation_bytes_per_layer, formulas.hpp): 10 + 24 -> 8 + 21 with flash attention.
  const Dtype compute = dtype_from_name(f.dtype).value_or(Dtype::bf16);
  const bool fp8_inputs = compute == Dtype::fp8;
  const std::string per_layer_txt = fp8_inputs ? "s b h (8 + 21)" : "s b h (10 + 24)";
  const double sq = f.seq_len, mb = f.micro_batch;
  const double kept = activation_bytes_per_layer(sq, mb, arch.hidden, arch.heads, 1, false,
                                                 f.gradient_checkpointing ? "full" : "none", true, fp8_inputs);
  const double one_layer = f.gradient_checkpointing
                               ? activation_bytes_per_layer(sq, mb, arch.hidden, arch.heads, 1, false, "none", true, fp8_inputs)
                               : 0.0;
  const double logits = logits_bytes_per_gpu(sq, mb, arch.vocab, 1);
  // QLoRA on bitsandbytes: each 4-bit layer also keeps its input (every layer's without checkpointing,
  // the recomputed layer's with it): nf4_saved_input_bytes_per_token_per_layer.
  const double nf4_layers = f.gradient_checkpointing ? 1.0 : arch.layers;
  const double nf4_per_token = nf4_saved_input_bytes_per_token_per_layer(arch);
  const double nf4_inputs =
      qlora && f.nf4_kernel == "bitsandbytes"
          ? add("finetune.memory.nf4_saved_inputs_bytes", nf4_layers * sq * mb * nf4_per_token, "B",
                std::string(f.gradient_checkpointing ? "1" : "L") + " x s b x 2 (3 h + MLP hidden)",
                sub("% x % x % x %", {nf4_layers, sq, mb, nf4_per_token}),
                "bitsandbytes MatMul4Bit keeps its input for backward (ctx.tensors = (A, B)); a frozen 16-bit "
                "nn.Linear keeps none (finetune.hpp nf4_saved_input_bytes_per_token_per_layer)")
          : 0.0;
  const double act = add("finetune.memory.activations_bytes", arch.layers * kept + one_layer + logits + nf4_inputs, "B",
                         (f.gradient_checkpointing ? "L x 2 s b h + " + per_layer_txt + " (one layer recomputed) + 4 s b V"
                                                   : "L x " + per_layer_txt + " + 4 s b V") +
                             std::string(nf4_inputs > 0 ? " + nf4_saved_inputs" : ""),
                         sub("% x %", {arch.layers, kept}) + (one_layer > 0 ? sub(" + %", {one_layer}) : "") +
                             sub(" + % (s=%, b=%, h=%, V=%)", {logits, sq, mb, arch.hidden, arch.vocab}) +
                             (nf4_inputs > 0 ? sub(" + %", {nf4_inputs}) : ""),
                         std::string("Korthikanti et al. 2022 eqs. 1-5 (flash attention); checkpointing: Chen et al. 2016; "
                                     "fp32 logits for the loss") +
                             (fp8_inputs ? "; fp8: linear inputs saved as FP8 copies (Transformer Engine user guide, "
                                           "'Memory usage'; formulas.hpp activation_bytes_per_layer)"
                                         : ""));
  // Paged optimizer states live in unified memory, outside what the run must hold on the GPU: they
  // use the room the rest leaves and yield it under pressure; what does not fit is paged to host.
  const bool paged = f.optimizer == "paged-adamw-8bit" && !host_step;
  const double others = base + adapters + grads + act;
  double paged_out = 0;
  if (paged)
    paged_out = add("finetune.memory.optimizer_paged_to_host_bytes", opt - paged_states_resident_bytes(opt, others, gpu.memory_bytes),
        "B", "optimizer - min(optimizer, max(0, device memory - (base + adapters + gradients + activations)))",
        sub("% - min(%, max(0, % - %))", {opt, opt, gpu.memory_bytes, others}),
        "paged optimizer: unified memory, evicted to CPU RAM under pressure (QLoRA section 3)");
  double host_bytes = 0;
  if (offload)
    host_bytes = add("finetune.memory.host_bytes", (base_all + adapter * abytes + trainable * (gbytes + obytes)) / shard, "B",
        "(weights + adapters + trainable_params x (grad bytes + optimizer bytes))" + shard_txt + " in host RAM",
        sub("(% + % + % x (% + %))", {base_all, adapter * abytes, trainable, gbytes, obytes}) + shard_txt,
        offload_src);
  else if (offload_opt)
    host_bytes = add("finetune.memory.host_bytes", trainable * (gbytes + obytes) / shard, "B",
        "trainable_params x (grad bytes + optimizer bytes)" + shard_txt + " in host RAM",
        sub("% x (% + %)", {trainable, gbytes, obytes}) + shard_txt, zero_offload_src);
  const double total = add("finetune.memory.total_bytes", others + (paged ? 0.0 : opt), "B",
                           paged ? "base + adapters + gradients + activations (per GPU; paged states outside)"
                                 : "base + adapters + gradients + optimizer + activations (per GPU)",
                           sub("% + % + %", {base, adapters, grads}) + (paged ? "" : sub(" + %", {opt})) + sub(" + %", {act}),
                           paged ? "sum; paged states yield the GPU under pressure (QLoRA section 3)"
                                 : "sum");
  const bool fits = total <= gpu.memory_bytes;
  add("finetune.fits", fits ? 1 : 0, "bool", "total <= device memory", sub("% <= %", {total, gpu.memory_bytes}),
      gpu.name + " datasheet (assets/hardware.json)");
  if (!fits)
    e.warnings.push_back({"finetune.fits", "fine-tuning state does not fit in " + gpu.name + " memory (" + g(total / kGB) +
                                               " GB per GPU); use QLoRA, more GPUs with sharding, a smaller micro-batch, "
                                               "gradient checkpointing, the optimizer step in backward or CPU offload" +
                                               (f.optimizer == "adamw" && !host_step
                                                    ? "; AdamW's moments in bf16 (optimizer adamw-bf16, as torchtune) hold " +
                                                          g(trainable * 4.0 / shard / kGB) + " GB less"
                                                    : std::string())});
  // The ranks of one host share its RAM: more than a DGX's 2 TB on one host does not fit there.
  const double host_gpus = gpus_per_host(n);
  if (host_bytes * host_gpus > kHostMemoryBytes)
    e.warnings.push_back({"finetune.memory.host_bytes", "offload needs " + g(host_bytes * host_gpus / kTB) + " TB of host RAM on each " +
                                                            g(host_gpus) + "-GPU host, over the " + g(kHostMemoryBytes / kTB) +
                                                            " TB of a DGX H100 or B200: more hosts (sharded), LoRA or QLoRA"});
  if (offload)  // ZeRO-Offload's CPU step is costed below; FSDP CPU offload's is not (docs/calibration.md)
    e.warnings.push_back({"finetune.memory.host_bytes",
                          "FSDP CPU offload: the time leaves out the optimizer step on the CPU (torchtune's measured "
                          "Llama 3.1 70B run leaves little time for one; ZeRO-Offload's is costed)"});

  // ------------------------------------------------------------ compute, time and cost
  const double tokens = add("finetune.tokens", f.dataset_tokens * f.epochs, "tokens", "dataset_tokens x epochs",
                            sub("% x %", {f.dataset_tokens, f.epochs}), "scenario");
  const double adapter_active = Pa < P && P > 0 ? adapter * Pa / P : adapter;  // MoE: adapters of the active experts
  const double flops = add("finetune.flops", finetune_flops(Pa, adapter_active, tokens, full, f.gradient_checkpointing), "FLOP",
                           std::string(full ? "6 x P_active x D" : "4 x P_active x D + 6 x adapter x D") +
                               (f.gradient_checkpointing ? " + 2 x P_active x D (recompute)" : ""),
                           sub("% active params, % adapter params, D=%", {Pa, adapter_active, tokens}),
                           "forward 2PD + backward 2PD for activation gradients (+ 2PD for weight gradients when the "
                           "weights train): Kaplan et al. 2020 section 2.1; frozen base: Hu et al. 2021 section 4.2");
  const Efficiencies eff = default_efficiencies(gpu);
  const bool low_precision = compute != Dtype::bf16;
  // fp8 / fp4: every GEMM (full: forward, input and weight gradients; LoRA / QLoRA: the frozen base's
  // forward and input gradients, and the small adapter GEMMs with them) runs at that precision's
  // peak, at the bf16 MFU x training's fitted kernel-efficiency ratio for the GPU generation.
  double ratio = 1.0;
  if (low_precision) {
    const KernelEfficiency at_dtype = training_kernel_efficiency(gpu, compute), at_bf16 = training_kernel_efficiency(gpu, Dtype::bf16);
    const double h = arch.hidden;
    const double w_dtype = gemm_half_width(gpu.peak_flops(compute), gpu.bandwidth_bytes_per_s),
                 w_bf16 = gemm_half_width(gpu.peak_flops(Dtype::bf16), gpu.bandwidth_bytes_per_s);
    // MXFP8 (finetune.fp8_scaling "mx"): x the MX / per-tensor ratio the training fit has.
    const double mx = fp8_scaling_kernel_factor(compute, f.fp8_scaling);
    if (const std::string note = fp8_scaling_warning(gpu, compute, f.fp8_scaling); !note.empty())
      e.warnings.push_back({"finetune.fp8_scaling", note});
    ratio = add("finetune.precision_kernel_ratio", precision_kernel_ratio(gpu, compute, h) * mx, "1",
                "kernel efficiency(" + f.dtype + ") x h / (h + half width(" + f.dtype +
                    ")) / (kernel efficiency(bf16) x h / (h + half width(bf16)))" + (mx != 1.0 ? " x MXFP8 / per-tensor ratio" : ""),
                sub("% x % / (% + %) / (% x % / (% + %))", {at_dtype.value, h, h, w_dtype, at_bf16.value, h, h, w_bf16}) +
                    (mx != 1.0 ? sub(" x %", {mx}) : ""),
                "training step model fit per GPU generation (training_kernel_efficiency): " + at_dtype.source + "; " +
                    at_bf16.source + "; gemm_half_width (training_step.hpp)" +
                    (mx != 1.0 ? "; mx_block_scaling_kernel_ratio (training_step.hpp)" : ""));
  }
  // A newer generation at the same datasheet peak (B300 over B200) reaches more of it: the training
  // step model's fits say by how much (kernel_generation_gain, 1 elsewhere).
  const double gain = kernel_generation_gain(gpu);
  const std::string gain_text = gain != 1.0 ? sub(" x %", {gain}) : "";
  const std::string gain_source = gain != 1.0 ? "; x kernel_generation_gain (B300-class / B200-class fp8 fits, docs/calibration.md)" : "";
  double mfu = 0;
  if (f.mfu || !low_precision)
    mfu = add("finetune.mfu", f.mfu ? *f.mfu : eff.training_mfu * gain, "1",
              f.mfu ? "given" : "default for " + gpu.klass + (gain != 1.0 ? " x generation gain" : ""),
              f.mfu ? g(*f.mfu) : g(eff.training_mfu) + gain_text, f.mfu ? "scenario finetune.mfu" : eff.source + gain_source);
  else
    mfu = add("finetune.mfu", eff.training_mfu * gain * ratio, "1",
              "default for " + gpu.klass + (gain != 1.0 ? " x generation gain" : "") + " x precision_kernel_ratio",
              g(eff.training_mfu) + gain_text + sub(" x %", {ratio}),
              eff.source + gain_source + "; as a share of the " + f.dtype + " dense peak");
  const double peak = peak_flops_at(s.hardware, gpu, compute);
  const double compute_secs = training_seconds(flops, n, peak, mfu);
  // Host traffic per micro-batch (a forward and backward pass), one kind at a time. What moves once
  // per optimizer step (ZeRO-Offload's updated weights, paged states) is spread over the
  // finetune.gradient_accumulation micro-batches of a step.
  const double ga = std::max(1.0, f.gradient_accumulation);
  const std::string per_ga = ga > 1 ? " / gradient_accumulation" : "", per_ga_num = ga > 1 ? sub(" / %", {ga}) : "";
  if (ga > 1 && f.optimizer_in_backward)
    e.warnings.push_back({"finetune.gradient_accumulation",
                          "the optimizer step in backward applies each gradient as it is computed, so it cannot accumulate "
                          "them (torchtune refuses optimizer_in_bwd with gradient_accumulation_steps > 1); the estimate "
                          "still counts one optimizer step per " + format_message_number(ga) + " micro-batches"});
  struct HostTraffic {
    double bytes = 0;
    std::string formula, numbers, source;
  } host;
  if (offload)  // CPU offload: the weight shard to the GPU for the forward and the backward, the gradient shard back
    host = {(2.0 * (base_all + adapter * abytes) + trainable * gbytes) / shard,
            "(2 x (weights + adapters) + trainable_params x grad bytes)" + shard_txt,
            sub("(2 x (% + %) + % x %)", {base_all, adapter * abytes, trainable, gbytes}) + shard_txt,
            offload_src + "; the weight shard to the GPU for the forward and the backward, the gradient shard back, every micro-batch"};
  else if (offload_opt)  // ZeRO-Offload: the gradients down every micro-batch, the updated weights back up once a step
    host = {trainable * (gbytes + gbytes / ga) / shard, "trainable_params x (grad bytes + weight bytes" + per_ga + ")" + shard_txt,
            sub("% x (% + %", {trainable, gbytes, gbytes}) + per_ga_num + ")" + shard_txt,
            zero_offload_src + "; the gradients to the CPU every micro-batch (accumulated there), the updated weights back once an optimizer step"};
  else if (paged_out > 0)  // paged optimizer states that do not fit: to the GPU for the step and back
    host = {2.0 * paged_out / ga, "2 x optimizer_paged_to_host (to the GPU and back)" + per_ga, sub("2 x %", {paged_out}) + per_ga_num,
            "paged optimizer: the states that do not fit move in for the optimizer step and out again"};
  double steps = 0;
  if (qlora || host.bytes > 0)
    steps = add("finetune.steps_per_gpu", finetune_steps_per_gpu(tokens, n, f.micro_batch, f.seq_len), "1",
                "tokens / (GPUs x micro_batch x seq_len)", sub("% / (% x % x %)", {tokens, n, f.micro_batch, f.seq_len}),
                "forward and backward passes per GPU, one micro-batch each");
  double host_secs = 0;
  if (host.bytes > 0) {
    add("finetune.host_transfer_bytes_per_step", host.bytes, "B", host.formula, host.numbers, host.source);
    if (gpu.host_link_bytes_per_s > 0)
      host_secs = add("finetune.host_transfer_seconds", steps * host_transfer_seconds_per_step(host.bytes, gpu.host_link_bytes_per_s),
                      "s", "steps_per_gpu x host bytes per step / (host link x 0.8)",
                      sub("% x % / (% x 0.8)", {steps, host.bytes, gpu.host_link_bytes_per_s}),
                      gpu.host_link + " (assets/hardware.json) at 0.8 of its rate, as collectives; not overlapped with compute");
    else
      e.warnings.push_back({"finetune.host_transfer_seconds",
                            "no host-link figure for " + gpu.name + ": the offloaded or paged state's transfers are not in the "
                                                                    "time (hardware.host_link_gbps)"});
  }
  // ZeRO-Offload: the optimizer step on the host's CPUs, after the backward pass (the GPUs wait).
  double host_optimizer_secs = 0;
  if (offload_opt) {
    const double rate = f.host_optimizer_params_per_second.value_or(kHostOptimizerParamsPerSecond);
    const double ranks = std::min(n, kGpusPerHost);
    const double per_step = add(
        "finetune.host_optimizer_seconds_per_step", host_optimizer_seconds_per_step(trainable, n, rate), "s",
        "trainable_params x min(GPUs, 8) / GPUs / host optimizer rate (the ranks of one host step their shards together)",
        sub("% x % / % / %", {trainable, ranks, n, rate}),
        zero_offload_src + "; CPU-Adam after the backward pass, the GPUs waiting (Ren et al. 2021 sec. 4.1); rate " +
            (f.host_optimizer_params_per_second
                 ? std::string("the scenario's finetune.host_optimizer_params_per_second")
                 : "the median of two DeepSpeed runs on dual-socket A100 hosts (DeepSpeed blogs/zenflow-corebinding, "
                   "DeepSpeedExamples DeepSpeed-ZenFlow; docs/calibration.md)") +
            " per host of up to 8 GPUs");
    host_optimizer_secs = add("finetune.host_optimizer_seconds", steps / ga * per_step, "s",
                              "steps_per_gpu" + per_ga + " x host_optimizer_seconds_per_step",
                              sub("%", {steps}) + per_ga_num + sub(" x %", {per_step}),
                              "one optimizer step per " + std::string(ga > 1 ? "finetune.gradient_accumulation micro-batches" : "micro-batch") +
                                  "; not overlapped with the GPUs");
  }
  // QLoRA: the NF4 weights' dequantization, per forward and backward pass of a micro-batch on each
  // GPU (weight traffic, independent of the micro-batch's tokens), added to the compute time.
  double dequant_secs = 0;
  if (qlora) {
    const double quantized = P - emb, passes = qlora_dequantizations_per_step(f.gradient_checkpointing);
    const double bw = gpu.bandwidth_bytes_per_s, bw_eff = f.dequantize_bandwidth_efficiency.value_or(eff.decode_bandwidth);
    const std::string dequant_src =
        "Dettmers et al. 2023, QLoRA (arXiv:2305.14314) section 3, eqs. 5-6: NF4 weights dequantized to bf16 for "
        "every matmul, forward and the backward pass's input gradient (bitsandbytes MatMul4Bit)" +
        std::string(f.gradient_checkpointing ? "; + the recomputed forward (checkpointing, Chen et al. 2016)" : "");
    add("finetune.qlora_dequantize_bytes_per_step", passes * qlora_dequantize_bytes(quantized, nf4_bits), "B",
        "dequantizations x quantized params x (NF4 bits / 8 + 2) B (read NF4 + constants, write bf16)",
        sub("% x % x %", {passes, quantized, nf4_bits / 8.0 + 2.0}), dequant_src);
    const double per_step =
        add("finetune.qlora_dequantize_seconds_per_step",
            qlora_dequantize_seconds_per_step(quantized, nf4_bits, f.gradient_checkpointing, bw, bw_eff), "s",
            "dequantize bytes per step / (memory bandwidth x achieved share)",
            sub("% / (% x %)", {passes * qlora_dequantize_bytes(quantized, nf4_bits), bw, bw_eff}),
            gpu.name + " memory bandwidth (assets/hardware.json) at " +
                (f.dequantize_bandwidth_efficiency
                     ? "the scenario's finetune.dequantize_bandwidth_efficiency " + g(bw_eff)
                     : "the default memory-bound share " + g(bw_eff) +
                           " (llama.cpp decode reads weights at 0.70-0.82 of peak, setup.cpp default_efficiencies)") +
                "; the whole model per GPU, whatever the micro-batch's tokens");
    dequant_secs = add("finetune.qlora_dequantize_seconds", steps * per_step, "s", "steps_per_gpu x qlora_dequantize_seconds_per_step",
                       sub("% x %", {steps, per_step}), "serial with the matmuls on the GPU's stream (bitsandbytes)");
  }
  const double secs = add("finetune.wall_seconds", compute_secs + dequant_secs + host_secs + host_optimizer_secs, "s",
                          std::string("FLOPs / (GPUs x peak x MFU)") + (qlora ? " + qlora_dequantize_seconds" : "") +
                              (host_secs > 0 ? " + host_transfer_seconds" : "") +
                              (host_optimizer_secs > 0 ? " + host_optimizer_seconds" : ""),
                          sub("% / (% x % x %)", {flops, n, peak, mfu}) + (qlora ? sub(" + %", {dequant_secs}) : "") +
                              (host_secs > 0 ? sub(" + %", {host_secs}) : "") +
                              (host_optimizer_secs > 0 ? sub(" + %", {host_optimizer_secs}) : ""),
                          (low_precision ? "seed Q1 at the " + f.dtype +
                                               " dense peak (finetune.dtype; every GEMM, frozen base included, at that "
                                               "precision; Transformer Engine)"
                                         : std::string("seed Q1 at the bf16 dense peak")) +
                              (qlora ? "; + NF4 dequantization (QLoRA section 3)" : "") +
                              (host_secs > 0 ? "; + host-link transfers" : "") +
                              (host_optimizer_secs > 0 ? "; + the optimizer step on the host (ZeRO-Offload)" : ""));
  if (qlora)
    add("finetune.qlora_dequantize_share", secs > 0 ? dequant_secs / secs : 0.0, "1", "qlora_dequantize_seconds / wall_seconds",
        sub("% / %", {dequant_secs, secs}), "large at small micro-batches (weight traffic per step), small at large ones");
  add("finetune.seconds_per_epoch", f.epochs > 0 ? secs / f.epochs : 0.0, "s", "wall_seconds / epochs",
      sub("% / %", {secs, f.epochs}), "one pass over dataset_tokens");
  add("finetune.tokens_per_second", secs > 0 ? tokens / secs : 0.0, "tok/s", "tokens / wall_seconds (all GPUs)",
      sub("% / %", {tokens, secs}),
      "throughput as fine-tuning benchmarks report it (NeMo AutoModel, torchtune: tokens/s, per GPU x GPUs)");
  e.gpu_hours = add("finetune.gpu_hours", gpu_hours(secs, n), "GPU-h", "wall_seconds x GPUs / 3600",
                    sub("% x % / 3600", {secs, n}), "seed Q1");
  const double price = price_per_gpu_hour(s, c);
  e.cost_usd = add("finetune.cost_usd", e.gpu_hours * price, "USD", "GPU-hours x price", sub("% x %", {e.gpu_hours, price}),
                   s.hardware.price_per_gpu_hour ? std::string("scenario hardware.price_per_gpu_hour")
                   : s.hardware.pricing == "spot" ? gpu.spot_source : gpu.on_demand_source);
  return e;
}

}  // namespace envelope
