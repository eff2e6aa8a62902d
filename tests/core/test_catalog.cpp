// The late-2026 catalog additions (issue 14): accelerators against their datasheet records in
// tests/reference/published.json, through the catalog and evaluate(); weight formats with their group
// scales against published checkpoint sizes; the Llama 4 Scout and Kimi K2 presets; and the
// user-defined ("custom") accelerator carried by links and files.
#include <catch2/catch.hpp>

#include "envelope/catalog.hpp"
#include "envelope/evaluate.hpp"
#include "envelope/format.hpp"
#include "envelope/formulas.hpp"
#include "envelope/link.hpp"
#include "envelope/planner.hpp"
#include "envelope/setup.hpp"
#include "helpers.hpp"

using namespace envelope;
using envelope::test::at;
using envelope::test::published_record;

namespace {

const Accelerator& device(const char* id) {
  const Accelerator* a = Catalog::builtin().find_accelerator(id);
  INFO(id);
  REQUIRE(a != nullptr);
  return *a;
}

// A scenario on one device of the catalog (training in bf16, inference of `model` in `weights`).
Scenario on(const char* gpu, const char* model = "llama-3-8b", const char* weights = "bf16") {
  Scenario s;
  s.hardware.gpu = gpu;
  s.model.preset = model;
  s.inference.weights = weights;
  return s;
}

bool warns(const Report& r, const std::string& path) {
  for (const auto& w : r.warnings)
    if (w.path == path) return true;
  return false;
}

}  // namespace

TEST_CASE("new accelerators carry their datasheet figures (dense, sparse figures halved)", "[catalog]") {
  // NVIDIA H20: FP16/BF16 148 TFLOPS dense, 96 GB HBM3 at 4.0 TB/s (spec sheet as reported).
  const auto& h20 = published_record("NVIDIA H20")["measured"];
  CHECK(device("h20").bf16 == Approx(h20["bf16_dense_tflops"].get<double>() * 1e12));
  CHECK(device("h20").fp8 == Approx(h20["fp8_dense_tflops"].get<double>() * 1e12));
  CHECK(device("h20").fp16 < h20["fp16_sparse_tflops"].get<double>() * 1e12);
  CHECK(device("h20").tdp_w == h20["tdp_W"].get<double>());
  CHECK(device("h20").scale_up_bytes_per_s == Approx(h20["nvlink_GBps"].get<double>() * 1e9));
  // RTX 5090 and RTX PRO 6000 and DGX Spark: the published FP4 figure is with sparsity -> half.
  for (const char* rec : {"NVIDIA RTX 5090", "NVIDIA RTX PRO 6000 Blackwell", "NVIDIA DGX Spark (GB10)"}) {
    const auto& m = published_record(rec)["measured"];
    const char* id = std::string(rec) == "NVIDIA RTX 5090" ? "rtx-5090"
                     : std::string(rec) == "NVIDIA DGX Spark (GB10)" ? "dgx-spark" : "rtx-pro-6000";
    INFO(rec);
    CHECK(device(id).fp4 == Approx(m["fp4_sparse_tflops"].get<double>() / 2 * 1e12).epsilon(0.001));
    CHECK(device(id).memory_bytes == Approx(m["memory_GB"].get<double>() * 1e9));
    CHECK(device(id).bandwidth_bytes_per_s == Approx(m["bandwidth_GBps"].get<double>() * 1e9));
    CHECK(device(id).tdp_w == m["tdp_W"].get<double>());
  }
  // GeForce runs FP32 accumulate at half rate: the 5090's 838.4 sparse FP16-accumulate figure / 4.
  CHECK(device("rtx-5090").bf16 ==
        Approx(published_record("NVIDIA RTX 5090")["measured"]["fp16_sparse_tflops"].get<double>() / 4 * 1e12).epsilon(0.001));
  // AWS Neuron docs: Trainium3 144 GiB at 4.9 TB/s, 2,517 MXFP8/MXFP4, 671 BF16; Inferentia2 32 GiB at
  // 820 GiB/s, 190 BF16, 380 INT8.
  const auto& t3 = published_record("AWS Trainium3")["measured"];
  CHECK(device("trainium3").memory_bytes == Approx(t3["memory_GiB"].get<double>() * kGiB).epsilon(0.001));
  CHECK(device("trainium3").bandwidth_bytes_per_s == Approx(t3["bandwidth_TBps"].get<double>() * 1e12));
  CHECK(device("trainium3").fp8 == Approx(t3["mxfp8_tflops"].get<double>() * 1e12));
  CHECK(device("trainium3").fp4 == Approx(t3["mxfp4_tflops"].get<double>() * 1e12));
  CHECK(device("trainium3").scale_up_domain == 144);  // Trn3 Gen2 UltraServer
  const auto& inf2 = published_record("AWS Inferentia2")["measured"];
  CHECK(device("inferentia2").memory_bytes == Approx(inf2["memory_GiB"].get<double>() * kGiB).epsilon(0.001));
  CHECK(device("inferentia2").bandwidth_bytes_per_s == Approx(inf2["bandwidth_GiBps"].get<double>() * kGiB).epsilon(0.001));
  CHECK(device("inferentia2").int8 == Approx(inf2["int8_tops"].get<double>() * 1e12));
  CHECK(device("inf2").id == "inferentia2");  // alias
  CHECK(device("gb10").id == "dgx-spark");
}

