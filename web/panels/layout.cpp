// First-run placement of the panel windows (later runs restore the saved ImGui layout), and the top
// bar: share, export, units, theme, and the message shown when a link could not be loaded.
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "../panels.hpp"
#include "../ui.hpp"
#include "envelope/examples.hpp"
#include "imgui.h"
#include "imgui_internal.h"

namespace envelope::ui {

const std::vector<Panel>& panels() {
  static const std::vector<Panel> all = {
      {"Model & hardware", 22, draw_model_hardware}, {"Memory", 30, draw_memory},
      {"Inference", 30, draw_inference},             {"Training", 28, draw_training},
      {"Traffic & serving", 26, draw_traffic},       {"Cost", 14, draw_cost},
      {"Storage", 26, draw_storage},                 {"Pipeline", 24, draw_pipeline},
      {"Planner", 28, draw_planner},                 {"Fine-tuning & energy", 30, draw_finetune},
      {"Examples", 16, draw_examples},               {"Reference", 24, draw_reference},
      {"Scenarios", 18, draw_scenarios},             {"Validation", 24, draw_validation},
      {"Recommender", 34, draw_recommender},
  };
  return all;
}

namespace {
struct Placement {
  ImVec2 pos, size;
  bool collapsed = false;
};

// First-use layout for the current viewport, computed once.
const Placement& placement_of(const char* name) {
  static std::vector<std::pair<std::string, Placement>> layout;
  if (layout.empty()) {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    const float gap = em(0.4f), width = em(30), top = vp->Pos.y + ImGui::GetFrameHeight() + gap;
    const float bottom = vp->Pos.y + vp->Size.y;
    const int columns = std::max(1, static_cast<int>((vp->Size.x - gap) / (width + gap)));
    std::vector<float> y(columns, top);
    std::vector<const Panel*> rest;
    for (const Panel& p : panels()) {
      // The column with the most room left that still fits the panel.
      int best = -1;
      for (int c = 0; c < columns; ++c)
        if (y[c] + em(p.height_em) <= bottom && (best < 0 || y[c] < y[best])) best = c;
      if (best < 0) {
        rest.push_back(&p);
        continue;
      }
      layout.push_back({p.name, {{vp->Pos.x + gap + best * (width + gap), y[best]}, {width, em(p.height_em)}, false}});
      y[best] += em(p.height_em) + gap;
    }
    // Collapsed title bars at the foot of the column with the most room.
    int c = static_cast<int>(std::min_element(y.begin(), y.end()) - y.begin());
    for (const Panel* p : rest) {
      layout.push_back({p->name, {{vp->Pos.x + gap + c * (width + gap), y[c]}, {width, em(p->height_em)}, true}});
      y[c] += ImGui::GetFrameHeight() + gap * 0.5f;
    }
  }
  for (const auto& [n, pl] : layout)
    if (n == name) return pl;
  static const Placement fallback{{0, 0}, {em(30), em(20)}, false};
  return fallback;
}
}  // namespace

bool begin_panel(const char* name) {
  const Placement& p = placement_of(name);
  ImGui::SetNextWindowPos(p.pos, ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowSize(p.size, ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowCollapsed(p.collapsed, ImGuiCond_FirstUseEver);
  return ImGui::Begin(name);
}

void show_panel(const char* name) {
  ImGui::SetWindowCollapsed(name, false);
  ImGui::SetWindowFocus(name);
}

namespace {
// BeginMenu, recording the menu's title in App::widgets (window.envelope.widgets()) as "menu/<name>".
bool begin_menu(App& app, const char* name) {
  const bool open = ImGui::BeginMenu(name);
  ImGuiContext& g = *GImGui;
  if (!open) {
    record_target(app, std::string("menu/") + name, name, "menu");
    return false;
  }
  // Open: the last item is now the menu's popup window; its title is the item before it.
  const ImGuiLastItemData popup = g.LastItemData;
  g.LastItemData = g.CurrentWindowStack.back().ParentLastItemDataBackup;
  record_target(app, std::string("menu/") + name, name, "menu");
  app.widgets.back().window = "##MainMenuBar";
  g.LastItemData = popup;
  return true;
}
}  // namespace

void draw_top_bar(App& app) {
  if (ImGui::BeginMainMenuBar()) {
    ImGui::TextUnformatted("Envelope");
    ImGui::TextDisabled("back-of-the-envelope estimates for ML systems");
    ImGui::Separator();
    const std::string copy = app.copy_label() + "###copylink";
    if (ImGui::MenuItem(copy.c_str())) app.copy_link();
    record_target(app, "menu/Copy link", app.copy_label(), "menu");
    ImGui::SetItemTooltip("Copies a link to this exact scenario: the page's address with #s=... (the fragment is never sent to a server)");
    if (begin_menu(app, "Edit")) {
      if (ImGui::MenuItem("Undo", "Ctrl+Z", false, app.can_undo())) app.undo();
      record_target(app, "menu/Edit/Undo", "Undo", "menu-item");
      if (ImGui::MenuItem("Redo", "Ctrl+Shift+Z", false, app.can_redo())) app.redo();
      record_target(app, "menu/Edit/Redo", "Redo", "menu-item");
      ImGui::EndMenu();
    }
    ImGui::SetItemTooltip("Undo / redo scenario edits (Ctrl+Z, Ctrl+Shift+Z or Ctrl+Y; up to %d steps). Back and Forward "
                          "in the browser move between scenarios too.", static_cast<int>(App::kMaxUndo));
    if (begin_menu(app, "Export")) {
      if (ImGui::MenuItem("Scenario JSON")) app.host().save_file("scenario.json", "application/json", scenario_to_json(app.scenario(), false, 2));
      if (ImGui::MenuItem("Report JSON")) app.host().save_file("report.json", "application/json", app.report().to_json(2));
      if (ImGui::MenuItem("Markdown report")) {
        const std::string title = app.scenario().name.empty() ? "Envelope estimate" : app.scenario().name;
        app.host().save_file("report.md", "text/markdown",
                             "# " + title + "\n\nLink: " + app.full_link() + "\n\n" +
                                 app.report().to_markdown(app.binary_units));
      }
      ImGui::EndMenu();
    }
    if (begin_menu(app, "Examples")) {
      for (const Example& e : examples()) {
        if (ImGui::MenuItem(e.title.c_str())) {
          app.set_message("", {});
          app.set_scenario(e.scenario);  // undoable, and a browser history entry (Back returns)
        }
        record_target(app, "menu/Examples/" + e.id, e.title, "menu-item");
        ImGui::SetItemTooltip("seed: %s", e.section.c_str());
      }
      ImGui::EndMenu();
    }
    if (begin_menu(app, "Include")) {
      // What the scenario is about: a section that is off leaves the report, its panels and the cost.
      IncludeSection& inc = app.edit().include;
      bool changed = false;
      changed |= ImGui::MenuItem("Model training", nullptr, &inc.training);
      changed |= ImGui::MenuItem("Model inference (memory, speed)", nullptr, &inc.inference);
      changed |= ImGui::MenuItem("Serving (traffic, replicas)", nullptr, &inc.serving);
      changed |= ImGui::MenuItem("Storage (events, egress)", nullptr, &inc.storage);
      changed |= ImGui::MenuItem("Feature store", nullptr, &inc.feature_store);
      changed |= ImGui::MenuItem("Data pipeline (log + stream workers)", nullptr, &inc.pipeline);
      changed |= ImGui::MenuItem("Network (transfer time, egress)", nullptr, &inc.network);
      changed |= ImGui::MenuItem("One machine? (data size verdict)", nullptr, &inc.one_machine);
      changed |= ImGui::MenuItem("Fine-tuning (full, LoRA, QLoRA)", nullptr, &inc.finetune);
      changed |= ImGui::MenuItem("Energy and emissions", nullptr, &inc.energy);
      changed |= ImGui::MenuItem("Classical model / recommender", nullptr, &inc.recommender);
      if (changed) app.changed();
      ImGui::EndMenu();
    }
    ImGui::SetItemTooltip("Sections this scenario includes; the others are left out of the report, panels and cost");
    if (begin_menu(app, "Panels")) {
      for (const Panel& p : panels()) {
        if (ImGui::MenuItem(p.name)) show_panel(p.name);
        record_target(app, std::string("menu/Panels/") + p.name, p.name, "menu-item");
      }
      ImGui::EndMenu();
    }
    if (ImGui::MenuItem("Pin to compare")) app.pin_current();
    record_target(app, "menu/Pin to compare", "Pin to compare", "menu");
    ImGui::SetItemTooltip("Pins this scenario in the Scenarios panel's Compare table (kept in this browser), to see how later edits change the results");
    ImGui::Separator();
    if (ImGui::MenuItem(app.binary_units ? "Units: GiB (2^30)" : "Units: GB (10^9)")) {
      app.binary_units = !app.binary_units;
      app.apply_theme();
      app.changed();
    }
    ImGui::SetItemTooltip("Switch bytes between GB (1e9, datasheets and prices) and GiB (2^30, what nvidia-smi shows)");
    if (ImGui::MenuItem(app.dark_theme ? "Light theme" : "Dark theme")) {
      app.dark_theme = !app.dark_theme;
      app.apply_theme();
    }
    ImGui::EndMainMenuBar();
  }
  if (!app.message.empty()) {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x + vp->WorkSize.x / 2, vp->WorkPos.y + em(0.5f)), ImGuiCond_Always, ImVec2(0.5f, 0));
    ImGui::SetNextWindowBgAlpha(0.95f);
    ImGui::Begin("Problem", nullptr,
                 ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoCollapse);
    ImGui::PushTextWrapPos(em(36));
    ImGui::TextColored(ImVec4(1, 0.7f, 0.25f, 1), "%s", app.message.c_str());
    for (const Problem& p : app.problems) ImGui::BulletText("%s: %s", p.path.c_str(), p.message.c_str());
    ImGui::PopTextWrapPos();
    if (ImGui::Button("Dismiss")) app.set_message("", {});
    ImGui::End();
  }
}

}  // namespace envelope::ui
