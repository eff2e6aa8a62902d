// Pipeline: the event log (Kafka-style partitions, brokers, retained bytes) and stream-processing
// workers (Flink-style) for users x events, and their monthly cost (core/src/pipeline.cpp).
// Shown only when the scenario includes the pipeline.
#include "../panels.hpp"
#include "../ui.hpp"
#include "imgui.h"

namespace envelope::ui {

void draw_pipeline(App& app) {
  if (!app.scenario().include.pipeline) return;  // section not in the scenario (include)
  if (!begin_panel("Pipeline")) {
    ImGui::End();
    return;
  }
  Scenario& s = app.edit();
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