TEST_CASE("Apple M-series: the GPU gets about 75% of unified memory, FP16 at the FP32 rate", "[catalog]") {
  for (const char* rec : {"Apple M4 Max", "Apple M3 Ultra"}) {
    const auto& m = published_record(rec)["measured"];
    const char* id = std::string(rec) == "Apple M4 Max" ? "apple-m4-max" : "apple-m3-ultra";
    INFO(rec);
    const double usable = m["unified_memory_GB"].get<double>() * m["gpu_usable_fraction"].get<double>() * 1e9;
    CHECK(device(id).memory_bytes == Approx(usable));
    CHECK(device(id).bandwidth_bytes_per_s == Approx(m["bandwidth_GBps"].get<double>() * 1e9));
    CHECK(device(id).fp16 == Approx(m["fp32_tflops"].get<double>() * 1e12));
    CHECK(device(id).peak_flops(Dtype::q4_0) == device(id).fp16);
  }
  // Through evaluate(): Llama 3.1 405B in Q4_0 (405 B x 4.5 bits = 228 GB) fits the M3 Ultra's
  // 384 GB GPU share on one chip, but not the M4 Max's 96 GB.
  CHECK(at(evaluate(on("apple-m3-ultra", "llama-3.1-405b", "q4_0")), "memory.inference.tensor_parallel_to_fit") == 1);
  CHECK(at(evaluate(on("apple-m4-max", "llama-3.1-405b", "q4_0")), "memory.inference.tensor_parallel_to_fit") > 1);
}

TEST_CASE("new accelerators through evaluate(): dense peak, decode bandwidth, prices or no price", "[catalog]") {
  // Training peak is the dense bf16 figure of the record.
  CHECK(at(evaluate(on("h20")), "hardware.peak_flops") ==
        Approx(published_record("NVIDIA H20")["measured"]["bf16_dense_tflops"].get<double>() * 1e12));
  CHECK(at(evaluate(on("trainium3")), "hardware.peak_flops") ==
        Approx(published_record("AWS Trainium3")["measured"]["bf16_tflops"].get<double>() * 1e12));
  // Decode at batch 1 is bandwidth-bound: the same model decodes faster in proportion to bandwidth
  // (RTX 5090 1,792 GB/s vs RTX 4090 1,008 GB/s, both 'consumer-gpu' efficiency).
  const double t5090 = at(evaluate(on("rtx-5090", "llama-3-8b", "q4_0")), "inference.decode_memory_seconds");
  const double t4090 = at(evaluate(on("rtx-4090", "llama-3-8b", "q4_0")), "inference.decode_memory_seconds");
  CHECK(t4090 / t5090 == Approx(1792.0 / 1008.0).epsilon(0.001));
  // Prices with a public on-demand figure are used; the others say there is none.
  const auto& runpod = published_record("RunPod RTX 5090 / RTX PRO 6000 (2026-03)")["measured"];
  CHECK(at(evaluate(on("rtx-5090")), "hardware.price_per_gpu_hour") ==
        Approx(runpod["RTX_5090_on_demand_usd_per_gpu_hour"].get<double>()));
  CHECK(*device("rtx-pro-6000").spot_usd_per_hour == Approx(runpod["RTX_PRO_6000_spot_usd_per_gpu_hour"].get<double>()));
  CHECK(at(evaluate(on("inferentia2")), "hardware.price_per_gpu_hour") ==
        Approx(published_record("AWS inf2.48xlarge on-demand")["measured"]["usd_per_chip_hour"].get<double>()));
  for (const char* id : {"h20", "dgx-spark", "trainium3", "apple-m4-max", "apple-m3-ultra"}) {
    INFO(id);
    CHECK_FALSE(device(id).on_demand_usd_per_hour.has_value());
    CHECK_FALSE(device(id).spot_usd_per_hour.has_value());
    CHECK(warns(evaluate(on(id)), "hardware.price_per_gpu_hour"));
  }
  CHECK_FALSE(warns(evaluate(on("rtx-5090")), "hardware.price_per_gpu_hour"));
}

