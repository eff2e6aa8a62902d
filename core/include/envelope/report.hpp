// The report: every estimate with its value (SI), unit and basis (formula, the numbers substituted,
// source). Paths such as "memory.inference.kv_cache_bytes" are part of the JSON contract.
#pragma once
#include <concepts>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace envelope {

// A result's path, formula, source or error band: most are string literals or the stored error bands,
// held as a view (no allocation; evaluate() makes ~30 results a call); any other text is owned.
// Only Text::of_static() makes a view, and only of text with static storage (string literals passed
// to the Builder, evaluate_parts.hpp; the error bands table, evaluate_banded.cpp), so a copied or
// moved Text never dangles.
class Text {
 public:
  Text() = default;
  Text(std::string s) : own_(std::move(s)) {}        // NOLINT: implicit on purpose
  Text(std::string_view s) : own_(s) {}              // NOLINT
  Text(const char* s) : own_(s ? s : "") {}          // NOLINT
  // `s` must live as long as the program (static storage) and end with a NUL at s[n].
  static Text of_static(const char* s, size_t n) {
    Text t;
    t.lit_ = s;
    t.n_ = n;
    return t;
  }
  // In place (a fresh Result's fields, result_text.hpp): no temporary Text to move from.
  void set_static(const char* s, size_t n) {  // same contract as of_static()
    lit_ = s;
    n_ = n;
    own_.clear();
  }
  void set(std::string&& s) {
    lit_ = nullptr;
    own_ = std::move(s);
  }
  void set(std::string_view s) {
    lit_ = nullptr;
    own_.assign(s.data(), s.size());
  }
  std::string_view view() const { return lit_ ? std::string_view(lit_, n_) : std::string_view(own_); }
  operator std::string_view() const { return view(); }  // NOLINT
  std::string str() const { return std::string(view()); }
  const char* c_str() const { return lit_ ? lit_ : own_.c_str(); }
  bool empty() const { return view().empty(); }
  size_t size() const { return view().size(); }
  size_t find(std::string_view s, size_t pos = 0) const { return view().find(s, pos); }
  size_t find(char c, size_t pos = 0) const { return view().find(c, pos); }
  size_t rfind(std::string_view s, size_t pos = std::string_view::npos) const { return view().rfind(s, pos); }
  std::string substr(size_t pos, size_t n = std::string_view::npos) const { return std::string(view().substr(pos, n)); }
  friend std::string operator+(const Text& a, std::string_view b) { return a.str().append(b); }
  friend std::string operator+(const std::string& a, const Text& b) { return std::string(a).append(b.view()); }
  friend std::string operator+(const char* a, const Text& b) { return std::string(a).append(b.view()); }
  template <class Os>
    requires requires(Os& os, std::string_view v) { os << v; }
  friend Os& operator<<(Os& os, const Text& t) {
    os << t.view();
    return os;
  }
  friend bool operator==(const Text& a, const Text& b) { return a.view() == b.view(); }
  template <class T>
    requires(!std::same_as<T, Text> && std::convertible_to<const T&, std::string_view>)
  friend bool operator==(const Text& a, const T& b) {
    return a.view() == std::string_view(b);
  }

 private:
  const char* lit_ = nullptr;  // a string literal, or null: the text is own_
  size_t n_ = 0;
  std::string own_;
};

struct Result {
  Text path;                // a view of the literal the estimate was added with (most), owned otherwise
  double value = 0;
  std::string unit;         // B, FLOP, s, USD, USD/month, GPU-h, tok/s, req/s, 1 (count), bool, ...
  Text formula;             // symbolic: "params x bytes_per_param"
  std::string substituted;  // with numbers: "6.738e9 x 2 B"
  Text source;              // seed section, paper, datasheet
  Text error_band;          // expected error from validation ("+-12% typical, ... (decode, 5 cases)"), or ""
  // The value and `substituted` come from one expression (term.hpp): the basis's arithmetic is the value.
  bool basis_is_expression = false;
  // A cost computed at $0 per GPU-hour because its GPU has no published price and none was typed
  // (mark_unpriced_costs, evaluate.cpp): displays say "no price" (or "+ unpriced GPUs" on a total with
  // priced parts), never a confident $0. The JSON keeps the value and adds "unpriced": true.
  bool unpriced = false;
  std::string basis() const;
};

// The value as displays show it: format_value, or "no price" / "... + unpriced GPUs" for an unpriced cost.
std::string display_value(const Result& r, bool binary_units);

struct Warning {
  std::string path, message;
};

struct Report {
  std::vector<Result> results;
  std::vector<Warning> warnings;
  const Result* find(std::string_view path) const;
  double value(std::string_view path) const;  // NaN if absent
  bool unpriced(std::string_view path) const;  // the result exists and is an unpriced cost (Result::unpriced)

  // Nested objects whose leaves are {"value", "unit", "basis"} (+ "error" where validated, + "unpriced":
  // true on a cost whose GPU has no price);
  // "warnings" lists {path, message}.
  std::string to_json(int indent = 2) const;
  std::string to_text(bool binary_units = false) const;
  std::string to_markdown(bool binary_units = false) const;
};

}  // namespace envelope
