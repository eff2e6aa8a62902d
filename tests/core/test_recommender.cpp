// Classical models and recommenders (core/src/recommender.cpp): embedding tables against published
// sizes (tests/reference/published.json, kind "recommender"), lookups/s, the dense MLP on CPUs or
// GPUs, real-time vs batch, scope and links; and the feature store's cited default node price.
#include <catch2/catch.hpp>
#include <cmath>
#include <string>

#include "envelope/evaluate.hpp"
#include "envelope/examples.hpp"
#include "envelope/link.hpp"
#include "envelope/recommender.hpp"
#include "envelope/units.hpp"
#include "helpers.hpp"

using namespace envelope;
using envelope::test::at;
using envelope::test::eval_example;
using envelope::test::example_scenario;
using envelope::test::published_record;

namespace {
bool has_prefix(const Report& r, const std::string& prefix) {
  for (const Result& x : r.results)
    if (x.path.rfind(prefix, 0) == 0) return true;
  return false;
}
// A recommender-only scenario: every other section off.
Scenario recommender_only() {
  Scenario s;
  s.include = IncludeSection{false, false, false, false, false};
  s.include.recommender = true;
  return s;
}
}  // namespace

TEST_CASE("published: MLPerf DLRM Criteo 1TB tables hold 100 GB and 25+ billion parameters (Desai and Shrivastava 2022)",
          "[recommender][published]") {
  const auto& rec = published_record("MLPerf DLRM Criteo 1TB embedding memory");
  Scenario s = recommender_only();
  s.recommender.table_rows = rec["inputs"]["table_rows"].get<std::string>();
  s.recommender.embedding_dim = rec["inputs"]["embedding_dim"].get<double>();
  s.recommender.bytes_per_value = rec["inputs"]["bytes_per_value"].get<double>();
  const Report r = evaluate(s);
  CHECK(at(r, "recommender.tables") == 26);
  CHECK(at(r, "recommender.embedding_rows") == 204184588);
  const double gb = rec["measured"]["embedding_GB"].get<double>();
  CHECK(at(r, "recommender.embedding_table_bytes") / kGB == Approx(gb).epsilon(0.10));  // 104.5 GB vs "100GB"
  CHECK(at(r, "recommender.embedding_params") >= rec["measured"]["embedding_params_B_at_least"].get<double>() * 1e9);
  CHECK(at(r, "recommender.embedding_params") < 27.5e9);  // "25+", not 30
  // Sharding: one 512 GiB host holds them; 80 GB H100s at 90% need 2.
  CHECK(at(r, "recommender.shards") == 1);
  s.recommender.memory_tier = "gpu";
  s.hardware.gpu = "h100-sxm";
  const Report g = evaluate(s);
  CHECK(at(g, "recommender.shards") == 2);  // 104.5 GB / (80 GB x 0.9)
  CHECK(at(g, "recommender.gpus") >= 2);
}

TEST_CASE("published: the DLRM paper's Criteo Kaggle model has 540M parameters (Naumov et al. 2019)", "[recommender][published]") {
  const auto& rec = published_record("DLRM Criteo Kaggle model parameters");
  Scenario s = recommender_only();
  s.recommender.table_rows = rec["inputs"]["table_rows"].get<std::string>();
  s.recommender.embedding_dim = rec["inputs"]["embedding_dim"].get<double>();
  const Report r = evaluate(s);
  CHECK(at(r, "recommender.embedding_params") / 1e6 == Approx(rec["measured"]["params_M"].get<double>()).epsilon(0.02));
  CHECK(at(r, "recommender.embedding_table_bytes") == Approx(540.2e6 * 4).epsilon(0.001));  // fp32: 2.16 GB
}

TEST_CASE("published: MLPerf DLRM-DCNv2 reads 214 rows per sample, so lookups/s = QPS x candidates x 214", "[recommender][published]") {
  const auto& rec = published_record("MLPerf DLRM-DCNv2 multi-hot lookups per sample");
  const double per_sample = rec["measured"]["lookups_per_sample"].get<double>();
  const Report r = eval_example("recsys-dlrm-realtime");
  // The example's lookups_per_table is the mean pooling factor 214 / 26.
  CHECK(at(r, "recommender.lookups_per_second") == Approx(2000 * 500 * per_sample).epsilon(1e-9));
  CHECK(at(r, "recommender.lookup_bytes_per_second") == Approx(2000 * 500 * per_sample * 128 * 4).epsilon(1e-9));
}

