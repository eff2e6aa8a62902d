// The report: every estimate with its value (SI), unit and basis (formula, the numbers substituted,
// source). Paths such as "memory.inference.kv_cache_bytes" are part of the JSON contract.
#pragma once
#include <string>
#include <vector>

namespace envelope {

struct Result {
  std::string path;
  double value = 0;
  std::string unit;         // B, FLOP, s, USD, USD/month, GPU-h, tok/s, req/s, 1 (count), bool, ...
  std::string formula;      // symbolic: "params x bytes_per_param"
  std::string substituted;  // with numbers: "6.738e9 x 2 B"
  std::string source;       // seed section, paper, datasheet
  std::string error_band;   // expected error from validation ("+-12% typical, ... (decode, 5 cases)"), or ""
  // The value and `substituted` come from one expression (term.hpp): the basis's arithmetic is the value.
  bool basis_is_expression = false;
  std::string basis() const;
};

struct Warning {
  std::string path, message;
};

struct Report {
  std::vector<Result> results;
  std::vector<Warning> warnings;
  const Result* find(const std::string& path) const;
  double value(const std::string& path) const;  // NaN if absent

  // Nested objects whose leaves are {"value", "unit", "basis"} (+ "error" where validated);
  // "warnings" lists {path, message}.
  std::string to_json(int indent = 2) const;
  std::string to_text(bool binary_units = false) const;
  std::string to_markdown(bool binary_units = false) const;
};

}  // namespace envelope
