// Hugging Face config.json -> scenario model section (import.hpp). Key names and defaults follow the
// transformers configuration classes of each family (configuration_<family>.py); where a published
// config leaves a key out, the class default it falls back to is used and listed as an assumption.
#include "envelope/import.hpp"

#include <cmath>
#include <nlohmann/json.hpp>

#include "envelope/format.hpp"

namespace envelope {
using nlohmann::json;

namespace {

struct ConfigReader {
  const json& j;
  std::string family;
  std::vector<std::string>& assumptions;
  std::string error;

  const json* find(const char* key) const {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return nullptr;
    return &*it;
  }
  bool has(const char* key) const { return find(key) != nullptr; }
  // A required number: missing or not a positive number is an error naming the key.
  double need(const char* key) {
    const json* v = find(key);
    if (!v || !v->is_number() || !std::isfinite(v->get<double>()) || v->get<double>() <= 0) {
      if (error.empty())
        error = std::string("config.json: '") + key + "' is " + (v ? "not a positive number" : "missing") +
                " (model_type '" + family + "')";
      return 0;
    }
    return v->get<double>();
  }
  // An optional number; `why` non-null: its absence is reported as an assumption.
  double get(const char* key, double fallback, const char* why = nullptr) {
    const json* v = find(key);
    if (v && v->is_number() && std::isfinite(v->get<double>()) && v->get<double>() >= 0) return v->get<double>();
    if (v && error.empty()) error = std::string("config.json: '") + key + "' is not a non-negative number";
    if (why) assumptions.push_back(std::string(key) + " absent: " + format_short(fallback) + " (" + why + ")");
    return fallback;
  }
  bool flag(const char* key, bool fallback, const char* why = nullptr) {
    const json* v = find(key);
    if (v && v->is_boolean()) return v->get<bool>();
    if (why) assumptions.push_back(std::string(key) + " absent: " + (fallback ? "true" : "false") + " (" + why + ")");
    return fallback;
  }
  // Layers whose entry in layer_types is `local` (transformers >= 4.53 writes the per-layer list);
  // -1 when the config has no such list.
  double count_layer_types(const char* local) const {
    const json* v = find("layer_types");
    if (!v || !v->is_array()) return -1;
    double n = 0;
    for (const json& t : *v)
      if (t.is_string() && t.get<std::string>() == local) ++n;
    return n;
  }
};

bool is_known_family(const std::string& t) {
  for (const char* f : {"llama", "llama4", "llama4_text", "mistral", "mixtral", "qwen2", "qwen2_moe", "qwen3", "qwen3_moe",
                        "deepseek_v2", "deepseek_v3", "kimi_k2", "gpt_oss", "gemma", "gemma2", "gemma3", "gemma3_text", "phi3",
                        "falcon", "glm4_moe", "nemotron_h", "qwen3_next"})
    if (t == f) return true;
  return false;
}

}  // namespace

ImportResult import_hf_config(const std::string& text, const std::string& name) {
  ImportResult r;
  const json root = json::parse(text, nullptr, false);
  if (root.is_discarded() || !root.is_object()) {
    r.error = "config.json: not a JSON object";
    return r;
  }
  auto type_of = [](const json& j) {
    auto it = j.find("model_type");
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  const std::string outer_type = type_of(root);
  // Multimodal configs (Llama 4, Gemma 3, Mistral 3): the language model is text_config.
  const json* cfg = &root;
  if (root.contains("text_config") && root["text_config"].is_object()) {
    cfg = &root["text_config"];
    r.assumptions.push_back("multimodal config (" + outer_type + "): the language model in text_config is imported; "
                            "vision encoder and projector are not counted");
  }
  std::string type = type_of(*cfg);
  if (type.empty() && cfg != &root) {
    // gemma3 text_config omits its model_type in some published configs.
    type = outer_type == "gemma3" ? "gemma3_text" : outer_type == "llama4" ? "llama4_text" : outer_type;
  }
  if (type.empty()) {
    r.error = "config.json: 'model_type' is missing";
    return r;
  }
  r.model_type = type;
  const bool known = is_known_family(type);
  ConfigReader c{*cfg, type, r.assumptions, {}};
  ModelSection& m = r.model;

  const bool gemma3 = type == "gemma3" || type == "gemma3_text";
  const bool llama4 = type == "llama4" || type == "llama4_text";
  const bool deepseek = type == "deepseek_v2" || type == "deepseek_v3" || type == "kimi_k2";
  const bool falcon = type == "falcon";
  const bool nemotron_h = type == "nemotron_h";
  const bool qwen3_next = type == "qwen3_next";
  if (!known && !(c.has("hidden_size") && c.has("num_hidden_layers") && c.has("num_attention_heads"))) {
    r.error = "config.json: model_type '" + type + "' is not supported and the config lacks '" +
              std::string(!c.has("hidden_size") ? "hidden_size" : !c.has("num_hidden_layers") ? "num_hidden_layers"
                                                                                              : "num_attention_heads") +
              "' (a decoder-only transformer is needed)";
    return r;
  }
  if (!known)
    r.assumptions.push_back("model_type '" + type + "' is not a known family: read as a Llama-style decoder "
                            "(gated MLP, RMSNorm, no biases, global attention on every layer)");

  // ---------------------------------------------------------------- shared decoder keys
  const char* class_default = gemma3 ? "Gemma3TextConfig default" : "transformers class default";
  if (gemma3) {
    // Gemma 3 4B publishes only the keys that differ from Gemma3TextConfig's defaults.
    m.hidden = c.get("hidden_size", 2304, class_default);
    m.layers = c.get("num_hidden_layers", 26, class_default);
    m.heads = c.get("num_attention_heads", 8, class_default);
    m.kv_heads = c.get("num_key_value_heads", 4, class_default);
    m.head_dim = c.get("head_dim", 256, class_default);
    m.ffn = c.get("intermediate_size", 9216, class_default);
    m.vocab = c.get("vocab_size", 262208, class_default);
  } else {
    m.hidden = c.need("hidden_size");
    // Nemotron 3 Ultra's config leaves num_hidden_layers null: its blocks are counted below.
    m.layers = nemotron_h && !c.has("num_hidden_layers") ? 1.0
                                                          : c.need(falcon && !c.has("num_hidden_layers") ? "n_layer" : "num_hidden_layers");
    m.heads = c.need(falcon && !c.has("num_attention_heads") ? "n_head" : "num_attention_heads");
    m.vocab = c.need("vocab_size");
  }
  if (!c.error.empty()) {
    r.error = c.error;
    return r;
  }
  const double heads = *m.heads;
  if (falcon) {
    // Falcon: new_decoder_architecture (40B/180B) uses num_kv_heads groups; 7B is multi-query.
    const bool new_arch = c.flag("new_decoder_architecture", false);
    const bool mqa = c.flag("multi_query", true);
    m.kv_heads = new_arch ? c.get("num_kv_heads", heads, "FalconConfig default: one per head") : (mqa ? 1.0 : heads);
    m.head_dim = *m.hidden / heads;
    m.ffn = c.get("ffn_hidden_size", 4 * *m.hidden, "FalconConfig default: 4 x hidden_size");
    m.gated_mlp = 0;
    m.norm = "layer";
    m.bias = c.flag("bias", false) ? "all" : "none";
    m.tied_embeddings = c.flag("tie_word_embeddings", true, "PretrainedConfig default") ? 1 : 0;
  } else if (!gemma3) {
    m.kv_heads = deepseek ? heads : c.get("num_key_value_heads", heads, "absent means multi-head attention");
    m.head_dim = c.get("head_dim", std::floor(*m.hidden / heads));
    m.ffn = c.need("intermediate_size");
  }
  if (!c.error.empty()) {
    r.error = c.error;
    return r;
  }
  if (!falcon) {
    m.gated_mlp = 1;
    m.norm = "rms";
    const bool gemma = type == "gemma" || type == "gemma2" || gemma3;
    // Tied input/output embeddings: Gemma and PretrainedConfig default to true, the Llama family to false.
    m.tied_embeddings = c.flag("tie_word_embeddings", gemma, gemma ? "Gemma default: tied" : "Llama-family default: untied") ? 1 : 0;
    const bool qkv_bias = type == "qwen2" || type == "qwen2_moe" ? true : c.flag("attention_bias", false);
    m.bias = qkv_bias ? "qkv" : "none";
  }
  m.max_context = c.get("max_position_embeddings", gemma3 ? 131072 : 4096, gemma3 ? class_default : "transformers default");
  m.position_embeddings = 0;
  m.embedding_norm = 0;
  m.attention = "gqa";
  m.q_lora_rank = m.kv_lora_rank = m.rope_head_dim = m.v_head_dim = 0;
  m.experts = m.experts_per_token = m.shared_experts = m.expert_ffn = 0;
  m.dense_layers = 0;
  m.moe_layer_interval = 1;
  m.window = m.window_layers = 0;
  m.window_kind = "sliding";
  m.mtp_layers = 0;
  m.expert_groups = m.expert_groups_per_token = 0;
  m.linear_layers = m.ssm_heads = m.ssm_head_dim = m.ssm_state = m.mixer_only_layers = 0;
  m.ssm_groups = 1;
  m.ssm_conv = 4;
  m.moe_latent = 0;
  double L = *m.layers;

  // ---------------------------------------------------------------- hybrid Mamba-2 / attention (Nemotron-H)
  if (nemotron_h) {
    // One block per entry of hybrid_override_pattern (NemotronHConfig): "M" Mamba-2, "*" attention,
    // "E" MoE, "-" MLP; newer configs list layers_block_type ("mamba", "attention", "moe", "mlp").
    // Envelope's layers pair a mixer with an MLP: mixers = M + *, of which mixers - MLPs have none.
    double mamba = 0, attention = 0, moe = 0, mlp = 0;
    bool listed = false;
    if (const json* p = c.find("hybrid_override_pattern"); p && p->is_string()) {
      listed = true;
      for (const char ch : p->get<std::string>()) {
        mamba += ch == 'M';
        attention += ch == '*';
        moe += ch == 'E';
        mlp += ch == '-';
      }
    } else if (const json* t = c.find("layers_block_type"); t && t->is_array()) {
      listed = true;
      for (const json& b : *t) {
        const std::string k = b.is_string() ? b.get<std::string>() : "";
        mamba += k == "mamba";
        attention += k == "attention";
        moe += k == "moe";
        mlp += k == "mlp";
      }
    }
    const double mixers = mamba + attention, mlps = moe + mlp;
    if (!listed || mixers <= 0 || mlps <= 0 || mlps > mixers) {
      r.error = listed ? "config.json: hybrid_override_pattern needs mixer blocks (M, *) at least as many as MLP blocks (E, -), "
                         "and one of each"
                       : "config.json: 'hybrid_override_pattern' (or 'layers_block_type') is missing (model_type 'nemotron_h')";
      return r;
    }
    m.layers = L = mixers;
    m.mixer_only_layers = mixers - mlps;
    m.linear_layers = mamba;
    m.ssm_heads = c.need("mamba_num_heads");
    m.ssm_head_dim = c.need("mamba_head_dim");
    m.ssm_state = c.need("ssm_state_size");
    m.ssm_groups = c.get("n_groups", 8, "NemotronHConfig default");
    m.ssm_conv = c.get("conv_kernel", 4, "NemotronHConfig default");
    m.gated_mlp = 0;  // squared ReLU, not gated (mlp_hidden_act relu2)
    if (moe > 0) {
      m.experts = c.need("n_routed_experts");
      m.experts_per_token = c.need("num_experts_per_tok");
      m.expert_ffn = c.get("moe_intermediate_size", *m.ffn);
      // The shared expert, moe_shared_expert_intermediate_size wide, as that many expert widths.
      if (*m.expert_ffn > 0)
        m.shared_experts = c.get("n_shared_experts", 1) * c.get("moe_shared_expert_intermediate_size", 0) / *m.expert_ffn;
      m.dense_layers = mlp;
      if (mlp > 0) r.assumptions.push_back("dense MLP blocks ('-') counted as the first layers (their positions are not modelled)");
      m.moe_latent = c.get("moe_latent_size", 0);  // LatentMoE (Nemotron 3 Super, Ultra); null: none
    }
    // Multi-token prediction (Nemotron 3 Super: one attention + MoE block, mtp_hybrid_override_pattern "*E").
    m.mtp_layers = c.get("num_nextn_predict_layers", 0);
    if (*m.mtp_layers > 0) {
      const json* mp = c.find("mtp_hybrid_override_pattern");
      const std::string pattern = mp && mp->is_string() ? mp->get<std::string>() : "";
      r.assumptions.push_back("num_nextn_predict_layers: the multi-token-prediction block is kept as model.mtp_layers (one attention "
                              "and one MoE/MLP block each" + (pattern.empty() ? std::string() : ", pattern '" + pattern + "'") +
                              "), outside the parameter count and decoding");
    }
    r.assumptions.push_back("Nemotron-H blocks are each a mixer or an MLP: read as " + format_short(mixers) + " layers (" +
                            format_short(mamba) + " Mamba-2, " + format_short(attention) + " attention), " +
                            format_short(mlps) + " of them with an MLP/MoE");
    if (!c.error.empty()) {
      r.error = c.error;
      return r;
    }
  }

  // ---------------------------------------------------------------- hybrid gated DeltaNet / attention (Qwen3-Next)
  if (qwen3_next) {
    // Qwen3NextConfig: every layer a mixer (layer_types "linear_attention" or "full_attention"; absent,
    // every full_attention_interval-th layer is full) and an MoE block. A gated DeltaNet layer (Yang et
    // al. 2025, arXiv:2412.06464) keeps, like a Mamba-2 layer, a fixed state per sequence: value heads x
    // key dim x value dim, and a causal convolution over q, k and v; its projections (q, k, v, the output
    // gate z, and a, b per value head) and out_proj match Mamba-2's z, x, B, C, dt and out_proj with
    // heads = linear_num_value_heads, head_dim = linear_value_head_dim, state = linear_key_head_dim and
    // groups = linear_num_key_heads, within 0.01% of its parameters: read as that shape.
    double linear = c.count_layer_types("linear_attention");
    if (linear < 0) {
      const double interval = std::max(1.0, c.get("full_attention_interval", 4, "Qwen3NextConfig default"));
      linear = L - std::floor(L / interval);
    }
    m.linear_layers = linear;
    m.ssm_heads = c.get("linear_num_value_heads", 32, "Qwen3NextConfig default");
    m.ssm_head_dim = c.get("linear_value_head_dim", 128, "Qwen3NextConfig default");
    m.ssm_state = c.get("linear_key_head_dim", 128, "Qwen3NextConfig default");
    m.ssm_groups = c.get("linear_num_key_heads", 16, "Qwen3NextConfig default");
    m.ssm_conv = c.get("linear_conv_kernel_dim", 4, "Qwen3NextConfig default");
    m.experts = c.need("num_experts");
    m.experts_per_token = c.need("num_experts_per_tok");
    m.expert_ffn = c.need("moe_intermediate_size");
    m.moe_layer_interval = c.get("decoder_sparse_step", 1);
    if (*m.expert_ffn > 0) m.shared_experts = c.get("shared_expert_intermediate_size", 0) / *m.expert_ffn;
    r.assumptions.push_back("gated DeltaNet layers read as Mamba-2-shaped linear layers (the same state and convolution, "
                            "parameters within 0.01%; the scan's training rate is the Mamba-2 fit); the attention layers' "
                            "output gate (q_proj twice as wide, ~0.1% of the parameters) is not counted");
    if (const json* v = c.find("mlp_only_layers"); v && v->is_array() && !v->empty())
      r.assumptions.push_back("mlp_only_layers listed: counted as MoE layers (their positions are not modelled)");
    if (!c.error.empty()) {
      r.error = c.error;
      return r;
    }
  }

  // ---------------------------------------------------------------- attention layout
  auto all_layers_window = [&] {  // Mistral / Mixtral / Phi-3: one window on every layer when set
    const double w = c.get("sliding_window", 0);
    if (w > 0) {
      m.window = w;
      m.window_layers = L;
    }
  };
  if (type == "mistral" || type == "mixtral" || type == "phi3") all_layers_window();
  if ((type == "qwen2" || type == "qwen2_moe" || type == "qwen3" || type == "qwen3_moe") && c.flag("use_sliding_window", false)) {
    // Qwen2/3: layers from max_window_layers on use the window when use_sliding_window is set.
    m.window = c.get("sliding_window", 0);
    m.window_layers = std::max(0.0, L - c.get("max_window_layers", L));
  }
  if (type == "gpt_oss" || type == "gemma2" || gemma3) {
    const double w = c.get("sliding_window", gemma3 ? 4096 : 4096, "class default");
    double local = c.count_layer_types("sliding_attention");
    if (local < 0) {
      if (gemma3) {
        // Gemma3: layer i is global when (i + 1) % sliding_window_pattern == 0 (5 local : 1 global).
        const double pattern = c.get("sliding_window_pattern", 6, class_default);
        local = L - std::floor(L / std::max(1.0, pattern));
      } else {
        // Gemma 2 and gpt-oss alternate, starting with a local layer (layer_idx % 2 == 0).
        local = std::ceil(L / 2);
        r.assumptions.push_back("layer_types absent: layers alternate sliding and full attention, starting with sliding");
      }
    }
    m.window = w;
    m.window_layers = local;
  }
  if (llama4) {
    // Llama 4: chunked attention on the RoPE layers, every no_rope_layer_interval-th layer is a global NoPE layer.
    const double chunk = c.get("attention_chunk_size", 8192, "Llama4TextConfig default");
    double local = -1;
    if (const json* v = c.find("no_rope_layers"); v && v->is_array() && !v->empty()) {
      local = 0;
      for (const json& x : *v)
        if (x.is_number() && x.get<double>() != 0) ++local;
    }
    if (local < 0) local = L - std::floor(L / std::max(1.0, c.get("no_rope_layer_interval", 4, "Llama4TextConfig default")));
    m.window = chunk;
    m.window_layers = local;
    m.window_kind = "chunked";
  }

  // ---------------------------------------------------------------- mixture of experts
  if (type == "mixtral") {
    m.experts = c.need("num_local_experts");
    m.experts_per_token = c.get("num_experts_per_tok", 2, "MixtralConfig default");
    m.expert_ffn = m.ffn;
  } else if (type == "gpt_oss") {
    m.experts = c.need("num_local_experts");
    m.experts_per_token = c.has("num_experts_per_tok") ? c.get("num_experts_per_tok", 4) : c.get("experts_per_token", 4, "GptOssConfig default");
    m.expert_ffn = m.ffn;
  } else if (type == "qwen3_moe" || type == "qwen2_moe") {
    m.experts = c.need("num_experts");
    m.experts_per_token = c.need("num_experts_per_tok");
    m.expert_ffn = c.need("moe_intermediate_size");
    m.moe_layer_interval = c.get("decoder_sparse_step", 1);
    if (type == "qwen2_moe" && *m.expert_ffn > 0) {
      // One shared expert of shared_expert_intermediate_size = that many expert widths (same parameters).
      m.shared_experts = c.get("shared_expert_intermediate_size", 0) / *m.expert_ffn;
    }
    if (const json* v = c.find("mlp_only_layers"); v && v->is_array() && !v->empty())
      r.assumptions.push_back("mlp_only_layers listed: counted as MoE layers (their positions are not modelled)");
  } else if (deepseek || type == "glm4_moe") {
    m.experts = c.need("n_routed_experts");
    m.experts_per_token = c.need("num_experts_per_tok");
    m.shared_experts = c.get("n_shared_experts", 0);
    m.expert_ffn = c.need("moe_intermediate_size");
    m.dense_layers = c.get("first_k_dense_replace", 0);
    m.moe_layer_interval = c.get("moe_layer_freq", 1);
    m.mtp_layers = c.get("num_nextn_predict_layers", 0);
    // Group-limited routing (DeepSeek-V3: n_group 8, topk_group 4). One group, or every group picked,
    // is no limit and stays 0 (Kimi K2, GLM-4.5: 1 and 1).
    const json* ng = c.find("n_group");
    const json* tg = c.find("topk_group");
    if (ng && tg && ng->is_number() && tg->is_number()) {
      const double groups = c.get("n_group", 0), picked = c.get("topk_group", 0);
      if (groups > 1 && picked < groups) {
        m.expert_groups = groups;
        m.expert_groups_per_token = picked;
      }
    }
    if (*m.mtp_layers > 0)
      r.assumptions.push_back("num_nextn_predict_layers: the multi-token-prediction layer is kept as model.mtp_layers, "
                              "outside the parameter count and decoding; training memory counts it with "
                              "training.multi_token_prediction");
  } else if (llama4) {
    m.experts = c.need("num_local_experts");
    m.experts_per_token = c.get("num_experts_per_tok", 1, "Llama4TextConfig default");
    m.expert_ffn = m.ffn;  // intermediate_size: routed and shared experts
    m.ffn = c.get("intermediate_size_mlp", *m.ffn, "dense layers as wide as the experts");
    m.shared_experts = 1;
    m.moe_layer_interval = c.get("interleave_moe_layer_step", 1, "Llama4TextConfig default");
  }
  if (deepseek) {
    // Multi-head latent attention: KV cache holds the kv_lora_rank latent + the shared RoPE key.
    m.attention = "mla";
    m.q_lora_rank = c.get("q_lora_rank", 0);  // null: queries projected directly (DeepSeek-V2-Lite)
    m.kv_lora_rank = c.need("kv_lora_rank");
    m.rope_head_dim = c.need("qk_rope_head_dim");
    m.head_dim = c.need("qk_nope_head_dim");
    m.v_head_dim = c.need("v_head_dim");
  }
  if (!c.error.empty()) {
    r.error = c.error;
    return r;
  }

  // ---------------------------------------------------------------- name
  std::string n = name;
  if (n.empty()) {
    auto it = root.find("_name_or_path");
    if (it != root.end() && it->is_string()) {
      n = it->get<std::string>();
      const auto slash = n.find_last_of('/');
      if (slash != std::string::npos) n = n.substr(slash + 1);
    }
  }
  if (n.empty()) n = type;
  // At most 200 bytes (the scenario's name limit is 200 characters), cut before a whole character:
  // a name cut inside a UTF-8 sequence would not be valid text in the scenario's JSON.
  if (n.size() > 200) {
    size_t end = 200;
    while (end > 0 && (static_cast<unsigned char>(n[end]) & 0xC0) == 0x80) --end;
    n.resize(end);
  }
  m.name = n;
  return r;
}

std::string imported_scenario_json(const ImportResult& r, int indent) {
  Scenario s;
  s.model = r.model;
  json full = json::parse(scenario_to_json(s, /*minimal=*/false));
  json model = full["model"];
  model.erase("preset");
  model.erase("params");
  model.erase("active_params");
  nlohmann::ordered_json out;  // "version" first, as every scenario document
  out["version"] = kScenarioVersion;
  out["model"] = nlohmann::ordered_json::parse(model.dump());
  return out.dump(indent);
}

}  // namespace envelope
