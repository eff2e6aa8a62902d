// The serving trade-off chart (issue 15): output tokens/s per GPU against tokens/s per user over
// weight precisions, tensor-parallel degrees and batches. Its Pareto front is non-dominated, every
// point is a configuration a user can type into the serving section (evaluate() of that scenario,
// loaded from JSON, gives the same numbers), and the shape is the one serving engineers know: a larger
// batch trades each user's speed for throughput per GPU.
#include <catch2/catch.hpp>
#include <cmath>
#include <string>

#include "envelope/evaluate.hpp"
#include "envelope/serving_tradeoff.hpp"

using namespace envelope;

namespace {
// Llama 3 70B at 1,000 peak QPS, 500 prompt + 200 output tokens on H100 (the issue's opening example),
// as a user would type it.
const char* kLlama70bJson = R"({"model":{"preset":"llama-3-70b"},"hardware":{"gpu":"h100-sxm"},
  "inference":{"prompt_tokens":500,"output_tokens":200},"traffic":{"peak_qps":1000}})";

Scenario typed(const std::string& batching, const TradeoffPoint* p) {
  std::string j = std::string(kLlama70bJson);
  j.pop_back();  // the closing brace
  j += R"(,"serving":{"batching":")" + batching + "\"";
  if (p)
    j += ",\"tensor_parallel\":" + std::to_string(p->tensor_parallel) + ",\"batch\":" + std::to_string(static_cast<long>(p->batch));
  j += "}";
  if (p) {
    // inference.weights typed into the inference section: a second "inference" key is not JSON, so the
    // weights are spliced into the first one.
    const std::string key = R"("inference":{)";
    j.insert(j.find(key) + key.size(), "\"weights\":\"" + p->weights + "\",");
  }
  j += "}";
  const LoadResult r = load_scenario_json(j);
  INFO(j);
  REQUIRE(r.problems.empty());
  return r.scenario;
}
}  // namespace

TEST_CASE("serving trade-off: the Pareto front is non-dominated and every point is typed-in evaluate()",
          "[serving][tradeoff]") {
  for (const std::string batching : {"static", "continuous"}) {
    INFO("batching " << batching);
    const Scenario s = typed(batching, nullptr);
    const ServingTradeoff t = serving_tradeoff(s);
    CHECK(t.gpu == "h100-sxm");
    // Llama 3 70B has 64 heads: TP 1, 2, 4, 8 on an 8-GPU NVLink node; bf16 does not fit on one H100
    // (141 GB of weights), so at least 3 weights x 4 TP + bf16 x 3 TP layouts with several batches each.
    REQUIRE(t.points.size() >= 15 * 5);
    size_t front = 0;
    for (const TradeoffPoint& p : t.points) {
      front += p.pareto;
      for (const TradeoffPoint& q : t.points) {
        const bool dominates = q.tokens_per_second_per_user >= p.tokens_per_second_per_user &&
                               q.tokens_per_second_per_gpu >= p.tokens_per_second_per_gpu &&
                               (q.tokens_per_second_per_user > p.tokens_per_second_per_user ||
                                q.tokens_per_second_per_gpu > p.tokens_per_second_per_gpu);
        if (p.pareto && dominates) FAIL("front point dominated: " << p.weights << " TP " << p.tensor_parallel << " batch " << p.batch);
      }
      // Every non-front point is dominated by some point (else it belongs on the front).
      if (!p.pareto) {
        bool dominated = false;
        for (const TradeoffPoint& q : t.points)
          dominated |= q.tokens_per_second_per_user >= p.tokens_per_second_per_user &&
                       q.tokens_per_second_per_gpu >= p.tokens_per_second_per_gpu &&
                       (q.tokens_per_second_per_user > p.tokens_per_second_per_user ||
                        q.tokens_per_second_per_gpu > p.tokens_per_second_per_gpu);
        CHECK(dominated);
      }
    }
    CHECK(front >= 3);
    CHECK(front < t.points.size());
    // Every point, typed into the scenario JSON, gives the same numbers through evaluate().
    for (const TradeoffPoint& p : t.points) {
      INFO(p.weights << " TP " << p.tensor_parallel << " batch " << p.batch);
      const Report r = evaluate(typed(batching, &p));
      CHECK(r.value("memory.inference.fits") == 1);
      CHECK(1.0 / r.value("serving.tpot_seconds") == Approx(p.tokens_per_second_per_user).epsilon(1e-12));
      CHECK(r.value("serving.tokens_per_second_per_replica") / p.tensor_parallel ==
            Approx(p.tokens_per_second_per_gpu).epsilon(1e-12));
      CHECK((r.value("serving.meets_targets") == 1) == p.meets_targets);
      CHECK(p.meets_targets == (p.tpot_seconds <= t.tpot_target_seconds && p.ttft_seconds <= t.ttft_target_seconds));
    }
  }
}

