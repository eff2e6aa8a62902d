// The training step model (core/src/training_step.cpp): one training time for the report, the
// planner and the CLI; context and expert parallelism; the kernel-efficiency fit per GPU generation
// and precision with leave-one-out errors (docs/calibration.md); today's published layouts through
// the planner.
#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <map>
#include <string>

#include "envelope/calibration.hpp"
#include "envelope/evaluate.hpp"
#include "envelope/format.hpp"
#include "envelope/link.hpp"
#include "envelope/planner.hpp"
#include "envelope/setup.hpp"
#include "envelope/training_step.hpp"
#include "envelope/validation.hpp"
#include "helpers.hpp"

using namespace envelope;
using envelope::test::at;
using envelope::test::validation_case;

namespace {
// A training choice field travels in links with the scenario's value, and a value outside its choices
// is refused with the field's path, leaving the default.
void check_training_choice_field(const Scenario& s, std::string TrainingSection::*field, const std::string& name,
                                 const std::string& refused, const std::string& fallback) {
  const LoadResult back = decode_link(encode_link_fragment(s));
  REQUIRE(back.ok());
  CHECK(back.scenario.training.*field == s.training.*field);
  const LoadResult bad = load_scenario_json(R"({"version": 4, "training": {")" + name + R"(": ")" + refused + R"("}})");
  REQUIRE(bad.problems.size() == 1);
  CHECK(bad.problems.front().path == "training." + name);
  CHECK(bad.scenario.training.*field == fallback);
}

// A training flag, set in `s`, travels in links, and the report's line at `path` names it in its formula.
void check_training_flag_named(const Scenario& s, bool TrainingSection::*flag, const std::string& path,
                               const std::string& name) {
  REQUIRE(s.training.*flag);
  const LoadResult back = decode_link(encode_link_fragment(s));
  REQUIRE(back.ok());
  CHECK(back.scenario.training.*flag);
  const Report r = evaluate(s);
  const Result* line = r.find(path);
  REQUIRE(line != nullptr);
  CHECK(line->formula.find("training." + name) != std::string::npos);
}

Scenario llama3_405b_h100(double gpus, double seq_len) {
  Scenario s;
  s.model.preset = "llama-3.1-405b";
  s.hardware.gpu = "h100-sxm";
  s.hardware.count = gpus;
  s.training.seq_len = seq_len;
  s.training.tokens = 15.6e12;  // Llama 3 405B's pre-training tokens (Dubey et al. 2024)
  s.training.global_batch = std::pow(2.0, 24) / seq_len;  // 16M tokens per step (Table 4)
  return s;
}
}  // namespace

TEST_CASE("training step: the kernel efficiencies in the code are the fit over the published runs", "[training-step][calibration]") {
  const KernelFit fit = fit_training_kernel_efficiency();
  REQUIRE(fit.fitted.size() >= 5);
  int groups = 0;
  for (const auto& [group, value] : fit.fitted) {
    // A scenario of the group: its first record's.
    for (const KernelFitRow& r : fit.rows) {
      if (r.group != group) continue;
      const Scenario& s = validation_case(r.id).scenario;
      const Accelerator g = resolved_accelerator(s, Catalog::builtin());
      const double code = training_kernel_efficiency(g, dtype_from_name(s.training.dtype).value_or(Dtype::bf16)).value;
      INFO(group << ": code " << code << ", fit " << value);
      CHECK(code == Approx(value).margin(0.0015));
      // The fit's source text names how many records it is the median of: the fit's count.
      const std::string source = training_kernel_efficiency(g, dtype_from_name(s.training.dtype).value_or(Dtype::bf16)).source;
      if (const auto at = source.find("median of "); at != std::string::npos) {
        int n = 0;
        for (const KernelFitRow& o : fit.rows) n += o.group == group && o.implied > 0 && o.in_fit;
        INFO(source);
        CHECK(std::stoi(source.substr(at + 10)) == n);
      }
      ++groups;
      break;
    }
  }
  CHECK(groups == static_cast<int>(fit.fitted.size()));
}

TEST_CASE("training step: leave-one-out errors of the kernel-efficiency fit", "[training-step][calibration]") {
  // Each record predicted with the efficiency fitted on the other records of its group: what a user's
  // own run would see. The median error bounds what we publish (docs/calibration.md); the worst is
  // reported there with its reason.
  const KernelFit fit = fit_training_kernel_efficiency();
  std::vector<double> errors;
  for (const KernelFitRow& r : fit.rows) {
    INFO(r.id << ": implied " << r.implied << ", fit without it " << r.loo_base << ", ratio " << r.loo_ratio);
    // A record in the fit implies a plausible efficiency; outside it (its training-precision kernels
    // under 60% of the step: the 1M-token run's are 2%) the implied value is barely constrained.
    if (r.in_fit) {
      CHECK(r.implied > 0.1);
      CHECK(r.implied < 1.0);
    }
    if (r.loo_ratio > 0) errors.push_back(std::fabs(std::log(r.loo_ratio)));
  }
  REQUIRE(errors.size() >= 18);
  std::sort(errors.begin(), errors.end());
  const double median = errors[errors.size() / 2];
  INFO("median leave-one-out error " << std::exp(median) - 1);
  CHECK(median < std::log(1.15));
}

TEST_CASE("training step: AMD Instinct takes the H100-class kernel fit, checked on AMD's published runs held out of every fit",
          "[training-step][calibration]") {
  // Round 16: AMD's published runs imply the H100-class base efficiencies; none of them is in a fit, so
  // each error is out of sample (docs/calibration.md): four Primus runs on 64 MI325X / MI355X (ROCm blog
  // "Primus projection", 24 Apr 2026) and twelve one-node PyTorch FSDP runs on 8 MI300X / MI325X
  // (rocm/pytorch-training v25.2).
  const Catalog& c = Catalog::builtin();
  for (const Dtype d : {Dtype::bf16, Dtype::fp8}) {
    const KernelEfficiency h100 = training_kernel_efficiency(*c.find_accelerator("h100-sxm"), d);
    for (const char* id : {"mi300x", "mi325x", "mi355x"}) {
      const KernelEfficiency amd = training_kernel_efficiency(*c.find_accelerator(id), d);
      INFO(id);
      // MI300X: MI325X's die at 750 W, its large-GEMM ceiling 668.4 / 784.9 of MI325X's (MAMF, published.json).
      const auto mamf = [](const char* record) {
        return test::published_record(record)["measured"]["mamf_tflops"].get<double>();
      };
      const double clock = std::string(id) == "mi300x" ? mamf("MAMF AMD MI300X BF16") / mamf("MAMF AMD MI325X BF16") : 1.0;
      CHECK(amd.value == Approx(h100.value * clock).epsilon(1e-12));
      CHECK(amd.generation == "cdna");
      CHECK_FALSE(amd.fitted_on_own_runs);
    }
  }
  // 4-bit (MXFP4 on MI355X, unpublished): the one 4-bit training fit, Blackwell's NVFP4.
  CHECK(training_kernel_efficiency(*c.find_accelerator("mi355x"), Dtype::fp4).value ==
        training_kernel_efficiency(*c.find_accelerator("b200"), Dtype::fp4).value);
  // MI300X to MI355X train at the datacenter MFU default; MI250X keeps its MAMF-scaled one.
  CHECK(default_efficiencies(*c.find_accelerator("mi325x")).training_mfu == 0.40);
  CHECK(default_efficiencies(*c.find_accelerator("mi250x")).training_mfu == 0.24);
  const KernelFit fit = fit_training_kernel_efficiency();
  std::vector<double> errors;
  for (const KernelFitRow& r : fit.rows) {
    if (r.group.rfind("cdna-", 0) != 0) continue;
    INFO(r.id << ": implied " << r.implied << ", predicted / published " << r.loo_ratio);
    CHECK(r.held_out);
    CHECK_FALSE(r.in_fit);
    const ValidationCase& v = validation_case(r.id);
    const Dtype d = dtype_from_name(v.scenario.training.dtype).value_or(Dtype::bf16);
    CHECK(r.loo_base == training_kernel_efficiency(resolved_accelerator(v.scenario, c), d).value);
    // Within 15% until round 27; since gpt-oss-120b left the Hopper bf16 fit (0.551 -> 0.567) the bf16
    // one-node FSDP runs are 1.09-1.17x (Mistral 7B on 8 MI300X the worst), within the set's 20%.
    CHECK(std::fabs(std::log(r.loo_ratio)) < std::log(1.18));
    errors.push_back(std::fabs(std::log(r.loo_ratio)));
  }
  REQUIRE(errors.size() == 16);
  std::sort(errors.begin(), errors.end());
  CHECK(errors[errors.size() / 2] < std::log(1.11));  // median: 10.1% (round 27; 8.8% before)
  for (const auto& [group, value] : fit.fitted) CHECK(group.rfind("cdna-", 0) != 0);
}

TEST_CASE("training step: the report, the planner and evaluate_training_layout give one training time", "[training-step]") {
  Scenario s = llama3_405b_h100(8192, 8192);
  s.training.tensor_parallel = 8;
  s.training.pipeline_parallel = 16;
  s.training.interleave = 4;
  s.training.zero_stage = 1;
  s.training.sequence_parallel = true;
  s.training.recompute = "selective";
  const Report r = evaluate(s);
  bool fits = false;
  const TrainingPlan p = evaluate_training_layout(s, scenario_training_layout(s), 0, fits);
  CHECK(at(r, "training.step.step_seconds") == Approx(p.step_seconds).epsilon(1e-12));
  CHECK(at(r, "training.wall_seconds") == Approx(p.train_seconds).epsilon(1e-9));
  CHECK(at(r, "training.gpu_hours") == Approx(p.gpu_hours).epsilon(1e-9));
  CHECK(at(r, "memory.training.total_bytes") == Approx(p.total_bytes).epsilon(1e-12));
  // MFU is an output of the step model (whole run: x goodput), and an override still wins.
  CHECK(at(r, "training.mfu") == Approx(p.scenario_mfu * s.training.goodput).epsilon(1e-9));
  Scenario given = s;
  given.training.mfu = 0.4;
  CHECK(at(evaluate(given), "training.wall_seconds") ==
        Approx(at(r, "training.flops") / (8192 * 989e12 * 0.4)).epsilon(1e-9));
  // The planner's best layout, written back into the scenario ("use this layout"), gives the
  // planner's time in the report.
  const TrainingPlannerResult plan = plan_training(s);
  REQUIRE(!plan.ranked.empty());
  Scenario used = s;
  apply_training_plan(used, plan.ranked.front());
  CHECK(!used.training.mfu.has_value());
  const Report ru = evaluate(used);
  CHECK(at(ru, "training.wall_seconds") == Approx(plan.ranked.front().train_seconds).epsilon(1e-9));
  CHECK(at(ru, "training.cost_usd") == Approx(plan.ranked.front().cost_usd).epsilon(1e-9));
  // ... and through a link (what the page and the CLI read).
  const LoadResult back = decode_link(encode_link_fragment(used));
  REQUIRE(back.ok());
  CHECK(at(evaluate(back.scenario), "training.wall_seconds") == Approx(plan.ranked.front().train_seconds).epsilon(1e-9));
}

TEST_CASE("narrow GEMMs: the half width grows with the GPU's FLOP-to-byte ratio", "[training-step]") {
  // 256 on the A100 80GB in bf16, where it was fitted (Megatron-LM runs): 312 TFLOPS / 2,039 GB/s.
  CHECK(gemm_half_width(312e12, 2039e9) == Approx(256).epsilon(1e-12));
  // H100 SXM datasheet: 989 / 1,979 dense TFLOPS (bf16 / fp8) over 3,350 GB/s: 1.93x and 3.86x the
  // A100's 153 FLOP per byte.
  REQUIRE(Catalog::builtin().find_accelerator("h100-sxm") != nullptr);
  const Accelerator h100 = *Catalog::builtin().find_accelerator("h100-sxm");
  CHECK(gemm_half_width(h100.peak_flops(Dtype::bf16), h100.bandwidth_bytes_per_s) == Approx(494).epsilon(0.005));
  CHECK(gemm_half_width(h100.peak_flops(Dtype::fp8), h100.bandwidth_bytes_per_s) == Approx(988).epsilon(0.005));
  // Qwen3-30B-A3B's 768-wide experts in fp8 on H100 run at 768 / (768 + 988) = 44% of a wide GEMM's
  // efficiency (56% at bf16), where the A100 constant said 75%.
  CHECK(gemm_width_factor(768, gemm_half_width(h100.peak_flops(Dtype::fp8), h100.bandwidth_bytes_per_s)) == Approx(0.437).epsilon(0.01));
  CHECK(gemm_width_factor(768, 256) == Approx(0.75));
  // The report shows the half width it used.
  const Scenario s = validation_case("train-step-mb2511-llama-3-8b-8xh100-sxm-fp8").scenario;
  const Report r = evaluate(s);
  CHECK(at(r, "training.step.kernel_efficiency") ==
        Approx(training_kernel_efficiency(h100, Dtype::fp8).value * 4096 / (4096 + gemm_half_width(h100.peak_flops(Dtype::fp8), h100.bandwidth_bytes_per_s))).epsilon(1e-9));
}

TEST_CASE("a balanced pipeline split gives the last stage fewer layers for the output head and MTP module", "[training-step]") {
  // Megatron-Bridge's DeepSeek-V3 layouts (recipes/deepseek/h100/deepseek_v3.py, _get_deepseek_v3_pipeline_layout;
  // perf_recipes/deepseek/gb300 "Et*4|(t*4|)*14tmL"): 61 layers, the last stage 3 fewer for the MTP
  // module and the loss. With DeepSeek-V3's ~3.8 layers of head and MTP work the minimum reproduces them.
  CHECK(balanced_pipeline_busiest_layers(61, 8, 3.8) == Approx(8.8));   // 8 x 7 + 5: the last holds 5 + 3.8
  CHECK(balanced_pipeline_busiest_layers(61, 2, 3.8) == Approx(32.8));  // 32 and 29 + 3.8
  CHECK(balanced_pipeline_busiest_layers(61, 4, 3.8) == Approx(16.8));  // 16, 16, 16 and 13 + 3.8
  CHECK(balanced_pipeline_busiest_layers(61, 1, 3.8) == Approx(64.8));
  CHECK(balanced_pipeline_busiest_layers(64, 8, 0) == 8);               // nothing extra: an even split
  // Brute force over every split of 61 layers on 4 GPUs: the minimum is the smallest busiest load.
  double brute = 1e9;
  for (int a = 0; a <= 61; ++a)
    for (int b = 0; a + b <= 61; ++b)
      for (int c = 0; a + b + c <= 61; ++c) brute = std::min(brute, std::max({double(a), double(b), double(c), 61.0 - a - b - c + 3.8}));
  CHECK(balanced_pipeline_busiest_layers(61, 4, 3.8) == Approx(brute));
  // The published DeepSeek-V3 run on 256 GB300 (PP 2 x VP 8): its stage work over the mean is the
  // balanced minimum's, below the even split's 32 / 30.5 layers; with the MTP module counted.
  Scenario s = validation_case("train-step-mb2608-deepseek-v3-256xgb300-fp8").scenario;
  REQUIRE(s.training.pipeline_split == "balanced");
  REQUIRE(s.training.multi_token_prediction);
  const TrainingPlan balanced = training_step(s, scenario_training_layout(s));
  CHECK(balanced.pipeline_compute_imbalance < 1.02);
  CHECK(balanced.pipeline_compute_imbalance > 1.0);
  s.training.pipeline_split = "even";
  const TrainingPlan even = training_step(s, scenario_training_layout(s));
  CHECK(even.pipeline_compute_imbalance == Approx(32.0 / 30.5));
  CHECK(balanced.compute_seconds < even.compute_seconds);
  // The key travels in links and is checked like every field.
  s.training.pipeline_split = "balanced";
  check_training_choice_field(s, &TrainingSection::pipeline_split, "pipeline_split", "uneven", "even");
}

TEST_CASE("FlashAttention-2 runs attention at the measured share of the fused kernels' rate on Hopper", "[training-step]") {
  // FlashAttention-3 paper (arXiv:2407.08608) Fig. 5 and 6, H100 SXM5, head dim 128, 4k tokens.
  const auto& m = envelope::test::published_record(
      "FlashAttention-3 paper: FlashAttention-2 and cuDNN attention TFLOPS on H100, forward and backward")["measured"];
  const double fa2 = 1 / m["flashattention2_forward_tflops"].get<double>() + 2.5 / m["flashattention2_backward_tflops"].get<double>();
  const double cudnn = 1 / m["cudnn_forward_tflops"].get<double>() + 2.5 / m["cudnn_backward_tflops"].get<double>();
  const Catalog& cat = Catalog::builtin();
  REQUIRE(cat.find_accelerator("h100-sxm") != nullptr);
  REQUIRE(cat.find_accelerator("a100-80gb-sxm") != nullptr);
  REQUIRE(cat.find_accelerator("b200") != nullptr);
  CHECK(flash_attention2_rate_factor(*cat.find_accelerator("h100-sxm")) == Approx(cudnn / fa2).epsilon(1e-9));
  CHECK(flash_attention2_rate_factor(*cat.find_accelerator("h100-sxm")) == Approx(0.617).epsilon(0.002));
  CHECK(flash_attention2_rate_factor(*cat.find_accelerator("a100-80gb-sxm")) == 1.0);  // the fast kernel on Ampere
  CHECK(flash_attention2_rate_factor(*cat.find_accelerator("b200")) == 1.0);       // unmeasured: warned
  CHECK(flash_attention2_warning(*cat.find_accelerator("b200"), "flash2").find("not measured") != std::string::npos);
  CHECK(flash_attention2_warning(*cat.find_accelerator("b200"), "fused").empty());
  CHECK(flash_attention2_warning(*cat.find_accelerator("h100-sxm"), "flash2").empty());

  // A torchtitan run (Llama 3.1 8B, 32k tokens, Float8 linears, attention at 16 bits): the extra
  // seconds are the attention products at 1 / f - 1 of their time, in the step and in the report.
  Scenario s = validation_case("train-step-tt2412-llama-3-8b-8xh100-sxm-fp8-seq32k").scenario;
  REQUIRE(s.training.attention_kernel == "flash2");
  const TrainingPlan flash2 = training_step(s, scenario_training_layout(s));
  s.training.attention_kernel = "fused";
  const TrainingPlan fused = training_step(s, scenario_training_layout(s));
  CHECK(fused.attention_kernel_seconds == 0);
  CHECK(flash2.attention_kernel_factor == Approx(cudnn / fa2));
  CHECK(flash2.compute_seconds == Approx(fused.compute_seconds + flash2.attention_kernel_seconds).epsilon(1e-9));
  // The attention products (with their full recompute) at the 16-bit rate, over the 8 GPUs, head dim 128.
  const TrainingStepModel x = training_step_model(s);
  REQUIRE(flash2.attention_head_dim_factor == 1.0);
  CHECK(flash2.attention_kernel_seconds == Approx(flash2.attention_flops_per_step * (1 / flash2.attention_kernel_factor - 1) /
                                                  (x.peak16 * x.kernel_efficiency16) / 8 * flash2.busiest_gpu_factor)
                                               .epsilon(1e-9));
  CHECK(evaluate(validation_case("train-step-tt2412-llama-3-8b-8xh100-sxm-fp8-seq32k").scenario)
            .find("training.step.attention_kernel_seconds") != nullptr);
  CHECK(evaluate(s).find("training.step.attention_kernel_seconds") == nullptr);
  // In fp8 attention FlashAttention-2 has no path: nothing added.
  s.training.attention_kernel = "flash2";
  s.training.fp8_attention = true;
  CHECK(training_step(s, scenario_training_layout(s)).attention_kernel_seconds == 0);
  s.training.fp8_attention = false;
  // The key travels in links and is checked like every field.
  check_training_choice_field(s, &TrainingSection::attention_kernel, "attention_kernel", "flash3", "fused");
}

