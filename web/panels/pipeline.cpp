// Pipeline: the event log (Kafka-style partitions, brokers, retained bytes) and stream-processing
// workers (Flink-style) for users x events, and their monthly cost (core/src/pipeline.cpp).
// Shown only when the scenario includes the pipeline.
#include "../panels.hpp"
#include "../ui.hpp"
#include "imgui.h"

namespace envelope::ui {

static void draw_network_part(App& app, Scenario& s) {
  ImGui::SeparatorText("Network");
  input_choice(app, "link", s.network.link, {"nvlink3", "nvlink4", "nvlink5", "ib-hdr", "ib-ndr", "100gbe"});
  input_number(app, "GB to move", s.network.transfer_gb, 0, 1e12, "%.4g");
  input_number(app, "bytes per response", s.network.response_bytes, 0, 1e12, "%.4g");
  if (ImGui::BeginTable("network", 2, ImGuiTableFlags_SizingStretchProp)) {
    result_row(app, "Transfer time", "network.transfer_seconds");
    result_row(app, "Egress per month", "network.egress_bytes_per_month");
    result_row(app, "Egress $/month", "network.egress_monthly_usd");
    ImGui::EndTable();
  }
}

static void draw_one_machine_part(App& app, Scenario& s) {
  ImGui::SeparatorText("Does it fit on one machine?");
  input_number(app, "data GB", s.one_machine.data_gb, 0, 1e12, "%.4g");
  input_number(app, "machine RAM GB", s.one_machine.ram_gb, 0.001, 1e9, "%.4g");
  input_number(app, "machine disk GB", s.one_machine.disk_gb, 0.001, 1e12, "%.4g");
  input_number(app, "RAM per data byte", s.one_machine.ram_per_data, 0.01, 100, "%.3g");
  ImGui::SetItemTooltip("pandas wants 5-10x the dataset in RAM (Wes McKinney, 2017)");
  if (ImGui::BeginTable("one_machine", 2, ImGuiTableFlags_SizingStretchProp)) {
    result_row(app, "Memory needed", "one_machine.memory_needed_bytes");
    result_row(app, "Fits in memory", "one_machine.fits_in_memory");
    result_row(app, "Fits on disk", "one_machine.fits_on_disk");
    result_row(app, "Machines for memory", "one_machine.machines_for_memory");
    ImGui::EndTable();
  }
  warnings_for(app, {"one_machine"});
}

void draw_pipeline(App& app) {
  const IncludeSection& inc = app.scenario().include;
  if (!inc.pipeline && !inc.network && !inc.one_machine) return;  // none of its sections is included
  if (!begin_panel("Pipeline")) {
    ImGui::End();
    return;
  }
  Scenario& s = app.edit();
  if (inc.network) draw_network_part(app, s);
  if (inc.one_machine) draw_one_machine_part(app, s);
  if (!inc.pipeline) {
    ImGui::End();
    return;
  }
  ImGui::SeparatorText("Event log and stream processing");
  PipelineSection& p = s.pipeline;
  const double users = s.storage.users ? *s.storage.users : s.traffic.users * s.traffic.active_fraction;
  input_optional(app, "users", p.users, users, 0, 1e13, "%.6g");
  input_optional(app, "events / user / day", p.events_per_user_per_day, s.storage.events_per_user_per_day, 0, 1e9, "%.4g");
  input_optional(app, "bytes / event", p.bytes_per_event, s.storage.bytes_per_event, 0, 1e12, "%.4g");
  input_optional(app, "peak factor", p.peak_factor, s.traffic.peak_factor, 1, 1000, "%.3g");
  input_number(app, "MB/s per partition", p.partition_mb_per_s, 0.001, 1e6, "%.4g");
  ImGui::SetItemTooltip("10 MB/s: conservative per-partition write rate (Dattell 2023; Confluent: 10s of MB/s)");
  input_number(app, "MB/s per broker", p.broker_mb_per_s, 0.001, 1e6, "%.4g");
  ImGui::SetItemTooltip("202.4 MB/s written per broker: Kreps 2014, 3 brokers, 3x replication");
  input_int(app, "replication", p.replication_factor, 1, 100);
  input_number(app, "retention hours", p.retention_hours, 0, 1e6, "%.4g");
  input_number(app, "events/s per core", p.worker_events_per_s_per_core, 0.001, 1e9, "%.4g");
  ImGui::SetItemTooltip("75,000: Flink ~3M events/s from Kafka on 10 x 4-core nodes (Grier 2016)");
  input_int(app, "cores per worker", p.worker_cores, 1, 10000);
  input_optional(app, "$ per machine-hour", p.price_per_machine_hour, 0.40, 0, 1e4, "%.3g");
  if (ImGui::BeginTable("pipeline", 2, ImGuiTableFlags_SizingStretchProp)) {
    result_row(app, "Events/s (average)", "pipeline.events_per_second");
    result_row(app, "Events/s (peak)", "pipeline.peak_events_per_second");
    result_row(app, "Bytes/s (average)", "pipeline.bytes_per_second");
    result_row(app, "Bytes/s (peak)", "pipeline.peak_bytes_per_second");
    result_row(app, "Partitions", "pipeline.partitions");
    result_row(app, "Brokers", "pipeline.brokers");
    result_row(app, "Log on disk (replicated)", "pipeline.log_retained_bytes");
    result_row(app, "Stream workers", "pipeline.stream_workers");
    result_row(app, "Pipeline $/month", "pipeline.monthly_cost_usd");
    ImGui::EndTable();
  }
  ImGui::End();
}

}  // namespace envelope::ui