TEST_CASE("weight formats: bits per weight include the group scales", "[catalog][formats]") {
  // OCP MX v1.0: E2M1 + one 8-bit scale per 32 -> 4.25. NVIDIA NVFP4: FP8 scale per 16 -> 4.5.
  // GPTQ/AWQ g128: fp16 scale + 4-bit packed zero per 128 -> 4.15625. llama.cpp block_q4_0 18 B / 32,
  // block_q8_0 34 B / 32.
  CHECK(bits_per_weight(Dtype::mxfp4) == 4.25);
  CHECK(bits_per_weight(Dtype::fp4) == bits_per_weight(Dtype::mxfp4));  // "fp4" keeps working: MXFP4
  CHECK(bits_per_weight(Dtype::nvfp4) == 4.5);
  CHECK(bits_per_weight(Dtype::int4) == 4.15625);
  CHECK(bits_per_weight(Dtype::q4_0) == 18 * 8 / 32.0);
  CHECK(bits_per_weight(Dtype::q8_0) == 34 * 8 / 32.0);
  for (Dtype d : {Dtype::int4, Dtype::fp4, Dtype::mxfp4, Dtype::nvfp4, Dtype::q4_0, Dtype::q4_k_m}) {
    INFO(dtype_name(d));
    CHECK(bits_per_weight(d) > 4.0);  // never exactly 4.0 where the format stores scales
    CHECK(dtype_from_name(dtype_name(d)) == d);
  }
  // Through evaluate(): the new names are scenario values and weigh what their layout says.
  const Report r = evaluate(on("b200", "llama-3-70b", "nvfp4"));
  CHECK(at(r, "memory.inference.weights_bytes") == Approx(at(r, "model.params") * 4.5 / 8));
  CHECK(device("b200").peak_flops(Dtype::nvfp4) == device("b200").fp4);
}

TEST_CASE("GGUF LLaMA 7B file sizes from llama-bench: F16, Q8_0 and Q4_0 within 1%", "[catalog][formats]") {
  const auto& m = published_record("llama.cpp LLaMA 7B GGUF sizes (llama-bench)")["measured"];
  Scenario s;
  s.model.preset = "llama-7b";
  auto gib = [&](const char* weights) {
    s.inference.weights = weights;
    return at(evaluate(s), "memory.inference.weights_bytes") / kGiB;
  };
  CHECK(gib("fp16") == Approx(m["F16_GiB"].get<double>()).epsilon(0.01));
  CHECK(gib("q8_0") == Approx(m["Q8_0_GiB"].get<double>()).epsilon(0.01));
  // Q4_0 files keep the output matrix in Q6_K, hence the file is ~1% above all-Q4_0.
  CHECK(gib("q4_0") == Approx(m["Q4_0_GiB"].get<double>()).epsilon(0.015));
  CHECK(gib("q4_0") < m["Q4_0_GiB"].get<double>());
}

TEST_CASE("gpt-oss checkpoints: MXFP4 experts plus bf16 rest match the model card sizes", "[catalog][formats]") {
  // gpt-oss model card Table 1: the MoE weights are MXFP4, everything else bf16; 120b 60.8 GiB,
  // 20b 12.8 GiB. Expert parameters from the preset's architecture; total from evaluate().
  const auto& m = published_record("gpt-oss checkpoint sizes")["measured"];
  for (const auto& [id, key] : {std::pair{"gpt-oss-120b", "120b_GiB"}, std::pair{"gpt-oss-20b", "20b_GiB"}}) {
    INFO(id);
    const Architecture& a = Catalog::builtin().find_model(id)->arch;
    Scenario s;
    s.model.preset = id;
    s.inference.weights = "bf16";
    const double total = at(evaluate(s), "model.params");
    const double experts = moe_layers(a) * a.experts * params_per_expert(a);
    const double bytes = weight_bytes(experts, Dtype::mxfp4) + weight_bytes(total - experts, Dtype::bf16);
    CHECK(bytes / kGiB == Approx(m[key].get<double>()).epsilon(0.01));
    // Counting 4.0 bits (no block scales) misses by 4-6%, well outside the 1% above.
    const double no_scales = experts * 0.5 + weight_bytes(total - experts, Dtype::bf16);
    CHECK(no_scales / kGiB < m[key].get<double>() * 0.97);
  }
}