TEST_CASE("recompute op: torchtitan's per-op rule saves every other matmul and the attention output", "[training-step][memory]") {
  // torchtitan parallelize_llama.py (9dec370, e7c0cae): per block, aten.mm outputs 1, 3, 5, 7 saved (wq, wv,
  // w1, w2), 2, 4, 6 recomputed (wk, wo, w3), the attention kernel's output saved.
  const Catalog& cat = Catalog::builtin();
  const Architecture a = cat.find_model("llama-3-8b")->arch;
  REQUIRE(op_checkpoint_applies(a));
  CHECK(op_checkpoint_recomputed_params_per_layer(a) == Approx(4096.0 * 1024 + 4096.0 * 4096 + 4096.0 * 14336));
  // Input, wq, wv, w1, w2 and attention outputs at 2 bytes, the log-sum-exp at 4 per head.
  CHECK(op_checkpoint_saved_bytes_per_token(a, 1, false) == Approx(2.0 * (4096 + 4096 + 1024 + 14336 + 4096 + 4096) + 4.0 * 32));
  // TP 8 with sequence parallel: column-parallel outputs split, w2's output the full h of partial sums,
  // and the two reduce-scatters' outputs kept.
  CHECK(op_checkpoint_saved_bytes_per_token(a, 8, true) ==
        Approx(2.0 * (512 + 512 + 512 + 128 + 1792 + 4096 + 1024) + 4.0 * 32 / 8));
  CHECK(!op_checkpoint_applies(cat.find_model("deepseek-v3")->arch));

  // Table 1's compiled bf16 run (8 H100, local batch 2 x 8,192 tokens): the step sits between none and
  // full, its extra FLOPs those matmuls once more, the attention products run once.
  Scenario s = validation_case("train-step-tt2412-llama-3-8b-8xh100-sxm-bf16-op").scenario;
  REQUIRE(s.training.recompute == "op");
  const TrainingPlan op = training_step(s, scenario_training_layout(s));
  s.training.recompute = "none";
  const TrainingPlan none = training_step(s, scenario_training_layout(s));
  s.training.recompute = "full";
  const TrainingPlan full = training_step(s, scenario_training_layout(s));
  const double tokens = 16 * 8192.0;
  CHECK(op.op_recompute_flops_per_step == Approx(2.0 * op_checkpoint_recomputed_params_per_layer(a) * 32 * tokens));
  CHECK(op.hardware_flops_per_step == Approx(none.hardware_flops_per_step + op.op_recompute_flops_per_step));
  CHECK(op.attention_flops_per_step == Approx(none.attention_flops_per_step));
  CHECK(none.step_seconds < op.step_seconds);
  CHECK(op.step_seconds < full.step_seconds);
  CHECK(full.activation_bytes_per_layer < op.activation_bytes_per_layer);
  CHECK(op.activation_bytes_per_layer < none.activation_bytes_per_layer);
  CHECK(op.activation_bytes_per_layer == Approx(op_checkpoint_saved_bytes_per_token(a, 1, false) * 2 * 8192));
  CHECK(op.forward_share == Approx(1.0 / (3.0 + op.op_recompute_flops_per_step / (op.model_flops_per_step / 3.0))));
  const Report r = evaluate(validation_case("train-step-tt2412-llama-3-8b-8xh100-sxm-bf16-op").scenario);
  CHECK(r.find("training.step.op_recompute_flops") != nullptr);
  CHECK(r.find("memory.training.op_checkpoint_bytes_per_layer") != nullptr);

  // With TP and sequence parallel the all-gathers are recomputed, the reduce-scatters' outputs saved.
  CHECK(tensor_parallel_collectives("op", true).gathers == 6);
  CHECK(tensor_parallel_collectives("op", true).scatters == 4);
  CHECK(tensor_parallel_collectives("op", false).scatters == 6);
  CHECK(tensor_parallel_collectives("full", true).scatters == 6);
  CHECK(tensor_parallel_collectives("selective", true).gathers == 4);

  // On a model other than dense attention the loader refuses it, naming the field, and runs selective.
  const LoadResult moe = load_scenario_json(R"({"version": 4, "model": {"preset": "deepseek-v3"}, "training": {"recompute": "op"}})");
  REQUIRE(moe.problems.size() == 1);
  CHECK(moe.problems.front().path == "training.recompute");
  CHECK(moe.problems.front().message.find("experts; using selective") != std::string::npos);
  CHECK(moe.scenario.training.recompute == "selective");
  Scenario built = moe.scenario;  // built in code (the page's inputs): a warning, and selective's numbers
  built.training.recompute = "op";
  const Report warned = evaluate(built);
  bool said = false;
  for (const auto& w : warned.warnings) said = said || (w.path == "training.recompute" && w.message.find("selective") != std::string::npos);
  CHECK(said);
  built.training.recompute = "selective";
  CHECK(evaluate(built).find("training.step.step_seconds")->value ==
        Approx(warned.find("training.step.step_seconds")->value));
  check_training_choice_field(validation_case("train-step-tt2412-llama-3-8b-8xh100-sxm-bf16-op").scenario, &TrainingSection::recompute,
                              "recompute", "ops", "none");
}

TEST_CASE("attention heads narrower than 128 run slower: an exponential per score beside 4 x head dim matmul FLOPs", "[training-step]") {
  // FlashAttention-3 (arXiv:2407.08608) sec. 3.1 and Fig. 5, H100 SXM5, bf16 forward at 4k tokens.
  const auto& m = envelope::test::published_record("FlashAttention-3 paper: attention forward TFLOPS by head dimension on H100")["measured"];
  const double r = m["h100_bf16_matmul_tflops"].get<double>() / m["h100_exponential_tflops"].get<double>();
  REQUIRE(Catalog::builtin().find_accelerator("h100-sxm") != nullptr);
  const Accelerator h100 = *Catalog::builtin().find_accelerator("h100-sxm");
  CHECK(matmul_flops_per_exponential(h100) == Approx(r).epsilon(0.01));  // 256 per SM and clock; 989 / 3.9 = 254
  // Head dim 64 against 128: the measured FlashAttention-3 ratio within 2% (cuDNN's is lower, 0.67).
  const double measured = m["flashattention3_tflops_head_dim_64"].get<double>() / m["flashattention3_tflops_head_dim_128"].get<double>();
  CHECK(attention_head_dim_factor(64, matmul_flops_per_exponential(h100)) == Approx(measured).epsilon(0.02));
  CHECK(attention_head_dim_factor(64, matmul_flops_per_exponential(h100)) >
        m["cudnn_tflops_head_dim_64"].get<double>() / m["cudnn_tflops_head_dim_128"].get<double>());
  CHECK(attention_head_dim_factor(128, 256) == 1.0);
  CHECK(attention_head_dim_factor(256, 256) == 1.0);  // capped: 612 TFLOPS at 256, no faster than 128
  // Fewer exponentials per matmul FLOP cost less (A100), more cost more (B200); Blackwell Ultra doubles them.
  CHECK(attention_head_dim_factor(64, 128) == Approx(1.25 / 1.5));
  CHECK(attention_head_dim_factor(64, 512) == Approx(2.0 / 3.0));
  // gpt-oss-120b (64 heads of 64) on 64 H100: the attention products take 1 / 0.75 of their time at 128,
  // reported as a part of the compute; Llama 3 (head dim 128) adds nothing.
  const Scenario g = validation_case("train-step-mb2604-gpt-oss-120b-64xh100-sxm-bf16").scenario;
  const TrainingPlan pg = training_step(g, scenario_training_layout(g));
  CHECK(pg.attention_head_dim_factor == Approx(0.75).epsilon(0.001));
  CHECK(pg.attention_head_dim_seconds ==
        Approx(pg.attention_flops_per_step * (1 / pg.attention_head_dim_factor - 1) /
               (h100.peak_flops(Dtype::bf16) * pg.kernel_efficiency) / 64 * pg.busiest_gpu_factor).epsilon(1e-9));
  CHECK(at(evaluate(g), "training.step.attention_head_dim_seconds") == Approx(pg.attention_head_dim_seconds).epsilon(1e-9));
  const Scenario l = validation_case("train-step-mb2511-llama-3-8b-8xh100-sxm-fp8").scenario;
  CHECK(training_step(l, scenario_training_layout(l)).attention_head_dim_seconds == 0);
  CHECK(evaluate(l).find("training.step.attention_head_dim_seconds") == nullptr);
}

TEST_CASE("training step: fp8 runs the attention products and the output head at the bf16 rate", "[training-step]") {
  // DeepSeek-V3 report sec. 3.3.1 (attention operators and the output head keep their precision);
  // Transformer Engine recipes leave FP8 attention off (fp8_dpa=False). Llama 3 8B on 8 H100 at 8k tokens
  // (Megatron-Bridge 25.11's record): h 4096, 32 layers, vocab 128,256.
  const Scenario s = validation_case("train-step-mb2511-llama-3-8b-8xh100-sxm-fp8").scenario;
  const TrainingLayout L = scenario_training_layout(s);
  const TrainingPlan p = training_step(s, L);
  const double B = *s.training.global_batch, seq = s.training.seq_len, tokens = B * seq;
  // Causal attention products as executed (recompute none) + 6 V h per token.
  const double attention = 12.0 * B * 32 * seq * seq * 4096 / 2;
  const double head = 6.0 * 128256 * 4096 * tokens;
  REQUIRE(L.recompute == "none");
  CHECK(p.bf16_flops_per_step == Approx(attention + head).epsilon(1e-9));
  // Compute: the rest at the fp8 peak x the fp8 fit, the 16-bit part at the bf16 peak x the bf16 fit,
  // each x its width factor h / (h + half width), the half width 256 x (peak / bandwidth) over the
  // A100's 312 TFLOPS / 2,039 GB/s (gemm_half_width): on H100 SXM (3,350 GB/s) ~988 at fp8's 1,979
  // TFLOPS and ~494 at bf16's 989; dense model, one stage: no other factor.
  const Accelerator g = resolved_accelerator(s, Catalog::builtin());
  const double a100 = 312e12 / 2039e9;
  const double w8 = 4096.0 / (4096 + 256 * g.peak_flops(Dtype::fp8) / g.bandwidth_bytes_per_s / a100);
  const double w16 = 4096.0 / (4096 + 256 * g.peak_flops(Dtype::bf16) / g.bandwidth_bytes_per_s / a100);
  CHECK(w8 == Approx(4096.0 / (4096 + 988)).epsilon(0.002));
  CHECK(w16 == Approx(4096.0 / (4096 + 494)).epsilon(0.002));
  const double e8 = training_kernel_efficiency(g, Dtype::fp8).value * w8, e16 = training_kernel_efficiency(g, Dtype::bf16).value * w16;
  const double gpus = 8;
  CHECK(p.compute_seconds == Approx(((p.hardware_flops_per_step - p.bf16_flops_per_step) / (g.peak_flops(Dtype::fp8) * e8) +
                                     p.bf16_flops_per_step / (g.peak_flops(Dtype::bf16) * e16)) / gpus).epsilon(1e-9));
  CHECK(p.bf16_compute_seconds == Approx(p.bf16_flops_per_step / (g.peak_flops(Dtype::bf16) * e16) / gpus).epsilon(1e-9));
  // ~17% of this run's FLOPs, 24% of its compute time (half the peak at a higher efficiency,
  // 0.567 x 0.892 and 0.453 x 0.806: 0.17 / 0.506 against 0.83 / (2 x 0.365)).
  CHECK(p.bf16_flops_per_step / p.hardware_flops_per_step == Approx(0.17).margin(0.02));
  CHECK(p.bf16_compute_seconds / p.compute_seconds == Approx(0.24).margin(0.02));
  const Report r = evaluate(s);
  CHECK(at(r, "training.step.bf16_flops") == Approx(p.bf16_flops_per_step));
  // In bf16 there is no split: everything at the one rate, and no bf16_flops line.
  Scenario bf16 = s;
  bf16.training.dtype = "bf16";
  const TrainingPlan q = training_step(bf16, L);
  CHECK(q.bf16_flops_per_step == 0);
  CHECK(q.compute_seconds == Approx(q.hardware_flops_per_step / (g.peak_flops(Dtype::bf16) * e16) / gpus).epsilon(1e-9));
  CHECK(evaluate(bf16).find("training.step.bf16_flops") == nullptr);
  // Selective recompute runs the attention products' forward again, at 16 bits too.
  TrainingLayout sel = L;
  sel.recompute = "selective";
  CHECK(training_step(s, sel).bf16_flops_per_step == Approx(attention * 4.0 / 3.0 + head).epsilon(1e-9));
}

TEST_CASE("training step: a stage holds at most the step's micro-batches, however deep the interleaved warm-up", "[training-step]") {
  // Llama 3 405B on 16,384 H100 (Llama 3 paper Table 4): PP 16 with 4 virtual stages, 2,048 sequences
  // over DP 128 = 16 micro-batches a step. Korthikanti et al. 2022 sec. 4.2.3's interleaved first stage
  // holds p (1 + (p - 1) / (p v)) = 19.75 micro-batches of its layers, more than the step has: the
  // warm-up then runs all 16 x 4 chunks forward before the first backward, and no more.
  Scenario s = validation_case("train-step-llama3-llama-3.1-405b-16384xh100-sxm-bf16").scenario;
  const TrainingLayout L = scenario_training_layout(s);
  const TrainingPlan run = training_step(s, L);
  CHECK(run.micro_batches == 16);
  CHECK(run.micro_batches_in_flight == 16);
  // Twice the batch: 32 micro-batches, and the interleaved warm-up's 19.75 is the bound.
  const TrainingPlan twice = training_step(s, L, 4096);
  CHECK(twice.micro_batches == 32);
  CHECK(twice.micro_batches_in_flight == Approx(16 * (1 + 15.0 / 64)));
  CHECK(twice.activations_bytes > run.activations_bytes);
  // Without interleaving 1F1B keeps min(p, m) = 16 either way.
  TrainingLayout plain = L;
  plain.interleave = 1;
  CHECK(training_step(s, plain, 4096).micro_batches_in_flight == 16);
}

TEST_CASE("training step: context parallel divides activations and adds a ring exchange", "[training-step]") {
  Scenario s = llama3_405b_h100(16384, 131072);
  // The same micro-batches per pipeline (DP 8) with and without CP 16.
  TrainingLayout L{8, 16, 8, 1, 1, 4, "none", true, 1, 1};
  const TrainingPlan one = training_step(s, L);
  L.context_parallel = 16;
  const TrainingPlan sixteen = training_step(s, L);
  // Activations of s/16 tokens per GPU (Korthikanti's per-layer formula is linear in s with flash
  // attention); logits too. Optimizer states are ZeRO-1-sharded over dp x cp, 16 times more ranks.
  CHECK(sixteen.activations_bytes == Approx(one.activations_bytes / 16).epsilon(0.01));
  CHECK(sixteen.optimizer_bytes == Approx(one.optimizer_bytes / 16).epsilon(0.01));
  CHECK(sixteen.weights_bytes == Approx(one.weights_bytes).epsilon(1e-9));
  CHECK_FALSE(one.fits);
  CHECK(sixteen.context_parallel_seconds >= 0);
  // Llama 3's 131k-token layout (Table 4 row 3: TP 8, CP 16, PP 16, DP 8) fits in 80 GB
  // CP (with full recompute: the paper does not say which setting it used).
  const TrainingLayout published{8, 16, 8, 1, 1, 4, "full", true, 16, 1};
  CHECK(training_step(s, published).fits);
}

TEST_CASE("training step: expert parallel shards the experts and pays an all-to-all", "[training-step]") {
  Scenario s;
  s.model.preset = "deepseek-v3";
  s.hardware.gpu = "h800";
  s.hardware.count = 2048;
  s.training.seq_len = 4096;
  s.training.global_batch = 15360;
  s.training.dtype = "fp8";
  TrainingLayout L{1, 16, 128, 1, 1, 1, "none", false, 1, 1};
  const TrainingPlan no_ep = training_step(s, L);
  L.expert_parallel = 64;
  const TrainingPlan ep = training_step(s, L);
  const TrainingStepModel m = training_step_model(s);
  REQUIRE(m.expert_params > 0.9 * m.params);  // DeepSeek-V3: 256 routed experts hold most parameters
  // Expert states split 64 ways; dense states not.
  const double dense_share = (m.params - m.expert_params) / m.params;
  CHECK(ep.weights_bytes / no_ep.weights_bytes == Approx(dense_share + (1 - dense_share) / 64).epsilon(0.01));
  CHECK(no_ep.expert_parallel_seconds == 0);
  CHECK(ep.expert_parallel_seconds > 0);
  // EP 64 spans 8 nodes: the all-to-all crosses InfiniBand, once per remote node a token targets.
  L.expert_parallel = 8;  // one node: NVLink only
  const TrainingPlan in_node = training_step(s, L);
  CHECK(in_node.expert_parallel_seconds < ep.expert_parallel_seconds);
  // The report carries the same parts.
  s.training.pipeline_parallel = 16;
  s.training.expert_parallel = 64;
  const Report r = evaluate(s);
  CHECK(at(r, "training.step.expert_parallel_seconds") == Approx(ep.expert_parallel_seconds).epsilon(1e-9));
}

TEST_CASE("training step: an overlapped expert all-to-all is hidden behind the other micro-batch's compute", "[training-step]") {
  // Megatron-Core's Combined 1F1B runs the dispatch/combine of one micro-batch beside the compute of
  // the next; only the pipeline's fill and drain stay exposed. DeepSeek-V3 on 256 GB200 (PP 4, VP 4,
  // EP 64 inside the NVL72 domain, 64 micro-batches): the all-to-all is shorter than the compute.
  Scenario s = validation_case("train-step-mb2511-deepseek-v3-256xgb200-bf16").scenario;
  REQUIRE(!s.training.expert_overlap);  // the recipe does not overlap (moe_a2a_overlap=False)
  const Report off = evaluate(s);
  s.training.expert_overlap = true;
  const Report on = evaluate(s);
  const double a2a = at(off, "training.step.expert_parallel_total_seconds");
  REQUIRE(a2a > 0);
  // Not overlapped, the whole all-to-all is on the critical path (as before this term existed).
  CHECK(at(off, "training.step.expert_parallel_seconds") == Approx(a2a).epsilon(1e-12));
  // Overlapped: the same all-to-all, of which the fill/drain share (3 x 2 + 3 x 4 + 1 of 64 x 4 model
  // chunks) stays exposed.
  CHECK(at(on, "training.step.expert_parallel_total_seconds") == Approx(a2a).epsilon(1e-12));
  CHECK(expert_overlap_unpaired_share(4, 4, 64) == Approx(19.0 / 256.0));
  CHECK(at(on, "training.step.compute_seconds") > a2a);
  CHECK(at(on, "training.step.expert_parallel_seconds") == Approx(19.0 / 256.0 * a2a).epsilon(1e-9));
  // The compute beside the all-to-all runs on 128 of the GB200's 148 SMs while it lasts (DeepSeek-V3
  // sec. 3.2.2: 20 SMs for communication; Megatron-Core's moe_deepep_num_sms = 20), and the bubble
  // scales with the stage's longer compute-stream time: the step drops by the hidden all-to-all less
  // that.
  const double sm = at(on, "training.step.expert_comm_sm_seconds");
  CHECK(sm == Approx(std::min(at(on, "training.step.compute_seconds"), a2a) * 20.0 / 128.0).epsilon(1e-9));
  CHECK(at(off, "training.step.expert_comm_sm_seconds") == 0);
  CHECK(at(on, "training.step.step_seconds") ==
        Approx(at(off, "training.step.step_seconds") - (1 - 19.0 / 256.0) * a2a + sm * (1 + 3.0 / 256.0)).epsilon(1e-9));
  // Paired chunks: a forward's half of the all-to-all beside a backward (2/3 of the compute), the
  // backward's half beside a forward (1/3): 10 s of all-to-all beside 9 s of compute leaves
  // max(0, 5 - 6) + max(0, 5 - 3) = 2 s, not max(0, 10 - 9) = 1 s.
  CHECK(expert_parallel_exposed_seconds(10, 9, 0) == Approx(2.0));
  CHECK(expert_parallel_exposed_seconds(10, 4, 0) == Approx(6.0));
  CHECK(expert_parallel_exposed_seconds(10, 16, 0) == 0);
  CHECK(expert_parallel_exposed_seconds(10, 16, 0.25) == Approx(2.5));
  // Without pipeline parallel only the first forward and the last backward are unpaired (1/m).
  CHECK(expert_overlap_unpaired_share(1, 1, 64) == Approx(1.0 / 64));
  CHECK(expert_overlap_unpaired_share(4, 1, 2) == 1.0);
  // Qwen3 235B on 256 H100 (EP 32 over 4 nodes, its recipe's NCCL all-to-all dispatcher): the
  // backward's half of the all-to-all outlasts the forward beside it (a third of the compute-stream
  // work, GEMMs and MoE work) and shows through by the difference; the forward's half about fills the
  // backward beside it (since round 10's lower Hopper fp8 fit, just hidden).
  Scenario q = validation_case("train-step-mb2604-qwen3-235b-a22b-256xh100-sxm-fp8").scenario;
  REQUIRE(q.training.expert_overlap);
  const Report rq = evaluate(q);
  const double qa = at(rq, "training.step.expert_parallel_total_seconds"),
               qc = at(rq, "training.step.compute_seconds") + at(rq, "training.step.moe_work_seconds");
  REQUIRE(qa / 2 > qc / 3);
  CHECK(qa / 2 == Approx(qc * 2 / 3).epsilon(0.1));
  const double u = expert_overlap_unpaired_share(8, 4, 512);
  CHECK(u == Approx(39.0 / 2048.0));
  CHECK(at(rq, "training.step.expert_parallel_seconds") ==
        Approx(u * qa + (1 - u) * (std::max(0.0, qa / 2 - qc * 2 / 3) + (qa / 2 - qc / 3))).epsilon(1e-9));
  // Full recompute: Megatron-Core's guide says not to combine them; the model keeps it exposed.
  s.training.recompute = "full";
  const Report full = evaluate(s);
  CHECK(at(full, "training.step.expert_parallel_seconds") ==
        Approx(at(full, "training.step.expert_parallel_total_seconds")).epsilon(1e-12));
  // The flag travels in links (the page and the CLI read it).
  s.training.recompute = "none";
  const LoadResult back = decode_link(encode_link_fragment(s));
  REQUIRE(back.ok());
  CHECK(back.scenario.training.expert_overlap);
}

