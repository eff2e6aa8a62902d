// Inference (the Inference panel): one replica's decode step (weights and KV bytes over bandwidth,
// matmul FLOPs over compute, tensor- and expert-parallel communication), time to first token,
// speculative decoding, and the static batching cycle. decode_times and replica_* (setup.hpp) are
// the same step for the charts and the serving model. Formulas in formulas.hpp with their sources.
#include <algorithm>
#include <cmath>

#include "envelope/formulas.hpp"
#include "envelope/units.hpp"
#include "evaluate_parts.hpp"

namespace envelope {

namespace detail {

InferenceSpeed inference_section(Builder& b, const Resolved& x) {
  const Architecture& arch = x.arch();
  const Accelerator& igpu = x.igpu;
  const DecodeSetup& ds = x.ds;
  const InferenceSection& in = x.sv.inference;
  const ServingInputs& si = x.si;
  const double Pa = x.Pa, tp = in.tensor_parallel;
  const DecodeTimes dt = decode_times(ds, in.batch);
  const double bw_eff = ds.bandwidth_efficiency, c_eff = ds.compute_efficiency;
  // The scenario's own degree (a typed serving.tensor_parallel is checked by the serving section).
  if (!tensor_parallel_splits_heads(x.s.inference.tensor_parallel, arch.heads, arch.kv_heads))
    b.warn("inference.tensor_parallel", tensor_parallel_heads_message(x.s.inference.tensor_parallel, arch.heads, arch.kv_heads));
  if (bw_eff > 0.92)
    b.warn("inference.bandwidth_efficiency", "above the ~92% of peak HBM bandwidth measured on GB200 (Azure ND GB200 v6)");
  const double ipeak = ds.peak_flops, w_read = dt.weight_bytes_read, kv_read = dt.kv_bytes_read, dflops = dt.flops;
  const double link_bw = ds.link_bytes_per_s, link_lat = ds.link_latency_s, comm = dt.comm_seconds;
  b.add("inference.weight_bytes_read_per_step", w_read, "B",
        arch.experts > 0 ? "shared weights + L_moe x E(1-(1-k/E)^batch) x expert bytes" : "weights", g(w_read),
        arch.experts > 0 ? "expected distinct experts hit per step (uniform routing)" : "seed Q2: every step reads all weights");
  b.add("inference.tp_comm_seconds_per_step", comm, "s", "2 x L x ring_allreduce(batch x h x 2 B, tp)",
        sub("2 x % x allreduce(% B, %) over % B/s", {arch.layers, in.batch * arch.hidden * 2, tp, link_bw}),
        "Megatron-LM (Shoeybi 2019): 2 all-reduces per layer; ring all-reduce 2(n-1)/n");
  b.add("inference.decode_memory_seconds", dt.memory_seconds, "s",
        "(weights_read + kv_read) / (tp x BW x eff)",
        sub("(% + %) / (% x % x %)", {w_read, kv_read, ds.replica_gpus(), igpu.bandwidth_bytes_per_s, bw_eff}),
        "seed Q2: bandwidth-bound part of a decode step");
  b.add("inference.decode_compute_seconds", dt.compute_seconds, "s",
        arch.linear_layers > 0 ? "(2 P_active + 4 L_attn ctx heads head_dim + 4 L_ssm ssm_heads head_dim state) x batch / (tp x peak x eff)"
                               : "(2 P_active + 4 L ctx heads head_dim) x batch / (tp x peak x eff)",
        sub("% / (% x % x %)", {dflops, ds.replica_gpus(), ipeak, c_eff}), "compute-bound part of a decode step");
  // decode_times' last step (setup.hpp) on its own parts, as a Term: the same formula, the same value.
  const double rg = ds.replica_gpus();
  const double step = b.add("inference.decode_step_seconds",
                            decode_step_seconds(Term(w_read) + Term(kv_read), Term(ds.bandwidth_bytes_per_s) * Term(rg), Term(bw_eff),
                                                Term(dflops), Term(ipeak) * Term(rg), Term(c_eff), Term(comm)),
                            "s", "(weights_read + kv_read) / (BW x tp x eff) + FLOPs / (peak x tp x eff) + comm",
                            "seed Q2 (memory-bandwidth bound at small batch); compute term at large batch");
  b.add("inference.tokens_per_second", step > 0 ? Term(in.batch) / Term(step) : Term(0.0), "tok/s", "batch / decode_step",
        "seed 'Inference Throughput Estimation'");
  // Prefix caching (serving.prefix_cache_hit_fraction): the cached share of the prompt skips prefill.
  const double cached = prefix_cached_tokens(in.prompt_tokens, si.prefix_cache_hit_fraction);
  const double new_prompt = in.prompt_tokens - cached;
  if (cached > 0)
    b.add("inference.prefix_cached_tokens", cached, "tokens", "prompt_tokens x prefix_cache_hit_fraction",
          sub("% x %", {in.prompt_tokens, si.prefix_cache_hit_fraction}),
          "vLLM automatic prefix caching / SGLang RadixAttention: cached KV blocks are reused, their prefill skipped; "
          "KV memory per request unchanged (each request still holds its whole context)");
  const double pf1 = cached > 0 ? prefill_flops_after_cache(arch, Pa, in.prompt_tokens, cached) : prefill_flops(arch, Pa, in.prompt_tokens);
  const double ttft = b.add("inference.prefill_seconds",
                            prefill_seconds(Term(pf1), Term(ipeak) * Term(tp), Term(c_eff), Term(w_read),
                                            Term(igpu.bandwidth_bytes_per_s) * Term(tp), Term(bw_eff),
                                            Term(tensor_parallel_step_seconds(arch.layers, new_prompt, arch.hidden, tp, link_bw,
                                                                              link_lat, 2.0))),
                            "s",
                            "prefill FLOPs / (peak x tp x eff) + weights / (BW x tp x eff) + comm; prefill FLOPs = 2 P_active s + "
                            "2 L s^2 heads head_dim" + std::string(cached > 0 ? " of the prompt minus those of its cached prefix" : ""),
                            "Kaplan et al. 2020 (forward FLOPs); time to first token of one request");
  // Speculative decoding (serving.speculative_tokens > 0): E tokens per step of a target verifying k + 1.
  const EngineStep spec = engine_step(ds, ServingInputs{false, si.prompt_tokens, si.output_tokens, 0, si.speculative_tokens,
                                                        si.speculative_acceptance_rate, si.speculative_draft_cost_fraction},
                                      in.batch);
  const bool speculative = si.speculative_tokens > 0;
  double decode_tokens_step = step;  // time per output token of the static cycle
  if (speculative) {
    const double k = si.speculative_tokens, al = si.speculative_acceptance_rate;
    b.add("inference.speculative.tokens_per_step", spec.tokens_per_sequence, "tokens", "(1 - alpha^(k+1)) / (1 - alpha)",
          sub("(1 - %^%) / (1 - %)", {al, k + 1, al}),
          "Leviathan et al. 2023, eq. 1 (expected tokens per speculative step)");
    b.add("inference.speculative.verify_seconds", spec.target_seconds, "s",
          "decode step of batch x (k + 1) tokens: weights read once, FLOPs and all-reduces x (k + 1)",
          sub("(% + %) B, % FLOP, comm % s",
              {spec.weight_bytes_read, spec.kv_bytes_read, spec.flops, spec.comm_seconds}),
          "Leviathan et al. 2023: the target scores k + 1 positions in one pass");
    b.add("inference.speculative.step_seconds", spec.step_seconds, "s", "verify + k x draft_cost_fraction x decode_step",
          sub("% + % x % x %", {spec.target_seconds, k, si.speculative_draft_cost_fraction, step}),
          "Leviathan et al. 2023, Theorem 3.8 (walltime factor k c + 1)");
    decode_tokens_step = b.add("inference.speculative.tpot_seconds", spec.tpot_seconds, "s", "step / tokens_per_step",
                               sub("% / %", {spec.step_seconds, spec.tokens_per_sequence}), "Leviathan et al. 2023");
  }
  const double batch_prefill = prefill_seconds(pf1 * in.batch, ipeak * tp, c_eff, w_read, igpu.bandwidth_bytes_per_s * tp, bw_eff, 0);
  const double cycle = batch_prefill + in.output_tokens * decode_tokens_step;
  const std::string step_name = speculative ? "speculative tpot" : "decode_step";
  const double sustained = b.add("inference.sustained_tokens_per_second", cycle > 0 ? in.batch * in.output_tokens / cycle : 0.0,
                                 "tok/s", "batch x output / (prefill(batch) + output x " + step_name + ")",
                                 sub("% x % / (% + % x %)",
                                     {in.batch, in.output_tokens, batch_prefill, in.output_tokens, decode_tokens_step}),
                                 "static batching cycle: prefill the batch, then decode");
  b.add("inference.requests_per_second", cycle > 0 ? in.batch / cycle : 0.0, "req/s", "batch / (prefill(batch) + output x step)",
        sub("% / %", {in.batch, cycle}), "seed 'requests_per_second = tokens_per_second / avg_output_tokens'");

  return InferenceSpeed{step, ttft, decode_tokens_step, sustained, new_prompt, speculative};
}

}  // namespace detail

double replica_weight_bytes_read(const DecodeSetup& d, double tokens) {
  const double all = decode_weight_bytes_read(d.arch, tokens, d.weights);
  if (d.expert_parallel <= 1) return all * d.params_scale;
  const double dense = all - routed_expert_bytes_read(d.arch, tokens, d.weights);
  return (all + (d.expert_parallel - 1) * dense) * d.params_scale;
}

double replica_all_to_all_seconds(const DecodeSetup& d, double tokens) {
  return expert_parallel_all_to_all_seconds(moe_layers(d.arch), tokens, d.arch.experts_per_token, expert_input_width(d.arch),
                                            d.tensor_parallel, d.expert_parallel, d.link_bytes_per_s, d.link_latency_s, 2.0);
}

double replica_comm_seconds(const DecodeSetup& d, double tokens) {
  const double ep = d.expert_parallel;
  return tensor_parallel_step_seconds(d.arch.layers, ep > 1 ? tokens / ep : tokens, d.arch.hidden, d.tensor_parallel,
                                      d.link_bytes_per_s, d.link_latency_s, 2.0) +
         replica_all_to_all_seconds(d, tokens);
}

DecodeTimes decode_times(const DecodeSetup& d, double batch) {
  const Architecture& a = d.arch;
  DecodeTimes t;
  t.weight_bytes_read = replica_weight_bytes_read(d, batch);
  t.kv_bytes_read = d.kv_bytes_per_token * d.read_context * batch;
  // Matmuls (2 FLOPs per active parameter per token) + attention over the cached context + a hybrid's
  // recurrent SSM step (ssm_decode_flops_per_token; 0 for a transformer).
  t.flops = 2.0 * d.params_active * batch + 4.0 * kv_layer_tokens(a, d.read_context) * a.heads * a.head_dim * batch +
            ssm_decode_flops_per_token(a) * batch;
  t.comm_seconds = replica_comm_seconds(d, batch);
  // Bandwidth and compute of every GPU of the replica (tensor_parallel x expert_parallel).
  const double tp = d.replica_gpus();
  t.memory_seconds = decode_step_seconds(t.weight_bytes_read + t.kv_bytes_read, d.bandwidth_bytes_per_s * tp,
                                         d.bandwidth_efficiency, 0, 0, 0, 0);
  t.compute_seconds = decode_step_seconds(0, 0, 0, t.flops, d.peak_flops * tp, d.compute_efficiency, 0);
  t.step_seconds = decode_step_seconds(t.weight_bytes_read + t.kv_bytes_read, d.bandwidth_bytes_per_s * tp,
                                       d.bandwidth_efficiency, t.flops, d.peak_flops * tp, d.compute_efficiency,
                                       t.comm_seconds);
  return t;
}

// Every estimate carries the error band its category showed against published figures

}  // namespace envelope
