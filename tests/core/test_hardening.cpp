// Hostile and degenerate input (issue 12): formatters over every finite double, reader size and
// depth limits, planner list bounds, numbers that used to come out wrong (0 tokens for a free GPU,
// an overflowed ratio shown as 0, "need 0 GPUs", a batch that cannot be split reported as memory),
// cross-field conflicts, and escaping of user text in Markdown and terminal output.
#include <catch2/catch.hpp>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>

#include "envelope/conflicts.hpp"
#include "envelope/evaluate.hpp"
#include "envelope/format.hpp"
#include "envelope/link.hpp"
#include "envelope/planner.hpp"

using namespace envelope;

namespace {

std::string printf_g4(double x) {
  char b[64];
  std::snprintf(b, sizeof b, "%.4g", x);
  return b;
}

// Extremes of the double range plus random bit patterns (every exponent, subnormals included).
std::vector<double> hostile_doubles() {
  std::vector<double> v = {0.0,     -0.0,     DBL_TRUE_MIN, -DBL_TRUE_MIN, 1e-320,  -1e-320, 1e-310,  9.99995e-321,
                           1e-308,  DBL_MIN,  -DBL_MIN,     1e-300,        1e-290,  DBL_MAX, -DBL_MAX, 1e308,
                           9.9999e307, 1e300, 1e22,         1e23,          1e15,    999999.5, 0.00099995};
  std::mt19937_64 rng(12);
  while (v.size() < 20000) {
    const uint64_t bits = rng();
    double x;
    std::memcpy(&x, &bits, sizeof x);
    if (std::isfinite(x)) v.push_back(x);
  }
  return v;
}

bool has_problem(const std::vector<Problem>& problems, const std::string& path, const std::string& words = "") {
  for (const Problem& p : problems)
    if (p.path == path && p.message.find(words) != std::string::npos) return true;
  return false;
}

bool has_warning(const Report& r, const std::string& path, const std::string& words = "") {
  for (const Warning& w : r.warnings)
    if (w.path == path && w.message.find(words) != std::string::npos) return true;
  return false;
}

}  // namespace

// ------------------------------------------------------------------ formatters

TEST_CASE("format_g4 prints what printf %.4g prints for subnormals and the extremes and random bit patterns", "[hardening][format]") {
  for (double x : hostile_doubles()) {
    INFO(x);
    REQUIRE(format_g4(x) == (x == 0 ? "0" : printf_g4(x)));  // -0 prints as 0 in a basis
  }
}

TEST_CASE("format_number format_bytes format_seconds and format_usd read back as the value for every finite double",
          "[hardening][format]") {
  // Each formatter prints at least 3 significant digits, so the printed number reads back within 0.5%.
  auto reads_back = [](const std::string& text, double scale, double x) {
    std::string digits;
    for (char c : text)
      if (c != ',' && c != '$') digits += c;
    char* end = nullptr;
    double y = std::strtod(digits.c_str(), &end);
    if (end == digits.c_str()) return false;
    // Readable suffixes (format.hpp): "6.74 B", "$2.62 M", "1.2 x 10^18".
    const std::string rest = end;
    if (rest == " k") y *= 1e3;
    else if (rest == " M") y *= 1e6;
    else if (rest == " B") y *= 1e9;
    else if (rest == " T") y *= 1e12;
    else if (rest.rfind(" x 10^", 0) == 0) y *= std::pow(10.0, std::stod(rest.substr(6)));
    else if (!rest.empty()) return false;
    const double got = y * scale;
    if (x == 0) return got == 0;
    return std::isfinite(got) ? std::fabs(got - x) <= 5e-3 * std::fabs(x) + 1e-300 : std::fabs(y) >= 1e300 / scale;
  };
  for (double x : hostile_doubles()) {
    INFO(x);
    const std::string n = format_number(x), usd = format_usd(x), sec = format_seconds(std::fabs(x)),
                      bytes = format_bytes(std::fabs(x), false);
    CHECK(reads_back(n, 1, x));
    // Cents: a value under $100 prints with 2 decimals, so only larger amounts must read back exactly.
    if (std::fabs(x) >= 100) CHECK(reads_back(usd.substr(usd[0] == '-' ? 1 : 0), x < 0 ? -1 : 1, x));
    CHECK(usd.find('$') != std::string::npos);
    CHECK(!sec.empty());
    CHECK(!bytes.empty());
    for (const std::string& s : {n, usd, sec, bytes}) {
      CHECK(s.size() < 40);
      CHECK(s.find("inf") == std::string::npos);
      CHECK(s.find("nan") == std::string::npos);
    }
  }
}

