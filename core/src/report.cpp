// Report lookup and rendering (JSON contract, text, Markdown).
#include "envelope/report.hpp"

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "envelope/format.hpp"

namespace envelope {
using nlohmann::json;

std::string Result::basis() const {
  const std::string_view f = formula, src = source;
  std::string b;
  b.reserve(f.size() + substituted.size() + src.size() + 6);
  b += f;
  if (!substituted.empty()) {
    b += " = ";
    b += substituted;
  }
  if (!src.empty()) {
    b += " [";
    b += src;
    b += ']';
  }
  return b;
}

const Result* Report::find(std::string_view path) const {
  for (const Result& r : results)
    if (r.path == path) return &r;
  return nullptr;
}

double Report::value(std::string_view path) const {
  const Result* r = find(path);
  return r ? r->value : std::numeric_limits<double>::quiet_NaN();
}

bool Report::unpriced(std::string_view path) const {
  const Result* r = find(path);
  return r && r->unpriced;
}

std::string display_value(const Result& r, bool binary_units) {
  if (!r.unpriced) return format_value(r.value, r.unit, binary_units);
  return r.value == 0 ? "no price" : format_value(r.value, r.unit, binary_units) + " + unpriced GPUs";
}

std::string Report::to_json(int indent) const {
  json out = json::object();
  for (const Result& r : results) {
    json* node = &out;
    size_t start = 0;
    for (size_t dot; (dot = r.path.find('.', start)) != std::string::npos; start = dot + 1)
      node = &(*node)[r.path.substr(start, dot - start)];
    json leaf = {{"value", r.value}, {"unit", r.unit}, {"basis", r.basis()}};
    if (!r.error_band.empty()) leaf["error"] = r.error_band.str();
    if (r.unpriced) leaf["unpriced"] = true;
    (*node)[r.path.substr(start)] = leaf;
  }
  json w = json::array();
  for (const Warning& x : warnings) w.push_back({{"path", x.path}, {"message", x.message}});
  out["warnings"] = w;
  return out.dump(indent);
}

std::string Report::to_text(bool binary) const {
  std::string out;
  for (const Result& r : results) {
    out += r.path + ": " + display_value(r, binary) + "\n";
    out += "    " + terminal_text(r.basis()) + "\n";
    if (!r.error_band.empty()) out += "    expected error: " + terminal_text(r.error_band.str()) + "\n";
  }
  for (const Warning& w : warnings) out += "warning: " + terminal_text(w.path) + ": " + terminal_text(w.message) + "\n";
  return out;
}

std::string Report::to_markdown(bool binary) const {
  // Table cells: no control characters, and nothing that opens HTML, a link, an entity, a code span
  // or a new cell. (Formulas keep their '*' and '_': they hold no user text; names go through
  // markdown_text.)
  auto esc = [](const std::string& s) {
    std::string o;
    for (char c : terminal_text(s)) {
      if (c == '|' || c == '\\' || c == '`' || c == '<' || c == '>' || c == '[' || c == ']' || c == '&') o += '\\';
      o += c;
    }
    return o;
  };
  std::string out = "| Estimate | Value | Basis |\n|---|---|---|\n";
  for (const Result& r : results)
    out += "| `" + r.path + "` | " + esc(display_value(r, binary)) + " | " + esc(r.basis()) +
           (r.error_band.empty() ? "" : " Expected error: " + esc(r.error_band.str()) + ".") + " |\n";
  if (!warnings.empty()) {
    out += "\n**Warnings**\n\n";
    for (const Warning& w : warnings) out += "- `" + w.path + "`: " + esc(w.message) + "\n";
  }
  return out;
}

}  // namespace envelope
