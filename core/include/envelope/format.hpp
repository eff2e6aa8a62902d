// Human formatting of SI values with explicit units, never scientific notation: counts as 6.74 B,
// bytes as GB (1e9) or GiB (2^30) (never a bare "G"), FLOPs with SI prefixes (8.4 ZFLOP), seconds
// as µs/ms/s/min/h/days/years, USD as $512, $14.2 k, $2.62 M.
#pragma once
#include <initializer_list>
#include <string>
#include <string_view>

namespace envelope {

// The double a decimal text denotes ("989.5", "-1e-06"), as strtod reads it (exactly), without
// strtod for texts of up to 15 significant digits; 0 where no number starts the text.
double read_decimal(std::string_view text);
std::string format_number(double x, int significant = 3);
// Exactly printf("%.4g", x) (but -0 prints "0"), several times faster (basis text of every result; tested against printf).
std::string format_g4(double x);
// format_g4 with a short exponent ("6.738e9"): the numbers substituted into basis text.
std::string format_basis_number(double x);
// Basis text with numbers substituted: each '%' of `pattern` becomes `format` (format_basis_number
// unless given) of the next value, in order ("% x %", {2, 8e9} -> "2 x 8e9"). One call instead of a
// chain of string appends.
std::string substitute_numbers(std::string_view pattern, std::initializer_list<double> values,
                               std::string (*format)(double) = format_basis_number);
// A number in a message (limits, assumptions): the stream default, %g with 6 significant digits,
// but never an exponent (format_number with 6 digits there: "1 x 10^15", "2.5 B").
std::string format_short(double x);
// A number in a warning as people read it: a whole number below a million in full with its
// thousands grouped ("131,072", "2,048"), anything else to 3 significant digits with an SI suffix
// ("2.34 T", "500 k", "5.24"), never "2.336e12".
std::string format_message_number(double x);
// substitute_numbers with format_message_number: the numbers of a warning's text.
std::string substitute_message(std::string_view pattern, std::initializer_list<double> values);
// A whole number with its thousands grouped: "2,048", "-123,456,789" (the nearest whole number).
std::string format_grouped(double whole);
std::string format_bytes(double bytes, bool binary);
std::string format_seconds(double seconds);
std::string format_usd(double usd);
std::string format_flops(double flops);
// Chooses by unit: "B" -> format_bytes, "s" -> format_seconds, "USD*" -> format_usd, else number + unit.
std::string format_value(double value, const std::string& unit, bool binary);

// Text from a user (a scenario name, a key, a value echoed in a message) made safe to print:
// control characters (C0, DEL, C1: terminal escape sequences, carriage returns, newlines) and
// invalid UTF-8 become '?'.
std::string terminal_text(const std::string& s);
// The same, with every ASCII punctuation character backslash-escaped: literal text in Markdown
// (CommonMark), so it cannot open HTML, a link, an image, emphasis or a table cell.
std::string markdown_text(const std::string& s);

}  // namespace envelope
