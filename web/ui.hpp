// Widgets shared by the panels: result rows that "show their work", scenario inputs with the
// contract's limits, and small charts drawn with ImDrawList. Sizes are in em (font size) units.
#pragma once
#include <optional>
#include <initializer_list>
#include <string>
#include <vector>

#include "app.hpp"
#include "imgui.h"

namespace envelope::ui {

float em(float n = 1.0f);  // n x the current font size, in pixels

// A result row: label, value with its unit; hover shows formula, numbers and source; click copies it.
// A two-column results table (label | value) with explicit stretch weights: with SizingStretchProp
// and no column setup, ImGui 1.90.1 derives the weights from the columns' measured widths, which are
// 0/0 on a frame where nothing was measured yet, and the NaN reaches the window's content size
// (found by clang's float-cast-overflow check in the headless UI tests). End with ImGui::EndTable().
bool begin_result_table(const char* id);
void result_row(App& app, const char* label, const char* path);
// The same for a value with a low / likely / high range from App::ranges().
void range_row(App& app, const char* label, const char* path);
// True when hardware.gpu has no price and none was typed: its costs show "no price" (Result::unpriced).
bool gpu_unpriced(const App& app);
// The model as the panels name it: the scenario's model.name, else its preset's name, with the
// parameter count when one is typed over the preset's ("Llama 2 7B, 540 B params given").
std::string model_label(const Scenario& s);
// "8 x NVIDIA H100 SXM 80GB": the GPU count and the accelerator's name (a custom one's own).
std::string gpus_label(const Scenario& s);
// Warnings whose path starts with one of the prefixes.
void warnings_for(App& app, std::initializer_list<const char*> prefixes);

// Inputs bound to scenario fields. Return true when the value changed (App::changed() is called).
// Number boxes accept what people type ("1,000,000", "50M", "$500K", "40%", "80 GB"; quantity.hpp),
// commit on Enter, Tab and focus loss, and keep refused text in the box with its reason, leaving
// the scenario unchanged (never clamped).
// input_field: the field's limits and unit come from the field table (scenario_fields.hpp); an
// optional field shows `fallback` (default: the report's value at the same path) while "auto".
bool input_field(App& app, const char* label, const char* path, std::optional<double> fallback = {});
// The tooltip of a scenario input: what it is (label and path), its unit, limits and default, from
// the field table. Empty when the path is not a numeric field.
std::string field_tooltip(const std::string& label, const std::string& path);
// Records the last drawn item in App::widgets (window.envelope.widgets()): kind "input", "menu",
// "menu-item" or "button"; menus and buttons use paths like "menu/Panels", "button/Scenarios/Save".
void record_target(App& app, const std::string& path, const std::string& label, const char* kind);
// A combo box just begun (`open`: BeginCombo's result), recorded as a "choice" showing `value`; its
// items are then recorded as "choice-item"s under path/.
void record_combo(App& app, bool open, const std::string& path, const std::string& label, const std::string& value);
// Records the last drawn item, a text box (ImGui::InputText*), in App::text_boxes.
void record_text_box(App& app);
// For values that are not scenario fields (planner options): limits given here.
bool input_number(App& app, const char* label, double& value, double min, double max);
bool input_int(App& app, const char* label, double& value, int min, int max);
bool input_choice(App& app, const char* label, std::string& value, const std::vector<std::string>& choices);
bool input_flag(App& app, const char* label, bool& value);

// The text of a name box: room for kMaxNameCodePoints characters of up to 4 UTF-8 bytes each, so
// any valid name fits whole (a byte limit would cut inside a character: invalid UTF-8).
struct NameBuffer {
  char text[kMaxNameCodePoints * 4 + 1] = "";
  void set(const std::string& name);  // copies at most kMaxNameCodePoints whole characters
};
// A name box: typing or pasting stops at kMaxNameCodePoints characters. Returns true on Enter or
// when the box loses focus after an edit; `buffer.text` is then valid UTF-8 within the limit.
bool input_name(App& app, const char* id, const char* hint, NameBuffer& buffer, float width);

// Charts, every one drawn through ChartArea: a plot rectangle with labelled ticks at nice 1-2-5 steps
// (decades on a log axis), the y axis's quantity and unit above it (never over a tick label), the
// legend beside that (or in rows below it, wrapped to the width, when it does not fit), labelled reference lines (budgets,
// capacities, targets, the scenario's own value) and, while hovered, the value under the cursor as a
// tooltip and as the chart's "value" in window.envelope.widgets() (path "chart/<id>").
struct ChartAxis {
  double lo = 0, hi = 1;     // the domain; a log axis needs lo > 0
  bool log = false;
  std::string label;         // quantity and unit: "tokens/s", "cost (USD)", "context (tokens)"
  std::string unit;          // tick label format: "USD", "B", "s", or "" for plain readable numbers
  bool ticks = true;         // false: no ticks or grid (the y axis of a single bar)
};
// Nice 1-2-5 tick values within [lo, hi], about `target` of them (decades, or 1-2-5 within decades,
// on a log axis). Exposed for the headless tests.
std::vector<double> chart_ticks(double lo, double hi, bool log, int target);
// A tick label as the chart shows it: 2 M, $500 k, 80 GB, 1.5 ms.
std::string chart_number(double v, const std::string& unit, bool binary);
struct LegendEntry {
  std::string name;
  unsigned color;
};
class ChartArea {
 public:
  // Reserves `height_em` of the window's width (an InvisibleButton `id`; taller by the legend's rows
  // after the first) and draws the axes. A linear y axis starting at lo = 0 (and any log axis) is
  // widened to whole ticks.
  ChartArea(App& app, const char* id, const std::string& title, ChartAxis x, ChartAxis y, const std::vector<LegendEntry>& legend,
            float height_em = 11);
  float px(double x) const;
  float py(double y) const;
  bool contains_x(double x) const { return x >= xa_.lo && x <= xa_.hi; }
  bool contains_y(double y) const { return y >= ya_.lo && y <= ya_.hi; }
  // Labelled reference lines: vertical at x, horizontal at y (budget, capacity, target).
  void vline(double x, const std::string& label, unsigned color);
  void hline(double y, const std::string& label, unsigned color);
  // While hovered: the mouse position, and the value under it shown as a tooltip and recorded.
  bool hovered() const { return hovered_; }
  ImVec2 mouse() const;
  void show_value(const std::string& text);
  ImDrawList* draw_list() const;
  ImVec2 min, max;  // the plot rectangle, screen pixels
  const ChartAxis& x_axis() const { return xa_; }
  const ChartAxis& y_axis() const { return ya_; }

