// The resolved inputs of the estimates (scenario + catalog + defaults), shared by evaluate() and the
// chart sweeps so that a chart point and the report agree by construction.
#pragma once
#include "envelope/catalog.hpp"
#include "envelope/scenario.hpp"

namespace envelope {

// The scenario's accelerator with its spec overrides (Reference panel edits) applied; for
// hardware.gpu "custom", the user-defined accelerator the hardware section describes.
Accelerator resolved_accelerator(const Scenario& s, const Catalog& c);
// The user-defined accelerator of a hardware section (gpu "custom"): peak_tflops is its dense peak
// for every precision; unset scale-up means PCIe only; no price unless price_per_gpu_hour is set.
Accelerator custom_accelerator(const HardwareSection& hw);

// USD per GPU-hour: the scenario's price, else the catalog's on-demand or spot price (whichever
// `hardware.pricing` asks for, falling back to the other), else 0.
double price_per_gpu_hour(const Scenario& s, const Catalog& c);
// Whether that price exists: typed, or a published on-demand / spot figure. Without one the GPU's
// costs are computed at $0, warned about and shown as "no price" (Result::unpriced).
bool has_gpu_price(const Scenario& s, const Catalog& c);

// The scenario's GPU with the previous GPU's spec and price overrides cleared (they describe that
// GPU, not this one).
void select_accelerator(Scenario& s, const std::string& id);

// The scenario one serving replica runs: serving.gpu (with hardware.gpu's overrides and price
// cleared when it differs), serving.tensor_parallel and serving.batch written over the inference
// section. Without a serving section it is `s` itself.
Scenario serving_scenario(const Scenario& s);

// Everything a decode step depends on besides the batch.
struct DecodeSetup {
  Architecture arch;
  double params_scale = 1;     // model.params / derived params (the seed's round counts)
  double params_active = 0;
  Dtype weights = Dtype::bf16;
  double kv_bytes_per_token = 0;
  double tensor_parallel = 1;
  // serving.expert_parallel for an MoE model, else 1: the replica is tensor_parallel x expert_parallel
  // GPUs, attention and dense layers data-parallel over the expert_parallel groups.
  double expert_parallel = 1;
  double replica_gpus() const { return tensor_parallel * expert_parallel; }
  double bandwidth_bytes_per_s = 0, bandwidth_efficiency = 0.7;
  double peak_flops = 0, compute_efficiency = 0.6;
  double link_bytes_per_s = 0, link_latency_s = 0;
  double read_context = 0;  // tokens of KV cache read per sequence per step
};
DecodeSetup decode_setup(const Scenario& s, const Catalog& c);
// (decode_setup(s, c) resolves the serving replica, serving_scenario(s).)
// The same from an architecture and accelerator already resolved for `s`.
DecodeSetup decode_setup(const Scenario& s, const Architecture& arch, const Accelerator& gpu);

struct DecodeTimes {
  double weight_bytes_read = 0, kv_bytes_read = 0, flops = 0;
  double comm_seconds = 0, memory_seconds = 0, compute_seconds = 0, step_seconds = 0;
};
// One decode step at `batch` (formulas.hpp: decode_step_seconds and its parts).
DecodeTimes decode_times(const DecodeSetup& d, double batch);

// A forward pass of `tokens` on the replica: weight bytes read summed over its GPUs (each of the
// expert_parallel groups reads the non-expert weights; the routed experts hit are read once, wherever
// they live), and its communication: the tensor-parallel all-reduces of each group's tokens / ep and the
// expert-parallel all-to-all (formulas.hpp). At expert_parallel 1: decode_weight_bytes_read and the
// tensor-parallel all-reduces.
double replica_weight_bytes_read(const DecodeSetup& d, double tokens);
double replica_comm_seconds(const DecodeSetup& d, double tokens);
double replica_all_to_all_seconds(const DecodeSetup& d, double tokens);

}  // namespace envelope
