// A number together with the arithmetic that produced it, written with the basis's readable numbers:
// Term(7e10) * Term(2) is {1.4e11, "7e10 x 2"}. A formula written once as a template over `Number`
// (formulas.hpp) runs on doubles in the estimators and planners, and on Terms where the report needs
// its substituted basis: value and text come from the same expression, so they cannot disagree.
#pragma once
#include <algorithm>
#include <cmath>
#include <concepts>
#include <string>
#include <utility>

#include "envelope/format.hpp"

namespace envelope {

// Whether Terms (and the report's basis numbers, evaluate_parts.hpp's g()) write their text.
// evaluate() turns it off while it computes a section whose results the scenario leaves out (they
// are dropped; only a few of their values feed later sections): the arithmetic is the same, the
// strings are never built. tests/core/test_include_scope.cpp checks that no kept result loses its text.
inline thread_local bool basis_text_on = true;
class BasisTextScope {
 public:
  // Text stays off inside an enclosing scope that turned it off (evaluate_values()).
  explicit BasisTextScope(bool on) : saved_(basis_text_on) { basis_text_on = saved_ && on; }
  ~BasisTextScope() { basis_text_on = saved_; }
  BasisTextScope(const BasisTextScope&) = delete;
  BasisTextScope& operator=(const BasisTextScope&) = delete;

 private:
  bool saved_;
};

struct Term {
  double value = 0;
  std::string text;
  // How tightly the text binds: 3 a number or a call, 2 a product or quotient, 1 a sum or difference.
  int level = 3;

  Term() : text("0") {}
  Term(double v) : value(v), text(basis_text_on ? format_basis_number(v) : std::string()), level(v < 0 ? 1 : 3) {}  // NOLINT: implicit on purpose
  Term(double v, std::string t, int l) : value(v), text(std::move(t)), level(l) {}
};

template <class T>
concept Number = std::same_as<T, double> || std::same_as<T, Term>;

inline double value_of(double x) { return x; }
inline double value_of(const Term& t) { return t.value; }

namespace term_detail {
// "a op b", each side in parentheses when it binds less tightly than `a_below` / `b_below`: one
// allocation, each character copied once (evaluate() builds hundreds of these).
inline std::string join(const Term& a, int a_below, const char* op, const Term& b, int b_below) {
  if (!basis_text_on) return {};
  const bool pa = a.level < a_below, pb = b.level < b_below;
  std::string out;
  out.reserve(a.text.size() + b.text.size() + 7);
  if (pa) out += '(';
  out += a.text;
  if (pa) out += ')';
  out += op;
  if (pb) out += '(';
  out += b.text;
  if (pb) out += ')';
  return out;
}
// The same with `a` a temporary: its text is extended in place (a + b + c + d reuses one buffer, which
// grows geometrically, instead of allocating a new string per operator).
inline std::string join(Term&& a, int a_below, const char* op, const Term& b, int b_below) {
  if (!basis_text_on) return {};
  const bool pa = a.level < a_below, pb = b.level < b_below;
  std::string out = std::move(a.text);
  if (pa) {
    out.insert(out.begin(), '(');
    out += ')';
  }
  out += op;
  if (pb) out += '(';
  out += b.text;
  if (pb) out += ')';
  return out;
}
}  // namespace term_detail

inline Term operator+(const Term& a, const Term& b) { return {a.value + b.value, term_detail::join(a, 0, " + ", b, 0), 1}; }
inline Term operator-(const Term& a, const Term& b) { return {a.value - b.value, term_detail::join(a, 0, " - ", b, 2), 1}; }
inline Term operator*(const Term& a, const Term& b) { return {a.value * b.value, term_detail::join(a, 2, " x ", b, 2), 2}; }
inline Term operator/(const Term& a, const Term& b) { return {a.value / b.value, term_detail::join(a, 2, " / ", b, 3), 2}; }
// The value is read before the text is moved: a braced list is evaluated left to right.
inline Term operator+(Term&& a, const Term& b) { return {a.value + b.value, term_detail::join(std::move(a), 0, " + ", b, 0), 1}; }
inline Term operator-(Term&& a, const Term& b) { return {a.value - b.value, term_detail::join(std::move(a), 0, " - ", b, 2), 1}; }
inline Term operator*(Term&& a, const Term& b) { return {a.value * b.value, term_detail::join(std::move(a), 2, " x ", b, 2), 2}; }
inline Term operator/(Term&& a, const Term& b) { return {a.value / b.value, term_detail::join(std::move(a), 2, " / ", b, 3), 2}; }

namespace term_detail {
inline std::string call(const char* f, const Term& a) { return basis_text_on ? f + ("(" + a.text + ")") : std::string(); }
inline std::string call(const char* f, const Term& a, const Term& b) {
  return basis_text_on ? f + ("(" + a.text + ", " + b.text + ")") : std::string();
}
}  // namespace term_detail

inline Term ceil(const Term& a) { return {std::ceil(a.value), term_detail::call("ceil", a), 3}; }
inline Term floor(const Term& a) { return {std::floor(a.value), term_detail::call("floor", a), 3}; }
inline Term sqrt(const Term& a) { return {std::sqrt(a.value), term_detail::call("sqrt", a), 3}; }
inline Term max(const Term& a, const Term& b) { return {std::max(a.value, b.value), term_detail::call("max", a, b), 3}; }
inline Term min(const Term& a, const Term& b) { return {std::min(a.value, b.value), term_detail::call("min", a, b), 3}; }

// ceil(x - 1e-9): a count that is whole up to rounding noise (7.0000000001 GPUs is 7). The text
// shows ceil(x); the 1e-9 is below any number the basis prints.
inline double ceil_count(double x) { return std::ceil(x - 1e-9); }
inline Term ceil_count(const Term& a) { return {ceil_count(a.value), term_detail::call("ceil", a), 3}; }

}  // namespace envelope
