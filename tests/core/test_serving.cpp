// Serving as it runs in production (issue 15): the serving planner is never beaten by a configuration
// a user can type into the scenario (brute force through evaluate()), one price basis for all options
// with unpriced and not-fitting ones last, the serving section's own inputs (peak QPS, GPU, tensor
// parallel, batch, latency targets) and the report's warnings, and the Llama 3 70B / 1,000 QPS
// example against a serving engineer's hand sizing (docs/calibration.md, "Serving").
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <string>

#include "envelope/evaluate.hpp"
#include "envelope/link.hpp"
#include "envelope/planner.hpp"
#include "envelope/setup.hpp"

using namespace envelope;

namespace {

// The article's opening question: Llama 3 70B at 1,000 peak QPS, 500 prompt + 200 output tokens,
// TTFT <= 2 s and TPOT <= 50 ms (the scenario's default targets).
Scenario llama3_70b_at_1000_qps() {
  Scenario s;
  s.model.preset = "llama-3-70b";
  s.hardware.gpu = "h100-sxm";
  s.inference.prompt_tokens = 500;
  s.inference.output_tokens = 200;
  s.traffic.peak_qps = 1000;
  return s;
}

// Batches a user might type: every batch up to 48, then steps of ~6% up to the KV-cache limit, and the
// limit itself with its neighbours.
std::vector<double> typed_batches(double max_batch) {
  std::vector<double> b;
  for (double x = 1; x <= std::min(48.0, max_batch); ++x) b.push_back(x);
  for (double x = 48; x < max_batch; x = std::ceil(x * 1.06)) b.push_back(x);
  for (double x : {max_batch - 1, max_batch, max_batch + 1})
    if (x >= 1) b.push_back(x);
  return b;
}

}  // namespace

TEST_CASE("serving planner: no configuration typed into the serving section beats it (brute force through evaluate)",
          "[serving][planner][bruteforce]") {
  // Static batching (version-3 links) and continuous batching with its M/M/c wait at p90.
  Scenario s = llama3_70b_at_1000_qps();
  SECTION("static batching") {}
  SECTION("continuous batching, p90") {
    s.serving.batching = "continuous";
    s.serving.latency_percentile = "p90";
  }
  SECTION("continuous batching, p99, speculative decoding and prefix caching") {
    s.serving.batching = "continuous";
    s.serving.latency_percentile = "p99";
    s.serving.speculative_tokens = 3;
    s.serving.prefix_cache_hit_fraction = 0.5;
  }
  INFO("batching " << s.serving.batching << " " << s.serving.latency_percentile);
  ServingPlannerOptions o;
  o.gpus = {"h100-sxm", "a100-80gb-sxm"};
  o.weights = {"bf16", "fp8", "int4", "fp4"};
  const ServingPlannerResult plan = plan_serving(s, o);
  REQUIRE(!plan.ranked.empty());
  const ServingOption& best = plan.ranked.front();
  REQUIRE(best.meets_targets);
  REQUIRE(best.priced);
  // The planner's option for each GPU x weights x tensor parallel.
  std::map<std::string, const ServingOption*> by_config;
  for (const ServingOption& x : plan.ranked)
    if (x.fits) by_config[x.gpu + "/" + x.weights + "/" + std::to_string(x.tensor_parallel)] = &x;

  int typed = 0, meeting = 0;
  for (const std::string& gpu : o.gpus)
    for (const std::string& w : o.weights)
      for (int tp : {1, 2, 4, 8}) {  // every degree dividing Llama 3 70B's 64 heads within an 8-GPU node
        Scenario x = s;
        x.serving.gpu = gpu;
        x.inference.weights = w;
        x.serving.tensor_parallel = tp;
        x.serving.batch = 1;
        const double max_batch = evaluate(x).value("inference.max_batch");
        for (double b : typed_batches(max_batch)) {
          x.serving.batch = b;
          const Report r = evaluate(x);
          ++typed;
          if (r.value("serving.meets_targets") != 1) continue;
          ++meeting;
          const std::string key = gpu + "/" + w + "/" + std::to_string(tp);
          INFO(key << " batch " << b << ": " << r.value("serving.gpus") << " GPUs, $" << r.value("serving.monthly_cost_usd"));
          REQUIRE(by_config.count(key));
          CHECK(by_config[key]->gpus <= r.value("serving.gpus"));
          CHECK(best.monthly_usd <= r.value("serving.monthly_cost_usd") * (1 + 1e-12));
        }
      }
  CHECK(typed > 1000);
  CHECK(meeting > 100);
  // Today's answer before this planner: 4,262 H100s (smallest tensor parallel that fits, batch 3).
  CHECK(best.gpus < 4262.0 / 20);
  // The plan's option is what the report says for it.
  Scenario chosen = s;
  apply_serving_option(chosen, best);
  CHECK(evaluate(chosen).value("serving.gpus") == best.gpus);
}

