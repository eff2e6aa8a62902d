// Widgets shared by the panels: result rows that "show their work", scenario inputs with the
// contract's limits, and small charts drawn with ImDrawList. Sizes are in em (font size) units.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "app.hpp"

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
bool input_name(const char* id, const char* hint, NameBuffer& buffer, float width);

struct Series {
  std::string name;
  std::vector<double> y;
  unsigned color;
};
// Line chart over shared x values; log_x for token/size sweeps. Markers: vertical lines at x.
void line_chart(const char* id, const std::vector<double>& x, const std::vector<Series>& series, const char* x_label,
                const char* y_label, bool log_x, const std::vector<double>& markers = {});
struct Segment {
  std::string name;
  double value;
  unsigned color;
};
// One horizontal stacked bar, scaled so `capacity` (drawn as a line) fits; returns nothing.
void stacked_bar(const char* id, const std::vector<Segment>& segments, double capacity, bool binary_units);

unsigned palette(int i);

}  // namespace envelope::ui