TEST_CASE("training step: the expert overlap's gain against a measured A/B on one layout (Qwen3 30B-A3B, 16 H100, EP 16)",
          "[training-step][calibration]") {
  // Megatron-Bridge's skills/nemo-mbridge-perf-expert-parallel-overlap/SKILL.md (snapshot 067f987),
  // "HybridEP Production-Shape Benchmark": the same job with overlap_moe_expert_parallel_comm off and
  // on, 24.7138 s and 20.9920 s a step (15.059% less time; tests/reference/published.json). The two
  // records are in the Hopper bf16 kernel fit (the absolute rate), but nothing is fitted to their ratio:
  // the gain is the all-to-all the overlap hides (two nodes, its cross-node part at the scale-out rate)
  // less the compute the dispatcher's SMs take while it runs (1.19x before and after the refit).
  const ValidationCase& off = validation_case("train-step-mbskill-qwen3-30b-a3b-16xh100-sxm-bf16-ep16");
  const ValidationCase& on = validation_case("train-step-mbskill-qwen3-30b-a3b-16xh100-sxm-bf16-ep16-overlap");
  REQUIRE_FALSE(off.scenario.training.expert_overlap);
  REQUIRE(on.scenario.training.expert_overlap);
  const TrainingPlan a = training_step(off.scenario, scenario_training_layout(off.scenario));
  const TrainingPlan b = training_step(on.scenario, scenario_training_layout(on.scenario));
  const double measured = 24.7138 / 20.9920;
  CHECK(on.published / off.published == Approx(measured).epsilon(1e-4));
  CHECK(a.step_seconds / b.step_seconds == Approx(measured).epsilon(0.03));
  // Without the overlap the all-to-all is all exposed; with it only the unpaired first micro-batch's.
  CHECK(a.expert_parallel_seconds == Approx(a.expert_parallel_total_seconds).epsilon(1e-12));
  CHECK(b.expert_parallel_seconds < 0.05 * b.expert_parallel_total_seconds);
  // The same job's measured peak allocated memory, rank 0: "62.166 GiB" in the skill, the form of
  // Megatron-Bridge's decimal log (mem-max-allocated-gigabytes; the memory validation case's note), so
  // 62.166e9 bytes. Its gradients held in bf16 as its recipe reduces them (grad_reduce_in_fp32=False),
  // the optimizer's fp32 copy of its shard held at the step and not beside the activations (round 20;
  // gradients_in_reduce_dtype): 58.9 GB, 0.95x, within the case's 1.10x.
  CHECK(b.gradient_copy_bytes > 0);
  CHECK(b.total_bytes == Approx(b.weights_bytes + b.gradients_bytes + b.optimizer_bytes + b.activation_phase_bytes));
  CHECK(b.total_bytes / 62.166e9 == Approx(0.947).epsilon(0.01));
}

TEST_CASE("training step: the published cross-node MoE runs overlap their all-to-all as their recipes do, and the MoE work the overlap uncovers brings them within tolerance", "[training-step][calibration]") {
  // Their recipes overlap the expert all-to-all (DeepSeek-V3 sec. 3.2.1 DualPipe; Megatron-Bridge
  // moe_a2a_overlap=True for DeepSeek-V3 MXFP8 on B200 and Qwen3 235B FP8 on H100), and the records
  // say so (training.expert_overlap). Overlapped, the step model's compute stream carries the MoE work
  // it did not count before (token permutation through HBM; the compute slowed by the 20 SMs the
  // all-to-all kernels hold): each run comes within its tolerance, where the overlap alone had
  // predicted them 1.28-1.63x fast. Turned off, the whole all-to-all is exposed and each runs slower
  // than published: the overlap is needed too.
  const std::map<std::string, double> sms = {{"train-step-deepseek-deepseek-v3-2048xh800-fp8", 132},
                                             {"train-step-mb2604-deepseek-v3-256xb200-fp8", 148},
                                             {"train-step-mb2604-qwen3-235b-a22b-256xh100-sxm-fp8", 132}};
  for (const auto& [id, sm_count] : sms) {
    INFO(id);
    const ValidationCase& c = validation_case(id);
    Scenario s = c.scenario;
    REQUIRE(s.training.expert_overlap);
    const Report on = evaluate(s);
    const double ratio = at(on, "training.step.tokens_per_second_per_gpu") / c.published;
    CHECK(ratio < c.tolerance);
    CHECK(ratio > 1 / c.tolerance);
    const double compute = at(on, "training.step.compute_seconds"), a2a = at(on, "training.step.expert_parallel_total_seconds");
    CHECK(at(on, "training.step.expert_comm_sm_seconds") == Approx(std::min(compute, a2a) * 20 / (sm_count - 20)).epsilon(1e-9));
    CHECK(at(on, "training.step.moe_permutation_seconds") > 0);
    CHECK(at(on, "training.step.moe_work_seconds") ==
          Approx(at(on, "training.step.moe_permutation_seconds") + at(on, "training.step.expert_comm_sm_seconds") +
                 at(on, "training.step.expert_weight_seconds")).epsilon(1e-12));
    // More than an eighth of the compute (round 10's lower Hopper fp8 fit lengthened the compute:
    // DeepSeek-V3 on H800 went from 16% to 15%).
    CHECK(at(on, "training.step.moe_work_seconds") > 0.12 * compute);
    s.training.expert_overlap = false;
    const Report off = evaluate(s);
    CHECK(at(off, "training.step.expert_comm_sm_seconds") == 0);
    // The overlap is worth more than 10% of each run's throughput (DeepSeek-V3 on H800, whose
    // group-limited routing keeps its all-to-all smallest: 0.80x without it).
    CHECK(at(off, "training.step.tokens_per_second_per_gpu") / at(on, "training.step.tokens_per_second_per_gpu") < 0.9);
  }
}

TEST_CASE("training step: short expert GEMMs run below full height, in the Model Zoo's measured order", "[training-step]") {
  // kExpertGemmHalfRows (fitted, docs/calibration.md "Expert GEMM height"): half efficiency at 640 rows.
  CHECK(expert_gemm_rows_factor(kExpertGemmHalfRows) == Approx(0.5));
  CHECK(expert_gemm_rows_factor(4096) == Approx(4096.0 / (4096 + 640)));
  CHECK(expert_gemm_rows_factor(0) == 0);
  // NVIDIA's Megatron MoE Model Zoo, Qwen3-235B on 256 H100 (best_practice/qwen3/readme.md): measured
  // 17.6 s (EP 32, overlap) < 19.7 s (EP 32) < 24.2 s (EP 8, PP 32) < 29.0 s (EP 8, TP 4). The step model
  // ranks the four scored layouts the same way, each within its validation tolerance.
  const char* order[] = {"ep32-overlap", "ep32", "ep8-a2a", "ep8-tp4"};
  const double measured[] = {17.6, 19.7, 24.2, 29.0};
  double previous = 0;
  for (int i = 0; i < 4; ++i) {
    const Scenario s = validation_case(std::string("train-step-modelzoo-qwen3-235b-a22b-256xh100-sxm-bf16-") + order[i]).scenario;
    const TrainingPlan p = training_step(s, scenario_training_layout(s));
    INFO(order[i] << ": " << p.step_seconds << " s, measured " << measured[i] << " s");
    CHECK(p.step_seconds > previous);
    CHECK(p.step_seconds / measured[i] == Approx(1.0).margin(0.2));
    previous = p.step_seconds;
  }
}

TEST_CASE("training step: ZeRO-3 moves 3x the parameters per micro-batch and prefetches its gathers beside both passes", "[training-step]") {
  // ZeRO 0-2: the reduction hides behind the backward only.
  CHECK(data_parallel_exposed_seconds(5, 0, 1, 4) == Approx(1));
  // ZeRO-3: half the gathers beside the forward, the other half and the reduction beside the backward.
  CHECK(data_parallel_exposed_seconds(2, 4, 1, 4) == Approx(1));  // 2 - 1, then 2 + 2 - 4 = 0
  CHECK(data_parallel_exposed_seconds(2, 4, 3, 3) == Approx(1));  // 0, then 2 + 2 - 3
  CHECK(data_parallel_exposed_seconds(1, 2, 2, 4) == 0);
  // NVIDIA's Megatron MoE Model Zoo FSDP layout of Qwen3-235B on 256 H100 (TP 2, EP 8, DP 128, micro-batch
  // 4, full recompute). Rajbhandari et al. 2020 sec. 7.2.2: ZeRO-3 gathers the weights for each forward and
  // each backward and reduce-scatters the gradients, 3 x the parameters per micro-batch; ZeRO-2 reduce-
  // scatters the same gradients and gathers the updated weights once after the step.
  Scenario s = validation_case("train-step-modelzoo-qwen3-235b-a22b-256xh100-sxm-bf16-fsdp").scenario;
  REQUIRE(s.training.zero_stage == 3);
  const TrainingPlan z3 = training_step(s, scenario_training_layout(s));
  s.training.zero_stage = 2;
  const TrainingPlan z2 = training_step(s, scenario_training_layout(s));
  REQUIRE(z3.micro_batches == 4);
  const double gather = z2.data_parallel_seconds - z3.data_parallel_seconds;  // ZeRO-2's one gather after the step
  CHECK(gather > 0);
  CHECK(z2.zero3_seconds == 0);
  CHECK(z3.zero3_seconds == Approx(2 * 4 * gather));
  // With a full recompute the forward is 1/4 of the compute and the backward (with the repeated forward) 3/4.
  CHECK(z3.data_parallel_exposed_seconds ==
        Approx(data_parallel_exposed_seconds(z3.data_parallel_seconds, z3.zero3_seconds, z3.compute_seconds / 4,
                                             z3.compute_seconds * 3 / 4)));
  CHECK(z3.data_parallel_exposed_seconds > 0);
  CHECK(z3.step_seconds == Approx(z3.compute_seconds + z3.moe_work_seconds + z3.bubble_seconds + z3.tensor_parallel_seconds +
                                  z3.context_parallel_seconds + z3.expert_parallel_seconds + z3.pipeline_p2p_seconds +
                                  z3.data_parallel_exposed_seconds));
}

TEST_CASE("training step: a once-a-step gradient reduction runs beside the last micro-batch's backward", "[training-step]") {
  // Megatron-Core runs the first m - 1 micro-batches under no_sync and starts the reduction on each
  // chunk's last micro-batch (pipeline_parallel/schedules.py): the window is that micro-batch's backward
  // and the cool-down's share of the bubble.
  CHECK(gradient_reduction_window_seconds(24, 0.6, 24, 2.0 / 3) == Approx((1 + 0.6) * 2 / 3));
  CHECK(gradient_reduction_window_seconds(3, 0, 0.5, 0.75) == Approx(2.25));  // fewer than one: the whole backward
  // ZeRO-2 and ZeRO-3 reduce after every micro-batch: the whole backward.
  Scenario s = validation_case("train-step-mlperf50-eos-405b-8192xh100-sxm-fp8").scenario;
  const TrainingPlan z1 = training_step(s, scenario_training_layout(s));
  REQUIRE(z1.micro_batches == 24);
  CHECK(z1.gradient_reduction_window_seconds ==
        Approx((z1.compute_seconds / 24 + z1.bubble_seconds) * (1 - z1.forward_share)));
  s.training.zero_stage = 2;
  const TrainingPlan z2 = training_step(s, scenario_training_layout(s));
  CHECK(z2.gradient_reduction_window_seconds == Approx(z2.compute_seconds * (1 - z2.forward_share)));
  // MLPerf Training v5.0's Llama 3.1 405B on 512 to 8,192 H100 (one layout, TP 8 x PP 8 v 8 x CP 2, FP8
  // weights gathered in FP8; held out of every fit): measured minus the model's step was a fixed ~0.4 s
  // a step (round 26). With the window the ratios stay within 5% across the sixteen-fold range (0.96x
  // to 1.00x); hiding the reduction behind the whole backward (the rule before round 27) they drift
  // from 0.96x to 1.05x as the steps shorten.
  double lo = 10, hi = 0, lo_whole = 10, hi_whole = 0;
  for (const char* n : {"512", "2048", "2432", "2560", "8192"}) {
    const ValidationCase& c = validation_case(std::string("train-step-mlperf50-eos-405b-") + n + "xh100-sxm-fp8");
    const TrainingPlan p = training_step(c.scenario, scenario_training_layout(c.scenario));
    const double measured_step = *c.scenario.training.global_batch * c.scenario.training.seq_len /
                                 (c.scenario.hardware.count * c.published);
    const double whole = p.step_seconds - p.data_parallel_exposed_seconds +
                         data_parallel_exposed_seconds(p.data_parallel_seconds, 0, 0, p.compute_seconds * (1 - p.forward_share));
    INFO(n << " GPUs: measured " << measured_step << " s, model " << p.step_seconds << " s, whole-backward window " << whole);
    lo = std::min(lo, measured_step / p.step_seconds);
    hi = std::max(hi, measured_step / p.step_seconds);
    lo_whole = std::min(lo_whole, measured_step / whole);
    hi_whole = std::max(hi_whole, measured_step / whole);
  }
  CHECK(hi / lo < 1.05);
  CHECK(hi_whole / lo_whole > 1.08);
  // GPT-3 175B on 10,752 H100 (six micro-batches a step): 0.89 s against the measured 0.92 s, 0.16 s of
  // it the exposed reduction; 0.73 s with the whole-backward window.
  const ValidationCase& g = validation_case("train-step-mlperf40-eos-gpt3-175b-10752xh100-sxm-fp8");
  const TrainingPlan gp = training_step(g.scenario, scenario_training_layout(g.scenario));
  CHECK(gp.data_parallel_exposed_seconds > 0.15);
  CHECK(gp.step_seconds == Approx(512 / g.published).epsilon(0.08));
}

TEST_CASE("training step: routed experts move their weights and fp32 gradients through HBM every micro-batch", "[training-step]") {
  // Forward and input-gradient GEMMs read the weights (2 B each in bf16, 1 B as the FP8 copy), the
  // weight-gradient GEMM reads and writes the fp32 main_grad (8 B; Megatron-Core gradient accumulation
  // fusion); a full recompute reads the weights once more.
  CHECK(expert_weight_bytes_per_param(false, false) == 12);
  CHECK(expert_weight_bytes_per_param(true, false) == 10);
  CHECK(expert_weight_bytes_per_param(false, true) == 14);
  // Qwen3-235B-A22B on 256 H100 in bf16 as NVIDIA's Megatron MoE Model Zoo ran it with EP 8 in a node
  // (TP 4, PP 8 v 4, DP 8, global batch 2,048: 256 micro-batches): 128 experts / 8 = 16 per GPU and MoE
  // layer, 3 x 4096 x 1536 each; 94 MoE layers over 8 stages of v x ceil(94 / 32) = 12.
  const Scenario s = validation_case("train-step-modelzoo-qwen3-235b-a22b-256xh100-sxm-bf16-ep8-tp4").scenario;
  REQUIRE(s.training.recompute == "none");
  REQUIRE(s.training.dtype == "bf16");
  const TrainingPlan p = training_step(s, scenario_training_layout(s));
  const Accelerator g = resolved_accelerator(s, Catalog::builtin());
  const double local = 16.0 * 3 * 4096 * 1536;
  CHECK(p.expert_local_params_per_layer == Approx(local));
  CHECK(p.expert_weight_seconds == Approx(12.0 * 256 * local * 12 / (g.bandwidth_bytes_per_s * 0.7)).epsilon(1e-9));
  CHECK(p.moe_work_seconds == Approx(p.moe_permutation_seconds + p.expert_comm_sm_seconds + p.expert_weight_seconds).epsilon(1e-12));
  // Four times the experts per GPU at EP 8 as at EP 32: four times the traffic, the same FLOPs.
  Scenario wide = s;
  wide.training.expert_parallel = 32;
  const TrainingPlan q = training_step(wide, scenario_training_layout(wide));
  CHECK(p.expert_weight_seconds / q.expert_weight_seconds == Approx(4.0));
  CHECK(p.hardware_flops_per_step == Approx(q.hardware_flops_per_step));
  // A dense model has none.
  Scenario dense = s;
  dense.model.preset = "llama-3.1-405b";
  dense.training.expert_parallel = 1;
  CHECK(training_step(dense, scenario_training_layout(dense)).expert_weight_seconds == 0);
}

TEST_CASE("training step: group-limited routing caps the nodes a token's dispatch reaches", "[training-step]") {
  // DeepSeek-V3 report sec. 2.1.2 (node-limited routing: each token to at most 4 nodes) with config.json
  // n_group 8, topk_group 4; k = 8 experts. Unlimited: n (1 - (1 - 1/n)^k).
  CHECK(nodes_hit_per_token(8, 8, 0, 0) == Approx(8 * (1 - std::pow(7.0 / 8, 8))));  // 5.25
  // 8 nodes, one group each: 4 groups picked, a picked group hit with 1 - (3/4)^8.
  CHECK(nodes_hit_per_token(8, 8, 8, 4) == Approx(4 * (1 - std::pow(0.75, 8))));  // 3.60
  // 4 nodes, two groups each: a node holds 0, 1 or 2 picked groups with 15/70, 40/70, 15/70.
  CHECK(nodes_hit_per_token(8, 4, 8, 4) ==
        Approx(4 * (40.0 / 70 * (1 - std::pow(0.75, 8)) + 15.0 / 70 * (1 - std::pow(0.5, 8)))));  // 2.91
  // 16 nodes, each group over two: the picked groups' 8 nodes as if unlimited over 8.
  CHECK(nodes_hit_per_token(8, 16, 8, 4) == Approx(8 * (1 - std::pow(7.0 / 8, 8))));
  // No limit when every group is picked, with one group, or when groups and nodes do not nest.
  CHECK(nodes_hit_per_token(8, 8, 8, 8) == Approx(nodes_hit_per_token(8, 8, 0, 0)));
  CHECK(nodes_hit_per_token(8, 8, 1, 1) == Approx(nodes_hit_per_token(8, 8, 0, 0)));
  CHECK(nodes_hit_per_token(8, 3, 8, 4) == Approx(nodes_hit_per_token(8, 3, 0, 0)));
  // Never more nodes than the picked groups span, never more than unlimited.
  for (double n : {1.0, 2.0, 4.0, 8.0, 16.0, 32.0}) {
    INFO(n << " nodes");
    CHECK(nodes_hit_per_token(8, n, 8, 4) <= nodes_hit_per_token(8, n, 0, 0) + 1e-12);
    CHECK(nodes_hit_per_token(8, n, 8, 4) <= std::max(4.0, 4.0 * n / 8) + 1e-12);
  }
  // The catalog's DeepSeek-V3 carries it, and the H800 run's all-to-all shrinks by the ratio of remote
  // nodes: 3.60 x 7/8 instead of 5.25 x 7/8.
  const Scenario s = validation_case("train-step-deepseek-deepseek-v3-2048xh800-fp8").scenario;
  const Architecture a = resolved_architecture(s);
  CHECK(a.expert_groups == 8);
  CHECK(a.expert_groups_per_token == 4);
  Scenario unlimited = s;
  unlimited.model.expert_groups = 0;
  const TrainingLayout L = scenario_training_layout(s);
  CHECK(training_step(s, L).expert_parallel_total_seconds / training_step(unlimited, L).expert_parallel_total_seconds ==
        Approx((4 * (1 - std::pow(0.75, 8))) / (8 * (1 - std::pow(7.0 / 8, 8)))).epsilon(0.01));
}

TEST_CASE("MLA's attention products are counted at their own widths: q/k head_dim + rope, v v_head_dim", "[training-step]") {
  // Megatron eq. 3's 12 x seq x w per layer and token is 3 x (2 s w for Q K^T + 2 s w for A V); MLA's
  // q/k heads are 128 + 64 wide and its v heads 128 (DeepSeek-V3 config.json).
  const Scenario s = validation_case("train-step-deepseek-deepseek-v3-2048xh800-fp8").scenario;
  CHECK(attention_score_width(resolved_architecture(s)) == Approx(128 * (192 + 128) / 2.0));
  Scenario llama;
  llama.model.preset = "llama-3.1-405b";
  CHECK(attention_score_width(resolved_architecture(llama)) == Approx(128 * 128));
}

TEST_CASE("training step: MoE token permutation moves 6 h x 2 B per routed copy through HBM, and the NCCL all-to-all dispatcher sends a copy per expert", "[training-step]") {
  // Megatron-Core's token dispatcher permutes each routed copy into expert order and back, forward
  // and backward (3 reads + 3 writes of h values); on DeepSeek-V3 (h 7168, k 8) on H800 at PP 16,
  // EP 64: 4 MoE layers on the busiest stage (61 layers, 58 MoE, of 16 stages: ceil -> 4 x 58/61),
  // 120 micro-batches of 4,096 tokens x 8 copies, over 3.35 TB/s x 0.7.
  CHECK(moe_permutation_bytes_per_token_copy(7168, 2) == 6 * 7168 * 2);
  Scenario s = validation_case("train-step-deepseek-deepseek-v3-2048xh800-fp8").scenario;
  const Report r = evaluate(s);
  const Accelerator g = resolved_accelerator(s, Catalog::builtin());
  const double expected = 4.0 * 58 / 61 * 120 * 4096 * 8 * (6 * 7168 * 2) / (g.bandwidth_bytes_per_s * 0.7);
  CHECK(at(r, "training.step.moe_permutation_seconds") == Approx(expected).epsilon(1e-9));
  // Its basis shows those numbers: 3.803 x 120 x 1 x 3.277e4 x 8.602e4 B / 2.345e12.
  const std::string basis = r.find("training.step.moe_permutation_seconds")->substituted;
  INFO(basis);
  CHECK(basis.find(format_basis_number(4.0 * 58 / 61)) == 0);
  CHECK(basis.find(" x 120 x 1 x " + format_basis_number(4096.0 * 8)) != std::string::npos);
  CHECK(basis.find(format_basis_number(6 * 7168 * 2)) != std::string::npos);
  CHECK(basis.find(format_basis_number(g.bandwidth_bytes_per_s * 0.7)) != std::string::npos);
  // A dense model has none.
  Scenario dense = s;
  dense.model.preset = "llama-3.1-405b";
  dense.training.expert_parallel = 1;
  CHECK(at(evaluate(dense), "training.step.moe_work_seconds") == 0);
  // Dispatcher: across nodes DeepEP sends a token once per remote node it targets (EP 64 over 8
  // nodes, k 8, 4 of 8 expert groups per token: 4 (1 - (3/4)^8) x 7/8 = 3.15 nodes) in fp8; Megatron-Core's
  // NCCL all-to-all sends one 16-bit copy per routed expert off the node (8 x 7/8 = 7): (7 x 8 B) /
  // (3.15 x 7 B) per token.
  s.training.expert_overlap = false;
  const double deepep = at(evaluate(s), "training.step.expert_parallel_total_seconds");
  s.training.expert_dispatcher = "alltoall";
  const double alltoall = at(evaluate(s), "training.step.expert_parallel_total_seconds");
  const double nodes_hit = 4 * (1 - std::pow(3.0 / 4.0, 8)) * 7.0 / 8.0;
  CHECK(alltoall / deepep == Approx(7.0 * 8.0 / (nodes_hit * 7.0)).epsilon(0.01));  // + the same per-hop latency in both
  // The key travels in links and is checked like every field.
  REQUIRE(s.training.expert_dispatcher == "alltoall");
  check_training_choice_field(s, &TrainingSection::expert_dispatcher, "expert_dispatcher", "nccl", "deepep");
}

