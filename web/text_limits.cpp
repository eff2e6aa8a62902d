// Text limits for the page (see text_limits.hpp).
#include "text_limits.hpp"

#include "envelope/scenario.hpp"

namespace envelope::ui {

bool utf8_valid(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len;
    unsigned min_next = 0x80, max_next = 0xBF;  // allowed range of the second byte (RFC 3629 table)
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) min_next = 0xA0;  // no overlong forms
      if (c == 0xED) max_next = 0x9F;  // no UTF-16 surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) min_next = 0x90;  // no overlong forms
      if (c == 0xF4) max_next = 0x8F;  // nothing above U+10FFFF
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      const unsigned char n = static_cast<unsigned char>(s[i + k]);
      if (k == 1 ? (n < min_next || n > max_next) : (n < 0x80 || n > 0xBF)) return false;
    }
    i += len;
  }
  return true;
}

size_t utf8_code_points(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

size_t utf8_prefix_bytes(std::string_view s, size_t max_code_points) {
  size_t seen = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {  // a character starts here
      if (seen == max_code_points) return i;
      ++seen;
    }
  }
  return s.size();
}

bool json_nesting_within(std::string_view s, int max_depth) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (in_string) {
      if (c == '\\')
        ++i;  // the escaped character cannot end the string
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > max_depth) return false;
    } else if (c == '}' || c == ']') {
      if (depth > 0) --depth;
    }
  }
  return true;
}

std::string name_problem(const std::string& name) {
  if (!utf8_valid(name)) return "the name is not valid UTF-8 text";
  if (utf8_code_points(name) > kMaxNameCodePoints)
    return "the name is longer than " + std::to_string(kMaxNameCodePoints) + " characters";
  return "";
}

}  // namespace envelope::ui