TEST_CASE("a scenario whose values underflow to subnormals renders in every format", "[hardening][format]") {
  const LoadResult r = load_scenario_json(R"({"traffic":{"users":1e-320},"storage":{"bytes_per_event":1e-300}})");
  REQUIRE(r.ok());
  REQUIRE(r.problems.empty());
  const Report rep = evaluate(r.scenario);
  const std::string text = rep.to_text() + rep.to_markdown() + rep.to_json();
  CHECK(text.find("(0(") == std::string::npos);
  CHECK(text.find("e-325") == std::string::npos);
}

// ------------------------------------------------------------------ reader limits

TEST_CASE("a plan file nested 5000 levels deep is refused before it is read and not a crash", "[hardening][limits]") {
  for (const std::string& open : {std::string("["), std::string("{\"a\":")}) {
    std::string deep;
    for (int i = 0; i < 5000; ++i) deep += open;
    const PlanFile f = load_plan_file(deep);
    INFO(open);
    CHECK(f.fatal.find("nested deeper than") != std::string::npos);
    const PlanFile g = load_plan_file(R"({"scenario":{"name":)" + deep + "}}");
    CHECK(g.fatal.find("nested deeper than") != std::string::npos);
  }
  std::string brackets(200 * 1024, '[');
  CHECK(!load_plan_file(brackets).fatal.empty());
}

TEST_CASE("scenarios and links nested deeper than the limit are refused whole", "[hardening][limits]") {
  std::string deep = R"({"name":)";
  for (int i = 0; i < 3000; ++i) deep += "[";
  CHECK(load_scenario_json(deep).fatal.find("nested deeper than") != std::string::npos);
  std::string link = "#s=" + percent_encode(R"({"name":)" + std::string(100, '[') + std::string(100, ']') + "}");
  CHECK(decode_link(link).fatal.find("nested deeper than") != std::string::npos);
  // Brackets inside strings are text, not nesting.
  const LoadResult ok = load_scenario_json(R"({"name":")" + std::string(150, '[') + R"("})");
  CHECK(ok.ok());
}

TEST_CASE("a plan file larger than the limit is refused before parsing", "[hardening][limits]") {
  const std::string padded = std::string(300 * 1024, ' ') + R"({"planner":{"mode":"training"}})";
  const PlanFile f = load_plan_file(padded);
  CHECK(f.fatal.find("limit") != std::string::npos);
}

TEST_CASE("planner lists are bounded and deduplicated", "[hardening][limits][planner]") {
  std::string many = R"({"planner":{"mode":"serving","gpus":[)";
  for (int i = 0; i < 2000; ++i) many += std::string(i ? "," : "") + R"("h100-sxm")";
  many += "]}}";
  const PlanFile f = load_plan_file(many);
  CHECK(has_problem(f.problems, "planner.gpus", "at most"));
  // 20,000 entries (240 KB) do not get that far: the file is over its size limit.
  std::string huge = R"({"planner":{"gpus":[)";
  for (int i = 0; i < 20000; ++i) huge += std::string(i ? "," : "") + R"("h100-sxm")";
  CHECK(load_plan_file(huge + "]}}").fatal.find("limit") != std::string::npos);
  const PlanFile d = load_plan_file(R"({"planner":{"gpus":["h100-sxm","h100-sxm","l4"],"weights":["fp8","fp8","bf16","fp8"]}})");
  CHECK(d.problems.empty());
  CHECK(d.request.serving.gpus == std::vector<std::string>{"h100-sxm", "l4"});
  CHECK(d.request.serving.weights == std::vector<std::string>{"fp8", "bf16"});
}

// ------------------------------------------------------------------ wrong numbers

TEST_CASE("a price of 0 with a budget does not claim the budget buys 0 tokens", "[hardening][numbers]") {
  const LoadResult r = load_scenario_json(R"({"hardware":{"price_per_gpu_hour":0},"training":{"budget_usd":100000}})");
  REQUIRE(r.problems.empty());
  const Report rep = evaluate(r.scenario);
  CHECK(rep.find("training.max_tokens_for_budget") == nullptr);
  CHECK(rep.find("training.max_params_for_budget") == nullptr);
  CHECK(rep.find("training.budget_flops") == nullptr);
  CHECK(has_warning(rep, "training.budget_usd", "price"));
  CHECK(rep.value("training.budget_ratio") == 0);  // free compute costs 0 of any budget
}

