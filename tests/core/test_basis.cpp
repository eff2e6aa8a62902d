// Every number shows its work: a result's basis ("substituted", the formula with the values put in)
// must compute the result. For each example scenario, every basis that is plain arithmetic (numbers,
// + - x * / ^, comparisons, sqrt/ceil/floor/round/log2/max/min) is evaluated and compared with the
// value; bases with words in them (explanations, not arithmetic) are skipped, and the test fails if
// too few bases are checkable, so it cannot pass by skipping everything.
#include <catch2/catch.hpp>
#include <cctype>
#include <cmath>
#include <optional>
#include <string>

#include "envelope/evaluate.hpp"
#include "envelope/examples.hpp"
#include "envelope/format.hpp"
#include "envelope/formulas.hpp"
#include "envelope/term.hpp"
#include "envelope/validation.hpp"
#include "helpers.hpp"

using namespace envelope;

namespace {

// A small recursive-descent evaluator; nullopt when the text is not plain arithmetic.
class Arithmetic {
 public:
  explicit Arithmetic(std::string text) : s_(std::move(text)) {}
  std::optional<double> run() {
    auto v = comparison();
    skip();
    if (!v || i_ != s_.size()) return std::nullopt;
    return v;
  }

 private:
  std::string s_;
  size_t i_ = 0;
  void skip() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
  }
  bool eat(const std::string& t) {
    skip();
    if (s_.compare(i_, t.size(), t) != 0) return false;
    // "x" is multiplication only as its own word.
    if (t == "x" && i_ + 1 < s_.size() && std::isalnum(static_cast<unsigned char>(s_[i_ + 1]))) return false;
    i_ += t.size();
    return true;
  }
  std::optional<double> comparison() {
    auto l = sum();
    if (!l) return l;
    for (const char* op : {"<=", ">=", "<", ">"}) {
      if (eat(op)) {
        auto r = sum();
        if (!r) return r;
        const std::string o = op;
        return o == "<=" ? *l <= *r : o == ">=" ? *l >= *r : o == "<" ? *l < *r : *l > *r;
      }
    }
    return l;
  }
  std::optional<double> sum() {
    auto v = product();
    while (v) {
      if (eat("+")) {
        auto r = product();
        if (!r) return r;
        *v += *r;
      } else if (eat("-")) {
        auto r = product();
        if (!r) return r;
        *v -= *r;
      } else {
        break;
      }
    }
    return v;
  }
  std::optional<double> product() {
    auto v = power();
    while (v) {
      if (eat("*") || eat("x")) {
        auto r = power();
        if (!r) return r;
        *v *= *r;
      } else if (eat("/")) {
        auto r = power();
        if (!r) return r;
        *v /= *r;
      } else {
        break;
      }
    }
    return v;
  }
  std::optional<double> power() {
    auto v = unary();
    if (v && eat("^")) {
      auto r = unary();
      if (!r) return r;
      return std::pow(*v, *r);
    }
    return v;
  }
  std::optional<double> unary() {
    if (eat("-")) {
      auto v = unary();
      if (v) *v = -*v;
      return v;
    }
    return primary();
  }
  std::optional<double> primary() {
    skip();
    if (eat("(")) {
      auto v = comparison();
      if (!v || !eat(")")) return std::nullopt;
      return v;
    }
    static const char* functions[] = {"sqrt", "ceil", "floor", "round", "log2", "max", "min"};
    for (const char* f : functions) {
      const size_t save = i_;
      if (eat(std::string(f) + "(")) {
        auto a = comparison();
        std::optional<double> b;
        if (a && eat(",")) b = comparison();
        if (!a || !eat(")")) return std::nullopt;
        const std::string name = f;
        if (name == "max") return b ? std::optional<double>(std::max(*a, *b)) : std::nullopt;
        if (name == "min") return b ? std::optional<double>(std::min(*a, *b)) : std::nullopt;
        if (b) return std::nullopt;
        if (name == "sqrt") return std::sqrt(*a);
        if (name == "ceil") return std::ceil(*a);
        if (name == "floor") return std::floor(*a);
        if (name == "round") return std::round(*a);
        return std::log2(*a);
      }
      i_ = save;
    }
    // A number: digits, '.', an exponent.
    const size_t start = i_;
    while (i_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[i_])) || s_[i_] == '.')) ++i_;
    if (i_ == start) return std::nullopt;
    if (i_ < s_.size() && (s_[i_] == 'e' || s_[i_] == 'E')) {
      size_t j = i_ + 1;
      if (j < s_.size() && (s_[j] == '-' || s_[j] == '+')) ++j;
      if (j < s_.size() && std::isdigit(static_cast<unsigned char>(s_[j]))) {
        i_ = j;
        while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) ++i_;
      }
    }
    try {
      return std::stod(s_.substr(start, i_ - start));
    } catch (...) {
      return std::nullopt;
    }
  }
};

}  // namespace

