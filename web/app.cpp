// The Envelope app (see app.hpp): scenario state, persistence, the top bar and the window layout.
#include "app.hpp"

#include <nlohmann/json.hpp>

#include "envelope/evaluate.hpp"
#include "envelope/format.hpp"
#include "imgui.h"
#include "panels.hpp"

namespace envelope::ui {

namespace {
constexpr const char* kScenarioKey = "envelope.scenario";
constexpr const char* kSavedKey = "envelope.saved";
constexpr const char* kSettingsKey = "envelope.settings";

nlohmann::json read_saved(Host& host) {
  nlohmann::json j = nlohmann::json::parse(host.storage_get(kSavedKey), nullptr, false);
  return j.is_object() ? j : nlohmann::json::object();
}
}  // namespace

App::App(Host& host) : host_(host) {}

void App::start() {
  const nlohmann::json settings = nlohmann::json::parse(host_.storage_get(kSettingsKey), nullptr, false);
  if (settings.is_object()) {
    binary_units = settings.value("binary_units", false);
    dark_theme = settings.value("dark_theme", true);
  }
  apply_theme();
  // Last autosaved scenario first, so that a broken link falls back to it.
  const std::string saved = host_.storage_get(kScenarioKey);
  if (!saved.empty()) {
    LoadResult r = load_scenario_json(saved);
    if (r.ok()) scenario_ = r.scenario;
  }
  const std::string fragment = host_.location_fragment();
  if (fragment.size() > 1) {
    load_text(fragment, "link");
  } else {
    recompute();
  }
}

void App::set_scenario(const Scenario& s) {
  scenario_ = s;
  field_edits.clear();  // refused text belonged to the scenario being replaced
  changed();
}

LoadResult App::load_text(const std::string& text, const std::string& origin) {
  LoadResult r = decode_link(text);
  if (!r.ok()) {
    set_message("The " + origin + " could not be loaded: " + r.fatal + ". The previous scenario is kept.", {});
    // Keep the address bar on the scenario actually shown.
    host_.set_location_fragment(encode_link_fragment(scenario_));
    recompute();
    return r;
  }
  set_message(r.problems.empty() ? "" : "The " + origin + " loaded with " + std::to_string(r.problems.size()) +
                                           " problem(s); those fields use defaults:",
              r.problems);
  set_scenario(r.scenario);
  return r;
}

void App::set_message(const std::string& text, std::vector<Problem> field_problems) {
  message = text;
  problems = std::move(field_problems);
  std::string full = message;
  for (const Problem& p : problems) full += "\n- " + p.path + ": " + p.message;
  host_.notify(full);
}

void App::changed() {
  recompute();
  const std::string json = scenario_to_json(scenario_, true);
  host_.storage_set(kScenarioKey, json);
  host_.set_location_fragment(encode_link_fragment(scenario_));
}

void App::recompute() {
  ++revision_;
  report_ = evaluate(scenario_);
  // Ranges where an efficiency assumption dominates: MFU 0.30-0.50 (published A100/H100 runs span
  // 0.32-0.56), decode bandwidth efficiency 0.50-0.85 (llama.cpp and TRT-LLM measurements).
  // Only while both efficiencies are defaults: a value the user set has no range to show.
  ranges_.valid = !scenario_.training.mfu && !scenario_.inference.bandwidth_efficiency;
  if (ranges_.valid) {
    Scenario lo = scenario_, hi = scenario_;
    lo.training.mfu = 0.30;
    hi.training.mfu = 0.50;
    lo.inference.bandwidth_efficiency = 0.50;
    hi.inference.bandwidth_efficiency = 0.85;
    ranges_.low = evaluate(lo);
    ranges_.high = evaluate(hi);
  }
  for (Pinned& p : pinned) p.report = evaluate(p.scenario);
  host_.publish(report_.to_json(2), report_.to_text(binary_units), encode_link_fragment(scenario_));
}

std::string App::value(const std::string& path) const {
  const Result* r = report_.find(path);
  return r ? format_value(r->value, r->unit, binary_units) : "-";
}

void App::apply_theme() {
  if (dark_theme)
    ImGui::StyleColorsDark();
  else
    ImGui::StyleColorsLight();
  ImGuiStyle& st = ImGui::GetStyle();
  st.WindowRounding = 4;
  st.FrameRounding = 3;
  host_.storage_set(kSettingsKey, nlohmann::json{{"binary_units", binary_units}, {"dark_theme", dark_theme}}.dump());
}

void App::save_named(const std::string& name) {
  if (name.empty()) return;
  nlohmann::json saved = read_saved(host_);
  saved[name] = scenario_to_json(scenario_, true);
  host_.storage_set(kSavedKey, saved.dump());
  saved_names_valid_ = false;
}

const std::vector<std::string>& App::saved_names() {
  // Read from storage once and after each change here, not every frame.
  if (!saved_names_valid_) {
    saved_names_.clear();
    const nlohmann::json saved = read_saved(host_);
    for (auto it = saved.begin(); it != saved.end(); ++it) saved_names_.push_back(it.key());
    saved_names_valid_ = true;
  }
  return saved_names_;
}

void App::open_named(const std::string& name) {
  const nlohmann::json saved = read_saved(host_);
  if (saved.contains(name) && saved[name].is_string()) load_text(saved[name].get<std::string>(), "saved scenario");
}

void App::delete_named(const std::string& name) {
  nlohmann::json saved = read_saved(host_);
  saved.erase(name);
  host_.storage_set(kSavedKey, saved.dump());
  saved_names_valid_ = false;
}

void App::rename_named(const std::string& from, const std::string& to) {
  nlohmann::json saved = read_saved(host_);
  if (to.empty() || !saved.contains(from) || saved.contains(to)) return;
  saved[to] = saved[from];
  saved.erase(from);
  host_.storage_set(kSavedKey, saved.dump());
  saved_names_valid_ = false;
}

void App::export_named(const std::string& name, const std::string& kind) {
  const nlohmann::json saved = read_saved(host_);
  if (!saved.contains(name) || !saved[name].is_string()) return;
  const LoadResult r = load_scenario_json(saved[name].get<std::string>());
  if (!r.ok()) return;
  if (kind == "link") {
    host_.copy_to_clipboard(encode_link_fragment(r.scenario));
  } else if (kind == "json") {
    host_.save_file(name + ".json", "application/json", scenario_to_json(r.scenario, false, 2));
  } else {
    host_.save_file(name + ".md", "text/markdown",
                    "# " + name + "\n\nLink: " + encode_link_fragment(r.scenario) + "\n\n" +
                        evaluate(r.scenario).to_markdown(binary_units));
  }
}

void App::frame() {
  widgets.clear();
  draw_top_bar(*this);
  for (const Panel& p : panels()) p.draw(*this);
}

}  // namespace envelope::ui
