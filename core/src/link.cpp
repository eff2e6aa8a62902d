// Scenario links (see link.hpp).
#include "envelope/link.hpp"

namespace envelope {

std::string percent_encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                            c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

static int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      const int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

std::string encode_link_fragment(const Scenario& s) { return "#s=" + percent_encode(scenario_to_json(s, true)); }

LoadResult decode_link(const std::string& input) {
  LoadResult r;
  if (input.size() > kMaxLinkBytes) {
    r.fatal = "link is " + std::to_string(input.size()) + " characters; the limit is " + std::to_string(kMaxLinkBytes);
    return r;
  }
  std::string text = input;
  // Trim whitespace a paste may carry.
  const auto first = text.find_first_not_of(" \t\r\n");
  const auto last = text.find_last_not_of(" \t\r\n");
  text = first == std::string::npos ? std::string() : text.substr(first, last - first + 1);
  if (!text.empty() && text.front() != '{') {
    const auto hash = text.find('#');
    if (hash != std::string::npos) {
      text = text.substr(hash + 1);
      if (text.compare(0, 2, "s=") != 0) {
        r.fatal = "no scenario in the link (expected '#s=' followed by scenario JSON)";
        return r;
      }
    }
    if (text.compare(0, 2, "s=") == 0) text = text.substr(2);
    text = percent_decode(text);  // anything else is taken as (maybe encoded) scenario JSON
  }
  if (text.empty()) {
    r.fatal = "the link holds no scenario";
    return r;
  }
  return load_scenario_json(text);
}

}  // namespace envelope
