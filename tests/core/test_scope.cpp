// What a scenario includes (scenario "include", version 2): off sections leave the report, the
// warnings, the cost roll-up and the link; version-1 links keep everything they had. Also the data
// pipeline estimates (pipeline.cpp) and the article's remaining claims as examples.
#include <catch2/catch.hpp>
#include <cmath>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "envelope/evaluate.hpp"
#include "envelope/examples.hpp"
#include "envelope/formulas.hpp"
#include "envelope/link.hpp"
#include "envelope/pipeline.hpp"
#include "envelope/units.hpp"
#include "envelope/validation.hpp"
#include "helpers.hpp"
#include "random_scenario.hpp"

using namespace envelope;
using envelope::test::at;
using envelope::test::eval_example;
using envelope::test::example_scenario;

namespace {
bool has_prefix(const Report& r, const std::string& prefix) {
  for (const Result& x : r.results)
    if (x.path.rfind(prefix, 0) == 0) return true;
  return false;
}
bool has_llm_or_gpu_term(const Report& r) {
  return has_prefix(r, "training.") || has_prefix(r, "memory.") || has_prefix(r, "inference.") || has_prefix(r, "model.") ||
         has_prefix(r, "hardware.") || r.find("serving.gpus") || r.find("cost.training_usd");
}
}  // namespace

TEST_CASE("seed fraud example: first-year cost is 12 x (CPU serving + storage), no LLM term", "[scope][fraud]") {
  // Issue 17: before version 2 the fraud example's first year was $322,921, of which $308,754 was
  // LLM training nobody asked for. The seed's fraud system: 4 x c5.2xlarge ($1,168/month at 730 h)
  // + 548 GB of S3 ($12.60/month) -> "~$1,200/month".
  const Report r = eval_example("seed-fraud");
  CHECK_FALSE(has_llm_or_gpu_term(r));
  const double monthly = at(r, "serving.monthly_cost_usd") + at(r, "storage.monthly_cost_usd") + at(r, "storage.egress_monthly_usd");
  CHECK(at(r, "cost.monthly_usd") == Approx(monthly));
  CHECK(at(r, "cost.monthly_usd") == Approx(1200).epsilon(0.02));  // seed "Total: ~$1,200/month"
  CHECK(at(r, "cost.first_year_usd") == Approx(12 * monthly));
  CHECK(at(r, "cost.first_year_usd") < 15000);
  CHECK(r.find("cost.first_year_usd")->formula.find("training") != std::string::npos);  // "(no training included)"
  CHECK(r.find("cost.monthly_usd")->formula == "serving + storage + egress");
}

TEST_CASE("non-LLM examples report no GPUs, no training, no inference", "[scope][examples]") {
  for (const char* id : {"seed-feature-store", "seed-training-data", "seed-fraud", "seed-q4", "seed-fraud-pipeline", "seed-video-720p"}) {
    INFO(id);
    const Report r = eval_example(id);
    CHECK_FALSE(has_llm_or_gpu_term(r));
    if (std::string(id) != "seed-fraud") CHECK_FALSE(has_prefix(r, "serving."));  // fraud is served on CPU machines
    for (const Warning& w : r.warnings) CHECK(w.path.rfind("training", 0) != 0);
  }
  // The issue's numbers: the feature-store, training-data and Q4 examples each showed $15,028/month
  // of LLM serving on 6 A100s; now their monthly cost is their storage alone.
  CHECK(at(eval_example("seed-feature-store"), "cost.monthly_usd") == 0);  // sizing only, no price in the seed
  CHECK(at(eval_example("seed-training-data"), "cost.monthly_usd") == Approx(2098.75));  // 91.25 TB x $0.023
  const Report q4 = eval_example("seed-q4");
  CHECK(at(q4, "cost.monthly_usd") == Approx(at(q4, "storage.monthly_cost_usd")));
}

TEST_CASE("a fine-tuning run's one-off cost enters the first year, beside training's and the monthly costs", "[scope][cost]") {
  // finetune.cost_usd was reported but left out of cost.first_year_usd: a priced fine-tune showed
  // "First year $0.00" in the Cost panel.
  Scenario s = example_scenario("finetune-8b-qlora-4090");
  s.hardware.gpu = "h100-sxm";  // a published price (assets/prices.json)
  const Report r = evaluate(s);
  CHECK(at(r, "finetune.cost_usd") > 0);
  CHECK(at(r, "cost.finetune_usd") == at(r, "finetune.cost_usd"));
  CHECK(at(r, "cost.first_year_usd") == Approx(at(r, "finetune.cost_usd")));
  CHECK(r.find("cost.first_year_usd")->formula == "fine-tuning + 12 x monthly");
  CHECK(r.find("cost.training_usd") == nullptr);
  // With training and storage included too: each one-off cost once, plus a year of the monthly ones.
  s.include.training = s.include.storage = true;
  const Report all = evaluate(s);
  CHECK(at(all, "cost.monthly_usd") > 0);
  CHECK(at(all, "cost.first_year_usd") ==
        Approx(at(all, "training.cost_usd") + at(all, "finetune.cost_usd") + 12 * at(all, "cost.monthly_usd")));
  CHECK(all.find("cost.first_year_usd")->formula == "training + fine-tuning + 12 x monthly");
  // On a GPU without a price the fine-tuning cost, and so the first year, say "no price".
  const Report unpriced = evaluate(example_scenario("finetune-8b-qlora-4090"));
  CHECK(unpriced.find("cost.finetune_usd")->unpriced);
  CHECK(unpriced.find("cost.first_year_usd")->unpriced);
}

