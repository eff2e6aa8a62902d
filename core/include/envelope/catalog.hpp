// The catalog: accelerators, models, networks and prices, from assets/*.json, which are turned into
// constant tables at build time (cmake/asset_tables.py, core/CMakeLists.txt). All values converted to
// SI here.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace envelope {

// Numeric formats a weight, KV cache or compute can use.
// int4 = GPTQ/AWQ group-128 integer weights; fp4 = mxfp4 (OCP MX E2M1 with a shared scale per 32);
// nvfp4 = NVIDIA's E2M1 with an FP8 scale per 16. Bits per weight with their scales: formulas.hpp.
enum class Dtype { fp32, tf32, bf16, fp16, fp8, int8, int4, fp4, q8_0, q4_0, q4_k_m, mxfp4, nvfp4 };
const char* dtype_name(Dtype d);
std::optional<Dtype> dtype_from_name(const std::string& s);

struct Accelerator {
  std::string id, name, vendor, klass;  // klass: datacenter-gpu, inference-gpu, consumer-gpu, tpu, cpu
  std::vector<std::string> aliases;
  // Dense peak FLOP/s per dtype; 0 where the device has no such unit.
  double fp32 = 0, tf32 = 0, bf16 = 0, fp16 = 0, fp8 = 0, int8 = 0, fp4 = 0;
  double memory_bytes = 0;
  double bandwidth_bytes_per_s = 0;
  double scale_up_bytes_per_s = 0;   // 0: no scale-up link (PCIe only)
  int scale_up_domain = 1;           // devices reachable over the scale-up link
  double scale_out_bytes_per_s = 0;  // per device, node to node
  double host_link_bytes_per_s = 0;  // to the host CPU's memory, each way (PCIe / NVLink-C2C); 0: unknown
  std::string host_link;             // what that link is ("PCIe Gen5 x16 ...")
  double tdp_w = 0;
  int cores = 0;                     // CPU entries only
  std::optional<double> on_demand_usd_per_hour, spot_usd_per_hour;
  std::string on_demand_source, spot_source, source, ref;
  // The seed's own table row for this device, where it has one (Reference panel, seed tests).
  std::optional<double> seed_fp32_flops, seed_fp16_flops, seed_bandwidth_bytes_per_s, seed_memory_bytes;
  std::string seed_note;

  // Dense peak FLOP/s for compute in `d`, falling back to the nearest unit the device has
  // (bf16 -> fp16 on T4/V100; int4/GGUF run on the int8 or fp16 units).
  double peak_flops(Dtype d) const;
};

struct Network {
  std::string id, name, source;
  double bandwidth_bytes_per_s = 0;  // 0: varies
  double latency_s = 0;
};