TEST_CASE("an overflowing budget ratio is reported and not shown as 0 beside an inf", "[hardening][numbers]") {
  const LoadResult r = load_scenario_json(R"({"training":{"budget_usd":1e-320}})");
  REQUIRE(r.problems.empty());
  const Report rep = evaluate(r.scenario);
  CHECK(has_warning(rep, "training.budget_ratio", "too large"));
  for (const Warning& w : rep.warnings) {
    INFO(w.path << ": " << w.message);
    CHECK(w.message.find("inf") == std::string::npos);
  }
}

TEST_CASE("GPU memory not above the runtime overhead says no GPU count fits and not need 0 GPUs", "[hardening][numbers]") {
  const LoadResult r = load_scenario_json(R"({"hardware":{"memory_gb":1},"inference":{"runtime_overhead_gb":2}})");
  REQUIRE(r.problems.empty());
  const Report rep = evaluate(r.scenario);
  CHECK(has_warning(rep, "memory.inference.gpus_to_fit", "runtime overhead"));
  for (const Warning& w : rep.warnings) {
    INFO(w.path << ": " << w.message);
    CHECK(w.message.find("need 0 GPUs") == std::string::npos);
  }
  CHECK(rep.find("memory.inference.gpus_to_fit")->substituted.find("no GPU count fits") != std::string::npos);
  CHECK(rep.value("memory.inference.fits") == 0);
}

TEST_CASE("the training planner blames the batch split and not memory when no GPU count divides the batch", "[hardening][numbers][planner]") {
  Scenario s;  // Llama 2 7B: 32 layers, 32 heads; 37 GPUs (prime) leave data parallel 37, which cannot split 1024
  s.hardware.count = 37;
  TrainingPlannerOptions o;
  o.global_batch = 1024;
  const TrainingPlannerResult t = plan_training(s, o);
  CHECK(t.ranked.empty());
  INFO(t.why_best);
  CHECK(t.why_best.find("global batch") != std::string::npos);
  CHECK(t.why_best.find("memory") == std::string::npos);
  // The same model on 32 GPUs fits: the message was about the split, not the model.
  s.hardware.count = 32;
  CHECK(!plan_training(s, o).ranked.empty());
}

TEST_CASE("a layout whose data parallel does not split the global batch is evaluated with a warning", "[hardening][numbers]") {
  // PaLM 540B's chips with no layout given: data parallel 6,144 over the default 1,024-sequence batch
  // would give each chip a sixth of a sequence (0.167 micro-batches), which no framework runs.
  Scenario s;
  s.model.params = 540.35e9;
  s.hardware.gpu = "tpu-v4";
  s.hardware.count = 6144;
  const Report palm = evaluate(s);
  CHECK(palm.value("training.step.micro_batches") == Approx(1024.0 / 6144));
  CHECK(has_warning(palm, "training.global_batch", "6144"));
  // A batch that splits into whole micro-batches does not warn: 1,024 over 32 x 2 is 16 of them.
  s.hardware.count = 32;
  s.training.micro_batch = 2;
  CHECK(evaluate(s).value("training.step.micro_batches") == 16);
  CHECK_FALSE(has_warning(evaluate(s), "training.global_batch"));
  // 1,000 over 64 is 15.6: the part is named with the multiple that would split.
  s.training.global_batch = 1000;
  s.training.micro_batch = 1;
  s.hardware.count = 64;
  CHECK(has_warning(evaluate(s), "training.global_batch", "use a multiple of 64"));
}

// ------------------------------------------------------------------ cross-field conflicts