TEST_CASE("serving planner: 'use this' writes the serving section, whose report then agrees with the plan",
          "[serving][planner]") {
  Scenario s = llama3_70b_at_1000_qps();
  ServingPlannerOptions o;
  o.gpus = {"h100-sxm", "h200"};
  const ServingPlannerResult plan = plan_serving(s, o);
  REQUIRE(!plan.ranked.empty());
  const ServingOption& best = plan.ranked.front();
  apply_serving_option(s, best);
  CHECK(s.hardware.gpu == "h100-sxm");  // training hardware untouched
  const Report r = evaluate(s);
  CHECK(r.value("serving.gpus") == best.gpus);
  CHECK(r.value("serving.meets_targets") == 1);
  CHECK(r.value("serving.monthly_cost_usd") == Approx(best.monthly_usd).epsilon(1e-9));
  CHECK(r.value("serving.usd_per_million_tokens") == Approx(best.usd_per_million_tokens).epsilon(1e-9));
  // And it survives a link.
  const Scenario again = decode_link(encode_link_fragment(s)).scenario;
  CHECK(again == s);
  CHECK(evaluate(again).value("serving.gpus") == best.gpus);
}

TEST_CASE("serving planner: one price basis, unpriced and not-fitting options last with their reason", "[serving][planner]") {
  Scenario s = llama3_70b_at_1000_qps();
  ServingPlannerOptions o;
  o.gpus = {"h800", "h100-sxm", "a100-80gb-sxm"};  // H800: a spot price only (assets/hardware.json)
  o.weights = {"bf16", "int4"};
  o.tensor_parallel = {1};
  const ServingPlannerResult od = plan_serving(s, o);
  REQUIRE(od.pricing == "on_demand");
  bool seen_unpriced = false, seen_unfit = false;
  for (const ServingOption& x : od.ranked) {
    INFO(x.gpu << " " << x.weights << " TP " << x.tensor_parallel << ": " << x.note);
    if (x.gpu == "h800") {
      CHECK_FALSE(x.priced);
      CHECK(x.monthly_usd == 0);
    }
    if (!x.fits) CHECK(x.note.find("does not fit") != std::string::npos);
    // Order: priced and meeting, then unpriced meeting, then missing a target, then not fitting.
    if (seen_unfit) CHECK_FALSE(x.fits);
    if (seen_unpriced && x.meets_targets) CHECK_FALSE(x.priced);
    seen_unpriced |= x.meets_targets && !x.priced;
    seen_unfit |= !x.fits;
  }
  CHECK(seen_unpriced);
  CHECK(seen_unfit);  // bf16 Llama 3 70B (141 GB) on one 80 GB GPU
  o.pricing = "spot";
  const ServingPlannerResult spot = plan_serving(s, o);
  REQUIRE(spot.ranked.front().priced);
  for (const ServingOption& x : spot.ranked)
    if (x.gpu == "h800" && x.fits) CHECK(x.usd_per_gpu_hour == 2.0);  // H800 spot, and every other GPU at spot too
    else if (x.gpu == "h100-sxm" && x.fits) CHECK(x.usd_per_gpu_hour == 2.69);
}

