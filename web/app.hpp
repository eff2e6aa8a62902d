// The Envelope app: one scenario, its report, and the panels that edit and show them. Platform-free
// (see host.hpp); draws with Dear ImGui. The report is recomputed only when the scenario changes.
#pragma once
#include <deque>
#include <map>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "envelope/import.hpp"
#include "envelope/link.hpp"
#include "envelope/report.hpp"
#include "envelope/scenario.hpp"
#include "host.hpp"

namespace envelope::ui {

struct PanelState;  // panel_state.hpp

struct Pinned {
  std::string label;
  Scenario scenario;
  Report report;
};

// A number box's text while it is edited or holds text that could not be read (ui.cpp).
struct FieldEdit {
  char text[64] = "";
  std::string error;  // why the text was refused; the scenario keeps its value
};

// An input (or a menu / button target) drawn in the last frame, in window pixels (for tests and
// window.envelope.widgets()). Inputs have their scenario field path ("traffic.users") and a tooltip;
// menus and buttons a path of the form "menu/Panels", "menu/Panels/Scenarios", "button/Scenarios/Save".
struct WidgetRect {
  std::string path, label;
  float x = 0, y = 0, w = 0, h = 0;
  std::string kind = "input";  // "input", "menu", "menu-item" or "button"
  std::string window;          // the panel (top-level window) it is drawn in
  bool visible = true;         // not clipped away by its window's scrolling
  std::string tooltip;         // what the input is: meaning, unit, limits, default
  std::string value;           // inputs: the text shown; choices and flags: the value shown; charts: the value under the cursor
};

// A text box drawn in the last frame, in window pixels (clipped to its window), and the top-level
// window it is in. A tap on a touch screen that lands on one focuses the page's soft-keyboard
// textarea inside the touch event: iOS opens the keyboard only there (platform_web.cpp).
struct TextBoxRect {
  float x0, y0, x1, y1;
  std::string window;
};

// One row of the Compare table: a result of the current scenario against a pinned one.
// Delta text of current - pinned: "+1.2 GB (+15.0%)", "0 (0%)", "-$3 k (-20.0%)"; "-" when missing.
std::string delta_text(double current, double pinned, const std::string& unit, bool binary);
// The scenario inputs (JSON paths, with both values) whose values differ between two scenarios.
struct InputDifference {
  std::string path, pinned, current;
};
std::vector<InputDifference> differing_inputs(const Scenario& pinned, const Scenario& current);

// What a change to the named scenarios did (window.envelope.save / remove and the Scenarios panel).
struct StoreResult {
  bool ok = false;
  bool exists = false;  // save: a scenario of that name is saved already (nothing written; ask first)
  std::string error;    // why nothing was written, for the user
};

// Low / high around an estimate: how far from it the measured runs of its kind fell (training time
// and cost, from the step model), or the estimate again at the ends of its assumed efficiency (decode).
struct Range {
  const char* path = "";  // a report path (string literal); the value's unit is the report's
  double low = 0, high = 0;
  const char* why = "";   // the range's basis, for its tooltip (+ the band's text when from one)
  const std::string* band = nullptr;  // the error band it spans (CategorySummary::band_text), if any
};
struct Ranges {
  std::vector<Range> list;  // the few paths the panels show a range for
  bool valid = false;       // computed (after the first frame)
  const Range* find(std::string_view path) const {
    for (const Range& r : list)
      if (path == r.path) return &r;
    return nullptr;
  }
};

class App {
 public:
  explicit App(Host& host);
  ~App();

  // Start-up: the URL fragment wins, then the autosaved scenario, then defaults. A broken link
  // shows its reason and keeps the last good scenario. Without a link, start() computes only the
  // report the first frame shows; finish_start(), called once the first frame is drawn (main.cpp),
  // adds the ranges, the text mirror and link, the saved names and pins, and tells the host the app
  // has started (the page's window.envelope.ready).
  void start();
  void finish_start();
  void frame();  // draws every window; call between ImGui::NewFrame() and ImGui::Render()

  const Scenario& scenario() const { return scenario_; }
  const Report& report() const { return report_; }
  const Ranges& ranges() const { return ranges_; }
  // Replaces the scenario (examples, JS setScenario, pasted links). Records problems for display.
  void set_scenario(const Scenario& s);
  // Loads a link or JSON text; returns the result (fatal: nothing changed, message shown).
  LoadResult load_text(const std::string& text, const std::string& origin);
  // Imports a Hugging Face config.json: the Model & hardware panel's Import and Open file, a file
  // dropped on the page, window.envelope.importConfig. The model section becomes the config's
  // architecture (core's import_hf_config), as one undoable edit; the panel then shows "imported
  // <name> (<model_type>)" and the assumptions. Text over kMaxConfigJsonBytes, nested too deep, not
  // a supported config (the error names the key) or with values a link could not carry (the field
  // named) changes nothing and says why. `source` names the text in messages ("the pasted config",
  // a file's name).
  ImportResult import_config(const std::string& text, const std::string& source);
  // Something offered for import that is no config text (not a file, too large to read, unreadable):
  // the same message as a failed import, the scenario unchanged.
  void import_refused(const std::string& source, const std::string& reason);
  // Call after editing scenario fields through edit().
  Scenario& edit() { return scenario_; }
  void changed();
  void set_message(const std::string& text, std::vector<Problem> field_problems);
  // Adds a note (storage trouble) before the message shown, keeping a link's problems in view.
  void add_message(const std::string& text);