TEST_CASE("LLM examples include exactly their subject", "[scope][examples]") {
  // Training questions (6PD, Q1, Q5, training memory): no serving, storage or feature store.
  for (const char* id : {"seed-7b-training", "seed-13b-training", "seed-training-memory-7b", "seed-q1", "seed-q5"}) {
    INFO(id);
    const Report r = eval_example(id);
    CHECK(r.find("training.flops"));
    CHECK_FALSE(has_prefix(r, "serving."));
    CHECK_FALSE(has_prefix(r, "inference."));
    CHECK_FALSE(has_prefix(r, "feature_store."));
    CHECK(at(r, "cost.monthly_usd") == 0);
    CHECK(at(r, "cost.first_year_usd") == Approx(at(r, "training.cost_usd")));
  }
  // Inference questions: memory and speed, no cost at all.
  for (const char* id : {"seed-model-memory", "seed-inference-7b", "seed-kv-cache-7b"}) {
    INFO(id);
    const Report r = eval_example(id);
    CHECK(r.find("memory.inference.total_bytes"));
    CHECK_FALSE(has_prefix(r, "training."));
    CHECK_FALSE(has_prefix(r, "serving."));
    CHECK(at(r, "cost.first_year_usd") == 0);
  }
  // Serving questions: GPUs and their monthly cost, no training.
  for (const char* id : {"seed-llm-serving", "seed-q3"}) {
    INFO(id);
    const Report r = eval_example(id);
    CHECK(at(r, "serving.gpus") > 0);
    CHECK_FALSE(has_prefix(r, "training."));
    CHECK(at(r, "cost.monthly_usd") == Approx(at(r, "serving.monthly_cost_usd")));
  }
}

TEST_CASE("a validation case opened in the page holds only the figure it checks", "[scope][validation]") {
  // Opening a training-throughput case (Validation panel) showed a serving bill, storage and an
  // "inference does not fit" warning beside the training step: its scenario named no "include".
  int training = 0, serving = 0;
  for (const ValidationCase& c : validation_cases()) {
    INFO(c.id);
    const Report r = evaluate(c.scenario);
    if (c.category == "training-throughput") {
      ++training;
      CHECK(r.find("training.step.tokens_per_second_per_gpu"));
      CHECK_FALSE(has_prefix(r, "serving."));
      CHECK_FALSE(has_prefix(r, "inference."));
      CHECK_FALSE(r.find("storage.monthly_cost_usd"));  // the checkpoint size stays: it is training's
      CHECK_FALSE(has_prefix(r, "feature_store."));
      for (const Warning& w : r.warnings) CHECK(w.path.rfind("memory.inference", 0) != 0);
      CHECK(at(r, "cost.monthly_usd") == 0);
    } else if (c.category == "continuous-throughput") {
      ++serving;
      CHECK(r.find("serving.replicas"));
      CHECK_FALSE(has_prefix(r, "training."));
      CHECK_FALSE(has_prefix(r, "storage."));
      CHECK(at(r, "cost.monthly_usd") == Approx(at(r, "serving.monthly_cost_usd")));
    } else if (c.category == "finetune-time") {
      CHECK(c.scenario.include.finetune);  // its own include, kept
    }
  }
  CHECK(training >= 40);
  CHECK(serving >= 40);
  // What the rule reads from the metric paths; a figure of another section keeps the scenario's own.
  const IncludeSection kept;
  const IncludeSection t = include_for_metrics({"training.step.step_seconds"}, kept);
  CHECK((t.training && !t.inference && !t.serving && !t.storage && !t.feature_store));
  const IncludeSection s = include_for_metrics({"serving.tokens_per_second"}, kept);
  CHECK((s.inference && s.serving && !s.training));
  const IncludeSection m = include_for_metrics({"memory.inference.total_bytes", "memory.training.total_bytes"}, kept);
  CHECK((m.inference && m.training && !m.serving));
  CHECK(include_for_metrics({"storage.total_bytes"}, kept).serving == kept.serving);
}

