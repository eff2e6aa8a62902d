// Display formatting with explicit units (see format.hpp).
#include "envelope/format.hpp"

#include <cmath>
#include <cstdlib>
#include <string_view>
#include <cstdint>
#include <cstring>
#include <cctype>
#include <cstdio>
#include <string>

#include "envelope/units.hpp"

namespace envelope {

namespace {
// Powers of ten 1e-22 .. 1e22 (kPow10[22 + n] = 1e n; 1e0 .. 1e22 are exact doubles) avoid pow() in the
// common range.
constexpr double kPow10[] = {1e-22, 1e-21, 1e-20, 1e-19, 1e-18, 1e-17, 1e-16, 1e-15, 1e-14, 1e-13, 1e-12, 1e-11,
                             1e-10, 1e-9,  1e-8,  1e-7,  1e-6,  1e-5,  1e-4,  1e-3,  1e-2,  1e-1,  1e0,   1e1,
                             1e2,   1e3,   1e4,   1e5,   1e6,   1e7,   1e8,   1e9,   1e10,  1e11,  1e12,  1e13,
                             1e14,  1e15,  1e16,  1e17,  1e18,  1e19,  1e20,  1e21,  1e22};
}  // namespace

// A decimal with at most 15 significant digits and a power of ten up to 1e22 converts exactly with
// one multiplication or division, both operands being exact doubles (Clinger, "How to read floating
// point numbers accurately", PLDI 1990: the fast path); strtod takes the rest. In the browser, strtod
// is large code compiled on its first call, before the first frame (docs/performance.md).
double read_decimal(std::string_view text) {
  size_t i = 0;
  const bool negative = i < text.size() && text[i] == '-';
  if (negative) ++i;
  double mantissa = 0;  // exact while it has at most 15 digits
  int digits = 0, exponent = 0;
  bool any = false, point = false;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '.' && !point) {
      point = true;
      continue;
    }
    if (c < '0' || c > '9') break;
    any = true;
    if (digits == 0 && c == '0') {  // leading zeros are not significant
      if (point) --exponent;
      continue;
    }
    mantissa = mantissa * 10 + (c - '0');
    ++digits;
    if (point) --exponent;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    size_t j = i + 1;
    const bool minus = j < text.size() && text[j] == '-';
    if (j < text.size() && (text[j] == '-' || text[j] == '+')) ++j;
    int e = 0;
    for (; j < text.size() && text[j] >= '0' && text[j] <= '9' && e < 10000; ++j) e = e * 10 + (text[j] - '0');
    exponent += minus ? -e : e;
    i = j;
  }
  if (any && i == text.size() && digits <= 15 && exponent >= -22 && exponent <= 22) {
    const double v = exponent >= 0 ? mantissa * kPow10[22 + exponent] : mantissa / kPow10[22 - exponent];  // exact powers
    return negative ? -v : v;
  }
  return std::strtod(std::string(text).c_str(), nullptr);
}

// `significant` digits of x (trailing zeros dropped), rounding up into the next power of ten when it
// must ("999.96" with 4 digits is "1000"): the caller picks the prefix from the rounded value.
static std::string digits(double x, int significant) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", significant, x);
  return buf;
}

std::string format_number(double x, int significant) {
  // Readable, never scientific: 6.74 B, 141 k, 0.25; beyond 1e15 and below 1e-3 as "x 10^n".
  if (!std::isfinite(x)) return x != x ? "not a number" : (x > 0 ? "infinite" : "-infinite");
  if (x == 0) return "0";
  const double ax = std::fabs(x);
  const std::string sign = x < 0 ? "-" : "";
  static const struct {
    double m;
    const char* s;
  } prefixes[] = {{1e12, " T"}, {1e9, " B"}, {1e6, " M"}, {1e3, " k"}};
  if (ax >= 1e15 || ax < 1e-3) {
    int e = static_cast<int>(std::floor(std::log10(ax)));
    // Subnormals: 10^e itself underflows below 1e-308, so scale up first.
    double m = e < -300 ? (ax * 1e300) / std::pow(10.0, e + 300) : ax / std::pow(10.0, e);
    if (read_decimal(digits(m, significant)) >= 10) {
      ++e;
      m /= 10;
    }
    return sign + digits(m, significant) + " x 10^" + std::to_string(e);
  }
  for (const auto& p : prefixes) {
    // The prefix of the value as it will be shown: 999,960 with 3 digits reads "1 M", not "1000 k".
    if (read_decimal(digits(ax, significant)) >= p.m) return sign + digits(ax / p.m, significant) + p.s;
  }
  return sign + digits(ax, significant);
}

