// Fidelity: every validation case (assets/validation.json) within its tolerance, or excluded with a
// reason documented in docs/calibration.md; each case's published figure matches its record in
// tests/reference/published.json; the error bands reach the report.
#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "envelope/calibration.hpp"
#include "envelope/evaluate.hpp"
#include "envelope/validation.hpp"
#include "helpers.hpp"

using namespace envelope;

namespace {
// "measured.gpu_hours", "measured.first_token_latency_ms/1000", "measured.activations_GB*1e9",
// "measured.qlora_GB/2*1e9" (both: divided, then multiplied)
double read_field(const nlohmann::json& record, std::string field) {
  double scale = 1;
  if (auto star = field.find('*'); star != std::string::npos) {
    scale = std::stod(field.substr(star + 1));
    field = field.substr(0, star);
  }
  if (auto slash = field.find('/'); slash != std::string::npos) {
    scale /= std::stod(field.substr(slash + 1));
    field = field.substr(0, slash);
  }
  const nlohmann::json* node = &record;
  size_t start = 0;
  for (size_t dot; (dot = field.find('.', start)) != std::string::npos; start = dot + 1) node = &(*node)[field.substr(start, dot - start)];
  return (*node)[field.substr(start)].get<double>() * scale;
}
}  // namespace

TEST_CASE("validation values print readably, never in scientific notation (CLI and the Validation panel)", "[validation]") {
  // The panel printed %.4g until round 15: LLaMA-7B's 75,078 GPU-h predicted showed as 7.508e+04, cut
  // to "7" in its column.
  for (const CaseResult& r : validate().results) {
    INFO(r.c->id);
    for (double v : {r.predicted, r.c->published}) {
      const std::string text = validation_value_text(v, r.c->unit);
      CHECK(text.find("e+") == std::string::npos);
      CHECK(text.find("e-") == std::string::npos);
      CHECK_FALSE(text.empty());
    }
  }
  CHECK(validation_value_text(82432, "GPU-h") == "82.4 k GPU-h");
  CHECK(validation_value_text(0.41, "MFU") == "41 % MFU");
}

TEST_CASE("the validation set covers every category the fidelity issue names", "[validation]") {
  const auto& cases = validation_cases();
  REQUIRE(cases.size() >= 40);
  for (const char* category : {"training", "decode", "batched-decode", "ttft", "memory"}) {
    int n = 0;
    for (const auto& c : cases) n += c.category == category;
    INFO(category);
    CHECK(n >= 4);
  }
}

TEST_CASE("each case's published figure is the one in published.json", "[validation]") {
  for (const ValidationCase& c : validation_cases()) {
    INFO(c.id << " <- '" << c.record << "' " << c.field);
    const auto& rec = envelope::test::published_record(c.record);
    CHECK(c.published == Approx(read_field(rec, c.field)).epsilon(1e-9));
  }
}

TEST_CASE("every validation case is within its tolerance, or excluded with a documented reason", "[validation]") {
  std::ifstream f(std::string(ENVELOPE_LINKS_DIR) + "/../../docs/calibration.md");
  REQUIRE(f.good());
  std::stringstream doc;
  doc << f.rdbuf();
  const ValidationReport v = validate();
  REQUIRE(v.results.size() == validation_cases().size());
  for (const CaseResult& r : v.results) {
    INFO(r.c->id << ": predicted " << r.predicted << " published " << r.c->published << " ratio " << r.ratio << " (tolerance "
                 << r.c->tolerance << "x)");
    if (r.c->excluded.empty()) {
      CHECK(r.within);
    } else {
      // An excluded case really is out of tolerance, and docs/calibration.md says why.
      CHECK_FALSE(r.within);
      CHECK(doc.str().find("`" + r.c->id + "`") != std::string::npos);
    }
  }
}

TEST_CASE("tolerances are the ones the fidelity issue sets", "[validation]") {
  for (const ValidationCase& c : validation_cases()) {
    INFO(c.id);
    if (c.category == "training") CHECK(c.tolerance == Approx(1.35));
    if (c.category == "memory") CHECK(c.tolerance == Approx(1.10));
    if (c.category == "decode") CHECK(c.tolerance == Approx(1.30));
    if (c.category == "batched-decode" || c.category == "ttft") CHECK(c.tolerance == Approx(1.35));
  }
}

