// Human formatting of SI values with explicit units: bytes as GB (1e9) or GiB (2^30), never a bare
// "G"; FLOPs in scientific notation; seconds as ms/s/h/days; USD with thousands separators.
#pragma once
#include <string>

namespace envelope {

std::string format_number(double x, int significant = 4);
// Exactly printf("%.4g", x), several times faster (basis text of every result; tested against printf).
std::string format_g4(double x);
std::string format_bytes(double bytes, bool binary);
std::string format_seconds(double seconds);
std::string format_usd(double usd);
// Chooses by unit: "B" -> format_bytes, "s" -> format_seconds, "USD*" -> format_usd, else number + unit.
std::string format_value(double value, const std::string& unit, bool binary);

}  // namespace envelope
