// Expert parallelism for MoE serving (issue 15): serving.expert_parallel shards the routed experts over
// expert_parallel groups of tensor_parallel GPUs (attention data-parallel over the groups), adds the
// all-to-all per MoE layer per step (GShard, Lepikhin et al. 2020; DeepSeek-V3 report sec. 3.4.2), and
// the serving planner tries it for MoE models; a brute force over what the planner tries, typed into
// the serving section, never beats it.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <string>

#include "envelope/evaluate.hpp"
#include "envelope/link.hpp"
#include "envelope/planner.hpp"

using namespace envelope;

namespace {
// Mixtral 8x22B (141B total, 39B active; 8 experts, top-2) served in fp8 on H100 SXM.
Scenario mixtral_8x22b(double qps) {
  const LoadResult r = load_scenario_json(R"({"model":{"preset":"mixtral-8x22b"},"hardware":{"gpu":"h100-sxm"},
    "inference":{"prompt_tokens":500,"output_tokens":200,"weights":"fp8"},"traffic":{"peak_qps":)" +
                                          std::to_string(qps) + "}}");
  REQUIRE(r.problems.empty());
  return r.scenario;
}
}  // namespace

TEST_CASE("expert parallel serving: experts sharded per GPU, the all-to-all in the step, GPUs per replica",
          "[serving][expert_parallel]") {
  Scenario s = mixtral_8x22b(100);
  s.serving.batch = 64;
  s.serving.tensor_parallel = 2;
  const Report tp2 = evaluate(s);
  s.serving.tensor_parallel = 4;
  const Report tp4 = evaluate(s);
  s.serving.tensor_parallel = 2;
  s.serving.expert_parallel = 2;
  const Report ep = evaluate(s);
  // The default (1) reproduces earlier links: no new results, nothing changes.
  CHECK(tp2.find("serving.gpus_per_replica") == nullptr);
  CHECK(tp2.find("serving.expert_parallel.all_to_all_seconds_per_step") == nullptr);
  // Per GPU, TP 2 x EP 2 holds the routed experts / 4 as TP 4 does, but the non-expert weights / 2
  // (about 5.6 B of Mixtral 8x22B's 141 B parameters): between TP 4 and TP 2.
  const double per_gpu_ep = ep.value("memory.inference.bytes_per_gpu");
  const double per_gpu_tp4 = tp4.value("memory.inference.total_bytes") / 4;
  const double per_gpu_tp2 = tp2.value("memory.inference.total_bytes") / 2;
  CHECK(per_gpu_ep > per_gpu_tp4);
  CHECK(per_gpu_ep < per_gpu_tp2 * 0.6);
  CHECK(per_gpu_ep - per_gpu_tp4 < 0.1 * per_gpu_tp4);  // the dense part is small for Mixtral
  CHECK(ep.value("inference.max_batch") > tp2.value("inference.max_batch"));
  // All-to-all of one decode step at batch 64 (Mixtral 8x22B config: 56 MoE layers, hidden 6144, top-2):
  // a GPU sends 64 x 2 x 6144 x 2 B / 4 GPUs x (2 - 1) / 2 = 196,608 B per dispatch and per combine over
  // NVLink 4 (900 GB/s bidirectional, H100 SXM datasheet; 0.5 x 0.8 of it for collectives = 360 GB/s),
  // plus ~1 us: 2 x 56 x (196,608 / 360e9 + 1e-6) = 173 us.
  CHECK(ep.value("serving.expert_parallel.all_to_all_seconds_per_step") == Approx(2 * 56 * (196608 / 360e9 + 1e-6)).epsilon(0.01));
  CHECK(ep.value("serving.gpus_per_replica") == 4);
  CHECK(ep.value("serving.gpus") == ep.value("serving.replicas") * 4);
  CHECK(ep.value("serving.usd_per_million_tokens") ==
        Approx(ep.value("hardware.price_per_gpu_hour") * 4 / (ep.value("serving.tokens_per_second_per_replica") * 3600) * 1e6)
            .epsilon(1e-9));
  // Two groups of TP 2 on 4 GPUs decode faster per token than one TP 2 group (twice the bandwidth for
  // the experts and the KV cache), but not faster than TP 4 reading the non-expert weights once.
  CHECK(ep.value("inference.decode_step_seconds") < tp2.value("inference.decode_step_seconds"));
  // The field is in the contract: a link carries it, and out-of-range values name it.
  const LoadResult back = decode_link(encode_link_fragment(s));
  CHECK(back.problems.empty());
  CHECK(back.scenario.serving.expert_parallel == 2);
  const LoadResult bad = load_scenario_json(R"({"serving":{"expert_parallel":0.5}})");
  REQUIRE(bad.problems.size() == 1);
  CHECK(bad.problems[0].path == "serving.expert_parallel");
}

