// The input parser (quantity.hpp): what people type is what it computes (issue: "1,000,000" was read
// as 1, "50M" as 50, "$500K" did nothing). Each accepted form, each refusal with its reason, and the
// input formatter reading back to the same value.
#include <catch2/catch.hpp>

#include "envelope/quantity.hpp"
#include "envelope/scenario.hpp"
#include "envelope/scenario_fields.hpp"

using namespace envelope;

namespace {
double ok(const char* text, const char* unit) {
  const ParsedQuantity q = parse_quantity(text, unit);
  INFO("'" << text << "' in " << unit << ": " << q.error);
  REQUIRE(q.ok);
  return q.value;
}
std::string refused(const char* text, const char* unit) {
  const ParsedQuantity q = parse_quantity(text, unit);
  INFO("'" << text << "' in " << unit << " read as " << q.value);
  REQUIRE_FALSE(q.ok);
  REQUIRE_FALSE(q.error.empty());
  return q.error;
}
}  // namespace

TEST_CASE("counts: thousands commas, exponents and k/M/B/T suffixes", "[quantity]") {
  CHECK(ok("1,000,000", "") == 1e6);
  CHECK(ok("1e6", "") == 1e6);
  CHECK(ok("50M", "") == 50e6);
  CHECK(ok("50m", "") == 50e6);
  CHECK(ok("1.4T", "tokens") == 1.4e12);
  CHECK(ok("1.4T tokens", "tokens") == 1.4e12);
  CHECK(ok("8k", "tokens") == 8000);
  CHECK(ok("  200000  ", "") == 200000);
  CHECK(ok("7 billion", "") == 7e9);
  CHECK(ok("2.5e-3", "") == 0.0025);
  CHECK(ok("-3", "") == -3);  // the field's limits decide whether a sign is allowed
}

TEST_CASE("counts: ambiguous or foreign text is refused with a reason, never read as a prefix", "[quantity]") {
  CHECK(refused("1,5", "").find("dot for decimals") != std::string::npos);
  CHECK(refused("1,00,000", "").find("commas") != std::string::npos);
  refused("abc", "");
  refused("", "");
  refused("12 apples", "tokens");
  CHECK(refused("$500K", "").find("dollar") != std::string::npos);
  refused("1e999", "");
}

TEST_CASE("money: $500K, $2.5M, an hourly price", "[quantity]") {
  CHECK(ok("$500K", "USD") == 500000);
  CHECK(ok("$500k", "USD") == 500000);
  CHECK(ok("500,000", "USD") == 500000);
  CHECK(ok("2.5M", "USD") == 2.5e6);
  CHECK(ok("$2.49", "USD/h") == 2.49);
  CHECK(ok("2 /h", "USD/h") == 2);
  refused("$5 GB", "USD");
}

TEST_CASE("fractions: 2.5% is 0.025, 0.4 stays 0.4, and 40 is refused with the two ways to say it", "[quantity]") {
  CHECK(ok("2.5%", "fraction") == Approx(0.025));
  CHECK(ok("40 %", "fraction") == Approx(0.4));
  CHECK(ok("0.4", "fraction") == 0.4);
  const std::string why = refused("40", "fraction");
  CHECK(why.find("40%") != std::string::npos);
  CHECK(why.find("0.4") != std::string::npos);
}

TEST_CASE("bytes and bandwidth: 80 GB, 1.5 TB, 141 GiB, 3.35 TB/s into the field's GB units", "[quantity]") {
  CHECK(ok("80", "GB") == 80);
  CHECK(ok("80 GB", "GB") == 80);
  CHECK(ok("80GB", "GB") == 80);
  CHECK(ok("1.5 TB", "GB") == Approx(1500));
  CHECK(ok("141 GiB", "GB") == Approx(141 * 1.073741824));
  CHECK(ok("3.35 TB/s", "GB/s") == Approx(3350));
  CHECK(ok("3350 GB/s", "GB/s") == Approx(3350));
  CHECK(ok("989 TFLOPS", "TFLOPS") == 989);
  CHECK(ok("1.98 PFLOPS", "TFLOPS") == Approx(1980));
  refused("80 GHz", "GB");
  refused("3.35 TB/h", "GB/s");
}

TEST_CASE("inputs show the form they accept, and it reads back to exactly the same value", "[quantity]") {
  CHECK(format_quantity_input(1e6, "") == "1M");
  CHECK(format_quantity_input(1.4e12, "tokens") == "1.4T");
  CHECK(format_quantity_input(100000, "") == "100k");
  CHECK(format_quantity_input(123456789, "") == "123,456,789");
  // Counts under a million that need four digits read as themselves, not as 2.048k.
  CHECK(format_quantity_input(2048, "") == "2,048");
  CHECK(format_quantity_input(15360, "") == "15,360");
  CHECK(format_quantity_input(2000, "") == "2k");
  CHECK(format_quantity_input(1500, "") == "1.5k");
  CHECK(format_quantity_input(-4096, "") == "-4,096");
  CHECK(format_quantity_input(1024.5, "") == "1.0245k");
  CHECK(format_quantity_input(0.025, "fraction") == "2.5%");
  CHECK(format_quantity_input(500000, "USD") == "$500k");
  CHECK(format_quantity_input(80, "GB") == "80 GB");
  // A binary size shows in GiB when that reads back exactly and is shorter (the r6i.16xlarge's RAM).
  CHECK(format_quantity_input(549.755813888, "GB") == "512 GiB");
  CHECK(format_quantity_input(1.073741824, "GB") == "1 GiB");
  CHECK(format_quantity_input(141, "GB") == "141 GB");
  CHECK(format_quantity_input(34.359738368, "GB/s") == "34.359738368 GB/s");  // bandwidths stay decimal
  const char* units[] = {"", "tokens", "fraction", "USD", "USD/h", "GB", "GB/s", "TFLOPS"};
  const double values[] = {0, 1, 0.4, 0.07, 0.025, 3, 17, 999.5, 1000, 123456, 1e6, 6.738e9, 1.4e12, 2e13, 0.1 + 0.2, 1.0 / 3};
  for (const char* u : units)
    for (double v : values) {
      if (std::string(u) == "fraction" && v > 1) continue;
      const std::string shown = format_quantity_input(v, u);
      INFO(v << " in '" << u << "' shown as '" << shown << "'");
      CHECK(shown.find("e+") == std::string::npos);
      CHECK(ok(shown.c_str(), u) == v);
    }
}

TEST_CASE("every numeric scenario field's default reads back through its own input form", "[quantity][contract]") {
  // The field table gives each number its unit; the input box must round-trip the defaults.
  struct V {
    int checked = 0;
    void check(const std::string& path, double x, const FieldLimits& lim) {
      const std::string shown = format_quantity_input(x, lim.unit);
      const ParsedQuantity q = parse_quantity(shown, lim.unit);
      INFO(path << " = " << x << " shown as '" << shown << "': " << q.error);
      CHECK(q.ok);
      CHECK(q.value == x);
      ++checked;
    }
    void number(const std::string& p, double& x, FieldLimits lim) { check(p, x, lim); }
    void optional(const std::string& p, std::optional<double>& x, FieldLimits lim) {
      if (x) check(p, *x, lim);
    }
    void text(const std::string&, std::string&, const std::vector<std::string>&, size_t) {}
    void flag(const std::string&, bool&) {}
  } v;
  Scenario s;
  visit_fields(s, v);
  CHECK(v.checked > 30);
}
