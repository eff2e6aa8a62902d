// Inference: decode and prefill time, tokens/s and requests/s per replica, max batch; tokens/s
// against batch size (where the bandwidth limit gives way to compute), and KV cache against context.
#include <algorithm>
#include <cmath>

#include "../panel_state.hpp"
#include "../panels.hpp"
#include "../ui.hpp"
#include "envelope/catalog.hpp"
#include "envelope/format.hpp"
#include "envelope/setup.hpp"
#include "envelope/sweep.hpp"
#include "imgui.h"

namespace envelope::ui {

void draw_inference(App& app) {
  if (!panel_included("Inference", app.scenario())) return;  // section not in the scenario (include)
  if (!begin_panel(app, "Inference")) {
    ImGui::End();
    return;
  }
  Scenario& s = app.edit();
  input_field(app, "prompt tokens", "inference.prompt_tokens");
  input_field(app, "output tokens", "inference.output_tokens");
  input_field(app, "batch##inf", "inference.batch");
  input_field(app, "bandwidth efficiency", "inference.bandwidth_efficiency", 0.7);
  input_field(app, "compute efficiency", "inference.compute_efficiency", 0.6);
  if (begin_result_table("inf")) {
    range_row(app, "Decode step", "inference.decode_step_seconds");
    result_row(app, "  memory part", "inference.decode_memory_seconds");
    result_row(app, "  compute part", "inference.decode_compute_seconds");
    result_row(app, "  tensor-parallel all-reduce", "inference.tp_comm_seconds_per_step");
    range_row(app, "Tokens/s (decode)", "inference.tokens_per_second");
    result_row(app, "Time to first token", "inference.prefill_seconds");
    result_row(app, "Sustained tokens/s (with prefill)", "inference.sustained_tokens_per_second");
    result_row(app, "Requests/s per replica", "inference.requests_per_second");
    result_row(app, "Max batch", "inference.max_batch");
    if (s.serving.prefix_cache_hit_fraction > 0) result_row(app, "Prompt tokens from the prefix cache", "inference.prefix_cached_tokens");
    if (s.serving.speculative_tokens > 0) {
      result_row(app, "Speculative: tokens per step", "inference.speculative.tokens_per_step");
      result_row(app, "Speculative: step (verify + draft)", "inference.speculative.step_seconds");
      result_row(app, "Speculative: time per token", "inference.speculative.tpot_seconds");
    }
    ImGui::EndTable();
  }
  warnings_for(app, {"inference."});

  // Sweeps, recomputed only when the scenario changes.
  InferencePanelState& st = app.panel_state().inference;
  std::vector<double>&batches = st.batches, &tps = st.tps, &bw_limit = st.bw_limit, &compute_limit = st.compute_limit,
                      &contexts = st.contexts, &kv = st.kv;
  double& crossover = st.crossover;
  if (app.revision() != st.revision) {  // recompute only when the scenario changed
    st.revision = app.revision();
    batches.clear();
    tps.clear();
    bw_limit.clear();
    compute_limit.clear();
    contexts.clear();
    kv.clear();
    crossover = 0;
    // Up to the largest batch whose KV cache fits (at least 64, to show the trend).
    const double top = std::max(64.0, app.report().value("inference.max_batch"));
    for (const DecodePoint& p : decode_sweep(s, 1, top, 200)) {
      batches.push_back(p.batch);
      tps.push_back(p.tokens_per_second);
      bw_limit.push_back(p.bandwidth_limit_tokens_per_second);
      compute_limit.push_back(p.compute_limit_tokens_per_second);
      if (crossover == 0 && p.compute_limit_tokens_per_second <= p.bandwidth_limit_tokens_per_second) crossover = p.batch;
    }
    const double max_ctx = std::max(1024.0, std::min(1048576.0, (s.inference.prompt_tokens + s.inference.output_tokens) * 8));
    for (const KvPoint& p : kv_cache_sweep(s, 256, max_ctx, 60)) {
      contexts.push_back(p.context);
      kv.push_back(p.kv_cache_bytes);
    }
  }
  ImGui::SeparatorText("Tokens/s against batch size");
  LineChartOptions tps_chart;
  tps_chart.x_label = "batch";
  tps_chart.y_label = "decode tokens/s";
  tps_chart.log_x = true;
  if (crossover > 0) tps_chart.x_lines.push_back({crossover, "compute-bound from " + format_number(crossover)});
  tps_chart.x_lines.push_back({s.inference.batch, "batch " + format_number(s.inference.batch)});
  line_chart(app, "tps_vs_batch", batches,
             {{"tokens/s", tps, palette(0)}, {"bandwidth limit", bw_limit, palette(2)}, {"compute limit", compute_limit, palette(1)}},
             tps_chart);
  if (crossover > 0)
    ImGui::TextDisabled("compute-bound from batch ~%.0f", crossover);
  else
    ImGui::TextDisabled("bandwidth-bound up to batch %.0f", batches.empty() ? 0.0 : batches.back());
  ImGui::SeparatorText("KV cache against context length");
  LineChartOptions kv_chart;
  kv_chart.x_label = "context (tokens)";
  kv_chart.y_label = "KV cache per replica";
  kv_chart.y_unit = "B";
  kv_chart.log_x = true;
  kv_chart.x_lines.push_back({s.inference.prompt_tokens + s.inference.output_tokens, "this request"});
  // The room the weights leave: usable memory of the replica's GPUs - weights - workspace - overhead.
  const Report& r = app.report();
  const double room = resolved_accelerator(s, Catalog::builtin()).memory_bytes * s.inference.usable_memory_fraction *
                          s.inference.tensor_parallel -
                      r.value("memory.inference.weights_bytes") - r.value("memory.inference.workspace_bytes") -
                      r.value("memory.inference.overhead_bytes");
  if (room > 0 && std::isfinite(room)) kv_chart.y_lines.push_back({room, "room for KV cache " + format_bytes(room, app.binary_units)});
  line_chart(app, "kv_vs_context", contexts, {{"KV cache", kv, palette(1)}}, kv_chart);
  ImGui::End();
}

}  // namespace envelope::ui