TEST_CASE("forced expert balance (as NVIDIA's throughput benchmarks run) drops the busiest expert's excess", "[training-step]") {
  // Megatron-Bridge's perf recipe for gpt-oss-120b on 64 B200 sets moe_router_force_load_balancing
  // (perf_recipes/gpt_oss/b200/gpt_oss.py at the tables' snapshot), and so does its validation case.
  Scenario s = validation_case("train-step-mb2604-gpt-oss-120b-64xb200-bf16").scenario;
  REQUIRE(s.training.expert_balance == "forced");
  const TrainingLayout L = scenario_training_layout(s);
  const TrainingPlan forced = training_step(s, L);
  s.training.expert_balance = "routed";
  const TrainingPlan routed = training_step(s, L);
  // A trained router: the busiest GPU's routed-expert work 1.1x its share (kExpertImbalance), on the
  // routed experts' share of the active parameters (gpt-oss-120b: 4 of 128 experts of 3 x 2880 x 2880
  // (+ biases) in 36 layers, 3.6B of the 5.7B a token passes through with the output head).
  const Architecture a = resolved_architecture(s);
  const double expert_share = 36 * 4 * params_per_expert(a) / params_active(a);
  CHECK(expert_share == Approx(0.63).margin(0.01));
  CHECK(routed.compute_seconds / forced.compute_seconds == Approx(1 + 0.1 * expert_share).epsilon(1e-9));
  // Without expert parallel (one GPU holds every expert) the balance does not matter.
  s.training.expert_parallel = 1;
  Scenario f = s;
  f.training.expert_balance = "forced";
  CHECK(training_step(s, scenario_training_layout(s)).compute_seconds == Approx(training_step(f, scenario_training_layout(f)).compute_seconds));
  // The key travels in links and is checked like every field.
  check_training_choice_field(f, &TrainingSection::expert_balance, "expert_balance", "even", "routed");
}

TEST_CASE("training.grad_reduce_dtype bf16 halves the data-parallel gradient traffic of a mixed-precision recipe", "[training-step]") {
  // Megatron-Bridge's benchmark recipes set grad_reduce_in_fp32 = False (perf_recipes/_common.py), the
  // Megatron-FSDP user guide recommends --grad-reduce-in-bf16; the mixed-precision recipe's gradients
  // are fp32 (4 B) otherwise. gpt-oss-120b on 64 B200 as published (PP 1, EP 8, ZeRO-1, DP 64).
  Scenario s = validation_case("train-step-mb2604-gpt-oss-120b-64xb200-bf16").scenario;
  REQUIRE(s.training.grad_reduce_dtype == "bf16");
  const TrainingLayout L = scenario_training_layout(s);
  const TrainingPlan bf16 = training_step(s, L);
  s.training.grad_reduce_dtype = "recipe";
  const TrainingPlan fp32 = training_step(s, L);
  // ZeRO-1 reduce-scatters the gradient shard (4 B -> 2 B a parameter) and all-gathers the updated 16-bit
  // weights (2 B either way), each ring bytes x (dp - 1) / dp / bandwidth + latency per hop: (2 + 2) /
  // (4 + 2) of the traffic, a little more in time.
  CHECK(bf16.data_parallel_seconds / fp32.data_parallel_seconds == Approx(2.0 / 3).margin(0.01));
  CHECK(bf16.data_parallel_seconds > 2.0 / 3 * fp32.data_parallel_seconds);
  // Reduced once a step, it runs beside the last of the 5 micro-batches' backward (0.49 s:
  // gradient_reduction_window_seconds); the experts' gradients, 99% of the model, go over their 8
  // expert-data-parallel ranks, one per node. The bf16 gradients take 0.64 s off the exposed part.
  CHECK(bf16.gradient_reduction_window_seconds ==
        Approx((bf16.compute_seconds + bf16.moe_work_seconds) / 5 * (1 - bf16.forward_share)));
  CHECK(bf16.data_parallel_exposed_seconds == Approx(bf16.data_parallel_seconds - bf16.gradient_reduction_window_seconds));
  CHECK(fp32.data_parallel_exposed_seconds == Approx(fp32.data_parallel_seconds - fp32.gradient_reduction_window_seconds));
  CHECK(fp32.data_parallel_exposed_seconds - bf16.data_parallel_exposed_seconds > 0.6);
  // The key travels in links and is checked like every field.
  check_training_choice_field(s, &TrainingSection::grad_reduce_dtype, "grad_reduce_dtype", "fp16", "recipe");
}

TEST_CASE("training.grad_reduce_dtype bf16 holds the gradients in bf16, the optimizer's shard copied to fp32 at its step", "[training-step][memory]") {
  // Megatron-Core's gradient buffer is in the parameters' dtype unless grad_reduce_in_fp32
  // (param_and_grad_buffer.py, group_params_for_buffers); its optimizers cast their shard to fp32 for
  // the update (_copy_model_grads_to_main_grads: main_grad.float()) and free that copy at the next
  // zero_grad (set_to_none), before the forward pass. mixed-bf16 + AdamW: 2 + 4 + 12 bytes per
  // parameter -> 2 + 2 + 12, and a 4-byte copy (sharded like the states) held at the step only.
  const RecipeBytes r = recipe_bytes_per_param("mixed-bf16", "adamw");
  const RecipeBytes b = gradients_in_reduce_dtype(r, 2.0);
  CHECK(b.weights == 2.0);
  CHECK(b.gradients == 2.0);
  CHECK(b.optimizer == 12.0);
  CHECK(b.gradient_copy == 4.0);
  CHECK(b.total() == r.total() - 2.0);  // the copy is not a model state held through the passes
  CHECK(gradients_in_reduce_dtype(r, 4.0).gradients == 4.0);  // reduced in fp32: nothing changes
  CHECK(gradients_in_reduce_dtype(r, 4.0).gradient_copy == 0.0);
  CHECK(gradients_in_reduce_dtype(recipe_bytes_per_param("bf16", "adamw"), 2.0).gradient_copy == 0.0);  // pure bf16: no copy
  // Megatron-Core's precision-aware optimizer (BF16 moments) reads the 16-bit shard in place
  // (distrib_optimizer.py: decoupled_grad = the shard of the gradient buffer).
  CHECK(gradients_in_reduce_dtype(recipe_bytes_per_param("mixed-bf16", "adamw", true), 2.0, true).gradient_copy == 0.0);
  // Per GPU, on gpt-oss-120b's published 64 B200 layout (ZeRO-1 over DP 64, experts over 8 EP ranks):
  // the buffer halves, the fp32 copy of the shard is an eighth of the old buffer or less.
  Scenario s = validation_case("train-step-mb2604-gpt-oss-120b-64xb200-bf16").scenario;
  const TrainingLayout L = scenario_training_layout(s);
  const TrainingPlan bf16 = training_step(s, L);
  s.training.grad_reduce_dtype = "recipe";
  const TrainingPlan fp32 = training_step(s, L);
  CHECK(bf16.gradients_bytes == Approx(fp32.gradients_bytes / 2));
  CHECK(bf16.optimizer_bytes == Approx(fp32.optimizer_bytes));
  CHECK(fp32.gradient_copy_bytes == 0);
  CHECK(bf16.gradient_copy_bytes > 0);
  CHECK(bf16.gradient_copy_bytes <= fp32.gradients_bytes / 8 * (1 + 1e-9));  // 64 / 8 expert-DP ranks
  // Held at the optimizer step, where the passes' activations are not: the larger of the two counts.
  REQUIRE(bf16.activation_phase_bytes > bf16.gradient_copy_bytes);
  CHECK(bf16.total_bytes == Approx(bf16.weights_bytes + bf16.gradients_bytes + bf16.optimizer_bytes + bf16.activation_phase_bytes));
  CHECK(bf16.total_bytes < fp32.total_bytes);
  // The Memory panel shows the same split, and the total's basis says which peak it is.
  Scenario m = validation_case("train-step-mb2604-gpt-oss-120b-64xb200-bf16").scenario;
  const Report rep = evaluate(m);
  CHECK(at(rep, "memory.training.gradients_bytes") == Approx(bf16.gradients_bytes));
  CHECK(at(rep, "memory.training.optimizer_bytes") == Approx(bf16.optimizer_bytes));
  CHECK(at(rep, "memory.training.gradient_copy_bytes") == Approx(bf16.gradient_copy_bytes));
  CHECK(at(rep, "memory.training.total_bytes") == Approx(bf16.total_bytes));
  REQUIRE(rep.find("memory.training.total_bytes"));
  CHECK(rep.find("memory.training.total_bytes")->formula.view().find("max(activations, gradient copy)") != std::string_view::npos);
  // With (almost) no activations, e.g. a tiny micro-batch, the optimizer step's copy is the peak.
  Scenario tiny = m;
  tiny.training.seq_len = 8;
  const TrainingPlan t = training_step(tiny, L);
  REQUIRE(t.gradient_copy_bytes > t.activation_phase_bytes);
  CHECK(t.total_bytes == Approx(t.weights_bytes + t.gradients_bytes + t.optimizer_bytes + t.gradient_copy_bytes));
}

TEST_CASE("planner: overlaps the expert all-to-all where Megatron-Core can when asked, and writes it into the scenario", "[training-step][planner]") {
  const Scenario s = validation_case("train-step-mb2604-deepseek-v3-256xb200-fp8").scenario;
  TrainingPlannerOptions o;
  o.global_batch = *s.training.global_batch;
  const TrainingPlannerResult by_default = plan_training(s, o);
  REQUIRE(!by_default.ranked.empty());
  for (const TrainingPlan& p : by_default.ranked) CHECK(!p.layout.expert_overlap);
  o.allow_expert_overlap = true;
  const TrainingPlannerResult r = plan_training(s, o);
  REQUIRE(!r.ranked.empty());
  bool any = false;
  for (const TrainingPlan& p : r.ranked) {
    INFO(describe_layout(p.layout));
    // Combined 1F1B needs EP > 1, no full recompute and interleaved stages when pipelined.
    if (p.layout.expert_overlap) {
      any = true;
      CHECK(p.layout.expert_parallel > 1);
      CHECK(p.layout.recompute != "full");
      CHECK((p.layout.pipeline_parallel == 1 || p.layout.interleave > 1));
    }
  }
  CHECK(any);
  CHECK(r.ranked.front().step_seconds <= by_default.ranked.front().step_seconds);
  Scenario used = s;
  apply_training_plan(used, r.ranked.front());
  CHECK(used.training.expert_overlap == r.ranked.front().layout.expert_overlap);
  CHECK(at(evaluate(used), "training.step.step_seconds") == Approx(r.ranked.front().step_seconds).epsilon(1e-12));
}

TEST_CASE("planner: a 131k-token sequence is laid out with context parallel, near Llama 3's MFU", "[training-step][planner]") {
  // Without context parallel only TP x PP x DP could split a 131k-token sequence; Llama 3 trained
  // it on CP 16 at 38% MFU (Dubey et al. 2024, Table 4).
  const Scenario s = llama3_405b_h100(16384, 131072);
  const TrainingPlannerResult r = plan_training(s);
  REQUIRE(!r.ranked.empty());
  const TrainingPlan& best = r.ranked.front();
  INFO(r.why_best);
  CHECK(best.layout.context_parallel > 1);
  CHECK(best.model_flops_utilization > 0.30);
}

TEST_CASE("every scored published training run is predicted within 20% of its measured throughput", "[training-step][validation]") {
  // Issue 16's bar: each published Hopper/Blackwell (and, held out of the fits, AMD Instinct) layout's
  // predicted tokens/s within +-20% of the published figure: since round 19 the validation cases' own
  // tolerance (1.25x until then; excluded runs say why in assets/validation.json). Round 13: gpt-oss-120b
  // on H100 at 1.199x is the closest to the bar.
  int scored = 0;
  for (const CaseResult& r : validate().results) {
    if (r.c->category != "training-throughput" || !r.c->excluded.empty()) continue;
    INFO(r.c->id << " ratio " << r.ratio);
    CHECK(r.ratio <= 1.20);
    CHECK(r.ratio >= 1 / 1.20);
    ++scored;
  }
  CHECK(scored >= 48);
}

TEST_CASE("MLPerf Training runs held out of every fit: within 20% but for the 8B strong-scaled", "[training-step][validation]") {
  // MLPerf Training v4.0 to v5.1 result logs (github.com/mlcommons/training_results_v4.0 ... _v5.1;
  // tests/reference/published.json, "MLPerf Training ..."): the llama31_405b submissions whose layout is
  // named in their own config (NVIDIA; IBM, CoreWeave and NVIDIA; Nebius), NVIDIA's llama31_8b and gpt3
  // ones, each run's median step time. 405B: FP8 on H100, H200 and GB200 (v5.0), NVFP4 on GB200 and GB300
  // (v5.1), TP x PP x CP 2 at 256 to 8,192 GPUs; GPT-3 175B in FP8 on 64 B200 and 256 to 11,616 H100. None
  // is in a kernel fit: this is the error a user running them would see.
  int scored = 0, within_10 = 0, short_steps = 0;
  double most_gpus = 0;
  for (const CaseResult& r : validate().results) {
    if (r.c->id.rfind("train-step-mlperf", 0) != 0) continue;
    INFO(r.c->id << " ratio " << r.ratio);
    CHECK(r.c->held_out);
    const Scenario& s = r.c->scenario;
    const double measured_step_s = *s.training.global_batch * s.training.seq_len / (s.hardware.count * r.c->published);
    if (!r.c->excluded.empty()) {
      // Steps under 0.2 s: the 8B recipe strong-scaled to 72 and 512 GPUs (4,096 and 1,024 tokens a GPU a
      // step, 1.3x and 2.7-3.0x the model's step): costs a short step exposes that the model lacks
      // (calibration.md, Known gaps). Each is held to being a gap, so that a change which closes it is
      // seen. GPT-3 on 10,752 and 11,616 H100 (0.92 s, 1.27x until round 27) is scored since the gradient
      // reduction has only the last micro-batch's backward to hide behind.
      CHECK(measured_step_s < 0.2);
      CHECK(r.ratio > 1.20);
      ++short_steps;
      continue;
    }
    CHECK(r.ratio <= 1.20);
    CHECK(r.ratio >= 1 / 1.20);
    within_10 += std::abs(std::log(r.ratio)) <= std::log(1.10);
    most_gpus = std::max(most_gpus, s.hardware.count);
    ++scored;
  }
  CHECK(scored == 26);  // eighteen 405B runs, the 8B recipe on 8 GB200 and 8 GB300, GPT-3 on 64 B200 and 256 to 11,616 H100
  CHECK(short_steps == 4);
  CHECK(most_gpus == 11616);
  // Round 27: 13 of the 26 within 10%: H100 0.96-1.00x (five 405B runs, 512 to 8,192 GPUs), NVFP4 on GB200
  // 0.99-1.09x (three), the 8B on 8 GPUs 0.91x and 0.98x, GPT-3 on 64 B200 1.04x and on 10,752 / 11,616 H100
  // 1.03x; outside it NVFP4 on GB300 1.10x, H200 0.88-0.89x (two), FP8 on GB200 1.14-1.19x (seven), GPT-3 on
  // 256 and 512 H100 0.86-0.90x (three).
  CHECK(within_10 >= 13);
}

TEST_CASE("a step under half a second on more than 16 GPUs is warned of with MLPerf's misses", "[training-step][validation]") {
  // Every MLPerf run whose step the model puts under half a second on more than 16 GPUs missed by 1.3-3.0x
  // (excluded cases, above: the 8B recipe on 72 and 512 GPUs); the 8-GPU runs with 0.35-0.41 s steps came
  // within 10%, GPT-3 on 10,752 and 11,616 H100 (0.98 s in the model) within 7%, and no run with a longer
  // step missed by more than 1.19x. Of the other published runs, the only sub-second steps are
  // Megatron-Bridge's Nemotron 3 Nano on 16 H100 (0.93x, 0.96x): not warned of.
  int warned = 0, quiet = 0;
  for (const CaseResult& r : validate().results) {
    if (r.c->category != "training-throughput") continue;
    const Report rep = evaluate(r.c->scenario);
    bool said_any = false;
    for (const Warning& w : rep.warnings) said_any = said_any || w.path == "training.step.step_seconds";
    if (r.c->id.rfind("train-step-mlperf", 0) != 0) {
      INFO(r.c->id);
      CHECK(!said_any);
      continue;
    }
    INFO(r.c->id);
    const Result* step = rep.find("training.step.step_seconds");
    REQUIRE(step != nullptr);
    bool said = false;
    for (const Warning& w : rep.warnings)
      said = said || (w.path == "training.step.step_seconds" && w.message.find("1.3-3.0x") != std::string::npos);
    const bool short_step = step->value < 0.5 && r.c->scenario.hardware.count > 16;
    CHECK(said == short_step);
    CHECK(short_step == !r.c->excluded.empty());  // the warning and the excluded runs are the same set
    warned += said;
    quiet += !said;
  }
  CHECK(warned == 4);
  CHECK(quiet == 26);
}