TEST_CASE("expert parallel serving: no effect on a dense model", "[serving][expert_parallel]") {
  Scenario s;
  s.model.preset = "llama-3-70b";
  s.hardware.gpu = "h100-sxm";
  s.serving.tensor_parallel = 4;
  s.serving.batch = 32;
  const Report one = evaluate(s);
  s.serving.expert_parallel = 4;
  const Report four = evaluate(s);
  for (const char* p : {"serving.gpus", "inference.decode_step_seconds", "inference.max_batch", "memory.inference.fits",
                        "serving.usd_per_million_tokens"})
    CHECK(four.value(p) == one.value(p));
  CHECK(four.find("serving.gpus_per_replica") == nullptr);
}

TEST_CASE("expert parallel serving: the planner tries EP for MoE models and no typed configuration beats it",
          "[serving][expert_parallel][planner][bruteforce]") {
  Scenario s = mixtral_8x22b(200);
  s.serving.batching = "continuous";
  ServingPlannerOptions o;
  o.gpus = {"h100-sxm"};
  o.weights = {"fp8"};
  const ServingPlannerResult plan = plan_serving(s, o);
  REQUIRE(!plan.ranked.empty());
  const ServingOption& best = plan.ranked.front();
  REQUIRE(best.meets_targets);
  // Mixtral 8x22B: 48 heads over 8 KV heads (TP 1, 2, 4, 8 within the 8-GPU NVLink domain: TP 3 and 6
  // divide the heads but neither split nor replicate the KV heads, which vLLM and Megatron-Core refuse),
  // 8 experts: EP 2, 4, 8 with TP x EP <= 8: (1,1) (1,2) (1,4) (1,8) (2,1) (2,2) (2,4) (4,1) (4,2) (8,1).
  CHECK(plan.configurations == 10);
  std::map<std::string, const ServingOption*> by_layout;
  bool some_ep = false;
  for (const ServingOption& x : plan.ranked) {
    if (x.fits) by_layout[std::to_string(x.tensor_parallel) + "x" + std::to_string(x.expert_parallel)] = &x;
    some_ep |= x.fits && x.expert_parallel > 1;
  }
  CHECK(some_ep);
  int typed = 0, meeting = 0;
  for (const auto& [tp, ep] : std::vector<std::pair<int, int>>{{1, 1}, {1, 2}, {1, 4}, {1, 8}, {2, 1}, {2, 2}, {2, 4}, {3, 1}, {3, 2}, {4, 1}, {4, 2}, {6, 1}, {8, 1}}) {
    Scenario x = s;
    x.serving.tensor_parallel = tp;
    x.serving.expert_parallel = ep;
    x.serving.batch = 1;
    const Report first = evaluate(x);
    const bool runs = tp != 3 && tp != 6;
    // A user may type TP 3 or 6: the report then says no framework runs it, and the search skips it.
    CHECK(std::any_of(first.warnings.begin(), first.warnings.end(),
                      [](const Warning& w) { return w.path == "serving.tensor_parallel"; }) == !runs);
    if (!runs) continue;
    const double max_batch = first.value("inference.max_batch");
    std::vector<double> batches;
    for (double b = 1; b <= std::min(32.0, max_batch); ++b) batches.push_back(b);
    for (double b = 32; b < max_batch; b = std::ceil(b * 1.1)) batches.push_back(b);
    if (max_batch >= 1) batches.push_back(max_batch);
    for (double b : batches) {
      x.serving.batch = b;
      const Report r = evaluate(x);
      ++typed;
      if (r.value("serving.meets_targets") != 1) continue;
      ++meeting;
      const std::string key = std::to_string(tp) + "x" + std::to_string(ep);
      INFO("TP " << tp << " EP " << ep << " batch " << b << ": " << r.value("serving.gpus") << " GPUs");
      REQUIRE(by_layout.count(key));
      CHECK(by_layout[key]->gpus <= r.value("serving.gpus"));
      CHECK(best.monthly_usd <= r.value("serving.monthly_cost_usd") * (1 + 1e-12));
    }
  }
  CHECK(typed > 200);
  CHECK(meeting > 20);
  Scenario chosen = s;
  apply_serving_option(chosen, best);
  CHECK(chosen.serving.expert_parallel == best.expert_parallel);
  CHECK(evaluate(chosen).value("serving.gpus") == best.gpus);
}
