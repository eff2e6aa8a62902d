// Typed quantities (see quantity.hpp).
#include "envelope/quantity.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "envelope/format.hpp"
#include "envelope/units.hpp"

namespace envelope {

namespace {

std::string lower(std::string_view s) {
  std::string o(s);
  for (char& c : o) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return o;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

enum class Kind { count, fraction, usd, bytes_gb, bandwidth_gbps, tflops };

Kind kind_of(std::string_view unit) {
  if (unit == "fraction") return Kind::fraction;
  if (unit.substr(0, 3) == "USD") return Kind::usd;
  if (unit == "GB") return Kind::bytes_gb;
  if (unit == "GB/s") return Kind::bandwidth_gbps;
  if (unit == "TFLOPS") return Kind::tflops;
  return Kind::count;
}

ParsedQuantity fail(std::string message) { return {false, 0, std::move(message)}; }

// Count multipliers: what "8k", "50M", "1.4T", "2 billion" mean.
bool count_multiplier(const std::string& word, double& m) {
  static const struct {
    const char* w;
    double m;
  } table[] = {{"", 1},        {"k", 1e3},   {"thousand", 1e3}, {"m", 1e6},  {"mn", 1e6},        {"million", 1e6},
               {"b", 1e9},     {"bn", 1e9},  {"billion", 1e9},  {"t", 1e12}, {"tn", 1e12},       {"trillion", 1e12}};
  for (const auto& e : table)
    if (word == e.w) {
      m = e.m;
      return true;
    }
  return false;
}

// Byte units into GB (1e9 bytes): "tb" = 1000, "gib" = 2^30 / 1e9.
bool byte_unit_in_gb(const std::string& word, double& gb) {
  static const struct {
    const char* w;
    double gb;
  } table[] = {{"b", 1e-9},   {"kb", 1e-6},  {"mb", 1e-3},  {"gb", 1},     {"tb", 1e3},    {"pb", 1e6},
               {"kib", 1024.0 / 1e9}, {"mib", 1048576.0 / 1e9}, {"gib", 1073741824.0 / 1e9},
               {"tib", 1099511627776.0 / 1e9}, {"pib", 1125899906842624.0 / 1e9}};
  for (const auto& e : table)
    if (word == e.w) {
      gb = e.gb;
      return true;
    }
  return false;
}

// The leading number: digits with optional thousands commas, a decimal point, an exponent.
// Returns the characters consumed (0: no number), or -1 with `error` set.
int read_number(std::string_view s, double& value, std::string& error) {
  std::string digits;
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) digits += s[i++];
  size_t group = 0;  // digits since the last comma (or the start)
  bool any = false, comma = false;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      digits += c;
      ++group;
      any = true;
    } else if (c == ',') {
      if (!any || (comma && group != 3) || (!comma && group > 3)) break;
      comma = true;
      group = 0;
    } else {
      break;
    }
  }
  if (comma && group != 3) {
    error = "commas separate thousands (1,000,000); use a dot for decimals (2.5)";
    return -1;
  }
  if (i < s.size() && s[i] == '.') {
    digits += s[i++];
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      digits += s[i++];
      any = true;
    }
  }
  if (!any) return 0;
  // Exponent only when digits follow ("1e6", "2.5E-3"); a lone "e" is not a number.
  if (i + 1 < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    size_t j = i + 1;
    if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
    if (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) {
      digits += 'e';
      digits.append(s.substr(i + 1, j - i - 1));
      while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) digits += s[j++];
      i = j;
    }
  }
  value = std::strtod(digits.c_str(), nullptr);
  return static_cast<int>(i);
}

}  // namespace

