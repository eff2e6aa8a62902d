// Planner: the best training layouts (parallelism, ZeRO, micro-batch, recompute) and serving options
// (GPU type, precision, tensor parallel, batch, replicas) for the current scenario; sortable tables,
// time and cost against GPU count, and "use this" buttons that write a choice into the scenario.
#include <algorithm>
#include <cmath>
#include <string>

#include "../panel_state.hpp"
#include "../panels.hpp"
#include "../ui.hpp"
#include "envelope/catalog.hpp"
#include "envelope/format.hpp"
#include "envelope/planner.hpp"
#include "envelope/serving_tradeoff.hpp"
#include "imgui.h"

namespace envelope::ui {

namespace {
using PlannerState = PlannerPanelState;

// The planner's tabs follow the scenario: training layouts when it includes training, serving
// options when it includes GPU serving, the fine-tune's settings when it includes fine-tuning (a
// CPU-served or data-only scenario has no planner).
bool plans_training(const Scenario& s) { return s.include.training; }
bool plans_serving(const Scenario& s) { return includes_gpu_serving(s); }
bool plans_finetune(const Scenario& s) { return s.include.finetune; }

void recompute(App& app, PlannerState& st) {
  const Scenario& s = app.scenario();
  st.counts.clear();
  st.days.clear();
  st.cost.clear();
  if (plans_finetune(s)) st.finetune = plan_finetune(s);
  if (plans_serving(s)) {
    st.serving = plan_serving(s);  // the scenario's own latency targets (serving section)
    st.tradeoff = serving_tradeoff(s);
  }
  if (!plans_training(s)) return;
  const TrainingPlannerOptions search = scenario_planner_options(s);  // the overlaps the scenario runs
  st.training = plan_training(s, search);
  for (double n = std::max(1.0, s.hardware.count / 8); n <= s.hardware.count * 8; n *= 2) {
    Scenario at = s;
    at.hardware.count = std::round(n);
    TrainingPlannerOptions o = search;
    o.keep = 1;
    const TrainingPlannerResult r = plan_training(at, o);
    if (r.ranked.empty()) continue;
    st.counts.push_back(at.hardware.count);
    st.days.push_back(r.ranked.front().train_seconds / 86400);
    st.cost.push_back(r.ranked.front().cost_usd);
  }
}

void use_layout(App& app, const TrainingPlan& p) {
  apply_training_plan(app.edit(), p);
  app.changed();
}

void use_option(App& app, const ServingOption& o) {
  apply_serving_option(app.edit(), o);
  app.changed();
}

template <class T, class Key>
void sort_by(std::vector<T>& rows, const ImGuiTableSortSpecs* specs, Key key) {
  if (!specs || specs->SpecsCount == 0) return;
  const ImGuiTableColumnSortSpecs& c = specs->Specs[0];
  std::stable_sort(rows.begin(), rows.end(), [&](const T& a, const T& b) {
    const double ka = key(a, c.ColumnIndex), kb = key(b, c.ColumnIndex);
    return c.SortDirection == ImGuiSortDirection_Ascending ? ka < kb : ka > kb;
  });
}

// The serving trade-off: output tokens/s per GPU (y) against tokens/s per user = 1 / TPOT (x), both on
// log axes with a grid line per decade; every configuration that fits as a dot (filled: meets the
// latency targets), the Pareto front as a line, the TPOT target as a vertical line at 1 / target.
void tradeoff_chart(App& app, const ServingTradeoff& t, long frame) {
  TradeoffChartDrawn& drawn = app.panel_state().planner.drawn;
  drawn = {frame, 0, 0, false};
  int on_front = 0;
  for (const TradeoffPoint& p : t.points) on_front += p.pareto;
  const std::string counts = std::to_string(t.points.size()) + " points, " + std::to_string(on_front) + " on the Pareto front";
  if (t.points.empty()) {
    ImGui::TextDisabled("No weight precision and tensor-parallel degree up to 8 fits the model on %s.", t.gpu.c_str());
    record_target(app, "chart/serving-tradeoff", counts, "chart");
    return;
  }
  const double target_x = t.tpot_target_seconds > 0 ? 1.0 / t.tpot_target_seconds : 0.0;
  double x0 = INFINITY, x1 = 0, y0 = INFINITY, y1 = 0;
  for (const TradeoffPoint& p : t.points) {
    x0 = std::min(x0, p.tokens_per_second_per_user);
    x1 = std::max(x1, p.tokens_per_second_per_user);
    y0 = std::min(y0, p.tokens_per_second_per_gpu);
    y1 = std::max(y1, p.tokens_per_second_per_gpu);
  }
  if (target_x > 0) {
    x0 = std::min(x0, target_x);
    x1 = std::max(x1, target_x);
  }
  // Both axes log, widened to whole decades (ChartArea); in window.envelope.widgets() as
  // "chart/serving-tradeoff", its label giving the point and Pareto-front counts.
  ChartArea c(app, "serving-tradeoff", counts, {x0, x1, true, "tokens/s per user (1 / TPOT)", ""},
              {y0, y1, true, "output tokens/s per GPU", ""},
              {{"Pareto front", palette(1)}, {"other configurations", palette(0)}}, 15);
  ImDrawList* dl = c.draw_list();
  dl->PushClipRect(c.min, c.max, true);
  if (target_x > 0) {
    c.vline(target_x, "TPOT target " + format_seconds(t.tpot_target_seconds), IM_COL32(240, 170, 60, 220));
    drawn.target_line = true;
  }
  // The front, left to right (its points rise in throughput as interactivity falls).
  std::vector<const TradeoffPoint*> front;
  for (const TradeoffPoint& p : t.points)
    if (p.pareto) front.push_back(&p);
  std::sort(front.begin(), front.end(), [](const TradeoffPoint* l, const TradeoffPoint* r) {
    return l->tokens_per_second_per_user < r->tokens_per_second_per_user;
  });
  std::vector<ImVec2> line;
  for (const TradeoffPoint* p : front) line.emplace_back(c.px(p->tokens_per_second_per_user), c.py(p->tokens_per_second_per_gpu));
  if (line.size() > 1) dl->AddPolyline(line.data(), static_cast<int>(line.size()), palette(1), 0, 2.0f);
  const float r = em(0.22f);
  for (const TradeoffPoint& p : t.points) {
    const ImVec2 at(c.px(p.tokens_per_second_per_user), c.py(p.tokens_per_second_per_gpu));
    const unsigned col = p.pareto ? palette(1) : palette(0);
    if (p.meets_targets) dl->AddCircleFilled(at, p.pareto ? r * 1.4f : r, col);
    else dl->AddCircle(at, p.pareto ? r * 1.4f : r, col);
    ++drawn.points;
    drawn.front += p.pareto;
  }
  dl->PopClipRect();
  if (c.hovered()) {
    // The configuration nearest the cursor (within 1.5 em), else the axes' values under it.
    const ImVec2 m = c.mouse();
    const TradeoffPoint* best = nullptr;
    float best_d = em(1.5f) * em(1.5f);
    for (const TradeoffPoint& p : t.points) {
      const float dx = c.px(p.tokens_per_second_per_user) - m.x, dy = c.py(p.tokens_per_second_per_gpu) - m.y;
      if (dx * dx + dy * dy < best_d) {
        best_d = dx * dx + dy * dy;
        best = &p;
      }
    }
    if (best) {
      dl->AddCircle(ImVec2(c.px(best->tokens_per_second_per_user), c.py(best->tokens_per_second_per_gpu)), r * 2.5f,
                    ImGui::GetColorU32(ImGuiCol_Text), 0, 1.5f);
      c.show_value(best->weights + ", TP " + std::to_string(best->tensor_parallel) + ", batch " + format_number(best->batch) +
                   (best->pareto ? " (Pareto front)" : "") + "\n" + format_number(best->tokens_per_second_per_user) +
                   " tokens/s per user (TPOT " + format_seconds(best->tpot_seconds) + "), " +
                   format_number(best->tokens_per_second_per_gpu) + " output tokens/s per GPU\nTTFT " +
                   format_seconds(best->ttft_seconds) + "; " + (best->meets_targets ? "meets" : "misses") + " the latency targets");
    } else if (m.x >= c.min.x && m.x <= c.max.x && m.y >= c.min.y && m.y <= c.max.y) {
      // Invert the log axes at the cursor.
      const double ux = std::pow(10.0, std::log10(c.x_axis().lo) + (m.x - c.min.x) / (c.max.x - c.min.x) *
                                                                      (std::log10(c.x_axis().hi) - std::log10(c.x_axis().lo)));
      const double uy = std::pow(10.0, std::log10(c.y_axis().lo) + (c.max.y - m.y) / (c.max.y - c.min.y) *
                                                                      (std::log10(c.y_axis().hi) - std::log10(c.y_axis().lo)));
      c.show_value(format_number(ux) + " tokens/s per user, " + format_number(uy) + " output tokens/s per GPU");
    }
  }
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetColorU32(ImGuiCol_TextDisabled));
  ImGui::TextWrapped("Filled: meets the TTFT and TPOT targets. %zu configurations on %s (weights x TP x batch), each the "
                      "report of that serving section. TPOT target %s = %s tokens/s per user.",
                      t.points.size(), t.gpu.c_str(), format_seconds(t.tpot_target_seconds).c_str(), format_number(target_x).c_str());
  ImGui::PopStyleColor();
}
}  // namespace