// Numbers in basis text: 4 significant digits laid out as printf's %.4g. Hand-rolled because the
// library formatters with a precision go through printf and were 30% of evaluate()'s time; written
// into a stack buffer (one string built at the end, within the short-string buffer) and with the
// decimal exponent found from the binary one, because evaluate() formats a few hundred numbers and
// this was still a fifth of its instructions (docs/performance.md).
namespace {
// Round half to even, as printf (and nearbyint in the default rounding mode) does; 0 <= q < 1e6
// here, so the truncation is the floor and the difference exact.
int round_half_even(double q) {
  int n = static_cast<int>(q);
  const double frac = q - n;
  if (frac > 0.5 || (frac == 0.5 && (n & 1))) ++n;
  return n;
}

// x > 0, finite, >= 1e-290. Writes %.4g's text (exponent "e+09" or, short, "e9") to out; returns
// its length (at most 11 characters).
size_t write_g4(double x, char* out, bool short_exponent) {
  auto scaled = [&](int k) {  // x / 10^k, rounded half-to-even like printf
    const double q = k >= 0 && k <= 22 ? x / kPow10[k + 22] : k < 0 && k >= -22 ? x * kPow10[-k + 22] : x / std::pow(10.0, k);
    return round_half_even(q);
  };
  // floor(log10(x)): estimated from the binary exponent (log10(2) = 0.30103) and corrected against
  // the exact powers of ten; log10() outside their range.
  int e;
  if (x >= 1e-22 && x < 1e22) {
    // x in [2^b, 2^(b+1)): b from the exponent bits (x is normal here); floor(b x log10(2)) as
    // (b x 78913) >> 18, exact for |b| < 1,700.
    uint64_t bits;
    std::memcpy(&bits, &x, sizeof bits);  // std::bit_cast is missing from Emscripten 3.1.6's libc++
    const int b = static_cast<int>((bits >> 52) & 0x7ff) - 1023;
    e = (b * 78913) >> 18;
    if (e < -22) e = -22;
    while (e < 22 && x >= kPow10[e + 1 + 22]) ++e;
    while (e > -22 && x < kPow10[e + 22]) --e;
  } else {
    e = static_cast<int>(std::floor(std::log10(x)));
  }
  int digits = scaled(e - 3);  // 4 significant digits
  if (digits >= 10000) {
    ++e;
    digits = scaled(e - 3);
  } else if (digits < 1000) {
    --e;
    digits = scaled(e - 3);
  }
  const char d[4] = {char('0' + digits / 1000), char('0' + digits / 100 % 10), char('0' + digits / 10 % 10), char('0' + digits % 10)};
  size_t n = 0;
  int last = 3;  // drop trailing zeros after the point
  if (e < -4 || e >= 4) {
    while (last > 0 && d[last] == '0') --last;
    out[n++] = d[0];
    if (last > 0) {
      out[n++] = '.';
      for (int i = 1; i <= last; ++i) out[n++] = d[i];
    }
    out[n++] = 'e';
    const int ae = e < 0 ? -e : e;
    if (e < 0) out[n++] = '-';
    else if (!short_exponent) out[n++] = '+';
    if (ae >= 100) out[n++] = char('0' + ae / 100);
    if (ae >= 10 || !short_exponent) out[n++] = char('0' + ae / 10 % 10);
    out[n++] = char('0' + ae % 10);
    return n;
  }
  // Fixed: e in [-4, 3]; the point goes after digit e (or leading zeros for e < 0).
  const int point = e + 1;  // digits before the point
  while (last >= point && last > 0 && d[last] == '0') --last;
  if (point <= 0) {
    out[n++] = '0';
    out[n++] = '.';
    for (int i = 0; i < -point; ++i) out[n++] = '0';
    for (int i = 0; i <= last; ++i) out[n++] = d[i];
  } else {
    for (int i = 0; i < point; ++i) out[n++] = d[i];
    if (last >= point) {
      out[n++] = '.';
      for (int i = point; i <= last; ++i) out[n++] = d[i];
    }
  }
  return n;
}

std::string g4(double x, bool short_exponent) {
  if (!std::isfinite(x)) return x != x ? "nan" : (x > 0 ? "inf" : "-inf");
  if (x == 0) return "0";
  // Below 1e-290 (subnormals included) the scaling would divide by a power of ten that is itself
  // subnormal or 0 (an infinite quotient, a garbage integer); printf is exact and these values are
  // rare, so it prints them.
  if (std::fabs(x) < 1e-290) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g", x);
    std::string t = buf;
    if (short_exponent) {  // "1e-300" is already short; only "e-0N" / "e+" forms are shortened
      const size_t at = t.find('e');
      if (at != std::string::npos) {
        std::string exp = t.substr(at + 1);
        const bool negative = exp[0] == '-';
        exp.erase(0, 1);
        while (exp.size() > 1 && exp[0] == '0') exp.erase(0, 1);
        t = t.substr(0, at) + (negative ? "e-" : "e") + exp;
      }
    }
    return t;
  }
  char buf[16];
  size_t n = 0;
  if (x < 0) {
    buf[n++] = '-';
    x = -x;
  }
  if (x < 10000 && x == static_cast<double>(static_cast<int>(x))) {
    // A whole number below 10,000 (layers, GPUs, batch sizes: a third of what evaluate() formats) is
    // its own %.4g text: its digits, no point, no exponent.
    const int v = static_cast<int>(x);
    if (v >= 1000) buf[n++] = char('0' + v / 1000);
    if (v >= 100) buf[n++] = char('0' + v / 100 % 10);
    if (v >= 10) buf[n++] = char('0' + v / 10 % 10);
    buf[n++] = char('0' + v % 10);
    return std::string(buf, n);
  }
  n += write_g4(x, buf + n, short_exponent);
  return std::string(buf, n);
}
}  // namespace

