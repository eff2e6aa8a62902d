// First-run placement of the panel windows (later runs restore the saved ImGui layout), and the top
// bar: share, export, units, theme, and the message shown when a link could not be loaded.
#include <cstring>

#include "../panels.hpp"
#include "../ui.hpp"
#include "imgui.h"

namespace envelope::ui {

void place_window(int column, int row, float height_em, float width_em) {
  (void)row;
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  // WorkPos excludes the menu bar only from the second frame on; place below it from the first.
  const float top = vp->Pos.y + ImGui::GetFrameHeight() + em(0.4f);
  // Columns that fit the page; extra columns wrap onto the first ones, shifted down.
  const float col_w = em(width_em) + em(0.4f);
  const int columns = vp->WorkSize.x > col_w ? static_cast<int>(vp->WorkSize.x / col_w) : 1;
  static float column_y[16];
  static int last_frame = -1;
  if (last_frame != ImGui::GetFrameCount()) {
    for (float& y : column_y) y = top;
    last_frame = ImGui::GetFrameCount();
  }
  const int c = column % columns;
  ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x + em(0.4f) + c * col_w, column_y[c]), ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowSize(ImVec2(em(width_em), em(height_em)), ImGuiCond_FirstUseEver);
  column_y[c] += em(height_em) + em(0.4f);
}

void draw_top_bar(App& app) {
  if (ImGui::BeginMainMenuBar()) {
    ImGui::TextUnformatted("Envelope");
    ImGui::TextDisabled("back-of-the-envelope estimates for ML systems");
    ImGui::Separator();
    if (ImGui::MenuItem("Copy link")) app.host().copy_to_clipboard(encode_link_fragment(app.scenario()));
    ImGui::SetItemTooltip("Copies a link to this exact scenario (#s=... in the URL fragment; never sent to a server)");
    if (ImGui::BeginMenu("Export")) {
      if (ImGui::MenuItem("Scenario JSON")) app.host().save_file("scenario.json", "application/json", scenario_to_json(app.scenario(), false, 2));
      if (ImGui::MenuItem("Report JSON")) app.host().save_file("report.json", "application/json", app.report().to_json(2));
      if (ImGui::MenuItem("Markdown report")) {
        const std::string title = app.scenario().name.empty() ? "Envelope estimate" : app.scenario().name;
        app.host().save_file("report.md", "text/markdown",
                             "# " + title + "\n\nLink: " + encode_link_fragment(app.scenario()) + "\n\n" +
                                 app.report().to_markdown(app.binary_units));
      }
      ImGui::EndMenu();
    }
    if (ImGui::MenuItem("Pin to compare")) {
      const std::string label = app.scenario().name.empty() ? "scenario " + std::to_string(app.pinned.size() + 1) : app.scenario().name;
      app.pinned.push_back({label, app.scenario(), app.report()});
    }
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
    ImGui::Begin("Link problem", nullptr,
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
