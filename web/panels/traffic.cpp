// Traffic & serving: the seed's cascade users -> requests -> QPS (peak) -> tokens/s -> replicas ->
// GPUs -> $/month, or CPU cores for a CPU-served model (seed fraud example).
#include "../panels.hpp"
#include "../ui.hpp"
#include "envelope/catalog.hpp"
#include "envelope/evaluate.hpp"
#include "envelope/format.hpp"
#include "imgui.h"

namespace envelope::ui {

void draw_traffic(App& app) {
  if (!panel_included("Traffic & serving", app.scenario())) return;  // section not in the scenario (include)
  if (!begin_panel(app, "Traffic & serving")) {
    ImGui::End();
    return;
  }
  Scenario& s = app.edit();
  TrafficSection& t = s.traffic;
  input_field(app, "users", "traffic.users");
  input_field(app, "active fraction", "traffic.active_fraction");
  input_field(app, "requests / user / day", "traffic.requests_per_user_per_day");
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("peak factor");
  ImGui::SameLine(em(11));
  struct Preset {
    const char* name;
    double factor;
  } presets[] = {{"consumer 3x", 3}, {"payments 5x", 5}, {"ads 10x", 10}};
  bool first = true;
  for (const Preset& p : presets) {
    // Wrapped under the first one when the panel is too narrow for the next (never cut off).
    if (!first && ImGui::GetContentRegionAvail().x < ImGui::CalcTextSize(p.name).x + em(2)) {
      ImGui::NewLine();
      ImGui::SetCursorPosX(em(11));
    }
    first = false;
    const bool clicked = ImGui::RadioButton(p.name, t.peak_factor == p.factor);
    record_target(app, std::string("traffic.peak_factor/") + p.name, p.name, "radio");
    app.widgets.back().value = t.peak_factor == p.factor ? "true" : "false";
    if (clicked) {
      t.peak_factor = p.factor;
      app.changed();
    }
    ImGui::SameLine();
  }
  ImGui::NewLine();
  input_field(app, "peak factor (custom)", "traffic.peak_factor");
  // A direct peak load replaces the cascade above (traffic.peak_qps).
  const Result* peak = app.report().find("traffic.peak_qps");
  input_field(app, "peak QPS (direct)", "traffic.peak_qps", peak ? peak->value : 1);
  bool cpu = t.cpu_ms_per_request > 0;
  const bool cpu_clicked = ImGui::Checkbox("CPU-served model (ms per request)", &cpu);
  record_target(app, "flag/CPU-served model", "CPU-served model (ms per request)", "checkbox");
  app.widgets.back().value = cpu ? "true" : "false";
  if (cpu_clicked) {
    t.cpu_ms_per_request = cpu ? 2.0 : 0.0;
    app.changed();
  }
  if (cpu) {
    input_field(app, "ms per request", "traffic.cpu_ms_per_request");
    input_field(app, "headroom", "traffic.cpu_headroom");
    input_field(app, "cores per machine", "traffic.cpu_cores_per_machine", 8);
    input_field(app, "$ per machine-hour", "traffic.cpu_price_per_machine_hour", Catalog::builtin().prices.cpu_machine_usd_per_hour);
    input_field(app, "min machines", "traffic.min_machines");
  } else {
    const Result* cap = app.report().find("inference.sustained_tokens_per_second");
    input_field(app, "tok/s per replica", "traffic.tokens_per_second_per_replica", cap ? cap->value : 100);
    input_field(app, "min replicas", "traffic.min_replicas");
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
    input_field(app, "tensor parallel", "serving.tensor_parallel", s.inference.tensor_parallel);
    // MoE models: routed experts sharded over expert-parallel groups of tensor-parallel GPUs.
    if (resolved_architecture(s).experts > 0) input_field(app, "expert parallel", "serving.expert_parallel");
    input_field(app, "batch", "serving.batch", s.inference.batch);
    input_field(app, "TTFT target (s)", "serving.ttft_target_seconds");
    input_field(app, "TPOT target (s)", "serving.tpot_target_seconds");
    input_choice(app, "latency percentile", sv.latency_percentile, {"p50", "p90", "p99"});
    // How the replica batches (serving_model.hpp): static keeps version-3 links' numbers; continuous
    // adds chunked prefill and the M/M/c wait for a slot at the percentile above.
    input_choice(app, "batching", sv.batching, {"static", "continuous"});
    // Disaggregated prefill/decode pools are shown beside the aggregated fleet (serving.disaggregated.*).
    input_flag(app, "disaggregated prefill/decode (compare)", sv.disaggregated);
    input_field(app, "prefix cache hit fraction", "serving.prefix_cache_hit_fraction");
    input_field(app, "speculative tokens (0 = off)", "serving.speculative_tokens");
    if (sv.speculative_tokens > 0) {
      input_field(app, "acceptance rate", "serving.speculative_acceptance_rate");
      input_field(app, "draft cost fraction", "serving.speculative_draft_cost_fraction");
    }
  }
  if (begin_result_table("traffic")) {
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
      if (app.report().find("serving.gpus_per_replica")) {
        result_row(app, "GPUs per replica (TP x EP)", "serving.gpus_per_replica");
        result_row(app, "EP all-to-all per step", "serving.expert_parallel.all_to_all_seconds_per_step");
      }
      result_row(app, "Time to first token", "serving.ttft_seconds");
      result_row(app, "Time per output token", "serving.tpot_seconds");
      if (s.serving.batching == "continuous") {
        result_row(app, "  engine step (decode + prefill chunk)", "serving.continuous.step_seconds");
        result_row(app, "  prefill tokens per step", "serving.continuous.prefill_tokens_per_step");
        result_row(app, "  TTFT without wait", "serving.continuous.ttft_service_seconds");
        result_row(app, "  slot utilisation", "serving.queue.utilization");
        result_row(app, "  chance to wait for a slot", "serving.queue.wait_probability");
        result_row(app, "  wait at the percentile", "serving.queue.wait_seconds");
        result_row(app, "  mean wait", "serving.queue.mean_wait_seconds");
        result_row(app, "  replicas for throughput alone", "serving.queue.throughput_replicas");
      }
      result_row(app, "Meets the targets", "serving.meets_targets");
      result_row(app, "$ per million output tokens", "serving.usd_per_million_tokens");
      if (app.report().find("serving.disaggregated.gpus")) {
        result_row(app, "Disaggregated: GPUs", "serving.disaggregated.gpus");
        result_row(app, "  prefill replicas", "serving.disaggregated.prefill_replicas");
        result_row(app, "  decode replicas", "serving.disaggregated.decode_replicas");
        result_row(app, "  time to first token", "serving.disaggregated.ttft_seconds");
        result_row(app, "  KV transfer", "serving.disaggregated.kv_transfer_seconds");
        result_row(app, "  time per output token", "serving.disaggregated.tpot_seconds");
        result_row(app, "  meets the targets", "serving.disaggregated.meets_targets");
        result_row(app, "  $/month", "serving.disaggregated.monthly_cost_usd");
      }
    }
    result_row(app, "Serving $/month", "serving.monthly_cost_usd");
    ImGui::EndTable();
  }
  warnings_for(app, {"traffic.", "serving."});
  ImGui::End();
}

}  // namespace envelope::ui
