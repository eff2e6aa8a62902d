// Widgets shared by the panels (see ui.hpp).
#include "ui.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdint>
#include <cstring>
#include <map>

#include "envelope/catalog.hpp"
#include "envelope/format.hpp"
#include "envelope/formulas.hpp"
#include "envelope/quantity.hpp"
#include "envelope/scenario_fields.hpp"
#include "envelope/setup.hpp"
#include "imgui.h"
#include "imgui_internal.h"
#include "text_limits.hpp"

namespace envelope::ui {

float em(float n) { return n * ImGui::GetFontSize(); }

unsigned palette(int i) {
  static const unsigned colors[] = {IM_COL32(86, 156, 214, 255), IM_COL32(229, 150, 70, 255), IM_COL32(106, 190, 120, 255),
                                    IM_COL32(200, 100, 180, 255), IM_COL32(220, 200, 90, 255), IM_COL32(140, 140, 230, 255)};
  return colors[i % 6];
}

static void basis_tooltip(const Result& r) {
  ImGui::PushTextWrapPos(em(32));
  ImGui::TextUnformatted(r.path.c_str());
  ImGui::Separator();
  ImGui::TextUnformatted(r.formula.c_str());
  if (!r.substituted.empty()) ImGui::Text("= %s", r.substituted.c_str());
  if (!r.source.empty()) {
    ImGui::Spacing();
    ImGui::TextDisabled("Source: %s", r.source.c_str());
  }
  if (!r.error_band.empty()) ImGui::TextDisabled("Expected error: %s", r.error_band.c_str());
  ImGui::PopTextWrapPos();
}

bool begin_result_table(const char* id) {
  if (!ImGui::BeginTable(id, 2, ImGuiTableFlags_SizingStretchProp)) return false;
  ImGui::TableSetupColumn("name", ImGuiTableColumnFlags_WidthStretch, 1.4f);
  ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch, 1.0f);
  return true;
}

void result_row(App& app, const char* label, const char* path) {
  const Result* r = app.report().find(path);
  ImGui::TableNextRow();
  ImGui::TableNextColumn();
  ImGui::TextUnformatted(label);
  ImGui::TableNextColumn();
  if (!r) {
    ImGui::TextDisabled("-");
    return;
  }
  const std::string text = display_value(*r, app.binary_units);
  ImGui::PushID(path);
  if (ImGui::Selectable(text.c_str(), false, ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowOverlap))
    app.host().copy_to_clipboard(r->path + " = " + text + "\n" + r->basis());
  if (ImGui::BeginItemTooltip()) {
    basis_tooltip(*r);
    ImGui::TextDisabled("(click to copy)");
    ImGui::EndTooltip();
  }
  ImGui::PopID();
}

bool gpu_unpriced(const App& app) { return app.report().unpriced("hardware.price_per_gpu_hour"); }

std::string model_label(const Scenario& s) {
  const Catalog& cat = Catalog::builtin();
  const ModelPreset* preset = cat.find_model(s.model.preset);
  std::string label = !s.model.name.empty() ? s.model.name : preset ? preset->name : s.model.preset;
  // A parameter count typed over the preset's (the seed's round "7e9", PaLM's 540 B on a Llama shape)
  // is what the estimates use: the label says so rather than name the preset alone.
  if (preset && s.model.name.empty() && s.model.params) {
    const double derived = params_total(preset->arch);
    if (std::abs(*s.model.params - derived) > 0.005 * derived)
      label += ", " + format_number(*s.model.params, 3) + " params given";
  }
  return label;
}

std::string gpus_label(const Scenario& s) {
  // The count in full ("2,048 x"), not as "2.05 k": a GPU count is exact.
  const double n = s.hardware.count;
  const bool whole = n >= 1 && n < 1e15 && n == std::floor(n);
  return (whole ? format_grouped(n) : format_number(n)) + " x " + resolved_accelerator(s, Catalog::builtin()).name;
}

void range_row(App& app, const char* label, const char* path) {
  result_row(app, label, path);
  const Range* rg = app.ranges().valid ? app.ranges().find(path) : nullptr;
  const Result* r = app.report().find(path);
  if (!rg || !r) return;  // none computed yet, a typed efficiency, or no price
  ImGui::TableNextRow();
  ImGui::TableNextColumn();
  ImGui::TextDisabled("   range");
  ImGui::TableNextColumn();
  ImGui::TextDisabled("%s .. %s", format_value(rg->low, r->unit, app.binary_units).c_str(),
                      format_value(rg->high, r->unit, app.binary_units).c_str());
  ImGui::SetItemTooltip("%s%s", rg->why, rg->band ? rg->band->c_str() : "");
}