 private:
  App& app_;
  ChartAxis xa_, ya_;
  size_t widget_ = 0;
  bool hovered_ = false;
};

struct Series {
  std::string name;
  std::vector<double> y;
  unsigned color;
};
struct ChartLine {
  double at;
  std::string label;
};
struct LineChartOptions {
  std::string x_label;   // "batch", "training tokens"
  std::string y_label;   // the quantity and its unit: "tokens/s", "cost (USD)"
  std::string x_unit, y_unit;  // tick label formats (see ChartAxis::unit)
  bool log_x = false;
  std::vector<ChartLine> x_lines, y_lines;  // labelled vertical / horizontal reference lines
  float height_em = 11;
};
// Line chart over shared x values (one y unit per chart).
void line_chart(App& app, const char* id, const std::vector<double>& x, const std::vector<Series>& series,
                const LineChartOptions& options);
struct Segment {
  std::string name;
  double value;
  unsigned color;
};
// One horizontal stacked bar, scaled so `capacity` (drawn as a line) fits; returns nothing.
// (The Cost panel's breakdown is a ChartArea with a USD axis: panels/cost.cpp.)
void stacked_bar(const char* id, const std::vector<Segment>& segments, double capacity, bool binary_units);

unsigned palette(int i);

}  // namespace envelope::ui
