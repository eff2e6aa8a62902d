// What people type into a number box, read the way they mean it — "1,000,000", "1e6", "50M",
// "1.4T", "8k", "$500K", "2.5%", "80 GB", "3.35 TB/s" — and the same form written back. One parser
// for the page's inputs (and anything else that reads typed quantities); never a silent misread:
// text it cannot read gives an error and no value.
#pragma once
#include <string>
#include <string_view>

namespace envelope {

// The unit a scenario field is stored in (FieldLimits::unit): decides which suffixes the field
// accepts and what they multiply by.
//   ""/"1"/"tokens"/...  plain counts: k/K = 1e3, M = 1e6, B/bn = 1e9, T = 1e12 ("8k", "1.4T")
//   "fraction"           stored as 0..1: "2.5%" = 0.025, "0.4" = 0.4
//   "USD", "USD/h"       "$500K", "$2.5M", "3.2 $/h"
//   "GB", "GB/s"         bytes in 1e9 units: "80 GB", "1.5 TB", "141 GiB" (2^30), "3.35 TB/s"
//   "TFLOPS"             "989 TFLOPS", "1.98 PFLOPS"
struct ParsedQuantity {
  bool ok = false;
  double value = 0;   // in the field's unit
  std::string error;  // one line, when !ok
};
ParsedQuantity parse_quantity(std::string_view text, std::string_view unit);

// The value as an input box shows it, in a form parse_quantity reads back to the same double:
// "1M", "1.4T", "100k", "123,456,789", "2.5%", "$500k", "80", "80 GB", "512 GiB" (for 549.755813888 GB).
std::string format_quantity_input(double value, std::string_view unit);

}  // namespace envelope