TEST_CASE("serving planner: a tensor_parallel list and loose targets ask for the maximum-throughput configuration",
          "[serving][planner]") {
  const PlanFile f = load_plan_file(R"({"scenario":{"model":{"preset":"llama-3-70b"},"traffic":{"peak_qps":1000},
      "inference":{"prompt_tokens":500,"output_tokens":200}},
      "planner":{"mode":"serving","gpus":["h100-sxm"],"weights":["fp8"],"tensor_parallel":[2,4],
                 "ttft_target_seconds":3600,"tpot_target_seconds":60}})");
  REQUIRE(f.fatal.empty());
  CHECK(f.problems.empty());
  const ServingPlannerResult loose = plan_serving(f.scenario, f.request.serving);
  REQUIRE(loose.ranked.size() == 2);
  for (const ServingOption& x : loose.ranked) {
    CHECK((x.tensor_parallel == 2 || x.tensor_parallel == 4));
    CHECK(x.meets_targets);
    CHECK(x.note == "batch limited by KV-cache memory");  // nothing but memory limits the batch
    CHECK(x.batch == x.max_batch);
  }
  // Tight targets give fewer tokens/s per GPU than the maximum-throughput configuration.
  ServingPlannerOptions tight = f.request.serving;
  tight.ttft_target_seconds.reset();
  tight.tpot_target_seconds.reset();
  const ServingPlannerResult normal = plan_serving(f.scenario, tight);
  CHECK(normal.tpot_target_seconds == 0.05);
  CHECK(normal.ranked.front().gpus >= loose.ranked.front().gpus);
  // Bad values are named.
  const PlanFile bad = load_plan_file(R"({"planner":{"tensor_parallel":[0],"ttft_target_seconds":7200,"pricing":"cheap"}})");
  for (const char* path : {"planner.tensor_parallel", "planner.ttft_target_seconds", "planner.pricing"}) {
    bool found = false;
    for (const Problem& p : bad.problems) found |= p.path == path;
    INFO(path);
    CHECK(found);
  }
}

TEST_CASE("serving inputs: peak QPS or tokens/s replace the users cascade, and the serving section sizes the fleet",
          "[serving][scenario]") {
  Scenario s = llama3_70b_at_1000_qps();
  Report r = evaluate(s);
  CHECK(r.value("traffic.peak_qps") == 1000);
  CHECK(r.value("traffic.peak_tokens_per_second") == 200000);
  s.traffic.peak_qps.reset();
  s.traffic.peak_tokens_per_second = 200000;
  CHECK(evaluate(s).value("traffic.peak_qps") == Approx(1000));
  // The serving GPU differs from the training GPU: inference and serving describe the serving replica,
  // training keeps hardware.gpu and its price.
  s.hardware.gpu = "a100-80gb-sxm";
  s.hardware.price_per_gpu_hour = 1.0;
  s.serving.gpu = "h100-sxm";
  s.serving.tensor_parallel = 4;
  s.serving.batch = 256;
  s.inference.weights = "fp8";
  r = evaluate(s);
  CHECK(r.value("hardware.price_per_gpu_hour") == 1.0);
  CHECK(r.value("serving.price_per_gpu_hour") == 6.88);  // H100 on demand (assets/hardware.json)
  CHECK(r.value("memory.inference.fits") == 1);
  CHECK(r.value("serving.gpus") == 4 * r.value("serving.replicas"));
  CHECK(r.value("serving.monthly_cost_usd") == Approx(r.value("serving.gpus") * 6.88 * 730));
  CHECK(r.value("serving.usd_per_million_tokens") ==
        Approx(6.88 * 4 / (r.value("serving.tokens_per_second_per_replica") * 3600) * 1e6));
  // The same replica typed into hardware.gpu / inference gives the same serving numbers.
  Scenario direct = s;
  direct.serving = ServingSection{};
  direct.hardware.gpu = "h100-sxm";
  direct.hardware.price_per_gpu_hour.reset();
  direct.inference.tensor_parallel = 4;
  direct.inference.batch = 256;
  for (const char* path : {"serving.gpus", "serving.monthly_cost_usd", "inference.decode_step_seconds", "serving.ttft_seconds"})
    CHECK(evaluate(direct).value(path) == Approx(r.value(path)).epsilon(1e-12));
  // Targets and serving inputs are in the link.
  s.serving.tpot_target_seconds = 0.03;
  s.serving.latency_percentile = "p90";
  const LoadResult back = decode_link(encode_link_fragment(s));
  CHECK(back.problems.empty());
  CHECK(back.scenario == s);
  // Bad values name their field.
  const LoadResult bad = load_scenario_json(R"({"serving":{"gpu":"nope","tpot_target_seconds":120,"latency_percentile":"p42"},
                                               "traffic":{"peak_qps":-1}})");
  for (const char* path : {"serving.gpu", "serving.tpot_target_seconds", "serving.latency_percentile", "traffic.peak_qps"}) {
    bool found = false;
    for (const Problem& p : bad.problems) found |= p.path == path;
    INFO(path);
    CHECK(found);
  }
}

