// Scenario links: "#s=" + percent-encoded minimal scenario JSON in the URL fragment (never sent to a
// server). Decoding accepts a full URL, a fragment, "s=...", raw (not percent-encoded) JSON, or a
// JSON object pasted by hand. Oversize input is refused before parsing.
#pragma once
#include <string>

#include "envelope/scenario.hpp"

namespace envelope {

inline constexpr size_t kMaxLinkBytes = 16 * 1024;

// RFC 3986: unreserved characters (ALPHA / DIGIT / "-" / "." / "_" / "~") stay; all else is %XX.
std::string percent_encode(const std::string& s);
// Decodes %XX; a malformed escape is kept as literal text.
std::string percent_decode(const std::string& s);

std::string encode_link_fragment(const Scenario& s);  // "#s=..."
LoadResult decode_link(const std::string& url_or_fragment);

}  // namespace envelope
