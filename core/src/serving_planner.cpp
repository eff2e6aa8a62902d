// The serving planner (planner.hpp): GPU type x weight precision x tensor parallel x batch, searched
// through evaluate() itself. Each candidate is the scenario with the configuration typed into its
// serving section (serving.gpu, serving.tensor_parallel, serving.batch, inference.weights) and the
// planner's latency targets, so the planner and the report cannot disagree and no configuration a
// user can type in does better (tests/core/test_serving.cpp checks this by brute force).
//
// Batch: memory fit, time to first token and time per output token only get worse as the batch grows
// (KV cache, workspace and MoE experts hit grow with it; the decode step is weights + KV reads,
// FLOPs and all-reduces, each non-decreasing in the batch), and tokens/s per replica only grows
// (batch / (a + f(batch)) with f concave and f(0) >= 0). So the feasible batches are 1..B and B gives
// the fewest replicas: a binary search for B is exact.
//
// Continuous batching (serving.batching, serving_model.hpp) adds the M/M/c wait for a batch slot: the
// report sizes replicas so that the wait at the percentile plus the service time meets the TTFT target,
// and a larger batch holds its slots longer. Feasibility stays monotone (the service time and TPOT only
// grow with the batch), but the replica count need not fall: when the queue adds replicas above the
// throughput count, smaller batches are tried down to the one whose throughput count alone exceeds
// the best (tokens/s per replica never falls as the batch grows).
#include <algorithm>
#include <cmath>

#include "envelope/evaluate.hpp"
#include "envelope/format.hpp"
#include "envelope/formulas.hpp"
#include "envelope/planner.hpp"
#include "envelope/serving_model.hpp"
#include "envelope/setup.hpp"
#include "envelope/units.hpp"