TEST_CASE("version-1 links include everything version 1 evaluated", "[scope][links][migration]") {
  const LoadResult r = decode_link(R"({"version":1,"traffic":{"cpu_ms_per_request":2}})");
  REQUIRE(r.ok());
  CHECK(r.problems.empty());
  const IncludeSection& inc = r.scenario.include;
  CHECK(inc.training);
  CHECK(inc.inference);
  CHECK(inc.serving);
  CHECK(inc.storage);
  CHECK(inc.feature_store);
  CHECK_FALSE(inc.pipeline);  // added in version 2: off for old links
  CHECK_FALSE(inc.network);
  CHECK_FALSE(inc.one_machine);
  const Report rep = evaluate(r.scenario);
  CHECK(rep.find("training.cost_usd"));
  CHECK(rep.find("serving.gpus"));  // version 1 reported 0 GPUs for a CPU-served model; it still does
  CHECK(at(rep, "serving.gpus") == 0);
  CHECK(at(rep, "cost.first_year_usd") ==
        Approx(at(rep, "cost.training_usd") + 12 * at(rep, "cost.monthly_usd")));
  // Re-encoded, the link is version 2 and keeps its meaning (all five sections are the defaults).
  const std::string again = encode_link_fragment(r.scenario);
  CHECK(again.find("include") == std::string::npos);
  CHECK(decode_link(again).scenario == r.scenario);
}

TEST_CASE("include flags are read and checked like any field", "[scope][validation]") {
  const LoadResult r = load_scenario_json(R"({"version":2,"include":{"training":"no","pipeline":true,"gpu":true}})");
  REQUIRE(r.ok());
  bool type = false, unknown = false;
  for (const Problem& p : r.problems) {
    type = type || (p.path == "include.training" && p.message.find("true or false") != std::string::npos);
    unknown = unknown || p.path == "include.gpu";
  }
  CHECK(type);
  CHECK(unknown);
  CHECK(r.scenario.include.training);  // the bad value keeps the default
  CHECK(r.scenario.include.pipeline);
}

TEST_CASE("a minimal link holds only what its sections read", "[scope][links]") {
  Scenario s;
  s.training.tokens = 2e12;
  s.feature_store.entities = 1e6;
  s.include.training = false;
  s.include.feature_store = false;
  const std::string link = scenario_to_json(s);
  CHECK(link.find("tokens") == std::string::npos);
  CHECK(link.find("entities") == std::string::npos);
  CHECK(link.find("\"include\":{\"feature_store\":false,\"training\":false}") != std::string::npos);
  // The fraud link carries no model, hardware, training or inference input.
  const std::string fraud = scenario_to_json(example_scenario("seed-fraud"));
  for (const char* key : {"\"model\":", "\"hardware\":", "\"training\":{", "\"inference\":{"}) {
    INFO(key);
    CHECK(fraud.find(key) == std::string::npos);
  }
  // What a link drops never changes the report.
  CHECK(evaluate(canonical(s)).to_json() == evaluate(s).to_json());
}

TEST_CASE("the cost roll-up sums only included sections", "[scope][cost]") {
  Scenario s;  // the default scenario includes what version 1 did
  const Report all = evaluate(s);
  CHECK(at(all, "cost.monthly_usd") == Approx(at(all, "serving.monthly_cost_usd") + at(all, "storage.monthly_cost_usd") +
                                               at(all, "storage.egress_monthly_usd")));
  s.include.serving = false;
  const Report no_serving = evaluate(s);
  CHECK(no_serving.find("serving.monthly_cost_usd") == nullptr);
  CHECK(no_serving.find("traffic.peak_qps") == nullptr);
  CHECK(at(no_serving, "cost.monthly_usd") ==
        Approx(at(all, "storage.monthly_cost_usd") + at(all, "storage.egress_monthly_usd")));
  s.include = {false, false, false, false, false, false, false, false};
  const Report none = evaluate(s);
  REQUIRE(none.results.size() == 2);  // cost.monthly_usd and cost.first_year_usd, both 0
  CHECK(at(none, "cost.monthly_usd") == 0);
  CHECK(at(none, "cost.first_year_usd") == 0);
  CHECK(none.warnings.empty());
}

