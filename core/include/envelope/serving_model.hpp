// One serving replica as production engines run it (issue 15): continuous batching with chunked
// prefill, speculative decoding, prefix caching, and the wait for a batch slot at the planned load
// (M/M/c, Erlang C). evaluate() and the serving planner both call these functions, so the report and
// the planner agree by construction. Sources are cited at each function (core/src/serving_model.cpp)
// and in docs/calibration.md, "Serving".
#pragma once
#include <string>

#include "envelope/setup.hpp"

namespace envelope {

// Tokens one forward pass of the engine carries at most: vLLM's max_num_batched_tokens default with
// chunked prefill (8,192), also the prefill chunk the workspace memory is sized for (memory.cpp).
inline constexpr double kChunkedPrefillTokenBudget = 8192;

// Expected tokens a sequence gains per speculative step: (1 - alpha^(k+1)) / (1 - alpha), k tokens
// proposed, each accepted with probability alpha (Leviathan et al. 2023, "Fast Inference from
// Transformers via Speculative Decoding", eq. 1); k + 1 at alpha = 1, 1 at k = 0.
double speculative_tokens_per_step(double proposed_tokens, double acceptance_rate);

// Prompt tokens served from the prefix cache: prompt x hit fraction (vLLM automatic prefix caching,
// SGLang RadixAttention: cached KV blocks are reused, their prefill is skipped).
double prefix_cached_tokens(double prompt_tokens, double hit_fraction);
// FLOPs to prefill the uncached part of a prompt whose first `cached` tokens are in the cache: the
// new tokens' matmuls and their causal attention over the whole prompt, i.e.
// prefill_flops(prompt) - prefill_flops(cached) (formulas.hpp; exact for causal attention).
double prefill_flops_after_cache(const Architecture& a, double params_active, double prompt_tokens, double cached_tokens);

// Erlang C: probability that an arrival waits in an M/M/c queue with `servers` servers and offered
// load `offered_erlangs` = arrival rate x mean service time (Erlang 1917; Kleinrock 1975, Queueing
// Systems vol. 1, eq. 3.42). Computed from the Erlang B recurrence B(k) = a B(k-1) / (k + a B(k-1)),
// C = B / (1 - rho (1 - B)). 1 when rho >= 1.
double erlang_c_wait_probability(double servers, double offered_erlangs);
// Waiting time of an M/M/c queue: P(W > t) = C exp(-(c mu - lambda) t) (Kleinrock 1975, eq. 3.44).
// Mean: C / (c mu - lambda); at percentile p: max(0, ln(C / (1 - p)) / (c mu - lambda)).
double mmc_mean_wait_seconds(double servers, double arrivals_per_s, double service_seconds);
double mmc_wait_seconds_at_percentile(double servers, double arrivals_per_s, double service_seconds, double percentile);

// "p50" -> 0.5, "p90" -> 0.9, "p99" -> 0.99.
double percentile_fraction(const std::string& name);

// What a replica serves besides its decode setup (scenario inference and serving sections).
struct ServingInputs {
  bool continuous = false;  // serving.batching == "continuous"
  double prompt_tokens = 0, output_tokens = 1;
  double prefix_cache_hit_fraction = 0;
  double speculative_tokens = 0, speculative_acceptance_rate = 0, speculative_draft_cost_fraction = 0;
};
ServingInputs serving_inputs(const Scenario& s);

// One engine step of a replica at `batch` running sequences.
struct EngineStep {
  double tokens_per_sequence = 1;  // output tokens each sequence gains per step (speculative: E)
  double verified_tokens = 0;      // decode tokens the target model runs: batch x (k + 1)
  double prefill_tokens = 0;       // continuous: the chunk of new prompt tokens carried per step
  double passes = 1;               // forward passes of at most kChunkedPrefillTokenBudget tokens: max(1, tokens / budget)
  double weight_bytes_read = 0, kv_bytes_read = 0, flops = 0, comm_seconds = 0;
  double target_seconds = 0;       // the target model's part of the step
  double draft_seconds = 0;        // k x draft cost fraction x a plain decode step
  double step_seconds = 0;
  double tpot_seconds = 0;         // step / tokens_per_sequence
  double output_tokens_per_second = 0;  // batch x tokens_per_sequence / step
  // Continuous batching: time from admission to first token (no wait), and how long a request holds
  // its batch slot (time to first token + (output - 1) x TPOT).
  double ttft_service_seconds = 0, slot_seconds = 0;
  double prompt_flops = 0;         // FLOPs of one request's uncached prefill
};
// Static batching: a decode step with speculative verification (k = 0: the plain decode step).
// Continuous batching (Orca, Yu et al. 2022; chunked prefill, Sarathi-Serve, Agrawal et al. 2024;
// vLLM, SGLang, TensorRT-LLM in-flight batching): each step carries the decode tokens of the batch and
// the prefill chunk that keeps it full, batch x E / output requests' uncached prompts, with one weight
// read per forward pass shared by all of them.
EngineStep engine_step(const DecodeSetup& d, const ServingInputs& in, double batch);

// The fleet at the planned load under continuous batching: each replica an M/M/c queue whose servers
// are its `batch` slots, each held for slot_seconds; replicas = the fewest, at least the throughput
// count ceil(peak tokens/s / tokens/s per replica) and min_replicas, that keep utilisation below 1 and
// time to first token (wait at the percentile + service) within the target when the service time
// alone meets it.
struct QueueSizing {
  double replicas = 0;
  double throughput_replicas = 0;  // ceil(peak tokens/s / tokens/s per replica), at least min_replicas
  double arrivals_per_s = 0;       // per replica
  double utilization = 0;          // arrivals x slot_seconds / batch
  double wait_probability = 0, mean_wait_seconds = 0, wait_seconds = 0;  // wait_seconds at the percentile
  double ttft_seconds = 0;         // wait at the percentile + ttft_service_seconds
};
QueueSizing size_continuous_fleet(const EngineStep& st, double batch, double peak_qps, double output_tokens,
                                  double min_replicas, double ttft_target_seconds, double percentile);

// Disaggregated prefill and decode (serving.disaggregated; DistServe, Zhong et al. OSDI 2024;
// Splitwise, Patel et al. ISCA 2024; NVIDIA Dynamo): prompts run on a prefill pool, the KV cache moves
// over the network to a decode pool, and decode steps carry no prefill chunk. Both pools use the
// replica layout of the serving section (tensor x expert parallel GPUs).
// - prefill: a pass carries up to kChunkedPrefillTokenBudget prompt tokens (several prompts), so a
//   request's service is pass time / prompts per pass; each prefill replica is an M/M/1 queue of
//   requests, and its pool the fewest replicas whose wait at the percentile + own prefill + KV transfer
//   meets the TTFT target (the decode pool emits the first token once the KV has arrived, Dynamo);
// - KV transfer: prompt x KV bytes per token over the replica's scale-out links, every GPU sending its
//   shard at once (RDMA, NIXL in Dynamo; DistServe sec. 4);
// - decode: pure decode steps at `decode_batch` (TPOT = step), replicas = ceil(peak tokens/s / tokens/s
//   per replica): a replica admits a request when a slot frees, at a utilisation below 1.
struct DisaggregatedFleet {
  double prompts_per_pass = 1, prefill_pass_seconds = 0;
  double prefill_service_seconds = 0;  // pass time / prompts per pass: the queue's mean service time
  double prefill_seconds = 0;          // one request's prompt alone (no wait)
  double prefill_replicas = 0, prefill_utilization = 0, prefill_wait_seconds = 0;
  double kv_transfer_bytes = 0, kv_transfer_seconds = 0;
  double ttft_seconds = 0;  // wait at the percentile + prefill + KV transfer
  EngineStep decode;        // the decode pool's step at decode_batch (no prefill chunk)
  double decode_replicas = 0;
  double replica_gpus = 1, gpus = 0;  // (prefill + decode replicas) x replica GPUs
  bool meets_targets = false;         // TTFT and TPOT within the targets (memory is the caller's check)
};
DisaggregatedFleet size_disaggregated_fleet(const DecodeSetup& d, const ServingInputs& in, double decode_batch, double peak_qps,
                                            double min_replicas, double ttft_target_seconds, double tpot_target_seconds,
                                            double percentile, double kv_link_bytes_per_s);

}  // namespace envelope
