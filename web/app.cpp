// The Envelope app (see app.hpp): scenario state, persistence, the top bar and the window layout.
#include "app.hpp"

#include <cmath>
#include <nlohmann/json.hpp>

#include "envelope/evaluate.hpp"
#include "envelope/format.hpp"
#include "envelope/json_input.hpp"
#include "envelope/validation.hpp"
#include "imgui.h"
#include "imgui_internal.h"
#include "panel_state.hpp"
#include "panels.hpp"
#include "text_limits.hpp"

namespace envelope::ui {

namespace {
constexpr const char* kScenarioKey = "envelope.scenario";
constexpr const char* kSavedKey = "envelope.saved";
constexpr const char* kPinsKey = "envelope.pins";
constexpr const char* kSettingsKey = "envelope.settings";
// At most this many compare pins (a table column each).
constexpr size_t kMaxPins = 8;
// How long "Copied" (or why not) replaces "Copy link", in seconds.
constexpr double kCopyLabelSeconds = 2.0;

// Limits on what is read from storage, checked before parsing. localStorage holds about 5 MiB per
// origin (MDN, "Storage quotas and eviction criteria"), so no store this page writes is larger.
constexpr size_t kMaxSavedStoreBytes = 5 * 1024 * 1024;
constexpr size_t kMaxSettingsBytes = 4 * 1024;
// A store is an object of strings (depth 1) and a scenario has sections of values (depth 2); the
// slack leaves room for later versions. Thousands of levels exhaust the stack in recursive copies.
constexpr int kMaxStoreDepth = 8;
constexpr int kMaxScenarioDepth = 16;

// Parses JSON read from storage: empty (null) when it is too large or nested too deep, discarded
// when it is not JSON.
nlohmann::json parse_limited(const std::string& text, size_t max_bytes, int max_depth, std::string* reason = nullptr) {
  std::string why;
  nlohmann::json j;
  if (text.size() > max_bytes)
    why = "it is " + std::to_string(text.size()) + " bytes, more than the " + std::to_string(max_bytes) + " allowed";
  else if (!json_nesting_within(text, max_depth))
    why = "it is nested more than " + std::to_string(max_depth) + " levels deep";
  else if ((j = nlohmann::json::parse(text, nullptr, false)).is_discarded())
    why = "it is not valid JSON";
  else if (!j.is_object())
    why = std::string("it is a JSON ") + j.type_name() + ", not an object";
  if (reason) *reason = why;
  if (!why.empty()) return nlohmann::json();
  return j;
}

// A name in a message; messages go through json::dump, which aborts on invalid UTF-8.
std::string quoted(const std::string& name) { return utf8_valid(name) ? "'" + name + "'" : "(a name that is not valid UTF-8)"; }
}  // namespace

App::App(Host& host) : host_(host), panel_state_(std::make_unique<PanelState>()) {}
App::~App() = default;

void App::start() {
  const nlohmann::json settings = parse_limited(host_.storage_get(kSettingsKey), kMaxSettingsBytes, kMaxStoreDepth);
  if (settings.is_object()) {
    binary_units = settings.value("binary_units", false);
    dark_theme = settings.value("dark_theme", true);
  }
  apply_theme(false);  // as stored
  // Last autosaved scenario first, so that a broken link falls back to it.
  const std::string saved = host_.storage_get(kScenarioKey);
  if (!saved.empty() && json_nesting_within(saved, kMaxScenarioDepth)) {
    LoadResult r = load_scenario_json(saved);  // refuses oversize text before parsing
    if (r.ok()) scenario_ = r.scenario;
  }
  const std::string fragment = host_.location_fragment();
  if (fragment.size() > 1) {
    load_text(fragment, "link");
  } else {
    // Only what the first frame shows; the rest waits for it (finish_start, docs/performance.md).
    ++revision_;
    report_ = evaluate(scenario_);
    ranges_.valid = false;
    link_pending_ = true;
  }
  start_pending_ = true;
}

void App::finish_start() {
  if (!start_pending_) return;
  start_pending_ = false;
  if (link_pending_) {
    link_pending_ = false;
    derive();
    // The first history entry holds its scenario too, so that Back to it restores it.
    host_.set_location_fragment(encode_link_fragment(scenario_));
  }
  saved_names();  // reads the saved scenarios now: a store that cannot be read is reported at once
  load_pins();
  // What start-up shows is where undo stops.
  undo_.clear();
  redo_.clear();
  committed_ = scenario_;
  committed_json_ = scenario_to_json(scenario_, false);
  started_ = true;
  host_.started();
}

void App::set_scenario(const Scenario& s) {
  scenario_ = s;
  field_edits.clear();  // refused text belonged to the scenario being replaced
  changed();
}

LoadResult App::load_text(const std::string& text, const std::string& origin) {
  LoadResult r;
  // Depth-limited before parsing (the link decoder limits the size); a link's JSON is percent-encoded.
  if (text.size() <= kMaxLinkBytes && !json_nesting_within(percent_decode(text), kMaxScenarioDepth))
    r.fatal = "it is nested more than " + std::to_string(kMaxScenarioDepth) + " levels deep";
  else
    r = decode_link(text);
  if (!r.ok()) {
    set_message("The " + origin + " could not be loaded: " + r.fatal + ". The previous scenario is kept.", {});
    // A broken link stays in the address bar, where the user can correct it; the page shows the
    // previous scenario (its link is in the text mirror and Copy link).
    recompute();
    return r;
  }
  set_message(r.problems.empty() ? "" : "The " + origin + " loaded with " + std::to_string(r.problems.size()) +
                                           " problem(s); those fields use defaults:",
              r.problems);
  scenario_ = r.scenario;
  field_edits.clear();  // refused text belonged to the scenario being replaced
  recompute();
  const bool is_new = record_history();
  // A link with fields this version cannot use (a newer version's, or mistyped) stays in the address
  // bar as it was: rewriting it would drop them. The next edit writes the link of the edited scenario.
  // A link navigated to (typed, or Back / Forward) is already its own history entry: it is replaced;
  // anything else loaded (a saved scenario, setScenario) is a new entry.
  save_and_link(/*keep_fragment=*/origin == "link" && !r.problems.empty(), /*push=*/is_new && origin != "link");
  return r;
}

namespace {
// A file name (from the browser or the desktop) as it may appear in a message: valid UTF-8 (messages
// go through json::dump) and at most a name's length.
std::string source_text(const std::string& source) {
  if (source.empty() || !utf8_valid(source)) return "The file";
  return source.substr(0, utf8_prefix_bytes(source, kMaxNameCodePoints));
}
}  // namespace

ImportResult App::import_config(const std::string& text, const std::string& source) {
  ImportResult r;
  if (text.size() > kMaxConfigJsonBytes)
    r.error = "it is " + std::to_string(text.size()) + " bytes, more than the " + std::to_string(kMaxConfigJsonBytes) + " allowed";
  else if (!json_nesting_within(text, static_cast<int>(kMaxJsonDepth)))
    r.error = "it is nested more than " + std::to_string(kMaxJsonDepth) + " levels deep";
  else
    r = import_hf_config(text);
  Scenario next = scenario_;
  if (r.ok()) {
    // Read back as a link of it will be: a value outside a field's limits (or a conflict) is refused
    // now, naming the field, instead of going into a link that would not load again.
    next.model = r.model;
    const LoadResult check = load_scenario_json(scenario_to_json(next, false));
    if (!check.ok())
      r.error = check.fatal;
    else if (!check.problems.empty())
      r.error = check.problems.front().path + ": " + check.problems.front().message;
  }
  if (!r.ok()) {
    import_refused(source, r.error);
    return r;
  }
  ModelHardwarePanelState& st = panel_state_->model_hardware;
  st.reveal_import = true;
  st.import_message = "imported " + r.model.name + " (" + r.model_type + ")";
  for (const std::string& a : r.assumptions) st.import_message += "\nassumed: " + a;
  if (!import_error_.empty() && message == import_error_) set_message("", {});
  import_error_.clear();
  // Refused text in the model's boxes belonged to the model being replaced.
  for (auto it = field_edits.begin(); it != field_edits.end();)
    it = it->first.rfind("model.", 0) == 0 ? field_edits.erase(it) : std::next(it);
  scenario_ = std::move(next);
  changed();
  return r;
}

void App::import_refused(const std::string& source, const std::string& reason) {
  ModelHardwarePanelState& st = panel_state_->model_hardware;
  st.reveal_import = true;
  st.import_message = source_text(source) + " was not imported: " + reason + ". The scenario is unchanged.";
  import_error_ = st.import_message;
  set_message(import_error_, {});
}

void App::set_message(const std::string& text, std::vector<Problem> field_problems) {
  message = text;
  problems = std::move(field_problems);
  std::string full = message;
  for (const Problem& p : problems) full += "\n- " + p.path + ": " + p.message;
  host_.notify(full);
}

void App::add_message(const std::string& text) {
  if (message.find(text) != std::string::npos) return;  // shown already
  set_message(message.empty() ? text : text + "\n" + message, problems);
}

void App::changed() {
  recompute();
  const bool is_new = record_history();
  save_and_link(false, is_new);
}

bool App::record_history() {
  std::string now = scenario_to_json(scenario_, false);
  if (!started_ || now == committed_json_) return false;
  undo_.push_back(std::move(committed_));
  if (undo_.size() > kMaxUndo) undo_.pop_front();
  redo_.clear();
  committed_ = scenario_;
  committed_json_ = std::move(now);
  return true;
}

void App::restore(const Scenario& s) {
  scenario_ = s;
  committed_ = s;
  committed_json_ = scenario_to_json(s, false);
  field_edits.clear();
  recompute();
  save_and_link(false, true);
}

bool App::undo() {
  if (undo_.empty()) return false;
  redo_.push_back(committed_);
  const Scenario s = std::move(undo_.back());
  undo_.pop_back();
  restore(s);
  return true;
}

bool App::redo() {
  if (redo_.empty()) return false;
  undo_.push_back(committed_);
  const Scenario s = std::move(redo_.back());
  redo_.pop_back();
  restore(s);
  return true;
}

std::string App::full_link() const { return host_.page_address() + encode_link_fragment(scenario_); }

void App::copy_link() {
  copy_label_ = "Copying...";
  copy_label_until_ = ImGui::GetTime() + 10;
  host_.copy_to_clipboard(full_link());
}

void App::copy_done(bool ok, const std::string& reason) {
  copy_label_ = ok ? "Copied" : "Not copied: " + (reason.empty() ? std::string("the browser refused") : reason);
  copy_label_until_ = ImGui::GetTime() + (ok ? kCopyLabelSeconds : 2 * kCopyLabelSeconds);
}

std::string App::copy_label() const {
  return !copy_label_.empty() && ImGui::GetTime() < copy_label_until_ ? copy_label_ : "Copy link";
}

void App::save_and_link(bool keep_fragment, bool push) {
  const bool saved = host_.storage_set(kScenarioKey, scenario_to_json(scenario_, true));
  if (!keep_fragment) {
    if (push)
      host_.push_location_fragment(encode_link_fragment(scenario_));
    else
      host_.set_location_fragment(encode_link_fragment(scenario_));
  }
  // Told once when autosaving stops working, not on every edit.
  if (!saved && autosave_ok_)
    add_message("This browser does not let the page save the scenario (storage is full or turned off). The link in the "
                "address bar keeps it: bookmark it or use Copy link.");
  autosave_ok_ = saved;
}

void App::recompute() {
  ++revision_;
  report_ = evaluate(scenario_);
  derive();
}

void App::derive() {
  // Ranges, only while the efficiency behind the estimate is the model's own (a value the user set has
  // no range to show). Training time and cost come from the step model: the range is the worst error
  // its published whole runs showed (envelope validate, category "training"), value x e^(-/+ worst
  // |log(predicted / published)|). Decode is re-evaluated at bandwidth efficiency 0.50-0.85 (llama.cpp
  // and TRT-LLM measurements).
  ranges_ = {};
  ranges_.valid = true;
  auto add = [&](const char* path, double lo, double hi, const char* why, const std::string* band) {
    const Result* r = report_.find(path);
    if (r && !r->unpriced && std::isfinite(lo) && std::isfinite(hi))
      ranges_.list.push_back(Range{path, std::min(lo, hi), std::max(lo, hi), why, band});
  };
  if (!scenario_.training.mfu)
    for (const CategorySummary& band : error_bands()) {
      if (band.category != "training" || band.cases == 0) continue;
      const double f = std::exp(band.worst_abs_log);
      for (const char* path : {"training.wall_seconds", "training.gpu_hours", "training.cost_usd", "cost.training_usd"}) {
        const double v = report_.value(path);  // NaN when absent: no range
        add(path, v / f, v * f, "Where published training runs fell against the step model: ", &band.band_text);
      }
    }
  if (!scenario_.inference.bandwidth_efficiency) {
    Scenario lo = scenario_, hi = scenario_;
    lo.inference.bandwidth_efficiency = 0.50;
    hi.inference.bandwidth_efficiency = 0.85;
    const Report low = evaluate_values(lo), high = evaluate_values(hi);  // read for their values only
    for (const char* path : {"inference.decode_step_seconds", "inference.tokens_per_second"})
      add(path, low.value(path), high.value(path), "Decode bandwidth efficiency 0.50-0.85 (llama.cpp and TRT-LLM measurements)", nullptr);
  }
  for (Pinned& p : pinned) p.report = evaluate_values(p.scenario);
  host_.publish(report_.to_text(binary_units), encode_link_fragment(scenario_));
}

std::string App::value(const std::string& path) const {
  const Result* r = report_.find(path);
  return r ? display_value(*r, binary_units) : "-";
}

void App::apply_theme(bool store) {
  if (dark_theme)
    ImGui::StyleColorsDark();
  else
    ImGui::StyleColorsLight();
  ImGuiStyle& st = ImGui::GetStyle();
  st.WindowRounding = 4;
  st.FrameRounding = 3;
  // Opaque windows: no panel, chart or text shows through another (both themes are 94% opaque).
  st.Colors[ImGuiCol_WindowBg].w = 1.0f;
  st.Colors[ImGuiCol_PopupBg].w = 1.0f;
  st.Colors[ImGuiCol_ChildBg].w = 0.0f;
  if (store) host_.storage_set(kSettingsKey, nlohmann::json{{"binary_units", binary_units}, {"dark_theme", dark_theme}}.dump());
}

bool App::read_store_at(const char* store_key, const char* what, nlohmann::json& store, std::string& error) {
  const std::string raw = host_.storage_get(store_key);
  std::string reason;
  store = raw.empty() ? nlohmann::json::object() : parse_limited(raw, kMaxSavedStoreBytes, kMaxStoreDepth, &reason);
  if (reason.empty()) return true;
  // Unreadable: keep it, unchanged, under the first free key envelope.saved.unreadable[.N] before a
  // new store may replace it.
  std::string aside;
  for (int i = 1; i <= 20 && aside.empty(); ++i) {
    const std::string key = std::string(store_key) + ".unreadable" + (i == 1 ? "" : "." + std::to_string(i));
    const std::string existing = host_.storage_get(key);
    if (existing == raw) {
      aside = key;  // kept there already
    } else if (existing.empty()) {
      if (!host_.storage_set(key, raw)) break;
      aside = key;
    }
  }
  if (aside.empty() || !host_.storage_set(store_key, "{}")) {
    error = std::string("The ") + what + " in this browser cannot be read (" + reason +
            ") and could not be copied aside (storage full or turned off). Nothing was changed; saving " + what +
            " is off. The link in the address bar keeps the current scenario.";
    store = nlohmann::json::object();
    add_message(error);
    return false;
  }
  add_message(std::string("The ") + what + " in this browser could not be read (" + reason +
              "). They are kept unchanged in this browser's storage under the key '" + aside + "'; the list of " + what +
              " starts again empty.");
  store = nlohmann::json::object();
  return true;
}

StoreResult App::save_named(const std::string& name, bool overwrite) {
  StoreResult r;
  const std::string bad = name.empty() ? "the name is empty" : name_problem(name);
  nlohmann::json store;
  if (!bad.empty()) {
    r.error = "Not saved: " + bad + ".";
  } else if (read_store(store, r.error)) {
    saved_names_valid_ = false;
    if (store.contains(name) && !overwrite) {
      r.exists = true;
      r.error = "A saved scenario named " + quoted(name) + " exists already (perhaps saved from another tab); not replaced.";
    } else {
      store[name] = scenario_to_json(scenario_, true);
      r.ok = host_.storage_set(kSavedKey, store.dump());
      if (!r.ok) {
        r.error = "Could not save " + quoted(name) + ": this browser's storage is full or turned off. The link in the " +
                  "address bar keeps this scenario: bookmark it or use Copy link.";
        add_message(r.error);
      }
    }
  }
  return r;
}

const std::vector<std::string>& App::saved_names() {
  // Read from storage once and after each change (here or in another tab), not every frame.
  if (!saved_names_valid_) {
    saved_names_.clear();
    nlohmann::json store;
    std::string error;
    read_store(store, error);
    for (auto it = store.begin(); it != store.end(); ++it) saved_names_.push_back(it.key());
    saved_names_valid_ = true;
  }
  return saved_names_;
}

LoadResult App::open_named(const std::string& name) {
  nlohmann::json store;
  LoadResult r;
  if (!read_store(store, r.fatal)) return r;
  const auto it = store.find(name);
  if (it == store.end()) {
    r.fatal = "no saved scenario is named " + quoted(name);
  } else if (!it->is_string()) {
    r.fatal = "the entry " + quoted(name) + " is not a saved scenario";
  } else {
    return load_text(it->get<std::string>(), "saved scenario");
  }
  set_message("The saved scenario could not be opened: " + r.fatal + ".", {});
  return r;
}

StoreResult App::delete_named(const std::string& name) {
  StoreResult r;
  nlohmann::json store;
  if (!read_store(store, r.error)) return r;
  saved_names_valid_ = false;
  if (!store.contains(name)) {
    r.error = "No saved scenario is named " + quoted(name) + ".";
    return r;
  }
  store.erase(name);
  r.ok = host_.storage_set(kSavedKey, store.dump());
  if (!r.ok) r.error = "Could not delete " + quoted(name) + ": this browser's storage is full or turned off.";
  return r;
}

StoreResult App::rename_named(const std::string& from, const std::string& to) {
  StoreResult r;
  const std::string bad = to.empty() ? "the name is empty" : name_problem(to);
  nlohmann::json store;
  if (!bad.empty()) {
    r.error = "Not renamed: " + bad + ".";
    return r;
  }
  if (!read_store(store, r.error)) return r;
  saved_names_valid_ = false;
  if (!store.contains(from)) {
    r.error = "No saved scenario is named " + quoted(from) + ".";
  } else if (from == to) {
    r.ok = true;
  } else if (store.contains(to)) {
    r.exists = true;
    r.error = "Not renamed: a saved scenario named " + quoted(to) + " exists already.";
  } else {
    store[to] = store[from];
    store.erase(from);
    r.ok = host_.storage_set(kSavedKey, store.dump());
    if (!r.ok) r.error = "Could not rename " + quoted(from) + ": this browser's storage is full or turned off.";
  }
  return r;
}

void App::export_named(const std::string& name, const std::string& kind) {
  nlohmann::json saved;
  std::string error;
  if (!read_store(saved, error)) return;  // read_store has told the user why
  if (!saved.contains(name) || !saved[name].is_string()) {
    add_message("Not exported: no saved scenario is named " + quoted(name) + ".");
    return;
  }
  const LoadResult r = load_scenario_json(saved[name].get<std::string>());
  if (!r.ok()) {
    add_message("Not exported: the saved scenario " + quoted(name) + " cannot be read (" + r.fatal + ").");
    return;
  }
  if (kind == "link") {
    copy_label_ = "Copying...";
    copy_label_until_ = ImGui::GetTime() + 10;
    host_.copy_to_clipboard(host_.page_address() + encode_link_fragment(r.scenario));
  } else if (kind == "json") {
    host_.save_file(name + ".json", "application/json", scenario_to_json(r.scenario, false, 2));
  } else {
    host_.save_file(name + ".md", "text/markdown",
                    // The name is the user's text: escaped so it cannot open HTML, a link or an image.
                    "# " + markdown_text(name) + "\n\nLink: <" + host_.page_address() + encode_link_fragment(r.scenario) + ">\n\n" +
                        evaluate(r.scenario).to_markdown(binary_units));
  }
}

void App::load_pins() {
  nlohmann::json store;
  std::string error;
  pinned.clear();
  if (!read_store_at(kPinsKey, "compare pins", store, error)) return;
  const auto list = store.find("pins");
  if (list == store.end() || !list->is_array()) return;
  size_t dropped = 0;
  for (const nlohmann::json& p : *list) {
    if (pinned.size() >= kMaxPins || !p.is_object() || !p.contains("label") || !p["label"].is_string() ||
        !p.contains("scenario") || !p["scenario"].is_string() || !utf8_valid(p["label"].get<std::string>()) ||
        !json_nesting_within(p["scenario"].get<std::string>(), kMaxScenarioDepth)) {
      ++dropped;
      continue;
    }
    const LoadResult r = load_scenario_json(p["scenario"].get<std::string>());
    if (!r.ok()) {
      ++dropped;
      continue;
    }
    pinned.push_back({p["label"].get<std::string>(), r.scenario, evaluate_values(r.scenario)});
  }
  if (dropped)
    add_message(std::to_string(dropped) + " compare pin(s) kept in this browser could not be read and are not shown.");
}

void App::save_pins() {
  nlohmann::json store, list = nlohmann::json::array();
  std::string error;
  // Read first: an unreadable store is copied aside before it is replaced.
  if (!read_store_at(kPinsKey, "compare pins", store, error)) return;
  for (const Pinned& p : pinned) list.push_back({{"label", p.label}, {"scenario", scenario_to_json(p.scenario, true)}});
  if (!host_.storage_set(kPinsKey, nlohmann::json{{"version", 1}, {"pins", list}}.dump()))
    add_message("The compare pins could not be kept in this browser (storage full or turned off); they last until the page closes.");
}

void App::pin_current() {
  if (pinned.size() >= kMaxPins) pinned.erase(pinned.begin());
  std::string label = scenario_.name.empty() ? "scenario" : scenario_.name;
  const std::string base = label;
  for (int i = 2;; ++i) {
    bool taken = false;
    for (const Pinned& p : pinned) taken |= p.label == label;
    if (!taken) break;
    label = base + " " + std::to_string(i);
  }
  pinned.push_back({label, scenario_, report_});
  save_pins();
}

void App::unpin(size_t index) {
  if (index >= pinned.size()) return;
  pinned.erase(pinned.begin() + static_cast<long>(index));
  save_pins();
}

void App::clear_pins() {
  pinned.clear();
  save_pins();
}

std::string delta_text(double current, double pinned, const std::string& unit, bool binary) {
  const double d = current - pinned;
  if (!std::isfinite(d)) return "-";
  if (d == 0) return "same";
  std::string text = (d > 0 ? "+" : "-") + format_value(std::fabs(d), unit, binary);
  while (!text.empty() && text.back() == ' ') text.pop_back();  // a count has no unit
  if (pinned != 0 && std::isfinite(pinned)) text += " (" + std::string(d > 0 ? "+" : "-") + format_number(std::fabs(d / pinned) * 100, 3) + "%)";
  return text;
}

namespace {
void flatten(const nlohmann::json& j, const std::string& prefix, std::map<std::string, std::string>& out) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) flatten(it.value(), prefix.empty() ? it.key() : prefix + "." + it.key(), out);
  } else {
    out[prefix] = j.is_string() ? j.get<std::string>() : j.dump();
  }
}
}  // namespace

