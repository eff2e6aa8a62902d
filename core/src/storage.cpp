// Storage (the Storage panel): event data with retention and compression, datasets and
// checkpoints, object-storage and egress cost; the feature store (features, embeddings, nodes with
// headroom and replicas, reads per node, its price). Formulas in formulas.hpp with their sources.
#include <algorithm>
#include <cmath>

#include "envelope/formulas.hpp"
#include "envelope/units.hpp"
#include "evaluate_parts.hpp"

namespace envelope::detail {

Storage storage_section(Builder& b, const Resolved& x, const TrainingRun& t, double pk) {
  const Scenario& s = x.s;
  const Catalog& c = x.c;
  const TrafficSection& tf = s.traffic;
  const RecipeBytes& rb = t.rb;
  const double P = x.P;
  const StorageSection& st = s.storage;
  const double obj_price = s.prices.object_storage_per_gb_month ? *s.prices.object_storage_per_gb_month
                                                                : c.prices.object_storage_usd_per_gb_month;
  const double egress_price = s.prices.egress_per_gb ? *s.prices.egress_per_gb : c.prices.egress_usd_per_gb;
  const double dau = st.users ? *st.users : tf.users * tf.active_fraction;
  // This section's three parts are kept with different sections (storage.*, storage.checkpoint_bytes
  // with training, feature_store.*: path_included), and nothing else reads a part the scenario leaves
  // out (the cost roll-up sums only included sections): each part runs only when kept.
  double storage_monthly = 0, egress_monthly = 0;
  if (b.keeps("storage.raw_bytes_per_day")) {
    const double raw = b.add("storage.raw_bytes_per_day",
                             raw_bytes_per_day(Term(dau), Term(st.events_per_user_per_day), Term(st.bytes_per_event)),
                             "B", "users x events_per_user_per_day x bytes_per_event", "seed 'Training Data Storage'");
    b.add("storage.raw_bytes_retained", Term(raw) * Term(st.retention_days), "B", "raw_bytes_per_day x retention_days",
          "seed 'Training Data Storage'");
    const double stored =
        b.add("storage.stored_bytes", stored_bytes(Term(raw), Term(st.retention_days), Term(st.compression_ratio)), "B",
              "raw_bytes_per_day x retention_days / compression_ratio", "seed (Parquet+Snappy typically 4-5x)");
    storage_monthly = b.add("storage.monthly_cost_usd", object_storage_monthly_usd(Term(stored), Term(obj_price)),
                            "USD/month", "stored_bytes / 1e9 x price_per_GB_month", c.prices.object_storage_source);
    egress_monthly = b.add("storage.egress_monthly_usd", Term(st.egress_gb_per_month) * Term(egress_price), "USD/month",
                           "egress_GB x price_per_GB", c.prices.egress_source);
    b.add("storage.dataset_bytes", dataset_bytes(Term(st.dataset_tokens), Term(st.bytes_per_token)), "B",
          "tokens x bytes_per_token", "seed: 1 million text tokens ~ 4 MB");
  }
  if (b.keeps("storage.checkpoint_bytes"))
    b.add("storage.checkpoint_bytes", Term(P) * (Term(rb.weights) + Term(rb.optimizer)), "B",
          "params x (weight + master/optimizer bytes)",
          "a full training checkpoint holds weights and optimizer state, not gradients");

  // ------------------------------------------------------------ feature store
  const FeatureStoreSection& fs = s.feature_store;
  if (!b.keeps("feature_store.raw_bytes")) return Storage{storage_monthly, egress_monthly, 0.0, false};
  const Term ef = feature_bytes(Term(fs.entities), Term(fs.features_per_entity), Term(fs.bytes_per_feature));
  const Term itf = feature_bytes(Term(fs.items), Term(fs.features_per_item), Term(fs.bytes_per_feature));
  const Term emb =
      embedding_bytes(Term(fs.entities) + Term(fs.items), Term(fs.embedding_dim), Term(fs.embedding_bytes));
  b.add("feature_store.entity_feature_bytes", ef, "B", "entities x features x bytes", "seed 'Feature Store Storage'");
  b.add("feature_store.item_feature_bytes", itf, "B", "items x features x bytes", "seed 'Feature Store Storage'");
  b.add("feature_store.embedding_bytes", emb, "B", "(entities + items) x dim x bytes",
        "seed 'Feature Store Storage' (float32 vectors)");
  const double fraw = b.add("feature_store.raw_bytes", Term(ef.value) + Term(itf.value) + Term(emb.value), "B",
                            "features + embeddings", "seed");
  const double ftotal = b.add("feature_store.total_bytes", Term(fraw) * Term(fs.overhead_factor), "B",
                              "raw x overhead_factor", "seed: Redis ~2x raw (keys, metadata, encoding)");
  const double node_gb = fs.node_gb ? *fs.node_gb : c.prices.kv_node_default_gb;
  const double fnodes =
      b.add("feature_store.nodes",
            ftotal > 0 ? kv_store_nodes(Term(ftotal), Term(fs.headroom), Term(node_gb) * Term(kGB)) : Term(0.0), "1",
            "max(1, ceil(total x headroom / (node_GB x 1e9)))", "seed: int(total * 1.2 / 64) + 1 nodes of 64 GB");
  b.add("feature_store.reads_per_second", pk, "req/s", "one GET per request at peak", g(pk), "seed fraud example");
  // Replicas serve reads too (Redis replicas accept reads), so reads spread over every node.
  const double all_nodes =
      b.add("feature_store.nodes_with_replicas", Term(fnodes) * Term(fs.replication_factor), "1",
            "nodes x replication_factor", "seed Q4: 'a Redis cluster ... with a standard replication setup'");
  b.add("feature_store.reads_per_second_per_node", all_nodes > 0 ? Term(pk) / Term(all_nodes) : Term(0.0), "req/s",
        "reads_per_second / nodes_with_replicas",
        "seed fraud example: 1,736 GETs/s is 'trivial' next to ~100K ops/s per Redis node (redis-benchmark, redis.io)");
  double feature_store_monthly = 0;
  const bool fs_priced = fs.price_per_node_hour.has_value() || fs.priced;
  if (fs_priced) {
    // Unset price with feature_store.priced: the catalog's cited memory-optimized node (prices.json).
    const double node_price = fs.price_per_node_hour ? *fs.price_per_node_hour : c.prices.kv_node_usd_per_hour;
    feature_store_monthly =
        b.add("feature_store.monthly_cost_usd", monthly_usd(Term(all_nodes), Term(node_price)), "USD/month",
              "nodes_with_replicas x price_per_node_hour x 730 h",
              fs.price_per_node_hour ? "scenario feature_store.price_per_node_hour" : c.prices.kv_node_source);
  }

  return Storage{storage_monthly, egress_monthly, feature_store_monthly, fs_priced};
}

}  // namespace envelope::detail
