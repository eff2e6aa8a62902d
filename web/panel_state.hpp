// What the panels keep between frames (text boxes being typed in, sweeps cached until the scenario
// changes, the planner's results, the first-use layout), held by the App (App::panel_state()), not
// in function-local statics: two Apps (the headless tests) never share it, and it dies with its App.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "envelope/planner.hpp"
#include "envelope/serving_tradeoff.hpp"
#include "imgui.h"
#include "panels.hpp"
#include "ui.hpp"

namespace envelope::ui {

// Scenarios panel (panels/examples.cpp): the name box, the saved scenario being renamed, and the
// name waiting for "Replace saved scenario?".
struct ScenariosPanelState {
  NameBuffer name;
  std::string editing;
  NameBuffer rename;
  std::string pending_overwrite;
};

// Model & hardware panel: search boxes, the pasted config.json and what importing it said (with
// `reveal_import`: the panel and its import section are brought into view on the next frame, after
// a drop or an opened file), the custom accelerator's name box.
struct ModelHardwarePanelState {
  char model_filter[64] = "";
  char gpu_filter[64] = "";
  char config_text[32768] = "";
  std::string import_message;
  bool reveal_import = false;
  NameBuffer gpu_name;
};

// Inference panel: tokens/s against batch and KV cache against context, for `revision`.
struct InferencePanelState {
  long revision = -1;
  std::vector<double> batches, tps, bw_limit, compute_limit, contexts, kv;
  double crossover = 0;
};

// Training panel: cost against training tokens, for `revision`.
struct TrainingPanelState {
  long revision = -1;
  std::vector<double> tokens, cost;
};

// Planner: the ranked layouts and serving options of `revision`, the best layout against GPU count,
// the trade-off chart as last drawn, and a tab to select on the next frame.
struct PlannerPanelState {
  long revision = -1;
  TrainingPlannerResult training;
  ServingPlannerResult serving;
  FinetunePlannerResult finetune;
  ServingTradeoff tradeoff;
  std::vector<double> counts, days, cost;
  TradeoffChartDrawn drawn;
  std::string select_tab;
};

// Recommender panel: the per-table row list being typed, and the scenario text it was filled from.
struct RecommenderPanelState {
  char table_rows[4001] = "";
  std::string shown;
};

// The first-use placement of the panels (panels/layout.cpp), computed for one viewport size, and
// what the top bar needs to fit in one row (measured when drawn in full).
struct LayoutState {
  struct Placement {
    ImVec2 pos, size;
    bool collapsed = false;
  };
  std::vector<std::pair<std::string, Placement>> placements;
  ImVec2 computed_for{0, 0};      // the window size the placements were computed for
  std::string computed_panels;    // and the panels they place (the included ones, one name a line)
  // The user moved, resized, collapsed or opened a panel (now, or in an earlier visit: storage key
  // "envelope.layout"): their arrangement is kept, only pulled back on-screen. Until then the
  // default layout is computed again for every new window size and set of included panels.
  bool arranged = false;
  bool arranged_known = false;    // read from storage yet
  bool apply = false;             // this frame: every panel is moved and sized to its placement
  int checked_frame = -1;
  float bar_full_width = 0;      // the top bar with the subtitle
  float bar_subtitle_width = 0;  // the subtitle's share of it
  std::string show_request;      // a panel opened from the Panels menu: brought fully on-screen
};

struct PanelState {
  ScenariosPanelState scenarios;
  ModelHardwarePanelState model_hardware;
  InferencePanelState inference;
  TrainingPanelState training;
  PlannerPanelState planner;
  RecommenderPanelState recommender;
  LayoutState layout;
};

}  // namespace envelope::ui
