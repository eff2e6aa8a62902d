// libFuzzer target: arbitrary bytes into every reader (link, scenario JSON, plan file), then
// evaluate() and every report format for whatever loads, both planners for plan files that ask
// for them, and every formatter for the input's first 8 bytes read as a double. Built by the
// `fuzz` preset (clang, ASan + UBSan incl. float-cast-overflow); run by scripts/fuzz with the
// dictionary envelope.dict. A property that fails aborts, so libFuzzer keeps the input.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "envelope/evaluate.hpp"
#include "envelope/format.hpp"
#include "envelope/link.hpp"
#include "envelope/planner.hpp"

using namespace envelope;

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

// No control character but newline, so nothing a terminal acts on.
bool printable(const std::string& s) {
  for (unsigned char c : s)
    if ((c < 0x20 && c != '\n') || c == 0x7F) return false;
  return true;
}

void check_formatters(double x) {
  if (!std::isfinite(x)) return;
  char expected[64];
  std::snprintf(expected, sizeof expected, "%.4g", x);
  require(format_g4(x) == (x == 0 ? std::string("0") : std::string(expected)));
  for (const std::string& s : {format_number(x), format_bytes(std::fabs(x), false), format_bytes(std::fabs(x), true),
                               format_seconds(std::fabs(x)), format_usd(x), format_value(x, "FLOP", false)})
    require(!s.empty() && s.size() < 48 && printable(s));
}

void check_scenario(const LoadResult& r) {
  const Report report = evaluate(r.scenario);
  for (const Result& x : report.results) require(std::isfinite(x.value) && x.value >= 0);  // the property the tests promise
  require(printable(report.to_text(false)));
  require(printable(report.to_markdown(true)));
  require(!report.to_json().empty());
  // A name is literal text in Markdown: no control character, every '<' and '[' escaped.
  const std::string name = markdown_text(r.scenario.name);
  require(printable(name) && name.find('\n') == std::string::npos);
  for (size_t i = 0; i < name.size(); ++i)
    if (name[i] == '<' || name[i] == '[') require(i > 0 && name[i - 1] == '\\');
  // Whatever loads round-trips through a link.
  const LoadResult again = decode_link(encode_link_fragment(r.scenario));
  require(again.ok() && again.problems.empty() && again.scenario == canonical(r.scenario));
}

void check_plan(const PlanFile& f) {
  // The planners evaluate hundreds of layouts: kept to the scenario's GPU and two weight formats.
  TrainingPlannerOptions t = f.request.training;
  ServingPlannerOptions s = f.request.serving;
  if (s.gpus.empty() || s.gpus.size() > 2) s.gpus = {f.scenario.hardware.gpu};
  if (s.weights.size() > 2) s.weights.resize(2);
  const TrainingPlannerResult tr = plan_training(f.scenario, t);
  const ServingPlannerResult sv = plan_serving(f.scenario, s);
  require(!tr.why_best.empty());
  for (const TrainingPlan& p : tr.ranked) require(std::isfinite(p.step_seconds) && p.step_seconds > 0);
  for (const ServingOption& o : sv.ranked) require(std::isfinite(o.monthly_usd) && o.monthly_usd >= 0);
  require(printable(plan_to_text(f, &tr, &sv)));
  require(!plan_to_json(f, &tr, &sv).empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  if (size >= sizeof(double)) {
    double x;
    std::memcpy(&x, data, sizeof x);
    check_formatters(x);
  }
  require(printable(terminal_text(input)));
  const LoadResult link = decode_link(input);
  if (link.ok()) check_scenario(link);
  // A JSON object is read by decode_link as scenario JSON already; anything else is tried as a file.
  if (input.empty() || input[0] != '{') {
    const LoadResult file = load_scenario_json(input);
    if (file.ok()) check_scenario(file);
  }
  const PlanFile f = load_plan_file(input);
  if (f.fatal.empty() && f.problems.empty() && input.find("\"planner\"") != std::string::npos) check_plan(f);
  return 0;
}
