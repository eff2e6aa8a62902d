// Inference: decode and prefill time, tokens/s and requests/s per replica, max batch; tokens/s
// against batch size (where the bandwidth limit gives way to compute), and KV cache against context.
#include <algorithm>
#include <cmath>

#include "../panels.hpp"
#include "../ui.hpp"
#include "envelope/evaluate.hpp"
#include "imgui.h"

namespace envelope::ui {

void draw_inference(App& app) {
  place_window(2, 0, 40);
  if (!ImGui::Begin("Inference")) {
    ImGui::End();
    return;
  }
  Scenario& s = app.edit();
  input_int(app, "prompt tokens", s.inference.prompt_tokens, 0, 100000000);
  input_int(app, "output tokens", s.inference.output_tokens, 1, 100000000);
  input_int(app, "batch##inf", s.inference.batch, 1, 1000000);
  input_optional(app, "bandwidth efficiency", s.inference.bandwidth_efficiency, 0.7, 0.01, 1, "%.2f");
  input_optional(app, "compute efficiency", s.inference.compute_efficiency, 0.6, 0.01, 1, "%.2f");
  if (ImGui::BeginTable("inf", 2, ImGuiTableFlags_SizingStretchProp)) {
    range_row(app, "Decode step", "inference.decode_step_seconds");
    result_row(app, "  memory part", "inference.decode_memory_seconds");
    result_row(app, "  compute part", "inference.decode_compute_seconds");
    result_row(app, "  tensor-parallel all-reduce", "inference.tp_comm_seconds_per_step");
    range_row(app, "Tokens/s (decode)", "inference.tokens_per_second");
    result_row(app, "Time to first token", "inference.prefill_seconds");
    result_row(app, "Sustained tokens/s (with prefill)", "inference.sustained_tokens_per_second");
    result_row(app, "Requests/s per replica", "inference.requests_per_second");
    result_row(app, "Max batch", "inference.max_batch");
    ImGui::EndTable();
  }
  warnings_for(app, {"inference."});

  // Sweeps, recomputed only when the scenario changes.
  static std::string key;
  static std::vector<double> batches, tps, bw_limit, compute_limit, contexts, kv;
  static double crossover = 0;
  const std::string now = scenario_to_json(s);
  if (now != key) {
    key = now;
    batches.clear();
    tps.clear();
    bw_limit.clear();
    compute_limit.clear();
    contexts.clear();
    kv.clear();
    crossover = 0;
    Scenario sweep = s;
    // Up to the largest batch whose KV cache fits (at least 64, to show the trend).
    const double top = std::max(64.0, app.report().value("inference.max_batch"));
    for (int i = 0; i <= 80; ++i) {
      const double b = std::round(std::pow(2.0, i * 0.25));
      if (b > top) break;
      if (!batches.empty() && b == batches.back()) continue;
      sweep.inference.batch = b;
      const Report r = evaluate(sweep);
      const double mem = r.value("inference.decode_memory_seconds"), cmp = r.value("inference.decode_compute_seconds");
      batches.push_back(b);
      tps.push_back(r.value("inference.tokens_per_second"));
      bw_limit.push_back(mem > 0 ? b / mem : 0);
      compute_limit.push_back(cmp > 0 ? b / cmp : 0);
      if (crossover == 0 && cmp >= mem) crossover = b;
    }
    const double max_ctx = std::max(1024.0, std::min(1048576.0, s.inference.prompt_tokens + s.inference.output_tokens) * 8);
    sweep = s;
    for (double c = 256; c <= max_ctx; c *= 1.5) {
      sweep.inference.context = c;
      contexts.push_back(c);
      kv.push_back(evaluate(sweep).value("memory.inference.kv_cache_bytes") / (app.binary_units ? 1073741824.0 : 1e9));
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
