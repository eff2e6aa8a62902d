// Chart data: an estimate over a range of one input, computed from the same setup and formulas as
// evaluate() but without building a report per point (a 10,000-point sweep fits in a frame).
#pragma once
#include <vector>

#include "envelope/scenario.hpp"

namespace envelope {

struct DecodePoint {
  double batch, tokens_per_second, bandwidth_limit_tokens_per_second, compute_limit_tokens_per_second;
};
// Log-spaced batches from `lo` to `hi` (rounded to whole sequences, duplicates dropped).
std::vector<DecodePoint> decode_sweep(const Scenario& s, double lo, double hi, int points);

struct TrainingPoint {
  double tokens, cost_usd, gpu_hours;
};
// Log-spaced token counts.
std::vector<TrainingPoint> training_cost_sweep(const Scenario& s, double lo, double hi, int points);

struct KvPoint {
  double context, kv_cache_bytes;
};
std::vector<KvPoint> kv_cache_sweep(const Scenario& s, double lo, double hi, int points);

}  // namespace envelope
