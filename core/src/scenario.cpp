// Loading, validating and writing scenario JSON (the contract in scenario.hpp).
#include "envelope/scenario.hpp"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <map>
#include <set>

#include "envelope/catalog.hpp"
#include "envelope/conflicts.hpp"
#include "envelope/evaluate.hpp"
#include "envelope/formulas.hpp"
#include "envelope/setup.hpp"
#include "envelope/format.hpp"
#include "envelope/json_input.hpp"
#include "envelope/scenario_fields.hpp"
#include "field_check.hpp"
#include "nearest_name.hpp"

namespace envelope {
using nlohmann::json;

namespace {

// Characters (code points) in UTF-8 text: every byte that is not a continuation byte (10xxxxxx).
// The JSON parser has already rejected invalid UTF-8.
size_t code_points(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::string cur;
  for (char c : path) {
    if (c == '.') {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  parts.push_back(cur);
  return parts;
}

}  // namespace

// The loader's checks of one value (field_check.hpp).
bool check_field_number(const std::string& path, const json& j, FieldLimits lim, std::vector<Problem>& problems, double& out) {
  if (!j.is_number()) {
    problems.push_back({path, "expected a number, got " + std::string(j.type_name())});
    return false;
  }
  const double d = j.get<double>();
  if (!std::isfinite(d)) {
    problems.push_back({path, "not a finite number"});
    return false;
  }
  if (d < lim.min || d > lim.max) {
    problems.push_back({path, "out of range: " + format_short(d) + " is not within [" + format_short(lim.min) +
                                  ", " + format_short(lim.max) + "]"});
    return false;
  }
  if (lim.integer && std::floor(d) != d) {
    problems.push_back({path, "must be a whole number, got " + format_short(d)});
    return false;
  }
  out = d;
  return true;
}

bool check_field_text(const std::string& path, const json& j, const std::vector<std::string>& allowed, size_t max_len,
                      std::vector<Problem>& problems, std::string& out) {
  if (!j.is_string()) {
    problems.push_back({path, "expected a string, got " + std::string(j.type_name())});
    return false;
  }
  const std::string& s = j.get_ref<const std::string&>();
  if (code_points(s) > max_len) {
    problems.push_back({path, "longer than " + std::to_string(max_len) + " characters"});
    return false;
  }
  if (!allowed.empty()) {
    bool ok = false;
    for (const std::string& a : allowed) ok = ok || a == s;
    if (!ok) {
      std::string list;
      for (const std::string& a : allowed) list += (list.empty() ? "" : ", ") + a;
      problems.push_back({path, "'" + s + "' is not one of: " + list});
      return false;
    }
  }
  out = s;
  return true;
}

FieldSpec field_spec(const std::string& path) {
  struct Finder {
    const std::string& path;
    FieldSpec spec;
    void number(const std::string& p, double&, FieldLimits lim) {
      if (p == path) spec = {true, false, lim, {}, 0};
    }
    void optional(const std::string& p, std::optional<double>&, FieldLimits lim) {
      if (p == path) spec = {true, false, lim, {}, 0};
    }
    void text(const std::string& p, std::string&, const std::vector<std::string>& allowed, size_t max_len) {
      if (p == path) spec = {true, true, {0, 0}, allowed, max_len};
    }
    void flag(const std::string&, bool&) {}
  } f{path, {}};
  Scenario s;
  visit_fields(s, f);
  return f.spec;
}

namespace {

// Reads fields out of a parsed JSON object, recording a Problem for each value it cannot use.
struct Reader {
  const json& root;
  std::vector<Problem>& problems;

  const json* find(const std::string& path) const {
    const json* j = &root;
    for (const std::string& key : split_path(path)) {
      if (!j->is_object()) return nullptr;
      auto it = j->find(key);
      if (it == j->end()) return nullptr;
      j = &*it;
    }
    return j;
  }
  bool check_number(const std::string& path, const json& j, FieldLimits lim, double& out) {
    return check_field_number(path, j, lim, problems, out);
  }
  void number(const std::string& path, double& x, FieldLimits lim) {
    if (const json* j = find(path)) check_number(path, *j, lim, x);
  }
  void optional(const std::string& path, std::optional<double>& x, FieldLimits lim) {
    const json* j = find(path);
    if (!j || j->is_null()) return;
    double d;
    if (check_number(path, *j, lim, d)) x = d;
  }
  void text(const std::string& path, std::string& x, const std::vector<std::string>& allowed, size_t max_len) {
    if (const json* j = find(path)) check_field_text(path, *j, allowed, max_len, problems, x);
  }
  void flag(const std::string& path, bool& x) {
    const json* j = find(path);
    if (!j) return;
    if (!j->is_boolean()) {
      problems.push_back({path, "expected true or false, got " + std::string(j->type_name())});
      return;
    }
    x = j->get<bool>();
  }
};

// Collects every known path (for unknown-key detection).
struct PathCollector {
  std::set<std::string> paths;
  void number(const std::string& p, double&, FieldLimits) { paths.insert(p); }
  void optional(const std::string& p, std::optional<double>&, FieldLimits) { paths.insert(p); }
  void text(const std::string& p, std::string&, const std::vector<std::string>&, size_t) { paths.insert(p); }
  void flag(const std::string& p, bool&) { paths.insert(p); }
};

// Collects every set field as (path, JSON value).
struct Writer {
  std::vector<std::pair<std::string, json>> values;
  void number(const std::string& p, double& x, FieldLimits lim) {
    // Whole numbers are written without a fraction ("7000000000", not "7000000000.0"): shorter links.
    if ((lim.integer || std::floor(x) == x) && std::fabs(x) < 9e15)
      values.emplace_back(p, static_cast<long long>(x));
    else
      values.emplace_back(p, x);
  }
  void optional(const std::string& p, std::optional<double>& x, FieldLimits lim) {
    if (x) number(p, *x, lim);
  }
  void text(const std::string& p, std::string& x, const std::vector<std::string>&, size_t) {
    values.emplace_back(p, x);
  }
  void flag(const std::string& p, bool& x) { values.emplace_back(p, x); }
};

const std::set<std::string>& known_paths() {
  static const std::set<std::string> paths = [] {
    Scenario s;
    PathCollector c;
    visit_fields(s, c);
    c.paths.insert("version");
    return c.paths;
  }();
  return paths;
}

bool is_known_section(const std::string& path) {
  const std::string prefix = path + ".";
  for (const std::string& p : known_paths())
    if (p.compare(0, prefix.size(), prefix) == 0) return true;
  return false;
}

// The keys a scenario may hold directly under `prefix` ("" for the top level, "training" for its
// fields), for "did you mean" on an unknown one.
std::vector<std::string> known_keys_under(const std::string& prefix) {
  std::vector<std::string> keys;
  const std::string start = prefix.empty() ? "" : prefix + ".";
  for (const std::string& p : known_paths()) {
    if (p.compare(0, start.size(), start) != 0) continue;
    const std::string key = p.substr(start.size(), p.find('.', start.size()) - start.size());
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
  }
  return keys;
}

void find_unknown_keys(const json& j, const std::string& prefix, std::vector<Problem>& problems) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string path = prefix.empty() ? it.key() : prefix + "." + it.key();
    if (known_paths().count(path)) continue;
    if (is_known_section(path)) {
      if (it->is_object())
        find_unknown_keys(*it, path, problems);
      else
        problems.push_back({path, "expected an object, got " + std::string(it->type_name())});
      continue;
    }
    problems.push_back({path, "unknown key" + did_you_mean(it.key(), known_keys_under(prefix))});
  }
}

// Version 1 -> 2: version 1 had no "include" and evaluated every section it knew (training,
// inference, serving, storage, feature store) into its report and cost roll-up. The migration
// writes that set out explicitly, so an old link keeps its meaning and its numbers whatever the
// defaults of later versions are; sections added since (pipeline) stay off.
void migrate_1_to_2(json& j) {
  json& inc = j["include"];
  if (!inc.is_object()) inc = json::object();  // version 1 had no such key: nothing to keep
  for (const char* section : {"training", "inference", "serving", "storage", "feature_store"})
    if (!inc.contains(section)) inc[section] = true;
  for (const char* added : {"pipeline", "network", "one_machine", "finetune", "energy", "recommender"})
    if (!inc.contains(added)) inc[added] = false;
}

// Version 2 -> 3: version 3 computes training time from the scenario's layout with the step model
// (training_step.hpp) when training.mfu is not given; version 2 used the hardware class's flat MFU
// default. A version-2 link without an MFU gets that default written in, so it keeps its numbers.
void migrate_2_to_3(json& j) {
  if (!j.is_object()) return;
  json& training = j["training"];
  if (!training.is_object()) training = json::object();
  if (training.contains("mfu")) return;
  std::string gpu = Scenario().hardware.gpu;
  if (j.contains("hardware") && j["hardware"].is_object() && j["hardware"].contains("gpu") && j["hardware"]["gpu"].is_string())
    gpu = j["hardware"]["gpu"].get<std::string>();
  const Accelerator* a = Catalog::builtin().find_accelerator(gpu);
  if (!a) a = Catalog::builtin().find_accelerator(Scenario().hardware.gpu);
  if (a) training["mfu"] = default_efficiencies(*a).training_mfu;
}

// Version 3 -> 4: the defaults of hardware.count (1 -> 8) and training.zero_stage (0 -> 1) changed so
// the default scenario fits its GPUs; a version-3 link that left them out meant 1 and 0.
void migrate_3_to_4(json& j) {
  if (!j.is_object()) return;
  json& hardware = j["hardware"];
  if (!hardware.is_object()) hardware = json::object();
  if (!hardware.contains("count")) hardware["count"] = 1;
  json& training = j["training"];
  if (!training.is_object()) training = json::object();
  if (!training.contains("zero_stage")) training["zero_stage"] = 0;
}

// Chained migrations: step v turns a version-v scenario into version v+1.
void migrate(json& j, int from, std::vector<Problem>& problems) {
  for (int v = from; v < kScenarioVersion; ++v) {
    if (v == 1)
      migrate_1_to_2(j);
    else if (v == 2)
      migrate_2_to_3(j);
    else if (v == 3)
      migrate_3_to_4(j);
    else
      problems.push_back({"version", "no migration from version " + std::to_string(v)});
  }
}

}  // namespace

LoadResult load_scenario_json(const std::string& text) {
  LoadResult r;
  JsonInput in = parse_json_input(text, kMaxScenarioJsonBytes, "scenario JSON");
  if (!in.fatal.empty()) {
    r.fatal = in.fatal;
    return r;
  }
  json& j = in.value;
  r.problems = std::move(in.problems);  // duplicate keys
  if (!j.is_object()) {
    r.fatal = std::string("expected a JSON object, got ") + j.type_name();
    return r;
  }
  int version = kScenarioVersion;
  if (j.contains("version")) {
    const json& v = j["version"];
    if (!v.is_number_integer() || v.get<long long>() < 1) {
      r.problems.push_back({"version", "expected a whole number >= 1; read as version " +
                                           std::to_string(kScenarioVersion)});
    } else if (v.get<long long>() > kScenarioVersion) {
      r.problems.push_back({"version", "made by a newer Envelope (version " + std::to_string(v.get<long long>()) +
                                           "); fields this version does not know are listed below"});
    } else {
      version = static_cast<int>(v.get<long long>());
    }
  }
  migrate(j, version, r.problems);
  r.include_given = j.contains("include");
  if (r.include_given && j["include"].is_object()) {
    const nlohmann::json& inc = j["include"];
    r.include_leaves_defaults_on = true;
    for (const char* k : {"training", "inference", "serving", "storage", "feature_store"})
      if (inc.contains(k)) r.include_leaves_defaults_on = false;
  }
  find_unknown_keys(j, "", r.problems);
  Reader reader{j, r.problems};
  visit_fields(r.scenario, reader);

  const Catalog& cat = Catalog::builtin();
  const Scenario defaults;
  if (!cat.find_model(r.scenario.model.preset)) {
    r.problems.push_back({"model.preset", "unknown model preset '" + r.scenario.model.preset + "'" +
                                              did_you_mean_model(r.scenario.model.preset, cat) + "; using '" +
                                              defaults.model.preset + "'"});
    r.scenario.model.preset = defaults.model.preset;
  }
  HardwareSection& hw = r.scenario.hardware;
  if (hw.gpu == kCustomAccelerator) {
    // A user-defined accelerator needs its spec; without it the estimates would divide by zero.
    const std::pair<const char*, const std::optional<double>*> required[] = {
        {"hardware.memory_gb", &hw.memory_gb}, {"hardware.bandwidth_gbps", &hw.bandwidth_gbps},
        {"hardware.peak_tflops", &hw.peak_tflops}};
    std::string missing;
    for (const auto& [path, value] : required)
      if (!value->has_value()) missing += std::string(missing.empty() ? "" : ", ") + path;
    if (!missing.empty()) {
      r.problems.push_back({"hardware.gpu", "a custom accelerator needs " + missing + "; using '" +
                                                defaults.hardware.gpu + "'"});
      select_accelerator(r.scenario, defaults.hardware.gpu);
    }
  }
  if (hw.gpu != kCustomAccelerator && !cat.find_accelerator(r.scenario.hardware.gpu)) {
    r.problems.push_back({"hardware.gpu", "unknown accelerator '" + r.scenario.hardware.gpu + "'" +
                                              did_you_mean_accelerator(r.scenario.hardware.gpu, cat) + "; using '" +
                                              defaults.hardware.gpu + "'"});
    r.scenario.hardware.gpu = defaults.hardware.gpu;
  }
  r.scenario = without_model_conflicts(r.scenario, r.problems, cat);
  if (!r.scenario.serving.gpu.empty() && !cat.find_accelerator(r.scenario.serving.gpu)) {
    r.problems.push_back({"serving.gpu", "unknown accelerator '" + r.scenario.serving.gpu + "'" +
                                             did_you_mean_accelerator(r.scenario.serving.gpu, cat) + "; serving on hardware.gpu"});
    r.scenario.serving.gpu.clear();
  }
  r.scenario.version = kScenarioVersion;
  return r;
}

std::vector<std::string> unread_sections(const Scenario& s, const std::string& json_text) {
  // What a link leaves out (canonical) of what the file wrote: a version migration may fill sections
  // the file does not mention, which are not the user's to be told about.
  const nlohmann::json file = nlohmann::json::parse(json_text, nullptr, false);
  const nlohmann::json given = nlohmann::json::parse(scenario_to_json(s, false)),
                       kept = nlohmann::json::parse(scenario_to_json(canonical(s), false));
  std::vector<std::string> out;
  if (!file.is_object()) return out;
  for (auto it = given.begin(); it != given.end(); ++it)
    if (file.contains(it.key()) && it.value().is_object() && it.key() != "model" && it.key() != "hardware" &&
        kept.value(it.key(), nlohmann::json()) != it.value())
      out.push_back(it.key());
  return out;
}

Scenario canonical(const Scenario& s) {
  Scenario c = s;
  const Catalog& cat = Catalog::builtin();
  // Inputs that no included section reads go back to their defaults (a link holds only what the
  // scenario is about). What reads what (the domain files listed in evaluate_parts.hpp): training <- model, hardware, training;
  // inference <- model, hardware, inference; GPU serving <- model, hardware, inference, traffic;
  // CPU serving, feature store <- traffic (and inference.output_tokens with a direct tokens/s peak); storage <- storage, traffic (daily users), prices,
  // training (checkpoint size, only when training is included); pipeline <- pipeline, storage and
  // traffic (its unset fields follow them); network <- network, traffic (QPS), prices (egress);
  // one machine <- one_machine.
  const IncludeSection& inc = c.include;
  const Scenario d;
  const bool gpu_serving = includes_gpu_serving(c);
  // finetune <- finetune, model, hardware; energy <- energy (and what training, finetune, serving read).
  // recommender <- recommender, hardware (GPU memory tier), traffic (peak QPS when its own is unset, real time).
  const RecommenderSection& rc = c.recommender;
  const bool recommender_gpu = inc.recommender && rc.memory_tier == "gpu";
  const bool recommender_traffic = inc.recommender && rc.mode == "realtime" && !rc.peak_qps;
  if (!(inc.training || inc.inference || gpu_serving || inc.finetune)) {
    c.model = d.model;
    if (!recommender_gpu) c.hardware = d.hardware;
  }
  if (!inc.training) c.training = d.training;
  const bool traffic_read =
      inc.serving || inc.storage || inc.feature_store || inc.pipeline || inc.network || recommender_traffic;
  // A direct peak in tokens/s becomes QPS through inference.output_tokens wherever traffic is read.
  if (!(inc.inference || gpu_serving || (traffic_read && c.traffic.peak_tokens_per_second))) c.inference = d.inference;
  if (!traffic_read) c.traffic = d.traffic;
  if (!(inc.storage || inc.pipeline)) c.storage = d.storage;
  if (!(inc.storage || inc.network)) c.prices = d.prices;
  if (!inc.network) c.network = d.network;
  if (!inc.one_machine) c.one_machine = d.one_machine;
  if (!inc.feature_store) c.feature_store = d.feature_store;
  if (!inc.pipeline) c.pipeline = d.pipeline;
  if (!inc.finetune) c.finetune = d.finetune;
  if (!inc.energy) c.energy = d.energy;
  if (!inc.recommender) c.recommender = d.recommender;
  // As given, not capped: an override that only matters against another (kv_heads under a heads
  // override) is kept, so the loader finds no conflict in what a link holds. Removing an override
  // that does not change the architecture leaves it unchanged: resolve it once.
  const Architecture given = architecture_as_given(c, cat);
  auto same = [&](const Scenario&, const Scenario& b) { return architecture_as_given(b, cat) == given; };
  using Field = std::optional<double> ModelSection::*;
  for (Field f : {&ModelSection::layers, &ModelSection::hidden, &ModelSection::heads, &ModelSection::kv_heads,
                  &ModelSection::head_dim, &ModelSection::ffn, &ModelSection::vocab, &ModelSection::experts,
                  &ModelSection::experts_per_token, &ModelSection::shared_experts, &ModelSection::expert_ffn,
                  &ModelSection::dense_layers, &ModelSection::moe_layer_interval, &ModelSection::tied_embeddings,
                  &ModelSection::gated_mlp, &ModelSection::embedding_norm, &ModelSection::position_embeddings, &ModelSection::max_context,
                  &ModelSection::q_lora_rank, &ModelSection::kv_lora_rank, &ModelSection::rope_head_dim,
                  &ModelSection::v_head_dim, &ModelSection::window, &ModelSection::window_layers, &ModelSection::mtp_layers,
                  &ModelSection::expert_groups, &ModelSection::expert_groups_per_token}) {
    if (!(c.model.*f)) continue;
    Scenario without = c;
    (without.model.*f).reset();
    if (same(c, without)) (c.model.*f).reset();
  }
  using Text = std::string ModelSection::*;
  for (Text f : {&ModelSection::attention, &ModelSection::bias, &ModelSection::norm, &ModelSection::window_kind}) {
    if ((c.model.*f).empty()) continue;
    Scenario without = c;
    (without.model.*f).clear();
    if (same(c, without)) (c.model.*f).clear();
  }
  ModelSection& m = c.model;
  // A params override equal to the count derived from the (final) architecture changes nothing.
  if (m.params && *m.params == params_total(resolved_architecture(c, cat))) m.params.reset();
  return c;
}

std::string scenario_to_json(const Scenario& input, bool minimal, int indent) {
  const Scenario s = minimal ? canonical(input) : input;
  Writer now, base;
  visit_fields(const_cast<Scenario&>(s), now);
  Scenario defaults;
  visit_fields(defaults, base);
  std::map<std::string, json> defaults_by_path(base.values.begin(), base.values.end());
  json out = json::object();
  out["version"] = kScenarioVersion;
  for (auto& [path, value] : now.values) {
    if (minimal) {
      auto it = defaults_by_path.find(path);
      if (it != defaults_by_path.end() && it->second == value) continue;
    }
    json* node = &out;
    const auto parts = split_path(path);
    for (size_t i = 0; i + 1 < parts.size(); ++i) node = &(*node)[parts[i]];
    (*node)[parts.back()] = value;
  }
  return out.dump(indent);
}

bool includes_gpu_serving(const Scenario& s) { return s.include.serving && s.traffic.cpu_ms_per_request <= 0; }

bool operator==(const Scenario& a, const Scenario& b) {
  return scenario_to_json(a, false) == scenario_to_json(b, false);
}

}  // namespace envelope
