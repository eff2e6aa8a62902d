// Limits on text the page reads from the browser (storage, links, the JS API) and on names typed
// into it, checked before anything is parsed or stored.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace envelope::ui {

// Whether `text` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, <= U+10FFFF).
// nlohmann::json::dump aborts the wasm page on anything else, so every name is checked.
bool utf8_valid(std::string_view text);
// Code points in well-formed UTF-8 text.
size_t utf8_code_points(std::string_view text);
// Byte length of the longest prefix of `text` holding at most `max_code_points` code points; never
// ends inside a multi-byte character.
size_t utf8_prefix_bytes(std::string_view text, size_t max_code_points);
// Whether JSON text nests objects/arrays at most `max_depth` deep (brackets inside strings do not
// count). Checked before parsing anything from storage or a link: deep nesting exhausts the stack
// in recursive copies.
bool json_nesting_within(std::string_view text, int max_depth);

// Why `name` is not a valid name (UTF-8, at most kMaxNameCodePoints characters); empty when it is.
std::string name_problem(const std::string& name);

}  // namespace envelope::ui
