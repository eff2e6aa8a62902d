// The scenario contract: validation of every class of bad input, minimal JSON, links (round trip,
// golden links of each released version), and properties of evaluate() over random valid scenarios.
#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "envelope/evaluate.hpp"
#include "envelope/examples.hpp"
#include "envelope/formulas.hpp"
#include "envelope/link.hpp"
#include "random_scenario.hpp"

using namespace envelope;

namespace {
bool has_problem(const LoadResult& r, const std::string& path) {
  for (const Problem& p : r.problems)
    if (p.path == path) return true;
  return false;
}
}  // namespace

TEST_CASE("a link that is not JSON is refused whole, with a reason", "[scenario][validation]") {
  for (const char* bad : {"#s=%7Bnot json", "#s=", "", "#s=[1,2,3]", "#s=42", "#s=%22text%22", "#other=1", "#s={\"a\":NaN}",
                          "#s={\"version\":Infinity}"}) {
    INFO(bad);
    const LoadResult r = decode_link(bad);
    CHECK_FALSE(r.ok());
    CHECK_FALSE(r.fatal.empty());
  }
}

TEST_CASE("bad fields are listed by path - the good ones still load", "[scenario][validation]") {
  const LoadResult r = load_scenario_json(R"({"version":1,
    "hardware":{"gpu":"h100-sxm","count":-4},
    "training":{"tokens":"lots","mfu":7,"recipe":"magic","zero_stage":1.5,"flash_attention":"yes"},
    "inference":{"batch":32,"weights":"fp8"},
    "model":{"preset":"gpt-9"},
    "traffic":{"users":1e99},
    "mystery":{"x":1},
    "storage":5})");
  REQUIRE(r.ok());
  for (const char* path : {"hardware.count", "training.tokens", "training.mfu", "training.recipe", "training.zero_stage",
                           "training.flash_attention", "model.preset", "traffic.users", "mystery", "storage"}) {
    INFO(path);
    CHECK(has_problem(r, path));
  }
  // Good fields are kept; bad ones keep their defaults.
  const Scenario defaults;
  CHECK(r.scenario.hardware.gpu == "h100-sxm");
  CHECK(r.scenario.inference.batch == 32);
  CHECK(r.scenario.inference.weights == "fp8");
  CHECK(r.scenario.hardware.count == defaults.hardware.count);
  CHECK(r.scenario.training.tokens == defaults.training.tokens);
  CHECK(r.scenario.model.preset == defaults.model.preset);
  CHECK_FALSE(r.scenario.training.mfu.has_value());
}

TEST_CASE("a mistyped key, preset or accelerator is named with the one it most likely meant", "[scenario][validation]") {
  const auto message = [](const LoadResult& r, const std::string& path) {
    for (const Problem& p : r.problems)
      if (p.path == path) return p.message;
    return std::string("(no problem at " + path + ")");
  };
  const LoadResult r = load_scenario_json(R"({"trainig":{"tokens":1e12},
    "model":{"preset":"Llama3_70B"}, "hardware":{"gpu":"h100"},
    "training":{"micro_batch_size":2,"seq_length":4096}, "serving":{"gpu":"4090"}, "inferance":{}})");
  REQUIRE(r.ok());
  const std::pair<const char*, const char*> expected[] = {
      {"trainig", "unknown key (did you mean 'training'?)"},
      {"inferance", "unknown key (did you mean 'inference'?)"},
      {"training.micro_batch_size", "unknown key (did you mean 'micro_batch'?)"},
      {"training.seq_length", "unknown key (did you mean 'seq_len'?)"},
      {"model.preset", "unknown model preset 'Llama3_70B' (did you mean 'llama-3-70b'?); using 'llama-2-7b'"},
      {"hardware.gpu", "unknown accelerator 'h100' (did you mean 'h100-sxm'?); using 'a100-80gb-sxm'"},
      {"serving.gpu", "unknown accelerator '4090' (did you mean 'rtx-4090'?); serving on hardware.gpu"}};
  for (const auto& [path, text] : expected) CHECK(message(r, path) == text);
  CHECK(r.problems.size() == std::size(expected));
  // The suggestion is a hint, never applied: the fields keep their defaults.
  CHECK(r.scenario.model.preset == Scenario{}.model.preset);
  // Nothing close: no guess (edits beyond 1 under 6 characters or max(2, length / 4) above are not close).
  const LoadResult far = load_scenario_json(R"({"model":{"preset":"bert-base"},"hardware":{"gpu":"zz"},"qq":1})");
  CHECK(message(far, "model.preset") == "unknown model preset 'bert-base'; using 'llama-2-7b'");
  CHECK(message(far, "hardware.gpu") == "unknown accelerator 'zz'; using 'a100-80gb-sxm'");
  CHECK(message(far, "qq") == "unknown key");
  // A slip inside a name is found by edit distance, one letter missing here.
  CHECK(message(load_scenario_json(R"({"hardware":{"gpu":"mi30x"}})"), "hardware.gpu").find("(did you mean 'mi300x'?)") !=
        std::string::npos);
}

