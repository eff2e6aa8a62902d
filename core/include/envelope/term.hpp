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

struct Term {
  double value = 0;
  std::string text;
  // How tightly the text binds: 3 a number or a call, 2 a product or quotient, 1 a sum or difference.
  int level = 3;

  Term() : text("0") {}
  Term(double v) : value(v), text(format_basis_number(v)), level(v < 0 ? 1 : 3) {}  // NOLINT: implicit on purpose
  Term(double v, std::string t, int l) : value(v), text(std::move(t)), level(l) {}
};

template <class T>
concept Number = std::same_as<T, double> || std::same_as<T, Term>;

inline double value_of(double x) { return x; }
inline double value_of(const Term& t) { return t.value; }

namespace term_detail {
inline std::string wrap(const Term& t, int below) { return t.level < below ? "(" + t.text + ")" : t.text; }
}  // namespace term_detail

inline Term operator+(const Term& a, const Term& b) { return {a.value + b.value, a.text + " + " + b.text, 1}; }
inline Term operator-(const Term& a, const Term& b) {
  return {a.value - b.value, a.text + " - " + term_detail::wrap(b, 2), 1};
}
inline Term operator*(const Term& a, const Term& b) {
  return {a.value * b.value, term_detail::wrap(a, 2) + " x " + term_detail::wrap(b, 2), 2};
}
inline Term operator/(const Term& a, const Term& b) {
  return {a.value / b.value, term_detail::wrap(a, 2) + " / " + term_detail::wrap(b, 3), 2};
}

inline Term ceil(const Term& a) { return {std::ceil(a.value), "ceil(" + a.text + ")", 3}; }
inline Term floor(const Term& a) { return {std::floor(a.value), "floor(" + a.text + ")", 3}; }
inline Term sqrt(const Term& a) { return {std::sqrt(a.value), "sqrt(" + a.text + ")", 3}; }
inline Term max(const Term& a, const Term& b) {
  return {std::max(a.value, b.value), "max(" + a.text + ", " + b.text + ")", 3};
}
inline Term min(const Term& a, const Term& b) {
  return {std::min(a.value, b.value), "min(" + a.text + ", " + b.text + ")", 3};
}

// ceil(x - 1e-9): a count that is whole up to rounding noise (7.0000000001 GPUs is 7). The text
// shows ceil(x); the 1e-9 is below any number the basis prints.
inline double ceil_count(double x) { return std::ceil(x - 1e-9); }
inline Term ceil_count(const Term& a) { return {ceil_count(a.value), "ceil(" + a.text + ")", 3}; }

}  // namespace envelope
