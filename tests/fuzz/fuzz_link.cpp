// libFuzzer target: arbitrary bytes into the link decoder and the scenario loader, then evaluate()
// whatever loads. Built by the `fuzz` preset (clang, ASan + UBSan); run by scripts/fuzz.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "envelope/evaluate.hpp"
#include "envelope/link.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  for (const envelope::LoadResult& r : {envelope::decode_link(input), envelope::load_scenario_json(input)}) {
    if (!r.ok()) continue;
    const envelope::Report report = envelope::evaluate(r.scenario);
    for (const envelope::Result& x : report.results)
      if (!std::isfinite(x.value) || x.value < 0) std::abort();  // the property the tests promise
    // Whatever loads must round-trip through a link.
    const envelope::LoadResult again = envelope::decode_link(envelope::encode_link_fragment(r.scenario));
    if (!again.ok() || !again.problems.empty() || !(again.scenario == envelope::canonical(r.scenario))) std::abort();
  }
  return 0;
}