TEST_CASE("limits: negative, zero, absurd and non-integer values are refused", "[scenario][validation]") {
  CHECK(has_problem(load_scenario_json(R"({"inference":{"batch":0}})"), "inference.batch"));
  CHECK(has_problem(load_scenario_json(R"({"inference":{"batch":2.5}})"), "inference.batch"));
  CHECK(has_problem(load_scenario_json(R"({"inference":{"tensor_parallel":100000}})"), "inference.tensor_parallel"));
  CHECK(has_problem(load_scenario_json(R"({"storage":{"compression_ratio":-1}})"), "storage.compression_ratio"));
  CHECK(has_problem(load_scenario_json(R"({"model":{"params":1e300}})"), "model.params"));
  CHECK(has_problem(load_scenario_json(R"({"name":")" + std::string(500, 'x') + R"("})"), "name"));
  CHECK(has_problem(load_scenario_json(R"({"version":"one"})"), "version"));
  CHECK(has_problem(load_scenario_json(R"({"version":99})"), "version"));
  CHECK(load_scenario_json(R"({"inference":{"batch":64}})").problems.empty());
  // The message shows the value and the limits readably: "5 x 10^20 is not within [0, 1 x 10^16]",
  // not %g's "5e+20 ... 1e+16".
  const LoadResult big = load_scenario_json(R"({"training":{"tokens":5e20}})");
  REQUIRE(big.problems.size() == 1);
  INFO(big.problems[0].message);
  CHECK(big.problems[0].message.find("5 x 10^20") != std::string::npos);
  CHECK(big.problems[0].message.find("e+") == std::string::npos);
}

TEST_CASE("names are limited in characters (code points), not bytes", "[scenario][validation]") {
  // U+540D (3 bytes in UTF-8): 200 of them are 600 bytes and still a valid name; 201 are not.
  std::string at_limit, over_limit;
  for (size_t i = 0; i < kMaxNameCodePoints; ++i) at_limit += "\xE5\x90\x8D";
  over_limit = at_limit + "x";
  const LoadResult ok = load_scenario_json(nlohmann::json{{"name", at_limit}}.dump());
  CHECK(ok.problems.empty());
  CHECK(ok.scenario.name == at_limit);
  const LoadResult over = load_scenario_json(nlohmann::json{{"name", over_limit}}.dump());
  CHECK(has_problem(over, "name"));
  CHECK(over.scenario.name.empty());
  // The link keeps the whole name.
  CHECK(decode_link(encode_link_fragment(ok.scenario)).scenario.name == at_limit);
}

TEST_CASE("oversize input is refused before parsing", "[scenario][validation]") {
  const std::string huge = "#s=" + std::string(kMaxLinkBytes + 1, 'a');
  CHECK_FALSE(decode_link(huge).ok());
  CHECK_FALSE(load_scenario_json("{\"name\":\"" + std::string(70000, 'a') + "\"}").ok());
  // Deep nesting inside the cap does not crash.
  CHECK_FALSE(decode_link("#s=" + std::string(5000, '[') + std::string(5000, ']')).ok());
}