std::string format_g4(double x) { return g4(x, false); }

std::string format_short(double x) {
  // %g with 6 significant digits (what a stream prints by default); snprintf keeps libc++'s
  // iostreams and locales out of the wasm (docs/performance.md). Where %g would switch to an
  // exponent (1e+15, 5e-05), the readable form with the same 6 digits ("1 x 10^15", "1.5 B").
  const double a = std::fabs(x);
  if (std::isfinite(x) && x != 0 && (a >= 1e6 || a < 1e-4)) return format_number(x, 6);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", x);
  return buf;
}

std::string format_grouped(double whole) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.0f", std::fabs(whole));
  std::string d = buf, out;
  for (size_t i = 0; i < d.size(); ++i) {
    if (i && (d.size() - i) % 3 == 0) out += ',';
    out += d[i];
  }
  return (whole < 0 ? "-" : "") + out;
}

std::string format_basis_number(double x) {
  // format_g4 with the exponent written short: "6.738e9", "1e-5" (basis text: no "e+09").
  return g4(x, true);
}

std::string format_message_number(double x) {
  if (std::isfinite(x) && std::fabs(x) < 1e6 && x == std::floor(x)) return format_grouped(x);
  return format_number(x, 3);
}

std::string substitute_numbers(std::string_view pattern, std::initializer_list<double> values,
                               std::string (*format)(double)) {
  std::string out;
  out.reserve(pattern.size() + 8 * values.size());
  const double* v = values.begin();
  for (char c : pattern) {
    if (c == '%' && v != values.end()) out += format(*v++);
    else out += c;
  }
  return out;
}

std::string substitute_message(std::string_view pattern, std::initializer_list<double> values) {
  return substitute_numbers(pattern, values, format_message_number);
}

std::string format_bytes(double bytes, bool binary) {
  struct Unit {
    double size;
    const char* name;
  };
  static const Unit dec[] = {{1e15, "PB"}, {1e12, "TB"}, {1e9, "GB"}, {1e6, "MB"}, {1e3, "KB"}};
  static const Unit bin[] = {{1125899906842624.0, "PiB"}, {kTiB, "TiB"}, {kGiB, "GiB"}, {1048576.0, "MiB"}, {1024.0, "KiB"}};
  const Unit* units = binary ? bin : dec;
  char buf[64];
  for (int i = 0; i < 5; ++i) {
    if (std::fabs(bytes) >= units[i].size) {
      std::snprintf(buf, sizeof buf, "%.4g %s", bytes / units[i].size, units[i].name);
      return buf;
    }
  }
  std::snprintf(buf, sizeof buf, "%.4g B", bytes);
  return buf;
}

