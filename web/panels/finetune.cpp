// Fine-tuning: full, LoRA or QLoRA memory per GPU, compute, time per epoch and cost
// (core/src/finetune.cpp), and the energy of the included GPU work (core/src/energy.cpp).
// Shown when the scenario includes fine-tuning or energy.
#include "../panels.hpp"
#include "../ui.hpp"
#include "envelope/catalog.hpp"
#include "envelope/finetune.hpp"
#include "envelope/format.hpp"
#include "envelope/setup.hpp"
#include "imgui.h"

namespace envelope::ui {

static void draw_energy_part(App& app) {
  const IncludeSection& inc = app.scenario().include;
  ImGui::SeparatorText("Energy and emissions");
  input_field(app, "PUE", "energy.pue");
  ImGui::SetItemTooltip("1.1: LLaMA papers' assumption and Google's 2023 fleet PUE (industry average 1.58, Uptime 2023)");
  input_field(app, "grid kg CO2e / kWh", "energy.grid_kg_co2e_per_kwh");
  ImGui::SetItemTooltip("0.385: US national average used by Touvron et al. 2023 (LLaMA)");
  input_field(app, "GPU power / TDP", "energy.gpu_power_fraction");
  ImGui::SetItemTooltip("1.0: GPUs at full TDP, the LLaMA papers' assumption (an upper bound)");
  // The catalog's TDP while "auto"; a GPU without a published one (GB300, TPUs) needs it typed.
  input_field(app, "GPU TDP W##energy", "hardware.tdp_w", resolved_accelerator(app.scenario(), Catalog::builtin()).tdp_w);
  if (begin_result_table("energy")) {
    if (inc.training) {
      result_row(app, "Training energy", "energy.training_kwh");
      result_row(app, "Training emissions", "energy.training_tco2e");
    }
    if (inc.finetune) {
      result_row(app, "Fine-tuning energy", "energy.finetune_kwh");
      result_row(app, "Fine-tuning emissions", "energy.finetune_tco2e");
    }
    if (inc.serving) {
      result_row(app, "Serving energy / month", "energy.serving_kwh_per_month");
      result_row(app, "Serving emissions / month", "energy.serving_tco2e_per_month");
    }
    ImGui::EndTable();
  }
  warnings_for(app, {"energy"});
}

void draw_finetune(App& app) {
  const IncludeSection& inc = app.scenario().include;
  if (!panel_included("Fine-tuning & energy", app.scenario())) return;  // none of its sections is included
  if (!begin_panel(app, "Fine-tuning & energy")) {
    ImGui::End();
    return;
  }
  Scenario& s = app.edit();
  if (inc.finetune) {
    FinetuneSection& f = s.finetune;
    ImGui::TextDisabled("%s on %s", model_label(s).c_str(), gpus_label(s).c_str());
    input_choice(app, "method", f.method, {"full", "lora", "qlora"});
    if (f.method != "full") {
      input_field(app, "LoRA rank r", "finetune.rank");
      input_choice(app, "target modules", f.target_modules, {"qv", "attention", "all-linear"});
      ImGui::SetItemTooltip("qv: q and v (LoRA paper); attention: q, k, v, o; all-linear: + gate, up, down (QLoRA)");
    }
    if (f.method != "qlora") input_choice(app, "base weights", f.base_dtype, {"bf16", "fp16", "fp32"});
    input_choice(app, "optimizer", f.optimizer, {"adamw", "adamw-bf16", "adamw-8bit", "paged-adamw-8bit"});
    ImGui::SetItemTooltip("bytes of state a trained parameter: adamw 8 (fp32 moments), adamw-bf16 4 (torchtune, LitGPT "
                          "bf16-true), 8-bit 2");
    input_flag(app, "fp32 master weights", f.master_weights);
    input_flag(app, "gradient checkpointing", f.gradient_checkpointing);
    input_flag(app, "shard over the GPUs (FSDP / ZeRO-3)", f.shard);
    input_flag(app, "optimizer step in backward", f.optimizer_in_backward);
    ImGui::SetItemTooltip("one tensor's gradient alive at a time (torchtune optimizer_in_bwd); no gradient accumulation");
    input_flag(app, "CPU offload", f.cpu_offload);
    ImGui::SetItemTooltip("FSDP CPU offload: weights, gradients and optimizer states in host RAM");
    input_flag(app, "optimizer offload (ZeRO-Offload)", f.offload_optimizer);
    ImGui::SetItemTooltip("DeepSpeed offload_optimizer: optimizer states, fp32 master and gradients in host RAM, weights on the "
                          "GPU; the optimizer steps on the host's CPUs after each backward pass");
    const bool host_traffic = f.cpu_offload || f.offload_optimizer || f.optimizer == "paged-adamw-8bit";
    if (host_traffic)
      input_field(app, "host link GB/s", "hardware.host_link_gbps",
                  resolved_accelerator(s, Catalog::builtin()).host_link_bytes_per_s / 1e9);
    if (f.offload_optimizer && !f.cpu_offload) {
      input_field(app, "host optimizer params/s", "finetune.host_optimizer_params_per_second", kHostOptimizerParamsPerSecond);
      ImGui::SetItemTooltip("parameters per second one host's CPUs step (DeepSpeed CPU-Adam, up to 8 GPUs a host); default "
                            "1.5 B, the median of two DeepSpeed runs on dual-socket A100 hosts");
    }
    input_field(app, "micro-batch", "finetune.micro_batch");
    input_field(app, "gradient accumulation", "finetune.gradient_accumulation");
    ImGui::SetItemTooltip("micro-batches per optimizer step: ZeRO-Offload's CPU step and weight upload and paged "
                          "optimizer states move once a step");
    input_field(app, "sequence length", "finetune.seq_len");
    input_field(app, "dataset tokens", "finetune.dataset_tokens");
    input_field(app, "epochs", "finetune.epochs");
    input_choice(app, "compute precision", f.dtype, {"bf16", "fp8", "fp4"});
    ImGui::SetItemTooltip("GEMM precision (Transformer Engine): the peak at that precision and training's fitted "
                          "kernel-efficiency ratio to bf16 (row 'Kernel ratio to bf16'); fp8 saves linear inputs at 1 byte");
    if (f.dtype == "fp8") {
      input_choice(app, "fp8 scaling", f.fp8_scaling, {"tensor", "mx"});
      ImGui::SetItemTooltip("tensor: a scale per tensor; mx: MXFP8, a scale per 32 values (Blackwell), at the fitted MX ratio");
    }
    const Result* mfu = app.report().find("finetune.mfu");
    input_field(app, "MFU", "finetune.mfu", mfu ? mfu->value : 0.4);
    if (f.method == "qlora") {
      input_flag(app, "double quantization", f.double_quantization);
      ImGui::SetItemTooltip("NF4 block constants quantized again: 4.127 bits a weight (QLoRA paper) instead of 4.5");
      input_flag(app, "fp32 embeddings (PEFT)", f.fp32_unquantized);
      ImGui::SetItemTooltip("PEFT's prepare_model_for_kbit_training casts what is not 4-bit (embeddings, output head) to fp32");
      input_choice(app, "4-bit kernels", f.nf4_kernel, {"bitsandbytes", "torchao"});
      ImGui::SetItemTooltip("bitsandbytes (QLoRA paper, PEFT, LitGPT) keeps each 4-bit layer's input for backward; "
                            "torchao's NF4 (torchtune) keeps none");
      input_field(app, "dequantize bandwidth share", "finetune.dequantize_bandwidth_efficiency", 0.7);
      ImGui::SetItemTooltip("share of peak memory bandwidth QLoRA's NF4 dequantization reaches (default 0.70, as decode; "
                            "eager bitsandbytes 0.41 at micro-batch 1 measured 0.20-0.24)");
    }
    if (begin_result_table("finetune")) {
      result_row(app, "Trainable parameters", "finetune.trainable_params");
      result_row(app, "Base weights / GPU", "finetune.memory.base_weights_bytes");
      result_row(app, "Adapters / GPU", "finetune.memory.adapter_bytes");
      result_row(app, "Gradients / GPU", "finetune.memory.gradients_bytes");
      result_row(app, "Optimizer / GPU", "finetune.memory.optimizer_bytes");
      result_row(app, "Activations / GPU", "finetune.memory.activations_bytes");
      if (f.method == "qlora" && f.nf4_kernel == "bitsandbytes") result_row(app, "of which 4-bit inputs", "finetune.memory.nf4_saved_inputs_bytes");
      if (f.optimizer == "paged-adamw-8bit" && !f.cpu_offload && !f.offload_optimizer)
        result_row(app, "Paged to host / GPU", "finetune.memory.optimizer_paged_to_host_bytes");
      if (f.cpu_offload || f.offload_optimizer) result_row(app, "Host RAM / GPU", "finetune.memory.host_bytes");
      result_row(app, "Total / GPU", "finetune.memory.total_bytes");
      result_row(app, "Fits", "finetune.fits");
      result_row(app, "FLOPs", "finetune.flops");
      if (f.dtype != "bf16") result_row(app, "Kernel ratio to bf16", "finetune.precision_kernel_ratio");
      if (host_traffic) result_row(app, "Host transfers", "finetune.host_transfer_seconds");
      if (f.offload_optimizer && !f.cpu_offload) {
        result_row(app, "Host optimizer / step", "finetune.host_optimizer_seconds_per_step");
        result_row(app, "Host optimizer", "finetune.host_optimizer_seconds");
      }
      if (f.method == "qlora") {
        result_row(app, "NF4 dequantization / step", "finetune.qlora_dequantize_seconds_per_step");
        result_row(app, "Dequantization share", "finetune.qlora_dequantize_share");
      }
      result_row(app, "Time per epoch", "finetune.seconds_per_epoch");
      result_row(app, "Tokens/s", "finetune.tokens_per_second");
      result_row(app, "GPU-hours", "finetune.gpu_hours");
      result_row(app, "Cost", "finetune.cost_usd");
      ImGui::EndTable();
    }
    warnings_for(app, {"finetune", "hardware.price_per_gpu_hour"});
  }
  if (inc.energy) draw_energy_part(app);
  ImGui::End();
}

}  // namespace envelope::ui
