// The serving trade-off (issue 15): output tokens/s per GPU against tokens/s per user (1 / TPOT) over
// the weight precisions, tensor-parallel degrees and batches of one serving GPU, each point the report
// of evaluate() for the scenario with that configuration typed into its serving section, so a point
// and the report agree by construction (tests/core/test_serving_tradeoff.cpp checks it).
// The plot is the one NVIDIA's TensorRT-LLM / Dynamo AIConfigurator and SemiAnalysis's InferenceMAX
// draw ("throughput per GPU vs interactivity"): a larger batch buys throughput per GPU with each
// user's speed, more tensor parallel buys the user's speed with GPUs.
#pragma once
#include <string>
#include <vector>

#include "envelope/catalog.hpp"
#include "envelope/scenario.hpp"

namespace envelope {

struct TradeoffPoint {
  std::string weights;  // inference.weights
  int tensor_parallel = 1;  // serving.tensor_parallel
  double batch = 1;     // serving.batch
  double tokens_per_second_per_user = 0;  // 1 / serving.tpot_seconds
  double tokens_per_second_per_gpu = 0;   // serving.tokens_per_second_per_replica / tensor_parallel
  double tpot_seconds = 0, ttft_seconds = 0;
  bool meets_targets = false;  // serving.meets_targets
  bool pareto = false;         // no other point is at least as fast per user and per GPU and better in one
};

struct ServingTradeoff {
  std::string gpu;  // the serving GPU (serving.gpu, else hardware.gpu)
  double tpot_target_seconds = 0, ttft_target_seconds = 0;
  std::vector<TradeoffPoint> points;  // configurations that fit in memory, by weights, TP, batch
};

// Weights bf16/fp8/int4/fp4 x tensor parallel (1..min(8, scale-up domain), dividing the attention
// heads, as the serving planner tries) x batch (powers of two up to the KV-cache capacity at batch 1,
// and that capacity; at most kMaxTradeoffBatch).
inline constexpr double kMaxTradeoffBatch = 16384;
ServingTradeoff serving_tradeoff(const Scenario& s, const Catalog& c = Catalog::builtin());

// Marks the points on the Pareto front (maximising both axes); returns how many.
size_t mark_pareto_front(std::vector<TradeoffPoint>& points);

}  // namespace envelope
