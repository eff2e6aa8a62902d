// The Envelope app: one scenario, its report, and the panels that edit and show them. Platform-free
// (see host.hpp); draws with Dear ImGui. The report is recomputed only when the scenario changes.
#pragma once
#include <map>
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
  void save_named(const std::string& name);
  const std::vector<std::string>& saved_names();
  void open_named(const std::string& name);
  void delete_named(const std::string& name);
  void rename_named(const std::string& from, const std::string& to);
  // Exports a saved scenario without opening it: "link" (clipboard), "json" or "markdown" (file).
  void export_named(const std::string& name, const std::string& kind);

 private:
  void recompute();
  Host& host_;
  Scenario scenario_;
  Report report_;
  Ranges ranges_;
  long revision_ = 0;
  std::vector<std::string> saved_names_;
  bool saved_names_valid_ = false;
};

}  // namespace envelope::ui