TEST_CASE("pipeline: the seed fraud stream is 347 events/s, 1,736 at peak, one partition, 3 brokers, 1 worker", "[scope][pipeline]") {
  // Seed fraud example: 10M cards x 3 tx/day -> ~347 avg, ~1,736 peak (5x); 200 bytes per transaction.
  const Report r = eval_example("seed-fraud-pipeline");
  CHECK(at(r, "pipeline.events_per_second") == Approx(347.2).margin(0.1));
  CHECK(at(r, "pipeline.peak_events_per_second") == Approx(1736).margin(1));
  CHECK(at(r, "pipeline.peak_bytes_per_second") == Approx(1736.1 * 200).epsilon(1e-4));
  CHECK(at(r, "pipeline.partitions") == 1);  // 0.35 MB/s against 10 MB/s per partition
  CHECK(at(r, "pipeline.brokers") == 3);     // the replication factor is the floor
  CHECK(at(r, "pipeline.stream_workers") == 1);
  // 7 days x 69.4 KB/s x 3 replicas = 126 GB of log.
  CHECK(at(r, "pipeline.log_retained_bytes") == Approx(3e7 / 86400.0 * 200 * 168 * 3600 * 3));
  CHECK(at(r, "pipeline.monthly_cost_usd") == Approx(4 * 0.40 * 730));
  CHECK(at(r, "cost.monthly_usd") == Approx(at(r, "pipeline.monthly_cost_usd")));
}

TEST_CASE("pipeline formulas against their sources", "[scope][pipeline]") {
  // Dattell, "Kafka Optimization - How many partitions are needed?" (2023): 5 TB/day is ~58 MB/s; at
  // 10 MB/s per partition that is 6 partitions.
  CHECK(bytes_per_second(5e12 / kSecondsPerDay, 1) / 1e6 == Approx(57.9).margin(0.1));
  CHECK(log_partitions(5e12 / kSecondsPerDay, 10e6) == 6);
  // Kreps 2014 (LinkedIn): 3 brokers took 2,024,032 records/s x 100 B = 202.4 MB/s (his "193 MB/sec"
  // counts 2^20-byte MB) with 3x replication: 200 MB/s fits 3 brokers, twice that needs 6.
  const Scenario d;
  CHECK(d.pipeline.broker_mb_per_s * 1e6 == Approx(2024032 * 100.0).epsilon(1e-4));
  CHECK(log_brokers(200e6, 3, d.pipeline.broker_mb_per_s * 1e6) == 3);
  CHECK(log_brokers(400e6, 3, d.pipeline.broker_mb_per_s * 1e6) == 6);
  CHECK(log_brokers(1e3, 3, d.pipeline.broker_mb_per_s * 1e6) == 3);  // a trickle still needs 3 replicas
  // Grier 2016 (data Artisans): ~3M events/s from Kafka on 10 nodes of 4 cores.
  CHECK(stream_workers(3e6, 75000, 4) == 10);
  // users x events / 86,400: the seed's own avg_qps formula.
  CHECK(events_per_second_average(1e7, 3) == Approx(347.22).margin(0.01));
}

TEST_CASE("article error: the interview tip's 20 A100s for 10K QPS x 100 tokens on a 7B model is 37x too few", "[scope][seed-error]") {
  // Seed, "Interview Technique": "at 10K QPS with a 7B model and 100-token average output, we need
  // approximately 20 A100 GPUs with vLLM continuous batching". 10K QPS x 100 tokens = 1M tokens/s;
  // each token costs 2 x 7e9 FLOPs, so even at 100% of the A100's 312 TFLOPS dense bf16 peak the
  // matmuls alone need 45 A100s: 20 is impossible, by at least 2.2x.
  const Report r = eval_example("seed-interview-10k-qps");
  CHECK(at(r, "traffic.peak_tokens_per_second") == Approx(1e6));
  const double lower_bound_gpus = 1e6 * 2 * 7e9 / 312e12;
  CHECK(lower_bound_gpus == Approx(44.9).margin(0.1));
  CHECK(lower_bound_gpus / 20 > 2.2);
  // Our estimate (batch 128, static batching with a 500-token prompt): ~1,364 tok/s per A100 ->
  // ~734 GPUs, 37x the tip. The issue's range of 14-35x depends on batching; it is never near 20.
  const double gpus = at(r, "serving.gpus");
  CHECK(gpus / 20 > 14);
  CHECK(gpus / 20 < 50);
  CHECK(gpus > lower_bound_gpus);
}

