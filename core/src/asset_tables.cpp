// Reading the flat records of asset_tables.hpp (the generated data is in the build directory).
#include "asset_tables.hpp"

#include "envelope/format.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>

namespace envelope {

std::vector<AssetRecord> asset_records(std::string_view file, std::string_view collection) {
  std::vector<AssetRecord> out;
  for (const AssetCollection& c : asset_collections()) {
    if (file != c.file || collection != c.name) continue;
    std::string_view rest(c.text, c.size);
    for (size_t end; (end = rest.find('\x1d')) != std::string_view::npos; rest.remove_prefix(end + 1))
      out.push_back(rest.substr(0, end));
    out.push_back(rest);
  }
  return out;
}

namespace {
// "1.8e7fp-4" (after "0x"): hexadecimal mantissa digits, an optional point, a binary exponent. At
// most 14 digits after the leading one (53 bits), as Python's float.hex writes: exact.
double hex_float(std::string_view t) {
  uint64_t mantissa = 0;
  int exponent = 0;
  size_t i = 0;
  bool point = false;
  for (; i < t.size() && t[i] != 'p' && t[i] != 'P'; ++i) {
    const char c = t[i];
    if (c == '.') {
      point = true;
      continue;
    }
    const int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (d < 0) return std::strtod(("0x" + std::string(t)).c_str(), nullptr);
    mantissa = mantissa * 16 + static_cast<uint64_t>(d);
    if (point) exponent -= 4;
  }
  int e = 0;
  bool minus = false;
  if (i < t.size()) {
    ++i;
    if (i < t.size() && (t[i] == '-' || t[i] == '+')) minus = t[i++] == '-';
    for (; i < t.size() && t[i] >= '0' && t[i] <= '9' && e < 100000; ++i) e = e * 10 + (t[i] - '0');
  }
  return std::ldexp(static_cast<double>(mantissa), exponent + (minus ? -e : e));
}
}  // namespace

// Numbers come from the generator as short decimals ("989.5", "80", "1e-06"), read by read_decimal
// (format.hpp) without strtod, or, where the shortest form has more than 15 significant digits, as
// hexadecimal floats ("0x1.8e7fp-4", Python's float.hex), exact by construction. strtod was most of
// the catalog's start-up time in the browser (docs/performance.md). test_asset_tables.cpp compares
// every number with the JSON parser's.
double AssetField::number() const {
  {
    const bool neg = !text.empty() && text[0] == '-';
    const std::string_view t = text.substr(neg ? 1 : 0);
    if (t.size() > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) return (neg ? -1 : 1) * hex_float(t.substr(2));
  }
  return read_decimal(text);
}

AssetFields::AssetFields(AssetRecord r) {
  fields_.reserve(48);
  while (!r.empty()) {
    const size_t end = std::min(r.find('\x1e'), r.size());
    const std::string_view field = r.substr(0, end);
    r.remove_prefix(std::min(end + 1, r.size()));
    const size_t sep = field.find('\x1f');
    if (sep == std::string_view::npos || sep < 1) continue;  // not written by the generator
    fields_.push_back(AssetField{field[0], field.substr(1, sep - 1), field.substr(sep + 1)});
  }
}

std::optional<AssetField> AssetFields::find(std::string_view key) const {
  const size_t n = fields_.size();
  for (size_t k = 0; k < n; ++k) {
    const size_t i = (cursor_ + k) % n;
    if (fields_[i].key == key) {
      // The first field under the key: only arrays repeat a key, and their elements are adjacent.
      size_t first = i;
      while (first > 0 && fields_[first - 1].key == key) --first;
      cursor_ = first + 1;
      return fields_[first];
    }
  }
  return std::nullopt;
}

double AssetFields::num(std::string_view key, double fallback) const { return opt(key).value_or(fallback); }

std::optional<double> AssetFields::opt(std::string_view key) const {
  const auto f = find(key);
  if (f && f->kind == 'n') return f->number();
  return std::nullopt;
}

std::string AssetFields::str(std::string_view key, const char* fallback) const {
  const auto f = find(key);
  return f && f->kind == 's' ? std::string(f->text) : std::string(fallback);
}

bool AssetFields::flag(std::string_view key, bool fallback) const {
  const auto f = find(key);
  return f && f->kind == 'b' ? f->text == "1" : fallback;
}

std::vector<std::string> AssetFields::strings(std::string_view key) const {
  std::vector<std::string> out;
  for (const AssetField& f : fields_)
    if (f.kind == 's' && f.key == key) out.emplace_back(f.text);
  return out;
}

}  // namespace envelope
