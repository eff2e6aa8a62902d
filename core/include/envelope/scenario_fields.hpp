// The field table of the scenario contract (see scenario.hpp). Paths are JSON paths; limits are the
// documented valid ranges (values outside them are rejected with a Problem, never clamped silently).
#pragma once
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "envelope/scenario.hpp"

namespace envelope {

inline const std::vector<std::string>& dtype_choices() {
  static const std::vector<std::string> v = {"fp32", "tf32", "bf16", "fp16", "fp8", "int8",
                                             "int4", "fp4", "q8_0", "q4_0", "q4_k_m",
                                             "mxfp4", "nvfp4"};
  return v;
}

// The table itself is compiled once (scenario_fields.cpp) against this interface; visit_fields
// adapts any visitor with the four methods to it. A template instantiated per visitor put the
// ~200-field table into the page's wasm five times (docs/performance.md).
struct FieldVisitor {
  virtual void number(const std::string& path, double& x, FieldLimits lim) = 0;
  virtual void optional(const std::string& path, std::optional<double>& x, FieldLimits lim) = 0;
  virtual void text(const std::string& path, std::string& x, const std::vector<std::string>& allowed, size_t max_len) = 0;
  virtual void flag(const std::string& path, bool& x) = 0;

 protected:
  ~FieldVisitor() = default;
};

// Every field of the scenario contract, in order (scenario_fields.cpp).
void visit_field_table(Scenario& s, FieldVisitor& v);

template <class V>
void visit_fields(Scenario& s, V&& v) {
  struct Adapter final : FieldVisitor {
    std::remove_reference_t<V>& v;
    explicit Adapter(std::remove_reference_t<V>& x) : v(x) {}
    void number(const std::string& p, double& x, FieldLimits lim) override { v.number(p, x, lim); }
    void optional(const std::string& p, std::optional<double>& x, FieldLimits lim) override { v.optional(p, x, lim); }
    void text(const std::string& p, std::string& x, const std::vector<std::string>& allowed, size_t max_len) override {
      v.text(p, x, allowed, max_len);
    }
    void flag(const std::string& p, bool& x) override { v.flag(p, x); }
  };
  Adapter a(v);
  visit_field_table(s, a);
}

}  // namespace envelope
