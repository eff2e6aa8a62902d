// Training: FLOPs, PF-days, wall time, GPU-hours, cost, Chinchilla tokens, the budget verdict (seed
// Q5), and cost against training tokens.
#include <cmath>

#include "../panels.hpp"
#include "../ui.hpp"
#include "envelope/sweep.hpp"
#include "envelope/format.hpp"
#include "imgui.h"

namespace envelope::ui {

void draw_training(App& app) {
  if (!(app.scenario().include.training)) return;  // section not in the scenario (include)
  if (!begin_panel("Training")) {
    ImGui::End();
    return;
  }
  Scenario& s = app.edit();
  input_field(app, "tokens", "training.tokens");
  const Result* mfu = app.report().find("training.mfu");
  input_field(app, "MFU", "training.mfu", mfu ? mfu->value : 0.4);
  input_choice(app, "compute dtype", s.training.dtype, {"fp32", "tf32", "bf16", "fp16", "fp8", "fp4"});
  input_field(app, "budget $", "training.budget_usd");
  if (ImGui::BeginTable("train", 2, ImGuiTableFlags_SizingStretchProp)) {
    result_row(app, "Training FLOPs", "training.flops");
    result_row(app, "PF-days", "training.pf_days");
    result_row(app, "Chinchilla-optimal tokens", "training.chinchilla_tokens");
    range_row(app, "Wall time", "training.wall_seconds");
    result_row(app, "GPU-hours", "training.gpu_hours");
    range_row(app, "Cost", "training.cost_usd");
    if (s.training.budget_usd > 0) {
      result_row(app, "Cost / budget", "training.budget_ratio");
      result_row(app, "Tokens the budget buys", "training.max_tokens_for_budget");
      result_row(app, "Largest Chinchilla model", "training.max_params_for_budget");
    }
    ImGui::EndTable();
  }
  if (s.training.budget_usd > 0) {
    const double ratio = app.report().value("training.budget_ratio");
    if (ratio > 1)
      ImGui::TextColored(ImVec4(1, 0.45f, 0.35f, 1), "Over budget: %.1fx the $%s budget", ratio, format_number(s.training.budget_usd).c_str());
    else
      ImGui::TextColored(ImVec4(0.45f, 0.85f, 0.45f, 1), "Within budget (%.0f%% of it)", ratio * 100);
  }
  warnings_for(app, {"training.tokens", "training.mfu", "training.budget"});

  // Cost against tokens (log sweep over four decades around the chosen count); recomputed only when
  // the scenario changes.
  static long key = -1;
  static std::vector<double> xs, cost;
  if (app.revision() != key) {  // recompute only when the scenario changed
    key = app.revision();
    xs.clear();
    cost.clear();
    const double center = s.training.tokens > 0 ? s.training.tokens : 1e12;
    for (const TrainingPoint& p : training_cost_sweep(s, center / 100, center * 100, 41)) {
      xs.push_back(p.tokens);
      cost.push_back(p.cost_usd);
    }
  }
  ImGui::SeparatorText("Cost against training tokens");
  line_chart("cost_vs_tokens", xs, {{"cost USD", cost, palette(1)}}, "tokens", "USD", true,
             {s.training.tokens, app.report().value("training.chinchilla_tokens")});
  ImGui::TextDisabled("orange lines: chosen tokens and Chinchilla-optimal (20 x params)");
  ImGui::End();
}

}  // namespace envelope::ui
