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
    result_row(app, "Total $/month", "cost.monthly_usd");
    if (inc.training) range_row(app, "Training (one-off)", "cost.training_usd");
    result_row(app, "First year", "cost.first_year_usd");
    ImGui::EndTable();
  }
  ImGui::TextDisabled("Sums only the sections the scenario includes (Include menu).");
  // Breakdown of the first year, over the included sections.
  struct Part {
    const char* name;
    double usd;
  };
  std::vector<Part> parts;
  if (inc.training) parts.push_back({"training", r.value("cost.training_usd")});
  if (inc.serving) parts.push_back({"serving x12", 12 * r.value("serving.monthly_cost_usd")});
  if (inc.storage) parts.push_back({"storage x12", 12 * r.value("storage.monthly_cost_usd")});
  if (inc.storage) parts.push_back({"egress x12", 12 * r.value("storage.egress_monthly_usd")});
  if (inc.feature_store && r.find("feature_store.monthly_cost_usd"))
    parts.push_back({"feature store x12", 12 * r.value("feature_store.monthly_cost_usd")});
  if (inc.pipeline) parts.push_back({"pipeline x12", 12 * r.value("pipeline.monthly_cost_usd")});
  if (inc.network) parts.push_back({"network x12", 12 * r.value("network.egress_monthly_usd")});
  if (inc.recommender) parts.push_back({"recommender x12", 12 * r.value("recommender.monthly_cost_usd")});
  // The serving fleet's warnings (a replica that does not fit or misses its latency targets).
  if (inc.serving) warnings_for(app, {"serving.gpus", "serving.meets_targets"});
  double total = 0;
  for (const Part& p : parts) total += p.usd;
  ImGui::SeparatorText("First-year breakdown");
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  const float width = ImGui::GetContentRegionAvail().x;
  ImGui::InvisibleButton("cost_bar", ImVec2(width, em(1.4f)));
  float x = p0.x;
  for (size_t i = 0; i < parts.size(); ++i) {
    const float w = total > 0 ? static_cast<float>(parts[i].usd / total) * width : 0;
    ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(x, p0.y), ImVec2(x + w, p0.y + em(1.4f)), palette(static_cast<int>(i)));
    x += w;
  }
  for (size_t i = 0; i < parts.size(); ++i) {
    ImGui::ColorButton(parts[i].name, ImGui::ColorConvertU32ToFloat4(palette(static_cast<int>(i))), ImGuiColorEditFlags_NoTooltip,
                       ImVec2(em(0.7f), em(0.7f)));
    ImGui::SameLine();
    ImGui::Text("%s %s (%.0f%%)", parts[i].name, format_usd(parts[i].usd).c_str(), total > 0 ? parts[i].usd / total * 100 : 0.0);
  }
  ImGui::End();
}

}  // namespace envelope::ui
