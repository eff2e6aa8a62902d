// Classical models and recommenders (recommender.hpp): the system around a ranking / recommendation /
// fraud / CTR model rather than an LLM. Embedding tables hold one learned vector per categorical
// value (user id, item id, merchant, ...) and dominate the model's memory; a small dense MLP scores
// every candidate of a request.
//
// Formulas and defaults (RecommenderSection in scenario.hpp):
// - Table bytes = rows x dim x bytes per value: Naumov et al. 2019, "Deep Learning Recommendation
//   Model for Personalization and Recommendation Systems" (DLRM), arXiv:1906.00091, sec. 2-3 (one
//   embedding table per categorical feature, a lookup reads one row of dim values; tables too large
//   for one device are split over devices - model parallelism - while the MLPs are replicated).
//   Checked against published sizes: the DLRM paper's Criteo Kaggle model (540M parameters) and the
//   MLPerf DLRM Criteo 1TB tables ("100GB of embedding memory (25+ Billion parameters)", Desai &
//   Shrivastava, NeurIPS 2022); tests/reference/published.json, kind "recommender".
// - Lookups/s = QPS x candidates x tables x lookups per table (a multi-hot feature reads several rows
//   of its table: MLPerf DLRM-DCNv2 reads 3, 2, 1, ..., 100, 27, ... rows of its 26 tables, 214 per
//   sample; mlcommons/training recommendation_v2_torchrec_dlrm). Bytes/s = lookups/s x dim x bytes.
// - MLP FLOPs = 2 x parameters per scored item (one multiply-add per weight; Kaplan et al. 2020's
//   forward-pass rule, as formulas.hpp uses for transformers).
// - Host node (memory tier "host"), its price and its cores: AWS EC2 r6i.16xlarge, 64 vCPUs, 512 GiB,
//   $4.032/h on demand (us-east-1, Linux; aws.amazon.com/ec2/pricing/on-demand, assets/prices.json).
//   Its processor (Xeon Platinum 8375C, Ice Lake, up to 3.5 GHz) has 8 DDR4-3200 channels = 204.8 GB/s
//   per socket and 2 AVX-512 FMA units per core = 64 fp32 FLOP/cycle per core, 32 per vCPU (two
//   hyper-threads per core): 32 x 3.5 GHz = 112 GFLOP/s per vCPU at peak.
// - cpu_efficiency = 0.3: an assumption (small-batch fp32 GEMMs on CPUs reach a fraction of peak),
//   not validated; set it from a measured ms per request where one exists.
// - GPU tier: hardware.gpu's HBM, bandwidth, dense bf16 peak x the class's compute efficiency
//   (evaluate.hpp default_efficiencies) and its price per GPU-hour, as the rest of Envelope.
#include "envelope/recommender.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "envelope/evaluate.hpp"
#include "envelope/format.hpp"
#include "envelope/setup.hpp"
#include "envelope/formulas.hpp"
#include "envelope/units.hpp"
#include "result_text.hpp"