TEST_CASE("Llama 4 Scout and Kimi K2 presets: parameter counts within 1% of their published counts", "[catalog][models]") {
  const Catalog& c = Catalog::builtin();
  auto params = [](const char* id) {
    Scenario s;
    s.model.preset = id;
    return evaluate(s);
  };
  // Llama 4 model card: Scout 109B total with its vision encoder (0.87B, from the config's
  // vision_config: see the preset's official_source), 17B activated (two significant digits: 2%).
  const Report scout = params("llama-4-scout");
  CHECK(at(scout, "model.params") == Approx(109e9 - 0.87e9).epsilon(0.01));
  CHECK(at(scout, "model.active_params") == Approx(17e9).epsilon(0.02));
  // Kimi K2: Hugging Face safetensors count 1,026.5B; model card "32B activated", which leaves out
  // the 163,840 x 7,168 input embedding (as gpt-oss's card does).
  const Report kimi = params("kimi-k2");
  const Architecture& k = c.find_model("kimi-k2")->arch;
  CHECK(at(kimi, "model.params") == Approx(1026.5e9).epsilon(0.01));
  CHECK(at(kimi, "model.active_params") - k.vocab * k.hidden == Approx(32e9).epsilon(0.016));
  CHECK(kv_cache_bytes_per_token(k, Dtype::bf16) == 61 * (512 + 64) * 2.0);  // MLA latent, as DeepSeek-V3
  for (const char* id : {"llama-4-scout", "kimi-k2"}) {
    INFO(id);
    CHECK_FALSE(c.find_model(id)->official_source.empty());
    CHECK(c.find_model(id)->config_source.find("tests/fixtures/configs/") != std::string::npos);
  }
}

TEST_CASE("a custom accelerator travels in the link and gives the same report after a round trip", "[catalog][custom]") {
  const std::string doc =
      R"({"version":2,"model":{"preset":"llama-3-70b"},"inference":{"weights":"q4_0"},)"
      R"("hardware":{"gpu":"custom","name":"My NPU","memory_gb":64,"bandwidth_gbps":1000,"peak_tflops":300,)"
      R"("tdp_w":250,"price_per_gpu_hour":1.5,"scale_up_gbps":200,"scale_up_domain":4}})";
  const LoadResult l = load_scenario_json(doc);
  REQUIRE(l.ok());
  REQUIRE(l.problems.empty());
  const Report before = evaluate(l.scenario);
  const LoadResult back = decode_link(encode_link_fragment(l.scenario));
  REQUIRE(back.ok());
  REQUIRE(back.problems.empty());
  CHECK(back.scenario.hardware.gpu == "custom");
  CHECK(back.scenario.hardware.name == "My NPU");
  CHECK(evaluate(back.scenario).to_json() == before.to_json());
  // The typed spec is what the estimates use.
  const Accelerator a = resolved_accelerator(back.scenario, Catalog::builtin());
  CHECK(a.name == "My NPU");
  CHECK(a.tdp_w == 250);
  CHECK(a.scale_up_domain == 4);
  CHECK(at(before, "hardware.peak_flops") == 300e12);
  CHECK(at(before, "hardware.price_per_gpu_hour") == 1.5);
  // Decode at batch 1 reads the q4_0 weights at the typed bandwidth (x the default efficiency 0.7).
  CHECK(at(before, "inference.decode_memory_seconds") * 1000e9 * 0.7 ==
        Approx(at(before, "inference.weight_bytes_read_per_step") + at(before, "memory.inference.kv_bytes_per_token") *
                   (l.scenario.inference.prompt_tokens + l.scenario.inference.output_tokens / 2.0))
            .epsilon(0.01));
  // Without a price it has none (never a catalog device's price under another name).
  Scenario free = l.scenario;
  free.hardware.price_per_gpu_hour.reset();
  CHECK(at(evaluate(free), "hardware.price_per_gpu_hour") == 0);
  CHECK(warns(evaluate(free), "hardware.price_per_gpu_hour"));
}

