// Envelope against published, cited figures (tests/reference/published.json): training runs' GPU-hours
// with the default MFU (no per-case tuning), and the catalog against the datasheet records.
#include <catch2/catch.hpp>
#include <cmath>

#include "envelope/catalog.hpp"
#include "envelope/evaluate.hpp"
#include "envelope/units.hpp"
#include "helpers.hpp"

using namespace envelope;
using envelope::test::at;
using envelope::test::published_record;
using envelope::test::validation_case;

namespace {
struct Run {
  const char* record;
  const char* preset;  // architecture for the run ("" : params from the record)
  const char* gpu;
};

// GPU-hours predicted with the default MFU for the hardware class, over the published figure.
double predicted_over_published(const Run& run, double& published_hours) {
  const auto& rec = published_record(run.record);
  const auto& in = rec["inputs"];
  Scenario s;
  if (*run.preset) s.model.preset = run.preset;
  if (in.contains("params")) s.model.params = in["params"].get<double>();
  s.hardware.gpu = run.gpu;
  s.hardware.count = in.value("num_gpus", 1.0);
  s.training.tokens = in["tokens"].get<double>();
  // LLaMA's and TinyLlama's GPU-hours are steady-state throughput x tokens (Touvron et al. 2023
  // sec. 2.4; TinyLlama README), not wall-clock totals: no time lost to interruptions.
  if (std::string(run.record).rfind("LLaMA-", 0) == 0 || std::string(run.record).rfind("TinyLlama", 0) == 0)
    s.training.goodput = 1.0;
  // BLOOM's published layout and network (TP 4 x PP 12 x DP 8, 2,048 sequences of 2,048 tokens, four
  // 100 Gb/s Omni-Path links per 8-GPU node) are stated once, in its validation case, with their sources.
  if (std::string(run.record) == "BLOOM-176B") {
    const Scenario& v = validation_case("train-bloom-176b").scenario;
    REQUIRE(v.training.tokens == s.training.tokens);
    REQUIRE(v.hardware.count == s.hardware.count);
    s.training = v.training;
    s.hardware = v.hardware;
  }
  const auto& m = rec["measured"];
  if (m.contains("gpu_hours"))
    published_hours = m["gpu_hours"].get<double>();
  else if (m.contains("gpu_hours_derived"))
    published_hours = m["gpu_hours_derived"].get<double>();
  else  // TinyLlama: A100-hours per 300B tokens, scaled to the run's tokens
    published_hours = m["A100_hours_per_300B_tokens"].get<double>() * s.training.tokens / 300e9;
  return at(evaluate(s), "training.gpu_hours") / published_hours;
}
}  // namespace

TEST_CASE("training GPU-hours of published runs within 1.35x from the training step model", "[published][training]") {
  const Run runs[] = {
      {"LLaMA-7B", "llama-7b", "a100-80gb-sxm"},         {"LLaMA-13B", "llama-13b", "a100-80gb-sxm"},
      {"LLaMA-33B", "llama-33b", "a100-80gb-sxm"},       {"LLaMA-65B", "llama-65b", "a100-80gb-sxm"},
      {"Llama 2 7B", "llama-2-7b", "a100-80gb-sxm"},     {"Llama 2 13B", "llama-2-13b", "a100-80gb-sxm"},
      {"Llama 2 70B", "llama-2-70b", "a100-80gb-sxm"},   {"BLOOM-176B", "bloom-176b", "a100-80gb-sxm"},
      {"MPT-7B", "", "a100-40gb-sxm"},                   {"TinyLlama-1.1B", "tinyllama-1.1b", "a100-40gb-sxm"},
  };
  for (const Run& run : runs) {
    double published_hours = 0;
    const double ratio = predicted_over_published(run, published_hours);
    INFO(run.record << ": predicted/published = " << ratio << " (published " << published_hours << " GPU-h)");
    CHECK(ratio < 1.35);
    CHECK(ratio > 1 / 1.35);
  }
}

