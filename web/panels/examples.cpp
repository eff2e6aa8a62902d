// Examples: one click loads each worked example of the seed; Scenarios: named scenarios saved
// locally (save, rename, delete, open, export) and pinned scenarios compared side by side.
#include <cstring>

#include "../panels.hpp"
#include "../ui.hpp"
#include "envelope/examples.hpp"
#include "envelope/format.hpp"
#include "imgui.h"

namespace envelope::ui {

void draw_examples(App& app) {
  if (!begin_panel("Examples")) {
    ImGui::End();
    return;
  }
  ImGui::TextDisabled("The seed article's worked examples:");
  for (const Example& e : examples()) {
    ImGui::PushID(e.id.c_str());
    if (ImGui::SmallButton("Load")) {
      app.set_message("", {});
      app.set_scenario(e.scenario);
    }
    ImGui::SameLine();
    ImGui::TextUnformatted(e.title.c_str());
    ImGui::SetItemTooltip("%s (seed: %s)", e.id.c_str(), e.section.c_str());
    ImGui::PopID();
  }
  ImGui::End();
}

void draw_scenarios(App& app) {
  if (!begin_panel("Scenarios")) {
    ImGui::End();
    return;
  }
  Scenario& s = app.edit();
  static char name[128] = "";
  static std::string editing;
  static char rename_buf[128] = "";
  ImGui::SetNextItemWidth(em(14));
  if (ImGui::InputTextWithHint("##name", "scenario name", name, sizeof name, ImGuiInputTextFlags_EnterReturnsTrue) ||
      ImGui::IsItemDeactivatedAfterEdit()) {
    if (s.name != name) {
      s.name = name;
      app.changed();
    }
  }
  if (!ImGui::IsItemActive() && s.name != name) std::snprintf(name, sizeof name, "%s", s.name.c_str());
  ImGui::SameLine();
  if (ImGui::Button("Save")) app.save_named(s.name.empty() ? "untitled" : s.name);
  const std::vector<std::string> names = app.saved_names();  // a copy: buttons below may change the list
  for (const std::string& n : names) {
    ImGui::PushID(n.c_str());
    if (editing == n) {
      ImGui::SetNextItemWidth(em(12));
      if (ImGui::InputText("##rename", rename_buf, sizeof rename_buf, ImGuiInputTextFlags_EnterReturnsTrue)) {
        app.rename_named(n, rename_buf);
        editing.clear();
      }
    } else {
      ImGui::TextUnformatted(n.c_str());
    }
    ImGui::SameLine(em(14));
    if (ImGui::SmallButton("Open")) app.open_named(n);
    ImGui::SameLine();
    if (ImGui::SmallButton("Rename")) {
      editing = n;
      std::snprintf(rename_buf, sizeof rename_buf, "%s", n.c_str());
    }
    ImGui::SameLine();
    if (ImGui::SmallButton("Delete")) app.delete_named(n);
    ImGui::SameLine();
    if (ImGui::SmallButton("Link")) app.export_named(n, "link");
    ImGui::SetItemTooltip("Copy a link to this saved scenario");
    ImGui::SameLine();
    if (ImGui::SmallButton("JSON")) app.export_named(n, "json");
    ImGui::SameLine();
    if (ImGui::SmallButton("MD")) app.export_named(n, "markdown");
    ImGui::SetItemTooltip("Markdown report of this saved scenario");
    ImGui::PopID();
  }
  ImGui::SeparatorText("Compare (pin from the top bar)");
  if (app.pinned.empty()) {
    ImGui::TextDisabled("No pinned scenarios.");
  } else if (ImGui::BeginTable("compare", static_cast<int>(app.pinned.size()) + 1,
                               ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollX | ImGuiTableFlags_SizingFixedFit)) {
    ImGui::TableSetupColumn("estimate");
    for (const Pinned& p : app.pinned) ImGui::TableSetupColumn(p.label.c_str());
    ImGui::TableHeadersRow();
    for (const char* path : {"model.params", "memory.inference.total_bytes", "memory.training.total_bytes", "training.cost_usd",
                             "training.wall_seconds", "inference.tokens_per_second", "serving.gpus", "cost.monthly_usd"}) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(path);
      for (const Pinned& p : app.pinned) {
        ImGui::TableNextColumn();
        const Result* r = p.report.find(path);
        ImGui::TextUnformatted(r ? format_value(r->value, r->unit, app.binary_units).c_str() : "-");
      }
    }
    ImGui::EndTable();
    if (ImGui::SmallButton("Clear pins")) app.pinned.clear();
  }
  ImGui::End();
}

}  // namespace envelope::ui
