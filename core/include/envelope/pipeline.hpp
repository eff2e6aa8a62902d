// Data pipelines: an event log (Kafka-style: partitions, brokers, retained bytes) and stream
// processing workers (Flink-style), from users x events per day. Sources in pipeline.cpp.
#pragma once
#include <vector>

#include "envelope/catalog.hpp"
#include "envelope/report.hpp"
#include "envelope/scenario.hpp"

namespace envelope {

// users x events_per_user_per_day / 86,400 (seed: avg_qps = (dau * tx_per_day) / 86_400).
double events_per_second_average(double users, double events_per_user_per_day);
// events/s x bytes per event.
double bytes_per_second(double events_per_second, double bytes_per_event);
// ceil(peak bytes/s / one partition's bytes/s): the partitions a log needs for its write rate.
double log_partitions(double peak_bytes_per_s, double partition_bytes_per_s);
// max(replication, ceil(peak bytes/s x replication / one broker's write bytes/s)): every replica is
// written by some broker, and a topic with replication r needs at least r brokers.
double log_brokers(double peak_bytes_per_s, double replication, double broker_bytes_per_s);
// average bytes/s x retention seconds x replication: the log's disk footprint.
double log_retained_bytes(double average_bytes_per_s, double retention_hours, double replication);
// max(1, ceil(peak events/s / (events/s per core x cores per machine))).
double stream_workers(double peak_events_per_s, double events_per_s_per_core, double cores_per_machine);

// Bytes in one hour of video at a bitrate: bits/s x 3600 / 8 (seed reference row "1 hour of video
// (720p) ~1 GB"; YouTube's recommended 720p upload bitrate is 5 Mbps).
double video_bytes_per_hour(double bitrate_bits_per_s);

// bytes / link bytes/s: time to move data at the link's line rate (seed 'Networking' table).
double transfer_seconds(double bytes, double link_bytes_per_s);
// average QPS x response bytes x 730 h x 3600 s: bytes served per month.
double egress_bytes_per_month(double average_qps, double response_bytes);
// data bytes x RAM per data byte (McKinney 2017: pandas needs 5-10x the dataset in RAM).
double in_memory_bytes_needed(double data_bytes, double ram_per_data);

// The network and one-machine sections' report entries ("network.*", "one_machine.*").
struct SectionEstimate {
  std::vector<Result> results;
  std::vector<Warning> warnings;
  double monthly_usd = 0;
};
SectionEstimate estimate_network(const Scenario& s, const Catalog& c, double average_qps);
SectionEstimate estimate_one_machine(const Scenario& s);

// The pipeline section's report entries (paths "pipeline.*") and its monthly cost.
struct PipelineEstimate {
  std::vector<Result> results;
  double monthly_usd = 0;
};
PipelineEstimate estimate_pipeline(const Scenario& s, const Catalog& c);

}  // namespace envelope
