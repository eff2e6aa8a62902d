// Display formatting with explicit units (see format.hpp).
#include "envelope/format.hpp"

#include <cmath>
#include <cctype>
#include <cstdio>
#include <string>

#include "envelope/units.hpp"

namespace envelope {

std::string format_number(double x, int significant) {
  char buf[64];
  if (x == 0) return "0";
  const double ax = std::fabs(x);
  if (ax >= 1e7 || ax < 1e-3)
    std::snprintf(buf, sizeof buf, "%.*e", significant - 1, x);
  else if (ax >= 1000)
    std::snprintf(buf, sizeof buf, "%.0f", x);
  else
    std::snprintf(buf, sizeof buf, "%.*g", significant, x);
  return buf;
}

// Numbers in basis text: 4 significant digits laid out as printf's %.4g. Hand-rolled because the
// library formatters with a precision go through printf and were 30% of evaluate()'s time.
std::string format_g4(double x) {
  if (!std::isfinite(x)) return x != x ? "nan" : (x > 0 ? "inf" : "-inf");
  if (x == 0) return "0";
  // Below 1e-290 (subnormals included) the scaling below would divide by a power of ten that is
  // itself subnormal or 0 (an infinite quotient, a garbage integer); printf is exact and these
  // values are rare, so it prints them.
  if (std::fabs(x) < 1e-290) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g", x);
    return buf;
  }
  std::string out;
  if (x < 0) {
    out += '-';
    x = -x;
  }
  // Exact powers of ten (1e-22 .. 1e22 are exact doubles) avoid pow() in the common range.
  static const double kPow10[] = {1e-22, 1e-21, 1e-20, 1e-19, 1e-18, 1e-17, 1e-16, 1e-15, 1e-14, 1e-13, 1e-12, 1e-11,
                                  1e-10, 1e-9,  1e-8,  1e-7,  1e-6,  1e-5,  1e-4,  1e-3,  1e-2,  1e-1,  1e0,   1e1,
                                  1e2,   1e3,   1e4,   1e5,   1e6,   1e7,   1e8,   1e9,   1e10,  1e11,  1e12,  1e13,
                                  1e14,  1e15,  1e16,  1e17,  1e18,  1e19,  1e20,  1e21,  1e22};
  auto scaled = [&](int k) {  // x / 10^k, rounded half-to-even like printf
    const double q = k >= 0 && k <= 22 ? x / kPow10[k + 22] : k < 0 && k >= -22 ? x * kPow10[-k + 22] : x / std::pow(10.0, k);
    return static_cast<long long>(std::nearbyint(q));
  };
  int e = static_cast<int>(std::floor(std::log10(x)));
  long long digits = scaled(e - 3);  // 4 significant digits
  if (digits >= 10000) {
    ++e;
    digits = scaled(e - 3);
  } else if (digits < 1000) {
    --e;
    digits = scaled(e - 3);
  }
  char d[5] = {char('0' + digits / 1000), char('0' + digits / 100 % 10), char('0' + digits / 10 % 10), char('0' + digits % 10), 0};
  int last = 3;  // drop trailing zeros after the point
  if (e < -4 || e >= 4) {
    while (last > 0 && d[last] == '0') --last;
    out += d[0];
    if (last > 0) {
      out += '.';
      out.append(d + 1, d + last + 1);
    }
    out += e < 0 ? "e-" : "e+";
    const int ae = e < 0 ? -e : e;
    if (ae < 10) out += '0';
    out += std::to_string(ae);
    return out;
  }
  // Fixed: e in [-4, 3]; the point goes after digit e (or leading zeros for e < 0).
  const int point = e + 1;  // digits before the point
  while (last >= point && last > 0 && d[last] == '0') --last;
  if (point <= 0) {
    out += "0.";
    out.append(static_cast<size_t>(-point), '0');
    out.append(d, d + last + 1);
  } else {
    out.append(d, d + point);
    if (last >= point) {
      out += '.';
      out.append(d + point, d + last + 1);
    }
  }
  return out;
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
  char buf[64];
  if (s < 1e-3)
    std::snprintf(buf, sizeof buf, "%.3g us", s * 1e6);
  else if (s < 1)
    std::snprintf(buf, sizeof buf, "%.3g ms", s * 1e3);
  else if (s < 120)
    std::snprintf(buf, sizeof buf, "%.3g s", s);
  else if (s < 2 * 3600)
    std::snprintf(buf, sizeof buf, "%.3g min", s / 60);
  else if (s < 2 * kSecondsPerDay)
    std::snprintf(buf, sizeof buf, "%.3g h", s / 3600);
  else
    std::snprintf(buf, sizeof buf, "%.4g days", s / kSecondsPerDay);
  return buf;
}

std::string format_usd(double usd) {
  char buf[64];
  if (std::fabs(usd) < 100) {
    std::snprintf(buf, sizeof buf, "$%.2f", usd);
    return buf;
  }
  if (std::fabs(usd) >= 1e15 || !std::isfinite(usd)) {  // past a quadrillion dollars digits stop helping
    std::snprintf(buf, sizeof buf, "%s$%.4g", usd < 0 ? "-" : "", std::fabs(usd));
    return buf;
  }
  std::snprintf(buf, sizeof buf, "%.0f", std::fabs(usd));
  std::string digits = buf, out;
  int n = 0;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it, ++n) {
    if (n && n % 3 == 0) out.insert(out.begin(), ',');
    out.insert(out.begin(), *it);
  }
  return (usd < 0 ? "-$" : "$") + out;
}

std::string format_value(double v, const std::string& unit, bool binary) {
  if (unit == "B") return format_bytes(v, binary);
  if (unit == "s") return format_seconds(v);
  if (unit == "USD") return format_usd(v);
  if (unit == "USD/month") return format_usd(v) + "/month";
  if (unit == "USD/h") return format_usd(v) + "/h";
  if (unit == "bool") return v != 0 ? "yes" : "no";
  if (unit == "1") return format_number(v);
  return format_number(v) + " " + unit;
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