TEST_CASE("every estimate in a validated category carries its error band", "[validation]") {
  const Report r = evaluate(Scenario{});
  for (const char* path : {"training.gpu_hours", "inference.tokens_per_second", "inference.prefill_seconds",
                           "memory.inference.kv_cache_bytes", "inference.sustained_tokens_per_second"}) {
    INFO(path);
    const Result* x = r.find(path);
    REQUIRE(x != nullptr);
    CHECK(x->error_band.find("cases)") != std::string::npos);
  }
  CHECK(r.find("traffic.peak_qps")->error_band.empty());  // plain arithmetic: no model error
  CHECK(r.to_json().find("\"error\"") != std::string::npos);
  // A band counts its cases in words: "1 case", "4 cases".
  CategorySummary one;
  one.category = "training-flops";
  one.cases = 1;
  CHECK(one.band() == "+-0% typical, +-0% worst (training-flops, 1 case)");
  one.cases = 4;
  CHECK(one.band() == "+-0% typical, +-0% worst (training-flops, 4 cases)");
}

TEST_CASE("the stored error bands equal a fresh validation run (regenerate with scripts/calibration-doc)", "[validation]") {
  const std::vector<CategorySummary> fresh = validate().categories;
  const std::vector<CategorySummary> stored = stored_error_bands();
  REQUIRE(fresh.size() > 5);
  REQUIRE(stored.size() == fresh.size());
  for (size_t i = 0; i < fresh.size(); ++i) {
    INFO(fresh[i].category);
    CHECK(stored[i].category == fresh[i].category);
    CHECK(stored[i].cases == fresh[i].cases);
    // nlohmann writes doubles in round-trip form: equal up to the last bit.
    CHECK(stored[i].median_abs_log == Approx(fresh[i].median_abs_log).epsilon(1e-12).margin(1e-15));
    CHECK(stored[i].worst_abs_log == Approx(fresh[i].worst_abs_log).epsilon(1e-12).margin(1e-15));
    CHECK(stored[i].band_text == fresh[i].band());
  }
  // The excluded measured runs named beside the bands (band_gap_warnings) are the fresh ones too.
  const std::vector<BandGap> fresh_gaps = validate().gaps(), stored_gaps = stored_band_gaps();
  REQUIRE(fresh_gaps.size() >= 10);
  REQUIRE(stored_gaps.size() == fresh_gaps.size());
  for (size_t i = 0; i < fresh_gaps.size(); ++i) {
    INFO(fresh_gaps[i].id);
    CHECK(stored_gaps[i].id == fresh_gaps[i].id);
    CHECK(stored_gaps[i].metric == fresh_gaps[i].metric);
    CHECK(stored_gaps[i].record == fresh_gaps[i].record);
    CHECK(stored_gaps[i].model == fresh_gaps[i].model);
    CHECK(stored_gaps[i].gpu == fresh_gaps[i].gpu);
    CHECK(stored_gaps[i].ratio == Approx(fresh_gaps[i].ratio).epsilon(1e-12));
  }
  // evaluate() carries the stored bands (no validation run behind it).
  const Report r = evaluate(Scenario{});
  const Result* x = r.find("training.gpu_hours");
  REQUIRE(x != nullptr);
  bool found = false;
  for (const CategorySummary& c : stored) found = found || (x->error_band == c.band_text && c.category == "training");
  CHECK(found);
}

TEST_CASE("docs/calibration.md shows the current residuals and kernel fit (regenerate with scripts/calibration-doc)",
          "[validation]") {
  std::ifstream f(std::string(ENVELOPE_LINKS_DIR) + "/../../docs/calibration.md");
  REQUIRE(f.good());
  std::stringstream doc;
  doc << f.rdbuf();
  // The residuals and the training step model's kernel-efficiency fit with its leave-one-out errors.
  const std::string table = validate().to_markdown() + fit_training_kernel_efficiency().to_markdown();
  // Every line of the generated table (cases and category summary) stands in the document.
  std::stringstream lines(table);
  for (std::string line; std::getline(lines, line);) {
    INFO(line);
    CHECK(doc.str().find(line) != std::string::npos);
  }
}

