// Storage: training events with retention and compression, object-store cost, dataset and
// checkpoint size; feature store sizing and nodes.
#include "../panels.hpp"
#include "../ui.hpp"
#include "imgui.h"

namespace envelope::ui {

void draw_storage(App& app) {
  const IncludeSection& inc = app.scenario().include;
  if (!inc.storage && !inc.feature_store) return;  // neither section is in the scenario (include)
  if (!begin_panel("Storage")) {
    ImGui::End();
    return;
  }
  Scenario& s = app.edit();
  if (inc.storage) {
    ImGui::SeparatorText("Training events");
    input_optional(app, "daily users", s.storage.users, s.traffic.users * s.traffic.active_fraction, 0, 1e13, "%.6g");
    input_number(app, "events / user / day", s.storage.events_per_user_per_day, 0, 1e9, "%.4g");
    input_number(app, "bytes / event", s.storage.bytes_per_event, 0, 1e12, "%.4g");
    input_number(app, "retention days", s.storage.retention_days, 0, 1e5, "%.4g");
    input_number(app, "compression ratio", s.storage.compression_ratio, 0.01, 1e4, "%.3g");
    input_number(app, "egress GB / month", s.storage.egress_gb_per_month, 0, 1e30, "%.4g");
    input_number(app, "dataset tokens", s.storage.dataset_tokens, 0, 1e17, "%.4g");
    if (ImGui::BeginTable("storage", 2, ImGuiTableFlags_SizingStretchProp)) {
      result_row(app, "Raw per day", "storage.raw_bytes_per_day");
      result_row(app, "Raw over retention", "storage.raw_bytes_retained");
      result_row(app, "Stored (compressed)", "storage.stored_bytes");
      result_row(app, "Object storage $/month", "storage.monthly_cost_usd");
      result_row(app, "Egress $/month", "storage.egress_monthly_usd");
      result_row(app, "Dataset size", "storage.dataset_bytes");
      result_row(app, "Training checkpoint", "storage.checkpoint_bytes");
      ImGui::EndTable();
    }
  }
  if (!inc.feature_store) {
    ImGui::End();
    return;
  }
  ImGui::SeparatorText("Feature store");
  FeatureStoreSection& f = s.feature_store;
  input_number(app, "entities (users)", f.entities, 0, 1e13, "%.6g");
  input_number(app, "features / entity", f.features_per_entity, 0, 1e7, "%.4g");
  input_number(app, "items", f.items, 0, 1e13, "%.6g");
  input_number(app, "features / item", f.features_per_item, 0, 1e7, "%.4g");
  input_number(app, "bytes / feature", f.bytes_per_feature, 0, 1e6, "%.3g");
  input_int(app, "embedding dim", f.embedding_dim, 0, 1000000);
  input_number(app, "overhead factor", f.overhead_factor, 1, 100, "%.3g");
  input_number(app, "headroom", f.headroom, 1, 100, "%.3g");
  input_optional(app, "node GB", f.node_gb, 64, 0.1, 1e5, "%.4g");
  input_int(app, "replication factor", f.replication_factor, 1, 100);
  input_optional(app, "$ per node-hour", f.price_per_node_hour, 0, 0, 1e4, "%.3g");
  ImGui::SetItemTooltip("Unset: the store is sized but not priced (not in the cost roll-up)");
  if (ImGui::BeginTable("fs", 2, ImGuiTableFlags_SizingStretchProp)) {
    result_row(app, "Raw", "feature_store.raw_bytes");
    result_row(app, "In the store (x overhead)", "feature_store.total_bytes");
    result_row(app, "Nodes", "feature_store.nodes");
    result_row(app, "Reads/s at peak", "feature_store.reads_per_second");
    result_row(app, "Nodes with replicas", "feature_store.nodes_with_replicas");
    result_row(app, "Reads/s per node", "feature_store.reads_per_second_per_node");
    result_row(app, "Feature store $/month", "feature_store.monthly_cost_usd");
    ImGui::EndTable();
  }
  ImGui::End();
}

}  // namespace envelope::ui
