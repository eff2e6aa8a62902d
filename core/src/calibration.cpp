// Kernel-efficiency fit with leave-one-out errors (calibration.hpp).
#include "envelope/calibration.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <type_traits>

#include "envelope/evaluate.hpp"
#include "envelope/formulas.hpp"
#include "envelope/setup.hpp"
#include "envelope/training_step.hpp"

namespace envelope {

namespace {

constexpr const char* kCategory = "training-throughput";
// Records whose step is at least this share compute calibrate the kernel efficiency; the others are
// still predicted (and their leave-one-out error reported) with the fit of the rest.
constexpr double kMinComputeShare = 0.6;

// What the default multiplies the fitted base efficiency by, the step model's own: the hidden size's
// width factor at the case's GPU and precision, and the fp8 scaling's factor (MXFP8).
double base_efficiency_factor(const Scenario& s) {
  const TrainingStepModel m = training_step_model(s);
  return gemm_width_factor(m.arch.hidden, m.gemm_half_width) * m.fp8_scaling_factor;
}

// The case's metric (its paths summed) for scenario `s`, the case's own with one constant set.
double metric_of(const ValidationCase& c, const Scenario& s) {
  const Report r = evaluate_without_bands(s, Catalog::builtin());
  double v = 0;
  for (const std::string& path : c.metric) v += r.value(path);
  return v;
}

// The case's metric with the base kernel efficiency `base` (x base_efficiency_factor, as the default does).
double metric_at(const ValidationCase& c, double base) {
  Scenario s = c.scenario;
  s.training.kernel_efficiency = base * base_efficiency_factor(s);
  return metric_of(c, s);
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// A leave-one-out fit: the median implied value of the rows `in_fit` accepts, row `skip` left out
// (nullptr: none); nothing when no other row is in the fit.
template <class Row, class InFit>
std::optional<double> median_of_others(const std::vector<Row>& rows, const std::type_identity_t<Row>* skip, InFit in_fit) {
  std::vector<double> values;
  for (const Row& o : rows)
    if (&o != skip && in_fit(o)) values.push_back(o.implied);
  if (values.empty()) return std::nullopt;
  return median(values);
}

}  // namespace

namespace {

// The kernel efficiency the case's scenario trains at by default (its GPU and precision).
KernelEfficiency case_kernel_efficiency(const Scenario& s) {
  const Accelerator g = resolved_accelerator(s, Catalog::builtin());
  return training_kernel_efficiency(g, dtype_from_name(s.training.dtype).value_or(Dtype::bf16));
}

}  // namespace

std::string kernel_group(const Scenario& s) { return case_kernel_efficiency(s).generation + "-" + s.training.dtype; }

double implied_kernel_efficiency(const ValidationCase& c) {
  // Throughput rises with the efficiency: bisect on [0.02, 2] (values above 1 say the model is
  // missing an effect, and show as such in the table).
  double lo = 0.02, hi = 2.0;
  if (metric_at(c, hi) < c.published || metric_at(c, lo) > c.published) return 0;
  for (int i = 0; i < 60; ++i) {
    const double mid = 0.5 * (lo + hi);
    (metric_at(c, mid) < c.published ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

namespace {

// Share of the step the kernels of the run's precision take at the default efficiencies: where
// communication, the bubble or (in fp8 / fp4 runs) the 16-bit attention and output head dominate, a
// record says more about those than about the kernels it would calibrate.
double compute_share(const ValidationCase& c) {
  const TrainingPlan p = training_step(c.scenario, scenario_training_layout(c.scenario));
  return p.step_seconds > 0 ? (p.compute_seconds - p.bf16_compute_seconds) / p.step_seconds : 0.0;
}

}  // namespace

KernelFit fit_training_kernel_efficiency() {
  KernelFit fit;
  for (const ValidationCase& c : validation_cases()) {
    if (c.category != kCategory || !c.excluded.empty()) continue;
    const double share = compute_share(c);
    const KernelEfficiency k = case_kernel_efficiency(c.scenario);
    KernelFitRow row{c.id, k.generation + "-" + c.scenario.training.dtype, implied_kernel_efficiency(c), 0, 0, share,
                     share >= kMinComputeShare};
    // A group that takes another's fit (AMD Instinct: the H100-class one) is held out of every fit:
    // its error is at that fit, which none of its records moved. So is a hybrid's record: it calibrates
    // the SSM scan (fit_ssm_scan_efficiency) at the kernels' fit.
    if (!k.fitted_on_own_runs || has_ssm_layers(c.scenario) || c.held_out) {
      row.in_fit = false;
      row.held_out = true;
      row.loo_base = k.value;
      row.loo_ratio = metric_at(c, k.value) / c.published;
    }
    fit.rows.push_back(row);
  }
  std::map<std::string, std::vector<double>> by_group;
  for (const KernelFitRow& r : fit.rows)
    if (r.implied > 0 && r.in_fit) by_group[r.group].push_back(r.implied);
  for (const auto& [group, values] : by_group) fit.fitted[group] = median(values);
  for (KernelFitRow& r : fit.rows) {
    if (r.held_out) continue;
    const auto others = median_of_others(fit.rows, &r, [&](const KernelFitRow& o) { return o.group == r.group && o.implied > 0 && o.in_fit; });
    if (!others) continue;
    r.loo_base = *others;
    for (const ValidationCase& c : validation_cases())
      if (c.id == r.id) r.loo_ratio = metric_at(c, r.loo_base) / c.published;
  }
  // MXFP8 over per-tensor FP8: jobs published in both by the same table (same source section, model,
  // GPUs, count and sequence length; their layouts may differ, the step model costs each). A record's
  // implied base efficiency is per-tensor equivalent (metric_at applies the current ratio), so x the
  // current ratio gives its effective one.
  std::map<std::string, double> implied;
  for (const KernelFitRow& r : fit.rows) implied[r.id] = r.implied;
  for (const ValidationCase& m : validation_cases()) {
    const Scenario& a = m.scenario;
    if (m.category != kCategory || !m.excluded.empty() || a.training.dtype != "fp8" || a.training.fp8_scaling != "mx") continue;
    for (const ValidationCase& o : validation_cases()) {
      const Scenario& b = o.scenario;
      if (o.category != kCategory || !o.excluded.empty() || b.training.dtype != "fp8" || b.training.fp8_scaling != "tensor" ||
          o.source != m.source || b.model.preset != a.model.preset || b.hardware.gpu != a.hardware.gpu || b.hardware.count != a.hardware.count ||
          b.training.seq_len != a.training.seq_len || implied[m.id] <= 0 || implied[o.id] <= 0)
        continue;
      fit.mx_pairs.push_back({m.id, o.id, implied[m.id] * mx_block_scaling_kernel_ratio() / implied[o.id], 0});
    }
  }
  const auto geometric_mean = [&](const MxPair* skip) {
    double sum = 0;
    int n = 0;
    for (const MxPair& q : fit.mx_pairs)
      if (&q != skip) sum += std::log(q.ratio), ++n;
    return n ? std::exp(sum / n) : 0.0;
  };
  fit.mx_ratio = geometric_mean(nullptr);
  for (MxPair& q : fit.mx_pairs) q.loo_ratio = geometric_mean(&q);
  return fit;
}

bool has_ssm_layers(const Scenario& s) { return resolved_architecture(s, Catalog::builtin()).linear_layers > 0; }

namespace {

// The scan's CUDA-core peak over the 16-bit peak the override (training.ssm_scan_efficiency) scales,
// once per case: the share the fit varies is of the former.
double ssm_peak_ratio(const ValidationCase& c) {
  const Accelerator gpu = resolved_accelerator(c.scenario, Catalog::builtin());
  const double peak16 = peak_flops_at(c.scenario.hardware, gpu, Dtype::bf16);
  return peak16 > 0 ? ssm_scan_peak_flops(c.scenario.hardware, gpu) / peak16 : 0.0;
}

// The case's metric with the scan at share `e` of its CUDA-core peak (`ratio`: ssm_peak_ratio), the
// kernels at their default.
double metric_at_ssm(const ValidationCase& c, double e, double ratio) {
  Scenario s = c.scenario;
  s.training.ssm_scan_efficiency = e * ratio;
  return metric_of(c, s);
}

double implied_ssm_scan_efficiency(const ValidationCase& c, double ratio) {
  // Throughput rises with the efficiency: bisect its logarithm on [1e-4, 10] (a share of the CUDA-core
  // peak, which the tensor cores' exceed).
  double lo = std::log(1e-4), hi = std::log(10.0);
  if (metric_at_ssm(c, 10.0, ratio) < c.published || metric_at_ssm(c, 1e-4, ratio) > c.published) return 0;
  for (int i = 0; i < 60; ++i) {
    const double mid = 0.5 * (lo + hi);
    (metric_at_ssm(c, std::exp(mid), ratio) < c.published ? lo : hi) = mid;
  }
  return std::exp(0.5 * (lo + hi));
}

}  // namespace

namespace {

// A torchtitan AsyncTP run's tokens/s per GPU with `share` of its TP traffic hidden (the step model's
// own metric, training.step.tokens_per_second_per_gpu).
double async_tp_metric_at(const ValidationCase& c, double share) {
  TrainingStepModel x = training_step_model(c.scenario);
  x.tp_overlap_hidden_share = share;
  return x.cost(scenario_training_layout(c.scenario), scenario_global_batch(c.scenario)).tokens_per_second_per_gpu;
}

// The same run without the overlap (the published vanilla-TP twin: the scenario with tp_comm_overlap
// off), or nullptr.
const ValidationCase* vanilla_twin(const ValidationCase& c) {
  Scenario off = c.scenario;
  off.training.tp_comm_overlap = false;
  off.training.tp_comm_overlap_method = "userbuffers";
  const std::string wanted = scenario_to_json(off);
  for (const ValidationCase& v : validation_cases())
    if (v.category == c.category && scenario_to_json(v.scenario) == wanted) return &v;
  return nullptr;
}

// The share at which the model's gain over the vanilla twin is the measured one (the runs' common
// errors cancel in the ratio), or -1 where no share in [0, 1] gives it or there is no twin.
double implied_async_tp_share(const ValidationCase& c, const ValidationCase* twin) {
  if (!twin) return -1;
  // (The twin overlaps nothing: the share it is costed at does not matter.)
  const double target = c.published / twin->published, vanilla = async_tp_metric_at(*twin, 0.0);
  auto gain = [&](double share) { return async_tp_metric_at(c, share) / vanilla; };
  if (gain(1.0) < target || gain(0.0) > target) return -1;
  double lo = 0, hi = 1;  // the gain rises with the share: bisect
  for (int i = 0; i < 50; ++i) {
    const double mid = 0.5 * (lo + hi);
    (gain(mid) < target ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

}  // namespace

AsyncTpFit fit_async_tp_hidden_share() {
  AsyncTpFit fit;
  std::vector<const ValidationCase*> cases;
  for (const ValidationCase& c : validation_cases()) {
    const TrainingSection& t = c.scenario.training;
    if (c.category != kCategory || !t.tp_comm_overlap || t.tp_comm_overlap_method != "async-tp" || t.context_parallel > 1) continue;
    cases.push_back(&c);
    const ValidationCase* twin = vanilla_twin(c);
    fit.rows.push_back({c.id, implied_async_tp_share(c, twin), 0, 0, twin != nullptr});
  }
  const auto in_fit = [](const AsyncTpFitRow& r) { return r.implied >= 0; };
  fit.fitted = median_of_others(fit.rows, nullptr, in_fit).value_or(0.0);
  for (size_t i = 0; i < fit.rows.size(); ++i) {
    const auto others = median_of_others(fit.rows, &fit.rows[i], in_fit);
    if (!others) continue;
    fit.rows[i].loo_share = *others;
    fit.rows[i].loo_ratio = async_tp_metric_at(*cases[i], fit.rows[i].loo_share) / cases[i]->published;
  }
  return fit;
}

std::string AsyncTpFit::to_markdown() const {
  char buf[400];
  size_t in_fit = 0;
  for (const AsyncTpFitRow& r : rows) in_fit += r.implied >= 0;
  std::snprintf(buf, sizeof buf, "| AsyncTP hidden share | runs in the fit | checked only | fitted (median) |\n|---|---|---|---|\n| async-tp | %zu | %zu | %.3f |\n",
                in_fit, rows.size() - in_fit, fitted);
  std::string out = buf;
  out += "\n| case | implied share | median of the others | predicted / published at it |\n|---|---|---|---|\n";
  for (const AsyncTpFitRow& r : rows) {
    if (r.implied >= 0) std::snprintf(buf, sizeof buf, "| `%s` | %.3f | %.3f | %.3f |\n", r.id.c_str(), r.implied, r.loo_share, r.loo_ratio);
    else std::snprintf(buf, sizeof buf, "| `%s` | none (%s) | %.3f | %.3f |\n", r.id.c_str(),
                       r.twin ? "no share in [0, 1] gives its gain" : "no vanilla twin", r.loo_share, r.loo_ratio);
    out += buf;
  }
  return out;
}

SsmFit fit_ssm_scan_efficiency() {
  SsmFit fit;
  std::vector<const ValidationCase*> cases;
  std::vector<double> ratios;
  for (const ValidationCase& c : validation_cases())
    if (c.category == kCategory && c.excluded.empty() && has_ssm_layers(c.scenario)) {  // held-out ones too, as checks
      cases.push_back(&c);
      ratios.push_back(ssm_peak_ratio(c));
      fit.rows.push_back({c.id, implied_ssm_scan_efficiency(c, ratios.back()), 0, 0, c.held_out});
    }
  const auto in_fit = [](const SsmFitRow& r) { return r.implied > 0 && !r.held_out; };
  fit.fitted = median_of_others(fit.rows, nullptr, in_fit).value_or(0.0);
  for (size_t i = 0; i < fit.rows.size(); ++i) {
    const auto others = median_of_others(fit.rows, &fit.rows[i], in_fit);
    if (!others) continue;
    fit.rows[i].loo_base = *others;  // a held-out row: every record of the fit
    fit.rows[i].loo_ratio = metric_at_ssm(*cases[i], fit.rows[i].loo_base, ratios[i]) / cases[i]->published;
  }
  return fit;
}

std::string SsmFit::to_markdown() const {
  char buf[400];
  size_t in_fit = 0;
  for (const SsmFitRow& r : rows) in_fit += !r.held_out;
  std::snprintf(buf, sizeof buf, "| SSM scan efficiency | records in the fit | held out | fitted (median) |\n|---|---|---|---|\n| ssm-scan | %zu | %zu | %.4f |\n",
                in_fit, rows.size() - in_fit, fitted);
  std::string out = buf;
  out += "\n| case | implied | in the fit | median of the others | predicted / published at it |\n|---|---|---|---|---|\n";
  for (const SsmFitRow& r : rows) {
    std::snprintf(buf, sizeof buf, "| `%s` | %.4f | %s | %.4f | %.3f |\n", r.id.c_str(), r.implied, r.held_out ? "held out" : "yes",
                  r.loo_base, r.loo_ratio);
    out += buf;
  }
  return out;
}

std::string KernelFit::to_markdown() const {
  std::string out = "| group | records | fitted base efficiency |\n|---|---|---|\n";
  char buf[400];
  for (const auto& [group, value] : fitted) {
    int n = 0;
    for (const KernelFitRow& r : rows) n += r.group == group && r.implied > 0 && r.in_fit;
    std::snprintf(buf, sizeof buf, "| %s | %d | %.3f |\n", group.c_str(), n, value);
    out += buf;
  }
  out += "\n| case | group | compute share of the step | implied | in the fit | fit without it | predicted / published without it |\n"
         "|---|---|---|---|---|---|---|\n";
  for (const KernelFitRow& r : rows) {
    if (r.loo_base > 0)
      std::snprintf(buf, sizeof buf, "| `%s` | %s | %.0f%% | %.3f | %s | %.3f | %.3f |\n", r.id.c_str(), r.group.c_str(),
                    100 * r.compute_share, r.implied, r.held_out ? "held out" : r.in_fit ? "yes" : "no", r.loo_base, r.loo_ratio);
    else
      std::snprintf(buf, sizeof buf, "| `%s` | %s | %.0f%% | %.3f | %s | (only record of its group) | - |\n", r.id.c_str(),
                    r.group.c_str(), 100 * r.compute_share, r.implied, r.in_fit ? "yes" : "no");
    out += buf;
  }
  out += "\n| MXFP8 over per-tensor FP8 | jobs | fitted ratio |\n|---|---|---|\n";
  std::snprintf(buf, sizeof buf, "| mx-over-tensor | %zu | %.3f |\n", mx_pairs.size(), mx_ratio);
  out += buf;
  out += "\n| MXFP8 record | per-tensor record | implied ratio | fit without this job |\n|---|---|---|---|\n";
  for (const MxPair& q : mx_pairs) {
    if (q.loo_ratio > 0)
      std::snprintf(buf, sizeof buf, "| `%s` | `%s` | %.3f | %.3f |\n", q.mx_id.c_str(), q.tensor_id.c_str(), q.ratio, q.loo_ratio);
    else
      std::snprintf(buf, sizeof buf, "| `%s` | `%s` | %.3f | (only job) |\n", q.mx_id.c_str(), q.tensor_id.c_str(), q.ratio);
    out += buf;
  }
  return out;
}

}  // namespace envelope
