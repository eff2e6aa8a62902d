// One serving replica as production engines run it (serving_model.hpp): continuous batching with
// chunked prefill, speculative decoding, prefix caching and the M/M/c wait for a batch slot.
#include "envelope/serving_model.hpp"

#include <algorithm>
#include <cmath>

#include "envelope/formulas.hpp"

namespace envelope {

double speculative_tokens_per_step(double k, double alpha) {
  if (k <= 0) return 1.0;
  if (alpha >= 1) return k + 1;
  return (1.0 - std::pow(alpha, k + 1)) / (1.0 - alpha);  // Leviathan et al. 2023, eq. 1
}

double prefix_cached_tokens(double prompt_tokens, double hit_fraction) {
  return prompt_tokens * std::clamp(hit_fraction, 0.0, 1.0);
}

double prefill_flops_after_cache(const Architecture& a, double params_active, double prompt_tokens, double cached) {
  if (cached <= 0) return prefill_flops(a, params_active, prompt_tokens);
  return std::max(0.0, prefill_flops(a, params_active, prompt_tokens) - prefill_flops(a, params_active, cached));
}

double erlang_c_wait_probability(double servers, double a) {
  const double c = std::floor(servers);
  if (c < 1) return 1.0;
  if (a <= 0) return 0.0;
  const double rho = a / c;
  if (rho >= 1) return 1.0;
  double b = 1.0;  // Erlang B with 0 servers
  for (double k = 1; k <= c; ++k) b = a * b / (k + a * b);
  return b / (1.0 - rho * (1.0 - b));
}

double mmc_mean_wait_seconds(double servers, double lambda, double service) {
  servers = std::floor(servers);
  const double a = lambda * service;
  if (lambda <= 0) return 0.0;
  if (a >= servers) return INFINITY;
  return erlang_c_wait_probability(servers, a) * service / (servers - a);  // C / (c mu - lambda)
}

double mmc_wait_seconds_at_percentile(double servers, double lambda, double service, double p) {
  servers = std::floor(servers);
  const double a = lambda * service;
  if (lambda <= 0) return 0.0;
  if (a >= servers) return INFINITY;
  const double pw = erlang_c_wait_probability(servers, a);
  if (pw <= 1.0 - p) return 0.0;  // at least a share p of arrivals find a free slot
  return std::log(pw / (1.0 - p)) * service / (servers - a);
}

double percentile_fraction(const std::string& name) {
  if (name == "p99") return 0.99;
  if (name == "p90") return 0.9;
  return 0.5;
}

ServingInputs serving_inputs(const Scenario& s) {
  ServingInputs in;
  in.continuous = s.serving.batching == "continuous";
  in.prompt_tokens = s.inference.prompt_tokens;
  in.output_tokens = std::max(1.0, s.inference.output_tokens);
  in.prefix_cache_hit_fraction = s.serving.prefix_cache_hit_fraction;
  in.speculative_tokens = s.serving.speculative_tokens;
  in.speculative_acceptance_rate = s.serving.speculative_acceptance_rate;
  in.speculative_draft_cost_fraction = s.serving.speculative_draft_cost_fraction;
  return in;
}

EngineStep engine_step(const DecodeSetup& d, const ServingInputs& in, double batch) {
  const Architecture& a = d.arch;
  const double tp = d.tensor_parallel;
  const double gpus = d.replica_gpus();  // bandwidth and compute of the whole replica (x expert_parallel)
  EngineStep e;
  const double k = std::max(0.0, in.speculative_tokens);
  e.tokens_per_sequence = speculative_tokens_per_step(k, in.speculative_acceptance_rate);
  e.verified_tokens = batch * (k + 1);  // the target model verifies k proposals + 1 of its own per sequence
  const double new_prompt = in.prompt_tokens - prefix_cached_tokens(in.prompt_tokens, in.prefix_cache_hit_fraction);
  e.prompt_flops = prefill_flops_after_cache(a, d.params_active, in.prompt_tokens,
                                             prefix_cached_tokens(in.prompt_tokens, in.prefix_cache_hit_fraction));
  // Continuous batching keeps the batch full: batch x E / output requests finish per step, and as many
  // start, whose uncached prompts ride in the step as the prefill chunk.
  const double starts_per_step = in.continuous ? batch * e.tokens_per_sequence / in.output_tokens : 0.0;
  e.prefill_tokens = starts_per_step * new_prompt;
  const double tokens = e.verified_tokens + e.prefill_tokens;
  // Forward passes of at most the token budget, averaged over steps (a chunk of 1.5 budgets alternates
  // one and two passes): max(1, tokens / budget). Fractional, so throughput never drops as batch grows.
  e.passes = std::max(1.0, tokens / kChunkedPrefillTokenBudget);
  const double per_pass = tokens / e.passes;
  // One read of the weights per forward pass, shared by every token in it (MoE: experts hit by them).
  e.weight_bytes_read = e.passes * replica_weight_bytes_read(d, per_pass);
  e.kv_bytes_read = d.kv_bytes_per_token * d.read_context * batch;
  const double per_token_flops =
      2.0 * d.params_active + 4.0 * kv_layer_tokens(a, d.read_context) * a.heads * a.head_dim + ssm_decode_flops_per_token(a);
  e.flops = e.verified_tokens * per_token_flops + starts_per_step * e.prompt_flops;
  e.comm_seconds = e.passes * replica_comm_seconds(d, per_pass);
  e.target_seconds = decode_step_seconds(e.weight_bytes_read + e.kv_bytes_read, d.bandwidth_bytes_per_s * gpus,
                                         d.bandwidth_efficiency, e.flops, d.peak_flops * gpus, d.compute_efficiency,
                                         e.comm_seconds);
  // The draft proposes k tokens, each at c x the target's plain decode step (Leviathan et al. 2023:
  // c = draft step time / target step time; walltime factor (k c + 1)).
  e.draft_seconds = k > 0 ? k * in.speculative_draft_cost_fraction * decode_times(d, batch).step_seconds : 0.0;
  e.step_seconds = e.target_seconds + e.draft_seconds;
  e.tpot_seconds = e.step_seconds / e.tokens_per_sequence;
  e.output_tokens_per_second = e.step_seconds > 0 ? batch * e.tokens_per_sequence / e.step_seconds : 0.0;
  if (in.continuous) {
    // A new request's prompt rides in the next step beside the running batch: the step (whose chunk
    // is the other arrivals' prompts) plus its own prefill compute and all-reduces, and one more weight
    // read per extra chunk of a prompt longer than the token budget.
    const double own_passes = std::max(1.0, new_prompt / kChunkedPrefillTokenBudget);
    const double extra_reads = (own_passes - 1) * decode_weight_bytes_read(a, std::min(new_prompt, kChunkedPrefillTokenBudget), d.weights) *
                               d.params_scale;
    e.ttft_service_seconds =
        e.step_seconds + prefill_seconds(e.prompt_flops, d.peak_flops * tp, d.compute_efficiency, extra_reads,
                                         d.bandwidth_bytes_per_s * tp, d.bandwidth_efficiency,
                                         tensor_parallel_step_seconds(a.layers, new_prompt, a.hidden, tp, d.link_bytes_per_s,
                                                                      d.link_latency_s, 2.0));
    e.slot_seconds = e.ttft_service_seconds + (in.output_tokens - 1) * e.tpot_seconds;
  }
  return e;
}

QueueSizing size_continuous_fleet(const EngineStep& st, double batch, double peak_qps, double output_tokens,
                                  double min_replicas, double ttft_target, double p) {
  QueueSizing q;
  const double capacity = st.output_tokens_per_second;
  q.throughput_replicas = replicas_needed(peak_qps * output_tokens, capacity, min_replicas);
  const double S = st.slot_seconds;
  auto at = [&](double n) {
    QueueSizing r = q;
    r.replicas = n;
    r.arrivals_per_s = n > 0 ? peak_qps / n : 0.0;
    r.utilization = batch > 0 ? r.arrivals_per_s * S / batch : 0.0;
    // Erlang C once; the mean and percentile waits as in mmc_mean_wait_seconds / _at_percentile.
    const double a = r.arrivals_per_s * S, c = std::floor(batch);
    r.wait_probability = erlang_c_wait_probability(c, a);
    const double drain = a < c ? (c - a) / S : 0.0;  // c mu - lambda
    r.mean_wait_seconds = drain > 0 ? r.wait_probability / drain : INFINITY;
    r.wait_seconds = drain <= 0 ? INFINITY : r.wait_probability <= 1 - p ? 0.0 : std::log(r.wait_probability / (1 - p)) / drain;
    r.ttft_seconds = r.wait_seconds + st.ttft_service_seconds;
    return r;
  };
  if (peak_qps <= 0 || S <= 0 || batch < 1) return at(q.throughput_replicas);
  // Utilisation below 1: more than peak x slot_seconds / batch replicas.
  const double stable = std::floor(peak_qps * S / batch) + 1;
  double n = std::max(q.throughput_replicas, stable);
  QueueSizing r = at(n);
  if (st.ttft_service_seconds > ttft_target) return r;  // no number of replicas meets the target
  auto ok = [&](const QueueSizing& x) { return x.ttft_seconds <= ttft_target; };
  if (ok(r)) return r;
  // The wait only shrinks with more replicas: a few steps of one, then doubling and bisection.
  for (int i = 0; i < 8; ++i) {
    r = at(++n);
    if (ok(r)) return r;
  }
  double lo = n, hi = n;
  for (int i = 0; i < 60; ++i) {
    hi = std::ceil(hi * 2);
    if (ok(at(hi))) break;
    lo = hi;
  }
  if (!ok(at(hi))) return at(hi);  // unreachable in practice: the wait tends to 0
  while (hi - lo > 1) {
    const double mid = std::floor((lo + hi) / 2);
    if (mid <= lo || mid >= hi) break;  // past 2^53 no count lies between two neighbouring doubles
    if (ok(at(mid))) hi = mid;
    else lo = mid;
  }
  return at(hi);
}

DisaggregatedFleet size_disaggregated_fleet(const DecodeSetup& d, const ServingInputs& in, double decode_batch, double peak_qps,
                                            double min_replicas, double ttft_target, double tpot_target, double p,
                                            double kv_link_bytes_per_s) {
  DisaggregatedFleet f;
  const Architecture& a = d.arch;
  const double gpus = d.replica_gpus();
  f.replica_gpus = gpus;
  const double cached = prefix_cached_tokens(in.prompt_tokens, in.prefix_cache_hit_fraction);
  const double new_prompt = std::max(1.0, in.prompt_tokens - cached);
  const double prompt_flops = prefill_flops_after_cache(a, d.params_active, in.prompt_tokens, cached);
  // One prefill pass of `n` prompts: weights read once (MoE: the experts its tokens hit), the prompts'
  // FLOPs, the all-reduces of their tokens (the same parts as an engine step, setup.hpp).
  auto pass_seconds = [&](double n) {
    const double tokens = n * new_prompt;
    return decode_step_seconds(replica_weight_bytes_read(d, tokens), d.bandwidth_bytes_per_s * gpus, d.bandwidth_efficiency,
                               n * prompt_flops, d.peak_flops * gpus, d.compute_efficiency, replica_comm_seconds(d, tokens));
  };
  f.prompts_per_pass = std::max(1.0, kChunkedPrefillTokenBudget / new_prompt);
  f.prefill_pass_seconds = pass_seconds(f.prompts_per_pass);
  f.prefill_service_seconds = f.prefill_pass_seconds / f.prompts_per_pass;
  f.prefill_seconds = pass_seconds(1);
  f.kv_transfer_bytes = d.kv_bytes_per_token * in.prompt_tokens;
  f.kv_transfer_seconds = kv_link_bytes_per_s > 0 ? f.kv_transfer_bytes / (gpus * kv_link_bytes_per_s) : 0.0;
  const double S = f.prefill_service_seconds;
  auto size_at = [&](double n) {
    f.prefill_replicas = n;
    const double lambda = n > 0 ? peak_qps / n : 0.0;
    f.prefill_utilization = lambda * S;
    f.prefill_wait_seconds = mmc_wait_seconds_at_percentile(1, lambda, S, p);
    f.ttft_seconds = f.prefill_wait_seconds + f.prefill_seconds + f.kv_transfer_seconds;
  };
  // Fewest prefill replicas with utilisation below 1 whose TTFT meets the target (the wait only
  // shrinks as replicas are added; none helps when prefill + transfer alone miss it).
  double n = std::max(min_replicas, std::floor(peak_qps * S) + 1);
  size_at(n);
  if (f.prefill_seconds + f.kv_transfer_seconds <= ttft_target) {
    double lo = n, hi = n;
    while (f.ttft_seconds > ttft_target && hi < 1e9) {
      lo = hi;
      hi = std::ceil(hi * 2);
      size_at(hi);
    }
    while (hi - lo > 1) {
      const double mid = std::floor((lo + hi) / 2);
      if (mid <= lo || mid >= hi) break;  // no count between neighbouring doubles (past 2^53)
      size_at(mid);
      if (f.ttft_seconds <= ttft_target) hi = mid;
      else lo = mid;
    }
    size_at(hi);
  }
  ServingInputs decode_only = in;
  decode_only.continuous = false;  // decode steps carry no prefill chunk
  f.decode = engine_step(d, decode_only, decode_batch);
  f.decode_replicas = replicas_needed(peak_qps * in.output_tokens, f.decode.output_tokens_per_second, min_replicas);
  f.gpus = (f.prefill_replicas + f.decode_replicas) * gpus;
  f.meets_targets = f.ttft_seconds <= ttft_target && f.decode.tpot_seconds <= tpot_target;
  return f;
}

}  // namespace envelope
