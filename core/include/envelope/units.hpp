// Units used everywhere in Envelope. Internally every quantity is SI: bytes, FLOPs, seconds, USD.
// Display code chooses GB (1e9) or GiB (2^30) explicitly; a bare "G" is never printed.
#pragma once

namespace envelope {

inline constexpr double kGB = 1e9;                       // gigabyte, decimal (datasheets, prices)
inline constexpr double kGiB = 1073741824.0;             // gibibyte, 2^30 (what the seed's code divides by)
inline constexpr double kTB = 1e12;
inline constexpr double kTiB = 1099511627776.0;
inline constexpr double kTera = 1e12;                    // TFLOPS -> FLOP/s
inline constexpr double kPeta = 1e15;
inline constexpr double kSecondsPerHour = 3600.0;
inline constexpr double kSecondsPerDay = 86400.0;        // seed: avg_qps = requests / 86_400
// Hours in an average month: 365 * 24 / 12 = 730. The seed's LLM-serving example uses 24 * 30 = 720;
// tests name that difference.
inline constexpr double kHoursPerMonth = 730.0;

}  // namespace envelope
