// The default placement of the panel windows, laid out again for each window size until the user
// arranges the panels themselves (their arrangement is then restored from ImGui's saved layout), and the top
// bar: share, export, units, theme, and the message shown when a link could not be loaded.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "../panel_state.hpp"
#include "../panels.hpp"
#include "../ui.hpp"
#include "envelope/examples.hpp"
#include "imgui.h"
#include "imgui_internal.h"

namespace envelope::ui {

// In the order the default layout places them: the scenario's own panels, then the reference ones.
const std::vector<Panel>& panels() {
  static const std::vector<Panel> all = {
      {"Model & hardware", 22, draw_model_hardware, false, false}, {"Memory", 30, draw_memory},
      {"Inference", 30, draw_inference},             {"Training", 28, draw_training},
      {"Traffic & serving", 26, draw_traffic},       {"Cost", 14, draw_cost},
      {"Storage", 26, draw_storage},                 {"Pipeline", 24, draw_pipeline},
      {"Planner", 28, draw_planner},                 {"Fine-tuning & energy", 30, draw_finetune},
      {"Recommender", 34, draw_recommender},         {"Examples", 16, draw_examples, true},
      {"Reference", 24, draw_reference, true},       {"Scenarios", 18, draw_scenarios, true, false},
      {"Validation", 24, draw_validation, true},
  };
  return all;
}

bool panel_included(const std::string& name, const Scenario& s) {
  const IncludeSection& inc = s.include;
  // Model and hardware feed training, fine-tuning, inference and GPU serving; a CPU/data-only scenario has none.
  if (name == "Model & hardware") return inc.training || inc.finetune || inc.inference || includes_gpu_serving(s);
  if (name == "Memory") return inc.inference || inc.training;
  if (name == "Inference") return inc.inference;
  if (name == "Training") return inc.training;
  if (name == "Traffic & serving") return inc.serving;
  if (name == "Storage") return inc.storage || inc.feature_store;
  if (name == "Pipeline") return inc.pipeline || inc.network || inc.one_machine;
  if (name == "Fine-tuning & energy") return inc.finetune || inc.energy;
  if (name == "Recommender") return inc.recommender;
  if (name == "Planner") return inc.training || includes_gpu_serving(s) || inc.finetune;  // LLM layouts, fine-tune settings
  return true;
}

namespace {
using Placement = LayoutState::Placement;

// The first-use layout for the current viewport: as many columns as fit panels at least 26 em wide
// (one on a phone), stretched to use the whole width; each panel goes to the column with the most
// room that still fits it; those that fit nowhere start collapsed at the foot of the column with the
// most room, and so do the reference panels once a panel of the scenario's own did not fit (its room
// is not given to them); the last open panel of each column whose content runs long (not Model &
// hardware or Scenarios, where the column has another) reaches down to the foot of the window (or
// gives up height so the title bars below it stay on-screen).
// The panels a scenario shows, one name a line: the default layout is computed for them.
std::string included_panels(const Scenario& s) {
  std::string out;
  for (const Panel& p : panels())
    if (panel_included(p.name, s)) out += std::string(p.name) + "\n";
  return out;
}

void compute_layout(LayoutState& st, const Scenario& s) {
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  st.placements.clear();
  st.computed_for = vp->Size;
  st.computed_panels = included_panels(s);
  const float gap = em(0.4f), top = vp->Pos.y + ImGui::GetFrameHeight() + gap;
  const float bottom = vp->Pos.y + vp->Size.y - gap, bar = ImGui::GetFrameHeight();
  const int columns = std::max(1, static_cast<int>((vp->Size.x - gap) / (em(26) + gap)));
  const float width = std::max(em(10), (vp->Size.x - gap) / columns - gap);
  std::vector<float> y(columns, top);
  std::vector<std::vector<size_t>> in_column(columns);
  std::vector<const Panel*> rest;
  bool own_left_out = false;  // a panel of the scenario's own fits nowhere: the reference ones wait too
  for (const Panel& p : panels()) {
    if (!panel_included(p.name, s)) continue;  // placed when first shown, by the layout of that time
    const float h = std::min(em(p.height_em), bottom - top);
    int best = -1;
    for (int c = 0; c < columns; ++c)
      if (y[c] + h <= bottom && (best < 0 || y[c] < y[best])) best = c;
    if (best < 0 || (p.reference && own_left_out)) {
      rest.push_back(&p);
      own_left_out = own_left_out || !p.reference;
      continue;
    }
    in_column[best].push_back(st.placements.size());
    st.placements.push_back({p.name, {{vp->Pos.x + gap + best * (width + gap), y[best]}, {width, h}, false}});
    y[best] += h + gap;
  }
  for (const Panel* p : rest) {
    const int c = static_cast<int>(std::min_element(y.begin(), y.end()) - y.begin());
    in_column[c].push_back(st.placements.size());
    st.placements.push_back({p->name, {{vp->Pos.x + gap + c * (width + gap), y[c]}, {width, em(p->height_em)}, true}});
    y[c] += bar + gap * 0.5f;
  }
  for (int c = 0; c < columns; ++c) {
    std::vector<size_t>& list = in_column[c];
    if (list.empty()) continue;
    // The last open panel of the column takes the room left (negative: the room missing): the last
    // one whose content runs long (Panel::grows) when the column has one, the scenario's own before a
    // reference panel (Fine-tuning & energy's results, not Validation's table, beside each other).
    size_t last_open = list.size(), last_growing = list.size(), last_own_growing = list.size();
    for (size_t i = 0; i < list.size(); ++i) {
      if (st.placements[list[i]].second.collapsed) continue;
      last_open = i;
      const std::string& name = st.placements[list[i]].first;
      const auto p = std::find_if(panels().begin(), panels().end(), [&](const Panel& q) { return name == q.name; });
      if (p != panels().end() && p->grows) (p->reference ? last_growing : last_own_growing) = i;
    }
    if (last_own_growing < list.size()) last_open = last_own_growing;
    else if (last_growing < list.size()) last_open = last_growing;
    if (last_open == list.size()) continue;
    float extra = bottom - (y[c] - (st.placements[list.back()].second.collapsed ? gap * 0.5f : gap));
    Placement& open = st.placements[list[last_open]].second;
    extra = std::max(extra, em(6) - open.size.y);
    open.size.y += extra;
    for (size_t i = last_open + 1; i < list.size(); ++i) st.placements[list[i]].second.pos.y += extra;
  }
}

constexpr const char* kLayoutKey = "envelope.layout";  // "default" or "arranged" (LayoutState::arranged)
constexpr const char* kImGuiLayoutKey = "envelope.ini";  // ImGui's saved window settings (main.cpp)

// Once a frame, before the first panel: while the panels are where the default layout put them, a
// new window size (a resize, a phone turned) or a new set of included panels lays them out again,
// as a first visit at that size would. Not while a text box or a drag is under way (a phone's soft
// keyboard resizes the window): the next frame after it does.
void update_layout(App& app) {
  LayoutState& st = app.panel_state().layout;
  if (st.checked_frame == ImGui::GetFrameCount()) return;
  st.checked_frame = ImGui::GetFrameCount();
  st.apply = false;
  if (!st.arranged_known) {
    const std::string kept = app.host().storage_get(kLayoutKey);
    // A layout ImGui saved before this key existed may be the user's own arrangement: kept.
    st.arranged = kept == "arranged" || (kept.empty() && !app.host().storage_get(kImGuiLayoutKey).empty());
    st.arranged_known = true;
    if (kept.empty() && !st.arranged) app.host().storage_set(kLayoutKey, "default");
    st.placements.clear();
  }
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const bool stale = vp->Size.x != st.computed_for.x || vp->Size.y != st.computed_for.y ||
                     included_panels(app.scenario()) != st.computed_panels;
  const bool busy = ImGui::GetIO().WantTextInput || ImGui::IsAnyItemActive();
  if (st.placements.empty() || (!st.arranged && stale && !busy)) {
    compute_layout(st, app.scenario());
    st.apply = !st.arranged;
  }
}

// The user's own change of a panel (dragged, resized, collapsed, opened from the Panels menu): the
// panel is no longer where the default layout put it.
void notice_arranged(App& app, const char* name, const Placement& p) {
  LayoutState& st = app.panel_state().layout;
  if (st.arranged || st.apply) return;
  const ImGuiWindow* w = ImGui::FindWindowByName(name);
  if (!w || !w->WasActive) return;
  const auto off = [](ImVec2 a, ImVec2 b) { return std::fabs(a.x - b.x) > 1 || std::fabs(a.y - b.y) > 1; };
  if (!off(w->Pos, p.pos) && !off(w->SizeFull, p.size) && w->Collapsed == p.collapsed) return;
  st.arranged = true;
  app.host().storage_set(kLayoutKey, "arranged");
}

const Placement& placement_of(App& app, const char* name) {
  LayoutState& st = app.panel_state().layout;
  update_layout(app);
  for (const auto& [n, pl] : st.placements)
    if (n == name) return pl;
  // A panel the first layout left out (its section was not included): laid out again without it
  // moving the others (their first use is past).
  LayoutState again;
  Scenario all = app.scenario();
  for (bool* on : {&all.include.training, &all.include.inference, &all.include.serving, &all.include.storage,
                   &all.include.feature_store, &all.include.pipeline, &all.include.network, &all.include.one_machine,
                   &all.include.finetune, &all.include.energy, &all.include.recommender})
    *on = true;
  compute_layout(again, all);
  for (const auto& entry : again.placements)
    if (entry.first == name) {
      st.placements.push_back(entry);
      return st.placements.back().second;
    }
  static const Placement fallback{{0, 0}, {em(30), em(20)}, false};
  return fallback;
}

// Keeps a panel within the window below the top bar: never wider or taller than that area, its title
// bar (and, when open, all of it) on-screen. Applied to the next Begin only when it is outside.
void keep_on_screen(const char* name, bool fully) {
  const ImGuiWindow* w = ImGui::FindWindowByName(name);
  if (!w || !w->WasActive) return;
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const ImVec2 area_min(vp->Pos.x, vp->Pos.y + ImGui::GetFrameHeight());
  const ImVec2 area_max(vp->Pos.x + vp->Size.x, vp->Pos.y + vp->Size.y);
  const ImVec2 avail(std::max(em(8), area_max.x - area_min.x), std::max(em(4), area_max.y - area_min.y));
  ImVec2 size(std::min(w->SizeFull.x, avail.x), std::min(w->SizeFull.y, avail.y));
  const float h = w->Collapsed && !fully ? w->TitleBarHeight() : size.y;
  ImVec2 pos(std::clamp(w->Pos.x, area_min.x, std::max(area_min.x, area_max.x - size.x)),
             std::clamp(w->Pos.y, area_min.y, std::max(area_min.y, area_max.y - h)));
  if (pos.x != w->Pos.x || pos.y != w->Pos.y) ImGui::SetNextWindowPos(pos, ImGuiCond_Always);
  if (size.x != w->SizeFull.x || size.y != w->SizeFull.y) ImGui::SetNextWindowSize(size, ImGuiCond_Always);
}
}  // namespace

bool begin_panel(App& app, const char* name) {
  const Placement& p = placement_of(app, name);
  notice_arranged(app, name, p);
  LayoutState& st = app.panel_state().layout;
  // The default layout, laid out again (see update_layout), moves every panel; otherwise a panel's
  // placement is only its first one (later visits restore where ImGui saved it).
  const ImGuiCond cond = st.apply ? ImGuiCond_Always : ImGuiCond_FirstUseEver;
  ImGui::SetNextWindowPos(p.pos, cond);
  ImGui::SetNextWindowSize(p.size, cond);
  ImGui::SetNextWindowCollapsed(p.collapsed, cond);
  const bool shown = st.show_request == name;
  if (shown) st.show_request.clear();
  if (!st.apply || shown) keep_on_screen(name, shown);
  return ImGui::Begin(name);
}

void reset_layout(App& app) {
  LayoutState& st = app.panel_state().layout;
  st.arranged = false;
  st.arranged_known = true;
  st.placements.clear();  // the next panel drawn lays them all out (update_layout)
  app.host().storage_set(kLayoutKey, "default");
}

void show_panel(App& app, const char* name) {
  ImGui::SetWindowCollapsed(name, false);
  ImGui::SetWindowFocus(name);
  app.panel_state().layout.show_request = name;
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

namespace {
// The top bar's menus after Copy link: in the bar itself, or inside one "Menu" on a narrow window.
void draw_menus(App& app, bool compact) {
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
    const struct {
      const char* label;
      const char* key;
      bool& on;
    } sections[] = {{"Model training", "training", inc.training},
                    {"Model inference (memory, speed)", "inference", inc.inference},
                    {"Serving (traffic, replicas)", "serving", inc.serving},
                    {"Storage (events, egress)", "storage", inc.storage},
                    {"Feature store", "feature_store", inc.feature_store},
                    {"Data pipeline (log + stream workers)", "pipeline", inc.pipeline},
                    {"Network (transfer time, egress)", "network", inc.network},
                    {"One machine? (data size verdict)", "one_machine", inc.one_machine},
                    {"Fine-tuning (full, LoRA, QLoRA)", "finetune", inc.finetune},
                    {"Energy and emissions", "energy", inc.energy},
                    {"Classical model / recommender", "recommender", inc.recommender}};
    for (const auto& sec : sections) {
      changed |= ImGui::MenuItem(sec.label, nullptr, &sec.on);
      record_target(app, std::string("menu/Include/") + sec.key, sec.label, "menu-item");
      app.widgets.back().value = sec.on ? "true" : "false";
    }
    if (changed) app.changed();
    ImGui::EndMenu();
  }
  ImGui::SetItemTooltip("Sections this scenario includes; the others are left out of the report, panels and cost");
  // In "Menu" (a narrow window) the panels are listed at once: one tap opens a panel.
  const bool listed = compact && (ImGui::SeparatorText("Panels"), true);
  if (listed || begin_menu(app, "Panels")) {
    for (const Panel& p : panels()) {
      if (ImGui::MenuItem(p.name)) show_panel(app, p.name);
      record_target(app, std::string("menu/Panels/") + p.name, p.name, "menu-item");
    }
    ImGui::Separator();
    if (ImGui::MenuItem("Default layout", nullptr, false, app.panel_state().layout.arranged)) reset_layout(app);
    record_target(app, "menu/Panels/Default layout", "Default layout", "menu-item");
    ImGui::SetItemTooltip("Lays the panels out for this window again, as on a first visit, and again after every resize "
                          "until you move, resize, collapse or open a panel");
    if (!listed) ImGui::EndMenu();
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
}
}  // namespace

void draw_top_bar(App& app) {
  LayoutState& st = app.panel_state().layout;
  const float width = ImGui::GetMainViewport()->Size.x;
  // One row that fits the window: the subtitle goes first, then the menus fold into one "Menu"
  // (measured when last drawn in full; a phone is 390 px wide).
  const bool full = st.bar_full_width <= width;
  const bool compact = st.bar_full_width - st.bar_subtitle_width > width;
  if (ImGui::BeginMainMenuBar()) {
    ImGui::TextUnformatted("Envelope");
    float subtitle = 0;
    if (full) {
      const float before = ImGui::GetCursorPosX();
      ImGui::TextDisabled("back-of-the-envelope estimates for ML systems");
      ImGui::SameLine();
      subtitle = ImGui::GetCursorPosX() - before;
    }
    if (!compact) ImGui::Separator();
    // On a narrow window a failed copy says only "Not copied"; its tooltip says why.
    const std::string label = app.copy_label();
    const bool refused = label.rfind("Not copied", 0) == 0;
    const std::string copy = (compact && refused ? std::string("Not copied") : label) + "###copylink";
    const float copy_x = ImGui::GetCursorPosX();
    if (ImGui::MenuItem(copy.c_str())) app.copy_link();
    // The bar's measured width counts "Copy link", whatever the label says now.
    const float copy_extra = ImGui::GetItemRectSize().x - ImGui::CalcTextSize("Copy link").x - 2 * ImGui::GetStyle().ItemSpacing.x;
    (void)copy_x;
    record_target(app, "menu/Copy link", label, "menu");
    if (refused)
      ImGui::SetItemTooltip("%s", label.c_str());
    else
      ImGui::SetItemTooltip("Copies a link to this exact scenario: the page's address with #s=... (the fragment is never sent to a server)");
    if (!compact) {
      draw_menus(app, false);
    } else if (begin_menu(app, "Menu")) {
      draw_menus(app, true);
      ImGui::EndMenu();
    }
    if (full && !compact) {
      st.bar_full_width = ImGui::GetCursorPosX() - std::max(0.0f, copy_extra);
      st.bar_subtitle_width = subtitle;
    }
    ImGui::EndMainMenuBar();
  }
}

void draw_problem(App& app) {
  if (app.message.empty()) return;
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x + vp->WorkSize.x / 2, vp->WorkPos.y + em(0.5f)), ImGuiCond_Always, ImVec2(0.5f, 0));
  ImGui::SetNextWindowSizeConstraints(ImVec2(0, 0), ImVec2(vp->WorkSize.x - em(1), vp->WorkSize.y - em(1)));
  const bool link = app.message.rfind("The link", 0) == 0;
  ImGui::Begin(link ? "Link problem###problem" : "Problem###problem", nullptr,
               ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoCollapse);
  // Above every panel, whichever has the focus (a modal dialog stays above it).
  if (!ImGui::GetTopMostPopupModal()) ImGui::BringWindowToDisplayFront(ImGui::GetCurrentWindow());
  ImGui::PushTextWrapPos(std::min(em(36), vp->WorkSize.x - em(3)));
  ImGui::TextColored(ImVec4(1, 0.7f, 0.25f, 1), "%s", app.message.c_str());
  for (const Problem& p : app.problems) ImGui::BulletText("%s: %s", p.path.c_str(), p.message.c_str());
  ImGui::PopTextWrapPos();
  if (ImGui::Button("Dismiss")) app.set_message("", {});
  record_target(app, "button/Problem/Dismiss", "Dismiss", "button");
  ImGui::End();
}

}  // namespace envelope::ui
