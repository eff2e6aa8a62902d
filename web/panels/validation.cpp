// Validation: Envelope's estimates against published measurements (assets/validation.json), with
// the ratio per case and the error per category that every result's band comes from.
#include <string>

#include "../panels.hpp"
#include "../ui.hpp"
#include "envelope/validation.hpp"
#include "imgui.h"

namespace envelope::ui {

std::string validation_error_cell(int cases, double abs_log_error) {
  // Every case excluded: no measured error, never "+-0%" (CategorySummary::band says the same).
  return cases == 0 ? "none scored" : "+-" + error_percent(abs_log_error);
}

void draw_validation(App& app) {
  if (!begin_panel(app, "Validation")) {
    ImGui::End();
    return;
  }
  static const ValidationReport report = validate();  // fixed data: computed once
  ImGui::TextWrapped("Envelope against published figures (docs/calibration.md). Ratio = predicted / published.");
  if (ImGui::BeginTable("categories", 4, ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg)) {
    for (const char* h : {"category", "cases", "typical error", "worst error"}) ImGui::TableSetupColumn(h);
    ImGui::TableHeadersRow();
    for (const CategorySummary& s : report.categories) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(s.category.c_str());
      ImGui::TableNextColumn();
      ImGui::Text("%d", s.cases);
      for (double log_error : {s.median_abs_log, s.worst_abs_log}) {
        ImGui::TableNextColumn();
        const std::string cell = validation_error_cell(s.cases, log_error);
        if (s.cases == 0)
          ImGui::TextDisabled("%s", cell.c_str());
        else
          ImGui::TextUnformatted(cell.c_str());
      }
    }
    ImGui::EndTable();
  }
  const ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY |
                                ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_Resizable;
  if (ImGui::BeginTable("cases", 5, flags, ImVec2(0, ImGui::GetContentRegionAvail().y))) {
    ImGui::TableSetupScrollFreeze(0, 1);
    // The case's name takes what is left and is clipped (its tooltip has the record or id); the numbers keep
    // their width, so none is cut to its first digits.
    ImGui::TableSetupColumn("case", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableSetupColumn("predicted", ImGuiTableColumnFlags_WidthFixed, em(6.2f));
    ImGui::TableSetupColumn("published", ImGuiTableColumnFlags_WidthFixed, em(6.2f));
    ImGui::TableSetupColumn("ratio", ImGuiTableColumnFlags_WidthFixed, em(2.4f));
    ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed, em(4.4f));
    ImGui::TableHeadersRow();
    for (const CaseResult& r : report.results) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::PushID(r.c->id.c_str());
      if (ImGui::Selectable(r.c->id.c_str(), false, ImGuiSelectableFlags_SpanAllColumns)) app.set_scenario(r.c->scenario);
      if (ImGui::BeginItemTooltip()) {
        ImGui::PushTextWrapPos(em(30));
        // The page ships no record names (cmake/asset_tables.py --page): the id, as the native app has both.
        ImGui::Text("%s (%s)", r.c->record.empty() ? r.c->id.c_str() : r.c->record.c_str(), r.c->category.c_str());
        ImGui::TextDisabled("%s", r.c->source.c_str());
        if (!r.c->excluded.empty()) ImGui::TextColored(ImVec4(1, 0.7f, 0.3f, 1), "Excluded: %s", r.c->excluded.c_str());
        ImGui::TextDisabled("Click to load this case's scenario.");
        ImGui::PopTextWrapPos();
        ImGui::EndTooltip();
      }
      ImGui::PopID();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(validation_value_text(r.predicted, r.c->unit).c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(validation_value_text(r.c->published, r.c->unit).c_str());
      ImGui::TableNextColumn();
      ImGui::Text("%.2f", r.ratio);
      ImGui::TableNextColumn();
      if (!r.c->excluded.empty())
        ImGui::TextColored(ImVec4(1, 0.7f, 0.3f, 1), "excluded");
      else if (r.within)
        ImGui::TextColored(ImVec4(0.45f, 0.85f, 0.45f, 1), "ok");
      else
        ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "out");
    }
    ImGui::EndTable();
  }
  ImGui::End();
}

}  // namespace envelope::ui
