// Classical model / recommender: embedding tables sharded over host RAM or GPU HBM, lookups/s and
// their memory bandwidth, the dense MLP on CPU cores or GPUs, real-time vs batch scoring and $/month
// (core/src/recommender.cpp). Shown only when the scenario includes the recommender.
#include <cstring>
#include <string>

#include "../panel_state.hpp"
#include "../panels.hpp"
#include "../ui.hpp"
#include "imgui.h"

namespace envelope::ui {

// The per-table row list ("4e7, 39060, ..."): committed on Enter or focus loss; checked by the core
// (a bad entry is named in the warnings and ignored).
static void table_rows_box(App& app, RecommenderSection& r) {
  RecommenderPanelState& st = app.panel_state().recommender;
  char* buf = st.table_rows;
  std::string& shown = st.shown;
  if (!ImGui::IsAnyItemActive() && shown != r.table_rows) {
    std::strncpy(buf, r.table_rows.c_str(), sizeof st.table_rows - 1);
    buf[sizeof st.table_rows - 1] = '\0';
    shown = r.table_rows;
  }
  ImGui::TextUnformatted("rows per table (list)");
  ImGui::SetNextItemWidth(-1);
  ImGui::InputTextWithHint("##table_rows", "empty: tables x rows per table", buf, sizeof st.table_rows);
  record_text_box(app);
  ImGui::SetItemTooltip("one row count per table, comma-separated (MLPerf DLRM-DCNv2: 4e7, 39060, 17295, ...)");
  if (ImGui::IsItemDeactivatedAfterEdit() && r.table_rows != buf) {
    r.table_rows = buf;
    shown = r.table_rows;
    app.changed();
  }
}

void draw_recommender(App& app) {
  if (!panel_included("Recommender", app.scenario())) return;
  if (!begin_panel(app, "Recommender")) {
    ImGui::End();
    return;
  }
  Scenario& s = app.edit();
  RecommenderSection& r = s.recommender;
  ImGui::SeparatorText("Embedding tables");
  input_field(app, "tables", "recommender.tables");
  input_field(app, "rows per table", "recommender.rows_per_table");
  table_rows_box(app, r);
  input_field(app, "embedding dim", "recommender.embedding_dim");
  input_field(app, "bytes per value", "recommender.bytes_per_value");
  ImGui::SetItemTooltip("fp32 4, fp16 2, int8 1");
  input_field(app, "lookups per table", "recommender.lookups_per_table");
  ImGui::SetItemTooltip("rows read per table per scored item (multi-hot features read several)");
  input_choice(app, "memory tier", r.memory_tier, {"host", "gpu"});
  ImGui::SetItemTooltip("host: RAM of a CPU node (AWS r6i.16xlarge, 512 GiB); gpu: HBM of the hardware GPU");
  // The GPU whose memory holds the tables: the scenario's hardware, shown here as a recommender has
  // no Model & hardware panel.
  if (r.memory_tier == "gpu" && !panel_included("Model & hardware", s)) draw_accelerator_picker(app);
  input_field(app, "usable memory", "recommender.usable_memory_fraction");
  if (r.memory_tier == "host") {
    input_field(app, "host RAM GB", "recommender.host_memory_gb");
    input_field(app, "host GB/s", "recommender.host_bandwidth_gbps");
    input_field(app, "vCPUs per machine", "recommender.cpu_cores_per_machine");
    input_field(app, "GFLOP/s per vCPU", "recommender.cpu_gflops_per_core");
    ImGui::SetItemTooltip("112: Xeon 8375C fp32 peak, 32 FLOP/cycle per vCPU x 3.5 GHz");
    input_field(app, "CPU efficiency", "recommender.cpu_efficiency");
    ImGui::SetItemTooltip("0.3: an assumption, not validated");
  }
  input_field(app, r.memory_tier == "gpu" ? "$ per GPU-hour" : "$ per machine-hour", "recommender.price_per_machine_hour");
  ImGui::SeparatorText("Dense model and requests");
  input_field(app, "MLP parameters", "recommender.mlp_params");
  input_field(app, "features per request", "recommender.features_per_request");
  input_field(app, "candidates per request", "recommender.candidates_per_request");
  input_choice(app, "inference", r.mode, {"realtime", "batch"});
  if (r.mode == "batch") {
    input_field(app, "items per day", "recommender.batch_items_per_day");
    input_field(app, "machines", "recommender.batch_machines");
  } else {
    input_field(app, "peak QPS", "recommender.peak_qps");
  }
  if (begin_result_table("recommender")) {
    result_row(app, "Tables", "recommender.tables");
    result_row(app, "Embedding rows", "recommender.embedding_rows");
    result_row(app, "Embedding parameters", "recommender.embedding_params");
    result_row(app, "Embedding tables", "recommender.embedding_table_bytes");
    result_row(app, "Memory per shard", "recommender.memory_per_shard_bytes");
    result_row(app, "Shards to hold them", "recommender.shards");
    if (r.mode == "batch") {
      result_row(app, "MLP FLOPs per day", "recommender.batch_flops_per_day");
      result_row(app, "Lookup bytes per day", "recommender.batch_lookup_bytes_per_day");
      result_row(app, "Time to score a day", "recommender.batch_seconds");
      result_row(app, "Machine-hours per day", "recommender.batch_machine_hours_per_day");
    } else {
      result_row(app, "Peak QPS", "recommender.peak_qps");
      result_row(app, "Candidates/s", "recommender.candidates_per_second");
      result_row(app, "Feature reads/s", "recommender.feature_reads_per_second");
      result_row(app, "Lookups/s", "recommender.lookups_per_second");
      result_row(app, "Lookup bandwidth", "recommender.lookup_bytes_per_second");
      result_row(app, "MLP FLOPs per request", "recommender.mlp_flops_per_request");
      result_row(app, "MLP FLOP/s", "recommender.mlp_flops_per_second");
      if (r.memory_tier == "gpu") {
        result_row(app, "GPUs for the dense part", "recommender.dense_gpus");
        result_row(app, "GPUs for bandwidth", "recommender.bandwidth_units");
        result_row(app, "GPUs", "recommender.gpus");
      } else {
        result_row(app, "Cores for the dense part", "recommender.dense_cpu_cores");
        result_row(app, "Machines for the dense part", "recommender.dense_machines");
        result_row(app, "Machines for bandwidth", "recommender.bandwidth_units");
        result_row(app, "Machines", "recommender.machines");
      }
      result_row(app, "Bandwidth used", "recommender.lookup_bandwidth_utilization");
    }
    result_row(app, "Recommender $/month", "recommender.monthly_cost_usd");
    ImGui::EndTable();
  }
  warnings_for(app, {"recommender"});
  ImGui::End();
}

}  // namespace envelope::ui
