// Storage: training events with retention and compression, object-store cost, dataset and
// checkpoint size; feature store sizing and nodes.
#include "../panels.hpp"
#include "../ui.hpp"
#include "envelope/catalog.hpp"
#include "imgui.h"

namespace envelope::ui {

void draw_storage(App& app) {
  const IncludeSection& inc = app.scenario().include;
  if (!panel_included("Storage", app.scenario())) return;  // neither section is in the scenario (include)
  if (!begin_panel(app, "Storage")) {
    ImGui::End();
    return;
  }
  Scenario& s = app.edit();
  if (inc.storage) {
    ImGui::SeparatorText("Training events");
    input_field(app, "daily users", "storage.users", s.traffic.users * s.traffic.active_fraction);
    input_field(app, "events / user / day", "storage.events_per_user_per_day");
    input_field(app, "bytes / event", "storage.bytes_per_event");
    input_field(app, "retention days", "storage.retention_days");
    input_field(app, "compression ratio", "storage.compression_ratio");
    input_field(app, "egress GB / month", "storage.egress_gb_per_month");
    input_field(app, "dataset tokens", "storage.dataset_tokens");
    if (begin_result_table("storage")) {
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
  input_field(app, "entities (users)", "feature_store.entities");
  input_field(app, "features / entity", "feature_store.features_per_entity");
  input_field(app, "items", "feature_store.items");
  input_field(app, "features / item", "feature_store.features_per_item");
  input_field(app, "bytes / feature", "feature_store.bytes_per_feature");
  input_field(app, "embedding dim", "feature_store.embedding_dim");
  input_field(app, "overhead factor", "feature_store.overhead_factor");
  input_field(app, "headroom", "feature_store.headroom");
  input_field(app, "node GB", "feature_store.node_gb", 64);
  input_field(app, "replication factor", "feature_store.replication_factor");
  FeatureStoreSection& fsec = app.edit().feature_store;
  input_flag(app, "price at the default node", fsec.priced);
  ImGui::SetItemTooltip("AWS r6i.2xlarge (64 GiB) on demand, $0.504/h (assets/prices.json), when no price is typed");
  input_field(app, "$ per node-hour", "feature_store.price_per_node_hour", fsec.priced ? Catalog::builtin().prices.kv_node_usd_per_hour : 0);
  ImGui::SetItemTooltip("Unset and not priced at the default: the store is sized but not priced (not in the cost roll-up)");
  if (begin_result_table("fs")) {
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