std::vector<InputDifference> differing_inputs(const Scenario& pinned, const Scenario& current) {
  std::map<std::string, std::string> a, b;
  flatten(nlohmann::json::parse(scenario_to_json(pinned, false)), "", a);
  flatten(nlohmann::json::parse(scenario_to_json(current, false)), "", b);
  std::vector<InputDifference> out;
  for (const auto& [path, value] : a) {
    const auto it = b.find(path);
    const std::string other = it == b.end() ? "(none)" : it->second;
    if (other != value && path != "version") out.push_back({path, value, other});
  }
  for (const auto& [path, value] : b)
    if (!a.count(path)) out.push_back({path, "(none)", value});
  return out;
}

std::string App::windows_json() const {
  nlohmann::json out = nlohmann::json::array();
  const ImGuiContext& g = *GImGui;
  int z = 0;
  for (const ImGuiWindow* w : g.Windows) {  // back to front
    if (!w->WasActive || w->Hidden || (w->Flags & (ImGuiWindowFlags_ChildWindow | ImGuiWindowFlags_Tooltip))) continue;
    std::string name = w->Name;
    const size_t hidden = name.find("###");
    if (hidden != std::string::npos) name.erase(hidden);
    out.push_back({{"name", name},
                   {"x", w->Pos.x},
                   {"y", w->Pos.y},
                   {"w", w->Size.x},
                   {"h", w->Size.y},
                   {"collapsed", w->Collapsed},
                   {"focused", g.NavWindow != nullptr && g.NavWindow->RootWindow == w},
                   {"popup", (w->Flags & ImGuiWindowFlags_Popup) != 0},
                   {"z", z++}});
  }
  return out.dump();
}