void warnings_for(App& app, std::initializer_list<const char*> prefixes) {
  for (const Warning& w : app.report().warnings) {
    for (const char* p : prefixes) {
      if (w.path.rfind(p, 0) == 0) {
        app.warnings_drawn.push_back(w.path);
        ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(240, 170, 60, 255));
        ImGui::PushTextWrapPos(0);
        ImGui::TextUnformatted(("! " + w.message).c_str());
        ImGui::PopTextWrapPos();
        ImGui::PopStyleColor();
        break;
      }
    }
  }
}

void NameBuffer::set(const std::string& name) {
  const size_t n = std::min(utf8_prefix_bytes(name, kMaxNameCodePoints), sizeof text - 1);
  std::memcpy(text, name.data(), n);
  text[n] = '\0';
}

// Keeps a name box within kMaxNameCodePoints characters: what was just typed or pasted (the text
// before the cursor) beyond the limit is removed, whole characters at a time.
static int limit_name_length(ImGuiInputTextCallbackData* d) {
  if (d->EventFlag != ImGuiInputTextFlags_CallbackEdit) return 0;
  size_t count = utf8_code_points(std::string_view(d->Buf, d->BufTextLen));
  int start = d->CursorPos;
  while (count > kMaxNameCodePoints && start > 0) {
    --start;
    if ((static_cast<unsigned char>(d->Buf[start]) & 0xC0) != 0x80) --count;  // start of a character
  }
  if (start < d->CursorPos) d->DeleteChars(start, d->CursorPos - start);
  if (count > kMaxNameCodePoints) {  // cursor at the start: cut the end instead
    const int keep = static_cast<int>(utf8_prefix_bytes(std::string_view(d->Buf, d->BufTextLen), kMaxNameCodePoints));
    d->DeleteChars(keep, d->BufTextLen - keep);
  }
  return 0;
}

bool input_name(App& app, const char* id, const char* hint, NameBuffer& buffer, float width) {
  ImGui::SetNextItemWidth(width);
  const bool enter = ImGui::InputTextWithHint(id, hint, buffer.text, sizeof buffer.text,
                                              ImGuiInputTextFlags_EnterReturnsTrue | ImGuiInputTextFlags_CallbackEdit,
                                              limit_name_length);
  record_text_box(app);
  return enter || ImGui::IsItemDeactivatedAfterEdit();
}

static void label_left(const char* label, const std::string& tooltip = {}) {
  ImGui::AlignTextToFramePadding();
  const char* hidden = std::strstr(label, "##");  // "##id" suffixes keep IDs unique; not shown
  ImGui::TextUnformatted(label, hidden);
  if (!tooltip.empty()) ImGui::SetItemTooltip("%s", tooltip.c_str());  // the label explains its box too
  ImGui::SameLine(em(11));
  ImGui::SetNextItemWidth(-FLT_MIN);
}

