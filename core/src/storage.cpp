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
  const double raw = b.add("storage.raw_bytes_per_day", raw_bytes_per_day(dau, st.events_per_user_per_day, st.bytes_per_event), "B",
                           "users x events_per_user_per_day x bytes_per_event",
                           g(dau) + " x " + g(st.events_per_user_per_day) + " x " + g(st.bytes_per_event), "seed 'Training Data Storage'");
  b.add("storage.raw_bytes_retained", raw * st.retention_days, "B", "raw_bytes_per_day x retention_days",
        g(raw) + " x " + g(st.retention_days), "seed 'Training Data Storage'");
  const double stored = b.add("storage.stored_bytes", stored_bytes(raw, st.retention_days, st.compression_ratio), "B",
                              "raw_bytes_per_day x retention_days / compression_ratio",
                              g(raw) + " x " + g(st.retention_days) + " / " + g(st.compression_ratio),
                              "seed (Parquet+Snappy typically 4-5x)");
  const double storage_monthly = b.add("storage.monthly_cost_usd", object_storage_monthly_usd(stored, obj_price), "USD/month",
                                       "stored_bytes / 1e9 x price_per_GB_month", g(stored) + " / 1e9 x " + g(obj_price),
                                       c.prices.object_storage_source);
  const double egress_monthly = b.add("storage.egress_monthly_usd", st.egress_gb_per_month * egress_price, "USD/month",
                                      "egress_GB x price_per_GB", g(st.egress_gb_per_month) + " x " + g(egress_price),
                                      c.prices.egress_source);
  b.add("storage.dataset_bytes", dataset_bytes(st.dataset_tokens, st.bytes_per_token), "B", "tokens x bytes_per_token",
        g(st.dataset_tokens) + " x " + g(st.bytes_per_token), "seed: 1 million text tokens ~ 4 MB");
  b.add("storage.checkpoint_bytes", P * (rb.weights + rb.optimizer), "B", "params x (weight + master/optimizer bytes)",
        g(P) + " x " + g(rb.weights + rb.optimizer), "a full training checkpoint holds weights and optimizer state, not gradients");

  // ------------------------------------------------------------ feature store
  const FeatureStoreSection& fs = s.feature_store;
  const double ef = feature_bytes(fs.entities, fs.features_per_entity, fs.bytes_per_feature);
  const double itf = feature_bytes(fs.items, fs.features_per_item, fs.bytes_per_feature);
  const double emb = embedding_bytes(fs.entities + fs.items, fs.embedding_dim, fs.embedding_bytes);
  b.add("feature_store.entity_feature_bytes", ef, "B", "entities x features x bytes",
        g(fs.entities) + " x " + g(fs.features_per_entity) + " x " + g(fs.bytes_per_feature), "seed 'Feature Store Storage'");
  b.add("feature_store.item_feature_bytes", itf, "B", "items x features x bytes",
        g(fs.items) + " x " + g(fs.features_per_item) + " x " + g(fs.bytes_per_feature), "seed 'Feature Store Storage'");
  b.add("feature_store.embedding_bytes", emb, "B", "(entities + items) x dim x bytes",
        "(" + g(fs.entities) + " + " + g(fs.items) + ") x " + g(fs.embedding_dim) + " x " + g(fs.embedding_bytes),
        "seed 'Feature Store Storage' (float32 vectors)");
  const double fraw = b.add("feature_store.raw_bytes", ef + itf + emb, "B", "features + embeddings",
                            g(ef) + " + " + g(itf) + " + " + g(emb), "seed");
  const double ftotal = b.add("feature_store.total_bytes", fraw * fs.overhead_factor, "B", "raw x overhead_factor",
                              g(fraw) + " x " + g(fs.overhead_factor), "seed: Redis ~2x raw (keys, metadata, encoding)");
  const double node_gb = fs.node_gb ? *fs.node_gb : c.prices.kv_node_default_gb;
  const double fnodes = b.add("feature_store.nodes", ftotal > 0 ? kv_store_nodes(ftotal, fs.headroom, node_gb * kGB) : 0.0, "1",
        "ceil(total x headroom / node_bytes)", "ceil(" + g(ftotal) + " x " + g(fs.headroom) + " / " + g(node_gb) + " GB)",
        "seed: int(total * 1.2 / 64) + 1 nodes of 64 GB");
  b.add("feature_store.reads_per_second", pk, "req/s", "one GET per request at peak", g(pk), "seed fraud example");
  // Replicas serve reads too (Redis replicas accept reads), so reads spread over every node.
  const double all_nodes = b.add("feature_store.nodes_with_replicas", fnodes * fs.replication_factor, "1",
                                 "nodes x replication_factor", g(fnodes) + " x " + g(fs.replication_factor),
                                 "seed Q4: 'a Redis cluster ... with a standard replication setup'");
  b.add("feature_store.reads_per_second_per_node", all_nodes > 0 ? pk / all_nodes : 0.0, "req/s",
        "reads_per_second / nodes_with_replicas", g(pk) + " / " + g(all_nodes),
        "seed fraud example: 1,736 GETs/s is 'trivial' next to ~100K ops/s per Redis node (redis-benchmark, redis.io)");
  double feature_store_monthly = 0;
  const bool fs_priced = fs.price_per_node_hour.has_value() || fs.priced;
  if (fs_priced) {
    // Unset price with feature_store.priced: the catalog's cited memory-optimized node (prices.json).
    const double node_price = fs.price_per_node_hour ? *fs.price_per_node_hour : c.prices.kv_node_usd_per_hour;
    feature_store_monthly = b.add("feature_store.monthly_cost_usd", monthly_usd(all_nodes, node_price), "USD/month",
                                  "nodes_with_replicas x price_per_node_hour x 730 h",
                                  g(all_nodes) + " x " + g(node_price) + " x 730",
                                  fs.price_per_node_hour ? "scenario feature_store.price_per_node_hour" : c.prices.kv_node_source);
  }

  return Storage{storage_monthly, egress_monthly, feature_store_monthly, fs_priced};
}

}  // namespace envelope::detail
