// Import of Hugging Face config.json files (tests/fixtures/configs, written from the published
// configs; sources in that directory's README) and the architecture fields they fill: local
// attention windows, MoE layer patterns, MLA. KV figures are checked against hand calculations.
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "envelope/catalog.hpp"
#include "envelope/evaluate.hpp"
#include "envelope/formulas.hpp"
#include "envelope/import.hpp"
#include "envelope/link.hpp"

using namespace envelope;

namespace {

std::string fixture(const std::string& name) {
  std::ifstream f(std::string(ENVELOPE_CONFIGS_DIR) + "/" + name + ".json");
  REQUIRE(f.good());
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// The architecture an imported config resolves to (the scenario document, loaded as the CLI would).
Architecture imported(const std::string& name, Scenario* out = nullptr) {
  const ImportResult r = import_hf_config(fixture(name));
  INFO(name << ": " << r.error);
  REQUIRE(r.ok());
  const LoadResult l = load_scenario_json(imported_scenario_json(r));
  REQUIRE(l.ok());
  CHECK(l.problems.empty());
  if (out) *out = l.scenario;
  return resolved_architecture(l.scenario);
}

}  // namespace

TEST_CASE("every preset read from a config imports to the same architecture as the preset", "[import]") {
  const Catalog& c = Catalog::builtin();
  int checked = 0;
  for (const ModelPreset& m : c.models) {
    if (m.config_source.empty()) continue;
    const auto start = m.config_source.find("tests/fixtures/configs/");
    REQUIRE(start != std::string::npos);
    const std::string file = m.config_source.substr(start + 23, m.config_source.find(".json", start) - start - 23);
    INFO(m.id << " from " << file);
    CHECK(imported(file) == m.arch);
    ++checked;
  }
  CHECK(checked >= 29);
}

TEST_CASE("configs of presets older than the importer import to the same parameters and KV", "[import]") {
  const Catalog& c = Catalog::builtin();
  // DeepSeek-V3: the preset keeps its 131,072-token max_context; the config says 163,840 (YaRN).
  Architecture ds = imported("deepseek-v3");
  CHECK(ds.max_context == 163840);
  ds.max_context = c.find_model("deepseek-v3")->arch.max_context;
  CHECK(ds == c.find_model("deepseek-v3")->arch);
  CHECK(imported("mixtral-8x7b") == c.find_model("mixtral-8x7b")->arch);
  CHECK(params_total(imported("falcon-180b")) == Approx(params_total(c.find_model("falcon-180b")->arch)).epsilon(1e-12));
  // Mistral 7B v0.1's config has a 4,096-token sliding window the older preset does not model: same
  // parameters, same KV up to 4,096 tokens, less beyond.
  const Architecture mi = imported("mistral-7b-v0.1");
  const Architecture& mp = c.find_model("mistral-7b")->arch;
  CHECK(params_total(mi) == Approx(params_total(mp)).epsilon(1e-12));
  CHECK(kv_cache_bytes(mi, Dtype::bf16, 4096, 1) == kv_cache_bytes(mp, Dtype::bf16, 4096, 1));
  CHECK(kv_cache_bytes(mi, Dtype::bf16, 32768, 1) == Approx(kv_cache_bytes(mp, Dtype::bf16, 32768, 1) / 8));
}

TEST_CASE("gpt-oss KV cache: alternating 128-token sliding and full layers, by hand", "[import]") {
  // openai/gpt-oss-20b config: 24 layers alternating sliding_attention / full_attention, sliding_window
  // 128, 8 KV heads of 64. Per layer and token: 2 x 8 x 64 x 2 B = 2,048 B. At 8,192 tokens:
  // 12 x 8,192 + 12 x 128 = 99,840 layer-tokens -> 204,472,320 B per sequence.
  const Architecture a = imported("gpt-oss-20b");
  CHECK(a.window == 128);
  CHECK(a.window_layers == 12);
  CHECK(kv_cache_bytes_per_layer_token(a, Dtype::bf16) == 2048);
  CHECK(kv_cache_bytes(a, Dtype::bf16, 8192, 1) == 204472320.0);
  // Within the window every layer holds every token: 24 x 2,048 B per token.
  CHECK(kv_cache_bytes(a, Dtype::bf16, 100, 1) == 100 * 24 * 2048.0);
  // Model card Table 1: 20.91B total, 3.61B active; its active count leaves out the 201,088 x 2,880
  // embedding table (the unembedding is counted).
  CHECK(params_total(a) == Approx(20.91e9).epsilon(0.01));
  CHECK(params_active(a) - a.vocab * a.hidden == Approx(3.61e9).epsilon(0.01));
  const Architecture big = imported("gpt-oss-120b");
  CHECK(params_active(big) - big.vocab * big.hidden == Approx(5.13e9).epsilon(0.01));
}

TEST_CASE("Gemma 3 KV cache: five 1024-token local layers to one global, by hand", "[import]") {
  // gemma-3-27b text_config: 62 layers, sliding_window 1024, pattern 6 -> floor(62/6) = 10 global,
  // 52 local; 16 KV heads of 128: 2 x 16 x 128 x 2 B = 8,192 B per layer-token. At 131,072 tokens:
  // (10 x 131,072 + 52 x 1,024) x 8,192 = 11,173,625,856 B.
  const Architecture a = imported("gemma-3-27b");
  CHECK(a.window_layers == 52);
  CHECK(a.tied_embeddings);
  CHECK(a.head_dim == 128);  // independent of hidden / heads (5376 / 32 = 168)
  CHECK(kv_cache_bytes(a, Dtype::bf16, 131072, 1) == 11173625856.0);
  // gemma-3-1b: 26 layers, 4 global, 22 local with a 512-token window, 1 KV head of 256:
  // (4 x 32,768 + 22 x 512) x 1,024 B = 145,752,064 B at 32,768 tokens.
  const Architecture one = imported("gemma-3-1b");
  CHECK(one.window == 512);
  CHECK(kv_cache_bytes(one, Dtype::bf16, 32768, 1) == 145752064.0);
  // Gemma 2 alternates: 21 of 42 layers with a 4,096-token window.
  CHECK(imported("gemma-2-9b").window_layers == 21);
}

TEST_CASE("Llama 4 KV cache: chunked attention on three of four layers, by hand", "[import]") {
  // Llama-4-Scout text_config: 48 layers, attention_chunk_size 8192, every 4th layer global (NoPE):
  // 12 global, 36 chunked; 8 KV heads of 128: 4,096 B per layer-token. At 131,072 tokens:
  // (12 x 131,072 + 36 x 8,192) x 4,096 = 7,650,410,496 B.
  const Architecture a = imported("llama-4-scout");
  CHECK(a.window_kind == "chunked");
  CHECK(a.window_layers == 36);
  CHECK(kv_cache_bytes(a, Dtype::bf16, 131072, 1) == 7650410496.0);
  // Model card: 17B active (16 routed experts, 1 chosen, plus the shared expert).
  CHECK(params_active(a) == Approx(17e9).epsilon(0.02));
  // Maverick interleaves: MoE on every 2nd of 48 layers, dense 16,384-wide MLP on the others.
  const Architecture m = imported("llama-4-maverick");
  CHECK(moe_layers(m) == 24);
  CHECK(m.ffn == 16384);
  CHECK(m.expert_ffn == 8192);
  CHECK(params_total(m) == Approx(400e9).epsilon(0.01));
  CHECK(params_active(m) == Approx(17e9).epsilon(0.02));
}

TEST_CASE("DeepSeek-V3 and Kimi K2 MLA KV cache and dense-then-MoE layers, by hand", "[import]") {
  // MLA caches the 512-wide latent and the 64-wide RoPE key per layer: 61 x (512 + 64) x 2 B = 70,272 B.
  const Architecture a = imported("deepseek-v3");
  CHECK(a.attention == "mla");
  CHECK(kv_cache_bytes_per_token(a, Dtype::bf16) == 70272.0);
  CHECK(kv_cache_bytes(a, Dtype::bf16, 4096, 2) == 70272.0 * 4096 * 2);
  CHECK(moe_layers(a) == 58);  // first_k_dense_replace = 3
  const Architecture k = imported("kimi-k2");
  CHECK(moe_layers(k) == 60);  // first_k_dense_replace = 1
  CHECK(k.experts == 384);
  CHECK(kv_cache_bytes_per_token(k, Dtype::bf16) == 70272.0);
}

TEST_CASE("an imported model keeps its name, evaluates with no preset and survives a link", "[import]") {
  const ImportResult r = import_hf_config(fixture("qwen3-30b-a3b"), "My Qwen");
  REQUIRE(r.ok());
  const std::string doc = imported_scenario_json(r);
  CHECK(doc.find("\"preset\"") == std::string::npos);
  const LoadResult l = load_scenario_json(doc);
  REQUIRE(l.problems.empty());
  CHECK(l.scenario.model.name == "My Qwen");
  // Qwen3-30B-A3B model card: 30.5B total, 3.3B activated.
  const Report rep = evaluate(l.scenario);
  CHECK(rep.value("model.params") == Approx(30.5e9).epsilon(0.01));
  CHECK(rep.value("model.active_params") == Approx(3.3e9).epsilon(0.02));
  const LoadResult back = decode_link(encode_link_fragment(l.scenario));
  REQUIRE(back.ok());
  CHECK(back.problems.empty());
  CHECK(back.scenario.model.name == "My Qwen");
  CHECK(evaluate(back.scenario).value("model.params") == rep.value("model.params"));
  CHECK(resolved_architecture(back.scenario) == resolved_architecture(l.scenario));
  // The name defaults to the last part of _name_or_path.
  CHECK(import_hf_config(fixture("qwen3-30b-a3b")).model.name == "Qwen3-30B-A3B");
  // A long name is cut to 200 bytes before a whole character, never inside one: 199 ASCII bytes and
  // a two-byte U+00E9 keep 199 bytes, and the scenario (with its link) still loads.
  nlohmann::json cfg = nlohmann::json::parse(fixture("qwen3-8b"));
  cfg["_name_or_path"] = "org/" + std::string(199, 'q') + "\u00e9tail";
  const ImportResult long_name = import_hf_config(cfg.dump());
  REQUIRE(long_name.ok());
  CHECK(long_name.model.name == std::string(199, 'q'));
  const LoadResult named = load_scenario_json(imported_scenario_json(long_name));
  REQUIRE(named.ok());
  CHECK(named.problems.empty());
}

TEST_CASE("unsupported or incomplete configs are refused with the key named", "[import]") {
  const ImportResult t5 = import_hf_config(fixture("unsupported-t5"));
  CHECK_FALSE(t5.ok());
  CHECK(t5.error.find("'t5'") != std::string::npos);
  CHECK(t5.error.find("hidden_size") != std::string::npos);
  CHECK(import_hf_config("not json").error.find("not a JSON object") != std::string::npos);
  CHECK(import_hf_config(R"({"hidden_size": 8})").error.find("model_type") != std::string::npos);
  const ImportResult no_ffn = import_hf_config(
      R"({"model_type": "llama", "hidden_size": 4096, "num_hidden_layers": 32, "num_attention_heads": 32, "vocab_size": 32000})");
  CHECK(no_ffn.error.find("'intermediate_size' is missing") != std::string::npos);
  const ImportResult no_experts = import_hf_config(
      R"({"model_type": "mixtral", "hidden_size": 4096, "num_hidden_layers": 32, "num_attention_heads": 32, "vocab_size": 32000, "intermediate_size": 14336})");
  CHECK(no_experts.error.find("num_local_experts") != std::string::npos);
}

TEST_CASE("an unknown decoder family is read Llama-style and says so", "[import]") {
  const ImportResult r = import_hf_config(
      R"({"model_type": "olmo2", "hidden_size": 4096, "num_hidden_layers": 32, "num_attention_heads": 32, "vocab_size": 100352, "intermediate_size": 11008})");
  REQUIRE(r.ok());
  bool said = false;
  for (const std::string& a : r.assumptions) said = said || a.find("Llama-style") != std::string::npos;
  CHECK(said);
  CHECK(*r.model.kv_heads == 32);
  // Gemma 3 4B publishes only the keys that differ from Gemma3TextConfig: the defaults are named.
  const ImportResult g = import_hf_config(fixture("gemma-3-4b"));
  REQUIRE(g.ok());
  bool heads_named = false;
  for (const std::string& a : g.assumptions) heads_named = heads_named || a.find("num_attention_heads") != std::string::npos;
  CHECK(heads_named);
}

TEST_CASE("a context beyond max_position_embeddings warns, and local layers shrink the reported KV", "[import]") {
  Scenario s;
  s.model.preset = "gemma-3-1b";
  s.inference.context = 65536;  // config max_position_embeddings 32,768
  const Report r = evaluate(s);
  bool warned = false;
  for (const auto& w : r.warnings) warned = warned || (w.path == "inference.context" && w.message.find("max_position_embeddings") != std::string::npos);
  CHECK(warned);
  // (4 x 65,536 + 22 x 512) x 1,024 B per sequence.
  CHECK(r.value("memory.inference.kv_cache_bytes") == Approx((4 * 65536.0 + 22 * 512) * 1024).epsilon(1e-12));
  s.inference.context = 4096;
  bool quiet = true;
  for (const auto& w : evaluate(s).warnings) quiet = quiet && w.path != "inference.context";
  CHECK(quiet);
}

TEST_CASE("late-2026 accelerators are in the catalog with dense figures and a source", "[import][catalog]") {
  const Catalog& c = Catalog::builtin();
  for (const char* id : {"b300", "gb300", "h100-nvl", "h200-nvl", "l40", "a10", "rtx-6000-ada", "mi350x", "mi355x", "tpu-v7"}) {
    INFO(id);
    const Accelerator* a = c.find_accelerator(id);
    REQUIRE(a != nullptr);
    CHECK_FALSE(a->source.empty());
    // A price only with its published source (tests/core/test_published.cpp matches each to its
    // record); without one, none (the report warns, never a silent $0).
    if (a->on_demand_usd_per_hour) CHECK(a->on_demand_source.rfind("no ", 0) == std::string::npos);
  }
  for (const char* id : {"gb300", "h200-nvl", "rtx-6000-ada", "mi350x", "mi355x", "tpu-v7"}) {
    INFO(id);
    CHECK_FALSE(c.find_accelerator(id)->on_demand_usd_per_hour.has_value());
  }
  // NVIDIA H100/H200 datasheets, NVL columns: BF16 1,671 TFLOPS with sparsity -> 835.5 dense.
  CHECK(c.find_accelerator("h100-nvl")->bf16 == Approx(1671e12 / 2).epsilon(0.001));
  CHECK(c.find_accelerator("h200-nvl")->bf16 == Approx(1671e12 / 2).epsilon(0.001));
  // stas00/ml-engineering dense table: B300 bf16 2,250, MI355X 2,500, TPU v7x 2,307.
  CHECK(c.find_accelerator("b300")->bf16 == Approx(2250e12));
  CHECK(c.find_accelerator("mi355x")->bf16 == Approx(2500e12));
  CHECK(c.find_accelerator("tpu-v7")->bf16 == Approx(2307e12));
}