TEST_CASE("article error: the introduction's 1.7M USD for 7B on 1T tokens is 9x its own 6PD arithmetic", "[scope][seed-error]") {
  // Seed introduction: "A 7B parameter model trained on 1 trillion tokens ... requires approximately
  // $1.7M in compute at A100 spot pricing. A 13B model trained on 2 trillion tokens ... roughly $6M."
  // The seed's own numbers (6PD, 40% MFU, $2/h spot, 312 TFLOPS) give $187K and $694K: both ~9x lower
  // (the intro's figures would need an MFU of ~4.4%). Against the $2M budget, 7B/1T is a tenth of it:
  // the seed's "one order of magnitude: feasible".
  const Report r = eval_example("seed-intro-2m-budget");
  CHECK(at(r, "training.cost_usd") == Approx(186966).margin(1));
  CHECK(1.7e6 / at(r, "training.cost_usd") == Approx(9.1).margin(0.1));
  CHECK(at(r, "training.budget_ratio") == Approx(0.0935).margin(0.0005));
  const double cost_13b_2t = training_flops(13e9, 2e12, false) / (312e12 * 0.4) / kSecondsPerHour * 2.0;
  CHECK(cost_13b_2t == Approx(694444).margin(1));
  CHECK(6e6 / cost_13b_2t == Approx(8.6).margin(0.1));
  CHECK(at(r, "cost.first_year_usd") == Approx(at(r, "training.cost_usd")));  // no serving in this question
}

TEST_CASE("article reference row: 1 hour of 720p video is ~1 GB only at ~2.2 Mbps, YouTube's 720p upload bitrate gives 2.25 GB", "[scope][seed-error]") {
  // Seed "Storage and Memory" table: "1 hour of video (720p) ~1 GB". YouTube Help, "Recommended upload
  // encoding settings": 720p SDR at 24-30 fps, 5 Mbps (7.5 Mbps at 48-60 fps).
  CHECK(video_bytes_per_hour(5e6) == Approx(2.25e9));
  CHECK(video_bytes_per_hour(7.5e6) == Approx(3.375e9));
  CHECK(1e9 * 8 / 3600 / 1e6 == Approx(2.22).margin(0.01));  // the row's implied bitrate, Mbps
  const Report r = eval_example("seed-video-720p");
  CHECK(at(r, "storage.raw_bytes_per_day") == Approx(video_bytes_per_hour(5e6)));
  CHECK(at(r, "storage.stored_bytes") == Approx(365 * 2.25e9));
  CHECK_FALSE(has_llm_or_gpu_term(r));
}

TEST_CASE("network: moving data over the seed's links, and egress from QPS x response size", "[scope][network]") {
  // Seed 'Networking' table: 100GbE 12.5 GB/s, InfiniBand HDR 25 GB/s, NVLink 600 GB/s.
  Scenario s;
  s.include = {false, false, false, false, false, false, true, false};
  s.network.transfer_gb = 4000;  // seed: "1 trillion text tokens ~4 TB"
  s.network.link = "100gbe";
  CHECK(at(evaluate(s), "network.transfer_seconds") == Approx(320));  // 4 TB / 12.5 GB/s
  s.network.link = "ib-hdr";
  CHECK(at(evaluate(s), "network.transfer_seconds") == Approx(160));
  s.network.link = "nvlink3";
  s.network.transfer_gb = 98;  // a 7B training checkpoint (weights + Adam states, 14 B/param)
  CHECK(at(evaluate(s), "network.transfer_seconds") == Approx(98.0 / 600));
  // Egress: the default traffic (100K users x 0.3 x 5 req/day = 1.74 QPS) x 2 KB responses.
  s.network.response_bytes = 2000;
  const Report r = evaluate(s);
  const double qps = 1e5 * 0.3 * 5 / 86400;
  CHECK(at(r, "network.egress_bytes_per_month") == Approx(qps * 2000 * 730 * 3600));
  CHECK(at(r, "network.egress_monthly_usd") == Approx(qps * 2000 * 730 * 3600 / 1e9 * 0.09));  // AWS $0.09/GB
  CHECK(at(r, "cost.monthly_usd") == Approx(at(r, "network.egress_monthly_usd")));
  CHECK(r.find("traffic.average_qps") == nullptr);  // serving is not included: only the egress it drives
  CHECK(evaluate(canonical(s)).to_json() == r.to_json());
}

TEST_CASE("one machine: the seed's Spark-for-10-GB is over-engineering, Pandas-on-50-TB under-engineering", "[scope][one-machine]") {
  // Seed 'Why Estimation Matters': "a distributed Spark cluster to process 10 GB of training data
  // that fits in memory on a single machine" and "a single-machine Pandas script when the dataset
  // is 50 TB". With pandas' 5x RAM rule (McKinney 2017) on a 256 GB, 4 TB machine:
  Scenario s;
  s.include = {false, false, false, false, false, false, false, true};
  s.one_machine.data_gb = 10;
  const Report small = evaluate(s);
  CHECK(at(small, "one_machine.memory_needed_bytes") == Approx(50e9));
  CHECK(at(small, "one_machine.fits_in_memory") == 1);
  CHECK(at(small, "one_machine.machines_for_memory") == 1);
  REQUIRE(small.warnings.size() == 1);
  CHECK(small.warnings[0].message.find("over-engineering") != std::string::npos);
  s.one_machine.data_gb = 50000;
  const Report big = evaluate(s);
  CHECK(at(big, "one_machine.fits_in_memory") == 0);
  CHECK(at(big, "one_machine.fits_on_disk") == 0);
  CHECK(at(big, "one_machine.machines_for_memory") == 977);  // 250 TB / 256 GB
  REQUIRE(big.warnings.size() == 1);
  CHECK(big.warnings[0].message.find("under-engineering") != std::string::npos);
  CHECK(at(big, "cost.monthly_usd") == 0);
}

