// Traffic & serving: the seed's cascade users -> requests -> QPS (peak) -> tokens/s -> replicas ->
// GPUs -> $/month, or CPU cores for a CPU-served model (seed fraud example).
#include "../panels.hpp"
#include "../ui.hpp"
#include "envelope/catalog.hpp"
#include "envelope/format.hpp"
#include "imgui.h"

namespace envelope::ui {

void draw_traffic(App& app) {
  if (!begin_panel("Traffic & serving")) {
    ImGui::End();
    return;
  }
  Scenario& s = app.edit();
  TrafficSection& t = s.traffic;
  input_number(app, "users", t.users, 0, 1e13, "%.6g");
  input_number(app, "active fraction", t.active_fraction, 0, 1, "%.3g");
  input_number(app, "requests / user / day", t.requests_per_user_per_day, 0, 1e7, "%.4g");
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("peak factor");
  ImGui::SameLine(em(11));
  struct Preset {
    const char* name;
    double factor;
  } presets[] = {{"consumer 3x", 3}, {"payments 5x", 5}, {"ads 10x", 10}};
  for (const Preset& p : presets) {
    if (ImGui::RadioButton(p.name, t.peak_factor == p.factor)) {
      t.peak_factor = p.factor;
      app.changed();
    }
    ImGui::SameLine();
  }
  ImGui::NewLine();
  input_number(app, "peak factor (custom)", t.peak_factor, 1, 1000, "%.3g");
  // A direct peak load replaces the cascade above (traffic.peak_qps).
  const Result* peak = app.report().find("traffic.peak_qps");
  input_optional(app, "peak QPS (direct)", t.peak_qps, peak ? peak->value : 1, 0, 1e9, "%.6g");
  bool cpu = t.cpu_ms_per_request > 0;
  if (ImGui::Checkbox("CPU-served model (ms per request)", &cpu)) {
    t.cpu_ms_per_request = cpu ? 2.0 : 0.0;
    app.changed();
  }
  if (cpu) {
    input_number(app, "ms per request", t.cpu_ms_per_request, 0.001, 1e6, "%.4g");
    input_number(app, "headroom", t.cpu_headroom, 1, 100, "%.3g");
    input_optional(app, "cores per machine", t.cpu_cores_per_machine, 8, 1, 1e4, "%.0f");
    input_optional(app, "$ per machine-hour", t.cpu_price_per_machine_hour, 0.40, 0, 1e4, "%.3g");
    input_int(app, "min machines", t.min_machines, 0, 1000000);
  } else {
    const Result* cap = app.report().find("inference.sustained_tokens_per_second");
    input_optional(app, "tok/s per replica", t.tokens_per_second_per_replica, cap ? cap->value : 100, 0.001, 1e9, "%.4g");
    input_int(app, "min replicas", t.min_replicas, 0, 1000000);
    // The serving fleet's own inputs (serving section): unset, hardware.gpu and the inference section.
    ImGui::SeparatorText("Serving fleet");
    ServingSection& sv = s.serving;
    const Catalog& cat = Catalog::builtin();
    const Accelerator* sg = cat.find_accelerator(sv.gpu);
    ImGui::SetNextItemWidth(-FLT_MIN);
    if (ImGui::BeginCombo("##serving_gpu", sg ? sg->name.c_str() : "serving GPU: same as the hardware above")) {
      if (ImGui::Selectable("same as the hardware above", sv.gpu.empty()) && !sv.gpu.empty()) {
        sv.gpu.clear();
        app.changed();
      }
      for (const Accelerator& a : cat.accelerators) {
        const std::string label = a.name + "  (" + format_bytes(a.memory_bytes, app.binary_units) + ")";
        if (ImGui::Selectable(label.c_str(), sv.gpu == a.id) && sv.gpu != a.id) {
          sv.gpu = a.id;
          app.changed();
        }
      }
      ImGui::EndCombo();
    }
    input_optional(app, "tensor parallel", sv.tensor_parallel, s.inference.tensor_parallel, 1, 1024, "%.0f");
    input_optional(app, "batch", sv.batch, s.inference.batch, 1, 1e6, "%.0f");
    input_number(app, "TTFT target (s)", sv.ttft_target_seconds, 1e-3, 3600, "%.3g");
    input_number(app, "TPOT target (s)", sv.tpot_target_seconds, 1e-4, 60, "%.3g");
    input_choice(app, "latency percentile", sv.latency_percentile, {"p50", "p90", "p99"});
  }
  if (ImGui::BeginTable("traffic", 2, ImGuiTableFlags_SizingStretchProp)) {
    result_row(app, "Requests/day", "traffic.requests_per_day");
    result_row(app, "Average QPS", "traffic.average_qps");
    result_row(app, "Peak QPS", "traffic.peak_qps");
    if (cpu) {
      result_row(app, "CPU cores", "serving.cpu_cores");
      result_row(app, "Machines", "serving.replicas");
    } else {
      result_row(app, "Peak tokens/s", "traffic.peak_tokens_per_second");
      result_row(app, "Tokens/s per replica", "serving.tokens_per_second_per_replica");
      result_row(app, "Replicas", "serving.replicas");
      result_row(app, "GPUs", "serving.gpus");
      result_row(app, "Time to first token", "serving.ttft_seconds");
      result_row(app, "Time per output token", "serving.tpot_seconds");
      result_row(app, "Meets the targets", "serving.meets_targets");
      result_row(app, "$ per million output tokens", "serving.usd_per_million_tokens");
    }
    result_row(app, "Serving $/month", "serving.monthly_cost_usd");
    ImGui::EndTable();
  }
  warnings_for(app, {"traffic.", "serving."});
  ImGui::End();
}

}  // namespace envelope::ui