TEST_CASE("the evaluator used by the basis test reads what the report writes", "[basis]") {
  CHECK(Arithmetic("6 x 7e10 x 1.4e12").run().value() == Approx(5.88e23));
  CHECK(Arithmetic("ceil(7e10 x 18 / 8e10)").run().value() == 16);
  CHECK(Arithmetic("2^round(log2(4e6 / 4096))").run().value() == 1024);
  CHECK(Arithmetic("1.352e12 <= 8e10").run().value() == 0);
  CHECK(Arithmetic("max(0, 2 - 3) + min(4, 5)").run().value() == 4);
  CHECK_FALSE(Arithmetic("max(0, 27.89 + 0 - backward)").run());
  CHECK_FALSE(Arithmetic("7e10 x 4 B / (tp x pp = 1)").run());
  CHECK_FALSE(Arithmetic("").run());
}

TEST_CASE("every arithmetic basis in every example's report computes its value", "[basis]") {
  int checked = 0, results = 0;
  for (const Example& e : examples()) {
    const Report r = evaluate(e.scenario);
    for (const Result& x : r.results) {
      ++results;
      const std::optional<double> v = Arithmetic(x.substituted).run();
      if (!v) continue;
      ++checked;
      INFO(e.id << ": " << x.path << " = " << x.value << ", basis " << x.substituted << " = " << *v);
      // Numbers in a basis carry 4 significant digits (format_basis_number), so a chain of a few
      // operations is good to a fraction of a percent.
      if (x.value == 0)
        CHECK(std::fabs(*v) < 1e-9);
      else
        CHECK(*v / x.value == Approx(1.0).margin(0.01));
    }
  }
  INFO(checked << " of " << results << " bases checked");
  CHECK(checked >= results / 3);
}

// Results whose value and basis come from one expression (term.hpp, Builder::add with a Term): every
// one of them must be plain arithmetic that computes its value, with no exception and no skipping.
TEST_CASE("every basis built from one expression is arithmetic that computes its value", "[basis]") {
  int built = 0;
  for (const Example& e : examples()) {
    const Report r = evaluate(e.scenario);
    for (const Result& x : r.results) {
      if (!x.basis_is_expression) continue;
      ++built;
      const std::optional<double> v = Arithmetic(x.substituted).run();
      INFO(e.id << ": " << x.path << " = " << x.value << ", basis " << x.substituted);
      REQUIRE(v.has_value());
      if (x.value == 0)
        CHECK(std::fabs(*v) < 1e-9);
      else
        CHECK(*v / x.value == Approx(1.0).margin(0.01));
    }
  }
  CHECK(built > 0);
}

