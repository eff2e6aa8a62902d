// Disaggregated prefill/decode (serving.disaggregated; serving_model.hpp size_disaggregated_fleet):
// the report's pools, their arithmetic, and the planner's disaggregated rows against evaluate() and a
// brute force over the decode batches a user could type.
#include <catch2/catch.hpp>
#include <cmath>

#include "envelope/evaluate.hpp"
#include "envelope/link.hpp"
#include "envelope/planner.hpp"
#include "helpers.hpp"

using namespace envelope;

namespace {
// The serving tests' Llama 3 70B at 1,000 QPS (helpers.hpp), continuous batching, disaggregated.
Scenario llama3_70b_disaggregated(double batch) {
  Scenario s = envelope::test::llama3_70b_serving("continuous", batch);
  s.serving.disaggregated = true;
  return s;
}
}  // namespace

TEST_CASE("disaggregated serving: prefill and decode pools sized for the targets, with their arithmetic", "[serving][disaggregated]") {
  const Report r = evaluate(llama3_70b_disaggregated(256));
  Scenario agg = llama3_70b_disaggregated(256);
  agg.serving.disaggregated = false;
  const Report a = evaluate(agg);
  // Off: no disaggregated section (old links keep their reports).
  CHECK(a.find("serving.disaggregated.gpus") == nullptr);
  // The aggregated fleet is unchanged by the flag: the section sits beside it.
  CHECK(r.value("serving.gpus") == a.value("serving.gpus"));
  // KV transfer: 500 tokens x 327,680 B (80 layers x 8 KV heads x 128 x 2 x 2 B, bf16 KV) over 4 GPUs'
  // 400 Gb/s NICs (50 GB/s each, hardware.json h100-sxm scale-out).
  CHECK(r.value("serving.disaggregated.kv_transfer_seconds") == Approx(500 * 327680.0 / (4 * 50e9)).epsilon(1e-6));
  // TTFT = prefill wait at p50 + one prompt's prefill + transfer, within the 2 s target.
  CHECK(r.value("serving.disaggregated.ttft_seconds") <= 2.0);
  CHECK(r.value("serving.disaggregated.ttft_seconds") > r.value("serving.disaggregated.kv_transfer_seconds"));
  // The prefill pool runs below saturation: replicas > peak x service time.
  CHECK(r.value("serving.disaggregated.prefill_replicas") > 1000 * r.value("serving.disaggregated.prefill_service_seconds"));
  // A pure decode step is shorter than the continuous step carrying a prefill chunk at the same batch.
  CHECK(r.value("serving.disaggregated.tpot_seconds") < a.value("serving.continuous.step_seconds"));
  CHECK(r.value("serving.disaggregated.tpot_seconds") == Approx(r.value("inference.decode_step_seconds")).epsilon(1e-9));
  // Decode replicas carry the 200,000 output tokens/s; GPUs = (prefill + decode) x TP.
  CHECK(r.value("serving.disaggregated.decode_replicas") ==
        std::ceil(200000 / r.value("serving.disaggregated.decode_tokens_per_second_per_replica")));
  CHECK(r.value("serving.disaggregated.gpus") ==
        4 * (r.value("serving.disaggregated.prefill_replicas") + r.value("serving.disaggregated.decode_replicas")));
  CHECK(r.value("serving.disaggregated.meets_targets") == 1);
  // Through a link.
  const LoadResult back = decode_link(encode_link_fragment(llama3_70b_disaggregated(256)));
  REQUIRE(back.problems.empty());
  CHECK(back.scenario.serving.disaggregated);
  CHECK(evaluate(back.scenario).value("serving.disaggregated.gpus") == r.value("serving.disaggregated.gpus"));
}

TEST_CASE("the planner's disaggregated rows equal evaluate() and no typed decode batch beats them", "[serving][disaggregated][planner]") {
  Scenario s = llama3_70b_disaggregated(1);
  s.serving.tensor_parallel.reset();
  s.serving.batch.reset();
  ServingPlannerOptions o;
  o.gpus = {"h100-sxm"};
  o.weights = {"fp8"};
  o.tensor_parallel = {2, 4};
  o.disaggregated = true;
  const ServingPlannerResult plan = plan_serving(s, o);
  int rows = 0;
  for (const ServingOption& opt : plan.ranked) {
    if (!opt.disaggregated) continue;
    ++rows;
    INFO("TP " << opt.tensor_parallel << ", decode batch " << opt.batch << ", " << opt.gpus << " GPUs");
    REQUIRE(opt.meets_targets);
    Scenario used = s;
    apply_serving_option(used, opt);
    const Report r = evaluate(used);
    CHECK(r.value("serving.disaggregated.gpus") == opt.gpus);
    CHECK(r.value("serving.disaggregated.meets_targets") == 1);
    // Brute force: every decode batch a user could type (1..decode_max_batch, in steps) meeting the
    // targets needs at least as many GPUs.
    const double max_batch = r.value("serving.disaggregated.decode_max_batch");
    for (double b = 1; b <= max_batch; b = b < 64 ? b + 1 : std::ceil(b * 1.05)) {
      Scenario typed = used;
      typed.serving.batch = b;
      const Report t = evaluate(typed);
      if (t.value("serving.disaggregated.meets_targets") == 1) CHECK(t.value("serving.disaggregated.gpus") >= opt.gpus);
    }
  }
  CHECK(rows == 2);
  // Disaggregation pays here: the cheapest row is disaggregated (TP 2: prefill and decode pools
  // without prefill chunks in the decode steps) and needs fewer GPUs than the best aggregated one.
  double best_agg = 1e18, best_dis = 1e18;
  for (const ServingOption& opt : plan.ranked)
    if (opt.meets_targets) (opt.disaggregated ? best_dis : best_agg) = std::min(opt.disaggregated ? best_dis : best_agg, opt.gpus);
  CHECK(best_dis < best_agg);
}

TEST_CASE("plan files ask for disaggregated rows with a boolean", "[serving][disaggregated][planner]") {
  CHECK(load_plan_file(R"({"scenario": {}, "planner": {"disaggregated": true}})").request.serving.disaggregated);
  const PlanFile bad = load_plan_file(R"({"scenario": {}, "planner": {"disaggregated": "yes"}})");
  bool named = false;
  for (const Problem& p : bad.problems) named |= p.path == "planner.disaggregated";
  CHECK(named);
}