TEST_CASE("envelope validate prints readable figures in text and Markdown, never scientific notation", "[validation]") {
  // Users: 6.74 B, not 6.738e+09 (issue 13). The text and Markdown tables show each predicted and
  // published figure with its unit; JSON keeps SI numbers.
  const ValidationReport v = validate();
  REQUIRE(!v.results.empty());
  for (const std::string& out : {v.to_text(), v.to_markdown()}) {
    const size_t i = envelope::test::scientific_notation_at(out);
    const std::string first_exponent = i == std::string::npos ? "" : out.substr(i > 40 ? i - 40 : 0, 80);  // the text around it
    CHECK(first_exponent == "");
  }
  CHECK(v.to_text().find("1.875 GB") != std::string::npos);  // mem-zero3-7.5b: 1.875e9 bytes predicted
}

TEST_CASE("a category with no scored case states no error, never +-0%", "[validation]") {
  // qlora-dequantize: both published cases are shown but excluded (docs/calibration.md).
  const ValidationReport v = validate();
  int empty = 0;
  for (const CategorySummary& c : v.categories) {
    if (c.cases > 0) continue;
    INFO(c.category);
    ++empty;
    CHECK(c.band_text.find("0%") == std::string::npos);
    CHECK(c.band_text.find("no scored case") != std::string::npos);
    CHECK(v.to_markdown().find("| " + c.category + " | 0 | - | - |") != std::string::npos);
  }
  CHECK(empty >= 1);
  // And its estimates carry no band.
  const ValidationCase* dq = nullptr;
  for (const ValidationCase& c : validation_cases())
    if (c.id == "ft-qlora-dequant-litgpt-llama2-7b-a100") dq = &c;
  REQUIRE(dq != nullptr);
  const Report r = evaluate(dq->scenario);
  const Result* x = r.find("finetune.qlora_dequantize_seconds_per_step");
  REQUIRE(x != nullptr);
  CHECK(x->error_band.empty());
}

namespace {
// The band-gap warnings of a report at one path (band_gap_warnings' wording: "Envelope predicts").
std::vector<std::string> gap_warnings(const Report& r, const std::string& path) {
  std::vector<std::string> out;
  for (const Warning& w : r.warnings)
    if (w.path == path && w.message.find("published run") != std::string::npos) out.push_back(w.message);
  return out;
}
}  // namespace