TEST_CASE("serving report: a fleet sized from a replica that does not fit, or misses its targets, says so",
          "[serving]") {
  Scenario s = llama3_70b_at_1000_qps();  // bf16 on one H100: 141 GB of weights do not fit in 80 GB
  Report r = evaluate(s);
  REQUIRE(r.value("memory.inference.fits") == 0);
  CHECK(r.value("serving.meets_targets") == 0);
  bool warned = false;
  for (const auto& w : r.warnings) warned |= w.path == "serving.gpus";
  CHECK(warned);
  s.inference.weights = "fp8";
  s.serving.tensor_parallel = 4;
  s.serving.batch = 4000;  // beyond the KV cache and the TPOT target
  r = evaluate(s);
  warned = false;
  for (const auto& w : r.warnings) warned |= w.path == "serving.gpus";
  CHECK(warned);
  s.serving.batch = 800;  // fits (183 GB of KV cache in 4 x 72 GB - 70.6 GB), misses the 50 ms TPOT target
  r = evaluate(s);
  REQUIRE(r.value("memory.inference.fits") == 1);
  CHECK(r.value("serving.tpot_seconds") > 0.05);
  CHECK(r.value("serving.meets_targets") == 0);
  warned = false;
  for (const auto& w : r.warnings) warned |= w.path == "serving.meets_targets";
  CHECK(warned);
}

TEST_CASE("Llama 3 70B at 1,000 QPS: the planner lands within 1.5x of a serving engineer's H100 fp8 sizing",
          "[serving][calibration]") {
  // docs/calibration.md, "Serving: Llama 3 70B at 1,000 QPS". The engineer's sizing: the fleet must
  // do 2 x P x (prompt + output) FLOPs per request (Kaplan et al. 2020) at 1,000 requests/s, on H100
  // SXM fp8 (1,979 dense TFLOP/s, datasheet) at the 0.6 matmul efficiency measured from TRT-LLM
  // first-token latencies (published.json inference_latency), in TP 4 replicas (4 x 80 GB holds the
  // 70.6 GB of fp8 weights and the KV cache of the ~10,000 requests in flight; Little's law:
  // 1,000/s x (200 x 50 ms) = 10,000).
  const double params = 70.553706496e9;  // Llama 3 70B derived from its architecture (model.params)
  const double flops_per_s = 2 * params * (500 + 200) * 1000;
  const double per_gpu = 1979e12 * 0.6;
  const double engineer_gpus = std::ceil(flops_per_s / per_gpu / 4) * 4;
  CHECK(engineer_gpus == 84);
  // KV cache of the requests in flight: 10,000 x 700 tokens x 320 KiB (bf16 KV, 80 layers x 8 KV heads
  // x 128 x 2 x 2 B) = 2.3 TB, within 21 replicas x (4 x 80 GB x 0.9 - 70.6 GB) = 4.6 TB.
  CHECK(10000 * 700 * 327680.0 < 21 * (4 * 80e9 * 0.9 - 70.6e9));

  const Scenario s = llama3_70b_at_1000_qps();
  CHECK(evaluate(s).value("model.params") == Approx(params));
  ServingPlannerOptions o;
  o.gpus = {"h100-sxm"};
  o.weights = {"fp8"};
  const ServingPlannerResult plan = plan_serving(s, o);
  REQUIRE(plan.ranked.front().meets_targets);
  const double planned = plan.ranked.front().gpus;
  INFO("planner: " << planned << " H100 (TP " << plan.ranked.front().tensor_parallel << ", batch "
                   << plan.ranked.front().batch << "); engineer: " << engineer_gpus);
  CHECK(planned / engineer_gpus <= 1.5);
  CHECK(planned / engineer_gpus >= 1 / 1.5);
}
