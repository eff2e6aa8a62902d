// Reading untrusted JSON text (links, scenario files, plan files, saved scenarios): the size is
// checked before parsing, the nesting depth before anything recurses over the parsed value (a
// serialiser, a copy, a destructor), and a key given twice in one object is reported instead of
// the parser silently keeping the last one.
#pragma once
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "envelope/scenario.hpp"

namespace envelope {

// Deepest nesting of arrays and objects any reader accepts. A scenario is 2 levels deep, a plan
// file 4; 32 leaves room for additions and keeps every recursive walk a few frames deep.
inline constexpr size_t kMaxJsonDepth = 32;

// Largest nesting depth of arrays/objects in `text` (brackets inside strings are not counted),
// scanning no further than depth `stop_above` + 1.
size_t json_nesting_depth(const std::string& text, size_t stop_above = kMaxJsonDepth);

struct JsonInput {
  nlohmann::json value;           // discarded when `fatal` is set
  std::vector<Problem> problems;  // duplicate keys, by JSON path ("model", "inference.batch")
  std::string fatal;              // too large, too deep, or not JSON
};
// `what` names the input in messages ("scenario JSON", "plan file").
JsonInput parse_json_input(const std::string& text, size_t max_bytes, const std::string& what);

}  // namespace envelope