TEST_CASE("planner: today's published layouts fit, and are within 15% of the planner's best", "[training-step][planner]") {
  // Every published Hopper/Blackwell layout in the validation set (Llama 3, DeepSeek-V3, NeMo,
  // Megatron-Bridge, the Model Zoo, AMD; with CP and EP where used), excluded there or not. Its throughput
  // against the published figure is the validation case itself (envelope validate, within 1.20x).
  // Memory: the published layout fits at some recompute setting (the tables do not all state it);
  // speed: as run, at the scenario's recompute setting.
  // Three MoE layouts with expert parallel across nodes are known gaps, each held to its current
  // distance from the best so it cannot grow unnoticed: DeepSeek-V3 on H800 and on B200, Qwen3-235B
  // on H100 (round 9: none is left; the last, Qwen3, is beaten by a measured run, below). Their runs
  // overlap the all-to-all (DualPipe; Megatron-Core Combined 1F1B) and the planner may too (as their recipes did); it still prefers expert parallel over fewer nodes, whose
  // all-to-all is smaller. Until the MoE work term they sat at 1.55, 1.8 and 2.1 (the overlap left
  // off: with it the model predicted them 1.28-1.63x fast).
  // With the MoE work term (token permutation, SMs held by the overlapped all-to-all), the records'
  // recipe overlap flags and the planner allowed the same overlap: 1.55 -> 1.23 (its best: TP 2, PP 16
  // v 2, EP 16 over two nodes), 1.8 -> 1.31 (EP 16 over two nodes instead of 32 over four) and
  // 2.1 -> 1.88 (Qwen3's NCCL all-to-all dispatcher sends a copy per expert across four nodes).
  // With the MoE memory terms (the routed copies' saved activations, the FP8 weight copy) the narrow-EP
  // layouts hold more, and some no longer fit: 1.23 -> 1.21 (the former best, TP 2, PP 16 v 2, EP 16,
  // needs ~79 GB of the H800's 76; now TP 2, PP 8 v 4, EP 32 at 75 GB), 1.31 -> 1.23 (EP 16 on PP 8 v 2
  // as published no longer fits; now TP 1, PP 16 v 2, EP 16 at 165 of 171 GB), 1.88 -> 1.83 (TP 2, PP
  // 16 v 2, EP 8 inside a node, 73 of 76 GB, still fits). What is left is cost, not memory: the model puts 62 s of
  // the Qwen3 run's 67 s step in its all-to-all across four nodes (the NCCL dispatcher's 16-bit copy
  // per routed expert), 31 s of it exposed, which EP 8 over NVLink avoids; and DeepSeek-V3's EP 64/32
  // all-to-all (11 s, 14 s) is hidden less than EP 16-32's. Whatever keeps the published runs on
  // EP 32-64 across nodes (a cost of narrow EP the model lacks, or memory it does not count: the
  // Hopper FP8 weight transposes, DeepEP buffers, DualPipe's second parameter copy) is not in the model.
  // DeepSeek-V3's node-limited routing (at most 4 nodes per token, report sec. 2.1.2 / 3.2.2) would
  // shrink the H800 run's all-to-all (5.25 -> 4 nodes hit) and its gap to 1.08, but it would also put
  // that run's predicted throughput at 1.28x the published figure (now 1.145x), past its validation
  // tolerance: it waits for the work the step model still leaves out of that run (calibration.md).
  // With DeepSeek-V3's own memory savings set on the H800 run (report sec. 3.2.3 and 3.3.3: RMSNorm and
  // MLA up-projections recomputed, BF16 AdamW moments, MoE SwiGLU inputs in FP8 with the output
  // recomputed; validation.json) its published layout fits at recompute none (89.1 -> 59.5 GB of 76),
  // and so do narrower-EP layouts the planner may pick: 1.21 -> 1.25 (its best: TP 2, PP 8 v 4, EP 16
  // at 75 GB instead of EP 32); with the MTP module the run trained counted too (sec. 2.2; 66.6 GB on
  // the published layout) 1.25 -> 1.23 (best: TP 2, PP 16 v 2, EP 16 at 66 GB). The memory the model still leaves
  // out of that run (DualPipe's second parameter copy, sec. 3.2.1 Table 2) would weigh on those layouts too.
  // With the compute of the MTP module and of the MLA up-projections recomputed counted (~4.5% and ~3%
  // more FLOPs on every layout) the all-to-all hides better behind the longer compute: 1.23 -> 1.21.
  // With the attention products and the output head at 16 bits in fp8 runs (DeepSeek-V3 sec. 3.3.1): 1.21 ->
  // 1.20, 1.23 -> 1.21 and 1.83 -> 1.74.
  // With DeepSeek-V3's group-limited routing (8 groups, 4 per token: at most 4 nodes; report sec. 2.1.2,
  // config.json n_group / topk_group; NVIDIA's Megatron MoE Model Zoo DeepSeek-V3 config sets the same,
  // --moe-router-num-groups 8 --moe-router-group-topk 4) a token's dispatch reaches 3.6 of 8 nodes
  // instead of 5.25, and MLA's attention products counted at their own widths (q/k 192, v 128): both
  // DeepSeek-V3 layouts are within 15% (1.07 and 1.10; the H800 best is EP 64 as published, with TP 2).
  // Qwen3 (no group limit, NCCL all-to-all) stays at 1.74.
  // With the routed experts' weight traffic per micro-batch (16 local experts at EP 8 move four times
  // EP 32's): 1.74 -> 1.44 (DeepSeek-V3: 1.05, 1.04).
  // Round 7: ZeRO-3's gathers hidden beside both passes, NVIDIA's Megatron MoE Model Zoo Qwen3 layouts in
  // the Hopper bf16 fit, and the expert GEMMs' height fitted (kExpertGemmHalfRows 256 -> 640, which
  // slows the in-node EP 8 layouts' 16 short expert GEMMs per layer more than EP 32's 4 tall ones):
  // 1.44 -> 1.32; its best is now ZeRO-3 over all 256 GPUs with EP 8 (micro-batch 8, full recompute),
  // the kind of layout the Model Zoo measured as fast as its best (17.6 s).
  // Round 8: the local-attention layers' windows counted (gpt-oss: 18 of 36 layers see 128 tokens).
  // gpt-oss-120b on 64 B200 (TP 1, PP 1, EP 8, ZeRO-1, as published) loses ~3% of its compute, which
  // leaves more of its 3.2 s gradient all-reduce outside a 2.2 s backward; the planner's best, PP 2
  // (half the gradients per GPU, all hidden, 8% bubble), is 1.12 -> 1.153x faster. The published run
  // is itself 1.23x slower than the model predicts (calibration.md, known gaps), so what costs it
  // more than the model counts is also what the planner's comparison lacks.
  // Round 8: the published MoE runs labelled with the forced load balancing their benchmarks set
  // (Megatron-Bridge perf_recipes, the Model Zoo's run scripts): no busiest-expert excess on any
  // layout, which shortens the compute both layouts share and leaves the published run's cross-node
  // all-to-all a larger part of its step: 1.32 -> 1.37.
  // Round 8: narrow GEMMs' half width scaled by the GPU's FLOP-to-byte ratio (gemm_half_width; H100 fp8
  // 988 instead of 256): the planner's EP 8 pick holds 16 experts of width 1,536 per GPU, each GEMM
  // narrow and short, and loses more than the published EP 32: 1.37 -> 1.21. gpt-oss on B200 (h 2,880
  // on both layouts): 1.153 -> 1.177.
  // Then gpt-oss on B200 described with its recipe's bf16 gradient reduction came to 1.62x its published
  // throughput and is excluded (calibration.md); it left this test until round 18 (back: it fits
  // with recompute; as run, without, the model holds 215 GB of 171, and its 3.93 s step is under the
  // planner's best, 4.12 s with PP 4).
  // Where one source measured several layouts of the same job (NVIDIA's Megatron MoE Model Zoo: Qwen3
  // 235B on 256 H100, bf16, five layouts from 17.6 s to 29.0 s a step), the measurement itself says the
  // slower ones are not the best: only the job's fastest measured layout is held to the planner's best.
  // The same holds across sources when the faster run had no advantage: same model, GPUs, count and
  // sequence length, a precision no cheaper (bf16 >= fp8 >= fp4 per FLOP) and a global batch no larger
  // (a larger batch on the same layout only shrinks the bubble and the per-token gradient traffic).
  // Round 9: Megatron-Bridge 26.04's Qwen3-235B fp8 run (GBS 8,192; TP 2, PP 8, EP 32, NCCL all-to-all:
  // 1,712 tok/s per GPU) is slower than the Model Zoo's bf16 runs of GBS 2,048 on the same 256 H100
  // (1,862 tok/s per GPU with EP 32 and DeepEP, and with Megatron-FSDP and EP 8 in a node), so a layout
  // at least 1.09x faster than the published one exists by measurement; the planner's best (ZeRO-3
  // over 256 GPUs, EP 8 in a node, micro-batch 8, full recompute) is predicted 1.19x faster. It had
  // been the one known gap of this test (held at 1.21 in round 8).
  // The slower runs are still validation cases (their predicted throughput within 1.20x) and must fit,
  // and no run's published layout may beat the planner's best (the search covers what was run).
  const auto precision_cost = [](const std::string& dtype) { return dtype == "fp4" ? 0 : dtype == "fp8" ? 1 : 2; };
  const auto dominated = [&](const ValidationCase& c) {
    const Scenario& s = c.scenario;
    for (const ValidationCase& o : validation_cases()) {  // excluded runs are measurements too
      const Scenario& r = o.scenario;
      if (o.category != c.category || o.metric != c.metric || o.id == c.id || r.model.preset != s.model.preset ||
          r.hardware.gpu != s.hardware.gpu || r.hardware.count != s.hardware.count || r.training.seq_len != s.training.seq_len ||
          (s.training.multi_token_prediction && !r.training.multi_token_prediction))  // a job that trains no MTP modules does less
        continue;
      if (precision_cost(r.training.dtype) >= precision_cost(s.training.dtype) &&
          r.training.global_batch.value_or(0) <= s.training.global_batch.value_or(0) && o.published > c.published)
        return true;
    }
    return false;
  };
  // Round 9 added Megatron-Bridge 26.08's GB300 runs. With 288 GB per GPU the planner's best for them is
  // one pipeline stage with expert parallel over 128 GPUs, across two NVL72 domains (DeepSeek-V3: PP 1,
  // EP 128, ZeRO-2, micro-batch 2, 247 GB; Qwen3-235B: PP 1, EP 128, micro-batch 1), where NVIDIA's
  // recipes keep EP 32 inside a domain with PP 2 v 8 and PP 4 v 12. The model's gain is taller expert
  // GEMMs (4,096 -> 32,768 rows each) and fewer expert weight reads, with the cross-domain all-to-all
  // at the scale-out rate hidden by the overlap. What keeps the recipes inside a domain (the
  // full-iteration CUDA graphs' static buffers, HybridEP's cross-domain dispatch) is not in the
  // model, and no published run measures the planner's layout. Each is held to its distance.
  // Round 10: pipeline sends hidden beside the next model chunk with virtual stages (Megatron-Core's
  // overlap_p2p_comm) take 0.38 s off the DeepSeek-V3 recipe's PP 2 v 8 and 1.3 s off Qwen3's PP 4
  // v 12: 1.21 -> 1.17 and 1.16 -> 1.05 (within 15%, no longer a gap).
  // Round 10 also brought two layouts just past 15%. Llama 3.1 405B in NVFP4 on 256 GB300 (TP 4,
  // PP 8 v 4, TP communication not overlapped, as its recipe sets): with context parallel now tried at
  // 8k sequences the planner's best is TP 2 x CP 2 (PP 8 v 8), the layout NVIDIA ran the same job with
  // in MXFP8 (predicted 1.00x of its measured 952 tok/s); half the TP traffic per GPU: 1.16. DeepSeek-V3
  // on 256 B300 (PP 8 without virtual stages, EP 8 in a node, 26.06): the planner interleaves (v 4,
  // bubble 11% -> 3%) with EP 16 over two nodes: 1.16; NVIDIA's later recipe for that job
  // (perf_recipes/deepseek/b300, 26.08) interleaves too (VP 2), unmeasured in the tables.
  // Round 11: inside an NVLink domain DeepEP-style dispatch sends a token once per GPU it targets, as
  // the model already counted once per node across nodes (DeepSeek-V3's group-limited routing puts a
  // token on 3.6 of 8 GPUs at EP 8 instead of 8 copies): the B300 recipe's in-node EP 8 all-to-all
  // halves, 1.16 -> 1.09 (no longer a gap), and DeepSeek-V3 on GB300 1.17 -> 1.16.
  // Round 11 also sent sequence parallel's all-gathers at the GEMM precision, as Transformer Engine
  // quantizes before it gathers (NVFP4 0.56 bytes a value, fp8 1; the reduce-scatters stay 16-bit):
  // Llama 3.1 405B in NVFP4 on GB300 (TP 4, not overlapped) 1.16 -> 1.10, no longer a gap.
  // Round 13: MXFP8 weights held as rowwise and columnwise copies (2.06 bytes a weight, not 1) put the
  // DeepSeek-V3 GB300 best at 271 of 274 usable GB (was 247) and the published layout at 269: both still
  // fit, the gap unchanged at 1.16 (published 11.31 s, best 9.76 s a step). Then the 26.x DeepSeek-V3
  // records say what their runs did: the MTP module trained (their tables' 260 GFLOP per token against
  // 25.11's 249.5 "w/o MTP") and the recipe's balanced pipeline layout (the last stage 3 layers fewer,
  // for the MTP module and the loss: balanced_pipeline_busiest_layers). The GB300 run's own layout is
  // 11.3 s a step, the planner's best (PP 2 x VP 8 with EP 128) 10.4 s: 1.16 -> 1.09, no longer a gap.
  // PP 1 with EP 128 (micro-batch 2, ZeRO 2) no longer fits with the MTP module's memory (279 of 274 GB);
  // at 10.1 s it would be 1.12x. No layout is held to more than 15% now.
  // Round 16 added AMD's Primus runs (held out of the kernel fit). The two Llama 3.1 70B FSDP runs on
  // 64 MI325X are AMD's one-node configurations weak-scaled to eight nodes (the projection blog
  // benchmarks one node and projects to eight with the same settings): on 8 GPUs FSDP leaves 141 GB of
  // model states a GPU, so the configuration recomputes (its Primus config: full, 72 of 80 layers; the
  // model at 8 GPUs: 345 GB without recompute, 174 GB with it, and 1,136 tok/s per GPU against the
  // blog's one-node 1,135 for the BF16 row). On 64 GPUs the states shrink to 18 GB and the planner drops
  // the recompute (BF16: 207 of 243 GB without it; FP8 at micro-batch 4 needs CP 2 and micro-batch 2):
  // 1.33x faster, a layout no published run measured. Each is held to its distance.
  const std::map<std::string, double> known_gap = {
      {"train-step-primus2601-llama-3.1-70b-64xmi325x-fp8-fsdp", 1.34},
      {"train-step-primus2601-llama-3.1-70b-64xmi325x-bf16-fsdp", 1.34},
      // Round 18 (excluded runs checked too): the Model Zoo's Megatron-FSDP layout of Qwen3-235B (TP 2,
      // EP 8, ZeRO-3) measured 1,862 tok/s per GPU, as fast as the job's best measured layout, while
      // the model puts it at 26.2 s a step against 18.3 s for its best (ZeRO-3, EP 4, micro-batch 8,
      // full recompute; the measured best was 17.6 s). The same error as its throughput (0.67x,
      // calibration.md): the gap is the model's, held to its distance.
      // Round 27: 1.47 (the planner's best is faster with the Hopper bf16 fit at 0.567).
      {"train-step-modelzoo-qwen3-235b-a22b-256xh100-sxm-bf16-fsdp", 1.47},
      // Round 19: Nemotron 3 Super on 64 B200 runs EP 64 over eight 8-GPU nodes, predicted 1.02x (held
      // out of every fit), its all-to-all a third of the step over the 400 Gb/s scale-out links. The
      // planner's best keeps the all-to-all on two nodes (PP 2, EP 16, ZeRO-3: 8.2 s against 10.0 s),
      // a layout no published run measured: held to its distance. Round 20: with the optimizer's fp32
      // gradient copy held at its step instead of beside the activations, that layout holds 168 GB of the
      // B200's 171 usable and its best is 7.75 s (micro-batch 1, PP 2 v 8).
      {"train-step-mb2606-nemotron-3-super-64xb200-fp8", 1.30},
      // Round 26 held MLPerf's Llama 3.1 8B recipe on 512 GB300 here at 1.26x; since its FP8 weights are
      // gathered in FP8 (round 27, training.fp8_params) it is 1.05x and left the list.
      // Round 27: with the gradient reduction beside the last micro-batch's backward only, MLPerf v4.0's
      // GPT-3 175B on 10,752 H100 (TP 4 x PP 6 v 8, DP 448, six micro-batches a step) comes within 4% of
      // its measured 0.92 s step, 0.16 s of it the exposed reduce-scatter and FP8 gather of a
      // 7.3-billion-parameter shard. The planner's best shrinks the data-parallel shard with a deeper
      // pipeline (TP 8 x PP 24 v 4 x DP 56), one layer per virtual stage, a layout no published run
      // measured: 1.18x, held to its distance (its 11,616-GPU twin is 1.12x). gpt-oss-120b on 8-GPU B300
      // nodes (1.7x, excluded) is 1.16x from the planner's ZeRO-2 layout, whose reduce-scatters run after
      // every micro-batch.
      {"train-step-mlperf40-eos-gpt3-175b-10752xh100-sxm-fp8", 1.19},
      {"train-step-mb2606-gpt-oss-120b-64xb300-fp8", 1.16},
  };
  // Round 18: the excluded runs are published layouts too. Their throughput is what the model misses
  // (calibration.md), but whether the layout fits and how far it is from the planner's best are
  // checked like the rest: the issue asks it of every published layout.
  // Round 21: torchtitan's benchmark tables (validation.json "layout_tuned": false) show one technique
  // each at fixed settings (full recompute throughout, 1F1B over 8 micro-batches, FSDP beside TP), and
  // their memory is not the model's (Table 4's 70B run reserved 71.9 GiB where the model holds 33 GB),
  // so the planner's faster layouts without recompute (1.2-2.6x) say nothing about a gap. They must fit
  // and must not beat the planner's best.
  int checked = 0, alternatives = 0, gaps_seen = 0, excluded_checked = 0, demonstrations = 0;
  for (const ValidationCase& c : validation_cases()) {
    if (c.category != "training-throughput") continue;
    excluded_checked += !c.excluded.empty();
    INFO(c.id);
    const Scenario& s = c.scenario;
    const TrainingPlan published = training_step(s, scenario_training_layout(s));
    bool fits = false;
    for (const char* r : {"none", "selective", "full"}) {
      TrainingLayout L = scenario_training_layout(s);
      L.recompute = r;
      fits |= training_step(s, L).fits;
    }
    CHECK(fits);
    TrainingPlannerOptions o;
    o.global_batch = *s.training.global_batch;
    o.allow_expert_overlap = s.training.expert_overlap;  // the techniques the published run had
    o.allow_tp_comm_overlap = s.training.tp_comm_overlap;
    const TrainingPlannerResult plan = plan_training(s, o);
    REQUIRE(!plan.ranked.empty());
    INFO("best: " << plan.why_best << " published step " << published.step_seconds);
    if (published.fits) CHECK(plan.ranked.front().step_seconds <= published.step_seconds * (1 + 1e-9));
    if (!c.layout_tuned) {
      ++demonstrations;
      continue;
    }
    if (dominated(c)) {
      ++alternatives;
      continue;
    }
    const auto gap = known_gap.find(c.id);
    CHECK(published.step_seconds <= (gap == known_gap.end() ? 1.15 : gap->second) * plan.ranked.front().step_seconds);
    if (gap != known_gap.end()) {
      CHECK(published.step_seconds > 1.15 * plan.ranked.front().step_seconds);  // still a gap, or it leaves the list
      ++gaps_seen;
    }
    ++checked;
  }
  CHECK(checked >= 15);
  // gpt-oss-120b on five Blackwell systems, the Model Zoo's FSDP Qwen3-235B, Nemotron 3 Super on GB200 at
  // TP 2 and (round 19) on B300 at EP 8; (round 21) six torchtitan runs, of which Table 4's AsyncTP run
  // is scored again since AsyncTP's hidden share (round 22); (round 22) two of torchtitan's 8B runs at TP 8.
  // (round 26) MLPerf's 8B recipe strong-scaled to 72 and 512 GB200 / GB300; (round 27) gpt-oss-120b on
  // H100 in, GPT-3 on 10,752 and 11,616 H100 scored.
  CHECK(excluded_checked == 20);
  CHECK(demonstrations == 26);  // torchtitan's 16 (round 21) and 8 more with per-op checkpointing, Trainy's 2 (round 22)
  CHECK(gaps_seen == static_cast<int>(known_gap.size()));  // every listed gap names a checked record
  // The Model Zoo's Qwen3 EP 32 without overlap and its two in-node EP 8 layouts; NeMo 24.07's Llama 3 8B
  // with CP 2 on 8 H100 (12,273 tok/s; scored again since round 8), slower than Megatron-Bridge 25.11's
  // same job without CP (14,451); Megatron-Bridge 26.04's Qwen3-235B fp8 run (above); Megatron-Bridge
  // 25.11's DeepSeek-V3 on 256 GB200 in MXFP8 (4,018 tok/s with PP 8, EP 32), which 26.08 ran at 4,912 (PP 4, EP 64);
  // Megatron-Bridge 26.06's Llama 3.1 405B on 256 GB300 in MXFP8 (952 tok/s), beside the same job in FP8
  // with per-tensor scaling (1,048); Megatron-Bridge 26.06's Llama 3.1 405B on 256 GB200 in FP8 (843, PP 16 v 4) and
  // MXFP8 (783, v 8), beside 26.04.01's same job in FP8 (864); Megatron-Bridge's Qwen3 30B-A3B on 16 H100
  // with the expert all-to-all exposed (10,607), beside the same layout overlapped (12,488); (round 20)
  // Megatron-Bridge's Nemotron 3 Nano on 16 H100 in BF16 recomputing its norms too (12,089), beside the
  // same short run recomputing only the MoE layers (12,461); (round 26) MLPerf Training v5.0's NVIDIA
  // Llama 3.1 405B on 512 GB200 (736 tok/s), beside IBM, CoreWeave and NVIDIA's same job and batch (742);
  // MLPerf v4.0's GPT-3 175B on 512 H100 (839, global batch 2,304) and NeMo 24.07's (825), beside MLPerf
  // v4.1's same job at global batch 2,048 (862).
  CHECK(alternatives == 14);
}

TEST_CASE("pipeline sends: waited for without virtual stages, beside the next model chunk with them", "[training-step]") {
  // Megatron-Bridge comm_overlap.py: overlap_p2p_comm (and no batch_p2p_comm) when vp > 1, batched and
  // waited for otherwise; Megatron-LM's interleaved schedule overlaps by default.
  CHECK(pipeline_p2p_exposed_seconds(0.01, 1, 1, 64, 1, 2) == 0);                        // no pipeline
  CHECK(pipeline_p2p_exposed_seconds(0.01, 8, 1, 64, 1, 2) == Approx(2 * 64 * 0.01));    // all 2 m sends
  // Interleaved, sends shorter than the chunk pass beside them: only the first micro-batch's 2 (p - 1).
  CHECK(pipeline_p2p_exposed_seconds(0.01, 8, 4, 64, 1, 2) == Approx(2 * 7 * 0.01));
  // A send longer than the forward chunk shows by the difference, m v times.
  CHECK(pipeline_p2p_exposed_seconds(0.5, 2, 2, 4, 0.25, 0.5) == Approx(2 * 1 * 0.5 + 4 * 2 * 0.25));
  // Qwen3-235B on 256 GB300 (PP 4, v 12, its 26.08 recipe): 2 m v sends in all, a few exposed.
  const ValidationCase& c = validation_case("train-step-mb2608-qwen3-235b-a22b-256xgb300-fp8");
  const Report r = evaluate(c.scenario);
  const double total = at(r, "training.step.pipeline_p2p_total_seconds"), exposed = at(r, "training.step.pipeline_p2p_seconds");
  const TrainingPlan p = training_step(c.scenario, scenario_training_layout(c.scenario));
  CHECK(total == Approx(2 * p.micro_batches * 12 * p.pipeline_send_seconds).epsilon(1e-9));
  CHECK(exposed == Approx(2 * 3 * p.pipeline_send_seconds).epsilon(1e-9));
  CHECK(exposed < 0.01 * total);
  CHECK(at(r, "training.step.step_seconds") == Approx(p.step_seconds).epsilon(1e-12));
  // Without virtual stages the same sends are all on the critical path.
  Scenario flat = c.scenario;
  flat.training.interleave = 1;
  const Report f = evaluate(flat);
  CHECK(at(f, "training.step.pipeline_p2p_seconds") == Approx(at(f, "training.step.pipeline_p2p_total_seconds")).epsilon(1e-12));
}