TEST_CASE("real-time ranking example: FLOPs, CPU cores, machines and dollars with their basis", "[recommender][realtime]") {
  const Report r = eval_example("recsys-dlrm-realtime");
  // 2 x 16,044,545 dense parameters x 500 candidates per request, 2,000 requests/s.
  CHECK(at(r, "recommender.mlp_flops_per_request") == Approx(2 * 16044545.0 * 500));
  const double fps = at(r, "recommender.mlp_flops_per_second");
  CHECK(fps == Approx(2 * 16044545.0 * 500 * 2000));
  // 112 GFLOP/s per vCPU x 0.3: 955 vCPUs, 15 machines of 64.
  CHECK(at(r, "recommender.dense_cpu_cores") == std::ceil(fps / (112e9 * 0.3)));
  CHECK(at(r, "recommender.dense_machines") == 15);
  CHECK(at(r, "recommender.bandwidth_units") == 1);  // 110 GB/s of lookups < 204.8 GB/s
  CHECK(at(r, "recommender.machines") == 15);
  CHECK(at(r, "recommender.monthly_cost_usd") == Approx(15 * 4.032 * 730));
  CHECK(at(r, "cost.monthly_usd") == Approx(at(r, "recommender.monthly_cost_usd")));
  CHECK(at(r, "recommender.feature_reads_per_second") == 2000 * 200);
  const Result* m = r.find("recommender.machines");
  REQUIRE(m != nullptr);
  CHECK(m->formula == "max(shards, dense, bandwidth)");
  CHECK(m->substituted == "max(1, 15, 1)");
  CHECK(r.find("recommender.monthly_cost_usd")->source.find("r6i.16xlarge") != std::string::npos);
}

TEST_CASE("recommender examples hold no LLM or GPU paths and no training cost", "[recommender][scope][examples]") {
  for (const char* id : {"recsys-dlrm-realtime", "recsys-batch-scoring"}) {
    INFO(id);
    const Report r = eval_example(id);
    for (const char* prefix : {"training.", "memory.", "inference.", "model.", "hardware.", "serving.", "traffic.",
                               "storage.", "feature_store.", "finetune.", "energy."})
      CHECK_FALSE(has_prefix(r, prefix));
    CHECK(r.find("cost.training_usd") == nullptr);
    CHECK(r.find("recommender.gpus") == nullptr);
    CHECK(r.find("recommender.dense_gpus") == nullptr);
    for (const Result& x : r.results) CHECK(x.path.find("gpu") == std::string::npos);
    CHECK(at(r, "cost.first_year_usd") == Approx(12 * at(r, "recommender.monthly_cost_usd")));
    CHECK(r.find("cost.monthly_usd")->formula == "recommender");
  }
}

TEST_CASE("batch scoring: 1B items a day on 4 machines is compute-bound, 8 minutes, and billed while it runs", "[recommender][batch]") {
  const Report r = eval_example("recsys-batch-scoring");
  CHECK(r.find("recommender.peak_qps") == nullptr);  // batch: no request rate
  CHECK(at(r, "recommender.embedding_table_bytes") == Approx(10 * 1e7 * 64 * 4));  // 25.6 GB
  const double flops = at(r, "recommender.batch_flops_per_day");
  CHECK(flops == Approx(1e9 * 2 * 2e6));
  const double machine_flops = 64 * 112e9 * 0.3;
  CHECK(at(r, "recommender.batch_seconds") == Approx(flops / (4 * machine_flops)));  // ~465 s
  CHECK(at(r, "recommender.batch_seconds") == Approx(465).epsilon(0.01));
  CHECK(at(r, "recommender.batch_machine_hours_per_day") == Approx(4 * 465.0 / 3600).epsilon(0.01));
  CHECK(at(r, "recommender.monthly_cost_usd") == Approx(at(r, "recommender.batch_machine_hours_per_day") * 4.032 * 730 / 24));
  CHECK(r.warnings.empty());
  // On one machine with 100x the items it takes more than a day: named.
  Scenario s = example_scenario("recsys-batch-scoring");
  s.recommender.batch_items_per_day = 1e11;
  s.recommender.batch_machines = 1;
  const Report slow = evaluate(s);
  CHECK(at(slow, "recommender.batch_seconds") > 86400);
  bool named = false;
  for (const Warning& w : slow.warnings) named |= w.path == "recommender.batch_seconds";
  CHECK(named);
}