TEST_CASE("decoding accepts full URLs, raw JSON and pasted objects", "[scenario][links]") {
  const std::string json = R"({"version":1,"inference":{"batch":8}})";
  for (const std::string& input : {"https://example.invalid/envelope/#s=" + percent_encode(json), "#s=" + json, json,
                                   "  " + json + "\n", "s=" + percent_encode(json)}) {
    INFO(input);
    const LoadResult r = decode_link(input);
    REQUIRE(r.ok());
    CHECK(r.problems.empty());
    CHECK(r.scenario.inference.batch == 8);
  }
}

TEST_CASE("percent encoding keeps RFC 3986 unreserved characters", "[scenario][links]") {
  CHECK(percent_encode("aZ09-._~") == "aZ09-._~");
  CHECK(percent_encode("{\"a\":1}") == "%7B%22a%22%3A1%7D");
  CHECK(percent_decode(percent_encode("50% & \xe2\x82\xac")) == "50% & \xe2\x82\xac");
  CHECK(percent_decode("%zz%4") == "%zz%4");
}

TEST_CASE("minimal JSON writes only what differs from the defaults, and version always", "[scenario][links]") {
  Scenario s;
  CHECK(scenario_to_json(s) == R"({"version":4})");
  s.inference.batch = 16;
  CHECK(scenario_to_json(s) == R"({"inference":{"batch":16},"version":4})");
}

TEST_CASE("the seed's LLM-serving link stays under 450 characters, include flags and all", "[scenario][links]") {
  const std::string link = encode_link_fragment(find_example("seed-llm-serving")->scenario);
  INFO(link);
  // 330 characters before version 2; the sections it leaves out (training, storage, feature store) add ~100.
  CHECK(link.size() < 450);
}

TEST_CASE("round trip: random valid scenario -> link -> identical scenario", "[scenario][links][property]") {
  std::mt19937_64 rng(20261126);
  for (int i = 0; i < 500; ++i) {
    const Scenario s = envelope::test::random_scenario(rng);
    const std::string link = encode_link_fragment(s);
    const LoadResult r = decode_link(link);
    INFO(link);
    REQUIRE(r.ok());
    CHECK(r.problems.empty());
    // Identical up to overrides that restate the preset (a link leaves those out), and with the
    // same report.
    CHECK(r.scenario == canonical(s));
    CHECK(evaluate(r.scenario).to_json() == evaluate(s).to_json());
  }
}

TEST_CASE("links leave out model fields that restate the chosen preset", "[scenario][links]") {
  Scenario s;
  s.model.preset = "llama-2-70b";
  s.model.layers = 80;     // the preset's own value
  s.model.kv_heads = 8;    // likewise
  s.model.params = params_total(resolved_architecture(s));  // the derived count
  CHECK(scenario_to_json(s) == R"({"model":{"preset":"llama-2-70b"},"version":4})");
  s.model.layers = 40;     // a real change stays, and the params override now differs from the derived count
  CHECK(scenario_to_json(s) == R"({"model":{"layers":40,"params":68976648192,"preset":"llama-2-70b"},"version":4})");
  // head_dim restated with a changed hidden size is not redundant (it would otherwise follow hidden/heads).
  Scenario t;
  t.model.hidden = 8192;
  t.model.head_dim = 128;
  CHECK(scenario_to_json(t).find("head_dim") != std::string::npos);
}

TEST_CASE("every seed example loads without problems and its link round-trips", "[scenario][examples]") {
  REQUIRE(examples().size() >= 14);
  for (const Example& e : examples()) {
    INFO(e.id);
    const LoadResult r = decode_link(encode_link_fragment(e.scenario));
    REQUIRE(r.ok());
    CHECK(r.problems.empty());
    // The link holds what the example is about: inputs no included section reads go back to their
    // defaults (canonical), and the report is the same.
    CHECK(r.scenario == canonical(e.scenario));
    CHECK(evaluate(r.scenario).to_json() == evaluate(e.scenario).to_json());
  }
}