TEST_CASE("tensor-parallel communication overlap: a scenario input, hidden up to its share behind the TP-split GEMMs",
          "[training-step]") {
  CHECK(tensor_parallel_exposed_seconds(10, 100) == Approx(10 * (1 - kTensorParallelOverlapHiddenShare)));
  CHECK(tensor_parallel_exposed_seconds(10, 4) == Approx(6));  // longer than the GEMMs: the difference
  CHECK(kTensorParallelOverlapHiddenShare > 0);
  CHECK(kTensorParallelOverlapHiddenShare <= 1);
  // Megatron-Bridge 26.06 Llama 3.1 405B on 256 GB300 in FP8 (TP 4; its recipe's userbuffers config).
  const ValidationCase& c = validation_case("train-step-mb2606-llama-3.1-405b-256xgb300-fp8cs");
  REQUIRE(c.scenario.training.tp_comm_overlap);
  const Report on = evaluate(c.scenario);
  Scenario off_s = c.scenario;
  off_s.training.tp_comm_overlap = false;
  const Report off = evaluate(off_s);
  const double total = at(on, "training.step.tensor_parallel_total_seconds");
  CHECK(total == Approx(at(off, "training.step.tensor_parallel_seconds")).epsilon(1e-12));
  CHECK(at(on, "training.step.tensor_parallel_seconds") == Approx(total * (1 - kTensorParallelOverlapHiddenShare)).epsilon(1e-9));
  CHECK(at(off, "training.step.step_seconds") - at(on, "training.step.step_seconds") ==
        Approx(total * kTensorParallelOverlapHiddenShare).epsilon(1e-6));
  // No tensor parallel, nothing to overlap: the flag changes nothing.
  Scenario t1 = validation_case("train-step-mb2511-llama-3-8b-8xh100-sxm-fp8").scenario;
  const double before = at(evaluate(t1), "training.step.step_seconds");
  t1.training.tp_comm_overlap = true;
  CHECK(at(evaluate(t1), "training.step.step_seconds") == before);
  // It travels in links, and the planner overlaps only when allowed (as the published run did).
  const LoadResult back = decode_link(encode_link_fragment(c.scenario));
  REQUIRE(back.ok());
  CHECK(back.scenario.training.tp_comm_overlap);
  TrainingPlannerOptions o;
  o.global_batch = *c.scenario.training.global_batch;
  o.keep = 5;
  for (const TrainingPlan& p : plan_training(c.scenario, o).ranked) CHECK(!p.layout.tp_comm_overlap);
  o.allow_tp_comm_overlap = true;
  const TrainingPlannerResult allowed = plan_training(c.scenario, o);
  REQUIRE(!allowed.ranked.empty());
  for (const TrainingPlan& p : allowed.ranked) CHECK(p.layout.tp_comm_overlap == (p.layout.tensor_parallel > 1));
}

TEST_CASE("planner: context parallel is tried from 8k-token sequences (NeMo and Megatron-Bridge run 8k on CP 2)",
          "[training-step][planner]") {
  const ValidationCase& c = validation_case("train-step-nemo2407-llama-3-70b-64xh100-sxm-fp8-cp2");
  REQUIRE(c.scenario.training.seq_len == 8192);
  TrainingPlannerOptions o;
  o.global_batch = *c.scenario.training.global_batch;
  o.allow_tp_comm_overlap = c.scenario.training.tp_comm_overlap;
  const TrainingPlannerResult automatic = plan_training(c.scenario, o);
  o.max_context_parallel = 1;
  const TrainingPlannerResult without = plan_training(c.scenario, o);
  CHECK(automatic.considered > without.considered);
  // The published CP 2 layout is in the search: the planner's best is no slower than it.
  const TrainingPlan published = training_step(c.scenario, scenario_training_layout(c.scenario));
  REQUIRE(!automatic.ranked.empty());
  CHECK(automatic.ranked.front().step_seconds <= published.step_seconds * (1 + 1e-9));
  // A 4k sequence is not split (the default stops at ~4k tokens per GPU).
  Scenario short_seq = c.scenario;
  short_seq.training.seq_len = 4096;
  o.max_context_parallel = 0;
  for (const TrainingPlan& p : plan_training(short_seq, o).ranked) CHECK(p.layout.context_parallel == 1);
}

TEST_CASE("planner: 16,384 GPUs for a 405B model with context parallel candidates plans in bounded time", "[training-step][planner]") {
  const Scenario s = llama3_405b_h100(16384, 8192);
  const auto start = std::chrono::steady_clock::now();
  const TrainingPlannerResult r = plan_training(s);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  REQUIRE(!r.ranked.empty());
  CHECK(r.considered > 1000);
  // The 100 ms budget is for an optimized build: scripts/bench prints it. Sanitizers slow this ~10x.
  CHECK(ms < 5000);
}

TEST_CASE("AsyncTP hides the share of the TP traffic torchtitan's runs hid: the median of what each measured gain implies",
          "[training-step][calibration]") {
  const AsyncTpFit fit = fit_async_tp_hidden_share();
  CHECK(kAsyncTpHiddenShare == Approx(fit.fitted).margin(0.005));  // the constant is the fit, rounded
  // Five runs published with and without AsyncTP (torchtitan 2024-12 Table 4; 2025-06: 70B bf16 and
  // Float8, 8B bf16 and Float8 at TP 8) imply 0.27-0.61; the three 405B runs have no vanilla twin.
  int in_fit = 0, checked = 0;
  for (const AsyncTpFitRow& r : fit.rows) {
    INFO(r.id << " implied " << r.implied << " left out " << r.loo_ratio);
    CHECK(r.id.find("asynctp") != std::string::npos);
    CHECK(r.id.find("-cp") == std::string::npos);  // context parallel runs are left out
    if (r.implied < 0) {
      CHECK(r.id.find("405b") != std::string::npos);
      CHECK(r.loo_share == Approx(fit.fitted));
      ++checked;
    } else {
      CHECK(r.implied > 0.25);
      CHECK(r.implied < 0.65);
      ++in_fit;
    }
    // Each within 20% at the median of the others but the 8B Float8 run at TP 8, whose vanilla twin is
    // 1.35x too (excluded: the Float8 gain at 512-column shards).
    // (Round 27: the 8B bf16 run at TP 8 is 1.203x, the Hopper bf16 fit at 0.567 without gpt-oss-120b.)
    if (r.id != "train-step-tt2506-llama-3-8b-64xh100-sxm-fp8-tp8-op-asynctp") {
      CHECK(r.loo_ratio > 0.9);
      CHECK(r.loo_ratio < 1.21);
    }
  }
  CHECK(in_fit == 5);
  CHECK(checked == 3);
  // The scenario's method picks the share; userbuffers (Transformer Engine) keeps hiding all it can.
  Scenario s = validation_case("train-step-tt2412-llama-3.1-70b-256xh100-sxm-fp8-tp8-asynctp").scenario;
  REQUIRE(s.training.tp_comm_overlap_method == "async-tp");
  const TrainingPlan async = training_step(s, scenario_training_layout(s));
  CHECK(async.tensor_parallel_seconds ==
        Approx(tensor_parallel_exposed_seconds(async.tensor_parallel_total_seconds, async.tensor_parallel_gemm_seconds, kAsyncTpHiddenShare)));
  CHECK(async.tensor_parallel_seconds == Approx(async.tensor_parallel_total_seconds * (1 - kAsyncTpHiddenShare)));
  s.training.tp_comm_overlap_method = "userbuffers";
  const TrainingPlan ub = training_step(s, scenario_training_layout(s));
  CHECK(ub.tensor_parallel_seconds < async.tensor_parallel_seconds);
  CHECK(ub.step_seconds < async.step_seconds);
  check_training_choice_field(validation_case("train-step-tt2412-llama-3.1-70b-256xh100-sxm-fp8-tp8-asynctp").scenario,
                              &TrainingSection::tp_comm_overlap_method, "tp_comm_overlap_method", "nccl", "userbuffers");
}

TEST_CASE("plan files and the Planner panel search with the overlaps the scenario runs: its own layout never beats them",
          "[training-step][planner]") {
  // Qwen3-235B on 256 GB300 as Megatron-Bridge 26.08 ran it: expert all-to-all overlapped. A plan file
  // without planner options takes the scenario's overlaps (the Planner panel does the same).
  const ValidationCase& c = validation_case("train-step-mb2608-qwen3-235b-a22b-256xgb300-fp8");
  REQUIRE(c.scenario.training.expert_overlap);
  Scenario s = c.scenario;
  s.training.tp_comm_overlap = true;
  const std::string scenario_json = scenario_to_json(s);
  const PlanFile f = load_plan_file(R"({"scenario": )" + scenario_json + R"(, "planner": {"mode": "training"}})");
  REQUIRE(f.fatal.empty());
  CHECK(f.request.training.allow_expert_overlap);
  CHECK(f.request.training.allow_tp_comm_overlap);
  const TrainingPlannerResult r = plan_training(f.scenario, f.request.training);
  REQUIRE(!r.ranked.empty());
  const TrainingPlan own = training_step(s, scenario_training_layout(s));
  CHECK(r.ranked.front().step_seconds <= own.step_seconds * (1 + 1e-9));
  // Said otherwise in the planner options, the search leaves them out.
  const PlanFile off =
      load_plan_file(R"({"scenario": )" + scenario_json + R"(, "planner": {"mode": "training", "expert_overlap": false}})");
  REQUIRE(off.fatal.empty());
  CHECK(!off.request.training.allow_expert_overlap);
  for (const TrainingPlan& p : plan_training(off.scenario, off.request.training).ranked) CHECK(!p.layout.expert_overlap);
}

TEST_CASE("plan files: layout scenario costs the user's own layout with its breakdown, fitting or not", "[training-step][planner]") {
  const PlanFile f = load_plan_file(R"({"scenario": {"model": {"preset": "llama-3.1-405b"}, "hardware": {"gpu": "h100-sxm", "count": 8192},
    "training": {"seq_len": 8192, "global_batch": 2048, "tensor_parallel": 8, "pipeline_parallel": 16, "interleave": 4,
                 "zero_stage": 1, "sequence_parallel": true, "recompute": "full"}},
    "planner": {"mode": "training", "layout": "scenario"}})");
  REQUIRE(f.fatal.empty());
  REQUIRE(f.problems.empty());
  const TrainingPlannerResult r = plan_training(f.scenario, f.request.training);
  REQUIRE(r.ranked.size() == 1);
  const TrainingPlan& p = r.ranked.front();
  CHECK(p.layout.tensor_parallel == 8);
  CHECK(p.layout.pipeline_parallel == 16);
  CHECK(p.layout.data_parallel == 64);
  CHECK(p.layout.interleave == 4);
  // The same numbers as the report of the same scenario.
  const Report rep = evaluate(f.scenario);
  CHECK(p.step_seconds == Approx(at(rep, "training.step.step_seconds")).epsilon(1e-12));
  CHECK(r.why_best.find("the scenario's layout") != std::string::npos);
  const std::string json = plan_to_json(f, &r, nullptr);
  CHECK(json.find("\"pipeline_p2p\"") != std::string::npos);
  CHECK(json.find("\"fits\"") != std::string::npos);
  // Memory per GPU with its parts, the optimizer step's fp32 gradient copy among them (0 here: the
  // recipe's fp32 gradients need no copy; the Nano case below has one).
  const nlohmann::json plan_json = nlohmann::json::parse(json);
  REQUIRE(plan_json.contains("training"));
  const nlohmann::json& mem = plan_json["training"]["ranked"][0]["memory_bytes"];
  CHECK(mem["gradient_copy"].get<double>() == 0);
  CHECK(mem["total"].get<double>() == Approx(p.total_bytes));
  PlanFile nano = f;
  nano.scenario = validation_case("mem-mbskill-nemotron-3-nano-16xh100-sxm-bf16-moe").scenario;
  nano.request.training = TrainingPlannerOptions{};
  nano.request.training.global_batch = *nano.scenario.training.global_batch;
  nano.request.training.scenario_layout_only = true;
  const TrainingPlannerResult nr = plan_training(nano.scenario, nano.request.training);
  REQUIRE(nr.ranked.size() == 1);
  const nlohmann::json nano_json = nlohmann::json::parse(plan_to_json(nano, &nr, nullptr));
  CHECK(nano_json["training"]["ranked"][0]["memory_bytes"]["gradient_copy"].get<double>() ==
        Approx(nr.ranked.front().gradient_copy_bytes));
  CHECK(nr.ranked.front().gradient_copy_bytes > 7e9);
  // A bad value is named.
  const PlanFile bad = load_plan_file(R"({"scenario": {}, "planner": {"layout": "mine"}})");
  REQUIRE(bad.problems.size() == 1);
  CHECK(bad.problems.front().path == "planner.layout");
  // The expert all-to-all overlap is off unless the plan file asks for it.
  CHECK(!f.request.training.allow_expert_overlap);
  const PlanFile overlap = load_plan_file(R"({"scenario": {}, "planner": {"expert_overlap": true}})");
  REQUIRE(overlap.problems.empty());
  CHECK(overlap.request.training.allow_expert_overlap);
  const PlanFile not_a_flag = load_plan_file(R"({"scenario": {}, "planner": {"expert_overlap": 3}})");
  REQUIRE(not_a_flag.problems.size() == 1);
  CHECK(not_a_flag.problems.front().path == "planner.expert_overlap");
}

TEST_CASE("fp8 training keeps the linear layers' saved inputs at 1 byte (Transformer Engine), the rest 16-bit",
          "[training-step][activations]") {
  // Transformer Engine user guide, 'Performance Considerations', 'Memory usage': a Linear's input
  // saved for backward takes 2 MB in BF16 and 1 MB as the FP8 copy (published.json). Of
  // Korthikanti's 34 s b h per layer, the linear inputs are 14 (QKV 2, attention projection 2, fc1 2,
  // fc2 8); flash attention keeps its own 16-bit output (2) beside the projection's FP8 copy.
  const auto& rec = envelope::test::published_record("Transformer Engine FP8 Linear: input saved for backward");
  const double r = rec["measured"]["fp8_input_saved_MB"].get<double>() / rec["measured"]["bf16_input_saved_MB"].get<double>();
  Scenario s;
  s.model.preset = "llama-2-7b";
  s.hardware.gpu = "h100-sxm";
  s.hardware.count = 8;
  s.training.seq_len = 4096;
  s.training.micro_batch = 1;
  s.training.tensor_parallel = 1;
  s.training.pipeline_parallel = 1;
  s.training.sequence_parallel = false;
  s.training.flash_attention = true;
  const double L = 32, sbh = 4096.0 * 1 * 4096;  // Llama 2 7B: 32 layers, hidden 4096
  auto activations = [&](const char* dtype, const char* recompute) {
    Scenario x = s;
    x.training.dtype = dtype;
    x.training.recompute = recompute;
    return at(evaluate(x), "memory.training.activations_bytes");
  };
  // Flash attention, no recompute: 14 (1 - r) saved, 2 for flash's own output kept.
  CHECK(activations("bf16", "none") - activations("fp8", "none") == Approx(L * sbh * (14 * (1 - r) - 2)));
  // Selective recompute: the attention core is recomputed, its output not kept.
  CHECK(activations("bf16", "selective") - activations("fp8", "selective") == Approx(L * sbh * 14 * (1 - r)));
  // Full recompute keeps each layer's 16-bit input only: no change.
  CHECK(activations("fp8", "full") == Approx(activations("bf16", "full")));
  // Tensor parallel 8 with sequence parallel: everything divided by t.
  s.training.tensor_parallel = 8;
  s.training.sequence_parallel = true;
  CHECK(activations("bf16", "selective") - activations("fp8", "selective") == Approx(L * sbh * 14 * (1 - r) / 8));
  // The report says so in its basis.
  Scenario f = s;
  f.training.dtype = "fp8";
  CHECK(evaluate(f).find("memory.training.activations_bytes")->source.find("Transformer Engine") != std::string::npos);
}

TEST_CASE("fp8 training holds an FP8 copy of its weights beside the 16-bit ones (Transformer Engine), in the total",
          "[training-step][memory]") {
  // Transformer Engine user guide, 'Performance Considerations', 'Memory usage', example 2: a 1024 x 1024
  // Linear with BF16 weights holds "2 MB (weight) + 1 MB (weight in FP8)" in FP8 training (published.json).
  const auto& rec = envelope::test::published_record("Transformer Engine FP8 Linear: FP8 weight copy beside the BF16 weight");
  const double copy_per_weight_byte = rec["measured"]["fp8_weight_copy_MB"].get<double>() / rec["measured"]["bf16_weight_MB"].get<double>();
  Scenario s;
  s.model.preset = "llama-2-7b";
  s.hardware.gpu = "h100-sxm";
  s.hardware.count = 8;
  s.training.seq_len = 4096;
  s.training.tensor_parallel = 2;
  s.training.pipeline_parallel = 2;
  s.training.sequence_parallel = true;
  s.training.recipe = "mixed-bf16";  // 2-byte weights, as in the guide's example
  s.training.dtype = "fp8";
  const Report fp8 = evaluate(s);
  CHECK(at(fp8, "memory.training.fp8_weight_copy_bytes") ==
        Approx(at(fp8, "memory.training.weights_bytes") * copy_per_weight_byte).epsilon(1e-9));
  CHECK(at(fp8, "memory.training.total_bytes") ==
        Approx(at(fp8, "memory.training.weights_bytes") + at(fp8, "memory.training.gradients_bytes") +
               at(fp8, "memory.training.optimizer_bytes") + at(fp8, "memory.training.activations_bytes") +
               at(fp8, "memory.training.fp8_weight_copy_bytes")).epsilon(1e-9));
  CHECK(fp8.find("memory.training.fp8_weight_copy_bytes")->source.find("Transformer Engine") != std::string::npos);
  // The step model the planner searches counts the same bytes.
  const TrainingPlan p = training_step(s, scenario_training_layout(s));
  CHECK(p.fp8_weight_copy_bytes == Approx(at(fp8, "memory.training.fp8_weight_copy_bytes")).epsilon(1e-9));
  // MXFP8 and NVFP4 quantize each weight twice, along rows for the forward and along columns for the
  // backward's data gradient, each with its block scales (TransformerEngine d0067d0: module/linear.py
  // weight_quantizer.set_usage(rowwise=True, columnwise=...), MXFP8Quantizer::create_tensor): MXFP8
  // 2 x (1 + 1/32) bytes a weight (E8M0 scale per 32), NVFP4 2 x (0.5 + 1/16) (E4M3 scale per 16).
  Scenario mx = s;
  mx.training.fp8_scaling = "mx";
  const Report rmx = evaluate(mx);
  CHECK(at(rmx, "memory.training.fp8_weight_copy_bytes") ==
        Approx(at(fp8, "memory.training.fp8_weight_copy_bytes") * 2.0625).epsilon(1e-9));
  CHECK(rmx.find("memory.training.fp8_weight_copy_bytes")->formula.find("MXFP8, rowwise + columnwise") != std::string::npos);
  Scenario f4 = s;
  f4.training.dtype = "fp4";
  CHECK(at(evaluate(f4), "memory.training.fp8_weight_copy_bytes") ==
        Approx(at(fp8, "memory.training.fp8_weight_copy_bytes") * 1.125).epsilon(1e-9));
  CHECK(training_step(f4, scenario_training_layout(f4)).fp8_weight_copy_bytes ==
        Approx(at(evaluate(f4), "memory.training.fp8_weight_copy_bytes")).epsilon(1e-9));
  // bf16 training quantizes nothing: no copy, no row.
  Scenario b = s;
  b.training.dtype = "bf16";
  CHECK(evaluate(b).find("memory.training.fp8_weight_copy_bytes") == nullptr);
  CHECK(training_step(b, scenario_training_layout(b)).fp8_weight_copy_bytes == 0);
}

TEST_CASE("MoE layers keep the activations of every routed token copy, beyond the dense MLP's", "[training-step][memory]") {
  // DeepSeek-V3 (technical report, arXiv:2412.19437 sec. 4.2: hidden 7168, 1 shared and 256 routed
  // experts of intermediate size 2048, 8 routed experts per token; the catalog's deepseek-v3). Each
  // of a token's 8 routed copies and its shared expert save what an MLP saves (Korthikanti et al. 2022
  // sec. 4.1: the first linear's input h, the SwiGLU input 2 f, the second linear's input f, 16-bit),
  // in place of the dense 4h MLP of the per-layer formula (fc1 input 2, GeLU input 8, fc2 input 8 s b h).
  const double h = 7168, f = 2048, k = 8, shared = 1, seq = 4096;
  Scenario s;
  s.model.preset = "deepseek-v3";
  s.hardware.gpu = "b200";
  s.hardware.count = 256;
  s.training.seq_len = seq;
  s.training.global_batch = 4096;
  s.training.tensor_parallel = 1;
  s.training.pipeline_parallel = 8;
  s.training.expert_parallel = 32;
  s.training.dtype = "bf16";
  s.training.recompute = "selective";
  const Report r = evaluate(s);
  const double per_copy = 2 * h + 2 * (2 * f) + 2 * f;
  const double expected = seq * ((k + shared) * per_copy - 18 * h);
  CHECK(at(r, "memory.training.moe_activation_bytes_per_layer") == Approx(expected).epsilon(1e-9));
  // activations_bytes adds it once per MoE layer of the stage and micro-batch in flight.
  const TrainingPlan p = training_step(s, scenario_training_layout(s));
  CHECK(at(r, "memory.training.activations_bytes") ==
        Approx(p.activation_bytes_per_layer * p.layers_per_stage * p.micro_batches_in_flight +
               expected * p.moe_layers_per_stage * p.micro_batches_in_flight + p.logits_bytes).epsilon(1e-9));
  CHECK(p.moe_layers_per_stage == Approx(8.0 * 58.0 / 61.0));  // 58 of 61 layers are MoE, 8 on the busiest stage
  // fp8: the linear inputs at 1 byte (Transformer Engine), the SwiGLU input still 16-bit; dense fp8 MLP 1 + 8 + 4.
  Scenario q = s;
  q.training.dtype = "fp8";
  CHECK(at(evaluate(q), "memory.training.moe_activation_bytes_per_layer") ==
        Approx(seq * ((k + shared) * (h + 4 * f + f) - 13 * h)).epsilon(1e-9));
  // Full recompute keeps each layer's input only: no term.
  Scenario full = s;
  full.training.recompute = "full";
  CHECK(evaluate(full).find("memory.training.moe_activation_bytes_per_layer") == nullptr);
  // A dense model has none.
  Scenario dense = s;
  dense.model.preset = "llama-3.1-405b";
  dense.training.expert_parallel = 1;
  CHECK(training_step(dense, scenario_training_layout(dense)).moe_activation_bytes_per_layer == 0);
}

