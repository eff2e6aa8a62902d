// Calibration of the training step model's kernel efficiency per GPU generation and precision on the
// published runs in assets/validation.json (category "training-throughput"), with a leave-one-out
// check: each record's error is measured with the efficiency fitted on the other records of its
// group, so the published residuals are not fitted to themselves (docs/calibration.md).
#pragma once
#include <map>
#include <string>
#include <vector>

#include "envelope/validation.hpp"

namespace envelope {

struct KernelFitRow {
  std::string id, group;   // group: "<generation>-<dtype>", e.g. hopper-fp8
  double implied = 0;      // the base kernel efficiency (before the width factor) that reproduces the record
  double loo_base = 0;     // the group's fit without this record (0: no other record in the group)
  double loo_ratio = 0;    // predicted / published at loo_base (0: not measurable)
  double compute_share = 0;  // compute / step at the default efficiency
  bool in_fit = true;        // compute_share >= 0.6: the record calibrates the kernels
  bool held_out = false;     // its group takes another group's fit (loo_base): checked by it, never fitted
};

// A job published in both fp8 recipes (same model, GPUs, count and sequence length): per-tensor
// scaling and MXFP8 block scaling, each record through the step model at its own layout.
struct MxPair {
  std::string mx_id, tensor_id;
  double ratio = 0;       // MX record's implied effective efficiency / the per-tensor record's
  double loo_ratio = 0;   // the fit without this job (0: no other job)
};

struct KernelFit {
  std::vector<KernelFitRow> rows;
  std::map<std::string, double> fitted;  // group -> median implied base efficiency over all its records
  std::vector<MxPair> mx_pairs;
  double mx_ratio = 0;                   // geometric mean of the pairs' ratios (mx_block_scaling_kernel_ratio)
  std::string to_markdown() const;
};

// The SSM scan efficiency (training_step.hpp kSsmScanEfficiency) on the published runs of hybrid
// models: each record's implied value (the kernels at their default fit), their median, and each one's
// error at the median of the others.
struct SsmFitRow {
  std::string id;
  double implied = 0;    // the scan's share of the CUDA-core peak that reproduces the record (0: none does)
  double loo_base = 0;   // the median of the others in the fit (held out: the fit itself; 0: no other record)
  double loo_ratio = 0;  // predicted / published at loo_base
  bool held_out = false; // the case says "held_out": a check on another model, never in the fit
};
struct SsmFit {
  std::vector<SsmFitRow> rows;
  double fitted = 0;  // median implied over the records in the fit (not held out)
  std::string to_markdown() const;
};
SsmFit fit_ssm_scan_efficiency();

// torchtitan's AsyncTP (training.tp_comm_overlap_method "async-tp"): the share of the TP traffic each
// published run with it hid, read from its measured gain over the same run with vanilla TP (the share
// at which the step model's gain is the measured one, so the pair's common errors cancel); their median
// (kAsyncTpHiddenShare), and each run's error at the median of the others. Runs with context parallel
// are left out (their gap is context parallel's, docs/calibration.md); a run without a published
// vanilla twin (or whose gain no share in [0, 1] gives) is checked at the fit, not fitted.
struct AsyncTpFitRow {
  std::string id;
  double implied = 0;      // the hidden share that gives the run's measured gain (-1: no twin, or none in [0, 1])
  double loo_share = 0;    // the median of the others
  double loo_ratio = 0;    // predicted / published at it
  bool twin = false;       // a vanilla-TP run of the same job is published
};
struct AsyncTpFit {
  std::vector<AsyncTpFitRow> rows;
  double fitted = 0;  // median implied over the runs with one
  std::string to_markdown() const;
};
AsyncTpFit fit_async_tp_hidden_share();
// Whether a case's model has SSM layers (its records calibrate kSsmScanEfficiency, not the kernels).
bool has_ssm_layers(const Scenario& s);

// The group a case's accelerator and training dtype fall in.
std::string kernel_group(const Scenario& s);
// The base kernel efficiency at which the case's metric equals its published value (bisection).
double implied_kernel_efficiency(const ValidationCase& c);
KernelFit fit_training_kernel_efficiency();

}  // namespace envelope
