// Energy and emissions (energy.hpp). Defaults of the scenario's energy section (scenario.hpp):
//   pue 1.1: the PUE Touvron et al. 2023 (LLaMA, section 6.2) and Touvron et al. 2023 (Llama 2,
//     section 2.2.1) assume for their data centres, and Google's fleet-wide trailing-twelve-month PUE
//     of 1.10 (google.com/about/datacenters/efficiency, 2023). Industry averages are higher (Uptime
//     Institute Global Data Center Survey 2023: 1.58); set energy.pue for a colocation facility.
//   grid_kg_co2e_per_kwh 0.385: the US national average Touvron et al. 2023 use for every run they
//     report, so estimates compare with published LLaMA figures; a region's own intensity belongs here.
//   gpu_power_fraction 1.0: GPUs drawing their full TDP, the LLaMA papers' assumption (400 W per
//     A100-80GB); an upper bound for the GPU itself (host CPUs, memory and network are not counted).
#include "envelope/energy.hpp"

#include <cmath>

#include "envelope/format.hpp"
#include "envelope/setup.hpp"
#include "envelope/units.hpp"
#include "result_text.hpp"

namespace envelope {

double gpu_energy_kwh(double gpu_hours, double tdp_w, double power_fraction, double pue) {
  return gpu_hours * tdp_w * power_fraction * pue / 1000.0;
}

double emissions_tco2e(double kwh, double grid_kg_co2e_per_kwh) { return kwh * grid_kg_co2e_per_kwh / 1000.0; }

namespace {
std::string sub(std::string_view pattern, std::initializer_list<double> values) { return substitute_numbers(pattern, values); }
}  // namespace

EnergyEstimate estimate_energy(const Scenario& s, const Catalog& c, const Report& report) {
  EnergyEstimate e;
  const EnergySection& en = s.energy;
  const IncludeSection& inc = s.include;
  const std::string src = "Touvron et al. 2023 (LLaMA, arXiv:2302.13971) section 6.2: GPU-h x power x PUE";
  const std::string co2_src = "Touvron et al. 2023 section 6.2: tCO2eq = MWh x grid intensity";
  auto add = [&](auto&& path, double value, std::string_view unit, auto&& formula, std::string substituted, auto&& source) {
    return detail::add_section_result(e.results, nullptr, detail::text_arg(std::forward<decltype(path)>(path)), value, unit,
                                      detail::text_arg(std::forward<decltype(formula)>(formula)), std::move(substituted),
                                      detail::text_arg(std::forward<decltype(source)>(source)));
  };
  e.results.reserve(8);
  // One GPU job: kWh and tCO2e from its GPU-hours (or GPUs x hours) on one accelerator.
  auto job = [&](const std::string& name, const char* unit_suffix, double gpu_hours, const std::string& hours_txt,
                 const Accelerator& gpu) {
    // No published TDP: no energy figure rather than 0 kWh (the panel shows "-"), and the way to get one.
    if (gpu.tdp_w <= 0) {
      e.warnings.push_back({"energy." + name + "_kwh", "no TDP in the catalog for " + gpu.name +
                                                           "; set hardware.tdp_w (watts per GPU) to estimate energy"});
      return;
    }
    const double kwh = add("energy." + name + "_kwh" + unit_suffix, gpu_energy_kwh(gpu_hours, gpu.tdp_w, en.gpu_power_fraction, en.pue),
                           std::string("kWh") + (*unit_suffix ? "/month" : ""),
                           "GPU-hours x TDP x power_fraction x PUE / 1000",
                           hours_txt + sub(" x % W x % x % / 1000", {gpu.tdp_w, en.gpu_power_fraction, en.pue}),
                           src + "; TDP: " + gpu.name + " datasheet (assets/hardware.json)");
    add("energy." + name + "_tco2e" + unit_suffix, emissions_tco2e(kwh, en.grid_kg_co2e_per_kwh),
        std::string("tCO2e") + (*unit_suffix ? "/month" : ""), "kWh x grid_kg_co2e_per_kwh / 1000",
        sub("% x % / 1000", {kwh, en.grid_kg_co2e_per_kwh}), co2_src);
  };
  const Accelerator gpu = resolved_accelerator(s, c);
  if (inc.training) {
    const double gh = report.value("training.gpu_hours");
    if (std::isfinite(gh)) job("training", "", gh, sub("% GPU-h", {gh}), gpu);
  }
  if (inc.finetune) {
    const double gh = report.value("finetune.gpu_hours");
    if (std::isfinite(gh)) job("finetune", "", gh, sub("% GPU-h", {gh}), gpu);
  }
  const double serving_gpus = report.value("serving.gpus");
  if (includes_gpu_serving(s) && std::isfinite(serving_gpus)) {
    const Scenario sv = serving_scenario(s);
    const Accelerator sgpu = s.serving.gpu.empty() ? gpu : resolved_accelerator(sv, c);
    job("serving", "_per_month", serving_gpus * kHoursPerMonth, sub("% GPUs x 730 h", {serving_gpus}), sgpu);
  }
  return e;
}

}  // namespace envelope