TEST_CASE("a custom accelerator without memory, bandwidth or peak is refused by name", "[catalog][custom]") {
  const LoadResult l = load_scenario_json(R"({"version":2,"hardware":{"gpu":"custom","memory_gb":64}})");
  REQUIRE(l.ok());
  REQUIRE(l.problems.size() == 1);
  CHECK(l.problems[0].path == "hardware.gpu");
  CHECK(l.problems[0].message.find("hardware.bandwidth_gbps") != std::string::npos);
  CHECK(l.problems[0].message.find("hardware.peak_tflops") != std::string::npos);
  CHECK(l.scenario.hardware.gpu == Scenario().hardware.gpu);
}

TEST_CASE("the serving planner sizes a custom accelerator and never ranks it cheapest without a price", "[catalog][custom]") {
  Scenario s;
  s.model.preset = "llama-3-8b";
  s.hardware.gpu = kCustomAccelerator;
  s.hardware.name = "My NPU";
  s.hardware.memory_gb = 80;
  s.hardware.bandwidth_gbps = 3350;  // H100 SXM's memory and bandwidth, a seventh of its price
  s.hardware.peak_tflops = 989;
  s.hardware.price_per_gpu_hour = 1.0;  // below every priced catalog GPU of that speed (GH200 $2.29/h)
  s.traffic.peak_qps = 50;
  ServingPlannerOptions o;
  o.weights = {"bf16"};
  const ServingPlannerResult priced = plan_serving(s, o);
  REQUIRE_FALSE(priced.ranked.empty());
  CHECK(priced.ranked.front().gpu == "custom");  // cheapest: same speed as an H100 at $1/h
  CHECK(priced.ranked.front().usd_per_gpu_hour == 1.0);
  s.hardware.price_per_gpu_hour.reset();
  const ServingPlannerResult unpriced = plan_serving(s, o);
  bool seen = false;
  for (const ServingOption& x : unpriced.ranked)
    if (x.gpu == "custom") {
      seen = true;
      CHECK_FALSE(x.priced);
    }
  CHECK(seen);
  CHECK(unpriced.ranked.front().gpu != "custom");
  CHECK(unpriced.ranked.front().priced);
}

TEST_CASE("a custom accelerator's fp8 and fp4 TFLOPS are used at those precisions, and travel in the link", "[catalog][custom]") {
  // A B200-like device typed by hand: 2,250 dense bf16, 4,500 fp8, 9,000 fp4 TFLOPS (NVIDIA B200
  // datasheet figures, hardware.json), so each precision's compute time comes from its own figure.
  Scenario s;
  s.model.preset = "llama-3-70b";
  s.hardware.gpu = kCustomAccelerator;
  s.hardware.name = "My B200";
  s.hardware.memory_gb = 180;
  s.hardware.bandwidth_gbps = 8000;
  s.hardware.peak_tflops = 2250;
  s.hardware.fp8_tflops = 4500;
  s.hardware.fp4_tflops = 9000;
  const Accelerator a = resolved_accelerator(s, Catalog::builtin());
  CHECK(a.peak_flops(Dtype::bf16) == 2250e12);
  CHECK(a.peak_flops(Dtype::fp8) == 4500e12);
  CHECK(a.peak_flops(Dtype::nvfp4) == 9000e12);
  // Decode compute at each weight precision uses that precision's peak.
  for (const auto& [w, peak] : {std::pair<const char*, double>{"bf16", 2250e12}, {"fp8", 4500e12}, {"nvfp4", 9000e12}}) {
    Scenario x = s;
    x.inference.weights = w;
    const Report r = evaluate(x);
    INFO(w);
    CHECK(r.value("inference.decode_compute_seconds") > 0);
    CHECK(r.find("inference.decode_compute_seconds")->basis().find(format_basis_number(peak)) != std::string::npos);
  }
  // Training at fp8 on the custom device: the step model's peak is the fp8 figure.
  Scenario t = s;
  t.training.dtype = "fp8";
  CHECK(evaluate(t).value("hardware.peak_flops") == 4500e12);
  // Without fp8/fp4 figures every precision runs at peak_tflops (no faster low-precision units).
  Scenario plain = s;
  plain.hardware.fp8_tflops.reset();
  plain.hardware.fp4_tflops.reset();
  CHECK(resolved_accelerator(plain, Catalog::builtin()).peak_flops(Dtype::nvfp4) == 2250e12);
  // Through a link.
  const LoadResult back = decode_link(encode_link_fragment(s));
  REQUIRE(back.problems.empty());
  CHECK(back.scenario.hardware.fp8_tflops == 4500.0);
  CHECK(back.scenario.hardware.fp4_tflops == 9000.0);
  // Selecting a catalog device clears them (they belonged to the custom one).
  Scenario sel = s;
  select_accelerator(sel, "h100-sxm");
  CHECK_FALSE(sel.hardware.fp8_tflops.has_value());
  CHECK_FALSE(sel.hardware.fp4_tflops.has_value());
}