TEST_CASE("the DeepSeek-V3 example: the report's pre-training GPU-hours and cost within 1.25x of Table 1", "[published][training]") {
  // DeepSeek-V3 Technical Report (arXiv:2412.19437) Table 1: pre-training 2,664K H800 GPU-hours, $5.328M
  // at the $2 per GPU-hour it assumes (of $5.576M with context extension and post-training); sec. 1:
  // "each trillion tokens ... 180K H800 GPU hours", steady state (no rollbacks), hence goodput 1.
  const Scenario s = envelope::test::example_scenario("deepseek-v3-h800");
  const Report r = evaluate(s);
  CHECK(r.value("training.gpu_hours") / 2.664e6 == Approx(1).margin(0.25));
  CHECK(r.value("training.cost_usd") / 5.328e6 == Approx(1).margin(0.25));
  CHECK(r.value("memory.training.fits") == 1);
  // It is the validation record's run (train-step-deepseek-deepseek-v3-2048xh800-fp8) with the
  // report's tokens, price and accounting: the same step, so the same error.
  const Scenario& v = validation_case("train-step-deepseek-deepseek-v3-2048xh800-fp8").scenario;
  CHECK(r.value("training.step.step_seconds") == Approx(evaluate(v).value("training.step.step_seconds")).epsilon(1e-12));
  CHECK(s.training.tokens == 14.8e12);
  CHECK(s.training.goodput == 1);
  // A scenario about training only: no inference or serving results in its report, and no warning.
  for (const Result& x : r.results) {
    INFO(x.path);
    CHECK(x.path.rfind("inference.", 0) != 0);
    CHECK(x.path.rfind("serving.", 0) != 0);
  }
  CHECK(r.warnings.empty());
}

TEST_CASE("Llama 2 34B (no preset - nominal 34B params) within 1.35x", "[published][training]") {
  const auto& rec = published_record("Llama 2 34B");
  Scenario s;
  s.model.params = 34e9;  // "params_nominal": "34B"
  s.training.tokens = rec["inputs"]["tokens"].get<double>();
  const double ratio = at(evaluate(s), "training.gpu_hours") / rec["measured"]["gpu_hours"].get<double>();
  CHECK(ratio < 1.35);
  CHECK(ratio > 1 / 1.35);
}

TEST_CASE("catalog accelerators match their datasheet records (dense FLOPS, memory, bandwidth)", "[published][catalog]") {
  const Catalog& c = Catalog::builtin();
  CHECK(c.accelerators.size() >= 24);
  int checked = 0;
  for (const Accelerator& a : c.accelerators) {
    if (a.ref.empty()) continue;
    const auto& m = published_record(a.ref)["measured"];
    INFO(a.id << " vs '" << a.ref << "'");
    for (const char* key : {"bf16_dense_tflops", "bf16_tflops"})
      if (m.contains(key)) CHECK(a.bf16 == Approx(m[key].get<double>() * 1e12).epsilon(0.001));
    for (const char* key : {"fp16_dense_tflops", "fp16_tensor_tflops", "fp16_tensor_dense_tflops_fp32acc", "fp16_dense_tflops_A10"})
      if (m.contains(key)) CHECK(a.fp16 == Approx(m[key].get<double>() * 1e12).epsilon(0.001));
    if (m.contains("fp8_dense_tflops")) CHECK(a.fp8 == Approx(m["fp8_dense_tflops"].get<double>() * 1e12).epsilon(0.001));
    if (m.contains("fp32_tflops")) CHECK(a.fp32 == Approx(m["fp32_tflops"].get<double>() * 1e12).epsilon(0.001));
    if (m.contains("memory_GB") && m["memory_GB"].is_number()) {
      // B200 is listed at its HGX as-sold 180 GB (memory_GB_as_sold_HGX).
      const double gb = m.contains("memory_GB_as_sold_HGX") ? m["memory_GB_as_sold_HGX"].get<double>() : m["memory_GB"].get<double>();
      CHECK(a.memory_bytes == Approx(gb * 1e9));
    }
    if (m.contains("memory_GiB")) CHECK(a.memory_bytes == Approx(m["memory_GiB"].get<double>() * kGiB).epsilon(0.001));
    if (m.contains("bandwidth_GBps")) CHECK(a.bandwidth_bytes_per_s == Approx(m["bandwidth_GBps"].get<double>() * 1e9));
    // Never the sparsity figure.
    for (const char* key : {"fp16_sparse_tflops", "fp8_sparse_tflops"})
      if (m.contains(key)) CHECK(a.fp16 < m[key].get<double>() * 1e12);
    ++checked;
  }
  CHECK(checked >= 24);
}

