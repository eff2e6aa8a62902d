// Widgets shared by the panels (see ui.hpp).
#include "ui.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>

#include "envelope/format.hpp"
#include "envelope/quantity.hpp"
#include "envelope/scenario_fields.hpp"
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
  const std::string text = format_value(r->value, r->unit, app.binary_units);
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

void range_row(App& app, const char* label, const char* path) {
  result_row(app, label, path);
  const Ranges& rg = app.ranges();
  if (!rg.valid) return;
  const Result* lo = rg.low.find(path);
  const Result* hi = rg.high.find(path);
  if (!lo || !hi) return;
  ImGui::TableNextRow();
  ImGui::TableNextColumn();
  ImGui::TextDisabled("   range");
  ImGui::TableNextColumn();
  const double a = std::min(lo->value, hi->value), b = std::max(lo->value, hi->value);
  ImGui::TextDisabled("%s .. %s", format_value(a, lo->unit, app.binary_units).c_str(),
                      format_value(b, hi->unit, app.binary_units).c_str());
  ImGui::SetItemTooltip("Low / high efficiency from published runs (MFU 0.30-0.50, decode bandwidth 0.50-0.85)");
}

void warnings_for(App& app, std::initializer_list<const char*> prefixes) {
  for (const Warning& w : app.report().warnings) {
    for (const char* p : prefixes) {
      if (w.path.rfind(p, 0) == 0) {
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

bool input_name(const char* id, const char* hint, NameBuffer& buffer, float width) {
  ImGui::SetNextItemWidth(width);
  const bool enter = ImGui::InputTextWithHint(id, hint, buffer.text, sizeof buffer.text,
                                              ImGuiInputTextFlags_EnterReturnsTrue | ImGuiInputTextFlags_CallbackEdit,
                                              limit_name_length);
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
FieldRef find_field(Scenario& s, const std::string& path) {
  struct Finder {
    const std::string& path;
    FieldRef ref;
    void number(const std::string& p, double& x, FieldLimits lim) {
      if (p == path) ref = {&x, nullptr, lim};
    }
    void optional(const std::string& p, std::optional<double>& x, FieldLimits lim) {
      if (p == path) ref = {nullptr, &x, lim};
    }
    void text(const std::string&, std::string&, const std::vector<std::string>&, size_t) {}
    void flag(const std::string&, bool&) {}
  } f{path, {}};
  visit_fields(s, f);
  return f.ref;
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
  const bool commit = ImGui::IsItemDeactivatedAfterEdit();
  if (!tooltip.empty()) ImGui::SetItemTooltip("%s", tooltip.c_str());
  if (!path.empty()) {
    record_target(app, path, label, "input");
    app.widgets.back().tooltip = tooltip;
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
  WidgetRect r{path, label, a.x, a.y, b.x - a.x, b.y - a.y};
  r.kind = kind;
  const ImGuiWindow* w = ImGui::GetCurrentWindowRead();
  if (w && w->RootWindow) r.window = w->RootWindow->Name;
  r.visible = ImGui::IsItemVisible();
  app.widgets.push_back(std::move(r));
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
    const double shown = value ? *value : std::stod(format_g4(*fallback));
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

bool input_choice(App& app, const char* label, std::string& value, const std::vector<std::string>& choices) {
  label_left(label);
  bool changed = false;
  ImGui::PushID(label);
  if (ImGui::BeginCombo("##v", value.c_str())) {
    for (const std::string& c : choices) {
      if (ImGui::Selectable(c.c_str(), c == value) && c != value) {
        value = c;
        changed = true;
      }
    }
    ImGui::EndCombo();
  }
  ImGui::PopID();
  if (changed) app.changed();
  return changed;
}

bool input_flag(App& app, const char* label, bool& value) {
  if (ImGui::Checkbox(label, &value)) {
    app.changed();
    return true;
  }
  return false;
}

void line_chart(const char* id, const std::vector<double>& x, const std::vector<Series>& series, const char* x_label,
                const char* y_label, bool log_x, const std::vector<double>& markers) {
  const ImVec2 size(ImGui::GetContentRegionAvail().x, em(11));
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton(id, size);
  if (x.size() < 2 || series.empty()) return;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float left = em(3.5f), bottom = em(1.4f);
  const ImVec2 a(p0.x + left, p0.y + em(0.4f)), b(p0.x + size.x - em(0.5f), p0.y + size.y - bottom);
  double ymax = 0;
  for (const Series& s : series)
    for (double y : s.y) ymax = std::max(ymax, y);
  if (ymax <= 0) ymax = 1;
  auto tx = [&](double v) {
    const double lo = log_x ? std::log(x.front()) : x.front(), hi = log_x ? std::log(x.back()) : x.back();
    const double t = ((log_x ? std::log(v) : v) - lo) / (hi - lo);
    return a.x + static_cast<float>(t) * (b.x - a.x);
  };
  auto ty = [&](double v) { return b.y - static_cast<float>(v / ymax) * (b.y - a.y); };
  const unsigned axis = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  dl->AddRect(a, b, axis);
  for (double m : markers)
    if (m >= x.front() && m <= x.back()) dl->AddLine(ImVec2(tx(m), a.y), ImVec2(tx(m), b.y), IM_COL32(240, 170, 60, 200), 1.5f);
  for (const Series& s : series) {
    std::vector<ImVec2> pts;
    for (size_t i = 0; i < x.size() && i < s.y.size(); ++i) pts.emplace_back(tx(x[i]), ty(s.y[i]));
    dl->AddPolyline(pts.data(), static_cast<int>(pts.size()), s.color, 0, 2.0f);
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s", format_number(ymax, 3).c_str());
  dl->AddText(ImVec2(p0.x, a.y), axis, buf);
  dl->AddText(ImVec2(p0.x, b.y - em(1)), axis, "0");
  dl->AddText(ImVec2(a.x, b.y + em(0.1f)), axis, format_number(x.front(), 3).c_str());
  const std::string xe = format_number(x.back(), 3);
  dl->AddText(ImVec2(b.x - ImGui::CalcTextSize(xe.c_str()).x, b.y + em(0.1f)), axis, xe.c_str());
  const ImVec2 xl = ImGui::CalcTextSize(x_label);
  dl->AddText(ImVec2((a.x + b.x - xl.x) / 2, b.y + em(0.1f)), axis, x_label);
  dl->AddText(ImVec2(a.x + em(0.3f), a.y + em(0.1f)), axis, y_label);
  float lx = b.x;
  for (auto it = series.rbegin(); it != series.rend(); ++it) {
    lx -= ImGui::CalcTextSize(it->name.c_str()).x + em(1.5f);
    dl->AddRectFilled(ImVec2(lx, a.y + em(0.35f)), ImVec2(lx + em(0.7f), a.y + em(0.85f)), it->color);
    dl->AddText(ImVec2(lx + em(0.9f), a.y + em(0.1f)), ImGui::GetColorU32(ImGuiCol_Text), it->name.c_str());
  }
  if (ImGui::IsItemHovered()) {
    const float mx = ImGui::GetIO().MousePos.x;
    size_t best = 0;
    for (size_t i = 1; i < x.size(); ++i)
      if (std::fabs(tx(x[i]) - mx) < std::fabs(tx(x[best]) - mx)) best = i;
    dl->AddLine(ImVec2(tx(x[best]), a.y), ImVec2(tx(x[best]), b.y), axis);
    ImGui::BeginTooltip();
    ImGui::Text("%s = %s", x_label, format_number(x[best]).c_str());
    for (const Series& s : series)
      if (best < s.y.size()) ImGui::Text("%s: %s", s.name.c_str(), format_number(s.y[best]).c_str());
    ImGui::EndTooltip();
  }
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
  // Legend.
  for (size_t i = 0; i < segments.size(); ++i) {
    if (i) ImGui::SameLine();
    ImGui::ColorButton(segments[i].name.c_str(), ImGui::ColorConvertU32ToFloat4(segments[i].color),
                       ImGuiColorEditFlags_NoTooltip | ImGuiColorEditFlags_NoDragDrop, ImVec2(em(0.7f), em(0.7f)));
    ImGui::SameLine(0, em(0.25f));
    ImGui::Text("%s %s", segments[i].name.c_str(), format_bytes(segments[i].value, binary_units).c_str());
  }
  if (capacity > 0) {
    ImGui::SameLine();
    ImGui::TextColored(ImVec4(1, 0.35f, 0.35f, 1), "| capacity %s", format_bytes(capacity, binary_units).c_str());
  }
  if (hovered >= 0)
    ImGui::SetTooltip("%s: %s", segments[hovered].name.c_str(), format_bytes(segments[hovered].value, binary_units).c_str());
}

}  // namespace envelope::ui
