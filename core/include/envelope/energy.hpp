// Energy and emissions of the included GPU work: training, fine-tuning and a month of serving.
// energy = GPUs x TDP x power fraction x PUE x hours; emissions = energy x grid carbon intensity.
// estimate_energy() writes the "energy.*" paths (scenario section "energy", include flag "energy"),
// each only when the section it is about is included too.
#pragma once
#include <vector>

#include "envelope/catalog.hpp"
#include "envelope/report.hpp"
#include "envelope/scenario.hpp"

namespace envelope {

// kWh drawn at the wall by GPUs busy for `gpu_hours`: gpu_hours x TDP (W) x power fraction x PUE / 1000.
// The convention of Touvron et al. 2023 (LLaMA, arXiv:2302.13971, section 6.2: "Wh = GPU-h x (GPU
// power consumption) x PUE", 400 W per A100, PUE 1.1) and Patterson et al. 2021 (arXiv:2104.10350).
double gpu_energy_kwh(double gpu_hours, double tdp_w, double power_fraction, double pue);

// Tonnes of CO2-equivalent: kWh x grid intensity (kg CO2e / kWh) / 1000 (Touvron et al. 2023 section
// 6.2: tCO2eq = MWh x 0.385, the US national average carbon intensity).
double emissions_tco2e(double kwh, double grid_kg_co2e_per_kwh);

// The section's report entries. `report` holds the estimates made so far (training.gpu_hours,
// finetune.gpu_hours, serving.gpus), already limited to the included sections.
struct EnergyEstimate {
  std::vector<Result> results;
  std::vector<Warning> warnings;
};
EnergyEstimate estimate_energy(const Scenario& s, const Catalog& c, const Report& report);

}  // namespace envelope