// The seed's quantities are built that way wherever they appear (memory, training, inference,
// traffic and serving, storage, cost).
TEST_CASE("the seed quantities carry a basis built from the same expression as their value", "[basis]") {
  const char* paths[] = {"memory.inference.weights_bytes", "memory.inference.kv_cache_bytes", "memory.inference.total_bytes",
                         "memory.training.weights_bytes", "memory.training.optimizer_bytes",
                         "memory.training.activations_bytes", "memory.training.total_bytes", "training.flops",
                         "training.pf_days", "training.wall_seconds", "training.gpu_hours", "training.cost_usd",
                         "inference.decode_step_seconds", "inference.tokens_per_second", "inference.prefill_seconds",
                         "traffic.requests_per_day", "traffic.average_qps", "traffic.peak_tokens_per_second", "serving.gpus",
                         "serving.monthly_cost_usd", "storage.raw_bytes_per_day", "storage.stored_bytes",
                         "storage.monthly_cost_usd", "storage.egress_monthly_usd", "feature_store.nodes", "cost.monthly_usd",
                         "cost.first_year_usd"};
  int seen = 0;
  for (const Example& e : examples()) {
    const Report r = evaluate(e.scenario);
    for (const char* p : paths) {
      const Result* x = r.find(p);
      if (!x) continue;
      ++seen;
      INFO(e.id << ": " << p << " basis " << x->substituted);
      CHECK(x->basis_is_expression);
    }
  }
  CHECK(seen > 100);
}

// A Term prints what it computes, with parentheses only where the order needs them.
TEST_CASE("a term carries its value and its text through arithmetic", "[basis]") {
  const Term t = (Term(7e10) + Term(2e9)) * Term(2) / (Term(8e10) * Term(0.9));
  CHECK(t.text == "(7e10 + 2e9) x 2 / (8e10 x 0.9)");
  CHECK(t.value == Approx((7e10 + 2e9) * 2 / (8e10 * 0.9)));
  CHECK(Arithmetic(t.text).run().value() == Approx(t.value));
  const Term r = replicas_needed(Term(1000.0), Term(300.0), Term(2.0));
  CHECK(r.text == "max(2, ceil(1000 / 300))");
  CHECK(r.value == 4);
  CHECK(r.value == replicas_needed(1000.0, 300.0, 2.0));
  CHECK(training_flops(Term(7e10), Term(1.4e12), true).text == "8 x 7e10 x 1.4e12");
  const Term d = Term(5) - (Term(3) - Term(1));
  CHECK(d.text == "5 - (3 - 1)");
  CHECK(Arithmetic(d.text).run().value() == d.value);
}

// Readable beats precise-looking, in warnings too: Q5's "cost is 5.235x the budget of $5e5" and
// gpt-oss's "below Chinchilla-optimal tokens (2.336e12)" read as "5.24x the budget of $500 k" and
// "(2.34 T)". Every warning of every example and validation case is checked.
TEST_CASE("warnings print their numbers readably, never in scientific notation", "[basis]") {
  CHECK(format_message_number(131072) == "131,072");
  CHECK(format_message_number(2048) == "2,048");
  CHECK(format_message_number(2.336e12) == "2.34 T");
  CHECK(format_message_number(5e5) == "500,000");
  CHECK(format_message_number(5.235) == "5.24");
  CHECK(substitute_message("% of %", {3, 1.5e9}) == "3 of 1.5 B");
  const auto scientific = envelope::test::has_scientific_notation;
  CHECK(scientific("the budget of $5e5"));
  CHECK(scientific("tokens (2.336e+12)"));
  CHECK_FALSE(scientific("Megatron-Bridge 26.04.01 gpt-oss-120b on 64 B200"));
  std::vector<Scenario> scenarios;
  for (const Example& e : examples()) scenarios.push_back(e.scenario);
  for (const ValidationCase& c : validation_cases()) scenarios.push_back(c.scenario);
  int warnings = 0;
  for (const Scenario& s : scenarios) {
    for (const Warning& w : evaluate(s).warnings) {
      ++warnings;
      INFO(w.path << ": " << w.message);
      CHECK_FALSE(scientific(w.message));
    }
  }
  CHECK(warnings >= 100);  // the check ran over real warnings
}