const TradeoffChartDrawn& tradeoff_chart_drawn(App& app) { return app.panel_state().planner.drawn; }
void select_planner_tab(App& app, const char* name) { app.panel_state().planner.select_tab = name; }

void draw_planner(App& app) {
  if (!panel_included("Planner", app.scenario())) return;  // neither training, GPU serving nor fine-tuning is included
  if (!begin_panel(app, "Planner")) {
    ImGui::End();
    return;
  }
  PlannerState& st = app.panel_state().planner;
  if (st.revision != app.revision()) {
    st.revision = app.revision();
    recompute(app, st);
  }
  if (ImGui::BeginTabBar("planner_tabs")) {
    const std::string select = std::move(st.select_tab);
    st.select_tab.clear();
    auto tab_flags = [&](const char* n) { return select == n ? ImGuiTabItemFlags_SetSelected : ImGuiTabItemFlags_None; };
    const bool training_tab = plans_training(app.scenario()) && ImGui::BeginTabItem("Training", nullptr, tab_flags("Training"));
    if (plans_training(app.scenario())) record_target(app, "tab/Planner/Training", "Training", "tab");
    if (training_tab) {
      ImGui::TextWrapped("%d layouts considered, %d fit in memory; global batch %.0f sequences of %.0f tokens.",
                         st.training.considered, st.training.fitting, st.training.global_batch, app.scenario().training.seq_len);
      ImGui::TextWrapped("Best: %s", st.training.why_best.c_str());
      const ImGuiTableFlags flags = ImGuiTableFlags_Sortable | ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg |
                                    ImGuiTableFlags_ScrollY | ImGuiTableFlags_ScrollX | ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_Resizable;
      if (ImGui::BeginTable("layouts", 8, flags, ImVec2(0, em(12)))) {
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn("TP x PP x DP");
        ImGui::TableSetupColumn("ZeRO");
        ImGui::TableSetupColumn("mb / recompute");
        ImGui::TableSetupColumn("step", ImGuiTableColumnFlags_DefaultSort);
        ImGui::TableSetupColumn("MFU");
        ImGui::TableSetupColumn("memory/GPU");
        ImGui::TableSetupColumn("cost");
        ImGui::TableSetupColumn("", ImGuiTableColumnFlags_NoSort);
        ImGui::TableHeadersRow();
        if (ImGuiTableSortSpecs* specs = ImGui::TableGetSortSpecs(); specs && specs->SpecsDirty) {
          sort_by(st.training.ranked, specs, [](const TrainingPlan& p, int col) {
            switch (col) {
              case 0: return double(p.layout.tensor_parallel * 1000 + p.layout.pipeline_parallel);
              case 1: return double(p.layout.zero_stage);
              case 2: return double(p.layout.micro_batch);
              case 4: return p.model_flops_utilization;
              case 5: return p.total_bytes;
              case 6: return p.cost_usd;
              default: return p.step_seconds;
            }
          });
          specs->SpecsDirty = false;
        }
        const bool unpriced = gpu_unpriced(app);  // the scenario's GPU: every row's
        for (size_t i = 0; i < st.training.ranked.size(); ++i) {
          const TrainingPlan& p = st.training.ranked[i];
          ImGui::PushID(static_cast<int>(i));
          ImGui::TableNextRow();
          ImGui::TableNextColumn();
          ImGui::Text("%d x %d%s%s x %d%s", p.layout.tensor_parallel, p.layout.pipeline_parallel,
                      p.layout.interleave > 1 ? ("(v" + std::to_string(p.layout.interleave) + ")").c_str() : "",
                      p.layout.context_parallel > 1 ? (" x CP " + std::to_string(p.layout.context_parallel)).c_str() : "",
                      p.layout.data_parallel,
                      p.layout.expert_parallel > 1 ? (", EP " + std::to_string(p.layout.expert_parallel)).c_str() : "");
          if (ImGui::BeginItemTooltip()) {
            ImGui::Text("compute %s, bubble %s, TP all-reduce %s, CP ring %s, EP all-to-all %s, pipeline sends %s, exposed DP %s",
                        format_seconds(p.compute_seconds).c_str(), format_seconds(p.bubble_seconds).c_str(),
                        format_seconds(p.tensor_parallel_seconds).c_str(), format_seconds(p.context_parallel_seconds).c_str(),
                        format_seconds(p.expert_parallel_seconds).c_str(), format_seconds(p.pipeline_p2p_seconds).c_str(),
                        format_seconds(p.data_parallel_exposed_seconds).c_str());
            ImGui::Text("bottleneck: %s; kernel efficiency %.2f", p.bottleneck.c_str(), p.kernel_efficiency);
            ImGui::Text("memory: weights %s, gradients %s, optimizer %s, activations %s", format_bytes(p.weights_bytes, app.binary_units).c_str(),
                        format_bytes(p.gradients_bytes, app.binary_units).c_str(), format_bytes(p.optimizer_bytes, app.binary_units).c_str(),
                        format_bytes(p.activations_bytes, app.binary_units).c_str());
            if (p.gradient_copy_bytes > 0)
              ImGui::Text("fp32 gradient copy at the optimizer step %s (not beside the activations)",
                          format_bytes(p.gradient_copy_bytes, app.binary_units).c_str());
            ImGui::EndTooltip();
          }
          ImGui::TableNextColumn();
          ImGui::Text("%d", p.layout.zero_stage);
          ImGui::TableNextColumn();
          ImGui::Text("%d / %s", p.layout.micro_batch, p.layout.recompute.c_str());
          ImGui::TableNextColumn();
          ImGui::TextUnformatted(format_seconds(p.step_seconds).c_str());
          ImGui::TableNextColumn();
          ImGui::Text("%.0f%%", p.model_flops_utilization * 100);
          ImGui::TableNextColumn();
          ImGui::TextUnformatted(format_bytes(p.total_bytes, app.binary_units).c_str());
          ImGui::TableNextColumn();
          ImGui::TextUnformatted(unpriced ? "no price" : format_usd(p.cost_usd).c_str());
          ImGui::TableNextColumn();
          if (ImGui::SmallButton("use")) use_layout(app, p);
          ImGui::SetItemTooltip("Write this layout into the scenario: the Training panel then shows the same step and time");
          ImGui::PopID();
        }
        ImGui::EndTable();
      }
      if (!st.training.rejected.empty() && ImGui::TreeNode("Rejected families")) {
        for (const RejectedFamily& r : st.training.rejected) ImGui::BulletText("%s: %s", r.family.c_str(), r.reason.c_str());
        ImGui::TreePop();
      }
      ImGui::SeparatorText("Best layout against GPU count");
      // One unit per chart: wall time, then cost.
      if (st.counts.empty())
        ImGui::TextDisabled("No layout fits in memory from %s to %s GPUs.", format_number(std::max(1.0, app.scenario().hardware.count / 8)).c_str(),
                            format_number(app.scenario().hardware.count * 8).c_str());
      LineChartOptions chart;
      chart.x_label = "GPUs";
      chart.log_x = true;
      chart.height_em = 8;
      chart.x_lines.push_back({app.scenario().hardware.count, "this scenario"});
      chart.y_label = "wall time (days)";
      if (!st.counts.empty()) line_chart(app, "plan_days", st.counts, {{"days", st.days, palette(0)}}, chart);
      chart.y_label = "cost (USD)";
      chart.y_unit = "USD";
      if (gpu_unpriced(app))
        ImGui::TextDisabled("No cost chart: the GPU has no price (set $ per GPU-hour in Model & hardware).");
      else if (!st.counts.empty())
        line_chart(app, "plan_cost", st.counts, {{"cost", st.cost, palette(1)}}, chart);
      ImGui::EndTabItem();
    }
    const bool serving_tab = plans_serving(app.scenario()) && ImGui::BeginTabItem("Serving", nullptr, tab_flags("Serving"));
    if (plans_serving(app.scenario())) record_target(app, "tab/Planner/Serving", "Serving", "tab");
    if (serving_tab) {
      ImGui::TextWrapped("Peak %s req/s x %.0f output tokens = %s tokens/s.", format_number(st.serving.peak_qps).c_str(),
                         app.scenario().inference.output_tokens, format_number(st.serving.peak_tokens_per_second).c_str());
      // The targets are the scenario's (serving.ttft_target_seconds, serving.tpot_target_seconds): saved
      // in its link and checked in the report too.
      input_field(app, "TTFT target", "serving.ttft_target_seconds");
      input_field(app, "TPOT target", "serving.tpot_target_seconds");
      // The planner follows the scenario's batching (serving.batching) and percentile.
      Scenario& sc = app.edit();
      input_choice(app, "batching##plan", sc.serving.batching, {"static", "continuous"});
      if (sc.serving.batching == "continuous") {
        input_choice(app, "latency percentile##plan", sc.serving.latency_percentile, {"p50", "p90", "p99"});
        ImGui::TextDisabled("%d configurations; %s prices; TTFT at %s with the M/M/c wait for a batch slot at the peak.",
                            st.serving.configurations, st.serving.pricing.c_str(), sc.serving.latency_percentile.c_str());
      } else {
        ImGui::TextDisabled("%d configurations; %s prices; static batching: latency without a queueing wait.",
                            st.serving.configurations, st.serving.pricing.c_str());
      }
      if (ImGui::CollapsingHeader("Trade-off: tokens/s per GPU against tokens/s per user", ImGuiTreeNodeFlags_DefaultOpen))
        tradeoff_chart(app, st.tradeoff, ImGui::GetFrameCount());
      const ImGuiTableFlags flags = ImGuiTableFlags_Sortable | ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg |
                                    ImGuiTableFlags_ScrollY | ImGuiTableFlags_ScrollX | ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_Resizable;
      if (ImGui::BeginTable("serving", 9, flags, ImVec2(0, std::max(em(12), ImGui::GetContentRegionAvail().y)))) {
        ImGui::TableSetupScrollFreeze(0, 1);
        for (const char* h : {"GPU", "weights", "TP", "batch", "TPOT", "GPUs", "$/month", "$/M tokens"})
          ImGui::TableSetupColumn(h, std::string(h) == "$/month" ? ImGuiTableColumnFlags_DefaultSort : 0);
        ImGui::TableSetupColumn("", ImGuiTableColumnFlags_NoSort);
        ImGui::TableHeadersRow();
        if (ImGuiTableSortSpecs* specs = ImGui::TableGetSortSpecs(); specs && specs->SpecsDirty) {
          const Catalog& cat = Catalog::builtin();
          sort_by(st.serving.ranked, specs, [&](const ServingOption& o, int col) {
            // Costs as the planner ranks them (serving_option_tier): priced options that meet the targets
            // by cost, then the unpriced ones, those missing the targets, those that do not fit ($0 there
            // is no price).
            const double tier = serving_option_tier(o);
            switch (col) {
              case 0: {  // catalog order
                const Accelerator* a = cat.find_accelerator(o.gpu);
                return a ? double(a - cat.accelerators.data()) : double(cat.accelerators.size());
              }
              case 2: return double(o.tensor_parallel);
              case 3: return o.batch;
              case 4: return o.tpot_seconds;
              case 5: return o.gpus;
              case 7: return tier * 1e15 + o.usd_per_million_tokens;
              default: return tier * 1e15 + (tier == 0 ? o.monthly_usd : o.gpus);
            }
          });
          specs->SpecsDirty = false;
        }
        for (size_t i = 0; i < st.serving.ranked.size(); ++i) {
          const ServingOption& o = st.serving.ranked[i];
          ImGui::PushID(static_cast<int>(i) + 100000);
          ImGui::TableNextRow();
          ImGui::TableNextColumn();
          if (o.meets_targets)
            ImGui::TextUnformatted(o.gpu.c_str());
          else
            ImGui::TextDisabled("%s", o.gpu.c_str());
          ImGui::SetItemTooltip("%s", o.note.c_str());
          ImGui::TableNextColumn();
          ImGui::TextUnformatted(o.weights.c_str());
          ImGui::TableNextColumn();
          if (!o.fits) {
            // No replica of this GPU and precision holds the model: nothing to size, no 0s.
            for (int c = 0; c < 4; ++c, ImGui::TableNextColumn()) ImGui::TextDisabled("-");
            ImGui::TextDisabled("does not fit");
            ImGui::TableNextColumn();
            ImGui::TextDisabled("-");
            ImGui::TableNextColumn();
            ImGui::PopID();
            continue;
          }
          if (o.expert_parallel > 1) ImGui::Text("%d x EP %d", o.tensor_parallel, o.expert_parallel);
          else ImGui::Text("%d", o.tensor_parallel);
          ImGui::TableNextColumn();
          ImGui::Text("%.0f", o.batch);
          ImGui::TableNextColumn();
          ImGui::TextUnformatted(format_seconds(o.tpot_seconds).c_str());
          ImGui::TableNextColumn();
          ImGui::Text("%.0f", o.gpus);
          ImGui::TableNextColumn();
          ImGui::TextUnformatted(o.priced ? format_usd(o.monthly_usd).c_str() : "no price");
          ImGui::TableNextColumn();
          // "1.23 k", never 1.23e+03
          ImGui::TextUnformatted(o.priced ? format_number(o.usd_per_million_tokens, 3).c_str() : "no price");
          ImGui::TableNextColumn();
          if (o.tensor_parallel > 0 && ImGui::SmallButton("use")) use_option(app, o);
          ImGui::PopID();
        }
        ImGui::EndTable();
      }
      ImGui::EndTabItem();
    }
    const bool finetune_tab = plans_finetune(app.scenario()) && ImGui::BeginTabItem("Fine-tuning", nullptr, tab_flags("Fine-tuning"));
    if (plans_finetune(app.scenario())) record_target(app, "tab/Planner/Fine-tuning", "Fine-tuning", "tab");
    if (finetune_tab) {
      ImGui::TextWrapped("%s (%s): %d ways of running it on %s GPU(s), %d fit. What is trained stays yours (method, data, "
                         "sequences per step); checkpointing, sharding, offload and micro-batch vary.",
                         app.scenario().finetune.method.c_str(), model_label(app.scenario()).c_str(), st.finetune.considered,
                         format_number(app.scenario().hardware.count).c_str(), st.finetune.fitting);
      ImGui::TextWrapped("Best: %s", st.finetune.why_best.c_str());
      const ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY |
                                    ImGuiTableFlags_ScrollX | ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_Resizable;
      if (ImGui::BeginTable("finetune", 6, flags, ImVec2(0, std::max(em(12), ImGui::GetContentRegionAvail().y)))) {
        ImGui::TableSetupScrollFreeze(0, 1);
        for (const char* h : {"time", "memory/GPU", "tokens/s", "cost", "", "settings"}) ImGui::TableSetupColumn(h);
        ImGui::TableHeadersRow();
        const bool unpriced = gpu_unpriced(app);
        for (size_t i = 0; i < st.finetune.ranked.size(); ++i) {
          const FinetunePlan& p = st.finetune.ranked[i];
          ImGui::PushID(static_cast<int>(i) + 200000);
          ImGui::TableNextRow();
          ImGui::TableNextColumn();
          // A plan that does not fit is greyed out whole (its time would be, had it fit).
          if (!p.fits) ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
          ImGui::TextUnformatted(((p.lower_bound() ? ">= " : "") + format_seconds(p.wall_seconds)).c_str());
          if (p.lower_bound()) ImGui::SetItemTooltip("FSDP CPU offload: the optimizer step on the CPU is not in this time");
          ImGui::TableNextColumn();
          ImGui::TextUnformatted(format_bytes(p.memory_bytes, app.binary_units).c_str());
          ImGui::TableNextColumn();
          ImGui::TextUnformatted(format_number(p.tokens_per_second).c_str());
          ImGui::TableNextColumn();
          ImGui::TextUnformatted(unpriced ? "no price" : format_usd(p.cost_usd).c_str());
          if (!p.fits) ImGui::PopStyleColor();
          ImGui::TableNextColumn();
          if (p.fits && ImGui::SmallButton("use")) {
            apply_finetune_plan(app.edit(), p);
            app.changed();
          }
          ImGui::TableNextColumn();
          if (p.fits) ImGui::TextUnformatted(describe_finetune_plan(p.settings).c_str());
          else ImGui::TextDisabled("%s (does not fit)", describe_finetune_plan(p.settings).c_str());
          ImGui::PopID();
        }
        ImGui::EndTable();
      }
      ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
  }
  ImGui::End();
}

}  // namespace envelope::ui
