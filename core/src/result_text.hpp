// Internal to core/src: how an estimate's path, formula and source become a Result's Text. A string
// literal is kept as a view of it (Text::of_static: static storage, nothing allocated); anything else
// (std::string, const char*, a view) is moved or copied in. Used by the Builder (evaluate_parts.hpp)
// and by the sections estimated in their own files (finetune.cpp, recommender.cpp, ...): evaluate()
// makes ~60 results a call, and a copy of each literal was ~3 allocations per result
// (docs/performance.md, rounds 4 and 5).
#pragma once
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "envelope/report.hpp"

namespace envelope::detail {

// Text as passed to add(): a string literal (static storage), a string to move from, or a view to copy.
// Only wraps its argument (nothing allocated); set() fills the Result's field. A `const char` array
// is taken for a literal: no estimator keeps text in a local array.
struct TextArg {
  std::string_view view;
  bool is_static = false;
  std::string* movable = nullptr;
  void set(Text& t) const {
    if (is_static) t.set_static(view.data(), view.size());
    else if (movable) t.set(std::move(*movable));
    else t.set(view);
  }
};
template <class T>
TextArg text_arg(T&& s) {
  using A = std::remove_reference_t<T>;
  if constexpr (std::is_array_v<A> && std::is_same_v<std::remove_extent_t<A>, const char>)
    return {std::string_view(s, std::extent_v<A> - 1), true, nullptr};  // a string literal
  else if constexpr (std::is_same_v<A, std::string> && !std::is_lvalue_reference_v<T>)
    return {std::string_view(s), false, &s};
  else
    return {std::string_view(s), false, nullptr};
}

// Appends {path, value, unit, formula, substituted, source} to `out` (a section's own results).
inline Result& append_result(std::vector<Result>& out, TextArg path, double value, std::string_view unit, TextArg formula,
                             std::string&& substituted, TextArg source) {
  Result& x = out.emplace_back();
  path.set(x.path);
  x.value = value;
  x.unit.assign(unit.data(), unit.size());
  formula.set(x.formula);
  x.substituted = std::move(substituted);
  source.set(x.source);
  return x;
}

// add() of a section estimated in its own file (finetune.cpp, energy.cpp, pipeline.cpp,
// recommender.cpp), out of line so that each call site stays small: a value that is not finite
// becomes 0, with a warning when `warnings` is given. evaluate.cpp.
double add_section_result(std::vector<Result>& out, std::vector<Warning>* warnings, TextArg path, double value,
                          std::string_view unit, TextArg formula, std::string&& substituted, TextArg source);

}  // namespace envelope::detail