TEST_CASE("costs of a GPU without a price show 'no price', never a confident $0", "[catalog][cost]") {
  // GB300 has no published on-demand price (assets/hardware.json): the report keeps 0 in its values
  // and JSON (the links' contract), marks each cost it enters, and every display says "no price".
  const LoadResult l = load_scenario_json(R"({"model": {"preset": "llama-3-70b"}, "hardware": {"gpu": "gb300", "count": 64},
      "traffic": {"peak_qps": 10}, "include": {"finetune": true}})");
  REQUIRE(l.ok());
  const Report r = evaluate(l.scenario);
  for (const char* path : {"hardware.price_per_gpu_hour", "training.cost_usd", "serving.monthly_cost_usd",
                           "serving.usd_per_million_tokens", "finetune.cost_usd", "cost.training_usd", "cost.monthly_usd",
                           "cost.first_year_usd"}) {
    INFO(path);
    const Result* x = r.find(path);
    REQUIRE(x != nullptr);
    CHECK(x->unpriced);
  }
  // A pure GPU cost reads "no price"; a total with priced parts (storage) says what it lacks.
  CHECK(display_value(*r.find("training.cost_usd"), false) == "no price");
  CHECK(r.value("training.cost_usd") == 0);
  CHECK(r.value("cost.monthly_usd") > 0);
  CHECK(display_value(*r.find("cost.monthly_usd"), false).find("+ unpriced GPUs") != std::string::npos);
  CHECK_FALSE(r.find("storage.monthly_cost_usd")->unpriced);
  CHECK(r.to_text().find("training.cost_usd: no price") != std::string::npos);
  // The only $0.00 left is a real zero (no egress), not a GPU cost.
  const std::string text = r.to_text();
  for (size_t at0 = text.find("$0.00"); at0 != std::string::npos; at0 = text.find("$0.00", at0 + 1)) {
    const size_t line = text.rfind('\n', at0) + 1;
    CHECK(text.substr(line, at0 - line) == "storage.egress_monthly_usd: ");
  }
  CHECK(r.to_json().find("\"unpriced\": true") != std::string::npos);
  // A budget on it: the ratio of a $0 cost to it is no verdict ("no price", not 0), and nothing is
  // said about what the budget buys (its warning says why).
  Scenario budget = l.scenario;
  budget.training.budget_usd = 500000;
  const Report b = evaluate(budget);
  REQUIRE(b.find("training.budget_ratio") != nullptr);
  CHECK(b.unpriced("training.budget_ratio"));
  CHECK(b.to_text().find("training.budget_ratio: no price") != std::string::npos);
  CHECK(b.find("training.max_tokens_for_budget") == nullptr);
  // A typed price, or a GPU with a published one, is a price: nothing is marked.
  Scenario typed = l.scenario;
  typed.hardware.price_per_gpu_hour = 0;  // what the user typed, $0 included, is what is computed
  for (const Scenario& s : {typed, [&] {
                              Scenario h = l.scenario;
                              h.hardware.gpu = "h100-sxm";
                              return h;
                            }()}) {
    const Report p = evaluate(s);
    for (const Result& x : p.results) {
      INFO(x.path);
      CHECK_FALSE(x.unpriced);
    }
  }
  // Serving on a priced serving.gpu keeps its costs, while training on the unpriced GPU says "no price".
  Scenario split = l.scenario;
  split.serving.gpu = "h100-sxm";
  const Report q = evaluate(split);
  CHECK(q.find("training.cost_usd")->unpriced);
  CHECK_FALSE(q.find("serving.monthly_cost_usd")->unpriced);
  CHECK(q.find("cost.first_year_usd")->unpriced);  // it includes the training cost
  // The planner's table says so too.
  const PlanFile f = load_plan_file(R"({"scenario": {"model": {"preset": "llama-3-70b"}, "hardware": {"gpu": "gb300", "count": 64}}})");
  REQUIRE(f.fatal.empty());
  TrainingPlannerOptions o;
  o.keep = 3;
  const TrainingPlannerResult tp = plan_training(f.scenario, o);
  REQUIRE_FALSE(tp.ranked.empty());
  const std::string plan = plan_to_text(f, &tp, nullptr);
  CHECK(plan.find("no price") != std::string::npos);
  CHECK(plan.find("$0.00") == std::string::npos);
}