namespace envelope {

double embedding_table_bytes(double rows, double dim, double bytes_per_value) { return rows * dim * bytes_per_value; }

double embedding_shards(double table_bytes, double device_bytes, double usable_fraction) {
  if (table_bytes <= 0) return 0.0;
  const double per = device_bytes * usable_fraction;
  if (per <= 0) return 0.0;
  return std::max(1.0, std::ceil(table_bytes / per - 1e-9));
}

double embedding_lookups_per_second(double qps, double candidates, double tables, double lookups_per_table) {
  return qps * candidates * tables * lookups_per_table;
}

double embedding_lookup_bytes_per_second(double lookups_per_second, double dim, double bytes_per_value) {
  return lookups_per_second * dim * bytes_per_value;
}

double mlp_flops_per_request(double mlp_params, double candidates) { return 2.0 * mlp_params * candidates; }

double dense_units_needed(double flops_per_second, double unit_peak_flops, double efficiency) {
  const double per = unit_peak_flops * efficiency;
  if (per <= 0) return 1.0;
  return std::max(1.0, std::ceil(flops_per_second / per - 1e-9));
}

double batch_scoring_seconds(double flops, double bytes, double machines, double machine_flops_per_s,
                             double machine_bytes_per_s) {
  if (machines <= 0) return 0.0;
  const double compute = machine_flops_per_s > 0 ? flops / (machines * machine_flops_per_s) : 0.0;
  const double memory = machine_bytes_per_s > 0 ? bytes / (machines * machine_bytes_per_s) : 0.0;
  return std::max(compute, memory);
}

std::vector<double> recommender_table_rows(const RecommenderSection& r, std::string* error) {
  std::vector<double> rows;
  if (r.table_rows.find_first_not_of(" \t") == std::string::npos) {
    rows.assign(static_cast<size_t>(std::max(0.0, r.tables)), r.rows_per_table);
    return rows;
  }
  size_t start = 0;
  while (start <= r.table_rows.size()) {
    size_t end = r.table_rows.find(',', start);
    if (end == std::string::npos) end = r.table_rows.size();
    std::string item = r.table_rows.substr(start, end - start);
    const size_t a = item.find_first_not_of(" \t"), b = item.find_last_not_of(" \t");
    item = a == std::string::npos ? std::string() : item.substr(a, b - a + 1);
    char* stop = nullptr;
    const double v = item.empty() ? -1 : std::strtod(item.c_str(), &stop);
    if (item.empty() || *stop != '\0' || !std::isfinite(v) || v < 0 || v > 1e13 || rows.size() >= 100000) {
      if (error && error->empty()) error->assign("entry " + std::to_string(rows.size() + 1) + " ('" + item.substr(0, 20) +
                                                 "') is not a row count between 0 and 1e13; ignored");
    } else {
      rows.push_back(v);
    }
    start = end + 1;
  }
  return rows;
}

RecommenderEstimate estimate_recommender(const Scenario& s, const Catalog& c, double traffic_peak_qps) {
  RecommenderEstimate e;
  auto g = [](double x) { return format_g4(x); };
  auto sub = [](std::string_view p, std::initializer_list<double> v) { return substitute_numbers(p, v, format_g4); };
  auto add = [&](auto&& path, double value, std::string_view unit, auto&& formula, std::string substituted, auto&& source) {
    return detail::add_section_result(e.results, nullptr, detail::text_arg(std::forward<decltype(path)>(path)), value, unit,
                                      detail::text_arg(std::forward<decltype(formula)>(formula)), std::move(substituted),
                                      detail::text_arg(std::forward<decltype(source)>(source)));
  };
  e.results.reserve(32);
  const RecommenderSection& r = s.recommender;
  const char* dlrm = "Naumov et al. 2019 (DLRM), sec. 2-3: one table of rows x dim per categorical feature";

  // ---- embedding tables
  std::string list_error;
  const std::vector<double> rows = recommender_table_rows(r, &list_error);
  if (!list_error.empty()) e.warnings.push_back({"recommender.table_rows", list_error});
  double total_rows = 0;
  for (double x : rows) total_rows += x;
  const double tables = static_cast<double>(rows.size());
  const bool listed = !r.table_rows.empty() && r.table_rows.find_first_not_of(" \t") != std::string::npos;
  add("recommender.tables", tables, "1", listed ? "entries of table_rows" : "tables", g(tables), "scenario recommender");
  add("recommender.embedding_rows", total_rows, "rows", listed ? "sum of table_rows" : "tables x rows_per_table",
      listed ? g(total_rows) : sub("% x %", {r.tables, r.rows_per_table}), "scenario recommender");
  add("recommender.embedding_params", total_rows * r.embedding_dim, "1", "rows x dim",
      sub("% x %", {total_rows, r.embedding_dim}), dlrm);
  const double table_bytes = add("recommender.embedding_table_bytes", embedding_table_bytes(total_rows, r.embedding_dim, r.bytes_per_value),
                                 "B", "rows x dim x bytes_per_value",
                                 sub("% x % x %", {total_rows, r.embedding_dim, r.bytes_per_value}), dlrm);

  // ---- the unit that holds a shard and runs the dense part: a host node or one GPU
  const bool on_gpu = r.memory_tier == "gpu";
  double unit_bytes, unit_bw, unit_flops, price;
  std::string unit_src, price_src;
  if (on_gpu) {
    const Accelerator gpu = resolved_accelerator(s, c);
    unit_bytes = gpu.memory_bytes;
    unit_bw = gpu.bandwidth_bytes_per_s;
    const double eff = default_efficiencies(gpu).compute;
    unit_flops = peak_flops_at(s.hardware, gpu, Dtype::bf16) * eff;
    unit_src = gpu.name + " (" + gpu.source + sub("); dense bf16 peak x % compute efficiency", {eff});
    price = r.price_per_machine_hour ? *r.price_per_machine_hour : price_per_gpu_hour(s, c);
    price_src = r.price_per_machine_hour ? "scenario recommender.price_per_machine_hour" : "hardware GPU price per hour";
  } else {
    unit_bytes = r.host_memory_gb * kGB;
    unit_bw = r.host_bandwidth_gbps * kGB;
    unit_flops = r.cpu_cores_per_machine * r.cpu_gflops_per_core * 1e9 * r.cpu_efficiency;
    unit_src = sub("host node: % GB RAM, % GB/s, % vCPUs (AWS r6i.16xlarge: 512 GiB, 8 x DDR4-3200, Xeon 8375C)",
                   {r.host_memory_gb, r.host_bandwidth_gbps, r.cpu_cores_per_machine});
    price = r.price_per_machine_hour ? *r.price_per_machine_hour : c.prices.recommender_host_usd_per_hour;
    price_src = r.price_per_machine_hour ? "scenario recommender.price_per_machine_hour" : c.prices.recommender_host_source;
  }
  const char* unit_name = on_gpu ? "GPU" : "machine";
  // The price each unit is billed at, at the input's own path: what the page's "$ per machine-hour"
  // box shows while it is auto.
  add("recommender.price_per_machine_hour", price, "USD/h", on_gpu ? "price per GPU-hour" : "price per machine-hour",
      sub("%", {price}), price_src);
  add("recommender.memory_per_shard_bytes", unit_bytes * r.usable_memory_fraction, "B", "device_memory x usable_fraction",
      sub("% x %", {unit_bytes, r.usable_memory_fraction}), unit_src);
  const double shards = add("recommender.shards", embedding_shards(table_bytes, unit_bytes, r.usable_memory_fraction), "1",
                            "ceil(embedding_table_bytes / (device_memory x usable_fraction))",
                            sub("ceil(% / (% x %))", {table_bytes, unit_bytes, r.usable_memory_fraction}),
                            std::string("DLRM model parallelism: tables split over ") + unit_name + "s");
  const double lookups_per_item = tables * r.lookups_per_table;
  const double flops_per_item = 2.0 * r.mlp_params;

  if (r.mode == "batch") {
    // ---- batch (offline) scoring: N items a day on M machines or GPUs
    const double n = r.batch_items_per_day, m = r.batch_machines;
    const double flops = add("recommender.batch_flops_per_day", n * flops_per_item, "FLOP", "items_per_day x 2 x mlp_params",
                             sub("% x 2 x %", {n, r.mlp_params}), "2 FLOPs per weight per scored item");
    const double bytes = add("recommender.batch_lookup_bytes_per_day",
                             embedding_lookup_bytes_per_second(n * lookups_per_item, r.embedding_dim, r.bytes_per_value), "B",
                             "items_per_day x tables x lookups_per_table x dim x bytes",
                             sub("% x % x % x % x %",
                                 {n, tables, r.lookups_per_table, r.embedding_dim, r.bytes_per_value}),
                             dlrm);
    const double secs = add("recommender.batch_seconds", batch_scoring_seconds(flops, bytes, m, unit_flops, unit_bw), "s",
                            "max(flops / (M x unit_flops), bytes / (M x unit_bandwidth))",
                            sub("max(% / (% x %), % / (% x %))", {flops, m, unit_flops, bytes, m, unit_bw}),
                            unit_src);
    const double hours = add("recommender.batch_machine_hours_per_day", m * secs / kSecondsPerHour, "h",
                             "M x batch_seconds / 3600", sub("% x % / 3600",
                                                             {m, secs}), "batch job billed while it runs");
    e.monthly_usd = add("recommender.monthly_cost_usd", hours * price * kHoursPerMonth / 24.0, "USD/month",
                        "machine_hours_per_day x price_per_hour x 730 / 24", sub("% x % x 730 / 24",
                                                                                 {hours, price}), price_src);
    if (secs > kSecondsPerDay)
      e.warnings.push_back({"recommender.batch_seconds", substitute_message("scoring a day's % items takes % h on % ",
                                                             {n, secs / 3600, m}) + unit_name + "(s): more than a day"});
    if (m < shards)
      e.warnings.push_back({"recommender.shards", substitute_message("the embedding tables need % ", {shards}) + unit_name + substitute_message("s to hold them; % cannot (raise recommender.batch_machines)",
                                                                                                                  {m})});
    return e;
  }

  // ---- real-time serving at the peak QPS
  const double qps = add("recommender.peak_qps", r.peak_qps ? *r.peak_qps : traffic_peak_qps, "req/s",
                         r.peak_qps ? "given" : "traffic.peak_qps", g(r.peak_qps ? *r.peak_qps : traffic_peak_qps),
                         r.peak_qps ? "scenario recommender.peak_qps" : "traffic section (users cascade or traffic.peak_qps)");
  add("recommender.candidates_per_second", qps * r.candidates_per_request, "item/s", "peak_qps x candidates_per_request",
      sub("% x %", {qps, r.candidates_per_request}), "items scored per second");
  add("recommender.feature_reads_per_second", qps * r.features_per_request, "feature/s", "peak_qps x features_per_request",
      sub("% x %", {qps, r.features_per_request}), "features fetched per request (feature store)");
  const double lookups = add("recommender.lookups_per_second",
                             embedding_lookups_per_second(qps, r.candidates_per_request, tables, r.lookups_per_table), "lookup/s",
                             "peak_qps x candidates x tables x lookups_per_table",
                             sub("% x % x % x %", {qps, r.candidates_per_request, tables, r.lookups_per_table}),
                             dlrm);
  const double lbytes = add("recommender.lookup_bytes_per_second", embedding_lookup_bytes_per_second(lookups, r.embedding_dim, r.bytes_per_value),
                            "B/s", "lookups_per_second x dim x bytes_per_value",
                            sub("% x % x %", {lookups, r.embedding_dim, r.bytes_per_value}), dlrm);
  const double fpr = add("recommender.mlp_flops_per_request", mlp_flops_per_request(r.mlp_params, r.candidates_per_request), "FLOP",
                         "2 x mlp_params x candidates", sub("2 x % x %", {r.mlp_params, r.candidates_per_request}),
                         "2 FLOPs per weight per scored item");
  const double fps = add("recommender.mlp_flops_per_second", fpr * qps, "FLOP/s", "mlp_flops_per_request x peak_qps",
                         sub("% x %", {fpr, qps}), "sum");
  double dense_units;
  if (on_gpu) {
    dense_units = add("recommender.dense_gpus", dense_units_needed(fps, unit_flops, 1.0), "GPU",
                      "max(1, ceil(mlp_flops_per_second / effective_gpu_flops))", sub("ceil(% / %)", {fps, unit_flops}),
                      unit_src);
  } else {
    const double core_flops = r.cpu_gflops_per_core * 1e9;
    const double cores = add("recommender.dense_cpu_cores", dense_units_needed(fps, core_flops, r.cpu_efficiency), "cores",
                             "max(1, ceil(mlp_flops_per_second / (gflops_per_core x efficiency)))",
                             sub("ceil(% / (% x %))", {fps, core_flops, r.cpu_efficiency}),
                             "112 GFLOP/s per vCPU (Xeon 8375C: 32 FLOP/cycle x 3.5 GHz) x 0.3 (assumption)");
    dense_units = add("recommender.dense_machines", std::max(1.0, std::ceil(cores / r.cpu_cores_per_machine - 1e-9)), "1",
                      "ceil(dense_cpu_cores / cores_per_machine)", sub("ceil(% / %)", {cores, r.cpu_cores_per_machine}),
                      unit_src);
  }
  const double bw_units = add("recommender.bandwidth_units", lbytes > 0 ? std::max(1.0, std::ceil(lbytes / unit_bw - 1e-9)) : 0.0,
                              "1", "ceil(lookup_bytes_per_second / unit_bandwidth)",
                              sub("ceil(% / %)", {lbytes, unit_bw}),
                              "line-rate memory bandwidth (random row gathers reach less)");
  const double units = std::max({shards, dense_units, bw_units, 1.0});
  add(on_gpu ? "recommender.gpus" : "recommender.machines", units, on_gpu ? "GPU" : "1",
      "max(shards, dense, bandwidth)", sub("max(%, %, %)", {shards, dense_units, bw_units}),
      "tables sharded across units; the dense part replicated where compute needs more");
  add("recommender.lookup_bandwidth_utilization", unit_bw > 0 ? lbytes / (units * unit_bw) : 0.0, "1",
      "lookup_bytes_per_second / (units x unit_bandwidth)", sub("% / (% x %)", {lbytes, units, unit_bw}), unit_src);
  e.monthly_usd = add("recommender.monthly_cost_usd", monthly_usd(units, price), "USD/month", "units x price_per_hour x 730 h",
                      sub("% x % x 730", {units, price}), price_src);
  if (price <= 0) e.warnings.push_back({"recommender.monthly_cost_usd", "no price for this unit; set recommender.price_per_machine_hour"});
  return e;
}

}  // namespace envelope