TEST_CASE("batch scoring is memory-bound when lookups outweigh the MLP", "[recommender][batch]") {
  Scenario s = example_scenario("recsys-batch-scoring");
  s.recommender.mlp_params = 1;           // almost no dense work
  s.recommender.lookups_per_table = 100;  // 1,000 rows of 256 B per item
  const Report r = evaluate(s);
  const double bytes = at(r, "recommender.batch_lookup_bytes_per_day");
  CHECK(bytes == Approx(1e9 * 10 * 100 * 64 * 4));
  CHECK(at(r, "recommender.batch_seconds") == Approx(bytes / (4 * 204.8e9)));
}

TEST_CASE("GPU tier: tables in HBM, dense part on GPUs at the hardware price, named as GPUs", "[recommender][gpu]") {
  Scenario s = example_scenario("recsys-dlrm-realtime");
  s.recommender.memory_tier = "gpu";
  s.hardware.gpu = "a100-80gb-sxm";
  s.hardware.price_per_gpu_hour = 2.0;
  const Report r = evaluate(s);
  CHECK(at(r, "recommender.shards") == 2);  // 104.5 GB / 72 GB
  CHECK(r.find("recommender.machines") == nullptr);
  CHECK(r.find("recommender.dense_cpu_cores") == nullptr);
  const double gpus = at(r, "recommender.gpus");
  CHECK(gpus == std::max({at(r, "recommender.shards"), at(r, "recommender.dense_gpus"), at(r, "recommender.bandwidth_units")}));
  CHECK(at(r, "recommender.monthly_cost_usd") == Approx(gpus * 2.0 * 730));
  // The link keeps the hardware the GPU tier reads, and nothing of the LLM sections.
  const LoadResult back = decode_link(encode_link_fragment(s));
  REQUIRE(back.ok());
  CHECK(back.scenario.hardware.gpu == "a100-80gb-sxm");
  CHECK(back.scenario == canonical(s));
}

TEST_CASE("recommender off is absent from the report and the link, and on it takes its peak from the traffic section", "[recommender][scope]") {
  const Report none = evaluate(Scenario{});
  CHECK_FALSE(has_prefix(none, "recommender."));
  Scenario s = recommender_only();
  s.recommender.tables = 3;
  s.traffic.peak_qps = 500;
  Scenario off = s;
  off.include.recommender = false;
  CHECK(scenario_to_json(off).find("recommender") == std::string::npos);
  const Report r = evaluate(s);
  CHECK(at(r, "recommender.peak_qps") == 500);
  CHECK(at(r, "recommender.lookups_per_second") == 500 * 100 * 3 * 1);
  const LoadResult back = decode_link(encode_link_fragment(s));
  REQUIRE(back.ok());
  CHECK(back.scenario.traffic.peak_qps == 500);  // read by the recommender, so kept
  s.recommender.peak_qps = 50;
  CHECK(at(evaluate(s), "recommender.lookups_per_second") == 50 * 100 * 3 * 1);
  CHECK_FALSE(canonical(s).traffic.peak_qps.has_value());  // its own peak: traffic no longer read
}

TEST_CASE("table_rows: a bad entry is named and ignored, the rest are summed", "[recommender][validation]") {
  Scenario s = recommender_only();
  s.recommender.table_rows = "1000, 2e3, apples, -5";
  const Report r = evaluate(s);
  CHECK(at(r, "recommender.tables") == 2);
  CHECK(at(r, "recommender.embedding_rows") == 3000);
  bool named = false;
  for (const Warning& w : r.warnings) named |= w.path == "recommender.table_rows" && w.message.find("apples") != std::string::npos;
  CHECK(named);
  const LoadResult bad = load_scenario_json(R"({"version":3,"recommender":{"mode":"stream","memory_tier":"ssd"}})");
  REQUIRE(bad.ok());
  CHECK(bad.problems.size() == 2);
  CHECK(bad.scenario.recommender.mode == "realtime");
}