namespace {

// Where a scenario field lives and what it accepts, from the field table (scenario_fields.hpp).
struct FieldRef {
  double* number = nullptr;
  std::optional<double>* optional = nullptr;
  FieldLimits limits{0, 0};
};
// A field's place in a Scenario: its byte offset, the same in every Scenario object.
struct Place {
  ptrdiff_t number = -1, optional = -1;
  FieldLimits limits{0, 0};
};
ptrdiff_t offset_in(const Scenario& s, const void* member) {
  // As integers: the member may belong to another object (a planner option), which pointers to
  // different objects may not be compared for.
  const uintptr_t base = reinterpret_cast<uintptr_t>(&s), at = reinterpret_cast<uintptr_t>(member);
  return at >= base && at < base + sizeof(Scenario) ? static_cast<ptrdiff_t>(at - base) : -1;
}
template <class T>
T* member_at(Scenario& s, ptrdiff_t offset) {
  return reinterpret_cast<T*>(reinterpret_cast<char*>(&s) + offset);
}

// The field table as places, read in one walk (one visitor type: each instantiates the whole table,
// page size): number fields by path, text and flag fields' paths by offset. A walk builds every
// field's path string, and every number box asks on every frame (the first frame's largest UI cost,
// docs/performance.md), so it is walked once.
struct FieldPlaces {
  std::map<std::string, Place> numbers;
  std::map<ptrdiff_t, std::string> paths;
};
struct FieldCollector {
  const Scenario* base;
  FieldPlaces* out;
  void number(const std::string& p, double& x, FieldLimits lim) { out->numbers[p] = {offset_in(*base, &x), -1, lim}; }
  void optional(const std::string& p, std::optional<double>& x, FieldLimits lim) {
    out->numbers[p] = {-1, offset_in(*base, &x), lim};
  }
  void text(const std::string& p, std::string& x, const std::vector<std::string>&, size_t) { out->paths[offset_in(*base, &x)] = p; }
  void flag(const std::string& p, bool& x) { out->paths[offset_in(*base, &x)] = p; }
};
const FieldPlaces& field_places() {
  static const FieldPlaces places = [] {
    FieldPlaces f;
    Scenario s;
    FieldCollector c{&s, &f};
    visit_fields(s, c);
    f.paths.erase(-1);
    return f;
  }();
  return places;
}

FieldRef find_field(Scenario& s, const std::string& path) {
  const FieldPlaces& places = field_places();
  const auto hit = places.numbers.find(path);
  if (hit == places.numbers.end()) return {};
  const Place& p = hit->second;
  FieldRef r;
  r.number = p.number >= 0 ? member_at<double>(s, p.number) : nullptr;
  r.optional = p.optional >= 0 ? member_at<std::optional<double>>(s, p.optional) : nullptr;
  r.limits = p.limits;
  return r;
}

// The limits check of a typed value, worded for the box (the loader's rule: refuse, never clamp).
std::string limits_error(double v, const FieldLimits& lim) {
  if (lim.integer && v != std::floor(v)) return "must be a whole number";
  if (v < lim.min || v > lim.max)
    return "must be between " + format_quantity_input(lim.min, lim.unit) + " and " + format_quantity_input(lim.max, lim.unit);
  return "";
}

// One number box: shows the value in the form it accepts, commits on Enter, Tab and focus loss.
// Text that cannot be read, or is out of range, stays in the box (marked, with the reason below)
// and the value is unchanged. Returns the committed value.
std::optional<double> number_box(App& app, double current, const FieldLimits& lim, const std::string& path = {},
                                 const char* label = "", const std::string& tooltip = {}) {
  const ImGuiID id = ImGui::GetID("##v");  // per window and field: two boxes of one field keep their own text
  const std::string key = std::to_string(id);
  FieldEdit& st = app.field_edits[key];
  const bool active = ImGui::GetActiveID() == id;
  if (!active && st.error.empty())
    std::snprintf(st.text, sizeof st.text, "%s", format_quantity_input(current, lim.unit).c_str());
  const bool refused = !st.error.empty();
  if (refused) {
    ImGui::PushStyleColor(ImGuiCol_Border, IM_COL32(235, 80, 80, 255));
    ImGui::PushStyleVar(ImGuiStyleVar_FrameBorderSize, 1.5f);
  }
  ImGui::InputText("##v", st.text, sizeof st.text, ImGuiInputTextFlags_AutoSelectAll);
  record_text_box(app);
  const bool commit = ImGui::IsItemDeactivatedAfterEdit();
  if (!tooltip.empty()) ImGui::SetItemTooltip("%s", tooltip.c_str());
  if (!path.empty()) {
    record_target(app, path, label, "input");
    app.widgets.back().tooltip = tooltip;
    app.widgets.back().value = st.text;  // what the box shows
  }
  if (refused) {
    ImGui::PopStyleVar();
    ImGui::PopStyleColor();
  }
  if (!refused && !commit && !active) app.field_edits.erase(key);  // nothing to keep
  std::optional<double> out;
  if (commit) {
    FieldEdit& e = app.field_edits[key];
    const ParsedQuantity q = parse_quantity(e.text, lim.unit);
    e.error = q.ok ? limits_error(q.value, lim) : q.error;
    if (e.error.empty()) {
      out = q.value;
      app.field_edits.erase(key);
    }
  }
  auto it = app.field_edits.find(key);
  if (it != app.field_edits.end() && !it->second.error.empty()) {
    ImGui::Dummy(ImVec2(em(11) - ImGui::GetStyle().ItemSpacing.x, 0));
    ImGui::SameLine();
    ImGui::TextColored(ImVec4(1, 0.45f, 0.45f, 1), "%s (not applied)", it->second.error.c_str());
  }
  return out;
}

// The name of a unit in a tooltip.
std::string unit_words(const FieldLimits& lim) {
  const std::string unit = lim.unit;
  if (unit.empty()) return lim.integer ? "a whole number (no unit)" : "a number (no unit)";
  if (unit == "fraction") return "a fraction of 1 (type 40% or 0.4)";
  return unit;
}

}  // namespace

