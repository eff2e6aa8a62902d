// Internal to core/src: catalog assets as flat records, generated at build time from
// assets/*.json by cmake/asset_tables.py (its comment says how a file becomes records). Reading
// them needs no JSON parser: the page's start-up no longer parses 70 KB of catalog text (and no
// longer compiles the parser's code before its first frame, docs/performance.md).
#pragma once
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace envelope {

struct AssetCollection {
  const char* file;  // "hardware.json"
  const char* name;  // "accelerators"; "" for the file's root record
  const char* text;  // records separated by 0x1D (cmake/asset_tables.py)
  unsigned size;     // bytes of text
};

// Every collection of every asset file (generated).
std::span<const AssetCollection> asset_collections();

// One record: fields separated by 0x1E, each kind + key + 0x1F + value.
using AssetRecord = std::string_view;

// One record: fields separated by 0x1E, each kind + key + 0x1F + value.
using AssetRecord = std::string_view;

// The records of one collection; empty if the file or collection is not there.
std::vector<AssetRecord> asset_records(std::string_view file, std::string_view collection);

struct AssetField {
  char kind = 0;          // 'n' number, 's' string, 'b' boolean (value "1" or "0")
  std::string_view key;   // "id", "tflops.bf16" (nested objects flattened with dots)
  std::string_view text;  // the value as text
  // The number the text holds (exact: the generator writes the shortest round-trip form).
  double number() const;
};

// Reads one record's fields by key, with the fallbacks the catalog readers used on JSON.
class AssetFields {
 public:
  explicit AssetFields(AssetRecord r);  // splits the record into its fields once
  // Every field in the file's order.
  std::vector<AssetField> all() const { return fields_; }
  std::optional<AssetField> find(std::string_view key) const;  // the first field under the key
  double num(std::string_view key, double fallback = 0) const;
  std::optional<double> opt(std::string_view key) const;
  std::string str(std::string_view key, const char* fallback = "") const;
  bool flag(std::string_view key, bool fallback) const;
  // Every string under the key, in order (an array of strings is one field per element).
  std::vector<std::string> strings(std::string_view key) const;

 private:
  std::vector<AssetField> fields_;
  // Where the last lookup ended: readers ask for keys mostly in the file's order, so the next key is
  // usually the next field.
  mutable size_t cursor_ = 0;
};

}  // namespace envelope
