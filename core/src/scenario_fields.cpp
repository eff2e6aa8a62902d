// The field table of the scenario contract (scenario_fields.hpp): every field's JSON path, limits or
// allowed values, compiled once.
#include "envelope/scenario_fields.hpp"

namespace envelope {

void visit_field_table(Scenario& s, FieldVisitor& v) {
  const FieldLimits count{0, 1e13}, fraction{0, 1, false, "fraction"}, eff{0.01, 1, false, "fraction"};
  v.text("name", s.name, {}, kMaxNameCodePoints);
  IncludeSection& inc = s.include;
  v.flag("include.training", inc.training);
  v.flag("include.inference", inc.inference);
  v.flag("include.serving", inc.serving);
  v.flag("include.storage", inc.storage);
  v.flag("include.feature_store", inc.feature_store);
  v.flag("include.pipeline", inc.pipeline);
  v.flag("include.network", inc.network);
  v.flag("include.one_machine", inc.one_machine);
  v.flag("include.finetune", inc.finetune);
  v.flag("include.energy", inc.energy);
  v.flag("include.recommender", inc.recommender);
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
  v.text("model.name", m.name, {}, kMaxNameCodePoints);
  v.optional("model.dense_layers", m.dense_layers, {0, 1000, true});
  v.optional("model.moe_layer_interval", m.moe_layer_interval, {1, 1000, true});
  v.optional("model.tied_embeddings", m.tied_embeddings, {0, 1, true});
  v.optional("model.gated_mlp", m.gated_mlp, {0, 1, true});
  v.optional("model.embedding_norm", m.embedding_norm, {0, 1, true});
  v.text("model.bias", m.bias, {"", "none", "qkv", "all"}, 8);
  v.text("model.norm", m.norm, {"", "rms", "layer"}, 8);
  v.optional("model.position_embeddings", m.position_embeddings, {0, 1e8, true});
  v.optional("model.max_context", m.max_context, {1, 1e9, true, "tokens"});
  v.text("model.attention", m.attention, {"", "gqa", "mla"}, 8);
  v.optional("model.q_lora_rank", m.q_lora_rank, {0, 1e6, true});
  v.optional("model.kv_lora_rank", m.kv_lora_rank, {0, 1e6, true});
  v.optional("model.rope_head_dim", m.rope_head_dim, {0, 1e5, true});
  v.optional("model.v_head_dim", m.v_head_dim, {0, 1e5, true});
  v.optional("model.window", m.window, {0, 1e9, true, "tokens"});
  v.optional("model.window_layers", m.window_layers, {0, 1000, true});
  v.optional("model.mtp_layers", m.mtp_layers, {0, 16, true});
  v.optional("model.expert_groups", m.expert_groups, {0, 4096, true});
  v.optional("model.expert_groups_per_token", m.expert_groups_per_token, {0, 4096, true});
  v.text("model.window_kind", m.window_kind, {"", "sliding", "chunked"}, 8);
  v.optional("model.linear_layers", m.linear_layers, {0, 1000, true});
  v.optional("model.ssm_heads", m.ssm_heads, {0, 100000, true});
  v.optional("model.ssm_head_dim", m.ssm_head_dim, {0, 100000, true});
  v.optional("model.ssm_state", m.ssm_state, {0, 100000, true});
  v.optional("model.ssm_groups", m.ssm_groups, {1, 100000, true});
  v.optional("model.ssm_conv", m.ssm_conv, {1, 64, true});
  v.optional("model.mixer_only_layers", m.mixer_only_layers, {0, 1000, true});
  v.optional("model.moe_latent", m.moe_latent, {0, 1e6, true});

  HardwareSection& h = s.hardware;
  v.text("hardware.gpu", h.gpu, {}, 64);  // checked against the catalog by the loader
  v.number("hardware.count", h.count, {1, 1e7, true});
  v.text("hardware.pricing", h.pricing, {"on_demand", "spot"}, 16);
  v.optional("hardware.price_per_gpu_hour", h.price_per_gpu_hour, {0, 1e4, false, "USD/h"});
  v.optional("hardware.memory_gb", h.memory_gb, {0.1, 1e5, false, "GB"});
  v.optional("hardware.bandwidth_gbps", h.bandwidth_gbps, {0.1, 1e6, false, "GB/s"});
  v.optional("hardware.peak_tflops", h.peak_tflops, {0.01, 1e6, false, "TFLOPS"});
  v.optional("hardware.fp8_tflops", h.fp8_tflops, {0.01, 1e6, false, "TFLOPS"});
  v.optional("hardware.fp4_tflops", h.fp4_tflops, {0.01, 1e6, false, "TFLOPS"});
  v.optional("hardware.scale_up_gbps", h.scale_up_gbps, {0.01, 1e6, false, "GB/s"});
  v.optional("hardware.scale_out_gbps", h.scale_out_gbps, {0.01, 1e6, false, "GB/s"});
  v.optional("hardware.scale_up_domain", h.scale_up_domain, {1, 1e6, true, "devices"});
  v.optional("hardware.host_link_gbps", h.host_link_gbps, {0.01, 1e5, false, "GB/s"});
  v.optional("hardware.tdp_w", h.tdp_w, {1, 1e5, false, "W"});
  v.text("hardware.name", h.name, {}, kMaxNameCodePoints);

  TrainingSection& t = s.training;
  v.number("training.tokens", t.tokens, {0, 1e16, false, "tokens"});
  v.optional("training.mfu", t.mfu, eff);
  v.text("training.recipe", t.recipe, {"fp32", "amp-bf16", "mixed-bf16", "mixed-fp16", "bf16"}, 16);
  v.text("training.optimizer", t.optimizer, {"adamw", "adam", "adam-8bit", "muon", "sgd-momentum", "sgd"}, 16);
  v.number("training.zero_stage", t.zero_stage, {0, 3, true});
  v.number("training.tensor_parallel", t.tensor_parallel, {1, 1024, true});
  v.number("training.pipeline_parallel", t.pipeline_parallel, {1, 1024, true});
  v.number("training.micro_batch", t.micro_batch, {1, 65536, true});
  v.number("training.seq_len", t.seq_len, {1, 1e7, true, "tokens"});
  v.text("training.recompute", t.recompute, {"none", "selective", "full", "op"}, 16);
  v.flag("training.flash_attention", t.flash_attention);
  v.flag("training.sequence_parallel", t.sequence_parallel);
  v.number("training.budget_usd", t.budget_usd, {0, 1e13, false, "USD"});
  v.text("training.dtype", t.dtype, {"fp32", "tf32", "bf16", "fp16", "fp8", "fp4"}, 8);
  v.number("training.context_parallel", t.context_parallel, {1, 1024, true});
  v.number("training.expert_parallel", t.expert_parallel, {1, 4096, true});
  v.number("training.interleave", t.interleave, {1, 64, true});
  v.flag("training.expert_overlap", t.expert_overlap);
  v.flag("training.tp_comm_overlap", t.tp_comm_overlap);
  v.text("training.tp_comm_overlap_method", t.tp_comm_overlap_method, {"userbuffers", "async-tp"}, 16);
  v.text("training.expert_dispatcher", t.expert_dispatcher, {"deepep", "alltoall"}, 16);
  v.text("training.expert_balance", t.expert_balance, {"routed", "forced"}, 8);
  v.text("training.grad_reduce_dtype", t.grad_reduce_dtype, {"recipe", "bf16"}, 8);
  v.optional("training.global_batch", t.global_batch, {1, 1e8, true, "sequences"});
  v.optional("training.kernel_efficiency", t.kernel_efficiency, eff);
  v.optional("training.ssm_scan_efficiency", t.ssm_scan_efficiency, eff);
  v.number("training.goodput", t.goodput, eff);
  v.text("training.optimizer_state_dtype", t.optimizer_state_dtype, {"recipe", "bf16"}, 8);
  v.text("training.moe_swiglu_cache", t.moe_swiglu_cache, {"input-and-output", "input", "fp8-input"}, 16);
  v.flag("training.recompute_norms", t.recompute_norms);
  v.flag("training.recompute_mla_up_projections", t.recompute_mla_up_projections);
  v.flag("training.recompute_moe", t.recompute_moe);
  v.flag("training.fp8_attention", t.fp8_attention);
  v.text("training.fp8_scaling", t.fp8_scaling, {"tensor", "mx"}, 8);
  v.flag("training.fp8_params", t.fp8_params);
  v.flag("training.multi_token_prediction", t.multi_token_prediction);
  v.flag("training.mtp_bf16", t.mtp_bf16);
  v.text("training.pipeline_split", t.pipeline_split, {"even", "balanced"}, 8);
  v.text("training.attention_kernel", t.attention_kernel, {"fused", "flash2"}, 8);

  InferenceSection& i = s.inference;
  v.text("inference.weights", i.weights, dtype_choices(), 8);
  v.text("inference.kv_cache", i.kv_cache, {"fp32", "bf16", "fp16", "fp8", "int8", "int4"}, 8);
  v.number("inference.batch", i.batch, {1, 1e6, true});
  v.optional("inference.context", i.context, {1, 1e8, true, "tokens"});
  v.number("inference.prompt_tokens", i.prompt_tokens, {0, 1e8, true, "tokens"});
  v.number("inference.output_tokens", i.output_tokens, {1, 1e8, true, "tokens"});
  v.number("inference.tensor_parallel", i.tensor_parallel, {1, 1024, true});
  v.optional("inference.bandwidth_efficiency", i.bandwidth_efficiency, eff);
  v.optional("inference.compute_efficiency", i.compute_efficiency, eff);
  v.number("inference.runtime_overhead_gb", i.runtime_overhead_gb, {0, 1e4, false, "GB"});
  v.number("inference.usable_memory_fraction", i.usable_memory_fraction, eff);

  TrafficSection& r = s.traffic;
  v.number("traffic.users", r.users, count);
  v.number("traffic.active_fraction", r.active_fraction, fraction);
  v.number("traffic.requests_per_user_per_day", r.requests_per_user_per_day, {0, 1e7});
  v.number("traffic.peak_factor", r.peak_factor, {1, 1000});
  v.optional("traffic.tokens_per_second_per_replica", r.tokens_per_second_per_replica, {0.001, 1e9, false, "tokens/s"});
  v.number("traffic.min_replicas", r.min_replicas, {0, 1e6, true});
  v.number("traffic.cpu_ms_per_request", r.cpu_ms_per_request, {0, 1e6, false, "ms"});
  v.number("traffic.cpu_headroom", r.cpu_headroom, {1, 100});
  v.optional("traffic.cpu_cores_per_machine", r.cpu_cores_per_machine, {1, 1e4, true});
  v.optional("traffic.cpu_price_per_machine_hour", r.cpu_price_per_machine_hour, {0, 1e4, false, "USD/h"});
  v.number("traffic.min_machines", r.min_machines, {0, 1e6, true});
  v.optional("traffic.peak_qps", r.peak_qps, {0, 1e9});
  v.optional("traffic.peak_tokens_per_second", r.peak_tokens_per_second, {0, 1e12});

  ServingSection& sv = s.serving;
  v.text("serving.gpu", sv.gpu, {}, 64);  // "" or a catalog accelerator, checked by the loader
  v.optional("serving.tensor_parallel", sv.tensor_parallel, {1, 1024, true});
  v.optional("serving.batch", sv.batch, {1, 1e6, true});
  // Up to an hour / a minute: loose targets ask the planner for the maximum-throughput configuration.
  v.number("serving.ttft_target_seconds", sv.ttft_target_seconds, {1e-3, 3600, false, "s"});
  v.number("serving.tpot_target_seconds", sv.tpot_target_seconds, {1e-4, 60, false, "s"});
  v.text("serving.latency_percentile", sv.latency_percentile, {"p50", "p90", "p99"}, 4);
  v.text("serving.batching", sv.batching, {"static", "continuous"}, 12);
  v.number("serving.prefix_cache_hit_fraction", sv.prefix_cache_hit_fraction, fraction);
  v.number("serving.speculative_tokens", sv.speculative_tokens, {0, 16, true, "tokens"});
  v.number("serving.speculative_acceptance_rate", sv.speculative_acceptance_rate, fraction);
  v.number("serving.speculative_draft_cost_fraction", sv.speculative_draft_cost_fraction, fraction);
  v.number("serving.expert_parallel", sv.expert_parallel, {1, 256, true});
  v.flag("serving.disaggregated", sv.disaggregated);

  StorageSection& st = s.storage;
  v.optional("storage.users", st.users, count);
  v.number("storage.events_per_user_per_day", st.events_per_user_per_day, {0, 1e9});
  v.number("storage.bytes_per_event", st.bytes_per_event, {0, 1e12, false, "bytes"});
  v.number("storage.retention_days", st.retention_days, {0, 1e5, false, "days"});
  v.number("storage.compression_ratio", st.compression_ratio, {0.01, 1e4});
  v.number("storage.egress_gb_per_month", st.egress_gb_per_month, {0, 1e30, false, "GB"});
  v.number("storage.dataset_tokens", st.dataset_tokens, {0, 1e17, false, "tokens"});
  v.number("storage.bytes_per_token", st.bytes_per_token, {0.01, 1e3, false, "bytes"});

  FeatureStoreSection& f = s.feature_store;
  v.number("feature_store.entities", f.entities, count);
  v.number("feature_store.features_per_entity", f.features_per_entity, {0, 1e7});
  v.number("feature_store.bytes_per_feature", f.bytes_per_feature, {0, 1e6, false, "bytes"});
  v.number("feature_store.items", f.items, count);
  v.number("feature_store.features_per_item", f.features_per_item, {0, 1e7});
  v.number("feature_store.embedding_dim", f.embedding_dim, {0, 1e6, true});
  v.number("feature_store.embedding_bytes", f.embedding_bytes, {0.125, 8, false, "bytes"});
  v.number("feature_store.overhead_factor", f.overhead_factor, {1, 100});
  v.number("feature_store.headroom", f.headroom, {1, 100});
  v.optional("feature_store.node_gb", f.node_gb, {0.1, 1e5, false, "GB"});
  v.optional("feature_store.price_per_node_hour", f.price_per_node_hour, {0, 1e4, false, "USD/h"});
  v.number("feature_store.replication_factor", f.replication_factor, {1, 100, true});
  v.flag("feature_store.priced", f.priced);

  PipelineSection& p = s.pipeline;
  v.optional("pipeline.users", p.users, count);
  v.optional("pipeline.events_per_user_per_day", p.events_per_user_per_day, {0, 1e9});
  v.optional("pipeline.bytes_per_event", p.bytes_per_event, {0, 1e12, false, "bytes"});
  v.optional("pipeline.peak_factor", p.peak_factor, {1, 1000});
  v.number("pipeline.partition_mb_per_s", p.partition_mb_per_s, {0.001, 1e6, false, "MB/s"});
  v.number("pipeline.broker_mb_per_s", p.broker_mb_per_s, {0.001, 1e6, false, "MB/s"});
  v.number("pipeline.replication_factor", p.replication_factor, {1, 100, true});
  v.number("pipeline.retention_hours", p.retention_hours, {0, 1e6, false, "hours"});
  v.number("pipeline.worker_events_per_s_per_core", p.worker_events_per_s_per_core, {0.001, 1e9});
  v.number("pipeline.worker_cores", p.worker_cores, {1, 1e4, true});
  v.optional("pipeline.price_per_machine_hour", p.price_per_machine_hour, {0, 1e4, false, "USD/h"});

  v.text("network.link", s.network.link, {"nvlink3", "nvlink4", "nvlink5", "ib-hdr", "ib-ndr", "100gbe"}, 16);
  v.number("network.transfer_gb", s.network.transfer_gb, {0, 1e12, false, "GB"});
  v.number("network.response_bytes", s.network.response_bytes, {0, 1e12, false, "bytes"});
  v.number("one_machine.data_gb", s.one_machine.data_gb, {0, 1e12, false, "GB"});
  v.number("one_machine.ram_gb", s.one_machine.ram_gb, {0.001, 1e9, false, "GB"});
  v.number("one_machine.disk_gb", s.one_machine.disk_gb, {0.001, 1e12, false, "GB"});
  v.number("one_machine.ram_per_data", s.one_machine.ram_per_data, {0.01, 100});

  v.optional("prices.object_storage_per_gb_month", s.prices.object_storage_per_gb_month, {0, 1e3, false, "USD"});
  v.optional("prices.egress_per_gb", s.prices.egress_per_gb, {0, 1e3, false, "USD"});

  FinetuneSection& ft = s.finetune;
  v.text("finetune.method", ft.method, {"full", "lora", "qlora"}, 8);
  v.number("finetune.rank", ft.rank, {1, 65536, true});
  v.text("finetune.target_modules", ft.target_modules, {"qv", "attention", "all-linear"}, 16);
  v.flag("finetune.gradient_checkpointing", ft.gradient_checkpointing);
  v.number("finetune.micro_batch", ft.micro_batch, {1, 65536, true});
  v.number("finetune.gradient_accumulation", ft.gradient_accumulation, {1, 65536, true});
  v.number("finetune.seq_len", ft.seq_len, {1, 1e7, true, "tokens"});
  v.number("finetune.dataset_tokens", ft.dataset_tokens, {0, 1e15, false, "tokens"});
  v.number("finetune.epochs", ft.epochs, {0, 1e4});
  v.text("finetune.optimizer", ft.optimizer, {"adamw", "adamw-bf16", "adamw-8bit", "paged-adamw-8bit"}, 20);
  v.text("finetune.base_dtype", ft.base_dtype, {"bf16", "fp16", "fp32"}, 8);
  v.flag("finetune.master_weights", ft.master_weights);
  v.flag("finetune.shard", ft.shard);
  v.flag("finetune.optimizer_in_backward", ft.optimizer_in_backward);
  v.flag("finetune.cpu_offload", ft.cpu_offload);
  v.flag("finetune.offload_optimizer", ft.offload_optimizer);
  v.optional("finetune.host_optimizer_params_per_second", ft.host_optimizer_params_per_second, {1e6, 1e13});
  v.optional("finetune.mfu", ft.mfu, eff);
  v.text("finetune.dtype", ft.dtype, {"bf16", "fp8", "fp4"}, 8);
  v.text("finetune.fp8_scaling", ft.fp8_scaling, {"tensor", "mx"}, 8);
  v.text("finetune.nf4_kernel", ft.nf4_kernel, {"bitsandbytes", "torchao"}, 16);
  v.flag("finetune.double_quantization", ft.double_quantization);
  v.flag("finetune.fp32_unquantized", ft.fp32_unquantized);
  v.optional("finetune.dequantize_bandwidth_efficiency", ft.dequantize_bandwidth_efficiency, eff);

  EnergySection& en = s.energy;
  v.number("energy.pue", en.pue, {1, 5});
  v.number("energy.grid_kg_co2e_per_kwh", en.grid_kg_co2e_per_kwh, {0, 2, false, "kg/kWh"});
  v.number("energy.gpu_power_fraction", en.gpu_power_fraction, {0, 1.5});

  RecommenderSection& rc = s.recommender;
  v.number("recommender.tables", rc.tables, {0, 1e5, true});
  v.number("recommender.rows_per_table", rc.rows_per_table, {0, 1e13});
  v.text("recommender.table_rows", rc.table_rows, {}, 4000);  // checked by recommender_table_rows()
  v.number("recommender.embedding_dim", rc.embedding_dim, {1, 1e5, true});
  v.number("recommender.bytes_per_value", rc.bytes_per_value, {0.125, 8, false, "bytes"});
  v.number("recommender.lookups_per_table", rc.lookups_per_table, {0, 1e5});
  v.number("recommender.mlp_params", rc.mlp_params, {0, 1e13});
  v.number("recommender.features_per_request", rc.features_per_request, {0, 1e7});
  v.number("recommender.candidates_per_request", rc.candidates_per_request, {1, 1e9});
  v.optional("recommender.peak_qps", rc.peak_qps, {0, 1e9});
  v.text("recommender.mode", rc.mode, {"realtime", "batch"}, 8);
  v.text("recommender.memory_tier", rc.memory_tier, {"host", "gpu"}, 4);
  v.number("recommender.usable_memory_fraction", rc.usable_memory_fraction, eff);
  v.number("recommender.host_memory_gb", rc.host_memory_gb, {0.1, 1e7, false, "GB"});
  v.number("recommender.host_bandwidth_gbps", rc.host_bandwidth_gbps, {0.1, 1e6, false, "GB/s"});
  v.number("recommender.cpu_cores_per_machine", rc.cpu_cores_per_machine, {1, 1e4, true});
  v.number("recommender.cpu_gflops_per_core", rc.cpu_gflops_per_core, {0.01, 1e5});
  v.number("recommender.cpu_efficiency", rc.cpu_efficiency, eff);
  v.optional("recommender.price_per_machine_hour", rc.price_per_machine_hour, {0, 1e4, false, "USD/h"});
  v.number("recommender.batch_items_per_day", rc.batch_items_per_day, {0, 1e15});
  v.number("recommender.batch_machines", rc.batch_machines, {1, 1e6, true});
}

}  // namespace envelope