TEST_CASE("feature store: priced only when a node price is set, replicas multiply nodes and share reads", "[scope][feature-store]") {
  // Seed Q4: ~560 GB of Redis memory in 64 GB nodes "with a standard replication setup".
  Scenario s = example_scenario("seed-q4");
  const Report unpriced = evaluate(s);
  CHECK(unpriced.find("feature_store.monthly_cost_usd") == nullptr);  // as in version 1: sized, not priced
  s.feature_store.replication_factor = 2;
  s.feature_store.price_per_node_hour = 1.0;
  const Report r = evaluate(s);
  CHECK(at(r, "feature_store.nodes_with_replicas") == 2 * at(r, "feature_store.nodes"));
  CHECK(at(r, "feature_store.monthly_cost_usd") == Approx(2 * at(r, "feature_store.nodes") * 1.0 * 730));
  CHECK(at(r, "cost.monthly_usd") ==
        Approx(at(unpriced, "cost.monthly_usd") + at(r, "feature_store.monthly_cost_usd")));
  // Seed fraud example: 1,736 GETs/s on one node - "trivial".
  const Report fraud = eval_example("seed-fraud");
  CHECK(at(fraud, "feature_store.reads_per_second_per_node") == Approx(1736).margin(1));
}

// evaluate() keeps only the included results and builds no basis text for sections it leaves out
// (evaluate.cpp, term.hpp). Against the same scenario with every section included, then filtered:
// every result the scope keeps is there with the same value, formula and substituted numbers, and
// nothing else is (cost.* and energy.* roll up the included sections, so they differ by design).
TEST_CASE("a section left out changes no included result and loses no basis text", "[scope][performance]") {
  std::vector<Scenario> cases;
  for (const Example& e : examples()) cases.push_back(e.scenario);
  for (const ValidationCase& v : validation_cases()) cases.push_back(v.scenario);
  std::mt19937_64 rng(20261126);
  for (int i = 0; i < 60; ++i) cases.push_back(envelope::test::random_scenario(rng));
  // GPU serving alone of a model that does not fit its replica: the inference section is left out,
  // but its "does not fit" warning stays (it concerns the serving fleet).
  Scenario serving_only;
  serving_only.model.preset = "llama-3.1-405b";
  serving_only.include.training = serving_only.include.inference = serving_only.include.storage = false;
  serving_only.include.feature_store = false;
  cases.push_back(serving_only);
  size_t compared = 0, warnings = 0;
  for (size_t n = 0; n < cases.size(); ++n) {
    const Scenario& s = cases[n];
    Scenario all = s;
    IncludeSection& a = all.include;
    a.training = a.inference = a.serving = a.storage = a.feature_store = a.pipeline = a.network = a.one_machine =
        a.finetune = a.recommender = a.energy = true;
    const Report scoped = evaluate(s);
    const Report full = evaluate(all);
    const bool cpu = s.traffic.cpu_ms_per_request > 0;
    auto rolled_up = [](const std::string& p) { return p.rfind("cost.", 0) == 0 || p.rfind("energy.", 0) == 0; };
    for (const Result& f : full.results) {
      if (rolled_up(f.path.str()) || !path_included(f.path, s.include, cpu)) continue;
      INFO("scenario " << n << " (" << s.name << "), " << f.path);
      const Result* r = scoped.find(f.path);
      REQUIRE(r != nullptr);
      CHECK(r->value == f.value);
      CHECK(r->formula == f.formula);
      CHECK(r->substituted == f.substituted);
      CHECK_FALSE(r->substituted.empty());
      ++compared;
    }
    for (const Result& r : scoped.results) {
      INFO("scenario " << n << ", " << r.path);
      CHECK(path_included(r.path, s.include, cpu));
    }
    // Warnings kept by the scope read as they do with every section included (numbers and all).
    for (const Warning& w : scoped.warnings) {
      if (rolled_up(w.path)) continue;
      INFO("scenario " << n << ", warning on " << w.path << ": " << w.message);
      bool same = false;
      for (const Warning& f : full.warnings) same = same || (f.path == w.path && f.message == w.message);
      CHECK(same);
      ++warnings;
    }
  }
  CHECK(compared > 2000);
  CHECK(warnings > 20);
}