TEST_CASE("DeepSeek-V3 on 2,048 H800 fits at recompute none with the report's own memory savings, each as the report describes it", "[training-step][memory]") {
  // The published run (validation case; DeepSeek-V3 report, arXiv:2412.19437 sec. 3.2: PP 16, EP 64,
  // ZeRO-1, no tensor parallel, FP8) with the savings the report describes set on it: sec. 3.2.3
  // "Recomputation of RMSNorm and MLA Up-Projection"; sec. 3.3.3 "Low-Precision Optimizer States"
  // (AdamW moments in BF16, master weights and gradients FP32) and "Low-Precision Activation" (2)
  // (MoE SwiGLU inputs cached in FP8, output recomputed). No per-GPU memory is published, so each
  // saving is checked against the arithmetic of its description; the whole against the H800.
  const Scenario s = validation_case("train-step-deepseek-deepseek-v3-2048xh800-fp8").scenario;
  REQUIRE(s.training.recompute == "none");  // as published: the report names only these recomputations
  CHECK(s.training.optimizer_state_dtype == "bf16");
  CHECK(s.training.moe_swiglu_cache == "fp8-input");
  CHECK(s.training.recompute_norms);
  CHECK(s.training.recompute_mla_up_projections);
  const Report r = evaluate(s);
  const double device = 80e9;  // H800 SXM 80 GB (assets/hardware.json); the step model plans on 95%
  CHECK(at(r, "memory.training.fits") == 1);
  CHECK(at(r, "memory.training.total_bytes") <= 0.95 * device);
  CHECK(training_step(s, scenario_training_layout(s)).fits);
  bool warned = false;
  for (const Warning& w : r.warnings) warned |= w.path == "memory.training.fits";
  CHECK_FALSE(warned);
  // Without them the same layout does not fit (89 GB): the options are what makes the difference.
  Scenario plain = s;
  plain.training.optimizer_state_dtype = "recipe";
  plain.training.moe_swiglu_cache = "input-and-output";
  plain.training.recompute_norms = false;
  plain.training.recompute_mla_up_projections = false;
  const Report rp = evaluate(plain);
  CHECK(at(rp, "memory.training.total_bytes") > 0.95 * device);
  CHECK(rp.find("memory.training.optimizer_state_saved_bytes") == nullptr);
  CHECK(rp.find("memory.training.recompute_saved_bytes_per_layer") == nullptr);

  // DeepSeek-V3's shape (report sec. 4.2): hidden 7168, MoE intermediate size 2048, 1 shared and 8 of
  // 256 routed experts per token, query and KV compression dimensions 1536 and 512, decoupled RoPE
  // key dimension 64; one 4,096-token sequence per micro-batch on each GPU (no TP, CP or SP).
  const double h = 7168, f = 2048, k = 8, shared = 1, tokens = 4096, q_lora = 1536, kv_lora = 512, rope = 64;
  // Optimizer: master 4 + two moments of 4 bytes (mixed-bf16 + AdamW) -> two moments of 2 bytes.
  CHECK(at(r, "memory.training.optimizer_bytes") / at(rp, "memory.training.optimizer_bytes") == Approx((4.0 + 2 * 2) / (4.0 + 2 * 4)));
  CHECK(at(r, "memory.training.optimizer_state_saved_bytes") ==
        Approx(at(rp, "memory.training.optimizer_bytes") - at(r, "memory.training.optimizer_bytes")));
  CHECK(at(r, "memory.training.gradients_bytes") == at(rp, "memory.training.gradients_bytes"));  // FP32 gradients stay
  // SwiGLU alone: each routed copy and the shared expert cache the 2 f SwiGLU input in 1 byte instead
  // of 2 and no longer keep its f-value output (the FP8 down-projection input): 2 f + f bytes each.
  Scenario swiglu = plain;
  swiglu.training.moe_swiglu_cache = "fp8-input";
  CHECK(at(rp, "memory.training.moe_activation_bytes_per_layer") - at(evaluate(swiglu), "memory.training.moe_activation_bytes_per_layer") ==
        Approx(tokens * (k + shared) * (2 * f + f)).epsilon(1e-9));
  // "input" (round 20; Megatron-Core's recompute_modules "moe_act", in its grouped expert MLP only): the
  // routed copies keep the 16-bit SwiGLU input and drop its output (here the 1-byte FP8 down-projection
  // input, f values); the shared expert keeps both.
  Scenario act = plain;
  act.training.moe_swiglu_cache = "input";
  CHECK(at(rp, "memory.training.moe_activation_bytes_per_layer") - at(evaluate(act), "memory.training.moe_activation_bytes_per_layer") ==
        Approx(tokens * k * f * 1).epsilon(1e-9));
  REQUIRE(evaluate(act).find("memory.training.moe_activation_bytes_per_layer"));
  CHECK(evaluate(act).find("memory.training.moe_activation_bytes_per_layer")->source.view().find("moe_act") != std::string_view::npos);
  // Recomputation, per layer and micro-batch: the RMSNorm outputs Megatron-Core can free (the FP8 inputs
  // of the next linears, h values each): MLA's input norm on every layer and the pre-MLP norm on the 58
  // MoE layers of 61 (the 3 dense layers' is fused into their first linear); and MLA's Q, K, V (2 + 2 + 2
  // bytes x h per token as the per-layer formula counts them) less the latents kept in their place
  // (1536 + 512 + 64 values in FP8).
  const double norms_per_layer = 1.0 + 58.0 / 61.0;
  CHECK(recomputed_norms_per_layer(resolved_architecture(s)) == Approx(norms_per_layer));
  CHECK(at(r, "memory.training.recompute_saved_bytes_per_layer") ==
        Approx(tokens * (norms_per_layer * h * 1) + tokens * (6 * h - (q_lora + kv_lora + rope) * 1)).epsilon(1e-9));
  // With the norms recomputed the MoE input the shared expert reads is not stored either.
  Scenario norms = swiglu;
  norms.training.recompute_norms = true;
  CHECK(at(evaluate(swiglu), "memory.training.moe_activation_bytes_per_layer") - at(evaluate(norms), "memory.training.moe_activation_bytes_per_layer") ==
        Approx(0.0).margin(1.0));  // its shared input and the dense MLP's fc1 input both leave: no change here
  CHECK(at(evaluate(swiglu), "memory.training.activations_bytes") - at(evaluate(norms), "memory.training.activations_bytes") ==
        Approx(tokens * norms_per_layer * h * 4 * 16).epsilon(1e-9));  // the norm outputs x 4 layers on the first stage x 16 micro-batches in flight
  // Full recompute keeps only each layer's input: nothing more to free.
  Scenario full = s;
  full.training.recompute = "full";
  CHECK(evaluate(full).find("memory.training.recompute_saved_bytes_per_layer") == nullptr);
  // Up-projection recompute applies to MLA only.
  Scenario gqa = s;
  gqa.model.preset = "llama-3.1-405b";
  gqa.training.expert_parallel = 1;
  gqa.training.recompute_norms = false;
  CHECK(training_step(gqa, scenario_training_layout(gqa)).recompute_saved_bytes_per_layer == 0);
  // The field table names a bad value and keeps the default.
  const LoadResult bad = load_scenario_json(R"({"version": 4, "training": {"moe_swiglu_cache": "fp4", "optimizer_state_dtype": "int8"}})");
  REQUIRE(bad.problems.size() == 2);
  CHECK(bad.scenario.training.moe_swiglu_cache == "input-and-output");
  CHECK(bad.scenario.training.optimizer_state_dtype == "recipe");
}

TEST_CASE("DeepSeek-V3's multi-token-prediction module: its parameters against the published 14B, its memory counted when trained", "[training-step][memory]") {
  // github.com/deepseek-ai/DeepSeek-V3 README: 685B on Hugging Face = 671B main model + 14B MTP module
  // (tests/reference/published.json). The checkpoint's MTP layer holds its own copy of the embedding
  // and the output head, which training shares with the main model (report sec. 3.2.3), so the module
  // the step model counts is the 14B less those two copies.
  const auto& rec = test::published_record("DeepSeek-V3 multi-token-prediction module weights");
  const double published_mtp = rec["measured"]["mtp_module_params"].get<double>();
  const double h = rec["inputs"]["hidden"].get<double>(), vocab = rec["inputs"]["vocab"].get<double>();
  const Scenario s = validation_case("train-step-deepseek-deepseek-v3-2048xh800-fp8").scenario;
  REQUIRE(s.training.multi_token_prediction);  // the run trained it (report sec. 4.2: MTP depth 1)
  const Report r = evaluate(s);
  const double mtp = at(r, "memory.training.mtp_params");
  CHECK(mtp + 2 * vocab * h == Approx(published_mtp).epsilon(0.05));  // 13.45B of the rounded 14B
  // Not part of the model's own 671B.
  CHECK(params_total(resolved_architecture(s)) == Approx(rec["measured"]["main_model_params"].get<double>()).epsilon(0.01));
  // Its memory is in the total, and the run still fits the H800 at recompute none.
  Scenario without = s;
  without.training.multi_token_prediction = false;
  const Report rw = evaluate(without);
  CHECK(rw.find("memory.training.mtp_bytes") == nullptr);
  CHECK(at(r, "memory.training.total_bytes") - at(rw, "memory.training.total_bytes") ==
        Approx(at(r, "memory.training.mtp_bytes")).epsilon(1e-9));
  CHECK(at(r, "memory.training.fits") == 1);
  CHECK(training_step(s, scenario_training_layout(s)).fits);
  // Its parts: one block's activations for one micro-batch plus a second set of fp32 logits (4 s V
  // bytes, no TP), and model states at least its routed experts' share on this GPU: 256 experts of
  // 3 x 7168 x 2048 over EP 64, weights 2 + FP8 copy 1 + gradients 4 bytes (ZeRO-1 shards the rest).
  const TrainingPlan p = training_step(s, scenario_training_layout(s));
  CHECK(p.mtp_logits_bytes == Approx(4 * 4096 * vocab));
  CHECK(p.mtp_activation_bytes == Approx(p.activation_bytes_per_layer - p.recompute_saved_bytes_per_layer + p.moe_activation_bytes_per_layer));
  CHECK(p.mtp_state_bytes > 256.0 / 64 * 3 * h * 2048 * (2 + 1 + 4));
  // A model without MTP modules has nothing to count.
  Scenario llama = s;
  llama.model.preset = "llama-3.1-405b";
  llama.training.expert_parallel = 1;
  CHECK(training_step(llama, scenario_training_layout(llama)).mtp_bytes == 0);
}

TEST_CASE("DeepSeek-V3's multi-token prediction and MLA up-projection recomputation are compute the step executes", "[training-step]") {
  // DeepSeek-V3 report sec. 2.2 (one MTP depth: a block and the shared output head on every token) and
  // sec. 3.2.3 (MLA up-projections recomputed in back-propagation). Shapes from the model's config.
  const Scenario s = validation_case("train-step-deepseek-deepseek-v3-2048xh800-fp8").scenario;
  REQUIRE(s.training.multi_token_prediction);
  REQUIRE(s.training.recompute_mla_up_projections);
  const double h = 7168, V = 129280, f = 2048, seq = 4096;
  // The block: MLA (q down 7168x1536, q up 1536 x 128 x 192, kv down 7168 x (512 + 64), kv up 512 x 128 x
  // (128 + 128), out 128 x 128 x 7168, two latent norms), 8 routed + 1 shared experts of 3 h f, the
  // router h x 256, two block norms; the 2h x h projection and its two input norms; the head V x h.
  const double mla = h * 1536 + 1536 + 1536 * 128 * 192 + h * 576 + 512 + 512 * 128 * 256 + 128 * 128 * h;
  const double block = mla + 9 * 3 * h * f + h * 256 + 2 * h + 2 * h * h + 2 * h + V * h;
  const double mtp_per_token = 6 * block + 12 * seq * 128 * (192 + 128) / 2 / 2;  // + its causal attention products
  const double mla_up_per_token = 2.0 * 61 * (1536.0 * 128 * 192 + 512.0 * 128 * 256);
  const Architecture a = resolved_architecture(s);
  CHECK(mtp_flops_per_token(a, seq, true) == Approx(mtp_per_token).epsilon(1e-9));
  CHECK(mla_up_projection_recompute_flops_per_token(a) == Approx(mla_up_per_token).epsilon(1e-9));
  // Next to 6 x 37B activated per token: ~4.5% and ~3% more work.
  CHECK(mtp_per_token / (6 * 37e9) == Approx(0.045).margin(0.005));
  CHECK(mla_up_per_token / (6 * 37e9) == Approx(0.030).margin(0.005));
  // In the step's hardware FLOPs (and so its compute time), not in the model FLOPs of its MFU.
  const TrainingLayout L = scenario_training_layout(s);
  const TrainingPlan p = training_step(s, L);
  Scenario plain = s;
  plain.training.multi_token_prediction = false;
  plain.training.recompute_mla_up_projections = false;
  const TrainingPlan q = training_step(plain, L);
  const double tokens = *s.training.global_batch * seq;
  CHECK(p.mtp_flops_per_step == Approx(tokens * mtp_per_token).epsilon(1e-9));
  CHECK(p.mla_recompute_flops_per_step == Approx(tokens * mla_up_per_token).epsilon(1e-9));
  CHECK(p.model_flops_per_step == Approx(q.model_flops_per_step).epsilon(1e-12));
  CHECK(p.hardware_flops_per_step == Approx(q.hardware_flops_per_step + p.mtp_flops_per_step + p.mla_recompute_flops_per_step).epsilon(1e-12));
  // Both run at the fp8 rate (the 16-bit attention products and output head are the main model's).
  CHECK(p.bf16_flops_per_step == Approx(q.bf16_flops_per_step).epsilon(1e-12));
  CHECK((p.compute_seconds - p.bf16_compute_seconds) / (q.compute_seconds - q.bf16_compute_seconds) ==
        Approx((p.hardware_flops_per_step - p.bf16_flops_per_step) / (q.hardware_flops_per_step - q.bf16_flops_per_step)).epsilon(1e-12));
  const Report r = evaluate(s);
  CHECK(at(r, "training.step.mtp_flops") == Approx(p.mtp_flops_per_step));
  CHECK(at(r, "training.step.mla_recompute_flops") == Approx(p.mla_recompute_flops_per_step));
  CHECK(evaluate(plain).find("training.step.mtp_flops") == nullptr);
  // Full recompute repeats the whole forward, MTP included: nothing separate for the up-projections.
  TrainingLayout full = L;
  full.recompute = "full";
  const TrainingPlan pf = training_step(s, full);
  CHECK(pf.mla_recompute_flops_per_step == 0);
  CHECK(pf.hardware_flops_per_step == Approx((pf.model_flops_per_step + pf.mtp_flops_per_step) * 4.0 / 3.0).epsilon(1e-12));
}

TEST_CASE("local-attention layers cost only the pairs inside their window in the training step", "[training-step]") {
  // Gemma 3 27B (google/gemma-3-27b config): 62 layers, 52 of them sliding-window over 1,024 tokens,
  // 32 heads of 128. At a 32,768-token sequence a global layer has s^2/2 causal query-key pairs, a
  // local one s w - w^2/2 (FlashAttention and cuDNN skip the blocks outside the window).
  Scenario s;
  s.model.preset = "gemma-3-27b";
  s.hardware.gpu = "h100-sxm";
  s.hardware.count = 64;
  s.training.seq_len = 32768;
  s.training.global_batch = 64;
  s.training.micro_batch = 1;
  s.training.tensor_parallel = 8;
  s.training.context_parallel = 1;
  s.training.pipeline_parallel = 1;
  const double seq = 32768, w = 1024, width = 32 * 128, B = 64;
  const double pairs = 10 * seq * seq / 2 + 52 * (seq * w - w * w / 2);
  const Architecture a = resolved_architecture(s);
  CHECK(causal_attention_pairs(a, seq) == Approx(pairs).epsilon(1e-12));
  Scenario global = s;
  global.model.window = 0;  // the same model with every layer global
  const TrainingLayout L = scenario_training_layout(s);
  const TrainingPlan local = training_step(s, L), full = training_step(global, L);
  // Executed attention 12 w per pair (forward QK^T and AV, 2 x 2 w per pair, and twice that backward).
  CHECK(full.model_flops_per_step - local.model_flops_per_step ==
        Approx(12 * B * width * (62 * seq * seq / 2 - pairs)).epsilon(1e-9));
  // The windows remove 79% of the attention work, which at 32k tokens is a quarter of the step's
  // FLOPs (6 x 27B per token next to 6 L s w = 50 GFLOP): compute falls by a fifth, at the same rate.
  CHECK(local.compute_seconds / full.compute_seconds == Approx(local.hardware_flops_per_step / full.hardware_flops_per_step).epsilon(1e-9));
  CHECK(local.compute_seconds / full.compute_seconds == Approx(0.81).margin(0.02));
  // Without FlashAttention the whole s x s score matrix is computed and masked: no saving.
  s.training.flash_attention = global.training.flash_attention = false;
  CHECK(training_step(s, L).model_flops_per_step == Approx(training_step(global, L).model_flops_per_step).epsilon(1e-12));
  // Llama 4's chunked attention: each query sees only its own 8,192-token chunk. At 20,480 tokens two
  // full chunks and a half one: 2 x 8192^2/2 + 4096^2/2 pairs per local layer (36 of 48).
  Scenario chunked;
  chunked.model.preset = "llama-4-scout";
  const Architecture c = resolved_architecture(chunked);
  CHECK(causal_attention_pairs(c, 20480) == Approx(12 * 20480.0 * 20480 / 2 + 36 * (2 * 8192.0 * 8192 / 2 + 4096.0 * 4096 / 2)).epsilon(1e-12));
  CHECK(causal_attention_pairs(c, 8192) == Approx(48 * 8192.0 * 8192 / 2).epsilon(1e-12));
}

TEST_CASE("expert parallel is checked against the stage's tensor x data x context parallel GPUs, as the step model folds it", "[training-step]") {
  // Qwen3-235B on 256 H100 (Megatron-Bridge 26.04: TP 2, EP 32): EP divides TP x DP x CP, not DP x CP alone.
  const Scenario s = validation_case("train-step-mb2604-qwen3-235b-a22b-256xh100-sxm-fp8").scenario;
  auto warned = [](const Report& r) {
    for (const Warning& w : r.warnings)
      if (w.path == "training.expert_parallel") return true;
    return false;
  };
  CHECK_FALSE(warned(evaluate(s)));
  Scenario odd = s;
  odd.training.expert_parallel = 3;  // divides neither the 128 experts nor the stage's GPUs
  CHECK(warned(evaluate(odd)));
}

TEST_CASE("training step: fp8 attention runs the attention products at the fp8 rate in fp8 training only", "[training-step]") {
  // Megatron-Bridge 26.08's MXFP8 recipes set mixed_precision.fp8_dot_product_attention (Transformer
  // Engine's fp8 attention); DeepSeek-V3 kept attention in BF16 (report sec. 3.3.1), the default.
  Scenario s = validation_case("train-step-mb2608-qwen3-235b-a22b-256xgb300-fp8").scenario;
  REQUIRE(s.training.fp8_attention);
  REQUIRE(s.training.recompute == "none");
  const TrainingPlan with = training_step(s, scenario_training_layout(s));
  s.training.fp8_attention = false;
  const TrainingPlan without = training_step(s, scenario_training_layout(s));
  const Architecture a = resolved_architecture(s);
  const double tokens = *s.training.global_batch * s.training.seq_len;
  // Only the output head stays at 16 bits; the attention products move to the fp8 kernels.
  CHECK(with.bf16_flops_per_step == Approx(6.0 * a.vocab * a.hidden * tokens).epsilon(1e-9));
  CHECK(without.bf16_flops_per_step > 1.2 * with.bf16_flops_per_step);
  CHECK(with.hardware_flops_per_step == without.hardware_flops_per_step);
  CHECK(with.compute_seconds < without.compute_seconds);
  // In bf16 training there is nothing to move, and NVFP4 recipes keep attention out of fp4.
  for (const char* dtype : {"bf16", "fp4"}) {
    INFO(dtype);
    s.training.dtype = dtype;
    s.training.fp8_attention = false;
    const double off = training_step(s, scenario_training_layout(s)).step_seconds;
    s.training.fp8_attention = true;
    CHECK(training_step(s, scenario_training_layout(s)).step_seconds == off);
  }
  // The flag travels in links and is named in the report's formula.
  s.training.dtype = "fp8";
  check_training_flag_named(s, &TrainingSection::fp8_attention, "training.step.bf16_flops", "fp8_attention");
}