TEST_CASE("serving trade-off: a larger batch buys tokens/s per GPU with each user's speed", "[serving][tradeoff]") {
  const ServingTradeoff t = serving_tradeoff(typed("continuous", nullptr));
  // Along one layout (fp8, TP 4) the batch moves the point down-right in interactivity and up in
  // throughput per GPU: tokens/s per user never rises, tokens/s per GPU never falls.
  const TradeoffPoint* prev = nullptr;
  int n = 0;
  for (const TradeoffPoint& p : t.points) {
    if (p.weights != "fp8" || p.tensor_parallel != 4) continue;
    if (prev) {
      CHECK(p.batch > prev->batch);
      CHECK(p.tokens_per_second_per_user <= prev->tokens_per_second_per_user * (1 + 1e-12));
      CHECK(p.tokens_per_second_per_gpu >= prev->tokens_per_second_per_gpu * (1 - 1e-12));
    }
    prev = &p;
    ++n;
  }
  CHECK(n >= 8);  // batch 1 .. the KV-cache capacity in powers of two
  // At batch 1 the decode step reads all weights for one token: 1/TPOT of fp8 Llama 3 70B on 4 H100s is
  // bounded by the HBM roofline, 4 x 3.35 TB/s / 70.6 GB = 190 tokens/s (H100 SXM datasheet).
  REQUIRE(prev != nullptr);
  for (const TradeoffPoint& p : t.points)
    if (p.weights == "fp8" && p.tensor_parallel == 4 && p.batch == 1) {
      CHECK(p.tokens_per_second_per_user < 4 * 3.35e12 / 70.6e9);
      CHECK(p.tokens_per_second_per_user > 0.5 * 4 * 3.35e12 / 70.6e9);
    }
  // The TPOT target (50 ms, 20 tokens/s per user) splits the points: some meet it, some do not.
  bool some_fast = false, some_slow = false;
  for (const TradeoffPoint& p : t.points) {
    some_fast |= p.tokens_per_second_per_user >= 1 / t.tpot_target_seconds;
    some_slow |= p.tokens_per_second_per_user < 1 / t.tpot_target_seconds;
  }
  CHECK(some_fast);
  CHECK(some_slow);
}

TEST_CASE("serving trade-off: only layouts that hold the weights are points, and the front of one point is itself",
          "[serving][tradeoff]") {
  Scenario s;
  s.model.preset = "deepseek-v3";
  s.hardware.gpu = "a100-80gb-sxm";
  const ServingTradeoff t = serving_tradeoff(s);
  // 671B parameters: at 4 bits and more per weight (> 335 GB) they never fit on fewer than 5 x 80 GB, so
  // only TP 8 (of 1, 2, 4, 8 dividing 128 heads) can appear; bf16 (1.34 TB) never does.
  REQUIRE(!t.points.empty());
  for (const TradeoffPoint& p : t.points) {
    CHECK(p.tensor_parallel == 8);
    CHECK(p.weights != "bf16");
  }
  std::vector<TradeoffPoint> one(1);
  one[0].tokens_per_second_per_gpu = 10;
  one[0].tokens_per_second_per_user = 10;
  CHECK(mark_pareto_front(one) == 1);
  CHECK(one[0].pareto);
  std::vector<TradeoffPoint> two(2, one[0]);
  two[1].tokens_per_second_per_gpu = 11;  // dominates the first
  CHECK(mark_pareto_front(two) == 1);
  CHECK(!two[0].pareto);
  CHECK(two[1].pareto);
}