TEST_CASE("property: every output is finite and non-negative over random valid scenarios", "[evaluate][property]") {
  std::mt19937_64 rng(42);
  for (int i = 0; i < 2000; ++i) {
    Scenario s = envelope::test::random_scenario(rng);
    // As drawn (random include flags), and every 4th scenario again with every section included.
    for (int all = 0; all < (i % 4 == 0 ? 2 : 1); ++all) {
      if (all) s.include = {true, true, true, true, true, true, true, true};
      const Report r = evaluate(s);
      REQUIRE(r.results.size() > (all ? 60u : 1u));
      for (const Result& x : r.results) {
        if (std::isfinite(x.value) && x.value >= 0) continue;
        // The scenario is serialised only for a failing value (once per result it was most of the run).
        INFO(scenario_to_json(s) << "\n" << x.path << " = " << x.value);
        REQUIRE(std::isfinite(x.value));
        REQUIRE(x.value >= 0);
      }
    }
  }
}

TEST_CASE("the report carries every contract path with value, unit and basis", "[evaluate][contract]") {
  const Report r = evaluate(Scenario{});
  const nlohmann::json j = nlohmann::json::parse(r.to_json());
  for (const char* path :
       {"model.params", "model.active_params", "memory.inference.weights_bytes", "memory.inference.kv_cache_bytes",
        "memory.inference.total_bytes", "memory.inference.gpus_to_fit", "memory.training.weights_bytes",
        "memory.training.gradients_bytes", "memory.training.optimizer_bytes", "memory.training.activations_bytes",
        "memory.training.total_bytes", "training.flops", "training.gpu_hours", "training.wall_seconds", "training.cost_usd",
        "training.chinchilla_tokens", "inference.decode_step_seconds", "inference.tokens_per_second",
        "inference.prefill_seconds", "inference.max_batch", "traffic.average_qps", "traffic.peak_qps", "serving.replicas",
        "serving.gpus", "serving.monthly_cost_usd", "storage.raw_bytes_per_day", "storage.stored_bytes",
        "storage.monthly_cost_usd", "feature_store.raw_bytes", "feature_store.total_bytes", "feature_store.nodes",
        "cost.monthly_usd"}) {
    INFO(path);
    const nlohmann::json::json_pointer ptr("/" + [&] {
      std::string p = path;
      for (char& ch : p)
        if (ch == '.') ch = '/';
      return p;
    }());
    REQUIRE(j.contains(ptr));
    const auto& leaf = j[ptr];
    CHECK(leaf["value"].is_number());
    CHECK(leaf["unit"].is_string());
    CHECK(!leaf["basis"].get<std::string>().empty());
  }
}

TEST_CASE("evaluate is deterministic", "[evaluate]") {
  const Scenario s = find_example("seed-q3")->scenario;
  CHECK(evaluate(s).to_json() == evaluate(s).to_json());
}

TEST_CASE("golden links of every released version load forever and give the same report", "[scenario][links][golden]") {
  std::ifstream f(std::string(ENVELOPE_LINKS_DIR) + "/golden.json");
  REQUIRE(f.good());
  std::stringstream ss;
  ss << f.rdbuf();
  const nlohmann::json golden = nlohmann::json::parse(ss.str());
  REQUIRE(golden["links"].size() >= 10);
  for (const auto& g : golden["links"]) {
    const std::string link = g["link"].get<std::string>();
    INFO("version " << g["version"] << ": " << link);
    const LoadResult r = decode_link(link);
    REQUIRE(r.ok());
    CHECK(r.problems.empty());
    const Report rep = evaluate(r.scenario);
    for (auto it = g["expect"].begin(); it != g["expect"].end(); ++it) {
      INFO(it.key());
      CHECK(rep.value(it.key()) == Approx(it.value().get<double>()).epsilon(1e-9));
    }
  }
}

TEST_CASE("the default scenario (the first screen) has no warnings: a 7B model on one node of 8 GPUs with ZeRO-1 fits", "[scenario]") {
  // Issue 13: "the default scenario has no warnings". Version 4 changed the defaults of hardware.count
  // (1 -> 8) and training.zero_stage (0 -> 1); version-3 links keep 1 and 0 through the migration.
  const Report r = evaluate(Scenario());
  for (const auto& w : r.warnings) INFO(w.path << ": " << w.message);
  CHECK(r.warnings.empty());
  CHECK(r.value("memory.training.fits") == 1);
  const LoadResult v3 = load_scenario_json(R"({"version": 3})");
  REQUIRE(v3.ok());
  CHECK(v3.scenario.hardware.count == 1);
  CHECK(v3.scenario.training.zero_stage == 0);
}