TEST_CASE("recommender formulas return zero shards for empty tables and at least one unit for any load", "[recommender][formulas]") {
  CHECK(embedding_shards(0, 80e9, 0.9) == 0);
  CHECK(embedding_shards(72e9, 80e9, 0.9) == 1);
  CHECK(embedding_shards(72.1e9, 80e9, 0.9) == 2);
  CHECK(dense_units_needed(0, 1e9, 0.5) == 1);
  CHECK(dense_units_needed(1e9, 1e9, 0.5) == 2);
  CHECK(batch_scoring_seconds(1e12, 1e9, 2, 1e11, 1e10) == Approx(5));
}

TEST_CASE("feature store: priced at the cited default node (AWS r6i.2xlarge, 0.504 USD/h) when asked, old links unchanged",
          "[recommender][feature-store]") {
  const auto& rec = published_record("AWS EC2 r6i memory-optimized on-demand prices");
  Scenario s = example_scenario("seed-q4");
  const Report unpriced = evaluate(s);
  CHECK(unpriced.find("feature_store.monthly_cost_usd") == nullptr);  // default: sized, not priced (version 1-3 meaning)
  s.feature_store.priced = true;
  const Report r = evaluate(s);
  const double nodes = at(r, "feature_store.nodes_with_replicas");
  CHECK(at(r, "feature_store.monthly_cost_usd") == Approx(nodes * rec["measured"]["r6i.2xlarge_usd_per_hour"].get<double>() * 730));
  CHECK(r.find("feature_store.monthly_cost_usd")->source.find("r6i.2xlarge") != std::string::npos);
  CHECK(at(r, "cost.monthly_usd") == Approx(at(unpriced, "cost.monthly_usd") + at(r, "feature_store.monthly_cost_usd")));
  // A typed price wins over the default.
  s.feature_store.price_per_node_hour = 1.0;
  CHECK(at(evaluate(s), "feature_store.monthly_cost_usd") == Approx(nodes * 1.0 * 730));
  // The recommender's host price is the same source's r6i.16xlarge.
  CHECK(Catalog::builtin().prices.recommender_host_usd_per_hour == rec["measured"]["r6i.16xlarge_usd_per_hour"].get<double>());
}

TEST_CASE("published: Twitter's For You ranking, 5B runs a day x 1,500 candidates x 48M parameters, through the traffic cascade",
          "[recommender][published]") {
  const auto& rec = published_record("Twitter For You ranking load");
  const double runs = rec["measured"]["runs_per_day"].get<double>();
  const double candidates = rec["measured"]["candidates_per_run"].get<double>();
  const double params = rec["measured"]["heavy_ranker_params_M"].get<double>() * 1e6;
  const Scenario s = example_scenario("twitter-home-ranking");
  CHECK(s.recommender.candidates_per_request == candidates);
  CHECK(s.recommender.mlp_params == params);
  const Report r = evaluate(s);
  // The recommender takes its load from the traffic section: 5e9 runs / 86,400 s (average; no peak published).
  CHECK(at(r, "recommender.peak_qps") == Approx(runs / 86400).epsilon(1e-9));
  CHECK(at(r, "recommender.candidates_per_second") * 86400 == Approx(runs * candidates).epsilon(1e-9));
  CHECK(at(r, "recommender.mlp_flops_per_request") == Approx(2 * params * candidates));  // 144 GFLOP
  const double fps = at(r, "recommender.mlp_flops_per_second");
  CHECK(fps == Approx(8.33e15).epsilon(0.001));
  // On A100s at the datacenter class's compute efficiency: dozens of GPUs, not thousands of CPU machines.
  const double gpus = at(r, "recommender.dense_gpus");
  CHECK(gpus == at(r, "recommender.gpus"));
  CHECK(gpus > 10);
  CHECK(gpus < 100);
  CHECK(r.find("recommender.machines") == nullptr);
  Scenario cpu = s;
  cpu.recommender.memory_tier = "host";
  const Report c = evaluate(cpu);
  CHECK(at(c, "recommender.machines") == std::ceil(std::ceil(fps / (112e9 * 0.3)) / 64));  // ~3,900 r6i.16xlarge
  CHECK(at(c, "recommender.monthly_cost_usd") > 50 * at(r, "recommender.monthly_cost_usd"));
  // No tables published: nothing to shard, no lookups.
  CHECK(at(r, "recommender.shards") == 0);
  CHECK(at(r, "recommender.lookups_per_second") == 0);
}
