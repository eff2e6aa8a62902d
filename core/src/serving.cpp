// Traffic and serving (the Traffic panel): users -> requests -> peak QPS -> tokens/s -> replicas ->
// GPUs -> $/month, or CPU cores and machines for a CPU-served model; under continuous batching the
// engine step and the M/M/c queue (serving_model.hpp) size the fleet; latency against the targets.
#include <algorithm>
#include <cmath>

#include "envelope/formulas.hpp"
#include "envelope/units.hpp"
#include "evaluate_parts.hpp"

namespace envelope::detail {

Serving serving_section(Builder& b, const Resolved& x, const InferenceMemory& m, const InferenceSpeed& i) {
  const Scenario& s = x.s;
  const Catalog& c = x.c;
  const Scenario& sv = x.sv;
  const Architecture& arch = x.arch();
  const Accelerator& igpu = x.igpu;
  const DecodeSetup& ds = x.ds;
  const InferenceSection& in = sv.inference;
  const ServingInputs& si = x.si;
  const double tp = m.tp, ep = m.ep, max_batch = m.max_batch;
  const bool inf_fits = m.fits, speculative = i.speculative;
  const double sustained = i.sustained, ttft = i.ttft, step = i.step, decode_tokens_step = i.decode_tokens_step,
               new_prompt = i.new_prompt;
  const double bw_eff = ds.bandwidth_efficiency, c_eff = ds.compute_efficiency, ipeak = ds.peak_flops;
  if (s.traffic.cpu_ms_per_request <= 0 && s.serving.tensor_parallel &&  // GPU serving of the LLM: its replica's TP
      !tensor_parallel_splits_heads(*s.serving.tensor_parallel, arch.heads, arch.kv_heads))
    b.warn("serving.tensor_parallel", tensor_parallel_heads_message(*s.serving.tensor_parallel, arch.heads, arch.kv_heads));
  const TrafficSection& tf = s.traffic;
  const double rpd = b.add("traffic.requests_per_day", requests_per_day(Term(tf.users), Term(tf.active_fraction), Term(tf.requests_per_user_per_day)),
                           "req/day", "users x active_fraction x requests_per_user_per_day",
                           "seed estimation cascade");
  const double avg = b.add("traffic.average_qps", average_qps(Term(rpd)), "req/s", "requests_per_day / 86400",
                           "seed fraud and LLM-serving examples");
  // A direct peak load (traffic.peak_qps, or traffic.peak_tokens_per_second / output tokens) replaces
  // the users cascade; the average is then the peak over the peak factor.
  double pk = 0;
  if (tf.peak_qps) {
    pk = b.add("traffic.peak_qps", *tf.peak_qps, "req/s", "peak_qps (given)", g(*tf.peak_qps), "scenario traffic.peak_qps");
    if (tf.peak_tokens_per_second)
      b.warn("traffic.peak_tokens_per_second", "both traffic.peak_qps and traffic.peak_tokens_per_second are set; using peak_qps");
  } else if (tf.peak_tokens_per_second) {
    pk = b.add("traffic.peak_qps", Term(*tf.peak_tokens_per_second) / Term(in.output_tokens), "req/s",
               "peak_tokens_per_second / output_tokens", "scenario traffic.peak_tokens_per_second");
  } else {
    pk = b.add("traffic.peak_qps", peak_qps(Term(avg), Term(tf.peak_factor)), "req/s", "average_qps x peak_factor",
               "seed 'Forgetting Peak Traffic' (3x consumer, 5x payments, 10x ads)");
  }
  const double peak_tok = b.add("traffic.peak_tokens_per_second", Term(pk) * Term(in.output_tokens), "tok/s",
                                "peak_qps x output_tokens", "seed LLM-serving example");
  double serving_monthly = 0;
  if (tf.cpu_ms_per_request > 0) {
    const double cores = b.add("serving.cpu_cores", cpu_cores_needed(Term(pk), Term(tf.cpu_ms_per_request), Term(tf.cpu_headroom)),
                               "cores", "peak_qps x ms_per_request / 1000 x headroom", "seed fraud example");
    const double per_machine = tf.cpu_cores_per_machine ? *tf.cpu_cores_per_machine : c.prices.cpu_cores_per_machine;
    const double mprice = tf.cpu_price_per_machine_hour ? *tf.cpu_price_per_machine_hour : c.prices.cpu_machine_usd_per_hour;
    const double machines = b.add("serving.replicas", max(Term(tf.min_machines), ceil_count(Term(cores) / Term(per_machine))), "1",
                                  "max(min_machines, ceil(cores / cores_per_machine))", "seed fraud example");
    b.add("serving.gpus", 0, "1", "CPU-served model", "0", "seed fraud example: 'a CPU-served, non-GPU problem'");
    serving_monthly = b.add("serving.monthly_cost_usd", monthly_usd(Term(machines), Term(mprice)), "USD/month",
                            "machines x price x 730 h", "seed fraud example (c5.2xlarge ~$0.40/hr)");
  } else {
    // Continuous batching (serving.batching): the engine step carries the batch's decode tokens and a
    // prefill chunk; the fleet is sized with the wait for a batch slot (serving_model.hpp).
    const ServingSection& sg = s.serving;
    const bool continuous = si.continuous;
    const double pct = percentile_fraction(sg.latency_percentile);
    EngineStep cs;
    double engine_capacity = sustained;
    if (continuous) {
      cs = engine_step(ds, si, in.batch);
      const std::string csrc = "continuous batching with chunked prefill (Orca, Yu et al. 2022; Sarathi-Serve, Agrawal et al. "
                               "2024; vLLM / SGLang / TensorRT-LLM in-flight batching)";
      b.add("serving.continuous.prefill_tokens_per_step", cs.prefill_tokens, "tokens",
            "batch x tokens_per_step / output x (prompt - cached)",
            sub("% x % / % x %", {in.batch, cs.tokens_per_sequence, si.output_tokens, new_prompt}),
            "steady state: as many requests start per step as finish; " + csrc);
      b.add("serving.continuous.forward_passes_per_step", cs.passes, "1", "max(1, (batch x (k + 1) + prefill chunk) / 8192)",
            sub("max(1, (% + %) / 8192)", {cs.verified_tokens, cs.prefill_tokens}),
            "vLLM max_num_batched_tokens default with chunked prefill (8,192 tokens per forward pass; averaged over steps)");
      b.add("serving.continuous.step_seconds", cs.step_seconds, "s",
            "(weights x passes + kv_read) / (tp x BW x eff) + (decode + chunk FLOPs) / (tp x peak x eff) + comm + draft",
            sub("(% + %) / (% x % x %) + % / (% x % x %) + % + %",
                {cs.weight_bytes_read, cs.kv_bytes_read, ds.replica_gpus(), igpu.bandwidth_bytes_per_s, bw_eff,
                 cs.flops, ds.replica_gpus(), ipeak, c_eff, cs.comm_seconds, cs.draft_seconds}),
            "one read of the weights per forward pass shared by decode and prefill tokens; " + csrc);
      engine_capacity = b.add("serving.continuous.tokens_per_second", cs.output_tokens_per_second, "tok/s",
                              "batch x tokens_per_step / step_seconds",
                              sub("% x % / %", {in.batch, cs.tokens_per_sequence, cs.step_seconds}),
                              "steady-state output tokens per step over the step time; " + csrc);
      b.add("serving.continuous.ttft_service_seconds", cs.ttft_service_seconds, "s",
            "step + own prompt FLOPs / (tp x peak x eff) + its all-reduces (+ a weight read per extra 8,192-token chunk)",
            sub("% + % / (% x % x %) + ...", {cs.step_seconds, cs.prompt_flops, tp, ipeak, c_eff}),
            "the prompt rides in the next step beside the running batch (Sarathi-Serve chunked prefill); no wait");
      b.add("serving.continuous.slot_seconds", cs.slot_seconds, "s", "ttft_service + (output - 1) x tpot",
            sub("% + % x %", {cs.ttft_service_seconds, si.output_tokens - 1, cs.tpot_seconds}),
            "how long a request holds its batch slot (the service time of the queue)");
    }
    const double capacity = tf.tokens_per_second_per_replica ? *tf.tokens_per_second_per_replica : engine_capacity;
    b.add("serving.tokens_per_second_per_replica", capacity, "tok/s",
          tf.tokens_per_second_per_replica ? "given"
          : continuous                     ? "serving.continuous.tokens_per_second"
                                           : "inference.sustained_tokens_per_second",
          g(capacity), tf.tokens_per_second_per_replica ? "scenario traffic.tokens_per_second_per_replica" : "inference estimate");
    double replicas = 0;
    QueueSizing q;
    if (continuous) {
      EngineStep sized = cs;
      sized.output_tokens_per_second = capacity;
      q = size_continuous_fleet(sized, in.batch, pk, si.output_tokens, tf.min_replicas, sg.ttft_target_seconds, pct);
      const std::string qsrc = "M/M/c queue per replica, c = batch slots, service = slot_seconds: Erlang C (Erlang 1917; "
                               "Kleinrock 1975, Queueing Systems vol. 1, sec. 3.5)";
      b.add("serving.queue.throughput_replicas", q.throughput_replicas, "1",
            "max(min_replicas, ceil(peak_tokens_per_s / tokens_per_s_per_replica))",
            sub("max(%, ceil(% / %))", {tf.min_replicas, peak_tok, capacity}), "seed LLM-serving example and Q3");
      replicas = b.add("serving.replicas", q.replicas, "1",
                       "fewest replicas >= throughput_replicas with utilisation < 1 and wait(" + sg.latency_percentile +
                           ") + ttft_service <= TTFT target",
                       sub("% (throughput %, stable above %)",
                           {q.replicas, q.throughput_replicas, pk * cs.slot_seconds / std::max(1.0, in.batch)}),
                       qsrc);
      b.add("serving.queue.arrivals_per_second_per_replica", q.arrivals_per_s, "req/s", "peak_qps / replicas",
            sub("% / %", {pk, q.replicas}), qsrc);
      b.add("serving.queue.utilization", q.utilization, "1", "arrivals x slot_seconds / batch",
            sub("% x % / %", {q.arrivals_per_s, cs.slot_seconds, in.batch}), qsrc);
      b.add("serving.queue.wait_probability", q.wait_probability, "1", "Erlang C(c = batch, a = arrivals x slot_seconds)",
            sub("C(%, %)", {in.batch, q.arrivals_per_s * cs.slot_seconds}), qsrc);
      b.add("serving.queue.mean_wait_seconds", q.mean_wait_seconds, "s", "C x slot_seconds / (c - a)",
            sub("% x % / (% - %)", {q.wait_probability, cs.slot_seconds, in.batch, q.arrivals_per_s * cs.slot_seconds}),
            qsrc);
      b.add("serving.queue.wait_seconds", q.wait_seconds, "s",
            "max(0, ln(C / (1 - p)) x slot_seconds / (c - a)) at " + sg.latency_percentile,
            sub("p = %, C = %", {pct, q.wait_probability}), qsrc + ": P(W > t) = C exp(-(c mu - lambda) t)");
    } else {
      replicas = b.add("serving.replicas", replicas_needed(Term(peak_tok), Term(capacity), Term(tf.min_replicas)), "1",
                       "max(min_replicas, ceil(peak_tokens_per_s / tokens_per_s_per_replica))", "seed LLM-serving example and Q3");
    }
    const double rg = ds.replica_gpus();  // tensor_parallel x expert_parallel
    if (ep > 1) {
      b.add("serving.gpus_per_replica", rg, "1", "tensor_parallel x expert_parallel", sub("% x %", {tp, ep}),
            "expert parallelism: routed experts sharded over ep groups of tp GPUs");
      const DecodeTimes at_batch = decode_times(ds, in.batch);
      b.add("serving.expert_parallel.all_to_all_seconds_per_step", replica_all_to_all_seconds(ds, in.batch), "s",
            "2 x L_moe x (batch x k x h x 2 B / (tp x ep) x (ep - 1) / ep / link + latency)",
            sub("2 x % x (% x % x % x 2 / % x % / % + %)",
                {moe_layers(arch), in.batch, arch.experts_per_token, arch.hidden, rg, (ep - 1) / ep,
                 ds.link_bytes_per_s, ds.link_latency_s}),
            sub("dispatch and combine per MoE layer (GShard, Lepikhin et al. 2020; DeepSeek-V3 report sec. 3.4.2), over the scale-up link when tp x ep fits its domain, else scale-out; part of inference.decode_step_seconds (% s of communication)",
                {at_batch.comm_seconds}));
    }
    const double gpus = b.add("serving.gpus", Term(replicas) * Term(rg), "1",
                              ep > 1 ? "replicas x tensor_parallel x expert_parallel" : "replicas x tensor_parallel", "seed Q3");
    if (!inf_fits)
      b.warn("serving.gpus", substitute_message("the fleet is sized from a replica that does not fit: weights + KV cache at batch % need more than % x ",
                                 {in.batch, tp}) + igpu.name + " (see memory.inference.fits)");
    else if (in.batch > max_batch)
      b.warn("serving.gpus", substitute_message("the fleet is sized at batch %, above the % sequences whose KV cache fits on a replica",
                                 {in.batch, max_batch}));
    // The serving GPU's price: the scenario's price applies to hardware.gpu only (select_accelerator).
    const double sprice = price_per_gpu_hour(sv, c);
    const std::string sprice_src = sv.hardware.price_per_gpu_hour ? std::string("scenario hardware.price_per_gpu_hour")
                                   : sv.hardware.pricing == "spot"  ? igpu.spot_source
                                                                    : igpu.on_demand_source;
    if (!s.serving.gpu.empty()) {
      b.add("serving.price_per_gpu_hour", sprice, "USD/h", "price per GPU-hour of serving.gpu", g(sprice), sprice_src);
      if (!has_gpu_price(sv, c))
        b.warn("serving.price_per_gpu_hour", "no published price for " + igpu.name +
                                                 ": serving costs show \"no price\" (a typed $ per GPU-hour prices hardware.gpu only)");
    }
    serving_monthly = b.add("serving.monthly_cost_usd", monthly_usd(Term(gpus), Term(sprice)), "USD/month", "GPUs x price x 730 h",
                            sprice_src);
    b.add("serving.usd_per_million_tokens", capacity > 0 ? sprice * rg / (capacity * kSecondsPerHour) * 1e6 : 0.0, "USD/Mtok",
          "price x GPUs per replica / (tokens_per_s_per_replica x 3600) x 1e6",
          sub("% x % / (% x 3600) x 1e6", {sprice, rg, capacity}),
          "output tokens of a fully loaded replica; " + sprice_src);
    // Latency of the replica against the scenario's targets. Static batching models no queueing wait:
    // its estimates are those of a request that finds a free slot, i.e. the median at moderate load.
    // Continuous batching adds the M/M/c wait for a slot at the scenario's percentile.
    double ttft_at = ttft, tpot_at = decode_tokens_step;
    if (continuous) {
      ttft_at = b.add("serving.ttft_seconds", q.ttft_seconds, "s",
                      "wait(" + sg.latency_percentile + ") + serving.continuous.ttft_service_seconds",
                      sub("% + %", {q.wait_seconds, cs.ttft_service_seconds}),
                      "time to first token at the planned load, at the scenario's percentile (M/M/c wait for a batch slot)");
      tpot_at = b.add("serving.tpot_seconds", cs.tpot_seconds, "s",
                      speculative ? "continuous step / speculative tokens per step" : "serving.continuous.step_seconds",
                      speculative ? sub("% / %", {cs.step_seconds, cs.tokens_per_sequence}) : g(cs.step_seconds),
                      "every running sequence gets its tokens once per engine step (decode and prefill chunk together)");
    } else {
      b.add("serving.ttft_seconds", ttft, "s", "inference.prefill_seconds (no queueing wait)", g(ttft),
            "time to first token of one request at the replica's layout");
      if (speculative)
        b.add("serving.tpot_seconds", tpot_at, "s", "inference.speculative.tpot_seconds at the serving batch", g(tpot_at),
              "Leviathan et al. 2023: a step of k proposals verified at once gives E tokens");
      else
        b.add("serving.tpot_seconds", step, "s", "inference.decode_step_seconds at the serving batch", g(step),
              "every sequence of the batch gets one token per decode step");
    }
    const bool meets = inf_fits && ttft_at <= sg.ttft_target_seconds && tpot_at <= sg.tpot_target_seconds;
    b.add("serving.meets_targets", meets ? 1 : 0, "bool", "fits and TTFT <= target and TPOT <= target",
          sub("% <= %, % <= %", {ttft_at, sg.ttft_target_seconds, tpot_at, sg.tpot_target_seconds}),
          "scenario serving.ttft_target_seconds, serving.tpot_target_seconds (" + sg.latency_percentile +
              (continuous ? " of the M/M/c time to first token" : "") + ")");
    if (inf_fits && !meets)
      b.warn("serving.meets_targets", std::string("the serving replica misses its latency target: ") +
                                          (ttft_at > sg.ttft_target_seconds ? sub("time to first token % s > % s",
                                                                                  {ttft_at, sg.ttft_target_seconds})
                                                                            : sub("time per output token % s > % s",
                                                                                  {tpot_at, sg.tpot_target_seconds})));
    if (sg.disaggregated) {
      // Disaggregated prefill/decode beside the aggregated fleet above (serving_model.hpp): a prefill
      // pool sized for the TTFT target, the KV moved over the scale-out links, a decode pool of pure
      // decode steps at the serving batch, whose paged KV holds prompt + output / 2 tokens per request.
      const std::string dsrc = "disaggregated prefill/decode (DistServe, Zhong et al. OSDI 2024; Splitwise, Patel et al. "
                               "ISCA 2024; NVIDIA Dynamo)";
      const DisaggregatedFleet df = size_disaggregated_fleet(ds, si, in.batch, pk, tf.min_replicas, sg.ttft_target_seconds,
                                                             sg.tpot_target_seconds, pct, igpu.scale_out_bytes_per_s);
      const double decode_max_batch = m.paged_max_batch;
      b.add("serving.disaggregated.decode_max_batch", decode_max_batch, "1",
            "floor((memory x usable x tp - weights - workspace - overhead) / (kv_per_token x (prompt + output / 2)))",
            m.paged_max_batch_basis,
            "paged KV in the decode pool (vLLM PagedAttention); " + dsrc);
      b.add("serving.disaggregated.prompts_per_prefill_pass", df.prompts_per_pass, "1", "max(1, 8192 / uncached prompt)",
            sub("max(1, 8192 / %)", {in.prompt_tokens * (1 - sg.prefix_cache_hit_fraction)}),
            "prompts batched into one forward pass of at most 8,192 tokens (vLLM max_num_batched_tokens)");
      b.add("serving.disaggregated.prefill_service_seconds", df.prefill_service_seconds, "s", "prefill pass / prompts per pass",
            sub("% / %", {df.prefill_pass_seconds, df.prompts_per_pass}),
            "a pass reads the weights once, runs its prompts' FLOPs and all-reduces (as an engine step); " + dsrc);
      b.add("serving.disaggregated.kv_transfer_seconds", df.kv_transfer_seconds, "s",
            "prompt x kv_bytes_per_token / (replica GPUs x scale-out bandwidth)",
            sub("% x % / (% x %)",
                {in.prompt_tokens, ds.kv_bytes_per_token, df.replica_gpus, igpu.scale_out_bytes_per_s}),
            "each GPU sends its KV shard over its own NIC (RDMA; NIXL in Dynamo; DistServe sec. 4)");
      b.add("serving.disaggregated.prefill_replicas", df.prefill_replicas, "1",
            "fewest replicas with utilisation < 1 and wait(" + sg.latency_percentile + ") + prefill + transfer <= TTFT target",
            sub("% (utilisation %)", {df.prefill_replicas, df.prefill_utilization}),
            "each prefill replica an M/M/1 queue of requests (Kleinrock 1975, sec. 3.2)");
      b.add("serving.disaggregated.ttft_seconds", df.ttft_seconds, "s", "wait(" + sg.latency_percentile + ") + prefill + KV transfer",
            sub("% + % + %", {df.prefill_wait_seconds, df.prefill_seconds, df.kv_transfer_seconds}),
            "the decode pool emits the first token once the prompt's KV has arrived (Dynamo); " + dsrc);
      b.add("serving.disaggregated.tpot_seconds", df.decode.tpot_seconds, "s", "decode step at the serving batch (no prefill chunk)",
            g(df.decode.step_seconds) + (df.decode.tokens_per_sequence != 1 ? sub(" / %",
                                                                                  {df.decode.tokens_per_sequence}) : ""),
            "decode steps free of prefill interference (DistServe sec. 2)");
      b.add("serving.disaggregated.decode_tokens_per_second_per_replica", df.decode.output_tokens_per_second, "tok/s",
            "batch x tokens_per_step / step", sub("% x % / %",
                                                  {in.batch, df.decode.tokens_per_sequence, df.decode.step_seconds}), dsrc);
      b.add("serving.disaggregated.decode_replicas", df.decode_replicas, "1",
            "max(min_replicas, ceil(peak_tokens_per_s / decode tokens_per_s_per_replica))",
            sub("max(%, ceil(% / %))", {tf.min_replicas, peak_tok, df.decode.output_tokens_per_second}), "seed Q3");
      const double dgpus = b.add("serving.disaggregated.gpus", df.gpus, "1", "(prefill_replicas + decode_replicas) x GPUs per replica",
                                 sub("(% + %) x %", {df.prefill_replicas, df.decode_replicas, df.replica_gpus}), dsrc);
      b.add("serving.disaggregated.monthly_cost_usd", monthly_usd(dgpus, sprice), "USD/month", "GPUs x price x 730 h",
            sub("% x % x 730", {dgpus, sprice}), sprice_src);
      const bool dmeets = in.batch <= decode_max_batch && df.meets_targets;
      b.add("serving.disaggregated.meets_targets", dmeets ? 1 : 0, "bool",
            "batch <= decode_max_batch and TTFT <= target and TPOT <= target",
            sub("% <= %, % <= %, % <= %",
                {in.batch, decode_max_batch, df.ttft_seconds, sg.ttft_target_seconds, df.decode.tpot_seconds,
                 sg.tpot_target_seconds}),
            "scenario serving targets (" + sg.latency_percentile + " of the prefill queue's time to first token)");
      if (in.batch > decode_max_batch)
        b.warn("serving.disaggregated.decode_max_batch", substitute_message("the decode pool's batch % holds more KV than fits (% sequences)",
                                                             {in.batch, decode_max_batch}));
    }
    if (sg.latency_percentile != "p50" && !continuous)
      b.warn("serving.latency_percentile", "latency targets are compared with estimates without a queueing wait (a median at "
                                           "moderate load); " + sg.latency_percentile + " is modelled with serving.batching "
                                           "\"continuous\" (M/M/c wait for a batch slot)");
  }

  return Serving{avg, pk, serving_monthly, tf.cpu_ms_per_request > 0};
}

}  // namespace envelope::detail
