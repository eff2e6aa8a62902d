// Cost: monthly roll-up (serving, storage, egress, pipeline) and the one-off training cost, with a
// breakdown; only the sections the scenario includes.
#include "../panels.hpp"
#include "../ui.hpp"
#include "envelope/format.hpp"
#include "imgui.h"

#include <vector>

namespace envelope::ui {

void draw_cost(App& app) {
  if (!begin_panel(app, "Cost")) {
    ImGui::End();
    return;
  }
  const Report& r = app.report();
  const IncludeSection& inc = app.scenario().include;
  if (begin_result_table("cost")) {
    if (inc.serving) result_row(app, "Serving $/month", "serving.monthly_cost_usd");
    if (inc.storage) result_row(app, "Storage $/month", "storage.monthly_cost_usd");
    if (inc.storage) result_row(app, "Egress $/month", "storage.egress_monthly_usd");
    if (inc.feature_store && r.find("feature_store.monthly_cost_usd"))
      result_row(app, "Feature store $/month", "feature_store.monthly_cost_usd");
    if (inc.pipeline) result_row(app, "Pipeline $/month", "pipeline.monthly_cost_usd");
    if (inc.network) result_row(app, "Network egress $/month", "network.egress_monthly_usd");
    if (inc.recommender) result_row(app, "Recommender $/month", "recommender.monthly_cost_usd");
    // A monthly total only where something runs monthly: not "$0.00/month" beside a training run.
    if (inc.serving || inc.storage || inc.feature_store || inc.pipeline || inc.network || inc.recommender)
      result_row(app, "Total $/month", "cost.monthly_usd");
    if (inc.training) range_row(app, "Training (one-off)", "cost.training_usd");
    if (inc.finetune) result_row(app, "Fine-tuning (one-off)", "cost.finetune_usd");
    result_row(app, "First year", "cost.first_year_usd");
    ImGui::EndTable();
  }
  ImGui::TextDisabled("Sums only the sections the scenario includes (Include menu).");
  // Breakdown of the first year, over the included sections.
  struct Part {
    const char* name;
    double usd;
    bool unpriced = false;  // a GPU cost without a price (Result::unpriced): "no price", not $0
  };
  std::vector<Part> parts;
  if (inc.training) parts.push_back({"training", r.value("cost.training_usd"), r.unpriced("cost.training_usd")});
  if (inc.finetune) parts.push_back({"fine-tuning", r.value("cost.finetune_usd"), r.unpriced("cost.finetune_usd")});
  if (inc.serving)
    parts.push_back({"serving x12", 12 * r.value("serving.monthly_cost_usd"), r.unpriced("serving.monthly_cost_usd")});
  if (inc.storage) parts.push_back({"storage x12", 12 * r.value("storage.monthly_cost_usd")});
  if (inc.storage) parts.push_back({"egress x12", 12 * r.value("storage.egress_monthly_usd")});
  if (inc.feature_store && r.find("feature_store.monthly_cost_usd"))
    parts.push_back({"feature store x12", 12 * r.value("feature_store.monthly_cost_usd")});
  if (inc.pipeline) parts.push_back({"pipeline x12", 12 * r.value("pipeline.monthly_cost_usd")});
  if (inc.network) parts.push_back({"network x12", 12 * r.value("network.egress_monthly_usd")});
  if (inc.recommender) parts.push_back({"recommender x12", 12 * r.value("recommender.monthly_cost_usd")});
  // The serving fleet's warnings (a replica that does not fit or misses its latency targets).
  if (inc.serving) warnings_for(app, {"serving.gpus", "serving.meets_targets", "serving.price_per_gpu_hour"});
  // A GPU without a published price: its costs read "no price" (Model & hardware: $ per GPU-hour).
  if (inc.training || inc.finetune) warnings_for(app, {"hardware.price_per_gpu_hour"});
  double total = 0;
  for (const Part& p : parts) total += p.usd;
  ImGui::SeparatorText("First-year breakdown");
  // One bar on a USD axis (the shared ChartArea, as every chart): a segment per included section,
  // named inside when the name fits; the legend gives each one's cost and share; hovering a
  // segment reads it out.
  const auto share = [&](double usd) {
    const double percent = total > 0 ? usd / total * 100 : 0;
    return percent <= 0 ? std::string("0%") : percent < 0.1 ? std::string("< 0.1%") : format_number(percent, 3) + "%";
  };
  std::vector<LegendEntry> legend;
  for (size_t i = 0; i < parts.size(); ++i)
    legend.push_back({std::string(parts[i].name) +
                          (parts[i].unpriced ? " no price" : " " + format_usd(parts[i].usd) + " (" + share(parts[i].usd) + ")"),
                      palette(static_cast<int>(i))});
  ChartArea c(app, "cost-breakdown", "first-year cost by section", {0, total > 0 ? total : 1, false, "first-year cost (USD)", "USD"},
              {0, 1, false, "", "", false}, legend, 9);
  ImDrawList* dl = c.draw_list();
  const float y0 = c.py(0.85), y1 = c.py(0.15);
  double sum = 0;
  int hovered = -1;
  ImVec2 hovered_min, hovered_max;
  for (size_t i = 0; i < parts.size(); ++i) {
    const float x0 = c.px(sum), x1 = c.px(sum + parts[i].usd);
    sum += parts[i].usd;
    dl->AddRectFilled(ImVec2(x0, y0), ImVec2(x1, y1), palette(static_cast<int>(i)));
    const ImVec2 ts = ImGui::CalcTextSize(parts[i].name);
    if (ts.x + em(0.6f) <= x1 - x0 && ts.y <= y1 - y0)
      dl->AddText(ImVec2((x0 + x1 - ts.x) / 2, (y0 + y1 - ts.y) / 2), IM_COL32(20, 20, 24, 255), parts[i].name);
    if (c.hovered() && c.mouse().x >= x0 && c.mouse().x < x1) {
      hovered = static_cast<int>(i);
      hovered_min = ImVec2(x0, y0), hovered_max = ImVec2(x1, y1);
    }
  }
  if (hovered >= 0) {
    const Part& p = parts[static_cast<size_t>(hovered)];
    dl->AddRect(hovered_min, hovered_max, ImGui::GetColorU32(ImGuiCol_Text), 0, 0, 2.0f);
    c.show_value(std::string(p.name) + ": " + (p.unpriced ? std::string("no price") : format_usd(p.usd) + " (" + share(p.usd) + " of the first year)"));
  }
  ImGui::End();
}

}  // namespace envelope::ui
