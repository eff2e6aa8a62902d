// Planner: the best training layouts (parallelism, ZeRO, micro-batch, recompute) and serving options
// (GPU type, precision, tensor parallel, batch, replicas) for the current scenario; sortable tables,
// time and cost against GPU count, and "use this" buttons that write a choice into the scenario.
#include <algorithm>
#include <cmath>

#include "../panels.hpp"
#include "../ui.hpp"
#include "envelope/format.hpp"
#include "envelope/planner.hpp"
#include "imgui.h"

namespace envelope::ui {

namespace {
struct PlannerState {
  long revision = -1;
  TrainingPlannerResult training;
  ServingPlannerResult serving;
  std::vector<double> counts, days, cost;
};

void recompute(App& app, PlannerState& st) {
  const Scenario& s = app.scenario();
  st.training = plan_training(s);
  st.serving = plan_serving(s);  // the scenario's own latency targets (serving section)
  st.counts.clear();
  st.days.clear();
  st.cost.clear();
  for (double n = std::max(1.0, s.hardware.count / 8); n <= s.hardware.count * 8; n *= 2) {
    Scenario at = s;
    at.hardware.count = std::round(n);
    TrainingPlannerOptions o;
    o.keep = 1;
    const TrainingPlannerResult r = plan_training(at, o);
    if (r.ranked.empty()) continue;
    st.counts.push_back(at.hardware.count);
    st.days.push_back(r.ranked.front().train_seconds / 86400);
    st.cost.push_back(r.ranked.front().cost_usd / 1e6);
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
}  // namespace

void draw_planner(App& app) {
  if (!begin_panel("Planner")) {
    ImGui::End();
    return;
  }
  static PlannerState st;
  if (st.revision != app.revision()) {
    st.revision = app.revision();
    recompute(app, st);
  }
  if (ImGui::BeginTabBar("planner_tabs")) {
    if (ImGui::BeginTabItem("Training")) {
      ImGui::TextWrapped("%d layouts considered, %d fit in memory; global batch %.0f sequences of %.0f tokens.",
                         st.training.considered, st.training.fitting, st.training.global_batch, app.scenario().training.seq_len);
      ImGui::TextWrapped("Best: %s", st.training.why_best.c_str());
      const ImGuiTableFlags flags = ImGuiTableFlags_Sortable | ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg |
                                    ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_Resizable;
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
            ImGui::Text("memory: weights %s, gradients %s, optimizer %s, activations %s",
                        format_bytes(p.weights_bytes, app.binary_units).c_str(), format_bytes(p.gradients_bytes, app.binary_units).c_str(),
                        format_bytes(p.optimizer_bytes, app.binary_units).c_str(),
                        format_bytes(p.activations_bytes, app.binary_units).c_str());
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
          ImGui::TextUnformatted(format_usd(p.cost_usd).c_str());
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
      line_chart("plan_chart", st.counts, {{"days", st.days, palette(0)}, {"cost $M", st.cost, palette(1)}}, "GPUs", "days / $M", true,
                 {app.scenario().hardware.count});
      ImGui::EndTabItem();
    }
    if (ImGui::BeginTabItem("Serving")) {
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
      const ImGuiTableFlags flags = ImGuiTableFlags_Sortable | ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg |
                                    ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_Resizable;
      if (ImGui::BeginTable("serving", 9, flags, ImVec2(0, ImGui::GetContentRegionAvail().y))) {
        ImGui::TableSetupScrollFreeze(0, 1);
        for (const char* h : {"GPU", "weights", "TP", "batch", "TPOT", "GPUs", "$/month", "$/M tokens"}) ImGui::TableSetupColumn(h);
        ImGui::TableSetupColumn("", ImGuiTableColumnFlags_NoSort);
        ImGui::TableHeadersRow();
        if (ImGuiTableSortSpecs* specs = ImGui::TableGetSortSpecs(); specs && specs->SpecsDirty) {
          sort_by(st.serving.ranked, specs, [](const ServingOption& o, int col) {
            switch (col) {
              case 2: return double(o.tensor_parallel);
              case 3: return o.batch;
              case 4: return o.tpot_seconds;
              case 5: return o.gpus;
              case 7: return o.usd_per_million_tokens;
              default: return o.monthly_usd;
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
          ImGui::Text("%d", o.tensor_parallel);
          ImGui::TableNextColumn();
          ImGui::Text("%.0f", o.batch);
          ImGui::TableNextColumn();
          ImGui::TextUnformatted(format_seconds(o.tpot_seconds).c_str());
          ImGui::TableNextColumn();
          ImGui::Text("%.0f", o.gpus);
          ImGui::TableNextColumn();
          ImGui::TextUnformatted(!o.fits ? "does not fit" : o.priced ? format_usd(o.monthly_usd).c_str() : "no price");
          ImGui::TableNextColumn();
          ImGui::Text("%.3g", o.usd_per_million_tokens);
          ImGui::TableNextColumn();
          if (o.tensor_parallel > 0 && ImGui::SmallButton("use")) use_option(app, o);
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