std::string field_tooltip(const std::string& label, const std::string& path) {
  static std::map<std::string, std::string> cache;  // drawn every frame; the text never changes
  const std::string key = path + '\n' + label;
  const auto hit = cache.find(key);
  if (hit != cache.end()) return hit->second;
  static Scenario defaults;  // the default scenario: what a new page starts with
  const FieldRef f = find_field(defaults, path);
  if (!f.number && !f.optional) return "";
  const FieldLimits& lim = f.limits;
  const char* hidden = std::strstr(label.c_str(), "##");
  const std::string shown = hidden ? label.substr(0, static_cast<size_t>(hidden - label.c_str())) : label;
  std::string t = shown + " (" + path + ")\n";
  t += "Unit: " + unit_words(lim) + "\n";
  t += "Allowed: " + format_quantity_input(lim.min, lim.unit) + " to " + format_quantity_input(lim.max, lim.unit) +
       (lim.integer ? ", whole numbers" : "") + "\n";
  if (f.number)
    t += "Default: " + format_quantity_input(*f.number, lim.unit);
  else if (f.optional->has_value())
    t += "Default: " + format_quantity_input(**f.optional, lim.unit);
  else
    t += "Default: auto (the catalog's figure, the preset's or a calibrated value; see the report's basis)";
  const std::string unit = lim.unit;
  const std::string forms = unit.empty() ? "1,000,000, 1e6, 50M or 8k"
                            : unit == "fraction" ? "40% or 0.4"
                            : unit.rfind("USD", 0) == 0 ? "$500K, 2.5M or 1,200"
                                                        : "a number, with or without its unit (" + unit + ")";
  t += "\nType " + forms + "; Enter, Tab or clicking elsewhere applies it.";
  return cache[key] = t;
}

void record_target(App& app, const std::string& path, const std::string& label, const char* kind) {
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  WidgetRect r;
  r.path = path;
  r.label = label;
  r.x = a.x;
  r.y = a.y;
  r.w = b.x - a.x;
  r.h = b.y - a.y;
  r.kind = kind;
  const ImGuiWindow* w = ImGui::GetCurrentWindowRead();
  if (w && w->RootWindow) r.window = w->RootWindow->Name;
  // A popup or menu is hidden on its first frame while it measures itself, then placed: its items'
  // rectangles count from the frame it is shown.
  r.visible = ImGui::IsItemVisible() && !(w && (w->Hidden || (w->RootWindow && w->RootWindow->Hidden)));
  app.widgets.push_back(std::move(r));
}

void record_combo(App& app, bool open, const std::string& path, const std::string& label, const std::string& value) {
  // While open, its popup is the last item: the box's own rectangle is the one from before it.
  ImGuiContext& g = *GImGui;
  const ImGuiLastItemData popup = g.LastItemData;
  if (open) g.LastItemData = g.CurrentWindowStack.back().ParentLastItemDataBackup;
  record_target(app, path, label, "choice");
  if (open) app.widgets.back().window = g.CurrentWindowStack.size() >= 2 ? g.CurrentWindowStack[g.CurrentWindowStack.size() - 2].Window->RootWindow->Name : "";
  app.widgets.back().value = value;
  g.LastItemData = popup;
}

void record_text_box(App& app) {
  const ImGuiWindow* w = ImGui::GetCurrentWindowRead();
  if (!w || !w->RootWindow || w->Hidden || !ImGui::IsItemVisible()) return;
  ImRect r(ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
  r.ClipWith(w->ClipRect);
  if (r.GetWidth() > 0 && r.GetHeight() > 0) app.text_boxes.push_back({r.Min.x, r.Min.y, r.Max.x, r.Max.y, w->RootWindow->Name});
}

bool input_field(App& app, const char* label, const char* path, std::optional<double> fallback) {
  FieldRef f = find_field(app.edit(), path);
  IM_ASSERT((f.number || f.optional) && "input_field: no such numeric field in scenario_fields.hpp");
  if (!f.number && !f.optional) return false;
  const std::string tooltip = field_tooltip(label, path);
  label_left(label, tooltip);
  ImGui::PushID(path);
  bool changed = false;
  if (f.number) {
    const std::optional<double> v = number_box(app, *f.number, f.limits, path, label, tooltip);
    if (v && *v != *f.number) {
      *f.number = *v;
      changed = true;
    }
  } else {
    // An optional field shows the value the report uses while "auto" is on (the default, the
    // catalog's figure or a calibrated efficiency); typing a value turns "auto" off.
    std::optional<double>& value = *f.optional;
    if (!fallback) {
      const Result* r = app.report().find(path);
      fallback = r ? r->value : 0.0;
    }
    bool auto_mode = !value.has_value();
    ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x - em(4));
    // While "auto", the computed value is shown to 4 significant digits (5.208, not 5.208333333333334).
    const double shown = value ? *value : read_decimal(format_g4(*fallback));
    const std::optional<double> v = number_box(app, shown, f.limits, path, label, tooltip);
    if (v && (auto_mode || *v != *value)) {
      value = *v;
      changed = true;
    }
    ImGui::SameLine();
    if (ImGui::Checkbox("auto", &auto_mode)) {
      if (auto_mode)
        value.reset();
      else
        value = *fallback;
      changed = true;
    }
    ImGui::SetItemTooltip("auto: the default (catalog or calibrated efficiency)");
  }
  ImGui::PopID();
  if (changed) app.changed();
  return changed;
}