TEST_CASE("values-only evaluation gives evaluate()'s values and units, and builds less text", "[scope][performance]") {
  // evaluate_values() serves the page's low / high ranges and pinned scenarios, which read values and
  // units only: it must compute exactly what evaluate() does.
  std::vector<Scenario> cases;
  for (const Example& e : examples()) cases.push_back(e.scenario);
  std::mt19937_64 rng(20261127);
  for (int i = 0; i < 40; ++i) cases.push_back(envelope::test::random_scenario(rng));
  size_t compared = 0, text_full = 0, text_values = 0;
  for (size_t n = 0; n < cases.size(); ++n) {
    const Report full = evaluate(cases[n]);
    const Report values = evaluate_values(cases[n]);
    INFO("scenario " << n << " (" << cases[n].name << ")");
    REQUIRE(values.results.size() == full.results.size());
    for (size_t i = 0; i < full.results.size(); ++i) {
      INFO(full.results[i].path);
      CHECK(values.results[i].path == full.results[i].path);
      CHECK(values.results[i].value == full.results[i].value);
      CHECK(values.results[i].unit == full.results[i].unit);
      text_full += full.results[i].substituted.size();
      text_values += values.results[i].substituted.size();
      ++compared;
    }
    REQUIRE(values.warnings.size() == full.warnings.size());
    for (size_t i = 0; i < full.warnings.size(); ++i) CHECK(values.warnings[i].path == full.warnings[i].path);
  }
  CHECK(compared > 500);
  // The Term-built bases are skipped (hand-written ones of a few sections are still built).
  CHECK(text_values < text_full / 2);
  // And evaluate() after it has its text again (the scope is restored).
  CHECK_FALSE(evaluate(cases.front()).results.front().substituted.empty());
}

TEST_CASE("a report copied or moved renders the same after the original is gone (its texts own or view lasting storage)", "[report]") {
  // Result formulas, sources and error bands are Text: a view of a string literal or of the stored
  // error bands, owned otherwise (report.hpp). A view of anything shorter-lived would dangle here:
  // the copies are rendered after the original is destroyed and other reports have reused the heap.
  std::vector<Scenario> cases;
  for (const Example& e : examples()) cases.push_back(e.scenario);
  std::mt19937_64 rng(20261126);
  for (int i = 0; i < 10; ++i) cases.push_back(envelope::test::random_scenario(rng));
  size_t banded = 0;
  for (size_t n = 0; n < cases.size(); ++n) {
    INFO("scenario " << n << " (" << cases[n].name << ")");
    std::optional<Report> original = evaluate(cases[n]);
    const std::string json = original->to_json(), text = original->to_text(), md = original->to_markdown();
    Report copied = *original;
    Report moved = std::move(*original);
    original.reset();
    for (int i = 0; i < 3; ++i) (void)evaluate(cases[(n + 1 + i) % cases.size()]).to_json();  // reuse the freed heap
    const Report copy_of_copy = copied;
    copied = Report();
    CHECK(moved.to_json() == json);
    CHECK(moved.to_text() == text);
    CHECK(moved.to_markdown() == md);
    CHECK(copy_of_copy.to_json() == json);
    CHECK(copy_of_copy.to_markdown() == md);
    for (const Result& r : moved.results) banded += !r.error_band.empty();
  }
  CHECK(banded > 20);  // the error bands (views of the stored table) are among the texts checked
  // Owned text survives its source.
  Text owned;
  {
    std::string s = "scenario hardware.peak_tflops (" + std::to_string(cases.size()) + ")";
    owned = Text(s);
    s.assign(s.size(), 'x');
  }
  CHECK(owned == "scenario hardware.peak_tflops (" + std::to_string(cases.size()) + ")");
  CHECK(std::string(owned.c_str()) == owned.str());
}

