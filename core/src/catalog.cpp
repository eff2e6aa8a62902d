// Reads the catalog (assets/hardware.json, models.json, prices.json, as tables generated at build
// time: asset_tables.hpp) into SI units.
#include "envelope/catalog.hpp"

#include <cstdio>
#include <cstdlib>

#include "asset_tables.hpp"
#include "envelope/units.hpp"

namespace envelope {

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
Accelerator read_accelerator(const AssetFields& j, std::string& error) {
  Accelerator a;
  a.id = j.str("id");
  a.name = j.str("name");
  a.vendor = j.str("vendor");
  a.klass = j.str("class");
  a.aliases = j.strings("aliases");
  a.fp32 = j.num("tflops.fp32") * kTera;
  a.tf32 = j.num("tflops.tf32") * kTera;
  a.bf16 = j.num("tflops.bf16") * kTera;
  a.fp16 = j.num("tflops.fp16") * kTera;
  a.fp8 = j.num("tflops.fp8") * kTera;
  a.int8 = j.num("tflops.int8") * kTera;
  a.fp4 = j.num("tflops.fp4") * kTera;
  a.memory_bytes = j.num("memory_gb") * kGB;
  a.bandwidth_bytes_per_s = j.num("bandwidth_gbps") * kGB;
  a.scale_up_bytes_per_s = j.num("scale_up_gbps") * kGB;
  a.scale_up_domain = static_cast<int>(j.num("scale_up_domain", 1));
  a.scale_out_bytes_per_s = j.num("scale_out_gbps") * kGB;
  a.host_link_bytes_per_s = j.num("host_link_gbps") * kGB;
  a.host_link = j.str("host_link");
  a.tdp_w = j.num("tdp_w");
  a.cores = static_cast<int>(j.num("cores"));
  a.on_demand_usd_per_hour = j.opt("on_demand_usd_per_hour");
  a.spot_usd_per_hour = j.opt("spot_usd_per_hour");
  a.on_demand_source = j.str("on_demand_source");
  a.spot_source = j.str("spot_source");
  a.source = j.str("source");
  a.ref = j.str("ref");
  if (auto v = j.opt("seed_table.fp32_tflops")) a.seed_fp32_flops = *v * kTera;
  if (auto v = j.opt("seed_table.fp16_tflops")) a.seed_fp16_flops = *v * kTera;
  if (auto v = j.opt("seed_table.bandwidth_gbps")) a.seed_bandwidth_bytes_per_s = *v * kGB;
  if (auto v = j.opt("seed_table.memory_gb")) a.seed_memory_bytes = *v * kGB;
  a.seed_note = j.str("seed_note");
  if (a.id.empty() || a.memory_bytes <= 0 || a.bandwidth_bytes_per_s <= 0 || a.peak_flops(Dtype::bf16) <= 0)
    error = "catalog: accelerator '" + a.id + "' lacks an id, memory, bandwidth or FLOPS";
  return a;
}

ModelPreset read_model(const AssetFields& j, std::string& error) {
  ModelPreset m;
  m.id = j.str("id");
  m.name = j.str("name");
  m.aliases = j.strings("aliases");
  Architecture& a = m.arch;
  a.layers = j.num("layers");
  a.hidden = j.num("hidden");
  a.heads = j.num("heads");
  a.kv_heads = j.num("kv_heads", a.heads);
  a.head_dim = j.num("head_dim", a.heads > 0 ? a.hidden / a.heads : 0);
  a.ffn = j.num("ffn");
  a.vocab = j.num("vocab");
  a.tied_embeddings = j.flag("tied_embeddings", false);
  a.gated_mlp = j.flag("gated_mlp", true);
  a.bias = j.str("bias", "none");
  a.norm = j.str("norm", "rms");
  a.position_embeddings = j.num("position_embeddings");
  a.embedding_norm = j.flag("embedding_norm", false);
  a.max_context = j.num("max_context", 4096);
  a.experts = j.num("experts");
  a.experts_per_token = j.num("experts_per_token");
  a.shared_experts = j.num("shared_experts");
  a.expert_ffn = j.num("expert_ffn");
  a.dense_layers = j.num("dense_layers");
  a.moe_layer_interval = j.num("moe_layer_interval", 1);
  a.window = j.num("window");
  a.window_layers = j.num("window_layers");
  a.window_kind = j.str("window_kind", "sliding");
  a.attention = j.str("attention", "gqa");
  a.q_lora_rank = j.num("q_lora_rank");
  a.kv_lora_rank = j.num("kv_lora_rank");
  a.rope_head_dim = j.num("rope_head_dim");
  a.v_head_dim = j.num("v_head_dim");
  a.mtp_layers = j.num("mtp_layers");
  a.expert_groups = j.num("expert_groups");
  a.expert_groups_per_token = j.num("expert_groups_per_token");
  a.linear_layers = j.num("linear_layers");
  a.ssm_heads = j.num("ssm_heads");
  a.ssm_head_dim = j.num("ssm_head_dim");
  a.ssm_state = j.num("ssm_state");
  a.ssm_groups = j.num("ssm_groups", 1);
  a.ssm_conv = j.num("ssm_conv", 4);
  a.mixer_only_layers = j.num("mixer_only_layers");
  a.moe_latent = j.num("moe_latent");
  m.official_params = j.num("official_params");
  m.official_active_params = j.num("official_active_params");
  m.official_source = j.str("official_source");
  m.config_source = j.str("config_source");
  if (m.id.empty() || a.layers <= 0 || a.hidden <= 0 || a.heads <= 0 || a.vocab <= 0 || a.ffn <= 0)
    error = "catalog: model '" + m.id + "' lacks an id, layers, hidden, heads, ffn or vocab";
  if (a.moe_layer_interval < 1 || a.window_layers > a.layers || a.window < 0)
    error = "catalog: model '" + m.id + "' has moe_layer_interval < 1 or window_layers > layers";
  if (a.linear_layers < 0 || a.linear_layers + a.window_layers > a.layers || a.mixer_only_layers < 0 ||
      a.mixer_only_layers >= a.layers || (a.linear_layers > 0 && (a.ssm_heads <= 0 || a.ssm_head_dim <= 0 || a.ssm_state <= 0)))
    error = "catalog: model '" + m.id + "' has linear_layers + window_layers > layers, mixer_only_layers >= layers, or SSM "
            "layers without ssm_heads, ssm_head_dim and ssm_state";
  return m;
}
}  // namespace

