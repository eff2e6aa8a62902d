// evaluate(): scenario in, report out. Deterministic, never throws on a loaded scenario.
#pragma once
#include "envelope/catalog.hpp"
#include "envelope/report.hpp"
#include "envelope/scenario.hpp"

namespace envelope {

// Default efficiencies for a hardware class, chosen from published measurements (sources in
// setup.cpp and docs/calibration.md), never tuned per case.
struct Efficiencies {
  double training_mfu;
  double decode_bandwidth;
  double compute;  // matmul efficiency in prefill and decode
  std::string source;
};
Efficiencies default_efficiencies(const Accelerator& a);
// AMD Instinct MI300X, MI325X, MI350X, MI355X (CDNA 3 / CDNA 4): trained at the NVIDIA datacenter
// defaults and the H100-class kernel fit (setup.cpp, training_kernel_efficiency).
bool is_amd_instinct_cdna3_or_cdna4(const Accelerator& a);
// The training kernel efficiency a GEMM `hidden` wide reaches at a precision: the generation's fit
// (training_kernel_efficiency) x gemm_width_factor(hidden, gemm_half_width(peak, bandwidth)).
double effective_kernel_efficiency(const Accelerator& gpu, Dtype compute, double hidden);
// Serving compute efficiency of 4-bit float weights relative to fp8 at the model's hidden size
// (effective_kernel_efficiency, fitted on training runs; 1 off Blackwell).
double fp4_kernel_ratio(const Accelerator& gpu, Dtype weights, double hidden);
// Training kernel efficiency at a compute precision over the bf16 one at the model's hidden size
// (effective_kernel_efficiency; docs/calibration.md): H100-class fp8 0.461 x 4096 / (4096 + 988)
// over 0.539 x 4096 / (4096 + 494) = 0.77 at h 4,096; 1 where one value and one peak serve every
// precision (A100, other accelerators).
double precision_kernel_ratio(const Accelerator& gpu, Dtype compute, double hidden);
// Dense peak FLOP/s of the scenario's accelerator at a precision: the resolved device's figure, or an
// edited catalog device's hardware.peak_tflops where no fp8_tflops / fp4_tflops override applies.
double peak_flops_at(const HardwareSection& hw, const Accelerator& gpu, Dtype d);

// The model's architecture after applying the scenario's overrides to its preset, as given
// (kv_heads may exceed heads, experts_per_token may exceed experts: see conflicts.hpp).
Architecture architecture_as_given(const Scenario& s, const Catalog& c = Catalog::builtin());
// The same with conflicting counts capped (kv_heads <= heads, experts_per_token <= experts), so that
// every formula stays defined; evaluate() warns about each cap.
Architecture resolved_architecture(const Scenario& s, const Catalog& c = Catalog::builtin());

// Whether a report path belongs to a section the scenario includes (scenario.hpp IncludeSection).
// cpu_serving: the model is CPU-served (traffic.cpu_ms_per_request > 0), so serving has no GPUs.
bool path_included(std::string_view path, const IncludeSection& include, bool cpu_serving);

Report evaluate(const Scenario& s, const Catalog& c = Catalog::builtin());
// The same without error bands (used by validation itself).
Report evaluate_without_bands(const Scenario& s, const Catalog& c = Catalog::builtin());
// Marks the report's costs whose GPU has no price (Result::unpriced): hardware.gpu's (training,
// fine-tuning, and serving on it) and serving.gpu's, and the roll-up totals that include them.
// gpu_sections: the scenario includes a GPU section (hardware.gpu's price is reported).
void mark_unpriced_costs(Report& r, const Scenario& s, const Catalog& c, bool gpu_sections, bool cpu_serving);
// The same values, units and warnings as evaluate(), without building the basis text (the
// substituted numbers may be empty): for reports only read for their values, such as the page's
// low / high ranges and pinned scenarios. tests/core/test_scope.cpp checks the values are evaluate()'s.
Report evaluate_values(const Scenario& s, const Catalog& c = Catalog::builtin());

}  // namespace envelope
