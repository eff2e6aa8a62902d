// Model & hardware: preset search, custom architecture overrides, GPU picker with count and price.
#include <algorithm>
#include <cctype>
#include <cstring>

#include "../panel_state.hpp"
#include "../panels.hpp"
#include "../ui.hpp"
#include "envelope/catalog.hpp"
#include "envelope/evaluate.hpp"
#include "envelope/format.hpp"
#include "envelope/formulas.hpp"
#include "envelope/setup.hpp"
#include "envelope/import.hpp"
#include "imgui.h"

namespace envelope::ui {

static bool matches(const std::string& text, const char* filter) {
  if (!*filter) return true;
  std::string a = text, b = filter;
  std::transform(a.begin(), a.end(), a.begin(), [](unsigned char c) { return std::tolower(c); });
  std::transform(b.begin(), b.end(), b.begin(), [](unsigned char c) { return std::tolower(c); });
  return a.find(b) != std::string::npos;
}

// The catalog search and list, and a custom accelerator's spec typed in below it (panels.hpp).
void draw_accelerator_picker(App& app) {
  const Catalog& cat = Catalog::builtin();
  Scenario& s = app.edit();
  ModelHardwarePanelState& st = app.panel_state().model_hardware;
  char* gpu_filter = st.gpu_filter;
  ImGui::SetNextItemWidth(-FLT_MIN);
  ImGui::InputTextWithHint("##gpu_filter", "search accelerators (e.g. h100, tpu, amd)", gpu_filter, sizeof st.gpu_filter);
  record_text_box(app);
  const Accelerator* gpu = cat.find_accelerator(s.hardware.gpu);
  const bool custom = s.hardware.gpu == kCustomAccelerator;
  const std::string gpu_label = custom ? resolved_accelerator(s, cat).name + " (custom)" : gpu ? gpu->name : s.hardware.gpu;
  ImGui::SetNextItemWidth(-FLT_MIN);
  const bool open = ImGui::BeginCombo("##gpu", gpu_label.c_str());
  record_combo(app, open, "hardware.gpu", "accelerator", s.hardware.gpu);
  if (open) {
    for (const Accelerator& a : cat.accelerators) {
      const std::string label = a.name + "  (" + format_bytes(a.memory_bytes, app.binary_units) + ")";
      if (!matches(label + " " + a.id + " " + a.vendor + " " + a.klass, gpu_filter)) continue;
      if (ImGui::Selectable(label.c_str(), gpu && gpu->id == a.id)) {
        select_accelerator(s, a.id);
        app.changed();
      }
      record_target(app, "hardware.gpu/" + a.id, a.name, "choice-item");
    }
    // A device the catalog lacks: starts from the current device's spec, then typed in below.
    if (ImGui::Selectable("Custom accelerator (type its spec)...", custom) && !custom) {
      const Accelerator from = resolved_accelerator(s, cat);
      select_accelerator(s, kCustomAccelerator);
      s.hardware.name = "Custom accelerator";
      s.hardware.memory_gb = from.memory_bytes / 1e9;
      s.hardware.bandwidth_gbps = from.bandwidth_bytes_per_s / 1e9;
      s.hardware.peak_tflops = from.peak_flops(Dtype::bf16) / 1e12;
      if (from.scale_up_bytes_per_s > 0) s.hardware.scale_up_gbps = from.scale_up_bytes_per_s / 1e9;
      if (from.scale_out_bytes_per_s > 0) s.hardware.scale_out_gbps = from.scale_out_bytes_per_s / 1e9;
      if (from.tdp_w > 0) s.hardware.tdp_w = from.tdp_w;
      app.changed();
    }
    ImGui::EndCombo();
  }
  if (custom) {
    NameBuffer& name = st.gpu_name;
    if (input_name(app, "##gpu_name", "accelerator name", name, -FLT_MIN) && s.hardware.name != name.text) {
      s.hardware.name = name.text;
      app.changed();
    }
    if (!ImGui::IsItemActive() && s.hardware.name != name.text) name.set(s.hardware.name);
    input_field(app, "memory GB##custom", "hardware.memory_gb");
    input_field(app, "bandwidth GB/s##custom", "hardware.bandwidth_gbps");
    input_field(app, "dense TFLOPS (bf16)##custom", "hardware.peak_tflops");
    input_field(app, "dense fp8 TFLOPS##custom", "hardware.fp8_tflops");
    input_field(app, "dense fp4 TFLOPS##custom", "hardware.fp4_tflops");
    input_field(app, "scale-up GB/s##custom", "hardware.scale_up_gbps");
    input_field(app, "TDP W##custom", "hardware.tdp_w");
  }
}

void draw_model_hardware(App& app) {
  if (!panel_included("Model & hardware", app.scenario())) return;  // a CPU/data-only scenario has no model
  if (!begin_panel(app, "Model & hardware")) {
    ImGui::End();
    return;
  }
  const Catalog& cat = Catalog::builtin();
  Scenario& s = app.edit();
  ModelHardwarePanelState& st = app.panel_state().model_hardware;
  char* model_filter = st.model_filter;
  ImGui::SeparatorText("Model");
  ImGui::SetNextItemWidth(-FLT_MIN);
  ImGui::InputTextWithHint("##model_filter", "search models (e.g. llama 70b, moe)", model_filter, sizeof st.model_filter);
  record_text_box(app);
  const ModelPreset* current = cat.find_model(s.model.preset);
  ImGui::SetNextItemWidth(-FLT_MIN);
  if (ImGui::BeginCombo("##model", model_label(s).c_str())) {
    for (const ModelPreset& m : cat.models) {
      const std::string label = m.name + "  (" + format_number(params_total(m.arch), 3) + " params)";
      if (!matches(label + " " + m.id + (m.arch.experts > 0 ? " moe" : ""), model_filter)) continue;
      if (ImGui::Selectable(label.c_str(), current && current->id == m.id)) {
        s.model = ModelSection{};
        s.model.preset = m.id;
        app.changed();
      }
    }
    ImGui::EndCombo();
  }
  const Architecture arch = resolved_architecture(s);
  if (ImGui::TreeNode("Custom architecture")) {
    input_field(app, "params (override)", "model.params", params_total(arch));
    input_field(app, "layers", "model.layers", arch.layers);
    input_field(app, "hidden", "model.hidden", arch.hidden);
    input_field(app, "heads", "model.heads", arch.heads);
    input_field(app, "kv heads", "model.kv_heads", arch.kv_heads);
    input_field(app, "head dim", "model.head_dim", arch.head_dim);
    input_field(app, "ffn", "model.ffn", arch.ffn);
    input_field(app, "vocab", "model.vocab", arch.vocab);
    input_field(app, "experts", "model.experts", arch.experts);
    input_field(app, "experts per token", "model.experts_per_token", arch.experts_per_token);
    input_field(app, "shared experts", "model.shared_experts", arch.shared_experts);
    input_field(app, "expert ffn", "model.expert_ffn", arch.expert_ffn);
    input_field(app, "leading dense layers", "model.dense_layers", arch.dense_layers);
    input_field(app, "MoE every n-th layer", "model.moe_layer_interval", arch.moe_layer_interval);
    if (arch.experts > 0) {
      input_field(app, "expert groups (0: no limit)", "model.expert_groups", arch.expert_groups);
      input_field(app, "groups per token", "model.expert_groups_per_token", arch.expert_groups_per_token);
    }
    input_field(app, "attention window (tokens)", "model.window", arch.window);
    input_field(app, "windowed layers", "model.window_layers", arch.window_layers);
    input_field(app, "SSM layers (Mamba-2)", "model.linear_layers", arch.linear_layers);
    ImGui::SetItemTooltip("layers mixing tokens with a Mamba-2 block instead of attention: a fixed state per sequence, no KV cache");
    if (arch.linear_layers > 0) {
      input_field(app, "SSM heads", "model.ssm_heads", arch.ssm_heads);
      input_field(app, "SSM head dim", "model.ssm_head_dim", arch.ssm_head_dim);
      input_field(app, "SSM state", "model.ssm_state", arch.ssm_state);
      input_field(app, "SSM groups", "model.ssm_groups", arch.ssm_groups);
      input_field(app, "layers without MLP", "model.mixer_only_layers", arch.mixer_only_layers);
    }
    input_field(app, "max context", "model.max_context", arch.max_context);
    ImGui::TreePop();
  }
  const bool reveal = st.reveal_import;
  if (reveal) ImGui::SetNextItemOpen(true);
  st.reveal_import = false;
  if (ImGui::TreeNode("Import config.json")) {
    // Offline: the config is parsed here (core/src/import.cpp), nothing is fetched. Pasted text, an
    // opened file and a file dropped on the page all go through App::import_config.
    ImGui::InputTextMultiline("##config_json", st.config_text, sizeof st.config_text, ImVec2(-FLT_MIN, ImGui::GetTextLineHeight() * 6));
    record_text_box(app);
    if (ImGui::Button("Import")) app.import_config(st.config_text, "The pasted config");
    record_target(app, "button/Model & hardware/Import", "Import", "button");
    ImGui::SameLine();
    // The browser's file chooser (shell/envelope.js); the chosen file is imported like a dropped one.
    if (ImGui::Button("Open file") && !app.host().open_config_file())
      st.import_message = "Opening a file is not available here: drop the config.json on the window, or paste it above.";
    record_target(app, "button/Model & hardware/Open file", "Open file", "button");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Open a Hugging Face config.json (or drop one anywhere on the page)");
    if (!st.import_message.empty()) ImGui::TextWrapped("%s", st.import_message.c_str());
    if (reveal) ImGui::SetScrollHereY(0.5f);
    ImGui::TreePop();
  }
  if (begin_result_table("model_results")) {
    result_row(app, "Parameters", "model.params");
    result_row(app, "Active parameters", "model.active_params");
    ImGui::EndTable();
  }

  ImGui::SeparatorText("Hardware");
  draw_accelerator_picker(app);
  input_field(app, "GPU count", "hardware.count");
  input_choice(app, "default price", s.hardware.pricing, {"on_demand", "spot"});
  const Result* price = app.report().find("hardware.price_per_gpu_hour");
  input_field(app, "$ per GPU-hour", "hardware.price_per_gpu_hour", price ? price->value : 0);
  if (begin_result_table("hw_results")) {
    result_row(app, "Price used", "hardware.price_per_gpu_hour");
    result_row(app, "Dense peak", "hardware.peak_flops");
    ImGui::EndTable();
  }
  warnings_for(app, {"hardware."});
  ImGui::End();
}

}  // namespace envelope::ui
