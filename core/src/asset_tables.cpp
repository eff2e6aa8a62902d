// Reading the flat records of asset_tables.hpp (the generated data is in the build directory).
#include "asset_tables.hpp"

#include <algorithm>
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

double AssetField::number() const { return std::strtod(std::string(text).c_str(), nullptr); }

bool AssetFields::next(std::string_view& rest, AssetField& out) {
  while (!rest.empty()) {
    const size_t end = std::min(rest.find('\x1e'), rest.size());
    const std::string_view field = rest.substr(0, end);
    rest.remove_prefix(std::min(end + 1, rest.size()));
    const size_t sep = field.find('\x1f');
    if (sep == std::string_view::npos || sep < 1) continue;  // not written by the generator
    out = AssetField{field[0], field.substr(1, sep - 1), field.substr(sep + 1)};
    return true;
  }
  return false;
}

std::vector<AssetField> AssetFields::all() const {
  std::vector<AssetField> out;
  std::string_view rest = r_;
  for (AssetField f; next(rest, f);) out.push_back(f);
  return out;
}

std::optional<AssetField> AssetFields::find(std::string_view key) const {
  std::string_view rest = r_;
  for (AssetField f; next(rest, f);)
    if (f.key == key) return f;
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
  std::string_view rest = r_;
  for (AssetField f; next(rest, f);)
    if (f.kind == 's' && f.key == key) out.emplace_back(f.text);
  return out;
}

}  // namespace envelope
