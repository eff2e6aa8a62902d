// Examples: one click loads each worked example (the seed's, then published runs); Scenarios: named scenarios saved
// locally (save, rename, delete, open, export) and pinned scenarios compared side by side.
#include <cstring>

#include "../panel_state.hpp"
#include "../panels.hpp"
#include "../ui.hpp"
#include "envelope/examples.hpp"
#include "envelope/format.hpp"
#include "imgui.h"

namespace envelope::ui {

void draw_examples(App& app) {
  if (!begin_panel(app, "Examples")) {
    ImGui::End();
    return;
  }
  ImGui::TextDisabled("Worked examples: the seed article's, then published runs (hover for the source)");
  for (const Example& e : examples()) {
    ImGui::PushID(e.id.c_str());
    if (ImGui::SmallButton("Load")) {
      app.set_message("", {});
      app.set_scenario(e.scenario);  // undoable, and a browser history entry (Back returns)
    }
    record_target(app, "button/Examples/" + e.id, "Load", "button");
    ImGui::SameLine();
    ImGui::TextUnformatted(e.title.c_str());
    const bool seed = e.id.rfind("seed-", 0) == 0;  // the spec article's own; the others name their source
    ImGui::SetItemTooltip("%s (%s%s)", e.id.c_str(), seed ? "seed article: " : "", e.section.c_str());
    ImGui::PopID();
  }
  ImGui::End();
}

void draw_scenarios(App& app) {
  if (!begin_panel(app, "Scenarios")) {
    ImGui::End();
    return;
  }
  Scenario& s = app.edit();
  ScenariosPanelState& st = app.panel_state().scenarios;
  NameBuffer& name = st.name;
  std::string& editing = st.editing;
  NameBuffer& rename_buf = st.rename;
  std::string& pending_overwrite = st.pending_overwrite;
  if (input_name(app, "##name", "scenario name", name, em(14)) && s.name != name.text) {
    s.name = name.text;
    app.changed();
  }
  record_target(app, "name", "Scenario name", "input");
  app.widgets.back().tooltip = "The scenario's name (name), at most 200 characters: the title of exports and the name it is saved under";
  ImGui::SetItemTooltip("%s", app.widgets.back().tooltip.c_str());
  if (!ImGui::IsItemActive() && s.name != name.text) name.set(s.name);
  ImGui::SameLine();
  const bool save = ImGui::Button("Save");
  record_target(app, "button/Scenarios/Save", "Save", "button");
  if (save) {
    const std::string n = s.name.empty() ? "untitled" : s.name;
    const StoreResult r = app.save_named(n, false);
    if (r.exists) {
      pending_overwrite = n;
      ImGui::OpenPopup("Replace saved scenario?");
    } else if (!r.ok) {
      app.add_message(r.error);
    }
  }
  if (ImGui::BeginPopupModal("Replace saved scenario?", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::PushTextWrapPos(em(28));
    ImGui::TextWrapped("A saved scenario named '%s' exists already (it may have been saved from another tab). Replace it "
                       "with this scenario?",
                       pending_overwrite.c_str());
    ImGui::PopTextWrapPos();
    if (ImGui::Button("Replace")) {
      const StoreResult r = app.save_named(pending_overwrite, true);
      if (!r.ok) app.add_message(r.error);
      ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button("Cancel") || ImGui::IsKeyPressed(ImGuiKey_Escape)) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
  }
  const std::vector<std::string> names = app.saved_names();  // a copy: buttons below may change the list
  for (const std::string& n : names) {
    ImGui::PushID(n.c_str());
    if (editing == n) {
      if (input_name(app, "##rename", "new name", rename_buf, em(12))) {
        const StoreResult r = app.rename_named(n, rename_buf.text);
        if (!r.ok) app.add_message(r.error);
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
      rename_buf.set(n);
    }
    ImGui::SameLine();
    if (ImGui::SmallButton("Delete")) {
      const StoreResult r = app.delete_named(n);
      if (!r.ok) app.add_message(r.error);
    }
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
  } else if (ImGui::BeginTable("compare", static_cast<int>(app.pinned.size()) + 2,
                               ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollX | ImGuiTableFlags_SizingFixedFit)) {
    ImGui::TableSetupColumn("estimate");
    ImGui::TableSetupColumn("current");
    for (const Pinned& p : app.pinned) ImGui::TableSetupColumn(p.label.c_str());
    ImGui::TableHeadersRow();
    // Which inputs differ from the current scenario (pinned -> current).
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted("inputs that differ");
    ImGui::TableNextColumn();
    ImGui::TextDisabled("-");
    int unpin = -1;
    for (size_t i = 0; i < app.pinned.size(); ++i) {
      ImGui::TableNextColumn();
      ImGui::PushID(static_cast<int>(i));
      const std::vector<InputDifference> diff = differing_inputs(app.pinned[i].scenario, app.scenario());
      ImGui::Text("%d", static_cast<int>(diff.size()));
      if (!diff.empty() && ImGui::BeginItemTooltip()) {
        ImGui::TextDisabled("pinned -> current");
        for (const InputDifference& d : diff)
          ImGui::BulletText("%s: %s -> %s", d.path.c_str(), d.pinned.c_str(), d.current.c_str());
        ImGui::EndTooltip();
      }
      ImGui::SameLine();
      if (ImGui::SmallButton("unpin")) unpin = static_cast<int>(i);
      ImGui::PopID();
    }
    for (const char* path : {"model.params", "memory.inference.total_bytes", "memory.training.total_bytes", "training.cost_usd",
                             "training.wall_seconds", "inference.tokens_per_second", "serving.gpus", "cost.monthly_usd"}) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(path);
      const Result* now = app.report().find(path);
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(now ? display_value(*now, app.binary_units).c_str() : "-");
      for (const Pinned& p : app.pinned) {
        ImGui::TableNextColumn();
        const Result* r = p.report.find(path);
        ImGui::TextUnformatted(r ? display_value(*r, app.binary_units).c_str() : "-");
        // The change from the pin to the current scenario, absolute and in %: none from or to a cost
        // without a price.
        if (r && now && !r->unpriced && !now->unpriced) {
          const std::string d = delta_text(now->value, r->value, r->unit, app.binary_units);
          ImGui::TextDisabled("now %s", d.c_str());
        }
      }
    }
    ImGui::EndTable();
    if (unpin >= 0) app.unpin(static_cast<size_t>(unpin));
    if (ImGui::SmallButton("Clear pins")) app.clear_pins();
  }
  ImGui::End();
}

}  // namespace envelope::ui