TEST_CASE("cross-field conflicts in a scenario are reported and never capped silently", "[hardening][conflicts]") {
  const LoadResult kv = load_scenario_json(R"({"model":{"kv_heads":64}})");  // Llama 2 7B has 32 heads
  CHECK(has_problem(kv.problems, "model.kv_heads", "heads"));
  const LoadResult ept = load_scenario_json(R"({"model":{"preset":"mixtral-8x7b","experts_per_token":9}})");
  CHECK(has_problem(ept.problems, "model.experts_per_token", "experts"));
  const LoadResult few = load_scenario_json(R"({"model":{"preset":"mixtral-8x7b","experts":1}})");
  CHECK(has_problem(few.problems, "model.experts", "experts_per_token"));
  const LoadResult act = load_scenario_json(R"({"model":{"params":7e9,"active_params":8e9}})");
  CHECK(has_problem(act.problems, "model.active_params", "params"));
  // The consistent versions load clean.
  CHECK(load_scenario_json(R"({"model":{"kv_heads":8}})").problems.empty());
  CHECK(load_scenario_json(R"({"model":{"preset":"mixtral-8x7b","experts_per_token":8}})").problems.empty());
  CHECK(load_scenario_json(R"({"model":{"params":7e9,"active_params":7e9}})").problems.empty());
  CHECK(load_scenario_json(R"({"model":{"heads":8}})").problems.empty());  // kv_heads follows heads down
}

TEST_CASE("a conflicting scenario built in code is evaluated with a warning for each conflict", "[hardening][conflicts]") {
  Scenario s;
  s.model.kv_heads = 64;
  s.model.active_params = 2e10;
  const Report rep = evaluate(s);
  CHECK(has_warning(rep, "model.kv_heads"));
  CHECK(has_warning(rep, "model.active_params"));
}

TEST_CASE("duplicate keys in a scenario or plan file are reported", "[hardening][conflicts]") {
  const LoadResult r = load_scenario_json(R"({"model":{"preset":"llama-2-70b"},"model":{"preset":"llama-2-7b"}})");
  CHECK(has_problem(r.problems, "model", "duplicate"));
  const LoadResult inner = load_scenario_json(R"({"inference":{"batch":2,"batch":4}})");
  CHECK(has_problem(inner.problems, "inference.batch", "duplicate"));
  const PlanFile f = load_plan_file(R"({"planner":{"keep":2},"planner":{"keep":3}})");
  CHECK(has_problem(f.problems, "planner", "duplicate"));
}

TEST_CASE("every model preset is consistent by itself so the loader blames only overrides", "[hardening][conflicts]") {
  for (const ModelPreset& m : Catalog::builtin().models) {
    Scenario s;
    s.model.preset = m.id;
    INFO(m.id);
    CHECK(model_conflicts(s).empty());
  }
}

// ------------------------------------------------------------------ escaping

TEST_CASE("terminal_text replaces control characters and invalid UTF-8 and keeps other text", "[hardening][escaping]") {
  CHECK(terminal_text("a\x1b[31mb") == "a?[31mb");
  CHECK(terminal_text("line\r\nnext\t\x7f") == "line??next??");
  CHECK(terminal_text("csi \xc2\x9b" "2J") == "csi ?2J");  // C1 CSI as UTF-8
  CHECK(terminal_text("raw \x9b" "2J \xff") == "raw ?2J ?");   // not UTF-8 at all
  CHECK(terminal_text("50 \xe2\x82\xac, caf\xc3\xa9") == "50 \xe2\x82\xac, caf\xc3\xa9");
  CHECK(terminal_text("\xed\xa0\x80") == "???");  // a UTF-16 surrogate is not UTF-8
}

TEST_CASE("markdown_text makes a name literal Markdown", "[hardening][escaping]") {
  CHECK(markdown_text("<img src=x onerror=alert(1)>") == "\\<img src\\=x onerror\\=alert\\(1\\)\\>");
  CHECK(markdown_text("[click](https://evil.example)") == "\\[click\\]\\(https\\:\\/\\/evil\\.example\\)");
  CHECK(markdown_text("a\n# heading | cell") == "a\\?\\# heading \\| cell");
  CHECK(markdown_text("70B on a budget") == "70B on a budget");
}

TEST_CASE("report Markdown escapes table cells and text output has no control characters", "[hardening][escaping]") {
  Report r;
  r.results.push_back({"x.y", 1, "1", "a | b", "<b>[l](u)</b>", "src\x1b[2J", ""});
  r.warnings.push_back({"x.y", "bad <script> \x1b]0;title\x07"});
  const std::string md = r.to_markdown(), text = r.to_text();
  CHECK(md.find("<b>") == std::string::npos);
  CHECK(md.find("<script>") == std::string::npos);
  CHECK(md.find("\\[l\\](u)") != std::string::npos);  // brackets escaped: no link
  CHECK(md.find("a \\| b") != std::string::npos);
  for (const std::string& s : {md, text})
    for (char c : s) CHECK((c == '\n' || static_cast<unsigned char>(c) >= 0x20));
}