namespace envelope {

namespace {

// The catalog price of `a` on exactly this basis (no fallback to the other one: one basis for all).
std::optional<double> price_on_basis(const Accelerator& a, const std::string& pricing) {
  return pricing == "spot" ? a.spot_usd_per_hour : a.on_demand_usd_per_hour;
}

struct Candidate {
  Scenario scenario;
  Report report;
};

bool feasible(const Report& r) { return r.value("serving.meets_targets") == 1; }

std::string miss_reason(const Report& r, double ttft_target, double tp, double ep, const std::string& gpu) {
  if (r.value("memory.inference.fits") != 1)
    return "does not fit: weights + KV cache of one sequence need " + format_message_number(r.value("memory.inference.gpus_to_fit")) +
           " GPUs, more than TP " + format_message_number(tp) + (ep > 1 ? " x EP " + format_message_number(ep) : "") + " x " + gpu;
  if (r.value("serving.ttft_seconds") > ttft_target)
    return "misses the time-to-first-token target even at batch 1 (" + format_seconds(r.value("serving.ttft_seconds")) + ")";
  return "misses the time-per-token target even at batch 1 (" + format_seconds(r.value("serving.tpot_seconds")) + ")";
}

// Largest batch in [1, hi] whose report passes `ok`, given ok(at(1)) (feasibility only gets worse as
// the batch grows: serving_planner.cpp header). Binary search; `r` ends as the report at that batch.
template <class At, class Ok>
double largest_feasible_batch(double hi, Report& r, At&& at, Ok&& ok) {
  double lo = 1;
  while (hi > lo) {
    const double mid = std::floor((lo + hi + 1) / 2);
    if (mid <= lo || mid > hi) break;  // no batch between neighbouring doubles (past 2^53)
    Report m = at(mid);
    if (ok(m)) {
      lo = mid;
      r = std::move(m);
    } else {
      hi = mid - 1;
    }
  }
  return lo;
}

// The same layout as disaggregated prefill/decode pools: the largest decode batch whose fleet meets the
// targets (TPOT and the decode pool's memory only get worse as the batch grows; the prefill pool and its
// TTFT do not depend on it; decode tokens/s per replica only grows), evaluated through evaluate() so
// the row equals the report's serving.disaggregated.* for that batch.
ServingOption disaggregated_option(Scenario x, const Catalog& c, const ServingOption& aggregated, std::optional<double> price,
                                   const ServingPlannerResult& res) {
  x.serving.disaggregated = true;
  auto at = [&](double b) {
    x.serving.batch = b;
    return evaluate_without_bands(x, c);
  };
  auto ok = [](const Report& r) { return r.value("serving.disaggregated.meets_targets") == 1; };
  ServingOption opt = aggregated;
  opt.disaggregated = true;
  opt.meets_targets = false;
  Report r = at(1);
  if (!ok(r)) {
    opt.note = r.value("serving.disaggregated.ttft_seconds") > res.ttft_target_seconds
                   ? "disaggregated: prefill + KV transfer miss the time-to-first-token target"
                   : "disaggregated: misses the time-per-token target even at batch 1";
  } else {
    const double lo = largest_feasible_batch(std::max(1.0, r.value("serving.disaggregated.decode_max_batch")), r, at, ok);
    opt.meets_targets = true;
    opt.batch = lo;
    opt.note = std::string("disaggregated: ") + format_message_number(r.value("serving.disaggregated.prefill_replicas")) + " prefill + " +
               format_message_number(r.value("serving.disaggregated.decode_replicas")) + " decode replicas; decode batch limited by " +
               (lo >= r.value("serving.disaggregated.decode_max_batch") ? "KV-cache memory" : "the time-per-token target");
  }
  opt.max_batch = r.value("serving.disaggregated.decode_max_batch");
  opt.prefill_replicas = r.value("serving.disaggregated.prefill_replicas");
  opt.decode_replicas = r.value("serving.disaggregated.decode_replicas");
  opt.ttft_seconds = r.value("serving.disaggregated.ttft_seconds");
  opt.tpot_seconds = r.value("serving.disaggregated.tpot_seconds");
  opt.tokens_per_second_per_replica = r.value("serving.disaggregated.decode_tokens_per_second_per_replica");
  opt.replicas = opt.prefill_replicas + opt.decode_replicas;
  opt.gpus = r.value("serving.disaggregated.gpus");
  opt.monthly_usd = monthly_usd(opt.gpus, opt.usd_per_gpu_hour);
  // Per million output tokens at the planned peak (the whole fleet: prefill and decode pools).
  opt.usd_per_million_tokens =
      res.peak_tokens_per_second > 0 ? opt.usd_per_gpu_hour * opt.gpus / (res.peak_tokens_per_second * kSecondsPerHour) * 1e6 : 0;
  if (!price) opt.note += "; no " + res.pricing + " price";
  return opt;
}

}  // namespace

std::vector<ServingLayout> serving_layouts(const Architecture& arch, const Accelerator& gpu, const std::vector<int>& given,
                                           int max_tensor_parallel, bool expert_parallel) {
  const int domain = std::max(1, gpu.scale_up_domain);
  std::vector<int> tps = given;
  if (tps.empty())
    for (int t = 1; t <= std::min(max_tensor_parallel, domain); ++t) tps.push_back(t);
  std::vector<ServingLayout> layouts;
  for (int t : tps) {
    if (!tensor_parallel_splits_heads(t, arch.heads, arch.kv_heads)) continue;
    layouts.push_back({t, 1});
    if (expert_parallel && arch.experts > 0)
      for (int e = 2; e <= arch.experts && t * e <= domain; e *= 2)
        if (static_cast<int>(arch.experts) % e == 0) layouts.push_back({t, e});
  }
  return layouts;
}

Scenario serving_candidate(const Scenario& base, const std::string& gpu, const std::string& weights, int tensor_parallel,
                           int expert_parallel) {
  Scenario x = base;
  if (!gpu.empty()) x.serving.gpu = gpu;
  x.serving.tensor_parallel = tensor_parallel;
  if (expert_parallel > 0) x.serving.expert_parallel = expert_parallel;
  x.inference.weights = weights;
  return x;
}

ServingPlannerResult plan_serving(const Scenario& s, const ServingPlannerOptions& o, const Catalog& c) {
  ServingPlannerResult res;
  res.ttft_target_seconds = o.ttft_target_seconds.value_or(s.serving.ttft_target_seconds);
  res.tpot_target_seconds = o.tpot_target_seconds.value_or(s.serving.tpot_target_seconds);
  res.percentile = o.percentile.value_or(s.serving.latency_percentile);
  res.pricing = o.pricing.empty() ? s.hardware.pricing : o.pricing;

  Scenario base = s;
  // The planner sizes GPU serving from the inference estimates, whatever the scenario includes.
  base.include.serving = base.include.inference = true;
  base.serving.ttft_target_seconds = res.ttft_target_seconds;
  base.serving.tpot_target_seconds = res.tpot_target_seconds;
  base.serving.latency_percentile = res.percentile;
  base.hardware.pricing = res.pricing;
  base.traffic.tokens_per_second_per_replica.reset();  // the planner estimates each replica's capacity
  const Report base_report = evaluate_without_bands(base, c);
  res.peak_qps = base_report.value("traffic.peak_qps");
  res.peak_tokens_per_second = base_report.value("traffic.peak_tokens_per_second");

  std::vector<std::string> gpus = o.gpus;
  const std::string serving_gpu = s.serving.gpu.empty() ? s.hardware.gpu : s.serving.gpu;
  // A user-defined accelerator (hardware.gpu "custom") is a candidate like a catalog device; it is
  // priced only by the scenario's own price.
  const bool custom = s.hardware.gpu == kCustomAccelerator;
  const Accelerator custom_gpu = custom ? resolved_accelerator(s, c) : Accelerator();
  if (gpus.empty()) {
    for (const Accelerator& a : c.accelerators)
      if (a.on_demand_usd_per_hour || a.spot_usd_per_hour || a.id == serving_gpu) gpus.push_back(a.id);
    if (custom && serving_gpu == kCustomAccelerator) gpus.push_back(kCustomAccelerator);
  }
  const Architecture arch = resolved_architecture(s, c);

  for (const std::string& g : gpus) {
    const Accelerator* acc = custom && g == kCustomAccelerator ? &custom_gpu : c.find_accelerator(g);
    if (!acc) continue;
    // The scenario's own price applies to its own GPU; every other GPU is priced on the basis.
    const bool own_price = acc->id == s.hardware.gpu && s.hardware.price_per_gpu_hour.has_value();
    const std::optional<double> price = own_price ? s.hardware.price_per_gpu_hour : price_on_basis(*acc, res.pricing);
    const std::vector<ServingLayout> layouts = serving_layouts(arch, *acc, o.tensor_parallel, o.max_tensor_parallel, true);
    for (const std::string& w : o.weights) {
      bool any_fit = false;
      std::string last_reason;
      int tried = 0;
      for (const ServingLayout& l : layouts) {
        const int t = l.tensor_parallel, ep = l.expert_parallel;
        ++tried;
        ++res.configurations;
        Scenario x = serving_candidate(base, acc->id, w, t, ep);
        const bool continuous = x.serving.batching == "continuous";
        auto at = [&](double b) {
          x.serving.batch = b;
          return evaluate_without_bands(x, c);
        };
        const Report one = at(1);
        if (one.value("memory.inference.fits") != 1) {
          last_reason = miss_reason(one, res.ttft_target_seconds, t, ep, acc->name);
          continue;
        }
        any_fit = true;
        ServingOption opt;
        opt.gpu = acc->id;
        opt.weights = w;
        opt.tensor_parallel = t;
        opt.expert_parallel = ep;
        opt.fits = true;
        opt.priced = price.has_value();
        opt.usd_per_gpu_hour = price.value_or(0.0);
        double best = 1;
        Report r = one;
        if (!feasible(one)) {
          opt.note = miss_reason(one, res.ttft_target_seconds, t, ep, acc->name);
        } else {
          // Largest feasible batch: feasible(lo), infeasible above hi (the KV-cache capacity at batch 1
          // bounds every larger batch, whose workspace is no smaller).
          const double lo = largest_feasible_batch(std::max(1.0, one.value("inference.max_batch")), r, at, feasible);
          best = lo;  // r is the report at batch lo
          const double kv_limit = r.value("inference.max_batch");
          opt.note = best >= kv_limit                                                  ? "batch limited by KV-cache memory"
                     : at(best + 1).value("serving.ttft_seconds") > res.ttft_target_seconds ? "batch limited by the time-to-first-token target"
                                                                                     : "batch limited by the time-per-token target";
          if (continuous) {
            // Continuous batching sizes replicas with the wait for a slot, which a larger batch can
            // lengthen (its slots are held longer): every smaller batch is tried with the same
            // functions evaluate() uses (serving_model.hpp). Tokens/s per replica never falls as the
            // batch grows, so once the throughput count alone exceeds the best, no smaller batch wins.
            const DecodeSetup d = decode_setup(x, c);
            const ServingInputs si = serving_inputs(x);
            const double pct = percentile_fraction(res.percentile);
            const double min_replicas = x.traffic.min_replicas;
            double best_replicas = r.value("serving.replicas"), best_batch = lo;
            // No batch up to lo needs fewer replicas than the throughput count at lo.
            const double floor_replicas = r.value("serving.queue.throughput_replicas");
            for (double bb = lo - 1; bb >= 1 && best_replicas > floor_replicas; --bb) {
              const EngineStep e = engine_step(d, si, bb);
              if (replicas_needed(res.peak_tokens_per_second, e.output_tokens_per_second, min_replicas) > best_replicas) break;
              const QueueSizing q = size_continuous_fleet(e, bb, res.peak_qps, si.output_tokens, min_replicas,
                                                          res.ttft_target_seconds, pct);
              if (q.replicas < best_replicas) {
                best_replicas = q.replicas;
                best_batch = bb;
              }
            }
            if (best_batch != lo) {
              best = best_batch;
              r = at(best);
              opt.note = "fewest replicas at this batch (a larger batch holds its slots longer: more wait at the peak)";
            }
          }
          opt.meets_targets = true;
        }
        x.serving.batch = best;
        opt.batch = best;
        opt.max_batch = r.value("inference.max_batch");
        opt.ttft_seconds = r.value("serving.ttft_seconds");
        opt.tpot_seconds = r.value("serving.tpot_seconds");
        opt.tokens_per_second_per_replica = r.value("serving.tokens_per_second_per_replica");
        opt.replicas = r.value("serving.replicas");
        opt.gpus = r.value("serving.gpus");
        opt.monthly_usd = monthly_usd(opt.gpus, opt.usd_per_gpu_hour);
        opt.usd_per_million_tokens = opt.tokens_per_second_per_replica > 0
                                         ? opt.usd_per_gpu_hour * t * ep / (opt.tokens_per_second_per_replica * kSecondsPerHour) * 1e6
                                         : 0;
        if (!opt.priced) opt.note += std::string(opt.note.empty() ? "" : "; ") + "no " + res.pricing + " price for " + acc->name;
        else if (own_price) opt.note += "; price from the scenario (hardware.price_per_gpu_hour)";
        res.ranked.push_back(opt);
        if (o.disaggregated) res.ranked.push_back(disaggregated_option(x, c, opt, price, res));
      }
      if (!any_fit) {
        ServingOption opt;
        opt.gpu = acc->id;
        opt.weights = w;
        opt.note = tried == 0 ? "no tensor-parallel degree tried splits the " + format_message_number(arch.heads) + " attention heads (" +
                                    format_message_number(arch.kv_heads) + " KV heads)"
                              : last_reason + " (largest tensor parallel tried)";
        res.ranked.push_back(opt);
      }
    }
  }
  const auto tier = serving_option_tier;
  std::stable_sort(res.ranked.begin(), res.ranked.end(), [&](const ServingOption& l, const ServingOption& r) {
    if (tier(l) != tier(r)) return tier(l) < tier(r);
    if (tier(l) == 0 && l.monthly_usd != r.monthly_usd) return l.monthly_usd < r.monthly_usd;
    if (tier(l) <= 1 && l.gpus != r.gpus) return l.gpus < r.gpus;
    return l.usd_per_million_tokens < r.usd_per_million_tokens;
  });
  return res;
}

int serving_option_tier(const ServingOption& o) { return o.meets_targets ? (o.priced ? 0 : 1) : o.fits ? 2 : 3; }

void apply_serving_option(Scenario& s, const ServingOption& o) {
  // The serving section's own inputs: which GPUs serve, their layout and batch; training keeps
  // hardware.gpu. The precision is the served model's (inference.weights).
  s.serving.gpu = o.gpu == s.hardware.gpu ? std::string() : o.gpu;
  s.inference.weights = o.weights;
  s.serving.tensor_parallel = std::max(1, o.tensor_parallel);
  s.serving.expert_parallel = std::max(1, o.expert_parallel);
  s.serving.batch = std::max(1.0, o.batch);
  s.serving.disaggregated = o.disaggregated;
  s.traffic.tokens_per_second_per_replica.reset();
}

}  // namespace envelope