TEST_CASE("an estimate names the published runs of its model on its GPU that the error band leaves out", "[validation]") {
  // A band that leaves a run out must not read as covering it: gpt-oss-120b's Blackwell runs are
  // excluded from the training-throughput band (docs/calibration.md), so a gpt-oss training estimate
  // on those GPUs says how far off the model was there.
  const std::vector<BandGap>& gaps = band_gaps();
  REQUIRE(gaps.size() >= 10);
  // Every stored gap is named on its own case's estimate, with its ratio as printed; its model and GPU
  // are catalog ids (what band_gap_warnings compares), not aliases.
  for (const BandGap& g : gaps) {
    INFO(g.id);
    REQUIRE(Catalog::builtin().find_model(g.model) != nullptr);
    REQUIRE(Catalog::builtin().find_accelerator(g.gpu) != nullptr);
    CHECK(Catalog::builtin().find_model(g.model)->id == g.model);
    CHECK(Catalog::builtin().find_accelerator(g.gpu)->id == g.gpu);
    const ValidationCase& c = envelope::test::validation_case(g.id);
    CHECK(!c.excluded.empty());
    CHECK(c.measured);
    const std::vector<std::string> w = gap_warnings(evaluate(c.scenario), g.metric);
    REQUIRE(w.size() == 1);
    CHECK(w[0].find(g.record) != std::string::npos);
    char ratio[32];
    std::snprintf(ratio, sizeof ratio, "%.2fx", g.ratio);
    CHECK(w[0].find(ratio) != std::string::npos);
  }
  // Two runs on one GPU: one warning with the range and both records.
  const std::vector<std::string> gb200 =
      gap_warnings(evaluate(envelope::test::validation_case("train-step-mb2608-gpt-oss-120b-64xgb200-fp8").scenario), "training.step.tokens_per_second_per_gpu");
  REQUIRE(gb200.size() == 1);
  CHECK(gb200[0].find("what 2 published runs of gpt-oss-120b on NVIDIA GB200") != std::string::npos);
  CHECK(gb200[0].find("Megatron-Bridge 26.04.01 gpt-oss-120b on 64 GB200, EP64 (BF16)") != std::string::npos);
  CHECK(gb200[0].find("Megatron-Bridge 26.08 gpt-oss-120b on 64 GB200, EP64 (MXFP8)") != std::string::npos);
  // gpt-oss on H100 (1.23x, outside the band since round 27) is named too; a scored run of another model
  // on a gap's GPU says nothing.
  const std::vector<std::string> on_h100 =
      gap_warnings(evaluate(envelope::test::validation_case("train-step-mb2604-gpt-oss-120b-64xh100-sxm-bf16").scenario),
                   "training.step.tokens_per_second_per_gpu");
  REQUIRE(on_h100.size() == 1);
  CHECK(on_h100[0].find("Megatron-Bridge 26.04.01 gpt-oss-120b on 64 H100") != std::string::npos);
  CHECK(gap_warnings(evaluate(envelope::test::validation_case("train-step-mb2604-deepseek-v3-256xb200-fp8").scenario),
                     "training.step.tokens_per_second_per_gpu").empty());
  // Nor does a section the scenario leaves out, an imported model under the preset's id, or a
  // recommendation that is not a measurement (Falcon-180B's hardware advice, measured: false).
  Scenario no_training = envelope::test::validation_case("train-step-mb2604-gpt-oss-120b-64xb200-bf16").scenario;
  no_training.include.training = false;
  CHECK(gap_warnings(evaluate(no_training), "training.step.tokens_per_second_per_gpu").empty());
  Scenario imported = envelope::test::validation_case("train-step-mb2604-gpt-oss-120b-64xb200-bf16").scenario;
  imported.model.name = "my-imported-model";
  CHECK(gap_warnings(evaluate(imported), "training.step.tokens_per_second_per_gpu").empty());
  const ValidationCase& falcon = envelope::test::validation_case("ft-falcon-180b-qlora");
  CHECK_FALSE(falcon.measured);
  CHECK(gap_warnings(evaluate(falcon.scenario), falcon.metric.front()).empty());
  for (const BandGap& g : gaps) CHECK(g.id.rfind("ft-falcon", 0) != 0);
  // A run on an edited accelerator measured another part: torchtitan's 96 GB, 500 W H100s (its six
  // excluded runs) are named on no H100 SXM estimate, though excluded and measured.
  const ValidationCase& titan = envelope::test::validation_case("train-step-tt2412-llama-3-8b-8xh100-sxm-fp8-cp8-seq256k");
  REQUIRE(!titan.excluded.empty());
  REQUIRE(titan.scenario.hardware.peak_tflops.has_value());
  for (const BandGap& g : gaps) CHECK(g.id.rfind("train-step-tt2", 0) != 0);
  Scenario h100 = titan.scenario;
  h100.hardware = HardwareSection{};
  h100.hardware.gpu = "h100-sxm";
  h100.hardware.count = 8;
  CHECK(gap_warnings(evaluate(h100), "training.step.tokens_per_second_per_gpu").empty());
}

