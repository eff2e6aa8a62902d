// The scenario: everything a user can set. Its JSON form is the contract shared by the CLI, links,
// the page's window.envelope API and saved scenarios: keys are extended, never renamed or re-pointed.
// Every field has a default and documented limits (the visit_fields table below is the single list
// that parsing, validation, minimal serialisation and the tests' random scenarios all walk).
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace envelope {

// Version 2 added "include" (what the scenario is about). Version-1 links migrate to everything
// version 1 evaluated (training, inference, serving, storage, feature store), so their numbers stay.
inline constexpr int kScenarioVersion = 4;

// What a scenario is about. A section that is off is absent from the report, the panels and the
// cost roll-up. The defaults are what version 1 always evaluated (the page's default scenario);
// sections added later default to off. An example or link says which it includes.
struct IncludeSection {
  bool training = true;       // training memory, compute, time and one-off cost
  bool inference = true;      // LLM inference memory (weights, KV cache) and decode/prefill speed
  bool serving = true;        // traffic -> QPS -> replicas (GPU) or machines (CPU-served model) -> $/month
  bool storage = true;        // event/training-data storage, dataset size, egress
  bool feature_store = true;  // online feature store size, nodes, reads/s
  bool pipeline = false;      // event log (Kafka-style) + stream processing workers (pipeline.cpp)
  bool network = false;       // time to move data over a link; egress from QPS x response size
  bool one_machine = false;   // "does it fit on one machine?" verdict for a data size
  bool finetune = false;      // fine-tuning (full, LoRA, QLoRA): memory per GPU, time and cost (finetune.cpp)
  bool energy = false;        // kWh and tCO2e of the included training, fine-tuning and serving (energy.cpp)
  bool recommender = false;   // classical / recommender model: embedding tables, lookups/s, dense MLP (recommender.cpp)
};
// Largest scenario JSON any reader accepts (docs/limits.md).
inline constexpr size_t kMaxScenarioJsonBytes = 64 * 1024;
// Names are limited in characters (Unicode code points), never in bytes: a limit in bytes would cut
// inside a multi-byte character. 200 code points are at most 800 bytes of UTF-8.
inline constexpr size_t kMaxNameCodePoints = 200;

struct ModelSection {
  std::string preset = "llama-2-7b";
  // Overrides of the preset's architecture (unset: the preset's value).
  std::optional<double> params;  // overrides the derived total (e.g. the seed's round "7e9")
  std::optional<double> active_params;
  std::optional<double> layers, hidden, heads, kv_heads, head_dim, ffn, vocab;
  std::optional<double> experts, experts_per_token, shared_experts, expert_ffn;
  // The rest of the architecture (catalog.hpp Architecture), so that a scenario can describe any
  // model completely (envelope import writes every one of them; nothing is inherited from the preset).
  std::string name;  // the model's name (an imported config's); empty: the preset's name
  std::optional<double> dense_layers, moe_layer_interval;
  std::optional<double> tied_embeddings, gated_mlp, embedding_norm;  // 0 or 1
  std::optional<double> position_embeddings, max_context;
  std::optional<double> q_lora_rank, kv_lora_rank, rope_head_dim, v_head_dim;
  std::optional<double> window, window_layers;
  std::optional<double> mtp_layers;  // multi-token-prediction modules (catalog.hpp Architecture)
  std::optional<double> expert_groups, expert_groups_per_token;  // group-limited routing (catalog.hpp)
  // Hybrid SSM layers (catalog.hpp Architecture: Mamba-2 blocks in place of attention) and layers
  // with a token mixer but no MLP (Nemotron-H's standalone mixer blocks).
  std::optional<double> linear_layers, ssm_heads, ssm_head_dim, ssm_state, ssm_groups, ssm_conv, mixer_only_layers;
  std::optional<double> moe_latent;  // LatentMoE's expert width (catalog.hpp); 0: experts at hidden
  std::string attention, bias, norm, window_kind;  // empty: the preset's
};

// hardware.gpu = "custom": a user-defined accelerator described entirely by the hardware section
// (name, memory_gb, bandwidth_gbps, peak_tflops required; scale-up, scale-out, TDP and price
// optional), carried by links and files instead of overriding a catalog device under its old name.
inline constexpr const char* kCustomAccelerator = "custom";

struct HardwareSection {
  std::string gpu = "a100-80gb-sxm";
  // Version 4: one node of 8 (the first screen's 7B model then trains without "does not fit"); versions
  // 1-3 meant 1, which the migration writes into their links.
  double count = 8;
  std::string pricing = "on_demand";  // on_demand | spot: which catalog price is the default
  std::optional<double> price_per_gpu_hour;
  // Spec overrides (Reference panel edits): unset = catalog value. For gpu "custom" they are the spec.
  std::optional<double> memory_gb, bandwidth_gbps, peak_tflops, scale_up_gbps, scale_out_gbps;
  std::optional<double> host_link_gbps;  // link to the host CPU's memory, GB/s each way (PCIe, NVLink-C2C)
  std::optional<double> scale_up_domain, tdp_w;
  // Dense fp8 and fp4 TFLOPS (datasheet, not sparse): unset = the catalog's, or for a custom
  // accelerator peak_tflops (fp8) and the fp8 figure (fp4), i.e. no faster low-precision units.
  std::optional<double> fp8_tflops, fp4_tflops;
  std::string name;  // the custom accelerator's name (or a name for a catalog device's edited specs)
};

// The spec overrides above, one list for what clears them (select_accelerator) and what asks whether a
// scenario edits its accelerator (validation.cpp: such a run measured another part than the catalog's).
inline constexpr std::optional<double> HardwareSection::*kAcceleratorSpecOverrides[] = {
    &HardwareSection::memory_gb,      &HardwareSection::bandwidth_gbps, &HardwareSection::peak_tflops,
    &HardwareSection::fp8_tflops,     &HardwareSection::fp4_tflops,     &HardwareSection::scale_up_gbps,
    &HardwareSection::scale_out_gbps, &HardwareSection::scale_up_domain, &HardwareSection::host_link_gbps,
    &HardwareSection::tdp_w};

struct TrainingSection {
  double tokens = 1e12;
  std::optional<double> mfu;  // unset: default for the hardware class
  std::string recipe = "mixed-bf16";
  std::string optimizer = "adamw";
  // Version 4: ZeRO stage 1 (optimizer state sharded over data parallel: DeepSpeed ZeRO-1, Megatron's
  // distributed optimizer, the usual data-parallel setting); versions 1-3 meant 0.
  double zero_stage = 1;
  double tensor_parallel = 1, pipeline_parallel = 1;
  double micro_batch = 1;
  double seq_len = 4096;
  std::string recompute = "none";  // none | selective | full | op (torchtitan per-op, dense models: formulas.hpp)
  bool flash_attention = true;
  bool sequence_parallel = false;
  double budget_usd = 0;  // 0: no budget verdict
  std::string dtype = "bf16";  // compute dtype for peak FLOPS
  // Layout beyond TP x PP (training_step.hpp): context parallel splits each sequence over GPUs;
  // expert parallel splits the routed experts over GPUs of the data-parallel group; interleave is
  // the number of virtual pipeline stages per GPU.
  double context_parallel = 1, expert_parallel = 1, interleave = 1;
  // The expert-parallel all-to-all overlaps another micro-batch's compute (Megatron-Core's
  // --overlap-moe-expert-parallel-comm, which needs interleaved stages when pipeline parallel;
  // DeepSeek-V3's DualPipe). Off: Megatron-Core's default, the all-to-all on the critical path.
  bool expert_overlap = false;
  // Tensor-parallel communication overlapped with the GEMMs it feeds and drains (Megatron-Core
  // --tp-comm-overlap: Transformer Engine's userbuffers split each sequence-parallel all-gather /
  // reduce-scatter into chunks that run beside the GEMM's other chunks; Wang et al. 2023). Needs TP > 1
  // with sequence parallel. Off: Megatron-Core's default. NVIDIA's Megatron-Bridge Llama recipes turn
  // it on (their NVFP4 recipes off).
  bool tp_comm_overlap = false;
  // Which overlap runs it: "userbuffers" (Transformer Engine, as above: all of the TP traffic hidden as
  // far as the TP-split GEMMs last, kTensorParallelOverlapHiddenShare) or "async-tp" (PyTorch's
  // SymmetricMemory micro-pipelined all-gather / reduce-scatter matmuls, torchtitan's AsyncTP: the share
  // its published runs hid, kAsyncTpHiddenShare; docs/calibration.md).
  std::string tp_comm_overlap_method = "userbuffers";
  // How the expert all-to-all sends tokens across nodes: "deepep" (DeepEP / HybridEP, Megatron-Core's
  // flex dispatcher and DeepSeek-V3's kernels: a token crosses the scale-out link once per remote node
  // it targets, dispatched in fp8 when training in fp8/fp4) or "alltoall" (Megatron-Core's NCCL
  // all-to-all dispatcher, moe_token_dispatcher_type="alltoall": one 16-bit copy per routed expert).
  std::string expert_dispatcher = "deepep";
  // How evenly the router spreads tokens over the experts: "routed" (a trained router; the busiest
  // expert gets more than its share, training_step.cpp kExpertImbalance) or "forced" (exactly even:
  // Megatron-Core's --moe-router-force-load-balancing, which throughput benchmarks set: Megatron-Bridge's
  // performance tables "force-balance the token distribution among experts"; the Model Zoo's scripts).
  std::string expert_balance = "routed";
  // Precision of the data-parallel gradient reduction on the wire: "recipe" (the recipe's gradient
  // bytes: fp32 in mixed precision) or "bf16" (Megatron's --grad-reduce-in-bf16, which the Megatron-FSDP
  // user guide recommends; Megatron-Bridge's benchmark recipes set grad_reduce_in_fp32 = False).
  std::string grad_reduce_dtype = "recipe";
  std::optional<double> global_batch;       // sequences per step; unset: ~4M tokens
  // Share of the training precision's dense peak its kernels reach; unset: fitted for the GPU generation
  // and dtype. In fp8 / fp4 runs the 16-bit attention products and output head keep the bf16 fit.
  std::optional<double> kernel_efficiency;
  // Share of the 16-bit peak a hybrid's SSM layers run their scan at (training_step.hpp). Unset: the
  // fitted default, since round 19 kSsmScanEfficiency of the GPU's CUDA-core (fp32) peak
  // (ssm_scan_peak_flops) instead. Read only for models with SSM layers.
  std::optional<double> ssm_scan_efficiency;
  // Share of a run's wall-clock time spent in productive steps (failures, restarts, checkpoint and
  // evaluation pauses take the rest): Llama 3 405B "higher than 90% effective training time" over
  // 54 days with 466 interruptions (Dubey et al. 2024, sec. 3.3.4). Applies to the step model's time,
  // not to a given training.mfu (which is already a whole-run figure, as the seed's 40%).
  double goodput = 0.9;
  // Memory savings of DeepSeek-V3's training framework (DeepSeek-AI, "DeepSeek-V3 Technical Report",
  // arXiv:2412.19437 v2), each counted by the step model's memory (training_step.hpp) when set; the
  // defaults count none of them:
  // - optimizer_state_dtype "bf16": AdamW's first and second moments in BF16 instead of FP32, master
  //   weights and gradients kept in FP32 (sec. 3.3.3, "Low-Precision Optimizer States"). "recipe":
  //   the recipe's own state bytes.
  // - moe_swiglu_cache "fp8-input": MoE experts cache the SwiGLU input in FP8 and recompute its output
  //   in the backward (sec. 3.3.3, "Low-Precision Activation", (2)). "input-and-output": the SwiGLU
  //   input in 16 bits and its output (the down-projection's input) saved. "input": the input in 16
  //   bits, the output recomputed (Megatron-Core recompute_modules "moe_act"; the routed experts only).
  // - recompute_norms: RMSNorms recomputed in the backward, their outputs not stored (sec. 3.2.3,
  //   "Recomputation of RMSNorm and MLA Up-Projection"), as Megatron-Core can: those not fused into the
  //   next linear (the MoE layers' pre-MLP norm, MLA's input norm; training_step.hpp
  //   norm_recompute_saved_bytes).
  // - recompute_mla_up_projections: MLA's up-projections are recomputed in the backward (same
  //   paragraph): the compressed latents are kept instead of the queries, keys and values.
  // The recomputations' FLOPs (the report: "a minor overhead") are not added to the step time.
  std::string optimizer_state_dtype = "recipe";
  std::string moe_swiglu_cache = "input-and-output";
  bool recompute_norms = false;
  bool recompute_mla_up_projections = false;
  // MoE layers recomputed in the backward (Megatron-Core recompute_modules "moe", as Megatron-Bridge's
  // Nemotron 3 Nano H100 recipe sets): each keeps only its 16-bit input, not its routed copies' and
  // shared experts' activations, and runs its forward again (dispatch, experts, combine) in the
  // backward; its FLOPs, token permutation, all-to-all and expert weight reads are counted
  // (training_step.cpp). Nothing under full recompute, which recomputes every layer.
  bool recompute_moe = false;
  // The model's multi-token-prediction modules (model.mtp_layers; DeepSeek-V3 report sec. 2.2) are
  // trained with it: their memory (formulas.hpp mtp_module_params; training_step.hpp
  // TrainingPlan::mtp_bytes) and compute (formulas.hpp mtp_flops_per_token) are counted. Off: the main
  // model only, as before.
  bool multi_token_prediction = false;
  // In an fp8 / fp4 run, the MTP modules kept in BF16 (Megatron-Bridge's keep_mtp_spec_in_bf16, which its
  // Nemotron 3.5 Lightning recipes set): their FLOPs at the 16-bit rate, no quantized weight copy.
  bool mtp_bf16 = false;
  // How the layers are split over the pipeline stages: "even" (as many layers on every stage, the
  // busiest holding ceil(layers / (pp x interleave)) per chunk; the output head's work spread with
  // the layers) or "balanced" (fewer layers on the last stage, which also runs the output head and
  // any multi-token-prediction module: Megatron-Core's pipeline_model_parallel_layout, which
  // Megatron-Bridge's DeepSeek-V3 recipes set; training_step.hpp balanced_pipeline_busiest_layers).
  std::string pipeline_split = "even";
  // In fp8 training, the attention products (Q K^T and P V) run in fp8 too: Transformer Engine's
  // fp8 dot-product attention (Megatron-Core --fp8-dot-product-attention; Megatron-Bridge
  // mixed_precision.fp8_dot_product_attention, set by its 26.08 MXFP8 recipes). Off: they stay at
  // 16 bits, as DeepSeek-V3 trained (report sec. 3.3.1) and Transformer Engine's default; in fp4
  // training too (NVFP4 recipes keep attention out of fp4).
  bool fp8_attention = false;
  // How fp8 training scales its values: "tensor" (one scale per tensor: Transformer Engine's delayed or
  // current scaling, Megatron-Bridge's "fp8_cs" recipes, every Hopper fp8 run) or "mx" (OCP
  // Microscaling MXFP8: one power-of-two scale per 32 values, Blackwell's block-scaled tensor cores;
  // Megatron-Bridge's "fp8_mx" recipes). MX GEMMs reach mx_block_scaling_kernel_ratio() of the
  // per-tensor kernel efficiency (training_step.hpp; fitted on jobs published in both recipes).
  std::string fp8_scaling = "tensor";
  // In fp8 training, the weights are held only as their quantized copy, the fp32 master with the
  // optimizer states: Megatron-Core --fp8-param-gather (Transformer Engine fp8_model_init; NeMo
  // fp8_params, Megatron-Bridge's fp8 mixed-precision recipes fp8_param_gather; MLPerf Training v5.0's
  // Llama 3.1 405B configs FP8_PARAMS=True). Weights at quantized_weight_copy_bytes_per_weight instead of
  // 16 bits + that copy, and ZeRO's weight all-gathers at those bytes. No effect in 16-bit or fp4 training.
  bool fp8_params = false;
  // The attention kernel the framework runs: "fused" (cuDNN's fused attention, Transformer Engine's or
  // FlashAttention-3: what Megatron-Core and NeMo run, and what the kernel efficiencies are fitted on) or
  // "flash2" (FlashAttention-2: PyTorch scaled_dot_product_attention's default on Hopper while its cuDNN
  // backend was opt-in, pytorch/pytorch#138522 and #142132; torchtitan's choice on H100). On Hopper
  // FlashAttention-2 reaches flash_attention2_rate_factor() of the fused kernels' rate (training_step.hpp).
  std::string attention_kernel = "fused";
};

struct InferenceSection {
  std::string weights = "bf16";
  std::string kv_cache = "bf16";
  double batch = 1;
  std::optional<double> context;  // tokens held per sequence; unset: prompt + output tokens
  double prompt_tokens = 500;
  double output_tokens = 100;
  double tensor_parallel = 1;
  std::optional<double> bandwidth_efficiency;  // unset: default for the hardware class
  std::optional<double> compute_efficiency;
  // Per GPU: CUDA context (~0.3-0.5 GB), cuBLAS/NCCL workspaces and allocator slack; an assumption
  // checked only indirectly (Falcon 180B fits the 8 GPUs Hugging Face recommends, validation.json).
  double runtime_overhead_gb = 1.0;
  // Share of device memory a server plans on: vLLM's gpu_memory_utilization default is 0.9.
  double usable_memory_fraction = 0.9;
};

struct TrafficSection {
  double users = 1e5;
  double active_fraction = 0.3;
  double requests_per_user_per_day = 5;
  double peak_factor = 3;
  std::optional<double> tokens_per_second_per_replica;  // unset: from the inference estimate
  double min_replicas = 1;
  // Direct load, instead of the users cascade: peak requests/s, or peak output tokens/s (divided by
  // inference.output_tokens). Unset: users x active_fraction x requests_per_user_per_day / 86400 x peak_factor.
  std::optional<double> peak_qps, peak_tokens_per_second;
  // CPU-served model (seed fraud example): if ms_per_request > 0, serving is on CPU cores.
  double cpu_ms_per_request = 0;
  double cpu_headroom = 3;
  std::optional<double> cpu_cores_per_machine, cpu_price_per_machine_hour;
  double min_machines = 1;
};

// The serving fleet: which GPUs serve, in what layout, against which latency targets. Unset fields
// fall back to the inference section (tensor_parallel, batch) and hardware.gpu, so a scenario without
// this section means what it always meant.
struct ServingSection {
  std::string gpu;                               // "": hardware.gpu
  std::optional<double> tensor_parallel, batch;  // unset: inference.tensor_parallel, inference.batch
  // Defaults: time to first token 2 s, as MLPerf Inference's Llama 2 70B server scenario; 50 ms per
  // output token (20 tokens/s), between MLPerf's interactive (40 ms) and server (200 ms) targets.
  double ttft_target_seconds = 2.0;
  double tpot_target_seconds = 0.05;
  std::string latency_percentile = "p50";  // p50 | p90 | p99: the share of requests the targets hold for
  // static: prefill the batch, then decode it (what version-3 links computed); continuous: in-flight
  // batching with chunked prefill and the M/M/c wait for a slot at the planned load (serving_model.hpp).
  std::string batching = "static";
  double prefix_cache_hit_fraction = 0;  // share of prompt tokens whose KV comes from the prefix cache
  // Speculative decoding (Leviathan et al. 2023): tokens proposed per step (0 = off), the chance each
  // is accepted, and a draft step's time as a share of the target's decode step.
  double speculative_tokens = 0;
  double speculative_acceptance_rate = 0.7;
  double speculative_draft_cost_fraction = 0.05;
  // MoE models: routed experts sharded over `expert_parallel` groups of tensor_parallel GPUs each (a
  // replica is tensor_parallel x expert_parallel GPUs; attention and dense layers run data-parallel
  // over the groups), with an all-to-all per MoE layer per step (serving_model.hpp). 1: no expert
  // parallelism (what earlier links computed); ignored for dense models.
  double expert_parallel = 1;
  // Disaggregated prefill/decode (serving_model.hpp, size_disaggregated_fleet): the report adds the
  // serving.disaggregated.* fleet (prefill and decode pools) beside the aggregated one.
  bool disaggregated = false;
};

struct StorageSection {
  std::optional<double> users;  // unset: daily active users from traffic (users x active_fraction)
  double events_per_user_per_day = 100;
  double bytes_per_event = 200;
  double retention_days = 365;
  double compression_ratio = 4;
  double egress_gb_per_month = 0;
  double dataset_tokens = 0;
  double bytes_per_token = 4;  // seed: 1 million text tokens ~ 4 MB
};

struct FeatureStoreSection {
  double entities = 0;
  double features_per_entity = 0;
  double bytes_per_feature = 4;
  double items = 0;
  double features_per_item = 0;
  double embedding_dim = 0;
  double embedding_bytes = 4;
  double overhead_factor = 2;  // seed: Redis ~2x raw for keys, metadata, encoding
  double headroom = 1.2;       // seed: int(total * 1.2 / 64) + 1
  std::optional<double> node_gb;
  // Pricing and replication (version 2). Unset price: the store is sized, not priced (version 1).
  std::optional<double> price_per_node_hour;
  double replication_factor = 1;  // copies of each shard (1 = primary only)
  // Price the store at the catalog's cited node price (assets/prices.json kv_node_usd_per_hour: AWS
  // r6i.2xlarge, 64 GiB, $0.504/h) when no price is given. Off by default, so that links and the
  // seed examples keep their "sized, not priced" numbers; a given price_per_node_hour always prices.
  bool priced = false;
};

// Data pipeline (seed fraud example: "the expensive part is building the streaming feature
// pipeline (Kafka + Flink ...)"): events -> bytes/s -> log partitions and brokers -> stream workers.
// Defaults and their sources are in core/src/pipeline.cpp.
struct PipelineSection {
  std::optional<double> users;                    // unset: the storage section's daily users
  std::optional<double> events_per_user_per_day;  // unset: storage.events_per_user_per_day
  std::optional<double> bytes_per_event;          // unset: storage.bytes_per_event
  std::optional<double> peak_factor;              // unset: traffic.peak_factor
  double partition_mb_per_s = 10;     // write throughput one partition sustains (MB = 1e6 B)
  double broker_mb_per_s = 202.4;      // bytes a broker writes per second, replicas included
  double replication_factor = 3;
  double retention_hours = 168;       // Kafka log.retention.hours default
  double worker_events_per_s_per_core = 75000;
  double worker_cores = 8;
  std::optional<double> price_per_machine_hour;  // unset: catalog CPU machine price
};

// Network (seed 'Networking' table): moving a dataset or checkpoint, and egress from the traffic.
struct NetworkSection {
  std::string link = "100gbe";  // a catalog network (assets/hardware.json)
  double transfer_gb = 0;       // bytes to move (GB = 1e9 B); 0: no transfer estimate
  double response_bytes = 0;    // bytes sent per request; egress = average QPS x this
};

// "Does it fit on one machine?" (seed: Spark for 10 GB is over-engineering, Pandas on 50 TB is
// under-engineering). Defaults: a large cloud machine (AWS r6i.8xlarge-class: 256 GB RAM, 4 TB disk).
struct OneMachineSection {
  double data_gb = 0;
  double ram_gb = 256;
  double disk_gb = 4000;
  double ram_per_data = 5;  // Wes McKinney (2017): pandas wants 5-10x the dataset size in RAM
};

// Fine-tuning a pretrained model (core/src/finetune.cpp, sources there): the method, the adapters,
// the batch and the dataset. GPUs come from hardware.gpu and hardware.count.
struct FinetuneSection {
  std::string method = "lora";               // full | lora | qlora
  double rank = 16;                          // LoRA rank r
  std::string target_modules = "all-linear"; // qv | attention (q,k,v,o) | all-linear (+ gate, up, down)
  bool gradient_checkpointing = true;
  double micro_batch = 1;                    // sequences per GPU per step
  // Micro-batches per optimizer step (gradient_accumulation_steps): the host-side work of an optimizer
  // step (ZeRO-Offload's CPU step and weight upload, paged optimizer states) happens once per this many
  // forward and backward passes.
  double gradient_accumulation = 1;
  double seq_len = 2048;                     // tokens per sequence
  double dataset_tokens = 1e8;
  double epochs = 1;
  std::string optimizer = "adamw";           // adamw (2 fp32 states) | adamw-bf16 | adamw-8bit | paged-adamw-8bit
  std::string base_dtype = "bf16";           // full / LoRA base weights: bf16 | fp16 | fp32 (QLoRA: NF4)
  bool master_weights = false;               // fp32 master copy of the trainable weights (mixed precision)
  bool shard = true;                         // FSDP / ZeRO-3: weights, gradients, states split over hardware.count
  // Optimizer step fused into the backward pass (torchtune optimizer_in_bwd): one tensor's gradient
  // alive at a time instead of all of them; rules out gradient accumulation.
  bool optimizer_in_backward = false;
  // FSDP CPU offload (torchtune fsdp_cpu_offload): weights, gradients and optimizer states in host
  // RAM; the GPU holds the layers being computed.
  bool cpu_offload = false;
  // ZeRO-Offload (DeepSpeed offload_optimizer): optimizer states, fp32 master weights and gradients in
  // host RAM, the optimizer step on the CPU; the 16-bit weights stay on the GPU.
  bool offload_optimizer = false;
  // ZeRO-Offload: parameters per second the host's CPUs step (DeepSpeed CPU-Adam, per host of up to 8
  // GPUs); unset: kHostOptimizerParamsPerSecond (finetune.hpp, from two DeepSpeed measurements).
  std::optional<double> host_optimizer_params_per_second;
  std::optional<double> mfu;                 // unset: the hardware's default training MFU (x the precision's kernel ratio)
  // Compute precision of the GEMMs: bf16 | fp8 | fp4 (Transformer Engine style, as training.dtype):
  // the peak at that precision and training's fitted fp8/fp4 vs bf16 kernel-efficiency ratio.
  std::string dtype = "bf16";
  // fp8 scaling, as training.fp8_scaling: "tensor" (per-tensor) or "mx" (MXFP8 1x32 block scales).
  std::string fp8_scaling = "tensor";
  // QLoRA's 4-bit kernels: "bitsandbytes" (the QLoRA paper, PEFT / Hugging Face, LitGPT): each 4-bit
  // layer keeps its input for backward (nf4_saved_input_bytes_per_token_per_layer); "torchao" (torchtune's
  // NF4 tensors): no input kept, as a frozen 16-bit layer.
  std::string nf4_kernel = "bitsandbytes";
  // QLoRA's double quantization of the NF4 block constants (nf4_bits_per_param): 4.127 bits a weight
  // with it (the QLoRA paper's recipe), 4.5 without.
  bool double_quantization = true;
  // QLoRA through PEFT's prepare_model_for_kbit_training (Hugging Face, the QLoRA repository): the
  // parameters left unquantized (embeddings, output head, norms) cast to fp32, 4 bytes instead of 2.
  bool fp32_unquantized = false;
  // QLoRA: share of the GPU's peak memory bandwidth its NF4 dequantization reaches; unset: the default
  // memory-bound share (0.70, as decode). Eager bitsandbytes 0.41.1 at micro-batch 1 reached 0.20-0.24
  // (LitGPT resource tables, docs/calibration.md).
  std::optional<double> dequantize_bandwidth_efficiency;
};

// Energy and emissions (core/src/energy.cpp; defaults and sources there and in docs/calibration.md).
struct EnergySection {
  double pue = 1.1;                      // power usage effectiveness of the data centre
  double grid_kg_co2e_per_kwh = 0.385;   // carbon intensity of the electricity
  double gpu_power_fraction = 1.0;       // average draw as a share of TDP
};

// A classical ranking / recommendation / fraud / CTR model (core/src/recommender.cpp, sources there):
// embedding tables (one per categorical feature, DLRM-style) sharded over GPU HBM or host RAM, a
// dense MLP scored on every candidate, served in real time at a peak QPS or scored in batch.
struct RecommenderSection {
  double tables = 26;                  // embedding tables (Criteo: 26 categorical features)
  double rows_per_table = 1e6;         // rows of each table (when table_rows is empty)
  std::string table_rows;              // "4e7, 39060, ..." one entry per table; non-empty: overrides tables x rows_per_table
  double embedding_dim = 64;           // values per row
  double bytes_per_value = 4;          // fp32 4, fp16 2, int8 1
  double lookups_per_table = 1;        // rows read per table per scored item (pooling factor; >1 for multi-hot)
  double mlp_params = 1e6;             // dense (MLP / interaction) parameters
  double features_per_request = 100;   // features read from the feature store per request
  double candidates_per_request = 100; // items scored per request
  std::optional<double> peak_qps;      // unset: the traffic section's peak requests/s
  std::string mode = "realtime";       // realtime | batch
  std::string memory_tier = "host";    // host (RAM of a CPU node) | gpu (HBM of hardware.gpu)
  double usable_memory_fraction = 0.9; // share of the tier's memory the tables may fill
  double host_memory_gb = 549.755813888;  // 512 GiB: AWS r6i.16xlarge
  double host_bandwidth_gbps = 204.8;     // 8 channels DDR4-3200 (Xeon 8375C)
  double cpu_cores_per_machine = 64;      // vCPUs of the node (r6i.16xlarge)
  double cpu_gflops_per_core = 112;       // fp32 peak per vCPU: 32 FLOP/cycle x 3.5 GHz
  double cpu_efficiency = 0.3;            // share of that peak small-batch MLPs reach (assumption)
  std::optional<double> price_per_machine_hour;  // unset: r6i.16xlarge (host) or hardware's GPU-hour (gpu)
  double batch_items_per_day = 1e8;    // batch mode: items scored per day
  double batch_machines = 1;           // batch mode: machines (host) or GPUs (gpu) scoring them
};

struct PricesSection {
  std::optional<double> object_storage_per_gb_month, egress_per_gb;
};

struct Scenario {
  int version = kScenarioVersion;
  std::string name;
  IncludeSection include;
  ModelSection model;
  HardwareSection hardware;
  TrainingSection training;
  InferenceSection inference;
  TrafficSection traffic;
  ServingSection serving;
  StorageSection storage;
  FeatureStoreSection feature_store;
  PipelineSection pipeline;
  NetworkSection network;
  OneMachineSection one_machine;
  PricesSection prices;
  FinetuneSection finetune;
  EnergySection energy;
  RecommenderSection recommender;
};

bool operator==(const Scenario& a, const Scenario& b);

// Whether the scenario serves an LLM on GPUs: serving included and no CPU model (traffic.cpu_ms_per_request
// unset). It reads the model and hardware, and has serving layouts to plan.
bool includes_gpu_serving(const Scenario& s);

// One problem found while loading: the field's JSON path and why it was not used.
struct Problem {
  std::string path, message;
};

// Limits of a numeric field, shared by validation, the UI's sliders and the fuzz/property tests.
struct FieldLimits {
  double min, max;
  bool integer = false;
  // The unit the value is stored in, for inputs and their parser (quantity.hpp): "" for a plain
  // count, "tokens", "fraction" (0..1, typed as 40%), "USD", "USD/h", "GB", "GB/s", "TFLOPS", ...
  const char* unit = "";
};

// One field of the table by its path: its limits (numbers) or allowed values and length (text), for
// readers of other documents that take a value with the same meaning (the plan file, plan_file.cpp).
struct FieldSpec {
  bool found = false, is_text = false;
  FieldLimits limits{0, 0};
  std::vector<std::string> choices;  // text: the allowed values (empty: any)
  size_t max_len = 0;
};
FieldSpec field_spec(const std::string& path);

// Walks every field with its JSON path, limits or allowed values. V provides:
//   number(path, double&, FieldLimits), optional(path, std::optional<double>&, FieldLimits),
//   text(path, std::string&, const std::vector<std::string>& allowed /* empty: any */, size_t max_len),
//   flag(path, bool&).
template <class V>
void visit_fields(Scenario& s, V&& v);

// Loads a scenario from JSON text or a parsed object. Unknown keys, wrong types, non-finite or
// out-of-range values, unknown presets: the field keeps its default and a Problem is recorded.
// A text that is not a JSON object at all sets `fatal` and leaves `scenario` untouched.
struct LoadResult {
  Scenario scenario;
  std::vector<Problem> problems;
  std::string fatal;  // non-empty: nothing was loaded
  // The JSON says what it is about ("include"; a version-1 file gets it from its migration). Without
  // it the five default sections are evaluated; the CLI says so (a note, not a problem).
  bool include_given = false;
  // "include" names none of the five sections that default to on (training, inference, serving,
  // storage, feature_store): they stay on, which a file naming only "finetune" rarely means (a CLI note).
  bool include_leaves_defaults_on = false;
  bool ok() const { return fatal.empty(); }
};
LoadResult load_scenario_json(const std::string& text);

// Minimal JSON: only fields that differ from the defaults, and model overrides only where they
// change the chosen preset's architecture ("version" is always written).
std::string scenario_to_json(const Scenario& s, bool minimal = true, int indent = -1);

// The scenario with model overrides that do not change the preset's resolved architecture removed,
// and the inputs of sections no included section reads reset to their defaults (what a minimal
// link keeps): decode(encode(s)) == canonical(s), and evaluate(canonical(s)) == evaluate(s).
Scenario canonical(const Scenario& s);
// The sections a scenario file sets (its top-level keys in `json_text`, which loaded as `s`) that no
// included section reads ("finetune" with include.finetune false; model and hardware aside):
// evaluate() leaves them out, as a link does (canonical). The CLI names them in a note.
std::vector<std::string> unread_sections(const Scenario& s, const std::string& json_text);

}  // namespace envelope

#include "envelope/scenario_fields.hpp"
