// Display formatting with explicit units (see format.hpp).
#include "envelope/format.hpp"

#include <cmath>
#include <cstdio>

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

}  // namespace envelope
