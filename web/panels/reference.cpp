// Reference: the seed's key-numbers tables (hardware, storage units, network, cost) rendered from the
// catalog; editing a spec or price here applies it to the current scenario.
#include "../panels.hpp"
#include "../ui.hpp"
#include "envelope/catalog.hpp"
#include "envelope/format.hpp"
#include "envelope/formulas.hpp"
#include "envelope/setup.hpp"
#include "imgui.h"

namespace envelope::ui {

void draw_reference(App& app) {
  if (!begin_panel(app, "Reference")) {
    ImGui::End();
    return;
  }
  const Catalog& c = Catalog::builtin();
  Scenario& s = app.edit();
  const bool bin = app.binary_units;
  if (ImGui::CollapsingHeader("Compute (dense FLOPS, datasheets)", ImGuiTreeNodeFlags_DefaultOpen)) {
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_Borders | ImGuiTableFlags_ScrollX | ImGuiTableFlags_ScrollY |
                                  ImGuiTableFlags_SizingFixedFit;
    if (ImGui::BeginTable("hw", 7, flags, ImVec2(0, em(14)))) {
      ImGui::TableSetupScrollFreeze(1, 1);
      for (const char* h : {"Hardware", "FP32 TFLOPS", "BF16/FP16 TFLOPS", "Memory", "Memory BW", "On-demand", "Spot/market"})
        ImGui::TableSetupColumn(h);
      ImGui::TableHeadersRow();
      for (const Accelerator& a : c.accelerators) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        if (ImGui::Selectable(a.name.c_str(), a.id == s.hardware.gpu, ImGuiSelectableFlags_SpanAllColumns)) {
          select_accelerator(s, a.id);
          app.changed();
        }
        if (ImGui::BeginItemTooltip()) {
          ImGui::PushTextWrapPos(em(30));
          ImGui::Text("%s (%s)", a.id.c_str(), a.klass.c_str());
          if (!a.ref.empty()) ImGui::Text("Datasheet record: %s", a.ref.c_str());
          if (!a.source.empty()) ImGui::TextWrapped("%s", a.source.c_str());
          if (!a.seed_note.empty()) ImGui::TextColored(ImVec4(1, 0.7f, 0.3f, 1), "%s", a.seed_note.c_str());
          ImGui::TextDisabled("Price: %s", a.on_demand_source.c_str());
          ImGui::PopTextWrapPos();
          ImGui::EndTooltip();
        }
        ImGui::TableNextColumn();
        ImGui::Text("%.1f", a.fp32 / 1e12);
        ImGui::TableNextColumn();
        ImGui::Text("%.0f", a.peak_flops(Dtype::bf16) / 1e12);
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(format_bytes(a.memory_bytes, bin).c_str());
        ImGui::TableNextColumn();
        ImGui::Text("%s/s", format_bytes(a.bandwidth_bytes_per_s, bin).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(a.on_demand_usd_per_hour ? (format_usd(*a.on_demand_usd_per_hour) + "/h").c_str() : "-");
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(a.spot_usd_per_hour ? (format_usd(*a.spot_usd_per_hour) + "/h").c_str() : "-");
      }
      ImGui::EndTable();
    }
    ImGui::TextDisabled("H100 SXM: the seed's 1,979 TFLOPS FP16 is the sparsity figure; dense is 989.");
  }
  if (ImGui::CollapsingHeader("Edit the selected hardware for this scenario")) {
    const Accelerator* a = c.find_accelerator(s.hardware.gpu);
    if (a) {
      input_field(app, "memory GB", "hardware.memory_gb", a->memory_bytes / 1e9);
      input_field(app, "bandwidth GB/s", "hardware.bandwidth_gbps", a->bandwidth_bytes_per_s / 1e9);
      input_field(app, "peak TFLOPS", "hardware.peak_tflops", a->peak_flops(Dtype::bf16) / 1e12);
      input_field(app, "scale-up GB/s", "hardware.scale_up_gbps", a->scale_up_bytes_per_s / 1e9);
      input_field(app, "$ per GPU-hour##ref", "hardware.price_per_gpu_hour", a->on_demand_usd_per_hour.value_or(a->spot_usd_per_hour.value_or(0)));
    }
  }
  if (ImGui::CollapsingHeader("Storage and memory units")) {
    if (ImGui::BeginTable("units", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_Borders)) {
      for (const char* h : {"Unit", "Size", "Example"}) ImGui::TableSetupColumn(h);
      ImGui::TableHeadersRow();
      auto row = [&](const char* unit, const std::string& size, const char* example) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(unit);
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(size.c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(example);
      };
      row("1 float32", "4 bytes", "single model weight");
      row("1 float16/bfloat16", "2 bytes", "half-precision weight");
      row("1 int8", "1 byte", "INT8 quantized weight");
      row("1B parameters (fp32)", format_bytes(weight_bytes(1e9, Dtype::fp32), bin), "GPT-2 XL fits on 1 GPU");
      row("7B parameters (fp16)", format_bytes(weight_bytes(7e9, Dtype::fp16), bin), "Llama 7B fits on 1 A100 40GB");
      row("70B parameters (fp16)", format_bytes(weight_bytes(70e9, Dtype::fp16), bin), "needs 2 x A100 80GB (tensor parallel)");
      row("1 million text tokens", format_bytes(dataset_bytes(1e6, 4), bin), "~4 bytes of text per token");
      row("1 trillion text tokens", format_bytes(dataset_bytes(1e12, 4), bin), "GPT-3 training data scale");
      ImGui::EndTable();
    }
  }
  if (ImGui::CollapsingHeader("Networking")) {
    if (ImGui::BeginTable("net", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_Borders)) {
      for (const char* h : {"Connection", "Bandwidth", "Latency"}) ImGui::TableSetupColumn(h);
      ImGui::TableHeadersRow();
      for (const Network& n : c.networks) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(n.name.c_str());
        ImGui::SetItemTooltip("%s", n.source.c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(n.bandwidth_bytes_per_s > 0 ? (format_bytes(n.bandwidth_bytes_per_s, bin) + "/s").c_str() : "varies");
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(format_seconds(n.latency_s).c_str());
      }
      ImGui::EndTable();
    }
  }
  if (ImGui::CollapsingHeader("Cost")) {
    ImGui::BulletText("Object storage: %s per GB-month (%s)", format_usd(c.prices.object_storage_usd_per_gb_month).c_str(),
                      c.prices.object_storage_source.c_str());
    ImGui::BulletText("Egress: %s per GB (%s)", format_usd(c.prices.egress_usd_per_gb).c_str(), c.prices.egress_source.c_str());
    input_field(app, "storage $/GB-month", "prices.object_storage_per_gb_month", c.prices.object_storage_usd_per_gb_month);
    input_field(app, "egress $/GB", "prices.egress_per_gb", c.prices.egress_usd_per_gb);
  }
  ImGui::End();
}

}  // namespace envelope::ui
