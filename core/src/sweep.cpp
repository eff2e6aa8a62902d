// Chart sweeps (sweep.hpp) over the shared setup (setup.hpp).
#include "envelope/sweep.hpp"

#include <cmath>

#include "envelope/catalog.hpp"
#include "envelope/evaluate.hpp"
#include "envelope/formulas.hpp"
#include "envelope/setup.hpp"

namespace envelope {

namespace {
template <class F>
void log_space(double lo, double hi, int points, F&& f) {
  lo = std::max(lo, 1e-30);
  hi = std::max(hi, lo);
  for (int i = 0; i < points; ++i) {
    const double t = points > 1 ? static_cast<double>(i) / (points - 1) : 0.0;
    f(std::exp(std::log(lo) + t * (std::log(hi) - std::log(lo))));
  }
}
}  // namespace

std::vector<DecodePoint> decode_sweep(const Scenario& s, double lo, double hi, int points) {
  const DecodeSetup d = decode_setup(s, Catalog::builtin());
  std::vector<DecodePoint> out;
  out.reserve(points);
  log_space(std::max(1.0, lo), hi, points, [&](double x) {
    const double batch = std::round(x);
    if (!out.empty() && out.back().batch == batch) return;
    const DecodeTimes t = decode_times(d, batch);
    out.push_back({batch, t.step_seconds > 0 ? batch / t.step_seconds : 0,
                   t.memory_seconds > 0 ? batch / t.memory_seconds : 0, t.compute_seconds > 0 ? batch / t.compute_seconds : 0});
  });
  return out;
}

std::vector<TrainingPoint> training_cost_sweep(const Scenario& s, double lo, double hi, int points) {
  // Cost is linear in tokens: evaluate once for the per-token rate, then scale (same formulas).
  Scenario one = s;
  one.training.tokens = 1e12;
  const Report r = evaluate_without_bands(one);
  const double usd_per_token = r.value("training.cost_usd") / 1e12, hours_per_token = r.value("training.gpu_hours") / 1e12;
  std::vector<TrainingPoint> out;
  out.reserve(points);
  log_space(lo, hi, points, [&](double tokens) { out.push_back({tokens, tokens * usd_per_token, tokens * hours_per_token}); });
  return out;
}

std::vector<KvPoint> kv_cache_sweep(const Scenario& s, double lo, double hi, int points) {
  const DecodeSetup d = decode_setup(s, Catalog::builtin());
  std::vector<KvPoint> out;
  out.reserve(points);
  // One serving replica's batch (serving.batch over inference.batch); local-attention layers hold at
  // most their window (kv_cache_bytes).
  const double batch = serving_scenario(s).inference.batch;
  const Dtype kv = dtype_from_name(s.inference.kv_cache).value_or(Dtype::bf16);
  log_space(lo, hi, points, [&](double ctx) { out.push_back({ctx, kv_cache_bytes(d.arch, kv, ctx, batch)}); });
  return out;
}

}  // namespace envelope