// Transformer architecture. Parameter counts are derived from it (model.hpp).
struct Architecture {
  double layers = 0, hidden = 0, heads = 0, kv_heads = 0, head_dim = 0, ffn = 0, vocab = 0;
  bool tied_embeddings = false, gated_mlp = true;
  std::string bias = "none";  // none | qkv | all
  std::string norm = "rms";   // rms | layer
  double position_embeddings = 0;
  bool embedding_norm = false;
  double max_context = 4096;
  // Mixture of experts (experts == 0: dense).
  double experts = 0, experts_per_token = 0, shared_experts = 0, expert_ffn = 0, dense_layers = 0;
  // After the first dense_layers, every moe_layer_interval-th layer is MoE and the others use the
  // dense ffn (Llama 4 Maverick interleave_moe_layer_step = 2; 1: every layer).
  double moe_layer_interval = 1;
  // DeepSeek multi-head latent attention.
  std::string attention = "gqa";  // gqa (covers MHA/MQA) | mla
  double q_lora_rank = 0, kv_lora_rank = 0, rope_head_dim = 0, v_head_dim = 0;
  // Local attention: window_layers of the layers attend only to the last `window` tokens (sliding
  // window: Mistral, Gemma 2/3, gpt-oss) or to their chunk of `window` tokens (chunked attention:
  // Llama 4); either way they hold at most `window` tokens of KV cache. The other layers are global.
  double window = 0, window_layers = 0;
  std::string window_kind = "sliding";  // sliding | chunked (display only: same KV bound)
  // Multi-token prediction modules trained beside the model (DeepSeek-V3 report, arXiv:2412.19437
  // sec. 2.2: depth D, each one transformer block and a projection, sharing the embedding and the
  // output head; config.json num_nextn_predict_layers). Not in params_total (the report's 671B
  // excludes them) and not used for decoding; counted in training memory when training trains them
  // (training.multi_token_prediction; mtp_module_params).
  double mtp_layers = 0;
  // Group-limited ("node-limited") routing: the router first picks expert_groups_per_token of
  // expert_groups groups of experts, then the top-k experts inside them (DeepSeek-V3 report sec. 2.1.2:
  // each token goes to at most 4 nodes; config.json n_group 8, topk_group 4; Megatron-Core
  // moe_router_num_groups / moe_router_group_topk). 0: no limit. It caps the nodes an expert-parallel
  // dispatch reaches (nodes_hit_per_token).
  double expert_groups = 0, expert_groups_per_token = 0;
  // Hybrid models (Nemotron-H and Nemotron 3, Jamba, Granite 4.0-H): linear_layers of the layers mix
  // tokens with a Mamba-2 state-space block (Dao & Gu 2024, "Transformers are SSMs", arXiv:2405.21060)
  // instead of attention. Such a layer keeps a fixed state per sequence, no KV cache: ssm_heads heads
  // of ssm_head_dim channels, each with an ssm_state x ssm_head_dim state; B and C in ssm_groups groups
  // of ssm_state; a causal convolution of ssm_conv taps (config.json mamba_num_heads, mamba_head_dim,
  // ssm_state_size, n_groups, conv_kernel). 0: no such layers.
  double linear_layers = 0, ssm_heads = 0, ssm_head_dim = 0, ssm_state = 0, ssm_groups = 1, ssm_conv = 4;
  // Layers with a token mixer (attention or SSM) and no MLP: Nemotron-H's blocks are each one mixer or
  // one MLP/MoE (hybrid_override_pattern "M", "*" vs "E"/"-"), described here as layers of a mixer and
  // an MLP where mixers outnumber MLPs by this many. 0: every layer has both.
  double mixer_only_layers = 0;
  // LatentMoE (Nemotron 3 Super and Ultra; config.json moe_latent_size): each MoE layer projects a token
  // from hidden down to moe_latent before dispatch and back up after; the routed experts run at that
  // width, the shared experts and the router at hidden. 0: the experts run at hidden.
  double moe_latent = 0;

  bool operator==(const Architecture&) const = default;
};

struct ModelPreset {
  std::string id, name;
  std::string config_source;  // the published config.json the architecture was read from
  std::vector<std::string> aliases;
  Architecture arch;
  double official_params = 0, official_active_params = 0;
  std::string official_source;
};

struct Prices {
  double object_storage_usd_per_gb_month = 0.023;
  double egress_usd_per_gb = 0.09;
  double kv_node_default_gb = 64;
  double cpu_machine_usd_per_hour = 0.40;
  double cpu_cores_per_machine = 8;
  // A memory-optimized node for the feature store (64 GiB, the seed's node size) and a large one for
  // recommender embedding tables in host RAM (512 GiB, 64 vCPUs); prices and sources in prices.json.
  double kv_node_usd_per_hour = 0.504;
  double recommender_host_usd_per_hour = 4.032;
  std::string object_storage_source, egress_source, kv_node_source, recommender_host_source;
};

class Catalog {
 public:
  std::vector<Accelerator> accelerators;
  std::vector<ModelPreset> models;
  std::vector<Network> networks;
  Prices prices;

  // The catalog embedded in the binary (read once).
  static const Catalog& builtin();
  // Reads the catalog tables generated from assets/ at build time; `error` names the last bad
  // entry (empty when all is well).
  static Catalog read_tables(std::string& error);

  const Accelerator* find_accelerator(const std::string& id) const;  // id or alias
  const ModelPreset* find_model(const std::string& id) const;        // id or alias
  const Network* find_network(const std::string& id) const;
};

// Embedded asset texts (generated at build time from assets/).
const std::string& embedded_asset(const std::string& name);

}  // namespace envelope
