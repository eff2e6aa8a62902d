// Parses the embedded catalog JSON (assets/hardware.json, models.json, prices.json) into SI units.
#include "envelope/catalog.hpp"

#include <nlohmann/json.hpp>
#include <cstdio>
#include <cstdlib>

#include "envelope/units.hpp"

namespace envelope {
using nlohmann::json;

const char* dtype_name(Dtype d) {
  switch (d) {
    case Dtype::fp32: return "fp32";
    case Dtype::tf32: return "tf32";
    case Dtype::bf16: return "bf16";
    case Dtype::fp16: return "fp16";
    case Dtype::fp8: return "fp8";
    case Dtype::int8: return "int8";
    case Dtype::int4: return "int4";
    case Dtype::fp4: return "fp4";
    case Dtype::q8_0: return "q8_0";
    case Dtype::q4_0: return "q4_0";
    case Dtype::q4_k_m: return "q4_k_m";
    case Dtype::mxfp4: return "mxfp4";
    case Dtype::nvfp4: return "nvfp4";
  }
  return "bf16";
}

std::optional<Dtype> dtype_from_name(const std::string& s) {
  for (Dtype d : {Dtype::fp32, Dtype::tf32, Dtype::bf16, Dtype::fp16, Dtype::fp8, Dtype::int8, Dtype::int4,
                  Dtype::fp4, Dtype::q8_0, Dtype::q4_0, Dtype::q4_k_m, Dtype::mxfp4, Dtype::nvfp4})
    if (s == dtype_name(d)) return d;
  return std::nullopt;
}

double Accelerator::peak_flops(Dtype d) const {
  auto first = [](std::initializer_list<double> xs) {
    for (double x : xs)
      if (x > 0) return x;
    return 0.0;
  };
  switch (d) {
    case Dtype::fp32: return first({fp32});
    case Dtype::tf32: return first({tf32, fp32});
    case Dtype::bf16: return first({bf16, fp16, fp32});
    case Dtype::fp16: return first({fp16, bf16, fp32});
    case Dtype::fp8: return first({fp8, bf16, fp16, fp32});  // no fp8 units: dequantized to 16-bit
    case Dtype::fp4: case Dtype::mxfp4: case Dtype::nvfp4: return first({fp4, fp8, bf16, fp16, fp32});
    case Dtype::int8: return first({int8, fp8, bf16, fp16, fp32});
    // Weight-only quantized formats dequantize and multiply on the 16-bit units.
    case Dtype::int4: case Dtype::q8_0: case Dtype::q4_0: case Dtype::q4_k_m: return first({bf16, fp16, fp32});
  }
  return 0;
}

namespace {
double num(const json& j, const char* key, double fallback = 0) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<double>() : fallback;
}
std::optional<double> opt(const json& j, const char* key) {
  auto it = j.find(key);
  if (it != j.end() && it->is_number()) return it->get<double>();
  return std::nullopt;
}
std::string str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}
std::vector<std::string> aliases(const json& j) {
  std::vector<std::string> out;
  if (j.contains("aliases"))
    for (auto& a : j["aliases"]) out.push_back(a.get<std::string>());
  return out;
}

Accelerator parse_accelerator(const json& j, std::string& error) {
  Accelerator a;
  a.id = j.at("id").get<std::string>();
  a.name = str(j, "name");
  a.vendor = str(j, "vendor");
  a.klass = str(j, "class");
  a.aliases = aliases(j);
  const json& t = j.at("tflops");
  a.fp32 = num(t, "fp32") * kTera;
  a.tf32 = num(t, "tf32") * kTera;
  a.bf16 = num(t, "bf16") * kTera;
  a.fp16 = num(t, "fp16") * kTera;
  a.fp8 = num(t, "fp8") * kTera;
  a.int8 = num(t, "int8") * kTera;
  a.fp4 = num(t, "fp4") * kTera;
  a.memory_bytes = num(j, "memory_gb") * kGB;
  a.bandwidth_bytes_per_s = num(j, "bandwidth_gbps") * kGB;
  a.scale_up_bytes_per_s = num(j, "scale_up_gbps") * kGB;
  a.scale_up_domain = static_cast<int>(num(j, "scale_up_domain", 1));
  a.scale_out_bytes_per_s = num(j, "scale_out_gbps") * kGB;
  a.tdp_w = num(j, "tdp_w");
  a.cores = static_cast<int>(num(j, "cores"));
  a.on_demand_usd_per_hour = opt(j, "on_demand_usd_per_hour");
  a.spot_usd_per_hour = opt(j, "spot_usd_per_hour");
  a.on_demand_source = str(j, "on_demand_source");
  a.spot_source = str(j, "spot_source");
  a.source = str(j, "source");
  a.ref = str(j, "ref");
  if (j.contains("seed_table")) {
    const json& s = j["seed_table"];
    if (auto v = opt(s, "fp32_tflops")) a.seed_fp32_flops = *v * kTera;
    if (auto v = opt(s, "fp16_tflops")) a.seed_fp16_flops = *v * kTera;
    if (auto v = opt(s, "bandwidth_gbps")) a.seed_bandwidth_bytes_per_s = *v * kGB;
    if (auto v = opt(s, "memory_gb")) a.seed_memory_bytes = *v * kGB;
  }
  a.seed_note = str(j, "seed_note");
  if (a.memory_bytes <= 0 || a.bandwidth_bytes_per_s <= 0 || a.peak_flops(Dtype::bf16) <= 0)
    error = "catalog: accelerator '" + a.id + "' lacks memory, bandwidth or FLOPS";
  return a;
}

