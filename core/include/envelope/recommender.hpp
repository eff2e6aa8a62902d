// Classical models and recommenders (ranking, recommendation, fraud, CTR): embedding tables sharded
// over GPU HBM or host RAM, lookups/s and the memory bandwidth they need, the dense MLP's FLOPs on
// CPU cores or GPUs, real-time serving vs batch scoring, and $/month. Sources in recommender.cpp.
#pragma once
#include <string>
#include <vector>

#include "envelope/catalog.hpp"
#include "envelope/report.hpp"
#include "envelope/scenario.hpp"

namespace envelope {

// rows x dim x bytes per value, summed over the tables (Naumov et al. 2019, DLRM: one embedding
// table of rows x dim per categorical feature).
double embedding_table_bytes(double rows, double dim, double bytes_per_value);
// ceil(table bytes / (device bytes x usable fraction)), at least 1 when there is anything to hold.
double embedding_shards(double table_bytes, double device_bytes, double usable_fraction);
// requests/s x candidates x tables x lookups per table: embedding rows read per second.
double embedding_lookups_per_second(double qps, double candidates, double tables, double lookups_per_table);
// lookups/s x dim x bytes per value: bytes the lookups read per second.
double embedding_lookup_bytes_per_second(double lookups_per_second, double dim, double bytes_per_value);
// 2 x MLP parameters x candidates: multiply-adds of a dense MLP over every candidate of a request.
double mlp_flops_per_request(double mlp_params, double candidates);
// ceil(FLOP/s / (FLOP/s per unit x efficiency)): cores or GPUs the dense part needs, at least 1.
double dense_units_needed(double flops_per_second, double unit_peak_flops, double efficiency);
// max(flops / FLOP/s, bytes / B/s) over M machines: time to score a batch (compute or memory bound).
double batch_scoring_seconds(double flops, double bytes, double machines, double machine_flops_per_s,
                             double machine_bytes_per_s);

// The table sizes a scenario gives: recommender.table_rows ("4e7, 39060, ...") when set, else
// tables x rows_per_table. `error` names the first entry that is not a positive number.
std::vector<double> recommender_table_rows(const RecommenderSection& r, std::string* error = nullptr);

struct RecommenderEstimate {
  std::vector<Result> results;
  std::vector<Warning> warnings;
  double monthly_usd = 0;
};
// The recommender section's report entries (paths "recommender.*"). peak_qps: the traffic section's
// peak requests/s, used when recommender.peak_qps is unset.
RecommenderEstimate estimate_recommender(const Scenario& s, const Catalog& c, double traffic_peak_qps);

}  // namespace envelope