bool input_number(App& app, const char* label, double& value, double min, double max) {
  label_left(label);
  ImGui::PushID(label);
  const std::optional<double> v = number_box(app, value, FieldLimits{min, max});
  ImGui::PopID();
  if (v && *v != value) {
    value = *v;
    app.changed();
    return true;
  }
  return false;
}

bool input_int(App& app, const char* label, double& value, int min, int max) {
  label_left(label);
  ImGui::PushID(label);
  const std::optional<double> v = number_box(app, value, FieldLimits{double(min), double(max), true});
  ImGui::PopID();
  if (v && *v != value) {
    value = *v;
    app.changed();
    return true;
  }
  return false;
}

namespace {
// The field table path of a text or flag member of the app's scenario ("training.dtype"), found by its
// address; "" for a value that is not a scenario field (planner options).
std::string field_path_of(App& app, const void* member) {
  const FieldPlaces& places = field_places();
  const auto hit = places.paths.find(offset_in(app.edit(), member));
  return hit == places.paths.end() ? std::string() : hit->second;
}
std::string shown_label(const char* label) {
  const char* hidden = std::strstr(label, "##");
  return hidden ? std::string(label, hidden) : std::string(label);
}
}  // namespace

bool input_choice(App& app, const char* label, std::string& value, const std::vector<std::string>& choices) {
  label_left(label);
  bool changed = false;
  ImGui::PushID(label);
  std::string path = field_path_of(app, &value);
  if (path.empty()) path = "choice/" + shown_label(label);
  const bool open = ImGui::BeginCombo("##v", value.c_str());
  record_combo(app, open, path, shown_label(label), value);
  if (open) {
    for (const std::string& c : choices) {
      if (ImGui::Selectable(c.c_str(), c == value) && c != value) {
        value = c;
        changed = true;
      }
      record_target(app, path + "/" + c, c, "choice-item");
    }
    ImGui::EndCombo();
  }
  ImGui::PopID();
  if (changed) app.changed();
  return changed;
}

bool input_flag(App& app, const char* label, bool& value) {
  const bool clicked = ImGui::Checkbox(label, &value);
  std::string path = field_path_of(app, &value);
  if (path.empty()) path = "flag/" + shown_label(label);
  record_target(app, path, shown_label(label), "checkbox");
  app.widgets.back().value = value ? "true" : "false";
  if (clicked) app.changed();
  return clicked;
}

std::vector<double> chart_ticks(double lo, double hi, bool log, int target) {
  std::vector<double> out;
  if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi) || (log && lo <= 0)) return out;
  target = std::max(2, target);
  if (log) {
    const int k0 = static_cast<int>(std::ceil(std::log10(lo) - 1e-9)), k1 = static_cast<int>(std::floor(std::log10(hi) + 1e-9));
    const int decades = k1 - k0 + 1;
    if (decades >= 2) {
      const int every = std::max(1, (decades + target - 1) / target);
      for (int k = k0; k <= k1; k += every) out.push_back(std::pow(10.0, k));
      return out;
    }
    // Less than two decades: 1, 2 and 5 of each decade within the range.
    for (int k = k0 - 1; k <= k1; ++k)
      for (double m : {1.0, 2.0, 5.0}) {
        const double v = m * std::pow(10.0, k);
        if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push_back(v);
      }
    if (out.size() >= 2) return out;
    out.clear();  // a narrow range: linear steps read better
  }
  // The smallest 1-2-5 step that gives at most `target` intervals.
  const double raw = (hi - lo) / target, mag = std::pow(10.0, std::floor(std::log10(raw))), f = raw / mag;
  const double step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
  for (double v = std::ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) out.push_back(std::fabs(v) < step * 1e-9 ? 0 : v);
  return out;
}

std::string chart_number(double v, const std::string& unit, bool binary) {
  if (unit == "USD" || unit == "B" || unit == "s") return format_value(v, unit, binary);
  return format_number(v, 3);
}

namespace {
// A linear axis from 0 ends at a whole tick; a log axis at whole decades.
void widen_to_ticks(ChartAxis& a, int target) {
  if (a.log) {
    if (a.lo <= 0) a.lo = a.hi > 0 ? a.hi / 10 : 1;
    if (a.hi <= a.lo) a.hi = a.lo * 10;
    a.lo = std::pow(10.0, std::floor(std::log10(a.lo) + 1e-9));
    a.hi = std::pow(10.0, std::max(std::log10(a.lo) + 1, std::ceil(std::log10(a.hi) - 1e-9)));
    return;
  }
  if (a.hi <= a.lo) a.hi = a.lo + (a.lo == 0 ? 1 : std::fabs(a.lo));
  if (a.lo != 0) return;
  const std::vector<double> t = chart_ticks(a.lo, a.hi, false, target);
  if (t.size() >= 2) {
    const double step = t[1] - t[0];
    a.hi = std::ceil(a.hi / step - 1e-9) * step;
  }
}
double axis_t(const ChartAxis& a, double v) {
  if (a.log) return (std::log10(std::max(v, 1e-300)) - std::log10(a.lo)) / (std::log10(a.hi) - std::log10(a.lo));
  return (v - a.lo) / (a.hi - a.lo);
}
}  // namespace

