// Bounded JSON reading (see json_input.hpp).
#include "envelope/json_input.hpp"

#include <set>

namespace envelope {
using nlohmann::json;

size_t json_nesting_depth(const std::string& text, size_t stop_above) {
  size_t depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > deepest && (deepest = depth) > stop_above) return deepest;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

JsonInput parse_json_input(const std::string& text, size_t max_bytes, const std::string& what) {
  JsonInput in;
  if (text.size() > max_bytes) {
    in.fatal = what + " is " + std::to_string(text.size()) + " bytes; the limit is " + std::to_string(max_bytes);
    return in;
  }
  if (json_nesting_depth(text) > kMaxJsonDepth) {
    in.fatal = what + " is nested deeper than " + std::to_string(kMaxJsonDepth) + " levels of arrays and objects";
    return in;
  }
  // Duplicate keys: one set of keys per open object, with the object's JSON path.
  struct Frame {
    bool object;
    std::string path, last_key;
    std::set<std::string> keys;
  };
  std::vector<Frame> open;
  auto child_path = [&]() -> std::string {
    if (open.empty()) return "";
    const Frame& parent = open.back();
    if (!parent.object) return parent.path;
    return parent.path.empty() ? parent.last_key : parent.path + "." + parent.last_key;
  };
  json::parser_callback_t callback = [&](int, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
      case json::parse_event_t::array_start:
        open.push_back({event == json::parse_event_t::object_start, child_path(), "", {}});
        break;
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        if (!open.empty()) open.pop_back();
        break;
      case json::parse_event_t::key:
        if (!open.empty() && parsed.is_string()) {
          Frame& f = open.back();
          f.last_key = parsed.get<std::string>();
          if (!f.keys.insert(f.last_key).second)
            in.problems.push_back({child_path(), "duplicate key: given more than once in the same object (the last one "
                                                 "would be used; remove the others)"});
        }
        break;
      case json::parse_event_t::value:
        break;
    }
    return true;
  };
  in.value = json::parse(text, callback, /*allow_exceptions=*/false);
  if (in.value.is_discarded()) {
    in.problems.clear();
    in.fatal = "not valid JSON";
  }
  return in;
}

}  // namespace envelope