TEST_CASE("catalog prices match the published price records", "[published][catalog]") {
  const Catalog& c = Catalog::builtin();
  CHECK(*c.find_accelerator("h100-sxm")->on_demand_usd_per_hour ==
        Approx(published_record("AWS p5.48xlarge on-demand (post-cut)")["measured"]["usd_per_gpu_hour"].get<double>()));
  CHECK(*c.find_accelerator("a100-80gb-sxm")->on_demand_usd_per_hour ==
        Approx(published_record("AWS p4de.24xlarge (8x A100 80GB) on-demand")["measured"]["usd_per_gpu_hour"].get<double>()));
  CHECK(*c.find_accelerator("a100-40gb-sxm")->on_demand_usd_per_hour ==
        Approx(published_record("AWS p4d.24xlarge (8x A100 40GB) on-demand")["measured"]["usd_per_gpu_hour"].get<double>()));
  // Round 11's prices, each from its record (USD per accelerator-hour: the instance price / its count).
  const std::pair<const char*, const char*> priced[] = {
      {"gb200", "CoreWeave GB200 NVL72 on-demand"},
      {"b300", "AWS p6-b300.48xlarge on-demand"},
      {"h100-pcie", "Lambda 1x H100 PCIe on-demand"},
      {"h100-nvl", "Azure NC40ads H100 v5 (H100 NVL) on-demand"},
      {"gh200", "Lambda 1x GH200 on-demand"},
      {"l4", "AWS g6.xlarge (1x L4) on-demand"},
      {"l40s", "AWS g6e.xlarge (1x L40S) on-demand"},
      {"l40", "CoreWeave L40 on-demand"},
      {"a10g", "AWS g5.xlarge (1x A10G) on-demand"},
      {"a10", "Lambda 1x A10 on-demand"},
      {"t4", "AWS g4dn.xlarge (1x T4) on-demand"},
      {"v100-sxm2-32gb", "AWS p3dn.24xlarge (8x V100 32GB) on-demand"},
      {"mi300x", "DigitalOcean 1x MI300X on-demand"},
      {"tpu-v4", "Google Cloud TPU v4 on-demand"},
      {"tpu-v5e", "Google Cloud TPU v5e on-demand"},
      {"tpu-v5p", "Google Cloud TPU v5p on-demand"},
      {"tpu-v6e", "Google Cloud TPU v6e (Trillium) on-demand"},
      {"trainium2", "AWS trn2.48xlarge (16x Trainium2) on-demand"},
  };
  for (const auto& [id, record] : priced) {
    INFO(id << ": " << record);
    const Accelerator* a = c.find_accelerator(id);
    REQUIRE(a != nullptr);
    REQUIRE(a->on_demand_usd_per_hour.has_value());
    const auto& m = published_record(record)["measured"];
    CHECK(*a->on_demand_usd_per_hour == Approx(m["usd_per_gpu_hour"].get<double>()).epsilon(1e-4));
    if (m.contains("usd_per_instance_hour") && published_record(record)["inputs"].contains("accelerators"))
      CHECK(m["usd_per_gpu_hour"].get<double>() ==
            Approx(m["usd_per_instance_hour"].get<double>() / published_record(record)["inputs"]["accelerators"].get<double>()).epsilon(1e-4));
  }
  CHECK(c.prices.object_storage_usd_per_gb_month ==
        Approx(published_record("AWS S3 Standard storage")["measured"]["usd_per_GB_month"].get<double>()));
  CHECK(c.prices.egress_usd_per_gb ==
        Approx(published_record("AWS data transfer out to internet")["measured"]["first_10TB_usd_per_GB"].get<double>()));
}

TEST_CASE("bf16 inference rule of thumb: ~2 x params(B) GB (Llama-2-70b 140, GPT-3 350, BLOOM 352)", "[published][memory]") {
  const auto& m = published_record("bf16 inference weight memory rule of thumb")["measured"];
  const Catalog& c = Catalog::builtin();
  auto weights_gb = [&](const char* id) {
    Scenario s;
    s.model.preset = id;
    return at(evaluate(s), "memory.inference.weights_bytes") / 1e9;
  };
  // Derived parameter counts (68.98B, 174.6B, 176.2B) against nominal-size rules: 2%.
  CHECK(weights_gb("llama-2-70b") == Approx(m["Llama-2-70b_GB"].get<double>()).epsilon(0.02));
  CHECK(weights_gb("gpt3-175b") == Approx(m["GPT-3_175B_GB"].get<double>()).epsilon(0.02));
  CHECK(weights_gb("bloom-176b") == Approx(m["BLOOM_176B_GB"].get<double>()).epsilon(0.02));
  (void)c;
}