TEST_CASE("training.fp8_params holds fp8 weights only as their FP8 copy and gathers them in FP8", "[training-step][memory]") {
  // MLPerf Training v5.0's Llama 3.1 405B on 512 H100 (TP 8 x PP 8 v 8 x CP 2, DP 4): its config keeps the
  // weights in FP8 (FP8_PARAMS=True: NeMo fp8_params, Megatron-Core --fp8-param-gather). Per-tensor FP8:
  // 1 byte a weight instead of 2 plus the 1-byte copy; the fp32 master stays with the optimizer states.
  auto with_fp8_params = [](Scenario s, bool on) {
    s.training.fp8_params = on;
    return training_step(s, scenario_training_layout(s));
  };
  Scenario s = validation_case("train-step-mlperf50-eos-405b-512xh100-sxm-fp8").scenario;
  REQUIRE(s.training.fp8_params);
  const TrainingLayout L = scenario_training_layout(s);
  const TrainingPlan on = with_fp8_params(s, true), off = with_fp8_params(s, false);
  s.training.fp8_params = false;
  CHECK(on.weights_bytes == Approx(off.weights_bytes / 2));
  CHECK(on.fp8_weight_copy_bytes == 0);
  CHECK(off.fp8_weight_copy_bytes == Approx(off.weights_bytes / 2));
  CHECK(on.optimizer_bytes == off.optimizer_bytes);
  CHECK(on.gradients_bytes == off.gradients_bytes);
  CHECK(off.total_bytes - on.total_bytes == Approx(off.weights_bytes));  // 2 of the 3 bytes a weight
  // The published layout fits as run only with it (the catalog's 80 GB, 95% usable), and the warning of
  // a layout that does not fit names it in fp8 training.
  CHECK(on.fits);
  CHECK_FALSE(off.fits);
  auto fits_warning = [](const Scenario& sc) {
    for (const Warning& w : evaluate(sc).warnings)
      if (w.path == "memory.training.fits") return w.message;
    return std::string();
  };
  CHECK(fits_warning(s).find("training.fp8_params") != std::string::npos);
  s.training.fp8_params = true;
  CHECK(fits_warning(s).empty());
  s.training.fp8_params = false;
  // ZeRO-1 (distributed optimizer): the bf16 gradients reduce-scattered, the weights gathered at their
  // bytes, so the gather's half of the traffic halves: 2 + 1 against 2 + 2.
  CHECK(on.data_parallel_seconds / off.data_parallel_seconds == Approx(0.75).margin(0.01));
  // MXFP8: the rowwise and columnwise copies, 2 x (1 + 1/32) a weight, are the weights.
  s.training.fp8_scaling = "mx";
  s.training.fp8_params = true;
  const TrainingPlan mx = training_step(s, L);
  CHECK(mx.weights_bytes == Approx(off.weights_bytes / 2 * 2 * (1 + 1.0 / 32)));
  CHECK(mx.fp8_weight_copy_bytes == 0);
  // No effect in 16-bit or fp4 training.
  for (const char* dtype : {"bf16", "fp4"}) {
    INFO(dtype);
    s.training.dtype = dtype;
    s.training.fp8_params = false;
    const TrainingPlan a = training_step(s, L);
    s.training.fp8_params = true;
    const TrainingPlan b = training_step(s, L);
    CHECK(a.total_bytes == b.total_bytes);
    CHECK(a.step_seconds == b.step_seconds);
  }
  // The flag travels in links, and the memory report names it in the weights' formula.
  s.training.dtype = "fp8";
  s.training.fp8_scaling = "tensor";
  check_training_flag_named(s, &TrainingSection::fp8_params, "memory.training.weights_bytes", "fp8_params");
  CHECK(evaluate(s).find("memory.training.fp8_weight_copy_bytes") == nullptr);
  // MTP modules kept in BF16 (training.mtp_bf16) keep their 16-bit weights: Nemotron 3.5 Lightning on 8
  // GB200 (MXFP8, MTP in BF16) holds the same MTP states with and without fp8 params.
  Scenario lightning = validation_case("train-step-mb2608-nemotron-3.5-lightning-8xgb200-fp8").scenario;
  REQUIRE(lightning.training.mtp_bf16);
  const TrainingPlan mtp_off = with_fp8_params(lightning, false), mtp_on = with_fp8_params(lightning, true);
  REQUIRE(mtp_off.mtp_state_bytes > 0);
  CHECK(mtp_on.mtp_state_bytes == Approx(mtp_off.mtp_state_bytes));
  // The rest: MXFP8's two copies (2.06 B a weight) replace 2 + 2.06.
  CHECK(mtp_on.weights_bytes + mtp_on.fp8_weight_copy_bytes ==
        Approx((mtp_off.weights_bytes + mtp_off.fp8_weight_copy_bytes) * 2 * (1 + 1.0 / 32) / (2 + 2 * (1 + 1.0 / 32))));
}

TEST_CASE("training step: MXFP8 runs its fp8 kernels at the fitted share of per-tensor FP8's", "[training-step][calibration]") {
  // The constant is the fit: the geometric mean over the jobs one table published in both recipes
  // (Megatron-Bridge 26.06: Llama 3.1 405B on 256 GB300 and on 256 GB200), each record through the
  // step model at its own layout.
  const KernelFit fit = fit_training_kernel_efficiency();
  REQUIRE(fit.mx_pairs.size() == 2);
  CHECK(mx_block_scaling_kernel_ratio() == Approx(fit.mx_ratio).margin(0.0015));
  for (const MxPair& q : fit.mx_pairs) {
    INFO(q.mx_id << " / " << q.tensor_id << ": " << q.ratio << ", without this job " << q.loo_ratio);
    CHECK(q.ratio > 0.8);
    CHECK(q.ratio < 1.0);  // MX block scaling costs time on both jobs
    CHECK(q.loo_ratio == Approx(q.ratio).epsilon(0.05));
  }
  // Out of the fit: the same table's Llama 3 70B SFT ran FP8 and MXFP8 on one layout (TP 1, PP 2, v 20,
  // 32 GPUs): 4,312 / 4,819 tok/s per GPU on GB300, 3,593 / 3,864 on GB200. Envelope's fine-tuning time
  // has no layout, so its MX / per-tensor ratio is the constant itself: within 5% of both.
  for (const char* gpu : {"gb300", "gb200"}) {
    const std::string stem = std::string("ft-time-mb2606-llama-3-70b-sft-32x") + gpu;
    const ValidationCase& mx = validation_case(stem + "-fp8");
    const ValidationCase& cs = validation_case(stem + "-fp8cs");
    REQUIRE(mx.scenario.finetune.fp8_scaling == "mx");
    REQUIRE(cs.scenario.finetune.fp8_scaling == "tensor");
    const double predicted = at(evaluate(mx.scenario), "finetune.tokens_per_second") / at(evaluate(cs.scenario), "finetune.tokens_per_second");
    INFO(gpu << ": predicted " << predicted << ", published " << mx.published / cs.published);
    CHECK(predicted == Approx(mx_block_scaling_kernel_ratio()).epsilon(1e-9));
    CHECK(std::fabs(std::log(predicted / (mx.published / cs.published))) < std::log(1.05));
  }
  // In the step model: the fp8 kernels' efficiency x the ratio, nothing else; bf16 and fp4 ignore it,
  // and a typed kernel efficiency is what it computes.
  Scenario s = validation_case("train-step-mb2606-llama-3.1-405b-256xgb300-fp8").scenario;
  REQUIRE(s.training.fp8_scaling == "mx");
  const TrainingPlan mx_plan = training_step(s, scenario_training_layout(s));
  s.training.fp8_scaling = "tensor";
  const TrainingPlan cs_plan = training_step(s, scenario_training_layout(s));
  CHECK(mx_plan.kernel_efficiency == Approx(cs_plan.kernel_efficiency * mx_block_scaling_kernel_ratio()).epsilon(1e-12));
  CHECK(mx_plan.step_seconds > cs_plan.step_seconds);
  CHECK(mx_plan.hardware_flops_per_step == cs_plan.hardware_flops_per_step);
  for (const char* dtype : {"bf16", "fp4"}) {
    INFO(dtype);
    Scenario t = s;
    t.training.dtype = dtype;
    const double off = training_step(t, scenario_training_layout(t)).step_seconds;
    t.training.fp8_scaling = "mx";
    CHECK(training_step(t, scenario_training_layout(t)).step_seconds == off);
  }
  Scenario typed = s;
  typed.training.kernel_efficiency = 0.5;
  typed.training.fp8_scaling = "mx";
  CHECK(training_step(typed, scenario_training_layout(typed)).kernel_efficiency == 0.5);
  // The setting travels in links and is named in the report's formula.
  s.training.fp8_scaling = "mx";
  const LoadResult back = decode_link(encode_link_fragment(s));
  REQUIRE(back.ok());
  CHECK(back.scenario.training.fp8_scaling == "mx");
  const Report report = evaluate(s);  // kept: the line points into it
  const Result* line = report.find("training.step.kernel_efficiency");
  REQUIRE(line != nullptr);
  CHECK(line->formula.find("MXFP8") != std::string::npos);
  // MXFP8 on a GPU without block-scaled tensor cores computes as typed, with a warning; on Blackwell none.
  const auto warns = [](const Report& r) {
    for (const Warning& w : r.warnings)
      if (w.path == "training.fp8_scaling") return true;
    return false;
  };
  CHECK(!warns(evaluate(s)));
  Scenario hopper = s;
  hopper.hardware.gpu = "h100-sxm";
  CHECK(warns(evaluate(hopper)));
  hopper.training.fp8_scaling = "tensor";
  CHECK(!warns(evaluate(hopper)));
  Scenario ft = validation_case("ft-time-mb2606-llama-3-70b-sft-32xgb300-fp8").scenario;
  const auto ft_warns = [](const Report& r) {
    for (const Warning& w : r.warnings)
      if (w.path == "finetune.fp8_scaling") return true;
    return false;
  };
  CHECK(!ft_warns(evaluate(ft)));
  ft.hardware.gpu = "h100-sxm";
  CHECK(ft_warns(evaluate(ft)));
  // A value outside the two is named in a problem and not read as either (the default stays).
  const LoadResult bad = load_scenario_json(R"({"training": {"dtype": "fp8", "fp8_scaling": "block"}})");
  REQUIRE(bad.ok());
  CHECK(bad.scenario.training.fp8_scaling == "tensor");
  bool named = false;
  for (const Problem& pr : bad.problems) named |= pr.path == "training.fp8_scaling";
  CHECK(named);
}

TEST_CASE("training step: sequence-parallel all-gathers go at the GEMM precision, reduce-scatters at 16 bits", "[training-step]") {
  // Transformer Engine quantizes a GEMM input before it gathers it (gather_along_first_dim with the
  // input / grad-output quantizer: FP8, MXFP8, NVFP4); per layer and micro-batch 4 all-gathers and 4
  // reduce-scatters, the volume of 4 all-reduces (Korthikanti et al. 2022). Same layout, three
  // precisions: the TP traffic scales as 4 x gather bytes + 4 x 2.
  Scenario s = validation_case("train-step-mb2606-llama-3.1-405b-256xgb300-fp4").scenario;
  REQUIRE(s.training.sequence_parallel);
  REQUIRE_FALSE(s.training.tp_comm_overlap);
  auto tp = [&](const char* dtype, const char* scaling) {
    Scenario x = s;
    x.training.dtype = dtype;
    x.training.fp8_scaling = scaling;
    return training_step(x, scenario_training_layout(x)).tensor_parallel_total_seconds;
  };
  const double bf16 = tp("bf16", "tensor"), fp8 = tp("fp8", "tensor"), mx = tp("fp8", "mx"), fp4 = tp("fp4", "tensor");
  CHECK(fp8 / bf16 == Approx((4 * 1.0 + 4 * 2.0) / 16.0).epsilon(0.01));
  CHECK(mx / bf16 == Approx((4 * (1.0 + 1.0 / 32) + 4 * 2.0) / 16.0).epsilon(0.01));
  CHECK(fp4 / bf16 == Approx((4 * 0.5625 + 4 * 2.0) / 16.0).epsilon(0.01));
  // Without sequence parallel: 4 all-reduces in 16 bits whatever the precision.
  s.training.sequence_parallel = false;
  CHECK(tp("fp4", "tensor") == Approx(tp("bf16", "tensor")).epsilon(1e-12));
  // And the report names the bytes.
  const Report report = evaluate(validation_case("train-step-mb2606-llama-3.1-405b-256xgb300-fp4").scenario);
  const Result* line = report.find("training.step.tensor_parallel_seconds");
  REQUIRE(line != nullptr);
  CHECK(line->formula.find("all-gathers at 0.5625 B") != std::string::npos);
}

TEST_CASE("the Memory panel and the Planner agree whether training fits: within 95% of the device's memory", "[training-step][memory]") {
  // Until round 12 memory.training.fits compared the total with the whole device while the step model
  // and the planner kept 5% for allocator fragmentation: between the two the panel said "fits" and the
  // planner "does NOT fit" for the same layout.
  Scenario s = validation_case("train-step-mb2511-llama-3-8b-8xh100-sxm-fp8").scenario;
  s.hardware.gpu = kCustomAccelerator;
  s.hardware.name = "H100-like";
  s.hardware.bandwidth_gbps = 3350;
  s.hardware.peak_tflops = 989;
  s.hardware.memory_gb = 1000;
  const double total = at(evaluate(s), "memory.training.total_bytes");
  REQUIRE(total > 10e9);
  for (const double share : {0.94, 0.97, 1.01}) {
    INFO("total / device memory " << share);
    s.hardware.memory_gb = total / share / 1e9;
    const Report r = evaluate(s);
    CHECK(at(r, "memory.training.total_bytes") == Approx(total).epsilon(1e-12));  // memory does not change the state
    const bool fits = share <= kTrainingUsableMemoryFraction;
    CHECK(at(r, "memory.training.fits") == (fits ? 1 : 0));
    CHECK(training_step(s, scenario_training_layout(s)).fits == fits);
    bool warned = false;
    for (const Warning& w : r.warnings) warned |= w.path == "memory.training.fits";
    CHECK(warned == !fits);
  }
}

TEST_CASE("data-parallel rings pool the NICs of a group's ranks in a node, and routed experts reduce over their own ranks",
          "[training-step]") {
  // NCCL runs a ring channel through the NIC of each of the group's ranks in a node: a ring all-reduce
  // across nodes moves the node's NIC bandwidth (two 8x A100 nodes with four 200 Gb/s NICs measure 86
  // of 100 GB/s bus bandwidth, NVIDIA/nccl issue 1048). Llama 2 7B on 128 H100 (8 a node, 50 GB/s of
  // scale-out each), bf16 gradients, ZeRO-1: one all-reduce of the GPU's dense shard per step.
  Scenario s;
  s.model.preset = "llama-2-7b";
  s.hardware.gpu = "h100-sxm";
  s.hardware.count = 128;
  s.training.grad_reduce_dtype = "bf16";
  s.training.global_batch = 256;
  const Accelerator& g = *Catalog::builtin().find_accelerator("h100-sxm");
  const double nic = collective_bytes_per_s(g.scale_out_bytes_per_s, false), latency = 5e-6;
  TrainingLayout L = scenario_training_layout(s);
  L.pipeline_parallel = 1;
  L.zero_stage = 1;
  L.micro_batch = 1;
  for (const auto& [tp, ranks_in_node] : std::map<int, double>{{1, 8}, {2, 4}, {8, 1}}) {
    INFO("TP " << tp);
    L.tensor_parallel = tp;
    L.data_parallel = 128 / tp;
    const TrainingPlan p = training_step(s, L);
    const double dense_shard = p.state_dense_params / tp;
    CHECK(p.data_parallel_seconds == Approx(ring_allreduce_seconds(2 * dense_shard, 128.0 / tp, ranks_in_node * nic, latency)));
  }
  // DeepSeek-V3 on 256 H800 with EP 8 (a node): the experts' ranks sit one a node and keep one NIC; the
  // dense weights' ranks (TP 1) pool eight.
  Scenario m = validation_case("train-step-deepseek-deepseek-v3-2048xh800-fp8").scenario;
  m.hardware.count = 256;
  m.training.global_batch = 512;
  m.training.grad_reduce_dtype = "bf16";
  TrainingLayout E = scenario_training_layout(m);
  E.tensor_parallel = 1;
  E.pipeline_parallel = 1;
  E.context_parallel = 1;
  E.expert_parallel = 8;
  E.data_parallel = 256;
  E.zero_stage = 1;
  const TrainingPlan pm = training_step(m, E);
  const Accelerator& h800 = *Catalog::builtin().find_accelerator("h800");
  const double nic8 = collective_bytes_per_s(h800.scale_out_bytes_per_s, false);
  // Eight NICs' worth, capped by the H800's 400 GB/s NVLink the ring's in-node hops use.
  const double pooled = std::min(8 * nic8, collective_bytes_per_s(h800.scale_up_bytes_per_s, true));
  CHECK(pooled > 3 * nic8);
  const double expected = ring_allreduce_seconds(pm.state_dense_params * 2, 256, pooled, latency) +
                          ring_allreduce_seconds(pm.state_expert_params / 8 * 2, 32, nic8, latency);
  CHECK(pm.data_parallel_seconds == Approx(expected));
}

TEST_CASE("training.mtp_bf16 runs the MTP modules of an fp8 run at the 16-bit rate, as Megatron-Bridge's Lightning recipes keep them", "[training-step]") {
  // keep_mtp_spec_in_bf16 (perf_recipes/nemotronh/gb200/nemotronh.py, Nemotron 3.5 Lightning): the MTP
  // block's FLOPs join the 16-bit ones (attention products, output head) and it holds no MXFP8 weight copy.
  const ValidationCase& c = validation_case("train-step-mb2608-nemotron-3.5-lightning-8xgb200-fp8");
  Scenario kept = c.scenario;
  REQUIRE(kept.training.mtp_bf16);
  REQUIRE(kept.training.multi_token_prediction);
  Scenario fp8 = kept;
  fp8.training.mtp_bf16 = false;
  const TrainingLayout L = scenario_training_layout(kept);
  const TrainingPlan a = training_step(kept, L), b = training_step(fp8, L);
  REQUIRE(b.mtp_flops_per_step > 0);
  CHECK(a.bf16_flops_per_step - b.bf16_flops_per_step == Approx(b.mtp_flops_per_step).epsilon(1e-9));  // no recompute here
  CHECK(a.hardware_flops_per_step == Approx(b.hardware_flops_per_step));
  CHECK(a.step_seconds > b.step_seconds);
  CHECK(a.mtp_state_bytes < b.mtp_state_bytes);  // no quantized copy of the MTP weights
  // Published 28,672 tok/s per GPU (26.08 table): 1.06x fast with the block in MXFP8, 1.00x kept in BF16.
  CHECK(b.tokens_per_second_per_gpu / c.published == Approx(1.06).epsilon(0.02));
  CHECK(a.tokens_per_second_per_gpu / c.published == Approx(1.0).epsilon(0.02));
  // In a bf16 run it changes nothing; the key travels in links.
  Scenario bf16 = kept;
  bf16.training.dtype = "bf16";
  Scenario bf16_off = bf16;
  bf16_off.training.mtp_bf16 = false;
  CHECK(training_step(bf16, L).step_seconds == Approx(training_step(bf16_off, L).step_seconds).epsilon(1e-12));
  const LoadResult back = decode_link(encode_link_fragment(kept));
  REQUIRE(back.ok());
  CHECK(back.scenario.training.mtp_bf16);
}

TEST_CASE("training.optimizer muon keeps one fp32 momentum per parameter, as Kimi K2's published run trained", "[training-step][memory]") {
  // Muon (Jordan et al. 2024; Liu et al. 2025, arXiv:2502.16982) keeps a momentum buffer where AdamW keeps
  // two moments: mixed-bf16 with its fp32 master weights, 4 + 4 bytes of optimizer state instead of 4 + 8.
  CHECK(recipe_bytes_per_param("mixed-bf16", "muon").optimizer == 8.0);
  CHECK(recipe_bytes_per_param("mixed-bf16", "adamw").optimizer == 12.0);
  CHECK(is_known_optimizer("muon"));
  // Kimi K2 on 256 GB300 as Megatron-Bridge ran it (26.06 table: Muon, PP 4 x VP 4, EP 64, micro-batch 2):
  // its optimizer states are two thirds of AdamW's, and the layout fits at the recompute it had.
  const Scenario& s = validation_case("train-step-mb2606-kimi-k2-256xgb300-fp8").scenario;
  REQUIRE(s.training.optimizer == "muon");
  Scenario adam = s;
  adam.training.optimizer = "adamw";
  const TrainingPlan m = training_step(s, scenario_training_layout(s)), a = training_step(adam, scenario_training_layout(adam));
  CHECK(m.optimizer_bytes / a.optimizer_bytes == Approx(8.0 / 12.0).epsilon(1e-9));
  CHECK(m.gradient_copy_bytes == Approx(a.gradient_copy_bytes).epsilon(1e-12));  // the fp32 gradient shard copy, either way
  CHECK(m.fits);
  CHECK(m.step_seconds == Approx(a.step_seconds).epsilon(1e-12));  // its Newton-Schulz FLOPs are not counted
  // The key travels in links; an unknown optimizer is refused by name.
  const LoadResult back = decode_link(encode_link_fragment(s));
  REQUIRE(back.ok());
  CHECK(back.scenario.training.optimizer == "muon");
  const LoadResult bad = load_scenario_json(R"({"version": 4, "training": {"optimizer": "shampoo"}})");
  REQUIRE(bad.problems.size() == 1);
  CHECK(bad.problems.front().path == "training.optimizer");
}
