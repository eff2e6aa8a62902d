// One function per panel (web/panels/*.cpp), each drawing one ImGui window bound to the App.
#pragma once
#include "app.hpp"

namespace envelope::ui {

// The panels in their default order. By default they flow into as many columns as the page is wide;
// those that do not fit start collapsed, stacked at the foot of a column. That default layout is
// computed again whenever the window size or the included panels change, until the user moves,
// resizes, collapses or opens a panel: from then on their arrangement is kept (later runs restore
// the layout ImGui saved, localStorage in the browser), only pulled back on-screen.
struct Panel {
  const char* name;
  float height_em;  // default height; widths are 30 em
  void (*draw)(App&);
  bool reference = false;  // not a scenario section's (Examples, Reference, Scenarios, Validation)
  bool grows = true;       // its content runs past its default height (the layout gives it the room left)
};
const std::vector<Panel>& panels();
// Whether a panel is drawn for this scenario: a panel whose sections the scenario does not include
// (the Include menu) is not. The draw functions and the first-use layout both ask this.
bool panel_included(const std::string& name, const Scenario& s);
// ImGui::Begin for a panel, with its first-use placement. Pair with ImGui::End() as usual.
// Every frame a panel is kept within the window below the top bar (title bar on-screen, never wider
// or taller than the window): after a resize, a layout saved on a larger screen, or a drag.
bool begin_panel(App& app, const char* name);
// Back to the default layout (the Panels menu's "Default layout"): laid out for this window size
// now, and again after each resize until the user arranges the panels again.
void reset_layout(App& app);
// Uncollapse and focus a panel (the Panels menu); on its next frame it is moved and sized to lie
// fully within the window.
void show_panel(App& app, const char* name);

void draw_top_bar(App& app);
// The message of a link or storage problem, drawn after the panels and above them.
void draw_problem(App& app);
void draw_model_hardware(App& app);
// The accelerator picker of the Model & hardware panel (catalog search and list, custom spec), also
// drawn by the Recommender panel when its tables live in GPU memory.
void draw_accelerator_picker(App& app);
void draw_memory(App& app);
void draw_training(App& app);
// The Training panel's budget line: "Within budget (40% of it)" for a priced run that fits its budget,
// else "" (over budget, an unpriced GPU or a cost past the range of numbers: their warnings say so).
std::string training_budget_verdict(const Report& r, double budget_usd);
void draw_inference(App& app);
void draw_traffic(App& app);
void draw_storage(App& app);
void draw_pipeline(App& app);
void draw_cost(App& app);
void draw_reference(App& app);
void draw_examples(App& app);
void draw_scenarios(App& app);
void draw_validation(App& app);
// A category's typical or worst error in the Validation panel: "+-12%", or "none scored" when every
// case of the category is excluded (its error is unmeasured, not 0).
std::string validation_error_cell(int cases, double abs_log_error);
void draw_planner(App& app);
// The planner's serving trade-off chart as drawn in the last frame it was visible (headless UI test),
// and a planner tab ("Training", "Serving") to select on the next frame.
struct TradeoffChartDrawn {
  long frame = -1;
  size_t points = 0, front = 0;
  bool target_line = false;
};
const TradeoffChartDrawn& tradeoff_chart_drawn(App& app);
void select_planner_tab(App& app, const char* name);
void draw_finetune(App& app);  // fine-tuning and energy (panels/finetune.cpp)
void draw_recommender(App& app);  // classical model / recommender (panels/recommender.cpp)

}  // namespace envelope::ui
