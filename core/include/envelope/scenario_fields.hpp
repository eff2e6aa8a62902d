// The field table of the scenario contract (see scenario.hpp). Paths are JSON paths; limits are the
// documented valid ranges (values outside them are rejected with a Problem, never clamped silently).
#pragma once
#include "envelope/scenario.hpp"

namespace envelope {

inline const std::vector<std::string>& dtype_choices() {
  static const std::vector<std::string> v = {"fp32", "tf32", "bf16", "fp16", "fp8", "int8",
                                             "int4", "fp4", "q8_0", "q4_0", "q4_k_m"};
  return v;
}

template <class V>
void visit_fields(Scenario& s, V&& v) {
  const FieldLimits count{0, 1e13}, positive{0, 1e30}, fraction{0, 1}, eff{0.01, 1};
  v.text("name", s.name, {}, kMaxNameCodePoints);
  ModelSection& m = s.model;
  v.text("model.preset", m.preset, {}, 64);  // checked against the catalog by the loader
  v.optional("model.params", m.params, {1e3, 1e16});
  v.optional("model.active_params", m.active_params, {1e3, 1e16});
  v.optional("model.layers", m.layers, {1, 1000, true});
  v.optional("model.hidden", m.hidden, {1, 1e6, true});
  v.optional("model.heads", m.heads, {1, 10000, true});
  v.optional("model.kv_heads", m.kv_heads, {1, 10000, true});
  v.optional("model.head_dim", m.head_dim, {1, 10000, true});
  v.optional("model.ffn", m.ffn, {1, 1e7, true});
  v.optional("model.vocab", m.vocab, {1, 1e8, true});
  v.optional("model.experts", m.experts, {0, 100000, true});
  v.optional("model.experts_per_token", m.experts_per_token, {0, 1000, true});
  v.optional("model.shared_experts", m.shared_experts, {0, 1000, true});
  v.optional("model.expert_ffn", m.expert_ffn, {0, 1e7, true});

  HardwareSection& h = s.hardware;
  v.text("hardware.gpu", h.gpu, {}, 64);  // checked against the catalog by the loader
  v.number("hardware.count", h.count, {1, 1e7, true});
  v.text("hardware.pricing", h.pricing, {"on_demand", "spot"}, 16);
  v.optional("hardware.price_per_gpu_hour", h.price_per_gpu_hour, {0, 1e4});
  v.optional("hardware.memory_gb", h.memory_gb, {0.1, 1e5});
  v.optional("hardware.bandwidth_gbps", h.bandwidth_gbps, {0.1, 1e6});
  v.optional("hardware.peak_tflops", h.peak_tflops, {0.01, 1e6});
  v.optional("hardware.scale_up_gbps", h.scale_up_gbps, {0.01, 1e6});
  v.optional("hardware.scale_out_gbps", h.scale_out_gbps, {0.01, 1e6});

  TrainingSection& t = s.training;
  v.number("training.tokens", t.tokens, {0, 1e16});
  v.optional("training.mfu", t.mfu, eff);
  v.text("training.recipe", t.recipe, {"fp32", "amp-bf16", "mixed-bf16", "mixed-fp16", "bf16"}, 16);
  v.text("training.optimizer", t.optimizer, {"adamw", "adam", "adam-8bit", "sgd-momentum", "sgd"}, 16);
  v.number("training.zero_stage", t.zero_stage, {0, 3, true});
  v.number("training.tensor_parallel", t.tensor_parallel, {1, 1024, true});
  v.number("training.pipeline_parallel", t.pipeline_parallel, {1, 1024, true});
  v.number("training.micro_batch", t.micro_batch, {1, 65536, true});
  v.number("training.seq_len", t.seq_len, {1, 1e7, true});
  v.text("training.recompute", t.recompute, {"none", "selective", "full"}, 16);
  v.flag("training.flash_attention", t.flash_attention);
  v.flag("training.sequence_parallel", t.sequence_parallel);
  v.number("training.budget_usd", t.budget_usd, {0, 1e13});
  v.text("training.dtype", t.dtype, {"fp32", "tf32", "bf16", "fp16", "fp8", "fp4"}, 8);

  InferenceSection& i = s.inference;
  v.text("inference.weights", i.weights, dtype_choices(), 8);
  v.text("inference.kv_cache", i.kv_cache, {"fp32", "bf16", "fp16", "fp8", "int8", "int4"}, 8);
  v.number("inference.batch", i.batch, {1, 1e6, true});
  v.optional("inference.context", i.context, {1, 1e8, true});
  v.number("inference.prompt_tokens", i.prompt_tokens, {0, 1e8, true});
  v.number("inference.output_tokens", i.output_tokens, {1, 1e8, true});
  v.number("inference.tensor_parallel", i.tensor_parallel, {1, 1024, true});
  v.optional("inference.bandwidth_efficiency", i.bandwidth_efficiency, eff);
  v.optional("inference.compute_efficiency", i.compute_efficiency, eff);
  v.number("inference.runtime_overhead_gb", i.runtime_overhead_gb, {0, 1e4});
  v.number("inference.usable_memory_fraction", i.usable_memory_fraction, eff);

  TrafficSection& r = s.traffic;
  v.number("traffic.users", r.users, count);
  v.number("traffic.active_fraction", r.active_fraction, fraction);
  v.number("traffic.requests_per_user_per_day", r.requests_per_user_per_day, {0, 1e7});
  v.number("traffic.peak_factor", r.peak_factor, {1, 1000});
  v.optional("traffic.tokens_per_second_per_replica", r.tokens_per_second_per_replica, {0.001, 1e9});
  v.number("traffic.min_replicas", r.min_replicas, {0, 1e6, true});
  v.number("traffic.cpu_ms_per_request", r.cpu_ms_per_request, {0, 1e6});
  v.number("traffic.cpu_headroom", r.cpu_headroom, {1, 100});
  v.optional("traffic.cpu_cores_per_machine", r.cpu_cores_per_machine, {1, 1e4, true});
  v.optional("traffic.cpu_price_per_machine_hour", r.cpu_price_per_machine_hour, {0, 1e4});
  v.number("traffic.min_machines", r.min_machines, {0, 1e6, true});

  StorageSection& st = s.storage;
  v.optional("storage.users", st.users, count);
  v.number("storage.events_per_user_per_day", st.events_per_user_per_day, {0, 1e9});
  v.number("storage.bytes_per_event", st.bytes_per_event, {0, 1e12});
  v.number("storage.retention_days", st.retention_days, {0, 1e5});
  v.number("storage.compression_ratio", st.compression_ratio, {0.01, 1e4});
  v.number("storage.egress_gb_per_month", st.egress_gb_per_month, positive);
  v.number("storage.dataset_tokens", st.dataset_tokens, {0, 1e17});
  v.number("storage.bytes_per_token", st.bytes_per_token, {0.01, 1e3});

  FeatureStoreSection& f = s.feature_store;
  v.number("feature_store.entities", f.entities, count);
  v.number("feature_store.features_per_entity", f.features_per_entity, {0, 1e7});
  v.number("feature_store.bytes_per_feature", f.bytes_per_feature, {0, 1e6});
  v.number("feature_store.items", f.items, count);
  v.number("feature_store.features_per_item", f.features_per_item, {0, 1e7});
  v.number("feature_store.embedding_dim", f.embedding_dim, {0, 1e6, true});
  v.number("feature_store.embedding_bytes", f.embedding_bytes, {0.125, 8});
  v.number("feature_store.overhead_factor", f.overhead_factor, {1, 100});
  v.number("feature_store.headroom", f.headroom, {1, 100});
  v.optional("feature_store.node_gb", f.node_gb, {0.1, 1e5});

  v.optional("prices.object_storage_per_gb_month", s.prices.object_storage_per_gb_month, {0, 1e3});
  v.optional("prices.egress_per_gb", s.prices.egress_per_gb, {0, 1e3});
}

}  // namespace envelope