ChartArea::ChartArea(App& app, const char* id, const std::string& title, ChartAxis x, ChartAxis y,
                     const std::vector<LegendEntry>& legend, float height_em)
    : app_(app), xa_(std::move(x)), ya_(std::move(y)) {
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  const float line = ImGui::GetTextLineHeight(), row = line + em(0.15f);
  const float width = std::max(em(8), ImGui::GetContentRegionAvail().x);
  // Heading: the y axis's quantity and unit at the left, the legend at the right when it fits there,
  // else in rows of its own below, wrapped to the chart's width (never cut off).
  std::vector<float> entry_w;
  float legend_w = 0;
  for (const LegendEntry& e : legend) {
    entry_w.push_back(em(1.1f) + ImGui::CalcTextSize(e.name.c_str()).x + em(0.8f));
    legend_w += entry_w.back();
  }
  const float ylabel_w = ImGui::CalcTextSize(ya_.label.c_str()).x;
  const bool beside = ylabel_w + em(1) + legend_w <= width;
  const int label_rows = ya_.label.empty() ? 0 : 1;
  std::vector<ImVec2> at;  // each entry's offset from p0
  int rows = 0;            // the legend's rows of its own
  float lx = beside ? width - legend_w : 0;
  for (size_t i = 0; i < legend.size(); ++i) {
    if (!beside && (rows == 0 || (lx > 0 && lx + entry_w[i] - em(0.8f) > width))) lx = 0, ++rows;
    at.emplace_back(lx, beside ? 0 : (label_rows + rows - 1) * row);
    lx += entry_w[i];
  }
  // One heading row (label and legend side by side) or the label's and the legend's rows; taller
  // than two rows, the chart grows by the rows beyond them.
  const int heading_rows = beside ? 1 : label_rows + rows;
  const ImVec2 size(width, em(height_em) + std::max(0, heading_rows - 2) * row);
  ImGui::InvisibleButton(id, size);
  hovered_ = ImGui::IsItemHovered();
  record_target(app, std::string("chart/") + id, title, "chart");
  widget_ = app.widgets.size() - 1;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const unsigned text = ImGui::GetColorU32(ImGuiCol_Text), dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  const unsigned grid = ImGui::GetColorU32(ImGuiCol_Separator, 0.35f);
  dl->AddText(p0, dim, ya_.label.c_str());
  for (size_t i = 0; i < legend.size(); ++i) {
    const ImVec2 e(p0.x + at[i].x, p0.y + at[i].y);
    dl->AddRectFilled(ImVec2(e.x, e.y + line * 0.3f), ImVec2(e.x + em(0.7f), e.y + line * 0.3f + em(0.5f)), legend[i].color);
    dl->AddText(ImVec2(e.x + em(1.1f), e.y), text, legend[i].name.c_str());
  }
  const float top = p0.y + heading_rows * row + em(0.4f);
  const float bottom = p0.y + size.y - 2 * line - em(0.3f);
  const int y_target = std::max(2, static_cast<int>((bottom - top) / em(2.2f)));
  if (ya_.ticks) widen_to_ticks(ya_, y_target);
  if (ya_.hi <= ya_.lo) ya_.hi = ya_.lo + 1;
  if (xa_.log && xa_.lo <= 0) widen_to_ticks(xa_, 5);
  if (xa_.hi <= xa_.lo) xa_.hi = xa_.lo + 1;
  const std::vector<double> yt = ya_.ticks ? chart_ticks(ya_.lo, ya_.hi, ya_.log, y_target) : std::vector<double>{};
  std::vector<std::string> ylabels;
  float tick_w = 0;
  for (double v : yt) {
    ylabels.push_back(chart_number(v, ya_.unit, app.binary_units));
    tick_w = std::max(tick_w, ImGui::CalcTextSize(ylabels.back().c_str()).x);
  }
  min = ImVec2(p0.x + tick_w + em(0.5f), top);
  max = ImVec2(p0.x + size.x - em(1.2f), bottom);
  if (max.x < min.x + em(4)) max.x = min.x + em(4);
  dl->AddRect(min, max, dim);
  for (size_t i = 0; i < yt.size(); ++i) {
    const float yy = py(yt[i]);
    if (yy > min.y + 1 && yy < max.y - 1) dl->AddLine(ImVec2(min.x, yy), ImVec2(max.x, yy), grid);
    const ImVec2 ts = ImGui::CalcTextSize(ylabels[i].c_str());
    dl->AddText(ImVec2(min.x - em(0.3f) - ts.x, std::clamp(yy - ts.y / 2, min.y - ts.y / 2, max.y - ts.y / 2)), dim, ylabels[i].c_str());
  }
  const int x_target = std::max(2, static_cast<int>((max.x - min.x) / em(5)));
  float last_right = -1e9f;
  for (double v : chart_ticks(xa_.lo, xa_.hi, xa_.log, x_target)) {
    const float xx = px(v);
    if (xx > min.x + 1 && xx < max.x - 1) dl->AddLine(ImVec2(xx, min.y), ImVec2(xx, max.y), grid);
    const std::string l = chart_number(v, xa_.unit, app.binary_units);
    const float w = ImGui::CalcTextSize(l.c_str()).x;
    const float lx0 = std::clamp(xx - w / 2, p0.x, p0.x + size.x - w);
    if (lx0 < last_right + em(0.6f)) continue;  // no overlapping tick labels
    dl->AddText(ImVec2(lx0, max.y + em(0.15f)), dim, l.c_str());
    last_right = lx0 + w;
  }
  const float xlw = ImGui::CalcTextSize(xa_.label.c_str()).x;
  dl->AddText(ImVec2((min.x + max.x - xlw) / 2, max.y + em(0.15f) + line), dim, xa_.label.c_str());
}