TEST_CASE("the page's validation set names each source once and goes as columns, and its cases read back", "[validation]") {
  // cmake/asset_tables.py --page writes a case's "source" as an index into a top-level "sources"
  // (tests/page/check_page_assets.py checks the generated file against assets/validation.json).
  const std::string page = R"({"cases": [
      {"id": "a", "category": "memory", "source": 1, "published": 1},
      {"id": "b", "category": "memory", "source": 0, "published": 1},
      {"id": "c", "category": "memory", "source": "as written", "published": 1},
      {"id": "d", "category": "memory", "source": 7, "published": 1},
      {"id": "e", "category": "memory", "source": -1, "published": 1}],
    "sources": ["Paper A, Table 1", "Datasheet B"]})";
  const std::vector<ValidationCase> cases = parse_validation_cases(page);
  REQUIRE(cases.size() == 5);
  CHECK(cases[0].source == "Datasheet B");
  CHECK(cases[1].source == "Paper A, Table 1");
  CHECK(cases[2].source == "as written");  // the file's own form
  CHECK(cases[3].source.empty());          // an index past the list: no source, no crash
  CHECK(cases[4].source.empty());
  // The page's cases go as columns (one array per key, null where a case has none): the same cases.
  const std::string columns = R"({"case_columns": {
      "id": ["a", "b", "c"], "category": ["memory", "memory", "training"], "source": [1, 0, 1],
      "published": [1, 2, 3], "excluded": [null, "a reason", null]},
    "sources": ["Paper A, Table 1", "Datasheet B"]})";
  const std::vector<ValidationCase> from_columns = parse_validation_cases(columns);
  REQUIRE(from_columns.size() == 3);
  CHECK(from_columns[0].id == "a");
  CHECK(from_columns[0].source == "Datasheet B");
  CHECK(from_columns[0].excluded.empty());
  CHECK(from_columns[1].excluded == "a reason");
  CHECK(from_columns[1].published == 2);
  CHECK(from_columns[2].category == "training");
  CHECK(parse_validation_cases(R"({"case_columns": 3})").empty());  // malformed: nothing, no crash
  CHECK(parse_validation_cases(R"({"cases": [1, "x"]})").empty());
  // The whole set in the page's form (sources by index, cases as columns, as cmake/asset_tables.py --page
  // writes it) reads back case for case.
  nlohmann::json file = nlohmann::json::parse(embedded_asset("validation.json"));
  nlohmann::json sources = nlohmann::json::array(), cols = nlohmann::json::object();
  const nlohmann::json& file_cases = file["cases"];
  for (size_t i = 0; i < file_cases.size(); ++i) {
    nlohmann::json c = file_cases[i];
    const auto at = std::find(sources.begin(), sources.end(), c["source"]);
    c["source"] = at == sources.end() ? sources.size() : static_cast<size_t>(at - sources.begin());
    if (at == sources.end()) sources.push_back(file_cases[i]["source"]);
    for (auto& [key, value] : c.items()) {
      if (!cols.contains(key)) cols[key] = nlohmann::json::array();
      while (cols[key].size() < i) cols[key].push_back(nullptr);
      cols[key].push_back(value);
    }
  }
  const std::vector<ValidationCase> paged =
      parse_validation_cases(nlohmann::json{{"case_columns", cols}, {"sources", sources}}.dump());
  REQUIRE(paged.size() == validation_cases().size());
  for (size_t i = 0; i < paged.size(); ++i) {
    const ValidationCase &a = paged[i], &b = validation_cases()[i];
    INFO(b.id);
    CHECK(a.id == b.id);
    CHECK(a.source == b.source);
    CHECK(a.excluded == b.excluded);
    CHECK(a.published == b.published);
    CHECK(a.metric == b.metric);
    CHECK(scenario_to_json(a.scenario) == scenario_to_json(b.scenario));
  }
  // The embedded set (the file's form natively) reads the same way: every case has its source.
  const std::vector<ValidationCase> all = parse_validation_cases(embedded_asset("validation.json"));
  REQUIRE(all.size() == validation_cases().size());
  for (const ValidationCase& c : all) CHECK(!c.source.empty());
}

TEST_CASE("a kv-limited case's batch stops at the engine's stated limit on running sequences", "[validation]") {
  // AMD's vLLM run of Llama 3.1 405B at 2,048 in / 2,048 out ran max_num_seqs 500 (its row), where the
  // KV cache of 8 MI300X holds more: the case's serving.batch caps the KV-limited batch.
  const ValidationCase& c = envelope::test::validation_case("vllm-rocm-llama-3.1-405b-mi300x-fp8-tp8-in2048-out2048");
  REQUIRE(c.kv_limited_batch);
  REQUIRE(c.scenario.serving.batch.has_value());
  CHECK(*c.scenario.serving.batch == 500);
  Scenario uncapped = c.scenario;
  uncapped.serving.batch.reset();
  const double kv_limit = *at_kv_limited_batch(uncapped).serving.batch;
  CHECK(kv_limit > 500);
  CHECK(*at_kv_limited_batch(c.scenario).serving.batch == 500);
  // A cap above the KV limit changes nothing.
  Scenario loose = c.scenario;
  loose.serving.batch = kv_limit * 10;
  CHECK(*at_kv_limited_batch(loose).serving.batch == kv_limit);
  // The NVIDIA cases state no cap: the KV limit, as before.
  CHECK_FALSE(envelope::test::validation_case("trt-inflight-llama-3.1-405b-h100-sxm-fp8-tp8-in128-out2048").scenario.serving.batch.has_value());
}
