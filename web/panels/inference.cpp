// Inference: decode and prefill time, tokens/s and requests/s per replica, max batch; tokens/s
// against batch size (where the bandwidth limit gives way to compute), and KV cache against context.
#include <algorithm>
#include <cmath>

#include "../panels.hpp"
#include "../ui.hpp"
#include "envelope/sweep.hpp"
#include "imgui.h"

namespace envelope::ui {

void draw_inference(App& app) {
  if (!(app.scenario().include.inference)) return;  // section not in the scenario (include)
  if (!begin_panel("Inference")) {
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
  static long key = -1;
  static std::vector<double> batches, tps, bw_limit, compute_limit, contexts, kv;
  static double crossover = 0;
  if (app.revision() != key) {  // recompute only when the scenario changed
    key = app.revision();
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
    const double unit = app.binary_units ? 1073741824.0 : 1e9;
    for (const KvPoint& p : kv_cache_sweep(s, 256, max_ctx, 60)) {
      contexts.push_back(p.context);
      kv.push_back(p.kv_cache_bytes / unit);
    }
  }
  ImGui::SeparatorText("Tokens/s against batch size");
  line_chart("tps_vs_batch", batches,
             {{"tokens/s", tps, palette(0)}, {"bandwidth limit", bw_limit, palette(2)}, {"compute limit", compute_limit, palette(1)}},
             "batch", "tok/s", true, {crossover > 0 ? crossover : 0});
  if (crossover > 0)
    ImGui::TextDisabled("compute-bound from batch ~%.0f (orange line)", crossover);
  else
    ImGui::TextDisabled("bandwidth-bound up to batch %.0f", batches.empty() ? 0.0 : batches.back());
  ImGui::SeparatorText("KV cache against context length");
  line_chart("kv_vs_context", contexts, {{app.binary_units ? "KV GiB" : "KV GB", kv, palette(1)}}, "context tokens",
             app.binary_units ? "GiB" : "GB", true);
  ImGui::End();
}

}  // namespace envelope::ui