std::string format_seconds(double s) {
  // µs (U+00B5, in the page's font range) .. years: 73.5 µs, 21.9 ms, 10.7 years.
  if (!std::isfinite(s)) return format_number(s);
  char buf[64];
  const double a = std::fabs(s);
  if (a == 0)
    return "0 s";
  else if (a < 1e-3)
    std::snprintf(buf, sizeof buf, "%.3g \u00b5s", s * 1e6);
  else if (a < 1)
    std::snprintf(buf, sizeof buf, "%.3g ms", s * 1e3);
  else if (a < 120)
    std::snprintf(buf, sizeof buf, "%.3g s", s);
  else if (a < 2 * 3600)
    std::snprintf(buf, sizeof buf, "%.3g min", s / 60);
  else if (a < 2 * kSecondsPerDay)
    std::snprintf(buf, sizeof buf, "%.3g h", s / 3600);
  else if (a < 2 * 365.25 * kSecondsPerDay)
    std::snprintf(buf, sizeof buf, "%.3g days", s / kSecondsPerDay);
  else
    return format_number(s / (365.25 * kSecondsPerDay), 3) + " years";
  return buf;
}

std::string format_usd(double usd) {
  // $12.34, $512, $14.2 k, $2.62 M: three significant digits from a thousand up.
  if (!std::isfinite(usd)) return format_number(usd);
  const std::string sign = usd < 0 ? "-" : "";
  const double a = std::fabs(usd);
  char buf[64];
  if (a < 100) {
    std::snprintf(buf, sizeof buf, "$%.2f", a);
    return sign + buf;
  }
  if (a < 1000) {
    std::snprintf(buf, sizeof buf, "$%.0f", a);
    return sign + buf;
  }
  return sign + "$" + format_number(a, 3);
}

std::string format_flops(double flops) {
  // SI prefixes on FLOP: 989 TFLOP, 8.4 ZFLOP (1e21); the 6PD totals of large runs reach 1e25.
  static const struct {
    double m;
    const char* s;
  } prefixes[] = {{1e24, " YFLOP"}, {1e21, " ZFLOP"}, {1e18, " EFLOP"}, {1e15, " PFLOP"},
                  {1e12, " TFLOP"}, {1e9, " GFLOP"},  {1e6, " MFLOP"},  {1e3, " kFLOP"}};
  const double a = std::fabs(flops);
  if (std::isfinite(flops) && a < 1e27)
    for (const auto& p : prefixes)
      if (a >= p.m) return digits(flops / p.m, 3) + p.s;
  return format_number(flops, 3) + " FLOP";
}

std::string format_value(double v, const std::string& unit, bool binary) {
  if (unit == "B") return format_bytes(v, binary);
  if (unit == "B/s") return format_bytes(v, binary) + "/s";  // 110 GB/s, not "110 B B/s"
  if (unit == "s") return format_seconds(v);
  if (unit == "USD") return format_usd(v);
  if (unit == "USD/month") return format_usd(v) + "/month";
  if (unit == "USD/h") return format_usd(v) + "/h";
  if (unit == "bool") return v != 0 ? "yes" : "no";
  if (unit == "1") return format_number(v, 3);
  if (unit == "FLOP" || unit == "FLOP/s") return format_flops(v) + (unit == "FLOP/s" ? "/s" : "");
  return format_number(v, 3) + " " + unit;
}

namespace {

// Length of the UTF-8 sequence starting at s[i] and its code point, or 0 if it is not valid UTF-8.
size_t utf8_sequence(const std::string& s, size_t i, unsigned& code_point) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  const size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  code_point = n == 1 ? c : c & (0x7F >> n);
  for (size_t k = 1; k < n; ++k) {
    const unsigned char cc = static_cast<unsigned char>(s[i + k]);
    if ((cc >> 6) != 0x2) return 0;
    code_point = (code_point << 6) | (cc & 0x3F);
  }
  static const unsigned kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (code_point < kMin[n] || code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF)) return 0;
  return n;
}

}  // namespace

std::string terminal_text(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    unsigned cp = 0;
    const size_t n = utf8_sequence(s, i, cp);
    // C0 controls (ESC, CR, BS, newline...), DEL and C1 controls (8-bit CSI): a terminal acts on them.
    if (n == 0 || cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) {
      out += '?';
      i += n == 0 ? 1 : n;
      continue;
    }
    out.append(s, i, n);
    i += n;
  }
  return out;
}

std::string markdown_text(const std::string& s) {
  std::string out;
  for (char c : terminal_text(s)) {
    // CommonMark: any ASCII punctuation character may be backslash-escaped and is then literal, so no
    // HTML, link, image, emphasis, code span, entity, table cell or (GFM) autolink can start.
    if (c > 0 && c < 0x7F && std::ispunct(static_cast<unsigned char>(c))) out += '\\';
    out += c;
  }
  return out;
}

}  // namespace envelope