  // Undo / redo over committed edits (Enter, Tab, focus loss, menus, examples, loaded links), at
  // most kMaxUndo steps back. Each commit also adds a browser history entry (Back / Forward); a
  // state restored from the browser history replaces its entry.
  static constexpr size_t kMaxUndo = 100;
  bool can_undo() const { return !undo_.empty(); }
  bool can_redo() const { return !redo_.empty(); }
  bool undo();
  bool redo();
  size_t undo_depth() const { return undo_.size(); }

  // "Copy link": the full URL (page address + #s=...) to the clipboard; the menu item then says
  // "Copied" (or why not) for about 2 s. copy_done is called by the host when the copy finished.
  void copy_link();
  void copy_done(bool ok, const std::string& reason);
  std::string copy_label() const;  // what the Copy link menu item shows now
  // The page address and this scenario's fragment: a link anyone can open.
  std::string full_link() const;

  // Compare pins, kept in this browser (storage key "envelope.pins"), read with the same rules as
  // the saved scenarios: an unreadable store is copied aside before anything replaces it.
  void pin_current();
  void unpin(size_t index);
  void clear_pins();

  // window.envelope.windows() and widgets(): the last drawn frame's panels and inputs as JSON.
  std::string windows_json() const;
  std::string widgets_json() const;

  // Incremented on every change of the scenario or display units: charts recompute only then.
  long revision() const { return revision_; }

  bool binary_units = false;  // GiB instead of GB
  bool dark_theme = true;
  std::vector<Pinned> pinned;
  std::string message;               // banner: what went wrong loading a link
  std::vector<Problem> problems;     // field problems of the last load
  int focus_panel = -1;
  // Number boxes being edited or holding refused text, by field path (or label).
  std::map<std::string, FieldEdit> field_edits;
  // Every scenario input drawn in the last frame, with its field path.
  std::vector<WidgetRect> widgets;
  // Every text box drawn in the last frame (number boxes, names, search filters, the config box).
  std::vector<TextBoxRect> text_boxes;
  // The report warnings the last frame drew (warnings_for), by path: each warning has a panel.
  std::vector<std::string> warnings_drawn;
  // Whether the last frame drew a text box at (x, y), in the front-most window there.
  bool text_box_at(float x, float y) const;

  // What the panels keep between frames (panel_state.hpp).
  PanelState& panel_state() { return *panel_state_; }

  Host& host() { return host_; }
  std::string value(const std::string& path) const;  // formatted with units
  void apply_theme(bool store = true);  // store: keep the choice in the host's storage

  // Named scenarios saved in this browser (storage key "envelope.saved": a JSON object, name ->
  // minimal scenario JSON). Every change reads the store afresh just before writing it, so that
  // saves from another tab are never dropped; saving under a name that exists needs `overwrite`.
  // A store that cannot be read is copied unchanged to another key before anything is written.
  StoreResult save_named(const std::string& name, bool overwrite);
  const std::vector<std::string>& saved_names();
  LoadResult open_named(const std::string& name);
  StoreResult delete_named(const std::string& name);
  StoreResult rename_named(const std::string& from, const std::string& to);
  // Exports a saved scenario without opening it: "link" (clipboard), "json" or "markdown" (file).
  void export_named(const std::string& name, const std::string& kind);
  // Storage was changed by another tab: read the saved names again.
  void storage_changed() { saved_names_valid_ = false; }

 private:
  void recompute();
  void derive();  // what follows from the report: ranges, pinned reports, text mirror and link
  // Autosave and, unless keep_fragment, put the scenario's link in the address bar: a new browser
  // history entry when `push` (a committed change), else the current entry is replaced.
  void save_and_link(bool keep_fragment, bool push = false);
  // Records the scenario as committed; true when it differs from the last committed one (the
  // previous one then goes on the undo stack and the redo stack is cleared).
  bool record_history();
  void restore(const Scenario& s);  // undo / redo
  // A store of this page (saved scenarios, pins) as a JSON object; false (and `error` set) when it
  // cannot be read and could not be kept aside, in which case nothing may be written.
  bool read_store(nlohmann::json& store, std::string& error) { return read_store_at(kSavedStoreKey, "saved scenarios", store, error); }
  bool read_store_at(const char* key, const char* what, nlohmann::json& store, std::string& error);
  void load_pins();
  void save_pins();
  static constexpr const char* kSavedStoreKey = "envelope.saved";
  std::deque<Scenario> undo_, redo_;
  Scenario committed_;
  std::string committed_json_;
  bool started_ = false;
  bool start_pending_ = false;  // finish_start() has not run
  bool link_pending_ = false;   // start() left the ranges, mirror and link to finish_start()
  std::string copy_label_;
  double copy_label_until_ = 0;
  bool autosave_ok_ = true;
  Host& host_;
  std::unique_ptr<PanelState> panel_state_;
  Scenario scenario_;
  Report report_;
  Ranges ranges_;
  long revision_ = 0;
  std::vector<std::string> saved_names_;
  bool saved_names_valid_ = false;
  std::string import_error_;  // the message of the last failed import, cleared by the next success
};

}  // namespace envelope::ui