std::string App::widgets_json() const {
  nlohmann::json out = nlohmann::json::array();
  for (const WidgetRect& r : widgets) {
    if (!r.visible || !utf8_valid(r.label)) continue;
    out.push_back({{"path", r.path}, {"label", r.label}, {"kind", r.kind}, {"window", r.window}, {"x", r.x}, {"y", r.y},
                   {"w", r.w}, {"h", r.h}, {"tooltip", r.tooltip}});
    if (!r.value.empty() && utf8_valid(r.value)) out.back()["value"] = r.value;
  }
  return out.dump();
}

bool App::text_box_at(float x, float y) const {
  // The front-most top-level window under the point (popups, tooltips and menus included): a text
  // box counts only when it is drawn in that window, not covered by another.
  const ImGuiContext& g = *GImGui;
  for (int i = g.Windows.Size - 1; i >= 0; --i) {
    const ImGuiWindow* w = g.Windows[i];
    if (!w->WasActive || w->Hidden || (w->Flags & (ImGuiWindowFlags_ChildWindow | ImGuiWindowFlags_Tooltip)) ||
        !w->Rect().Contains(ImVec2(x, y))) continue;
    for (const TextBoxRect& b : text_boxes)
      if (b.window == w->Name && x >= b.x0 && x < b.x1 && y >= b.y0 && y < b.y1) return true;
    return false;
  }
  return false;
}

void App::frame() {
  widgets.clear();
  text_boxes.clear();
  warnings_drawn.clear();
  // Undo / redo shortcuts, unless a text box has the keyboard (it has its own undo).
  const ImGuiIO& io = ImGui::GetIO();
  const bool command = io.KeyCtrl || io.KeySuper;
  if (command && !io.WantTextInput && !ImGui::GetActiveID()) {
    if (ImGui::IsKeyPressed(ImGuiKey_Z, false))
      io.KeyShift ? redo() : undo();
    else if (ImGui::IsKeyPressed(ImGuiKey_Y, false))
      redo();
  }
  draw_top_bar(*this);
  // After an import from outside the panel (a dropped or opened file, importConfig): its message is
  // in view. The panel opens its import section and clears the flag.
  bool& reveal = panel_state_->model_hardware.reveal_import;
  if (reveal && panel_included("Model & hardware", scenario_))
    show_panel(*this, "Model & hardware");
  else
    reveal = false;  // a scenario without the model panel (CPU or data only): nothing to reveal
  for (const Panel& p : panels()) p.draw(*this);
  draw_problem(*this);
}

}  // namespace envelope::ui