ParsedQuantity parse_quantity(std::string_view text, std::string_view unit) {
  const Kind kind = kind_of(unit);
  std::string_view s = trim(text);
  if (s.empty()) return fail("empty: type a number");
  bool dollar = false;
  if (s.front() == '$') {
    dollar = true;
    s = trim(s.substr(1));
  }
  double x = 0;
  std::string error;
  const int used = read_number(s, x, error);
  if (used < 0) return fail(error);
  if (used == 0) return fail("'" + std::string(trim(text)) + "' is not a number");
  std::string rest = lower(trim(s.substr(static_cast<size_t>(used))));
  if (!rest.empty() && rest.back() == '$') {
    dollar = true;
    rest = lower(trim(std::string_view(rest).substr(0, rest.size() - 1)));
  }
  if (dollar && kind != Kind::usd) return fail("a dollar amount, but this field is in " + std::string(unit));

  // Split the rest into a multiplier word and a unit word: "1.4t tokens", "500k", "3.35 tb/s".
  auto split = [](const std::string& r, std::string& first, std::string& second) {
    size_t k = 0;
    while (k < r.size() && std::isalpha(static_cast<unsigned char>(r[k]))) ++k;
    first = r.substr(0, k);
    second = std::string(trim(std::string_view(r).substr(k)));
  };
  const std::string unit_l = lower(unit);
  double v = x;
  switch (kind) {
    case Kind::fraction: {
      if (rest == "%") {
        v = x / 100;
      } else if (rest.empty()) {
        if (x > 1) {
          char buf[64];
          std::snprintf(buf, sizeof buf, "%g is more than 1: type %g%% or %g", x, x, x / 100);
          return fail(buf);
        }
      } else {
        return fail("'" + rest + "' is not a unit here: type a fraction (0.4) or a percentage (40%)");
      }
      break;
    }
    case Kind::usd: {
      std::string word, tail;
      split(rest, word, tail);
      double m = 1;
      if (!count_multiplier(word, m)) return fail("'" + rest + "' is not a unit here: type $500K, 2.5M or 1,000");
      // An hourly price may say so: "2.5 /h", "$2/hour".
      if (!tail.empty() && !(unit_l == "usd/h" && (tail == "/h" || tail == "/hour" || tail == "per hour")) &&
          !(unit_l == "usd/month" && (tail == "/month" || tail == "per month")))
        return fail("'" + rest + "' is not a unit here (" + std::string(unit) + ")");
      v = x * m;
      break;
    }
    case Kind::bytes_gb:
    case Kind::bandwidth_gbps: {
      std::string word, tail;
      split(rest, word, tail);
      double gb = 1;
      if (word.empty()) {
        gb = 1;  // a bare number is in the field's unit
      } else if (!byte_unit_in_gb(word, gb)) {
        return fail("'" + rest + "' is not a unit here: type e.g. 80 GB, 1.5 TB or 141 GiB" +
                    std::string(kind == Kind::bandwidth_gbps ? " per second (3.35 TB/s)" : ""));
      }
      if (kind == Kind::bandwidth_gbps ? !(tail.empty() || tail == "/s" || tail == "ps")
                                       : !tail.empty())
        return fail("'" + rest + "' is not a unit here (" + std::string(unit) + ")");
      v = x * gb;
      break;
    }
    case Kind::tflops: {
      static const struct {
        const char* w;
        double m;
      } table[] = {{"", 1}, {"tflops", 1}, {"tflop/s", 1}, {"gflops", 1e-3}, {"gflop/s", 1e-3}, {"pflops", 1e3}, {"pflop/s", 1e3}};
      std::string r = rest;
      r.erase(std::remove(r.begin(), r.end(), ' '), r.end());
      bool found = false;
      for (const auto& e : table)
        if (r == e.w) {
          v = x * e.m;
          found = true;
        }
      if (!found) return fail("'" + rest + "' is not a unit here: type e.g. 989 TFLOPS or 1.98 PFLOPS");
      break;
    }
    case Kind::count: {
      std::string word, tail;
      split(rest, word, tail);
      double m = 1;
      // "1.4t tokens", "8k", "100 users", "5 tokens": a multiplier, then optionally the unit's word.
      if (!count_multiplier(word, m)) {
        if (tail.empty() && !word.empty() && (word == unit_l || word + "s" == unit_l || word == unit_l + "s")) {
          m = 1;
        } else {
          return fail("'" + rest + "' is not a unit here: type e.g. 8k, 50M, 1.4T or 1,000,000");
        }
      } else if (!tail.empty() && !(tail == unit_l || tail + "s" == unit_l || tail == unit_l + "s")) {
        return fail("'" + tail + "' is not a unit here" + (unit.empty() || unit == "1" ? "" : " (" + std::string(unit) + ")"));
      }
      v = x * m;
      break;
    }
  }
  if (!std::isfinite(v)) return fail("too large");
  return {true, v, ""};
}

std::string format_quantity_input(double value, std::string_view unit) {
  const Kind kind = kind_of(unit);
  // Shortest %.Ng (N <= 17) that reads back to exactly `x`.
  auto exact = [](double x) {
    char buf[64];
    for (int p = 6; p <= 17; ++p) {
      std::snprintf(buf, sizeof buf, "%.*g", p, x);
      if (std::strtod(buf, nullptr) == x) break;
    }
    return std::string(buf);
  };
  auto plain = [&](double x) -> std::string {
    const double ax = std::fabs(x);
    const bool whole = ax >= 1000 && ax < 1e15 && x == std::floor(x);
    static const struct {
      double m;
      const char* s;
    } prefixes[] = {{1e12, "T"}, {1e9, "B"}, {1e6, "M"}, {1e3, "k"}};
    for (const auto& p : prefixes) {
      if (ax < p.m) continue;
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.6g", x / p.m);
      // A count under a million with four or more digits reads as itself: 2,048 GPUs, not 2.048k.
      const size_t digits = std::strspn(buf + (x < 0), "0123456789.") - (std::strchr(buf, '.') ? 1 : 0);
      if (whole && ax < 1e6 && digits > 3) break;
      if (std::strtod(buf, nullptr) * p.m == x && !std::strchr(buf, 'e')) return std::string(buf) + p.s;
    }
    if (whole) return format_grouped(x);  // 123,456,789
    return exact(x);
  };
  // A number before a unit word: no multiplier letter (it would read as a unit), no "e+".
  auto with_unit = [&](double x, const char* u) {
    std::string t = exact(x);
    if (t.find("e+") != std::string::npos) {
      const std::string p = plain(x);  // comma-grouped when whole
      if (p.find_first_of("kMBT") == std::string::npos) t = p;
      else {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.0f", x);
        if (std::strtod(buf, nullptr) == x) t = buf;
      }
    }
    return t + u;
  };
  switch (kind) {
    case Kind::fraction: {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.6g", value * 100);
      if (std::strtod(buf, nullptr) / 100 == value) return std::string(buf) + "%";
      return exact(value);
    }
    case Kind::usd:
      return "$" + plain(value);
    case Kind::bytes_gb: {
      // A binary size shows as it is typed, in GiB (2^30 B), when that is shorter and reads back
      // exactly: 512 GiB, not 549.755813888 GB (the r6i.16xlarge's RAM).
      const std::string gb = with_unit(value, " GB");
      char gib[64];
      std::snprintf(gib, sizeof gib, "%.6g GiB", value * kGB / kGiB);
      const ParsedQuantity back = parse_quantity(gib, unit);
      return back.ok && back.value == value && std::strlen(gib) < gb.size() ? std::string(gib) : gb;
    }
    case Kind::bandwidth_gbps:
      return with_unit(value, " GB/s");
    case Kind::tflops:
      return with_unit(value, " TFLOPS");
    case Kind::count:
      break;
  }
  return plain(value);
}

}  // namespace envelope
