// Pipeline: the event log (Kafka-style partitions, brokers, retained bytes) and stream-processing
// workers (Flink-style) for users x events, and their monthly cost (core/src/pipeline.cpp).
// Shown only when the scenario includes the pipeline.
#include "../panels.hpp"
#include "../ui.hpp"
#include "envelope/catalog.hpp"
#include "imgui.h"

namespace envelope::ui {

static void draw_network_part(App& app, Scenario& s) {
  ImGui::SeparatorText("Network");
  input_choice(app, "link", s.network.link, {"nvlink3", "nvlink4", "nvlink5", "ib-hdr", "ib-ndr", "100gbe"});
  input_field(app, "GB to move", "network.transfer_gb");
  input_field(app, "bytes per response", "network.response_bytes");
  if (begin_result_table("network")) {
    result_row(app, "Transfer time", "network.transfer_seconds");
    result_row(app, "Egress per month", "network.egress_bytes_per_month");
    result_row(app, "Egress $/month", "network.egress_monthly_usd");
    ImGui::EndTable();
  }
}

static void draw_one_machine_part(App& app) {
  ImGui::SeparatorText("Does it fit on one machine?");
  input_field(app, "data GB", "one_machine.data_gb");
  input_field(app, "machine RAM GB", "one_machine.ram_gb");
  input_field(app, "machine disk GB", "one_machine.disk_gb");
  input_field(app, "RAM per data byte", "one_machine.ram_per_data");
  ImGui::SetItemTooltip("pandas wants 5-10x the dataset in RAM (Wes McKinney, 2017)");
  if (begin_result_table("one_machine")) {
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
  if (!panel_included("Pipeline", app.scenario())) return;  // none of its sections is included
  if (!begin_panel(app, "Pipeline")) {
    ImGui::End();
    return;
  }
  Scenario& s = app.edit();
  if (inc.network) draw_network_part(app, s);
  if (inc.one_machine) draw_one_machine_part(app);
  if (!inc.pipeline) {
    ImGui::End();
    return;
  }
  ImGui::SeparatorText("Event log and stream processing");
  const double users = s.storage.users ? *s.storage.users : s.traffic.users * s.traffic.active_fraction;
  input_field(app, "users", "pipeline.users", users);
  input_field(app, "events / user / day", "pipeline.events_per_user_per_day", s.storage.events_per_user_per_day);
  input_field(app, "bytes / event", "pipeline.bytes_per_event", s.storage.bytes_per_event);
  input_field(app, "peak factor", "pipeline.peak_factor", s.traffic.peak_factor);
  input_field(app, "MB/s per partition", "pipeline.partition_mb_per_s");
  ImGui::SetItemTooltip("10 MB/s: conservative per-partition write rate (Dattell 2023; Confluent: 10s of MB/s)");
  input_field(app, "MB/s per broker", "pipeline.broker_mb_per_s");
  ImGui::SetItemTooltip("202.4 MB/s written per broker: Kreps 2014, 3 brokers, 3x replication");
  input_field(app, "replication", "pipeline.replication_factor");
  input_field(app, "retention hours", "pipeline.retention_hours");
  input_field(app, "events/s per core", "pipeline.worker_events_per_s_per_core");
  ImGui::SetItemTooltip("75,000: Flink ~3M events/s from Kafka on 10 x 4-core nodes (Grier 2016)");
  input_field(app, "cores per worker", "pipeline.worker_cores");
  input_field(app, "$ per machine-hour", "pipeline.price_per_machine_hour", Catalog::builtin().prices.cpu_machine_usd_per_hour);
  if (begin_result_table("pipeline")) {
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
