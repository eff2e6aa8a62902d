// Data pipeline estimates (pipeline.hpp). The seed's fraud example ends: "The expensive part is
// building the streaming feature pipeline (Kafka + Flink for real-time velocity features)". These
// size that pipeline from the same cascade as the rest of the seed: users -> events/s -> bytes/s ->
// partitions, brokers and stream workers -> $/month.
//
// Defaults (PipelineSection in scenario.hpp):
// - partition_mb_per_s = 10: "Conservatively, you can estimate that a single partition for a single
//   Kafka topic runs at 10 MB/s" (Dattell, "Kafka Optimization - How many partitions are needed?",
//   2023); Confluent (Jun Rao, "How to choose the number of topics/partitions in a Kafka cluster?",
//   2015): "one can produce at 10s of MB/sec on just a single partition"; partitions >= T / p.
// - broker_mb_per_s = 202.4: Kreps, "Benchmarking Apache Kafka: 2 Million Writes Per Second (On
//   Three Cheap Machines)", LinkedIn 2014: three producers, 3x asynchronous replication, 3 brokers
//   -> 2,024,032 records/s of 100 B = 202.4 MB/s of client writes (the post's "193 MB/sec" counts
//   2^20-byte MB), i.e. 202.4 x 3 replicas / 3 brokers = 202.4 MB/s written per broker.
// - replication_factor = 3, retention_hours = 168: Apache Kafka documentation (a replication factor
//   of 3 is the common production setting; broker config log.retention.hours defaults to 168).
// - worker_events_per_s_per_core = 75,000: Grier, "Extending the Yahoo! Streaming Benchmark" (data
//   Artisans, 2016): Flink read ~3 million events/s from Kafka on 10 nodes of 4 cores (limited by the
//   1 GigE link to Kafka) -> 3e6 / 40 cores = 75,000 events/s per core for a keyed windowed count.
// - worker_cores = 8 and the machine price: the seed's fraud example (c5.2xlarge, 8 vCPU, ~$0.40/h),
//   assets/prices.json.
#include "envelope/pipeline.hpp"

#include <algorithm>
#include <cmath>

#include "envelope/format.hpp"
#include "envelope/formulas.hpp"
#include "envelope/units.hpp"
#include "result_text.hpp"

