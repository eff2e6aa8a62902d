// Planner: the best training layouts (parallelism, ZeRO, micro-batch, recompute) and serving options
// (GPU type, precision, tensor parallel, batch, replicas) for the current scenario; sortable tables,
// time and cost against GPU count, and "use this" buttons that write a choice into the scenario.
#include <algorithm>
#include <cmath>

#include "../panels.hpp"
#include "../ui.hpp"
#include "envelope/format.hpp"
#include "envelope/planner.hpp"
#include "envelope/serving_tradeoff.hpp"
#include "imgui.h"

namespace envelope::ui {

namespace {
struct PlannerState {
  long revision = -1;
  TrainingPlannerResult training;
  ServingPlannerResult serving;
  ServingTradeoff tradeoff;
  std::vector<double> counts, days, cost;
};

// What the trade-off chart drew in its last frame (tradeoff_chart_drawn(); headless UI test).
TradeoffChartDrawn g_drawn;
// A tab of the planner to select on the next frame (select_planner_tab()).
std::string g_select_tab;

void recompute(App& app, PlannerState& st) {
  const Scenario& s = app.scenario();
  st.training = plan_training(s);
  st.serving = plan_serving(s);  // the scenario's own latency targets (serving section)
  st.tradeoff = serving_tradeoff(s);
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

// The serving trade-off: output tokens/s per GPU (y) against tokens/s per user = 1 / TPOT (x), both on
// log axes with a grid line per decade; every configuration that fits as a dot (filled: meets the
// latency targets), the Pareto front as a line, the TPOT target as a vertical line at 1 / target.
void tradeoff_chart(App& app, const ServingTradeoff& t, long frame) {
  const ImVec2 size(ImGui::GetContentRegionAvail().x, em(15));
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("tradeoff_chart", size);
  // In window.envelope.widgets() as "chart/serving-tradeoff", its label saying what it shows.
  int on_front = 0;
  for (const TradeoffPoint& p : t.points) on_front += p.pareto;
  record_target(app, "chart/serving-tradeoff",
                std::to_string(t.points.size()) + " points, " + std::to_string(on_front) + " on the Pareto front", "chart");
  g_drawn = {frame, 0, 0, false};
  if (t.points.empty()) {
    ImGui::TextDisabled("No weight precision and tensor-parallel degree up to 8 fits the model on %s.", t.gpu.c_str());
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
  // Whole decades around the data.
  const double lx0 = std::floor(std::log10(x0)), lx1 = std::max(lx0 + 1, std::ceil(std::log10(x1)));
  const double ly0 = std::floor(std::log10(y0)), ly1 = std::max(ly0 + 1, std::ceil(std::log10(y1)));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float left = em(4), bottom = em(2.6f);
  const ImVec2 a(p0.x + left, p0.y + em(0.5f)), b(p0.x + size.x - em(0.8f), p0.y + size.y - bottom);
  auto tx = [&](double v) { return a.x + static_cast<float>((std::log10(v) - lx0) / (lx1 - lx0)) * (b.x - a.x); };
  auto ty = [&](double v) { return b.y - static_cast<float>((std::log10(v) - ly0) / (ly1 - ly0)) * (b.y - a.y); };
  const unsigned axis = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  const unsigned grid = ImGui::GetColorU32(ImGuiCol_Separator, 0.4f);
  dl->AddRect(a, b, axis);
  for (double k = lx0; k <= lx1; ++k) {
    const float x = tx(std::pow(10.0, k));
    if (k > lx0 && k < lx1) dl->AddLine(ImVec2(x, a.y), ImVec2(x, b.y), grid);
    const std::string l = format_number(std::pow(10.0, k));
    dl->AddText(ImVec2(x - ImGui::CalcTextSize(l.c_str()).x / 2, b.y + em(0.1f)), axis, l.c_str());
  }
  for (double k = ly0; k <= ly1; ++k) {
    const float y = ty(std::pow(10.0, k));
    if (k > ly0 && k < ly1) dl->AddLine(ImVec2(a.x, y), ImVec2(b.x, y), grid);
    const std::string l = format_number(std::pow(10.0, k));
    dl->AddText(ImVec2(a.x - ImGui::CalcTextSize(l.c_str()).x - em(0.3f), y - em(0.5f)), axis, l.c_str());
  }
  const char* xl = "tokens/s per user (1 / TPOT), log";
  dl->AddText(ImVec2((a.x + b.x - ImGui::CalcTextSize(xl).x) / 2, b.y + em(1.2f)), axis, xl);
  dl->AddText(ImVec2(a.x + em(0.3f), a.y + em(0.1f)), axis, "output tokens/s per GPU, log");
  if (target_x > 0) {
    const float x = tx(target_x);
    dl->AddLine(ImVec2(x, a.y), ImVec2(x, b.y), IM_COL32(240, 170, 60, 220), 1.5f);
    g_drawn.target_line = true;
  }
  // The front, left to right (its points rise in throughput as interactivity falls).
  std::vector<const TradeoffPoint*> front;
  for (const TradeoffPoint& p : t.points)
    if (p.pareto) front.push_back(&p);
  std::sort(front.begin(), front.end(), [](const TradeoffPoint* l, const TradeoffPoint* r) {
    return l->tokens_per_second_per_user < r->tokens_per_second_per_user;
  });
  std::vector<ImVec2> line;
  for (const TradeoffPoint* p : front) line.emplace_back(tx(p->tokens_per_second_per_user), ty(p->tokens_per_second_per_gpu));
  if (line.size() > 1) dl->AddPolyline(line.data(), static_cast<int>(line.size()), palette(1), 0, 2.0f);
  const float r = em(0.22f);
  for (const TradeoffPoint& p : t.points) {
    const ImVec2 c(tx(p.tokens_per_second_per_user), ty(p.tokens_per_second_per_gpu));
    const unsigned col = p.pareto ? palette(1) : palette(0);
    if (p.meets_targets) dl->AddCircleFilled(c, p.pareto ? r * 1.4f : r, col);
    else dl->AddCircle(c, p.pareto ? r * 1.4f : r, col);
    ++g_drawn.points;
    g_drawn.front += p.pareto;
  }
  if (ImGui::IsItemHovered()) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    const TradeoffPoint* best = nullptr;
    float best_d = em(1) * em(1);
    for (const TradeoffPoint& p : t.points) {
      const float dx = tx(p.tokens_per_second_per_user) - m.x, dy = ty(p.tokens_per_second_per_gpu) - m.y;
      if (dx * dx + dy * dy < best_d) {
        best_d = dx * dx + dy * dy;
        best = &p;
      }
    }
    if (best) {
      ImGui::BeginTooltip();
      ImGui::Text("%s, TP %d, batch %.0f%s", best->weights.c_str(), best->tensor_parallel, best->batch,
                  best->pareto ? " (Pareto front)" : "");
      ImGui::Text("%s tokens/s per user (TPOT %s), %s output tokens/s per GPU",
                  format_number(best->tokens_per_second_per_user).c_str(), format_seconds(best->tpot_seconds).c_str(),
                  format_number(best->tokens_per_second_per_gpu).c_str());
      ImGui::Text("TTFT %s; %s the latency targets", format_seconds(best->ttft_seconds).c_str(),
                  best->meets_targets ? "meets" : "misses");
      ImGui::EndTooltip();
    }
  }
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(palette(1)), "Pareto front");
  ImGui::SameLine();
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(palette(0)), "other configurations");
  ImGui::SameLine();
  ImGui::TextColored(ImVec4(0.94f, 0.67f, 0.24f, 1), "| TPOT target %s = %s tokens/s per user", format_seconds(t.tpot_target_seconds).c_str(),
                     format_number(target_x).c_str());
  ImGui::TextDisabled("Filled: meets the TTFT and TPOT targets. %zu configurations on %s (weights x TP x batch), each the "
                      "report of that serving section.",
                      t.points.size(), t.gpu.c_str());
}
}  // namespace

const TradeoffChartDrawn& tradeoff_chart_drawn() { return g_drawn; }
void select_planner_tab(const char* name) { g_select_tab = name; }

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
    const std::string select = std::move(g_select_tab);
    g_select_tab.clear();
    auto tab_flags = [&](const char* n) { return select == n ? ImGuiTabItemFlags_SetSelected : ImGuiTabItemFlags_None; };
    const bool training_tab = ImGui::BeginTabItem("Training", nullptr, tab_flags("Training"));
    record_target(app, "tab/Planner/Training", "Training", "tab");
    if (training_tab) {
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
    const bool serving_tab = ImGui::BeginTabItem("Serving", nullptr, tab_flags("Serving"));
    record_target(app, "tab/Planner/Serving", "Serving", "tab");
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
                                    ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_Resizable;
      if (ImGui::BeginTable("serving", 9, flags, ImVec2(0, std::max(em(12), ImGui::GetContentRegionAvail().y)))) {
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
          if (o.expert_parallel > 1) ImGui::Text("%d x EP %d", o.tensor_parallel, o.expert_parallel);
          else ImGui::Text("%d", o.tensor_parallel);
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
