// The scenario: everything a user can set. Its JSON form is the contract shared by the CLI, links,
// the page's window.envelope API and saved scenarios: keys are extended, never renamed or re-pointed.
// Every field has a default and documented limits (the visit_fields table below is the single list
// that parsing, validation, minimal serialisation and the tests' random scenarios all walk).
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace envelope {

inline constexpr int kScenarioVersion = 1;
// Names are limited in characters (Unicode code points), never in bytes: a limit in bytes would cut
// inside a multi-byte character. 200 code points are at most 800 bytes of UTF-8.
inline constexpr size_t kMaxNameCodePoints = 200;

struct ModelSection {
  std::string preset = "llama-2-7b";
  // Overrides of the preset's architecture (unset: the preset's value).
  std::optional<double> params;  // overrides the derived total (e.g. the seed's round "7e9")
  std::optional<double> active_params;
  std::optional<double> layers, hidden, heads, kv_heads, head_dim, ffn, vocab;
  std::optional<double> experts, experts_per_token, shared_experts, expert_ffn;
};

struct HardwareSection {
  std::string gpu = "a100-80gb-sxm";
  double count = 1;
  std::string pricing = "on_demand";  // on_demand | spot: which catalog price is the default
  std::optional<double> price_per_gpu_hour;
  // Spec overrides (Reference panel edits): unset = catalog value.
  std::optional<double> memory_gb, bandwidth_gbps, peak_tflops, scale_up_gbps, scale_out_gbps;
};

struct TrainingSection {
  double tokens = 1e12;
  std::optional<double> mfu;  // unset: default for the hardware class
  std::string recipe = "mixed-bf16";
  std::string optimizer = "adamw";
  double zero_stage = 0;
  double tensor_parallel = 1, pipeline_parallel = 1;
  double micro_batch = 1;
  double seq_len = 4096;
  std::string recompute = "none";  // none | selective | full
  bool flash_attention = true;
  bool sequence_parallel = false;
  double budget_usd = 0;  // 0: no budget verdict
  std::string dtype = "bf16";  // compute dtype for peak FLOPS
};

struct InferenceSection {
  std::string weights = "bf16";
  std::string kv_cache = "bf16";
  double batch = 1;
  std::optional<double> context;  // tokens held per sequence; unset: prompt + output tokens
  double prompt_tokens = 500;
  double output_tokens = 100;
  double tensor_parallel = 1;
  std::optional<double> bandwidth_efficiency;  // unset: default for the hardware class
  std::optional<double> compute_efficiency;
  // Per GPU: CUDA context (~0.3-0.5 GB), cuBLAS/NCCL workspaces and allocator slack; an assumption
  // checked only indirectly (Falcon 180B fits the 8 GPUs Hugging Face recommends, validation.json).
  double runtime_overhead_gb = 1.0;
  // Share of device memory a server plans on: vLLM's gpu_memory_utilization default is 0.9.
  double usable_memory_fraction = 0.9;
};

struct TrafficSection {
  double users = 1e5;
  double active_fraction = 0.3;
  double requests_per_user_per_day = 5;
  double peak_factor = 3;
  std::optional<double> tokens_per_second_per_replica;  // unset: from the inference estimate
  double min_replicas = 1;
  // CPU-served model (seed fraud example): if ms_per_request > 0, serving is on CPU cores.
  double cpu_ms_per_request = 0;
  double cpu_headroom = 3;
  std::optional<double> cpu_cores_per_machine, cpu_price_per_machine_hour;
  double min_machines = 1;
};

struct StorageSection {
  std::optional<double> users;  // unset: daily active users from traffic (users x active_fraction)
  double events_per_user_per_day = 100;
  double bytes_per_event = 200;
  double retention_days = 365;
  double compression_ratio = 4;
  double egress_gb_per_month = 0;
  double dataset_tokens = 0;
  double bytes_per_token = 4;  // seed: 1 million text tokens ~ 4 MB
};

struct FeatureStoreSection {
  double entities = 0;
  double features_per_entity = 0;
  double bytes_per_feature = 4;
  double items = 0;
  double features_per_item = 0;
  double embedding_dim = 0;
  double embedding_bytes = 4;
  double overhead_factor = 2;  // seed: Redis ~2x raw for keys, metadata, encoding
  double headroom = 1.2;       // seed: int(total * 1.2 / 64) + 1
  std::optional<double> node_gb;
};

struct PricesSection {
  std::optional<double> object_storage_per_gb_month, egress_per_gb;
};

struct Scenario {
  int version = kScenarioVersion;
  std::string name;
  ModelSection model;
  HardwareSection hardware;
  TrainingSection training;
  InferenceSection inference;
  TrafficSection traffic;
  StorageSection storage;
  FeatureStoreSection feature_store;
  PricesSection prices;
};

bool operator==(const Scenario& a, const Scenario& b);

// One problem found while loading: the field's JSON path and why it was not used.
struct Problem {
  std::string path, message;
};

// Limits of a numeric field, shared by validation, the UI's sliders and the fuzz/property tests.
struct FieldLimits {
  double min, max;
  bool integer = false;
};

// Walks every field with its JSON path, limits or allowed values. V provides:
//   number(path, double&, FieldLimits), optional(path, std::optional<double>&, FieldLimits),
//   text(path, std::string&, const std::vector<std::string>& allowed /* empty: any */, size_t max_len),
//   flag(path, bool&).
template <class V>
void visit_fields(Scenario& s, V&& v);

// Loads a scenario from JSON text or a parsed object. Unknown keys, wrong types, non-finite or
// out-of-range values, unknown presets: the field keeps its default and a Problem is recorded.
// A text that is not a JSON object at all sets `fatal` and leaves `scenario` untouched.
struct LoadResult {
  Scenario scenario;
  std::vector<Problem> problems;
  std::string fatal;  // non-empty: nothing was loaded
  bool ok() const { return fatal.empty(); }
};
LoadResult load_scenario_json(const std::string& text);

// Minimal JSON: only fields that differ from the defaults, and model overrides only where they
// change the chosen preset's architecture ("version" is always written).
std::string scenario_to_json(const Scenario& s, bool minimal = true, int indent = -1);

// The scenario with model overrides that do not change the preset's resolved architecture removed
// (what a minimal link keeps): decode(encode(s)) == canonical(s).
Scenario canonical(const Scenario& s);

}  // namespace envelope

#include "envelope/scenario_fields.hpp"
