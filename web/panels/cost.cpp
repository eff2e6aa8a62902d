// Cost: monthly roll-up (serving, storage, egress) and the one-off training cost, with a breakdown.
#include "../panels.hpp"
#include "../ui.hpp"
#include "envelope/format.hpp"
#include "imgui.h"

namespace envelope::ui {

void draw_cost(App& app) {
  if (!begin_panel("Cost")) {
    ImGui::End();
    return;
  }
  const Report& r = app.report();
  if (ImGui::BeginTable("cost", 2, ImGuiTableFlags_SizingStretchProp)) {
    result_row(app, "Serving $/month", "serving.monthly_cost_usd");
    result_row(app, "Storage $/month", "storage.monthly_cost_usd");
    result_row(app, "Egress $/month", "storage.egress_monthly_usd");
    result_row(app, "Total $/month", "cost.monthly_usd");
    range_row(app, "Training (one-off)", "cost.training_usd");
    result_row(app, "First year", "cost.first_year_usd");
    ImGui::EndTable();
  }
  // The serving fleet's warnings (a replica that does not fit or misses its latency targets).
  warnings_for(app, {"serving.gpus", "serving.meets_targets"});
  // Breakdown of the first year.
  const double parts[] = {r.value("cost.training_usd"), 12 * r.value("serving.monthly_cost_usd"),
                          12 * r.value("storage.monthly_cost_usd"), 12 * r.value("storage.egress_monthly_usd")};
  const char* names[] = {"training", "serving x12", "storage x12", "egress x12"};
  double total = 0;
  for (double p : parts) total += p;
  ImGui::SeparatorText("First-year breakdown");
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  const float width = ImGui::GetContentRegionAvail().x;
  ImGui::InvisibleButton("cost_bar", ImVec2(width, em(1.4f)));
  float x = p0.x;
  for (int i = 0; i < 4; ++i) {
    const float w = total > 0 ? static_cast<float>(parts[i] / total) * width : 0;
    ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(x, p0.y), ImVec2(x + w, p0.y + em(1.4f)), palette(i));
    x += w;
  }
  for (int i = 0; i < 4; ++i) {
    ImGui::ColorButton(names[i], ImGui::ColorConvertU32ToFloat4(palette(i)), ImGuiColorEditFlags_NoTooltip, ImVec2(em(0.7f), em(0.7f)));
    ImGui::SameLine();
    ImGui::Text("%s %s (%.0f%%)", names[i], format_usd(parts[i]).c_str(), total > 0 ? parts[i] / total * 100 : 0.0);
  }
  ImGui::End();
}

}  // namespace envelope::ui