float ChartArea::px(double x) const { return min.x + static_cast<float>(std::clamp(axis_t(xa_, x), -0.05, 1.05)) * (max.x - min.x); }
float ChartArea::py(double y) const { return max.y - static_cast<float>(std::clamp(axis_t(ya_, y), -0.05, 1.05)) * (max.y - min.y); }
ImVec2 ChartArea::mouse() const { return ImGui::GetIO().MousePos; }
ImDrawList* ChartArea::draw_list() const { return ImGui::GetWindowDrawList(); }

void ChartArea::vline(double x, const std::string& label, unsigned color) {
  if (!contains_x(x)) return;
  ImDrawList* dl = draw_list();
  const float xx = px(x);
  dl->AddLine(ImVec2(xx, min.y), ImVec2(xx, max.y), color, 1.5f);
  if (label.empty()) return;
  const ImVec2 ts = ImGui::CalcTextSize(label.c_str());
  const float lx = xx + em(0.25f) + ts.x <= max.x ? xx + em(0.25f) : xx - em(0.25f) - ts.x;
  dl->AddRectFilled(ImVec2(lx - 2, min.y + 2), ImVec2(lx + ts.x + 2, min.y + 2 + ts.y), ImGui::GetColorU32(ImGuiCol_WindowBg, 0.85f));
  dl->AddText(ImVec2(lx, min.y + 2), color, label.c_str());
}

void ChartArea::hline(double y, const std::string& label, unsigned color) {
  if (!contains_y(y)) return;
  ImDrawList* dl = draw_list();
  const float yy = py(y);
  dl->AddLine(ImVec2(min.x, yy), ImVec2(max.x, yy), color, 1.5f);
  if (label.empty()) return;
  const ImVec2 ts = ImGui::CalcTextSize(label.c_str());
  const float ty = yy - ts.y - 1 >= min.y ? yy - ts.y - 1 : yy + 1;
  dl->AddRectFilled(ImVec2(min.x + em(0.3f) - 2, ty), ImVec2(min.x + em(0.3f) + ts.x + 2, ty + ts.y), ImGui::GetColorU32(ImGuiCol_WindowBg, 0.85f));
  dl->AddText(ImVec2(min.x + em(0.3f), ty), color, label.c_str());
}

void ChartArea::show_value(const std::string& text) {
  if (text.empty()) return;
  if (widget_ < app_.widgets.size()) app_.widgets[widget_].value = text;
  ImGui::BeginTooltip();
  ImGui::TextUnformatted(text.c_str());
  ImGui::EndTooltip();
}