TEST_CASE("path_included: each section's paths follow its flag, with the cross-section exceptions", "[scope]") {
  // The rule as documented in evaluate.cpp (decided by the path's first segment since round 5 of
  // docs/performance.md): one flag on at a time, every exception checked both ways.
  IncludeSection none;
  for (bool* f : {&none.training, &none.inference, &none.serving, &none.storage, &none.feature_store, &none.pipeline,
                  &none.network, &none.one_machine, &none.finetune, &none.energy, &none.recommender})
    *f = false;
  auto with = [&](bool IncludeSection::*flag) {
    IncludeSection i = none;
    i.*flag = true;
    return i;
  };
  const IncludeSection training = with(&IncludeSection::training), inference = with(&IncludeSection::inference),
                       serving = with(&IncludeSection::serving), storage = with(&IncludeSection::storage),
                       finetune = with(&IncludeSection::finetune);
  // Section prefixes.
  CHECK(path_included("training.flops", training, false));
  CHECK_FALSE(path_included("training.flops", inference, false));
  CHECK(path_included("memory.training.total_bytes", training, false));
  CHECK_FALSE(path_included("memory.training.total_bytes", inference, false));
  CHECK(path_included("memory.inference.kv_cache_bytes", inference, false));
  CHECK_FALSE(path_included("memory.inference.kv_cache_bytes", training, false));
  CHECK(path_included("feature_store.nodes", with(&IncludeSection::feature_store), false));
  CHECK_FALSE(path_included("feature_store.nodes", storage, false));
  CHECK(path_included("recommender.qps", with(&IncludeSection::recommender), false));
  CHECK(path_included("energy.training_kwh", with(&IncludeSection::energy), false));
  CHECK(path_included("one_machine.fits_on_disk", with(&IncludeSection::one_machine), false));
  CHECK_FALSE(path_included("one_machine.fits_on_disk", none, false));
  // Exceptions: the checkpoint and the training cost go with training, the peak FLOPs too.
  CHECK(path_included("storage.checkpoint_bytes", training, false));
  CHECK_FALSE(path_included("storage.checkpoint_bytes", storage, false));
  CHECK(path_included("storage.stored_bytes", storage, false));
  CHECK_FALSE(path_included("storage.stored_bytes", training, false));
  CHECK(path_included("cost.training_usd", training, false));
  CHECK_FALSE(path_included("cost.training_usd", storage, false));
  CHECK(path_included("cost.finetune_usd", finetune, false));
  CHECK_FALSE(path_included("cost.finetune_usd", training, false));
  CHECK(path_included("cost.monthly_usd", none, false));
  CHECK(path_included("hardware.peak_flops", training, false));
  CHECK_FALSE(path_included("hardware.peak_flops", finetune, false));
  // GPU figures: with any GPU section, and with serving only when it is not CPU serving.
  CHECK(path_included("hardware.price_per_gpu_hour", finetune, false));
  CHECK(path_included("model.params", inference, false));
  CHECK(path_included("model.params", serving, false));
  CHECK_FALSE(path_included("model.params", serving, true));
  CHECK_FALSE(path_included("model.params", storage, false));
  CHECK(path_included("serving.gpus", serving, false));
  CHECK_FALSE(path_included("serving.gpus", serving, true));
  CHECK(path_included("serving.replicas", serving, true));
  CHECK_FALSE(path_included("serving.tokens_per_second_per_replica", serving, true));
  CHECK(path_included("traffic.peak_qps", serving, true));
  CHECK_FALSE(path_included("traffic.peak_tokens_per_second", serving, true));
  CHECK(path_included("traffic.peak_tokens_per_second", serving, false));
  // Not tied to a section: no dot, or an unknown first segment, or memory.* outside both parts.
  CHECK(path_included("warnings", none, false));
  CHECK(path_included("memory.other", none, false));
  CHECK(path_included("storagex.raw_bytes_per_day", none, false));
  CHECK_FALSE(path_included("storage.raw_bytes_per_day", none, false));
}

TEST_CASE("a section the scenario sets but no included section reads is named (the CLI notes it)", "[scope]") {
  // {"finetune": {...}} with include.finetune false was evaluated without it and said nothing.
  const std::string off_text =
      R"({"include": {"training": true, "inference": false, "serving": false, "storage": false, "feature_store": false},
          "finetune": {"method": "qlora"}, "training": {"tokens": 1e12}})";
  const LoadResult off = load_scenario_json(off_text);
  REQUIRE(off.ok());
  CHECK(unread_sections(off.scenario, off_text) == std::vector<std::string>{"finetune"});
  // Included, it is read; a section left at its defaults, or read by another (serving reads inference),
  // is not named.
  const std::string on_text =
      R"({"include": {"training": false, "inference": false, "serving": true, "storage": false, "feature_store": false,
          "finetune": true}, "finetune": {"method": "qlora"}, "inference": {"batch": 8}})";
  const LoadResult on = load_scenario_json(on_text);
  REQUIRE(on.ok());
  CHECK(unread_sections(on.scenario, on_text).empty());
  // An old file (version 3, before the 8-GPU ZeRO-1 default) that does not mention training: its
  // migration fills training's old defaults, which the file did not write and is not told about.
  const std::string old_text = R"({"version": 3, "include": {"training": false, "storage": false, "feature_store": false}})";
  const LoadResult old = load_scenario_json(old_text);
  REQUIRE(old.ok());
  CHECK(unread_sections(old.scenario, old_text).empty());
  // Every example, as its link's JSON, sets only what it is about.
  for (const Example& e : examples()) {
    INFO(e.id);
    const std::string text = scenario_to_json(e.scenario);
    CHECK(unread_sections(load_scenario_json(text).scenario, text).empty());
  }
}
