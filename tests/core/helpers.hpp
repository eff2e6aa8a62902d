// Test helpers: load a seed example, evaluate, and read values from the report and published.json.
#pragma once
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "envelope/evaluate.hpp"
#include "envelope/examples.hpp"
#include "envelope/validation.hpp"

namespace envelope::test {

inline Report eval_example(const std::string& id) {
  const Example* e = find_example(id);
  REQUIRE(e != nullptr);
  return evaluate(e->scenario);
}

// A validation case (assets/validation.json) by id; a missing id fails the test.
inline const ValidationCase& validation_case(const std::string& id) {
  for (const ValidationCase& c : validation_cases())
    if (c.id == id) return c;
  FAIL("no validation case " << id);
  return validation_cases().front();
}

// Where `text` shows a number in scientific notation ("6.738e+09", "$5e5"): the index of the 'e' or
// 'E' after a digit and before a digit or a signed digit; npos where there is none. Users read
// "6.74 B", never 6.738e+09 (issue 13).
inline size_t scientific_notation_at(const std::string& text) {
  auto digit = [&](size_t i) { return i < text.size() && text[i] >= '0' && text[i] <= '9'; };
  for (size_t i = 1; i + 1 < text.size(); ++i)
    if ((text[i] == 'e' || text[i] == 'E') && digit(i - 1) &&
        (digit(i + 1) || ((text[i + 1] == '+' || text[i + 1] == '-') && digit(i + 2))))
      return i;
  return std::string::npos;
}
inline bool has_scientific_notation(const std::string& text) { return scientific_notation_at(text) != std::string::npos; }

inline Scenario example_scenario(const std::string& id) {
  const Example* e = find_example(id);
  REQUIRE(e != nullptr);
  return e->scenario;
}

// Llama 3 70B at 1,000 peak QPS (500 prompt + 200 output tokens) on H100 SXM with fp8 weights, one
// replica of TP 4 at `batch`, batched as `batching`: the article's "how many GPUs to serve this model
// at 1,000 QPS?" as the serving tests use it.
inline Scenario llama3_70b_serving(const char* batching, double batch = 256) {
  Scenario s;
  s.model.preset = "llama-3-70b";
  s.hardware.gpu = "h100-sxm";
  s.inference.prompt_tokens = 500;
  s.inference.output_tokens = 200;
  s.inference.weights = "fp8";
  s.traffic.peak_qps = 1000;
  s.serving.tensor_parallel = 4;
  s.serving.batch = batch;
  s.serving.batching = batching;
  return s;
}

inline double at(const Report& r, const std::string& path) {
  const Result* x = r.find(path);
  INFO("report path " << path);
  REQUIRE(x != nullptr);
  return x->value;
}

// tests/reference/published.json: the cited figures tests are held against.
inline const nlohmann::json& published() {
  static const nlohmann::json j = [] {
    std::ifstream f(ENVELOPE_REFERENCE_JSON);
    REQUIRE(f.good());
    std::stringstream ss;
    ss << f.rdbuf();
    return nlohmann::json::parse(ss.str());
  }();
  return j;
}

inline const nlohmann::json& published_record(const std::string& name) {
  for (const auto& r : published()["records"])
    if (r["name"] == name) return r;
  FAIL("published.json has no record named '" << name << "'");
  static nlohmann::json none;
  return none;
}

}  // namespace envelope::test