Catalog Catalog::read_tables(std::string& error) {
  Catalog c;
  const auto accelerators = asset_records("hardware.json", "accelerators");
  const auto networks = asset_records("hardware.json", "networks");
  const auto models = asset_records("models.json", "models");
  const auto prices = asset_records("prices.json", "");
  if (accelerators.empty() || networks.empty() || models.empty() || prices.empty()) {
    error = "catalog: an asset table is missing (hardware.json accelerators or networks, models.json models, prices.json)";
    return c;
  }
  c.accelerators.reserve(accelerators.size());
  for (AssetRecord r : accelerators) c.accelerators.push_back(read_accelerator(AssetFields(r), error));
  for (AssetRecord r : networks) {
    const AssetFields n(r);
    Network net;
    net.id = n.str("id");
    net.name = n.str("name");
    net.source = n.str("source");
    net.bandwidth_bytes_per_s = n.num("bandwidth_gbps") * kGB;
    net.latency_s = n.num("latency_us") * 1e-6;
    if (net.id.empty()) error = "catalog: a network lacks an id";
    c.networks.push_back(std::move(net));
  }
  c.models.reserve(models.size());
  for (AssetRecord r : models) c.models.push_back(read_model(AssetFields(r), error));
  const AssetFields p(prices.front());
  auto price = [&](const std::string& key, double& out, std::string* source = nullptr) {
    const std::optional<double> v = p.opt(key + ".value");
    if (!v) {
      error = "catalog: prices lack '" + key + "'";
      return;
    }
    out = *v;
    if (source) *source = p.str(key + ".source");
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
    Catalog read = read_tables(error);
    if (!error.empty()) {  // the embedded catalog is checked by the tests; this cannot ship
      std::fprintf(stderr, "%s\n", error.c_str());
      std::abort();
    }
    return read;
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