void line_chart(App& app, const char* id, const std::vector<double>& x, const std::vector<Series>& series,
                const LineChartOptions& o) {
  ChartAxis xa{x.empty() ? 1.0 : x.front(), x.empty() ? 10.0 : x.back(), o.log_x, o.x_label, o.x_unit};
  ChartAxis ya{0, 0, false, o.y_label, o.y_unit};
  for (const Series& s : series)
    for (double v : s.y)
      if (std::isfinite(v)) ya.hi = std::max(ya.hi, v);
  for (const ChartLine& l : o.y_lines)
    if (std::isfinite(l.at) && l.at > 0) ya.hi = std::max(ya.hi, l.at * 1.05);
  if (ya.hi <= 0) ya.hi = 1;
  std::vector<LegendEntry> legend;
  if (series.size() > 1)
    for (const Series& s : series) legend.push_back({s.name, s.color});
  ChartArea c(app, id, o.y_label + " against " + o.x_label, xa, ya, legend, o.height_em);
  if (x.size() < 2 || series.empty()) return;
  ImDrawList* dl = c.draw_list();
  dl->PushClipRect(c.min, c.max, true);
  for (const ChartLine& l : o.x_lines) c.vline(l.at, l.label, IM_COL32(240, 170, 60, 230));
  for (const ChartLine& l : o.y_lines) c.hline(l.at, l.label, IM_COL32(235, 90, 90, 230));
  for (const Series& s : series) {
    std::vector<ImVec2> pts;
    for (size_t i = 0; i < x.size() && i < s.y.size(); ++i) pts.emplace_back(c.px(x[i]), c.py(s.y[i]));
    dl->AddPolyline(pts.data(), static_cast<int>(pts.size()), s.color, 0, 2.0f);
  }
  dl->PopClipRect();
  if (!c.hovered()) return;
  const float mx = c.mouse().x;
  size_t best = 0;
  for (size_t i = 1; i < x.size(); ++i)
    if (std::fabs(c.px(x[i]) - mx) < std::fabs(c.px(x[best]) - mx)) best = i;
  const float bx = c.px(x[best]);
  dl->AddLine(ImVec2(bx, c.min.y), ImVec2(bx, c.max.y), ImGui::GetColorU32(ImGuiCol_Text, 0.5f));
  std::string text = o.x_label + " " + chart_number(x[best], o.x_unit, app.binary_units);
  for (const Series& s : series) {
    if (best >= s.y.size()) continue;
    dl->AddCircleFilled(ImVec2(bx, c.py(s.y[best])), em(0.25f), s.color);
    text += "\n" + s.name + ": " + chart_number(s.y[best], o.y_unit, app.binary_units);
  }
  c.show_value(text);
}

void stacked_bar(const char* id, const std::vector<Segment>& segments, double capacity, bool binary_units) {
  double total = 0;
  for (const Segment& s : segments) total += std::max(0.0, s.value);
  const double scale_max = std::max(total, capacity) * 1.05;
  const ImVec2 size(ImGui::GetContentRegionAvail().x, em(1.6f));
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton(id, size);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  float x = p0.x;
  int hovered = -1;
  for (size_t i = 0; i < segments.size(); ++i) {
    const float w = scale_max > 0 ? static_cast<float>(std::max(0.0, segments[i].value) / scale_max) * size.x : 0;
    dl->AddRectFilled(ImVec2(x, p0.y), ImVec2(x + w, p0.y + size.y), segments[i].color);
    if (ImGui::IsItemHovered() && ImGui::GetIO().MousePos.x >= x && ImGui::GetIO().MousePos.x < x + w) hovered = static_cast<int>(i);
    x += w;
  }
  if (capacity > 0) {
    const float cx = p0.x + static_cast<float>(capacity / scale_max) * size.x;
    dl->AddLine(ImVec2(cx, p0.y - em(0.2f)), ImVec2(cx, p0.y + size.y + em(0.2f)), IM_COL32(255, 80, 80, 255), 2.0f);
  }
  // Legend, wrapped to the panel's width (never clipped).
  const float right = ImGui::GetCursorScreenPos().x + ImGui::GetContentRegionAvail().x;
  for (size_t i = 0; i < segments.size(); ++i) {
    const std::string text = segments[i].name + " " + format_bytes(segments[i].value, binary_units);
    if (i) {
      ImGui::SameLine();
      if (ImGui::GetCursorScreenPos().x + em(1) + ImGui::CalcTextSize(text.c_str()).x > right) ImGui::NewLine();
    }
    ImGui::ColorButton(segments[i].name.c_str(), ImGui::ColorConvertU32ToFloat4(segments[i].color),
                       ImGuiColorEditFlags_NoTooltip | ImGuiColorEditFlags_NoDragDrop, ImVec2(em(0.7f), em(0.7f)));
    ImGui::SameLine(0, em(0.25f));
    ImGui::TextUnformatted(text.c_str());
  }
  if (capacity > 0) {
    const std::string cap = "| capacity " + format_bytes(capacity, binary_units);
    ImGui::SameLine();
    if (ImGui::GetCursorScreenPos().x + ImGui::CalcTextSize(cap.c_str()).x > right) ImGui::NewLine();
    ImGui::TextColored(ImVec4(1, 0.35f, 0.35f, 1), "%s", cap.c_str());
  }
  if (hovered >= 0)
    ImGui::SetTooltip("%s: %s", segments[hovered].name.c_str(), format_bytes(segments[hovered].value, binary_units).c_str());
}

}  // namespace envelope::ui