namespace envelope {

double events_per_second_average(double users, double events_per_user_per_day) {
  return users * events_per_user_per_day / kSecondsPerDay;
}

double bytes_per_second(double events_per_second, double bytes_per_event) { return events_per_second * bytes_per_event; }

double log_partitions(double peak_bytes_per_s, double partition_bytes_per_s) {
  if (partition_bytes_per_s <= 0) return 1.0;  // a topic has at least one partition
  return std::max(1.0, std::ceil(peak_bytes_per_s / partition_bytes_per_s - 1e-9));
}

double log_brokers(double peak_bytes_per_s, double replication, double broker_bytes_per_s) {
  if (broker_bytes_per_s <= 0) return replication;
  return std::max(replication, std::ceil(peak_bytes_per_s * replication / broker_bytes_per_s - 1e-9));
}

double log_retained_bytes(double average_bytes_per_s, double retention_hours, double replication) {
  return average_bytes_per_s * retention_hours * kSecondsPerHour * replication;
}

double stream_workers(double peak_events_per_s, double events_per_s_per_core, double cores_per_machine) {
  const double per_machine = events_per_s_per_core * cores_per_machine;
  if (per_machine <= 0) return 1.0;
  return std::max(1.0, std::ceil(peak_events_per_s / per_machine - 1e-9));
}

double transfer_seconds(double bytes, double link_bytes_per_s) { return link_bytes_per_s > 0 ? bytes / link_bytes_per_s : 0.0; }

double egress_bytes_per_month(double average_qps, double response_bytes) {
  return average_qps * response_bytes * kHoursPerMonth * kSecondsPerHour;
}

double in_memory_bytes_needed(double data_bytes, double ram_per_data) { return data_bytes * ram_per_data; }

namespace {
Result make_result(const char* path, double value, const char* unit, std::string formula, std::string substituted,
                   std::string source) {
  if (!std::isfinite(value)) value = 0;
  return {path, value, unit, std::move(formula), std::move(substituted), std::move(source), std::string()};
}
}  // namespace

SectionEstimate estimate_network(const Scenario& s, const Catalog& c, double average_qps) {
  SectionEstimate e;
  auto g = [](double x) { return format_g4(x); };
  auto sub = [](std::string_view p, std::initializer_list<double> v) { return substitute_numbers(p, v, format_g4); };
  const NetworkSection& n = s.network;
  const Network* link = c.find_network(n.link);
  const double bw = link ? link->bandwidth_bytes_per_s : 0;
  const std::string link_src = link ? link->name + ": " + link->source : "unknown link";
  const double bytes = n.transfer_gb * kGB;
  e.results.push_back(make_result("network.link_bytes_per_second", bw, "B/s", "link bandwidth", g(bw), link_src));
  e.results.push_back(make_result("network.transfer_seconds", transfer_seconds(bytes, bw), "s", "bytes / link_bytes_per_s",
                                  sub("% / %",
                                      {bytes, bw}), "seed 'Networking' table (line rate; real copies are slower)"));
  const double egress = egress_bytes_per_month(average_qps, n.response_bytes);
  e.results.push_back(make_result("network.egress_bytes_per_month", egress, "B", "average_qps x response_bytes x 730 h x 3600",
                                  sub("% x % x 730 x 3600", {average_qps, n.response_bytes}), "traffic.average_qps"));
  const double price = s.prices.egress_per_gb ? *s.prices.egress_per_gb : c.prices.egress_usd_per_gb;
  e.monthly_usd = egress / kGB * price;
  e.results.push_back(make_result("network.egress_monthly_usd", e.monthly_usd, "USD/month", "egress_bytes / 1e9 x price_per_GB",
                                  sub("% / 1e9 x %", {egress, price}), c.prices.egress_source));
  return e;
}

SectionEstimate estimate_one_machine(const Scenario& s) {
  // The seed's over/under-engineering section: "a distributed Spark cluster to process 10 GB of training
  // data that fits in memory on a single machine" vs "a single-machine Pandas script when the dataset is
  // 50 TB". In-memory tools want ram_per_data x the data (McKinney 2017: 5-10x for pandas); a data set
  // beyond the machine's disk cannot even be staged on it.
  SectionEstimate e;
  auto sub = [](std::string_view p, std::initializer_list<double> v) { return substitute_numbers(p, v, format_g4); };
  const OneMachineSection& m = s.one_machine;
  const double data = m.data_gb * kGB, ram = m.ram_gb * kGB, disk = m.disk_gb * kGB;
  const double need = in_memory_bytes_needed(data, m.ram_per_data);
  e.results.push_back(make_result("one_machine.memory_needed_bytes", need, "B", "data x ram_per_data",
                                  sub("% x %",
                                      {data, m.ram_per_data}), "McKinney 2017: pandas needs 5-10x the data in RAM"));
  const bool in_ram = need <= ram, on_disk = data <= disk;
  e.results.push_back(make_result("one_machine.fits_in_memory", in_ram ? 1 : 0, "bool", "memory_needed <= ram",
                                  sub("% <= %", {need, ram}), "scenario one_machine.ram_gb"));
  e.results.push_back(make_result("one_machine.fits_on_disk", on_disk ? 1 : 0, "bool", "data <= disk", sub("% <= %",
                                                                                                           {data,
                                                                                                            disk}),
                                  "scenario one_machine.disk_gb"));
  e.results.push_back(make_result("one_machine.machines_for_memory", ram > 0 ? std::max(1.0, std::ceil(need / ram - 1e-9)) : 0.0,
                                  "1", "max(1, ceil(memory_needed / ram))", sub("ceil(% / %)", {need, ram}),
                                  "in-memory working set spread over machines"));
  if (in_ram)
    e.warnings.push_back({"one_machine.fits_in_memory", substitute_message("one machine is enough: % GB in memory of % GB; a cluster would be over-engineering",
                                                            {need / kGB, m.ram_gb})});
  else
    e.warnings.push_back({"one_machine.fits_in_memory",
                          std::string("one machine is not enough: ") + sub("% GB in memory vs % GB",
                                                                           {need / kGB, m.ram_gb}) + (on_disk ? "" : ", and the data exceeds its disk") +
                              "; process out of core or distribute (a single-machine script would be under-engineering)"});
  return e;
}

double video_bytes_per_hour(double bitrate_bits_per_s) { return bitrate_bits_per_s * kSecondsPerHour / 8.0; }

PipelineEstimate estimate_pipeline(const Scenario& s, const Catalog& c) {
  PipelineEstimate e;
  auto sub = [](std::string_view p, std::initializer_list<double> v) { return substitute_numbers(p, v, format_g4); };
  auto add = [&](auto&& path, double value, std::string_view unit, auto&& formula, std::string substituted, auto&& source) {
    return detail::add_section_result(e.results, nullptr, detail::text_arg(std::forward<decltype(path)>(path)), value, unit,
                                      detail::text_arg(std::forward<decltype(formula)>(formula)), std::move(substituted),
                                      detail::text_arg(std::forward<decltype(source)>(source)));
  };
  e.results.reserve(16);
  const PipelineSection& p = s.pipeline;
  const double users = p.users ? *p.users : s.storage.users ? *s.storage.users : s.traffic.users * s.traffic.active_fraction;
  const double epu = p.events_per_user_per_day ? *p.events_per_user_per_day : s.storage.events_per_user_per_day;
  const double bpe = p.bytes_per_event ? *p.bytes_per_event : s.storage.bytes_per_event;
  const double peak_factor = p.peak_factor ? *p.peak_factor : s.traffic.peak_factor;
  const double avg = add("pipeline.events_per_second", events_per_second_average(users, epu), "event/s",
                         "users x events_per_user_per_day / 86400", sub("% x % / 86400", {users, epu}),
                         "seed fraud example (avg_qps = dau x tx_per_day / 86_400)");
  const double peak = add("pipeline.peak_events_per_second", avg * peak_factor, "event/s", "events_per_second x peak_factor",
                          sub("% x %", {avg, peak_factor}), "seed 'Forgetting Peak Traffic'");
  const double avg_bps = add("pipeline.bytes_per_second", bytes_per_second(avg, bpe), "B/s", "events_per_second x bytes_per_event",
                             sub("% x %", {avg, bpe}), "seed 'Training Data Storage' (bytes per event)");
  const double peak_bps = add("pipeline.peak_bytes_per_second", bytes_per_second(peak, bpe), "B/s",
                              "peak_events_per_second x bytes_per_event", sub("% x %",
                                                                              {peak, bpe}), "as above, at peak");
  const double part_bps = p.partition_mb_per_s * 1e6, broker_bps = p.broker_mb_per_s * 1e6;
  add("pipeline.partitions", log_partitions(peak_bps, part_bps), "1", "max(1, ceil(peak_bytes_per_s / partition_bytes_per_s))",
      sub("ceil(% / %)", {peak_bps, part_bps}),
      "Confluent (Rao 2015) partitions >= T/p; 10 MB/s per partition (Dattell 2023, conservative)");
  const double brokers = add("pipeline.brokers", log_brokers(peak_bps, p.replication_factor, broker_bps), "1",
                             "max(replication, ceil(peak_bytes_per_s x replication / broker_bytes_per_s))",
                             sub("max(%, ceil(% x % / %))",
                                 {p.replication_factor, peak_bps, p.replication_factor, broker_bps}),
                             "Kreps 2014 (LinkedIn): 202.4 MB/s written per broker, 3 brokers, 3x replication");
  add("pipeline.log_retained_bytes", log_retained_bytes(avg_bps, p.retention_hours, p.replication_factor), "B",
      "bytes_per_second x retention_hours x 3600 x replication",
      sub("% x % x 3600 x %", {avg_bps, p.retention_hours, p.replication_factor}),
      "Apache Kafka docs: log.retention.hours default 168, replication factor 3");
  const double workers = add("pipeline.stream_workers", stream_workers(peak, p.worker_events_per_s_per_core, p.worker_cores), "1",
                             "max(1, ceil(peak_events_per_second / (events_per_s_per_core x cores)))",
                             sub("ceil(% / (% x %))", {peak, p.worker_events_per_s_per_core, p.worker_cores}),
                             "Grier 2016 (data Artisans): Flink ~3M events/s from Kafka on 10 x 4-core nodes = 75K/s per core");
  const double price = p.price_per_machine_hour ? *p.price_per_machine_hour : c.prices.cpu_machine_usd_per_hour;
  e.monthly_usd = add("pipeline.monthly_cost_usd", monthly_usd(brokers + workers, price), "USD/month",
                      "(brokers + stream_workers) x price_per_machine_hour x 730 h",
                      sub("(% + %) x % x 730", {brokers, workers, price}),
                      p.price_per_machine_hour ? "scenario pipeline.price_per_machine_hour"
                                               : "seed fraud example machine (c5.2xlarge ~$0.40/h, assets/prices.json)");
  return e;
}

}  // namespace envelope
