// Import of a Hugging Face transformers config.json into the scenario's model section: every
// architecture field is written, so the result needs no preset (nothing is inherited from one).
// Offline: the text is parsed, nothing is fetched.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "envelope/scenario.hpp"

namespace envelope {

// Hugging Face config.json files are a few KB; 1 MiB leaves room for multimodal ones. Readers (the
// CLI, the page's paste box, dropped and opened files, window.envelope.importConfig) refuse larger
// text before parsing it.
inline constexpr size_t kMaxConfigJsonBytes = 1024 * 1024;

struct ImportResult {
  ModelSection model;                    // every architecture field set; preset left at the default
  std::string model_type;                // the config's model_type (text_config's for multimodal configs)
  std::vector<std::string> assumptions;  // what was assumed where the config is silent
  std::string error;                     // non-empty: nothing imported; names the key
  bool ok() const { return error.empty(); }
};

// Families read natively: llama, llama4 (text_config), mistral, mixtral, qwen2, qwen2_moe, qwen3,
// qwen3_moe, deepseek_v2/v3 (Kimi K2), gpt_oss, gemma, gemma2, gemma3 (text_config), phi3, falcon,
// glm4_moe, nemotron_h (hybrid Mamba-2: hybrid_override_pattern; LatentMoE moe_latent_size; MTP
// num_nextn_predict_layers). Other model_types with the standard decoder keys are read as a Llama-style decoder and
// say so in `assumptions`. `name` empty: the config's _name_or_path, else its model_type.
ImportResult import_hf_config(const std::string& config_json, const std::string& name = "");

// {"version": N, "model": {...every field...}}: the scenario document `envelope import` prints.
std::string imported_scenario_json(const ImportResult& r, int indent = 1);

}  // namespace envelope
