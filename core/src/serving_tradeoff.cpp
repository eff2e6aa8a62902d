// The serving trade-off chart's points (serving_tradeoff.hpp): each one evaluate() of the scenario with
// a configuration typed into its serving section.
#include "envelope/serving_tradeoff.hpp"

#include <algorithm>
#include <cmath>

#include "envelope/evaluate.hpp"
#include "envelope/planner.hpp"
#include "envelope/setup.hpp"

namespace envelope {

size_t mark_pareto_front(std::vector<TradeoffPoint>& points) {
  size_t n = 0;
  for (TradeoffPoint& p : points) {
    p.pareto = std::none_of(points.begin(), points.end(), [&](const TradeoffPoint& q) {
      return q.tokens_per_second_per_user >= p.tokens_per_second_per_user &&
             q.tokens_per_second_per_gpu >= p.tokens_per_second_per_gpu &&
             (q.tokens_per_second_per_user > p.tokens_per_second_per_user ||
              q.tokens_per_second_per_gpu > p.tokens_per_second_per_gpu);
    });
    n += p.pareto;
  }
  return n;
}

ServingTradeoff serving_tradeoff(const Scenario& s, const Catalog& c) {
  ServingTradeoff t;
  t.gpu = s.serving.gpu.empty() ? s.hardware.gpu : s.serving.gpu;
  t.tpot_target_seconds = s.serving.tpot_target_seconds;
  t.ttft_target_seconds = s.serving.ttft_target_seconds;
  Scenario base = s;
  // The chart describes GPU serving from the inference estimates, whatever the scenario includes; each
  // replica's capacity is estimated (a given traffic.tokens_per_second_per_replica would flatten it).
  base.include.serving = base.include.inference = true;
  base.traffic.tokens_per_second_per_replica.reset();
  base.traffic.cpu_ms_per_request = 0;
  const Accelerator gpu = resolved_accelerator(serving_scenario(base), c);
  const Architecture arch = resolved_architecture(s, c);
  // The serving planner's enumeration (planner.hpp): tensor parallel up to 8 dividing the heads, at the
  // scenario's own GPU and expert parallel.
  const std::vector<ServingLayout> layouts = serving_layouts(arch, gpu, {}, 8, false);
  for (const char* w : {"bf16", "fp8", "int4", "fp4"}) {
    for (const ServingLayout& l : layouts) {
      const int tp = l.tensor_parallel;
      Scenario x = serving_candidate(base, "", w, tp, 0);
      auto at = [&](double b) {
        x.serving.batch = b;
        return evaluate_without_bands(x, c);
      };
      const Report one = at(1);
      if (one.value("memory.inference.fits") != 1) continue;
      const double cap = std::min(kMaxTradeoffBatch, std::max(1.0, std::floor(one.value("inference.max_batch"))));
      std::vector<double> batches;
      for (double b = 1; b < cap; b *= 2) batches.push_back(b);
      batches.push_back(cap);
      for (double b : batches) {
        const Report r = b == 1 ? one : at(b);
        if (r.value("memory.inference.fits") != 1) break;  // the workspace grows with the batch too
        const double tpot = r.value("serving.tpot_seconds");
        if (!(tpot > 0)) continue;
        TradeoffPoint p;
        p.weights = w;
        p.tensor_parallel = tp;
        p.batch = b;
        p.tpot_seconds = tpot;
        p.ttft_seconds = r.value("serving.ttft_seconds");
        p.tokens_per_second_per_user = 1.0 / tpot;
        // Per GPU of the replica: tensor parallel x the scenario's expert parallel (MoE).
        p.tokens_per_second_per_gpu = r.value("serving.tokens_per_second_per_replica") / (tp * (arch.experts > 0 ? std::max(1.0, x.serving.expert_parallel) : 1.0));
        p.meets_targets = r.value("serving.meets_targets") == 1;
        t.points.push_back(p);
      }
    }
  }
  mark_pareto_front(t.points);
  return t;
}

}  // namespace envelope