ModelPreset parse_model(const json& j, std::string& error) {
  ModelPreset m;
  m.id = j.at("id").get<std::string>();
  m.name = str(j, "name");
  m.aliases = aliases(j);
  Architecture& a = m.arch;
  a.layers = num(j, "layers");
  a.hidden = num(j, "hidden");
  a.heads = num(j, "heads");
  a.kv_heads = num(j, "kv_heads", a.heads);
  a.head_dim = num(j, "head_dim", a.heads > 0 ? a.hidden / a.heads : 0);
  a.ffn = num(j, "ffn");
  a.vocab = num(j, "vocab");
  a.tied_embeddings = j.value("tied_embeddings", false);
  a.gated_mlp = j.value("gated_mlp", true);
  a.bias = j.value("bias", std::string("none"));
  a.norm = j.value("norm", std::string("rms"));
  a.position_embeddings = num(j, "position_embeddings");
  a.embedding_norm = j.value("embedding_norm", false);
  a.max_context = num(j, "max_context", 4096);
  a.experts = num(j, "experts");
  a.experts_per_token = num(j, "experts_per_token");
  a.shared_experts = num(j, "shared_experts");
  a.expert_ffn = num(j, "expert_ffn");
  a.dense_layers = num(j, "dense_layers");
  a.moe_layer_interval = num(j, "moe_layer_interval", 1);
  a.window = num(j, "window");
  a.window_layers = num(j, "window_layers");
  a.window_kind = j.value("window_kind", std::string("sliding"));
  a.attention = j.value("attention", std::string("gqa"));
  a.q_lora_rank = num(j, "q_lora_rank");
  a.kv_lora_rank = num(j, "kv_lora_rank");
  a.rope_head_dim = num(j, "rope_head_dim");
  a.v_head_dim = num(j, "v_head_dim");
  m.official_params = num(j, "official_params");
  m.official_active_params = num(j, "official_active_params");
  m.official_source = str(j, "official_source");
  m.config_source = str(j, "config_source");
  if (a.layers <= 0 || a.hidden <= 0 || a.heads <= 0 || a.vocab <= 0 || a.ffn <= 0)
    error = "catalog: model '" + m.id + "' lacks layers, hidden, heads, ffn or vocab";
  if (a.moe_layer_interval < 1 || a.window_layers > a.layers || a.window < 0)
    error = "catalog: model '" + m.id + "' has moe_layer_interval < 1 or window_layers > layers";
  return m;
}
}  // namespace

Catalog Catalog::parse(const std::string& hw, const std::string& models, const std::string& prices, std::string& error) {
  Catalog c;
  const json h = json::parse(hw, nullptr, false);
  const json m = json::parse(models, nullptr, false);
  const json p = json::parse(prices, nullptr, false);
  if (!h.is_object() || !m.is_object() || !p.is_object() || !h.contains("accelerators") || !h.contains("networks") ||
      !m.contains("models")) {
    error = "catalog: asset JSON is malformed";
    return c;
  }
  for (const json& a : h["accelerators"]) c.accelerators.push_back(parse_accelerator(a, error));
  for (const json& n : h["networks"]) {
    Network net;
    net.id = n.at("id").get<std::string>();
    net.name = str(n, "name");
    net.source = str(n, "source");
    net.bandwidth_bytes_per_s = num(n, "bandwidth_gbps") * kGB;
    net.latency_s = num(n, "latency_us") * 1e-6;
    c.networks.push_back(net);
  }
  for (const json& model : m["models"]) c.models.push_back(parse_model(model, error));
  auto price = [&](const char* key, double& out, std::string* source = nullptr) {
    if (!p.contains(key) || !p[key].contains("value") || !p[key]["value"].is_number()) {
      error = std::string("catalog: prices lack '") + key + "'";
      return;
    }
    out = p[key]["value"].get<double>();
    if (source) *source = str(p[key], "source");
  };
  price("object_storage_usd_per_gb_month", c.prices.object_storage_usd_per_gb_month, &c.prices.object_storage_source);
  price("egress_usd_per_gb", c.prices.egress_usd_per_gb, &c.prices.egress_source);
  price("kv_node_default_gb", c.prices.kv_node_default_gb);
  price("cpu_machine_usd_per_hour", c.prices.cpu_machine_usd_per_hour);
  price("cpu_cores_per_machine", c.prices.cpu_cores_per_machine);
  price("kv_node_usd_per_hour", c.prices.kv_node_usd_per_hour, &c.prices.kv_node_source);
  price("recommender_host_usd_per_hour", c.prices.recommender_host_usd_per_hour, &c.prices.recommender_host_source);
  return c;
}

const Catalog& Catalog::builtin() {
  static const Catalog c = [] {
    std::string error;
    Catalog parsed = parse(embedded_asset("hardware.json"), embedded_asset("models.json"), embedded_asset("prices.json"), error);
    if (!error.empty()) {  // the embedded catalog is checked by the tests; this cannot ship
      std::fprintf(stderr, "%s\n", error.c_str());
      std::abort();
    }
    return parsed;
  }();
  return c;
}

template <class T>
static const T* find_by_id(const std::vector<T>& xs, const std::string& id) {
  for (const T& x : xs)
    if (x.id == id) return &x;
  for (const T& x : xs)
    for (const std::string& a : x.aliases)
      if (a == id) return &x;
  return nullptr;
}

const Accelerator* Catalog::find_accelerator(const std::string& id) const { return find_by_id(accelerators, id); }
const ModelPreset* Catalog::find_model(const std::string& id) const { return find_by_id(models, id); }
const Network* Catalog::find_network(const std::string& id) const {
  for (const Network& n : networks)
    if (n.id == id) return &n;
  return nullptr;
}

}  // namespace envelope
