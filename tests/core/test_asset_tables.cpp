// The catalog tables the build generates from assets/*.json (cmake/asset_tables.py) against the
// JSON files themselves, field by field: the page reads the tables (no JSON parser at start-up), so a
// field the generator dropped, renamed or rounded would change every estimate silently.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "asset_tables.hpp"
#include "envelope/catalog.hpp"
#include "envelope/format.hpp"

using namespace envelope;
using nlohmann::json;

namespace {

json read_asset(const std::string& name) {
  std::ifstream in(std::string(ENVELOPE_ASSETS_DIR) + "/" + name);
  REQUIRE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  const json j = json::parse(text.str(), nullptr, false);
  REQUIRE(j.is_object());
  return j;
}

// (key, kind, number, text) as the generator's rules say: nested objects flattened with dots, an
// array of scalars one field per element, null left out. Written independently of the generator.
using Row = std::tuple<std::string, char, double, std::string>;
void flatten(const json& v, const std::string& key, std::vector<Row>& out) {
  if (v.is_boolean()) out.emplace_back(key, 'b', v.get<bool>() ? 1.0 : 0.0, "");
  else if (v.is_number()) out.emplace_back(key, 'n', v.get<double>(), "");
  else if (v.is_string()) out.emplace_back(key, 's', 0.0, v.get<std::string>());
  else if (v.is_object())
    for (auto it = v.begin(); it != v.end(); ++it) flatten(it.value(), key.empty() ? it.key() : key + "." + it.key(), out);
  else if (v.is_array())
    for (const json& e : v) flatten(e, key, out);
}

std::vector<Row> rows(AssetRecord r) {
  std::vector<Row> out;
  for (const AssetField& f : AssetFields(r).all()) {
    if (f.kind == 's') out.emplace_back(f.key, f.kind, 0.0, f.text);
    else out.emplace_back(f.key, f.kind, f.kind == 'b' ? (f.text == "1" ? 1.0 : 0.0) : f.number(), "");
  }
  return out;
}

// Our JSON (nlohmann's object) iterates keys sorted; the tables keep the file's order.
std::vector<Row> sorted(std::vector<Row> v) {
  std::stable_sort(v.begin(), v.end(), [](const Row& a, const Row& b) { return std::get<0>(a) < std::get<0>(b); });
  return v;
}

}  // namespace

TEST_CASE("asset tables hold every field of the catalog JSON files, exactly", "[catalog][assets]") {
  int records = 0, fields = 0;
  for (const char* file : {"hardware.json", "models.json", "prices.json", "error_bands.json"}) {
    INFO(file);
    const json doc = read_asset(file);
    std::vector<Row> root;
    for (auto it = doc.begin(); it != doc.end(); ++it) {
      const json& v = it.value();
      if (it.key() == "about" || it.key() == "note") continue;  // documentation, not shipped
      const bool collection = v.is_array() && !v.empty() && v.front().is_object();
      if (!collection) {
        flatten(v, it.key(), root);
        continue;
      }
      INFO(it.key());
      const auto table = asset_records(file, it.key());
      REQUIRE(table.size() == v.size());
      for (size_t i = 0; i < v.size(); ++i) {
        std::vector<Row> expected;
        flatten(v[i], "", expected);
        INFO("record " << i);
        CHECK(sorted(rows(table[i])) == sorted(expected));
        ++records;
        fields += static_cast<int>(expected.size());
      }
    }
    const auto table = asset_records(file, "");
    REQUIRE(table.size() == 1);
    CHECK(sorted(rows(table[0])) == sorted(root));
    fields += static_cast<int>(root.size());
  }
  // The catalog as of this test: 50+ accelerators and models each; a table that matched nothing fails.
  CHECK(records >= 100);
  CHECK(fields >= 2000);
  CHECK(Catalog::builtin().accelerators.size() == asset_records("hardware.json", "accelerators").size());
  CHECK(Catalog::builtin().models.size() == asset_records("models.json", "models").size());
}

TEST_CASE("asset tables: a key's fallback applies only when the field is absent or of another kind", "[catalog][assets]") {
  const auto models = asset_records("models.json", "models");
  REQUIRE(!models.empty());
  const AssetFields m(models.front());
  CHECK(!m.str("id").empty());
  CHECK(m.num("id", 7) == 7);  // a string is not a number
  CHECK(m.num("no-such-key", 3) == 3);
  CHECK(!m.opt("no-such-key").has_value());
  CHECK(m.flag("no-such-key", true));
  CHECK(asset_records("models.json", "no-such-collection").empty());
  CHECK(asset_records("no-such-file.json", "").empty());
}

TEST_CASE("asset numbers and read_decimal read back exactly as strtod reads them, short decimals and long", "[catalog][assets]") {
  // AssetField::number() reads hexadecimal floats itself and decimals with read_decimal (format.hpp,
  // also used by the page's number formatting): Clinger's fast path, strtod for the rest. Every way
  // must give the double the text denotes.
  const char* fixed[] = {"0", "-0", "80", "989.5", "0.05", "1e-06", "5e+20", "1557611200", "0.000123", "123456789012345",
                         "1234567890123456789", "9007199254740993", "1e22", "1e23", "4.9e-324", "1.7976931348623157e308",
                         "0.1", "2.5e-5", "-3.75", "100000000000000000000000",
                         // Python's float.hex, as the generator writes numbers with more than 15 digits
                         "0x1.8e6a3c2d1f9b7p-4", "-0x1.0000000000001p+0", "0x1.fffffffffffffp+1023", "0x0.0000000000001p-1022",
                         "0x1.0000000000000p-1"};
  for (const char* t : fixed) {
    INFO(t);
    CHECK(AssetField{'n', "k", t}.number() == std::strtod(t, nullptr));
    if (t[0] != '0' || t[1] != 'x') CHECK(read_decimal(t) == std::strtod(t, nullptr));
  }
  std::mt19937_64 rng(20261126);
  std::uniform_real_distribution<double> mant(1.0, 10.0);
  std::uniform_int_distribution<int> exp10(-30, 30), digits(1, 17);
  int checked = 0;
  for (int i = 0; i < 100000; ++i) {
    char text[64];
    const double x = mant(rng) * std::pow(10.0, exp10(rng));
    if (i % 2) std::snprintf(text, sizeof text, "%.*g", digits(rng), x);
    else std::snprintf(text, sizeof text, "%a", x);  // hexadecimal, as the generator writes long numbers
    INFO(text);
    const double expected = std::strtod(text, nullptr);
    if (AssetField{'n', "k", text}.number() != expected) CHECK(AssetField{'n', "k", text}.number() == expected);
    ++checked;
  }
  CHECK(checked == 100000);
}
