// The Envelope app: one scenario, its report, and the panels that edit and show them. Platform-free
// (see host.hpp); draws with Dear ImGui. The report is recomputed only when the scenario changes.
#pragma once
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "envelope/link.hpp"
#include "envelope/report.hpp"
#include "envelope/scenario.hpp"
#include "host.hpp"

namespace envelope::ui {

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

// A number box drawn in the last frame, in window pixels (for tests and window.envelope.widgets()).
struct WidgetRect {
  std::string path, label;
  float x, y, w, h;
};

// What a change to the named scenarios did (window.envelope.save / remove and the Scenarios panel).
struct StoreResult {
  bool ok = false;
  bool exists = false;  // save: a scenario of that name is saved already (nothing written; ask first)
  std::string error;    // why nothing was written, for the user
};

struct Ranges {  // low / likely / high where an efficiency assumption dominates
  Report low, high;
  bool valid = false;
};

class App {
 public:
  explicit App(Host& host);

  // Start-up: the URL fragment wins, then the autosaved scenario, then defaults. A broken link
  // shows its reason and keeps the last good scenario.
  void start();
  void frame();  // draws every window; call between ImGui::NewFrame() and ImGui::Render()

  const Scenario& scenario() const { return scenario_; }
  const Report& report() const { return report_; }
  const Ranges& ranges() const { return ranges_; }
  // Replaces the scenario (examples, JS setScenario, pasted links). Records problems for display.
  void set_scenario(const Scenario& s);
  // Loads a link or JSON text; returns the result (fatal: nothing changed, message shown).
  LoadResult load_text(const std::string& text, const std::string& origin);
  // Call after editing scenario fields through edit().
  Scenario& edit() { return scenario_; }
  void changed();
  void set_message(const std::string& text, std::vector<Problem> field_problems);
  // Adds a note (storage trouble) before the message shown, keeping a link's problems in view.
  void add_message(const std::string& text);

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

  Host& host() { return host_; }
  std::string value(const std::string& path) const;  // formatted with units
  void apply_theme();

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
  // Autosave and, unless keep_fragment, put the scenario's link in the address bar.
  void save_and_link(bool keep_fragment);
  // The saved-scenarios store as a JSON object; false (and `error` set) when it cannot be read and
  // could not be kept aside, in which case nothing may be written.
  bool read_store(nlohmann::json& store, std::string& error);
  bool autosave_ok_ = true;
  Host& host_;
  Scenario scenario_;
  Report report_;
  Ranges ranges_;
  long revision_ = 0;
  std::vector<std::string> saved_names_;
  bool saved_names_valid_ = false;
};

}  // namespace envelope::ui
