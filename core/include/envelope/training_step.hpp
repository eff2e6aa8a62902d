// The training step model: one training step of a layout (tensor, pipeline, context, expert and
// data parallel; ZeRO; micro-batch; recompute) on a scenario's model and accelerators, as memory
// per GPU and seconds per step split into compute, pipeline bubble and each kind of communication.
//
// One model for the whole product: evaluate() costs the scenario's own layout with it (the
// training.* report), the planner searches layouts with it, and `envelope plan` prints it. Sources:
// Narayanan et al. 2021 (pipeline schedules, interleaving), Korthikanti et al. 2022 (activation
// memory, sequence parallel, selective recompute), Rajbhandari et al. 2020 (ZeRO), Liu et al. 2023
// and Megatron-Core's context parallel (ring attention), Lepikhin et al. 2020 / Fedus et al. 2021
// (expert parallel all-to-all), Dubey et al. 2024 (Llama 3: 4D parallelism at 16k GPUs).
#pragma once
#include <optional>
#include <string>

#include "envelope/catalog.hpp"
#include "envelope/formulas.hpp"
#include "envelope/scenario.hpp"

namespace envelope {

struct TrainingLayout {
  int tensor_parallel = 1, pipeline_parallel = 1, data_parallel = 1, zero_stage = 0, micro_batch = 1;
  int interleave = 1;                // virtual pipeline stages per GPU (Narayanan et al. 2021)
  std::string recompute = "none";    // none | selective | full | op (torchtitan's per-op rule, formulas.hpp)
  bool sequence_parallel = false;    // with tensor parallel > 1
  int context_parallel = 1;          // sequence split over GPUs, attention as a ring (Megatron-Core CP)
  int expert_parallel = 1;           // routed experts split over GPUs of the data-parallel group
  // The expert all-to-all of one micro-batch runs while another micro-batch computes (Megatron-Core
  // Combined 1F1B, --overlap-moe-expert-parallel-comm; DeepSeek-V3's DualPipe): see
  // expert_parallel_exposed_seconds.
  bool expert_overlap = false;
  // Tensor-parallel all-gathers / reduce-scatters chunked beside the GEMMs (Megatron-Core
  // --tp-comm-overlap, with sequence parallel): see tensor_parallel_exposed_seconds.
  bool tp_comm_overlap = false;
  // Whether the TP traffic is overlapped: asked for, with tensor and sequence parallel to overlap.
  bool tp_comm_overlapped() const { return tp_comm_overlap && tensor_parallel > 1 && sequence_parallel; }
  int gpus() const { return tensor_parallel * pipeline_parallel * context_parallel * data_parallel; }
};

struct TrainingPlan {
  TrainingLayout layout;
  bool fits = false;                       // total_bytes <= training_usable_memory_bytes(device memory)
  // Memory per GPU (bytes).
  double weights_bytes = 0, gradients_bytes = 0, optimizer_bytes = 0, activations_bytes = 0, total_bytes = 0;
  // The optimizer's FP32 copy of its 16-bit gradient shard (RecipeBytes::gradient_copy), MTP modules'
  // included, and what the passes hold beside the model states (activations + MTP activations and
  // logits): total_bytes counts the larger of the two (Megatron-Core frees the copy at zero_grad).
  double gradient_copy_bytes = 0, activation_phase_bytes = 0;
  // fp8 training: the FP8 copy of the weights the GEMMs read (fp8_weight_copy_bytes), beside the 16-bit ones.
  double fp8_weight_copy_bytes = 0;
  // MoE layers: saved activations of the k routed copies (and shared experts) beyond the dense MLP the
  // per-layer formula counts, per MoE layer and micro-batch (moe_expert_activation_bytes_per_token);
  // activations_bytes adds it x moe_layers_per_stage x micro_batches_in_flight.
  double moe_activation_bytes_per_layer = 0;
  // Its parts, for its basis: bytes per routed copy, the shared experts' and the dense MLP's bytes
  // (per MoE layer and micro-batch); = moe_token_copies x per copy + shared - dense, at least 0.
  double moe_activation_bytes_per_copy = 0, moe_shared_activation_bytes = 0, moe_dense_mlp_activation_bytes = 0;
  // Hybrid models: what their blocks keep beyond (or below) the per-layer formula's transformer layer
  // for each of the stage's layers, per micro-batch (training_step.cpp: Mamba-2 mixers, mixer-only
  // layers, a second block input per pair under full recompute); activations_bytes adds it x
  // micro_batches_in_flight. Signed: negative where the blocks keep less.
  double hybrid_activation_bytes = 0;
  // training.recompute_moe: per MoE layer and micro-batch, the dense MLP activations the per-layer formula
  // counts less the layer's kept 16-bit input (moe_activation_bytes_per_layer is then 0); activations_bytes
  // subtracts it x moe_layers_per_stage x micro_batches_in_flight.
  double moe_recompute_saved_bytes_per_layer = 0;
  // Its parts: per layer and micro-batch, a Mamba-2 block's bytes, the attention half it replaces and
  // the MLP half a mixer-only layer lacks; the stage's linear and mixer-only layers (under full
  // recompute, its pairs: hybrid_pairs_per_stage x activation_bytes_per_layer).
  double hybrid_mamba_bytes_per_layer = 0, hybrid_attention_bytes_per_layer = 0, hybrid_absent_mlp_bytes_per_layer = 0,
         hybrid_linear_layers_per_stage = 0, hybrid_mixer_only_layers_per_stage = 0, hybrid_pairs_per_stage = 0;
  // Saved activations that recomputation frees, per layer and micro-batch (DeepSeek-V3 report sec.
  // 3.2.3; training.recompute_norms, training.recompute_mla_up_projections): the RMSNorms' outputs
  // (norm_recompute_saved_bytes) and MLA's queries, keys and values less the latents kept instead
  // (mla_up_projection_recompute_saved_bytes). activations_bytes subtracts their sum
  // (recompute_saved_bytes_per_layer) x layers_per_stage x micro_batches_in_flight.
  double norm_recompute_saved_bytes_per_layer = 0, mla_recompute_saved_bytes_per_layer = 0,
         recompute_saved_bytes_per_layer = 0;
  // activations_bytes = activation_bytes_per_layer x layers_per_stage x micro_batches_in_flight + logits_bytes
  // Multi-token prediction (training.multi_token_prediction with model.mtp_layers; DeepSeek-V3 report
  // sec. 2.2): the MTP modules' model states on the GPU that holds them (their dense part split over TP,
  // their routed experts over EP, ZeRO as the main model's; with the FP8 weight copy in fp8), their
  // saved activations (mtp_layers blocks of one micro-batch: the last stage holds one under 1F1B,
  // Korthikanti et al. 2022 sec. 4.2.3) and their logits (a second 4 s b V / t per depth). The modules
  // sit with the output head, which DualPipe places on the first stage's GPU (sec. 3.2.3), so the
  // busiest GPU's total adds mtp_bytes = the three.
  double mtp_state_bytes = 0, mtp_activation_bytes = 0, mtp_logits_bytes = 0, mtp_bytes = 0;
  // (- recompute_saved_bytes_per_layer x layers_per_stage x micro_batches_in_flight when set)
  double activation_bytes_per_layer = 0, layers_per_stage = 0, micro_batches_in_flight = 0, logits_bytes = 0;
  // The model states' inputs (model_state_part_bytes): dense and routed-expert parameters on the busiest
  // stage, over data x context parallel and tensor x pipeline parallel, experts also over expert parallel.
  double state_dense_params = 0, state_expert_params = 0, state_data_parallel = 1, state_model_parallel = 1,
         state_expert_parallel = 1;
  // Routed experts under MoE parallel folding (expert tensor parallel 1): split over PP x EP, ZeRO over
  // the TP x CP x DP / EP ranks holding the same experts.
  double state_expert_model_parallel = 1, state_expert_data_parallel = 1;
  // Step time parts (seconds).
  // MoE work outside the GEMMs and the all-to-all (moe_work_seconds = the two parts): routed tokens
  // permuted into expert order and back through HBM, and the compute slowed by the SMs that the
  // overlapped all-to-all kernels hold.
  double moe_permutation_seconds = 0, expert_comm_sm_seconds = 0, moe_work_seconds = 0;
  // Routed-expert weight traffic (expert_weight_bytes_per_param), part of moe_work_seconds; the GPU's
  // routed-expert parameters per MoE layer (experts / ep x params_per_expert) and the bytes each moves per
  // micro-batch (expert_weight_bytes_per_param, its forward repeated with full or MoE recompute).
  double expert_weight_seconds = 0, expert_local_params_per_layer = 0, expert_weight_bytes_per_param = 0;
  // The permutation's factors, for its basis: MoE layers per stage, routed token copies per GPU and
  // micro-batch (tokens x k), passes (1, or 1.5 with the forward recomputed).
  double moe_layers_per_stage = 0, moe_token_copies = 0, moe_permutation_passes = 1;
  // Pipeline sends: pipeline_p2p_seconds is the exposed part (pipeline_p2p_exposed_seconds) of all
  // 2 m v sends (pipeline_p2p_total_seconds), each of pipeline_send_seconds, beside model chunks of
  // pipeline_chunk_seconds (compute + MoE work per micro-batch and virtual stage, forward and backward).
  // context_parallel_seconds includes ssm_context_parallel_seconds (a hybrid's SSM all-to-alls).
  double ssm_context_parallel_seconds = 0;
  double compute_seconds = 0, bubble_seconds = 0, tensor_parallel_seconds = 0, context_parallel_seconds = 0,
         expert_parallel_seconds = 0, expert_parallel_total_seconds = 0, pipeline_p2p_seconds = 0, data_parallel_seconds = 0,
         pipeline_p2p_total_seconds = 0, pipeline_send_seconds = 0, pipeline_chunk_seconds = 0,
         // tensor_parallel_seconds is the exposed part of tensor_parallel_total_seconds: all of it unless
         // the layout overlaps it with the TP-split GEMMs (tensor_parallel_gemm_seconds of the compute).
         tensor_parallel_total_seconds = 0, tensor_parallel_gemm_seconds = 0,
         data_parallel_exposed_seconds = 0, zero3_seconds = 0, step_seconds = 0;
  // The backward time the gradient reduction runs beside (gradient_reduction_window_seconds).
  double gradient_reduction_window_seconds = 0;
  double micro_batches = 0;               // per pipeline, per step
  double global_batch = 0;                // sequences per step
  double kernel_efficiency = 0;           // fraction of dense peak the layers' kernels reach
  double model_flops_per_step = 0;        // Megatron eq. 3 with 72 (no recompute FLOPs counted)
  double hardware_flops_per_step = 0;     // 96 with full recompute; + the two below
  // Executed beyond the model's own FLOPs (0 unless the scenario trains them): the multi-token-prediction
  // modules (mtp_flops_per_token) and MLA's up-projections recomputed in the backward
  // (mla_up_projection_recompute_flops_per_token; none with full recompute, which repeats the whole forward).
  double mtp_flops_per_step = 0, mla_recompute_flops_per_step = 0;
  // training.recompute_moe: the MoE layers' forward once more (moe_forward_flops_per_token x tokens).
  double moe_recompute_flops_per_step = 0;
  // recompute "op": the matmuls it does not save, once more in the backward (2 x
  // op_checkpoint_recomputed_params_per_layer x layers x tokens).
  double op_recompute_flops_per_step = 0;
  // Share of the compute that is forward passes (forward_pass_share), the window for the forward's
  // gathers and sends.
  double forward_share = 1.0 / 3.0;
  // Of the hardware FLOPs, those at 16 bits in fp8 / fp4 training (TrainingStepModel::mixed_precision):
  // the attention score and value products (with their recompute) and the output head; 0 in bf16.
  double bf16_flops_per_step = 0;
  double bf16_compute_seconds = 0;  // of compute_seconds, the time of those 16-bit FLOPs
  // of compute_seconds, what attention heads narrower than 128 add (attention_head_dim_factor): the
  // attention products (as executed, with their recompute) x (1 / factor - 1) at their rate
  double attention_head_dim_seconds = 0;
  double attention_flops_per_step = 0, attention_head_dim_factor = 1;
  // of compute_seconds, what a slower attention kernel adds (training.attention_kernel "flash2":
  // flash_attention2_rate_factor): the 16-bit attention products x (1 / factor - 1) at their rate
  // (after the narrow-head factor). 0 with the fused kernels.
  double attention_kernel_seconds = 0, attention_kernel_factor = 1;
  // A hybrid's SSM layers (formulas.hpp, ssm_scan_flops_per_token): their scan FLOPs per step (forward,
  // backward twice, again with a full recompute), and of compute_seconds the time they take at
  // kSsmScanEfficiency of the 16-bit peak instead of the GEMMs' rate. 0 without SSM layers.
  double ssm_scan_flops_per_step = 0, ssm_scan_seconds = 0;
  // The busiest GPU's compute over the mean: the pipeline stage holding the most work (layers, and with
  // training.pipeline_split "balanced" the output head and MTP modules on the last stage), the busiest
  // expert (without forced balancing) and the expert GEMMs' narrowness and height. compute_seconds =
  // kernel seconds / GPUs x this.
  double busiest_gpu_factor = 1;
  double pipeline_compute_imbalance = 1;  // of it, the pipeline stage's part
  double model_flops_utilization = 0;     // model FLOPs / (GPUs x peak x step)
  double hardware_tflops_per_gpu = 0;
  double model_tflops_per_gpu = 0;
  double tokens_per_second_per_gpu = 0;
  double scenario_mfu = 0;                // the 6PD/8PD MFU that gives this plan's time (training.mfu)
  double train_seconds = 0, gpu_hours = 0, cost_usd = 0;  // for the scenario's token budget, over training.goodput
  std::string bottleneck;                 // "compute", "bubble", "tensor-parallel communication", ...
};

// Fraction of dense peak the kernels of a training step reach when nothing waits on communication or
// the pipeline, for this accelerator at this compute dtype (fitted per GPU generation and precision
// on published runs; docs/calibration.md), before the width factor h / (h + gemm_half_width).
struct KernelEfficiency {
  double value = 0.5;
  std::string generation;  // ampere | hopper | blackwell | blackwell-ultra | cdna | other
  std::string source;
  // False where the value is another group's fit (AMD Instinct takes the H100-class one): the group's
  // published runs then check it, held out of every fit (calibration.cpp).
  bool fitted_on_own_runs = true;
};
KernelEfficiency training_kernel_efficiency(const Accelerator& gpu, Dtype compute);
// How much more of the same datasheet peak a GPU generation's kernels reach than its predecessor's
// fit says: the B300-class fp8 fit over the B200-class one (Megatron-Bridge 26.06/26.08 runs,
// docs/calibration.md round 9); 1 for every other accelerator. Fine-tuning scales its default MFU by it.
double kernel_generation_gain(const Accelerator& gpu);
// Tensor parallel with sequence parallel, per layer and micro-batch (Korthikanti et al. 2022, the same
// volume as the 4 all-reduces without it; Megatron-Core / Transformer Engine Linear and LayerNormLinear):
// forward, an all-gather of each of the two column-parallel GEMMs' inputs (QKV, FC1) and a
// reduce-scatter of each row-parallel output (projection, FC2); backward, the row-parallel output
// gradients all-gathered and the column-parallel input gradients reduce-scattered: 4 gathers and 4
// scatters, 2 more of each when the forward is recomputed (without sequence parallel, the halves of its
// 4 + 2 all-reduces, the same volume in 16 bits). The inputs gathered again for the weight
// gradients (only the local shard is saved) go asynchronously beside the input-gradient GEMMs
// (layernorm_linear.py: async_op=True, waited before the wgrad GEMM) and are not counted.
struct TensorParallelCollectives {
  double gathers = 4, scatters = 4;
};
// Recompute "op" (torchtitan) saves the reduce-scatters' outputs and repeats the all-gathers: 6 gathers
// and 4 scatters with sequence parallel; without it the forward's all-reduces are repeated (6 and 6).
TensorParallelCollectives tensor_parallel_collectives(const std::string& recompute, bool sequence_parallel);
// Bytes per value of a sequence-parallel all-gather: the GEMM input in the GEMM's precision. Transformer
// Engine quantizes before it gathers (gather_along_first_dim with the input and grad-output quantizers:
// FP8, MXFP8 and NVFP4 all-gathers; transformer_engine/pytorch/distributed.py, module/base.py
// grad_output_preprocess, snapshot d0067d0): 2 in 16 bits, 1 in fp8 (+1/32 for MX scales), 0.5625 in
// NVFP4. Reduce-scatters sum, in 16 bits.
double sequence_parallel_gather_bytes_per_value(Dtype compute, const std::string& fp8_scaling);
// Share of the per-tensor fp8 kernel efficiency fp8 GEMMs reach with MX block scaling (MXFP8: one
// E8M0 scale per 32 values; training.fp8_scaling / finetune.fp8_scaling "mx"). Fitted on the jobs
// published in both recipes (fit_mx_block_scaling_ratio, calibration.hpp; docs/calibration.md round 11).
double mx_block_scaling_kernel_ratio();
// The factor a run's fp8 scaling puts on its fp8 kernel efficiency: mx_block_scaling_kernel_ratio()
// for fp8 with "mx", 1 otherwise (per-tensor fp8, other precisions).
double fp8_scaling_kernel_factor(Dtype compute, const std::string& fp8_scaling);
// Empty, or why MX on this GPU is an extrapolation: MXFP8 needs block-scaled tensor cores (Blackwell;
// Transformer Engine's MXFP8 recipe requires them), which Hopper and Ampere lack. The ratio is still
// applied: what the user typed is what is computed, with this said beside it.
std::string fp8_scaling_warning(const Accelerator& gpu, Dtype compute, const std::string& fp8_scaling);
// Expert all-to-all left on the critical path when it overlaps another micro-batch's compute
// (Megatron-Core "Combined 1F1B: Expert-Parallel All-to-All Overlap": the dispatch and combine of
// micro-batch i+1's forward run beside micro-batch i's backward and vice versa; "the first forward
// and final backward remain exposed fill/drain phases"; DeepSeek-V3 report sec. 3.2.1, DualPipe,
// "fully overlap" forward/backward computation and communication). The share `unpaired` of the
// all-to-all that falls in the fill and drain is exposed; the rest is hidden as far as the compute
// it runs beside lasts. A forward's dispatch and combine (half of the all-to-all: the backward moves
// the same bytes as gradients) run beside a backward, 2/3 of the compute (backward = 2 x forward,
// Narayanan et al. 2021), and the backward's half beside a forward, 1/3:
// unpaired x a2a + (1 - unpaired) x [max(0, a2a/2 - 2 compute/3) + max(0, a2a/2 - compute/3)],
// which is a2a - compute when the all-to-all outlasts both. Seconds.
double expert_parallel_exposed_seconds(double all_to_all_seconds, double compute_seconds, double unpaired);
// Share of the tensor-parallel communication --tp-comm-overlap hides when the GEMMs beside it last
// longer: all of it, as Transformer Engine's userbuffers are built to (each GEMM split into TP chunks
// that run while the next chunk's rows arrive). Of 0, 0.25, 0.5, 0.75 and 1 tried on the published
// runs (docs/calibration.md, round 10), 1 has the smallest worst error the fits cannot see (training
// records left out of the kernel fits, fine-tuning time).
constexpr double kTensorParallelOverlapHiddenShare = 1.0;
// The share torchtitan's AsyncTP (training.tp_comm_overlap_method "async-tp": PyTorch SymmetricMemory's
// micro-pipelined all-gather / reduce-scatter matmuls) hid in its published H100 runs: the median of
// what each run implies (fit_async_tp_hidden_share, calibration.hpp; docs/calibration.md round 22).
constexpr double kAsyncTpHiddenShare = 0.36;
// Tensor-parallel communication left exposed with --tp-comm-overlap: Transformer Engine's userbuffers
// split each sequence-parallel all-gather into chunks consumed by the next GEMM's chunks as they
// arrive, and the reduce-scatter into chunks sent as the previous GEMM produces them (Wang et al.
// 2023, "Overlap Communication with Dependent Computation via Decomposition"; Transformer Engine
// comm+GEMM overlap; Megatron-Core --tp-comm-overlap): the share kTensorParallelOverlapHiddenShare is
// hidden as far as the TP-split GEMMs last, max(communication x (1 - share), communication - GEMMs).
// Seconds.
double tensor_parallel_exposed_seconds(double communication_seconds, double gemm_seconds,
                                       double hidden_share = kTensorParallelOverlapHiddenShare);
// Pipeline sends on the step's critical path. Without virtual stages Megatron-Core batches each
// micro-batch's send and receive and waits for them (batch_p2p_comm): all 2 m sends are exposed. With
// virtual stages (interleaved 1F1B) it posts them asynchronously and runs the next model chunk
// meanwhile (overlap_p2p_comm, Megatron-LM's default for the interleaved schedule; Megatron-Bridge
// comm_overlap.py sets overlap_p2p_comm when vp > 1, batch_p2p_comm otherwise): only the part of a
// send longer than the chunk pass beside it shows, plus the first micro-batch's sends through the
// p - 1 boundaries forward and back, which nothing else runs beside (pipeline fill and drain):
// 2 (p - 1) send + m v [max(0, send - chunk forward) + max(0, send - chunk backward)]. Seconds.
double pipeline_p2p_exposed_seconds(double send_seconds, double pipeline_parallel, double interleave, double micro_batches,
                                    double chunk_forward_seconds, double chunk_backward_seconds);
// Data-parallel communication left exposed after it overlaps the passes it can run beside. The
// gradient reduction (ZeRO-0's all-reduce, ZeRO-1's reduce-scatter and weight gather, ZeRO-2's
// reduce-scatter after each micro-batch) runs as buckets fill during the backward pass:
// `backward_seconds` is the window it has, the whole backward for ZeRO-2 and -3, the last
// micro-batch's for ZeRO 0-1 (gradient_reduction_window_seconds). ZeRO-3 / FSDP gathers each layer's
// weights for its forward and again for its backward, and prefetches the next layer's gather while the
// current one computes (Rajbhandari et al. 2020 sec. 7.1; PyTorch FSDP, Zhao et al. 2023 sec. 3.3.2,
// forward and backward prefetching; Megatron-FSDP): the forward's half of `gather_seconds` hides
// behind the forward pass, the backward's half and the reduction behind the backward:
// max(0, gather/2 - forward) + max(0, reduce + gather/2 - backward). Seconds.
double data_parallel_exposed_seconds(double reduce_seconds, double gather_seconds, double forward_seconds,
                                     double backward_seconds);
// The backward time a once-a-step gradient reduction (ZeRO 0-1) runs beside. Gradient accumulation holds
// it back to the last micro-batch: Megatron-Core runs the first m - 1 micro-batches under no_sync and
// enables the reduction on each model chunk's last micro-batch (megatron/core/pipeline_parallel/
// schedules.py; PyTorch DDP's no_sync and DeepSpeed's accumulation boundary the same), so it overlaps that
// micro-batch's backward and the pipeline's cool-down, the backward's share of the bubble:
// (compute / m + bubble) x backward share. Seconds. ZeRO-2 and ZeRO-3 reduce after every micro-batch and
// have the whole backward. Checked on MLPerf's Llama 3.1 405B (512-8,192 H100) and GPT-3 (10,752 H100)
// runs, held out of every fit: docs/calibration.md.
double gradient_reduction_window_seconds(double compute_seconds, double bubble_seconds, double micro_batches,
                                         double backward_share);
// Training state fits when it is within this share of the device's memory: 5% kept free for the
// caching allocator's fragmentation (an assumption; PyTorch reports it as reserved-but-unallocated
// memory, typically a few percent). The planner, the step model and memory.training.fits use it.
constexpr double kTrainingUsableMemoryFraction = 0.95;
double training_usable_memory_bytes(double device_memory_bytes);
// Share of a step's compute that is forward passes, the window data_parallel_exposed_seconds gives the
// forward's gathers: 1 / (3 + r) (backward = 2 x forward, Narayanan et al. 2021), where r is the share
// of the forward the backward pass repeats: 1 with a full recompute (1/4), the recomputed matmuls'
// share of the forward FLOPs with recompute "op", 0 otherwise (1/3). The backward window is the rest.
double forward_pass_share(double recomputed_forward_share);
// Share of a GPU's forward (and backward) model chunks that have no partner from another micro-batch:
// without pipeline parallel the first forward and last backward of m micro-batches (1 / m); with an
// interleaved pipeline, the first stage's warm-up chunks, (p - 1) x 2 + (v - 1) x p (Megatron-LM's
// interleaved 1F1B schedule, Narayanan et al. 2021) plus the one the overlap moves into warm-up,
// out of m x v chunks. Capped at 1.
double expert_overlap_unpaired_share(double pipeline_parallel, double interleave, double micro_batches);
// HBM bytes to permute one routed token copy into expert order and back, forward and backward
// (Megatron-Core's MoE token dispatcher: permute gathers each token's hidden vector once per routed
// expert before the grouped GEMM, unpermute scatters the expert outputs back and sums them with the
// router weights; their backward passes move the same tensors the other way): 3 reads + 3 writes of
// h values. Bytes per copy per MoE layer.
double moe_permutation_bytes_per_token_copy(double hidden, double bytes_per_value);
// HBM bytes per routed-expert parameter and micro-batch: the forward and the input-gradient GEMMs read
// the weight (1 byte as Transformer Engine's FP8 copy in fp8 / fp4 training, else 2; a full recompute
// reads it once more), and the weight-gradient GEMM reads and writes its fp32 gradient (8; Megatron-Core
// accumulates gradients into fp32 main_grad, gradient_accumulation_fusion): 12, or 10 in fp8. Routed
// experts see only T k e / E of the micro-batch's T tokens, so per FLOP this is E / (k e) times a dense
// layer's (Qwen3-235B with EP 8: 16 local experts, ~1,000 rows each per micro-batch).
double expert_weight_bytes_per_param(bool low_precision_weights, bool forward_recomputed);
// Expected nodes a token's k routed experts are on, the EP group spanning `nodes` nodes of equal
// expert shares, routing uniform: n (1 - (1 - 1/n)^k) (DeepEP-style dispatch sends one copy per node
// hit; DeepSeek-V3 sec. 3.2.2). With group-limited routing (`groups` groups, `groups_per_token` picked
// per token, then the k experts inside them; DeepSeek-V3 sec. 2.1.2, at most 4 nodes) the k experts
// fall on the picked groups only: when each node holds G/n whole groups, a node holding j picked groups
// is hit with 1 - (1 - j/g)^k, j hypergeometric (G groups, G/n on the node, g picked); when each group
// spans n/G nodes, the g x n/G nodes of the picked groups are hit as the unlimited case. Otherwise
// (groups and nodes not nested) as unlimited. DeepSeek-V3 on 8 nodes: 3.60 nodes instead of 5.25.
double nodes_hit_per_token(double experts_per_token, double nodes, double groups, double groups_per_token);
// Routed tokens per local expert and micro-batch at which a grouped expert GEMM runs at half its
// full-height efficiency: expert GEMMs are only as tall as the rows their expert receives, and short
// ones leave tensor-core tiles and SMs idle. Fitted: of the grid 128 ... 1024, the value that gives the
// scored training-throughput records the smallest median error, the kernel efficiencies refitted at
// each (scripts/fit-training-constants expert-rows; table in docs/calibration.md, "Expert GEMM
// height"). NVIDIA's Megatron MoE Model Zoo measured Qwen3-235B on 256 H100 at 4,096, 1,024 and 512
// rows per expert (EP 32, EP 8, EP 8 with TP 4): 19.7, 24.2 and 29.0 s a step.
constexpr double kExpertGemmHalfRows = 640;
// Share of the GPU's CUDA-core (fp32, non-tensor) peak at which a hybrid's SSM layers run their work
// beyond the projections (the chunked SSD scan's kernels, the causal convolution, the gated norm),
// counted as the scan's FLOPs (ssm_scan_flops_per_token). Mamba-2's SSD runs as several Triton kernels
// per layer with fp32 intermediates, exponentials and cumulative sums (Dao & Gu 2024 sec. 6; mamba_ssm
// ssd_combined): about 1% of the tensor-core peak, so the SMs' own rate bounds it, not the tensor
// cores'. Fitted: the median (0.36) of what NVIDIA's four Blackwell Nemotron 3 Nano runs imply, on
// GB300, GB200, B300 and B200 (Megatron-Bridge performance tables, validation cases
// train-step-mb26*-nemotron-3-nano-*: 28-30 TFLOP/s, each one's error at the median of the others in
// docs/calibration.md), the kernels at their own fits. Round 19 moved it from a share of the 16-bit
// tensor peak (0.0125): the H100 run, read with the recompute it had, implies 2.9x Blackwell's share of
// that peak (its scan at 36 TFLOP/s against 28-30), and is held out: at the CUDA-core rule it is
// 0.95x. The same model family on every record: no other hybrid is measured.
constexpr double kSsmScanEfficiency = 0.36;
// The CUDA-core peak the scan runs at (ssm_scan_peak_flops): the catalog's fp32 figure, or where that
// is not the device's own (a custom accelerator, an edited 16-bit peak, no fp32 figure) the 16-bit
// peak x B200's fp32 / bf16 datasheet ratio, 80 / 2,250.
constexpr double kCudaCoreShareOfTensorPeak = 80.0 / 2250.0;
double ssm_scan_peak_flops(const HardwareSection& hw, const Accelerator& gpu);
// Values per token one context-parallel rank sends per SSM layer and pass, before its shard's share
// leaves: Megatron-Core's Mamba "all-to-all" context parallel (ssm/mamba_context_parallel.py) turns the
// sequence shards of in_proj's z, x (d each), B, C (groups x state each, a group repeated until every
// cp rank holds one) and dt (heads) into head shards before the convolution and scan, and the scan's
// output y (d) back after: 3 d + 2 max(groups, cp) state + heads, over TP. Its heads must divide over
// TP x CP (the planner keeps to that).
double ssm_context_parallel_values_per_token(const Architecture& a, double tp, double cp);
// rows / (rows + kExpertGemmHalfRows): the expert GEMMs' efficiency relative to full height.
double expert_gemm_rows_factor(double rows_per_expert);
// The busiest pipeline GPU's work, in layers, when the recipe places the layers to balance the
// stages: L layers of one unit each over p GPUs in whole layers, the last GPU also running the output
// head and the multi-token-prediction modules (`last_stage_extra_layers` units: their FLOPs over one
// layer's). min over the last GPU's layer count n of max(ceil((L - n) / (p - 1)), n + extra).
// Megatron-Core's pipeline_model_parallel_layout places layers so; Megatron-Bridge's DeepSeek-V3
// recipes (recipes/deepseek/h100/deepseek_v3.py _get_deepseek_v3_pipeline_layout since Oct 2025,
// and perf_recipes/deepseek/gb300 "Et*4|(t*4|)*14tmL" for PP 2 x 8 virtual stages) give the last
// stage 3 layers fewer than the others for the MTP module and the loss (61 layers: 8+8+8+8+8+8+8+5
// at PP 8; 32 and 29 at PP 2), as this minimum does for DeepSeek-V3's ~3.8 extra layers. Any
// split of a GPU's layers over its virtual chunks is allowed (the layout string's). p = 1: L + extra.
double balanced_pipeline_busiest_layers(double layers, double pipeline_parallel, double last_stage_extra_layers);
// Attention kernels' throughput at head dimension d relative to d = 128, the width of nearly every run
// the kernel efficiencies are fitted on. Each query-key score costs one exponential on the special
// function units beside 4 d matmul FLOPs (Q K^T and P V, 2 d each): "for head dimension 128, there are
// 512x more matmul FLOPS than exponential, which means that exponential can take 50% of the time
// compared to matmul" on H100 SXM5, 989 TFLOPS of bf16 matmul against 3.9 TFLOPS of exponentials (Shah et
// al. 2024, FlashAttention-3, arXiv:2407.08608 sec. 3.1). As far as the two do not overlap, a score takes
// 4 d / r + 1 units of an exponential's time, r the matmul FLOPs per exponential: the throughput
// relative to d = 128 is (1 + r / (4 x 128)) / (1 + r / (4 d)). On H100 at d = 64: 0.75, where the same
// paper measured 476 against 638 TFLOPS forward at 4k tokens (FlashAttention-3, 0.746; cuDNN 408 / 609,
// 0.67; Fig. 5, head dim 64 and 128 panels). Capped at 1: wider heads measured no faster (head dim 256,
// 612 TFLOPS).
double attention_head_dim_factor(double head_dim, double matmul_flops_per_exponential);
// FlashAttention-2's share of the fused attention kernels' rate (cuDNN, FlashAttention-3, Transformer
// Engine), forward and backward together (the backward 2.5x the forward's FLOPs): 1 where no slower
// rate is measured. On Hopper, the FlashAttention-3 paper's H100 SXM5 bars at head dim 128, 4k tokens
// (Shah et al. 2024, arXiv:2407.08608, Fig. 5 forward, Fig. 6 backward): FlashAttention-2 368 TFLOPS
// forward and 310 backward, cuDNN 609 and 499, so 0.617 (pytorch/pytorch#142132 measured 329 against
// cuDNN's 631 forward at 4,608 tokens: 0.52). On Ampere and Ada FlashAttention-2 is the fast kernel (1).
// On Blackwell it runs on the older tensor-core instructions, unmeasured here: 1, with a warning
// (flash_attention2_warning).
double flash_attention2_rate_factor(const Accelerator& gpu);
std::string flash_attention2_warning(const Accelerator& gpu, const std::string& attention_kernel);
// Dense 16-bit tensor-core FLOPs per exponential of the GPU's special function units, per SM and clock:
// 16 exponentials (MUFU.EX2) per SM and clock on Ampere, Hopper and Blackwell (CUDA C++ Programming
// Guide, 'Arithmetic Instructions' throughput table), doubled on Blackwell Ultra (NVIDIA technical blog,
// 'Making Softmax More Efficient with NVIDIA Blackwell Ultra': "doubling SFU throughput over the standard
// NVIDIA Blackwell architecture"); tensor cores 2,048 dense bf16 FLOPs per SM and clock on A100, twice that
// on H100 and twice again on B200 (their datasheet peaks / SMs / boost clock): Ampere 128, Hopper 256
// (FlashAttention-3's 989 / 3.9 = 254), Blackwell 512, Blackwell Ultra 256. Others as Hopper.
double matmul_flops_per_exponential(const Accelerator& gpu);
// Streaming multiprocessors of an accelerator, where published (NVIDIA H100 whitepaper: 132 on
// H100/H800/H200 SXM; H20 78; Blackwell B200 148; Blackwell Ultra 160); 0 when unknown.
double streaming_multiprocessors(const Accelerator& gpu);
// SMs the expert all-to-all kernels hold while they run beside compute: DeepSeek-V3 report sec.
// 3.2.2 ("only 20 SMs" of the H800's 132 for communication), Megatron-Core's moe_deepep_num_sms
// default 20 (TransformerConfig).
constexpr double kExpertCommStreamingMultiprocessors = 20;
// Seconds the compute beside an overlapped all-to-all loses to the SMs its kernels hold: that compute
// runs on (SMs - 20) of SMs for as long as the all-to-all lasts (at most the compute itself):
// min(compute, a2a) x 20 / (SMs - 20). 0 for an unknown SM count.
double expert_comm_sm_seconds(double compute_seconds, double all_to_all_seconds, double streaming_multiprocessors);
// Bytes per weight of the low-precision copy Transformer Engine keeps of each weight held in 16 bits:
// it quantizes the weights before the GEMMs and caches the result across micro-batches beside the
// BF16 weight (TE user guide, 'Performance Considerations', 'Memory usage', example 2: "2 MB (weight)
// + 1 MB (weight in FP8)" for a 1024 x 1024 Linear; module/linear.py, _fp8_workspaces["weight"]). In
// training the copy serves the forward (rowwise) and the backward's data gradient (columnwise:
// linear.py sets weight_quantizer.set_usage(rowwise=True, columnwise=...) when gradients are on;
// TransformerEngine commit d0067d0):
//   per-tensor FP8: 1 byte. Exact on Blackwell (B200/GB200/B300/GB300), whose FP8 GEMMs take any
//     layout. Hopper's FP8 GEMMs are TN only and TE keeps a transposed copy too (csrc/quantizer.cpp:
//     with_transpose = columnwise_usage && !nvte_is_non_tn_fp8_gemm_supported(), which is true for
//     sm 100-119 and 130+), 2 bytes, not counted: with it NeMo 24.07's Llama 3 8B on 8 H100 (CP 2,
//     assets/validation.json) fits at no recompute setting within the catalog's 80e9 bytes (the catalog
//     keeps the datasheet's decimal "80GB"; the device's HBM is counted in GiB, which is not modelled);
//   MXFP8: a rowwise and a columnwise copy (MXFP8Quantizer::create_tensor), each 1 byte plus an E8M0
//     scale per 32 values: 2 x (1 + 1/32);
//   NVFP4: the same two copies at 4 bits plus an E4M3 scale per 16 values: 2 x (0.5 + 1/16).
// 0 in 16-bit training.
double quantized_weight_copy_bytes_per_weight(Dtype compute, const std::string& fp8_scaling);
// Bytes of that copy for `weights` parameters held (fp8 / fp4 training). Bytes.
double fp8_weight_copy_bytes(double weights, double bytes_per_weight);
// Activation bytes one token's pass through an MLP of width `ffn` saves for the backward, counted as
// Korthikanti et al. 2022 sec. 4.1 count the dense MLP: the first linear's input (h values), the
// activation function's input (ffn, 2 x ffn for a gated SwiGLU unit, 16-bit) and the second linear's
// input (ffn values); linear inputs at `linear_input_bytes` (1 in fp8, Transformer Engine). A MoE
// layer saves it once per routed copy (k per token; Megatron-Core's grouped expert MLP) and once for
// its shared experts. Bytes per token.
// swiglu_fp8_input_recompute_output (training.moe_swiglu_cache "fp8-input"): the SwiGLU input is
// cached in FP8 (1 byte per value) and its output, the second linear's input, is recomputed in the
// backward instead of saved: DeepSeek-V3 report (arXiv:2412.19437) sec. 3.3.3, "Low-Precision
// Activation", (2) "Inputs of the SwiGLU operator in MoE ... we cache the inputs of the SwiGLU
// operator and recompute its output in the backward pass. These activations are also stored in FP8":
// h x lin + 2 x ffn x 1 (gated). swiglu_input_recompute_output (training.moe_swiglu_cache "input"):
// the input kept in 16 bits and the output recomputed, as Megatron-Core's recompute_modules "moe_act"
// does in its grouped expert MLP (transformer/moe/experts.py; not its shared experts): h x lin + 2 x
// ffn x 2 (gated).
double moe_expert_activation_bytes_per_token(double hidden, double ffn, bool gated, double linear_input_bytes,
                                             bool swiglu_fp8_input_recompute_output = false,
                                             bool swiglu_input_recompute_output = false);
// Activation bytes per layer and micro-batch freed by recomputing RMSNorms in the backward instead of
// storing their outputs (training.recompute_norms): DeepSeek-V3 report sec. 3.2.3, "Recomputation of
// RMSNorm and MLA Up-Projection", as Megatron-Core does it (recompute_modules "layernorm",
// transformer_layer.py): only a norm that is a module of its own is recomputed, the MoE layers'
// pre-MLP norm (its output feeds the router and the experts) and MLA's input norm (both
// down-projections read it); a norm fused into the next linear (Transformer Engine's LayerNormLinear:
// the QKV projection of other attention, a dense MLP's first linear, a Mamba block's input projection;
// models/hybrid/hybrid_layer_specs.py) keeps its output there. Measured: Nemotron 3 Nano on 16 H100
// freed 1.014 GB, its 23 MoE layers' norms (Megatron-Bridge activation-recompute skill). A norm's output
// is the next linear's input, which activation_bytes_per_layer counts (Korthikanti et al. 2022 sec. 4.1,
// 2 s b h in 16 bits; at `linear_input_bytes`, 1 in fp8). `tokens`: s x b of this GPU (/ t with sequence
// parallel); `norms`: the norms freed per layer, on average. norms x tokens x h x lin bytes.
double norm_recompute_saved_bytes(double tokens, double hidden, double linear_input_bytes, double norms);
// The norms a layer frees on average (norm_recompute_saved_bytes): 1 for MLA's input norm, plus the
// share of the layers with an MLP half that are MoE layers (their pre-MLP norm; a hybrid's mixer-only
// layers, which have none, give theirs back in training_step.cpp); a hybrid's Mamba blocks free none.
double recomputed_norms_per_layer(const Architecture& a);
// Activation bytes per layer and micro-batch freed by recomputing MLA's up-projections in the backward
// (same paragraph): the attention's backward reads queries, keys and values rebuilt from the
// compressed latents, which are kept instead. activation_bytes_per_layer counts Q, K and V at h values
// per token each in 16 bits, split over TP (Korthikanti: 2 + 2 + 2 s b h); the latents are the
// up-projections' inputs, q_lora_rank + kv_lora_rank + rope_head_dim values per token (DeepSeek-V3
// report sec. 2.1.1; the decoupled RoPE key comes from the down-projection) at `linear_input_bytes`,
// replicated over TP. max(0, 6 x tokens x h / tp - tokens x latents x lin) bytes.
double mla_up_projection_recompute_saved_bytes(double tokens, double hidden, double tp, double latent_values,
                                               double linear_input_bytes);
// Narrow GEMMs run below peak: x w / (w + half_width) for a GEMM of width w (the hidden size, or an
// expert's FFN width). A GEMM tile's fixed work (loading its operand panels, writing its output) moves
// bytes while its FLOPs grow with the width, so the width at half efficiency grows with the GPU's
// FLOP-to-byte ratio at the precision: gemm_half_width = 256 (fitted on the Megatron-LM A100 runs in
// bf16, 312 TFLOPS over 2,039 GB/s) x (peak / bandwidth) / (312e12 / 2039e9). H100 SXM bf16 ~494, fp8 ~988.
double gemm_width_factor(double width, double half_width);
double gemm_half_width(double peak_flops, double bandwidth_bytes_per_s);

// Default global batch: ~4M tokens per step (Llama 2's batch, Touvron et al. 2023), a power of two
// in sequences.
double default_global_batch_sequences(double seq_len);

// The scenario's own layout: training.tensor/pipeline/context/expert parallel, ZeRO, micro-batch,
// interleave, recompute, sequence parallel; data parallel = GPUs / (TP x PP x CP), rounded down.
TrainingLayout scenario_training_layout(const Scenario& s);
// The scenario's global batch in sequences (training.global_batch, or the default above).
double scenario_global_batch(const Scenario& s);

// What the step model needs of a scenario, resolved once (the planner costs thousands of layouts).
struct TrainingStepModel {
  Architecture arch;
  Accelerator gpu;
  double params = 0, active = 0, peak = 0, kernel_efficiency = 0.5, price = 0, tokens = 0;
  KernelEfficiency kernel_fit;     // the fit kernel_efficiency comes from when not given (generation, source)
  // fp8 / fp4 training keeps the attention products and the output head at 16 bits (DeepSeek-V3 report
  // sec. 3.3.1; Transformer Engine's FP8 attention, fp8_dpa, is off by default): their FLOPs run at the
  // bf16 peak x the generation's bf16 kernel efficiency (x the width factor). Equal to peak and
  // kernel_efficiency when training in bf16.
  bool mixed_precision = false;
  double peak16 = 0, kernel_efficiency16 = 0;
  double expert_params = 0;         // routed experts of every MoE layer (sharded by expert parallel)
  double active_expert_params = 0;  // the routed experts a token passes through
  RecipeBytes recipe;
  double attention_width = 0;  // attention_score_width (formulas.hpp)
  double matmul_flops_per_exponential = 256;  // matmul_flops_per_exponential(gpu)
  double attention_head_dim_factor = 1;       // attention_head_dim_factor at attention_width / heads
  double attention_kernel_factor = 1;  // flash_attention2_rate_factor with attention_kernel "flash2" at 16 bits, else 1
  // Of the TP traffic an overlapped layout hides beside its GEMMs: kTensorParallelOverlapHiddenShare, or
  // kAsyncTpHiddenShare with training.tp_comm_overlap_method "async-tp".
  double tp_overlap_hidden_share = kTensorParallelOverlapHiddenShare;
  double kv_width = 0;         // kv_heads x head_dim (what context parallel passes around the ring)
  double seq_len = 0;
  bool flash_attention = true;
  double goodput = 1;  // training.goodput
  Dtype dtype = Dtype::bf16;  // training.dtype
  bool dispatch_per_expert = false;  // training.expert_dispatcher == "alltoall": a copy per routed expert
  bool forced_balance = false;       // training.expert_balance == "forced": no busiest-expert excess
  bool balanced_pipeline = false;    // training.pipeline_split == "balanced"
  bool fp8_attention = false;        // training.fp8_attention in fp8 training: attention products at the fp8 rate
  double grad_reduce_bytes = 4;      // bytes per gradient on the data-parallel wire (training.grad_reduce_dtype)
  double gemm_half_width = 256;      // gemm_half_width(peak, bandwidth) at the training precision
  double fp8_scaling_factor = 1;     // fp8_scaling_kernel_factor (training.fp8_scaling); in kernel_efficiency
  double sp_gather_bytes = 2;        // sequence_parallel_gather_bytes_per_value at the training precision
  double weight_copy_bytes_per_weight = 0;  // quantized_weight_copy_bytes_per_weight
  // DeepSeek-V3's memory savings (scenario.hpp, TrainingSection): the recipe above already holds
  // training.optimizer_state_dtype; these the activations.
  bool swiglu_fp8_input = false;        // training.moe_swiglu_cache == "fp8-input"
  bool swiglu_input_only = false;       // training.moe_swiglu_cache == "input" (routed experts only)
  bool recompute_norms = false;         // training.recompute_norms
  bool recompute_mla_up = false;        // training.recompute_mla_up_projections (MLA models only)
  bool recompute_moe = false;           // training.recompute_moe (MoE models only)
  bool mtp_bf16 = false;                // training.mtp_bf16, in an fp8 / fp4 run with MTP modules trained
  bool fp8_params = false;              // training.fp8_params in fp8 training: weights held as the fp8 copy only
  double mtp_weight_bytes_per_param = 2;  // the recipe's 16-bit weights, what BF16-kept MTP modules hold with fp8_params
  double moe_forward_flops_per_token = 0;
  // The SSM scan's rate = ssm_scan_peak x ssm_scan_share: training.ssm_scan_efficiency x the 16-bit
  // peak when given (its meaning since round 18), else kSsmScanEfficiency x ssm_scan_peak_flops.
  double ssm_scan_peak = 0, ssm_scan_share = 0, ssm_scan_flops_per_s = 0;  // its recompute: 2 x the MoE layers' active expert, shared and router params
  // training.multi_token_prediction: the modules trained (0 otherwise) and their parameters.
  double mtp_layers = 0, mtp_params = 0, mtp_expert_params = 0;
  // FLOPs per token those two options add (formulas.hpp; 0 when off).
  double mtp_flops_per_token = 0, mla_recompute_flops_per_token = 0;
  double hbm_bytes_per_s = 0;        // memory bandwidth x the decode bandwidth efficiency (memory-bound kernels)
  // Costs one layout (no search). The plan is filled even when it does not fit (fits = false).
  TrainingPlan cost(const TrainingLayout& layout, double global_batch) const;
};
// `efficiency`: a given kernel efficiency (calibration: the value that reproduces a published run);
// unset: training.kernel_efficiency, else training_kernel_efficiency() x gemm_width_factor().
TrainingStepModel training_step_model(const Scenario& s, const Catalog& c = Catalog::builtin(),
                                      std::optional<double> efficiency = std::nullopt);
// One layout of a scenario; global_batch 0: scenario_global_batch(s).
TrainingPlan training_step(const Scenario& s, const TrainingLayout& layout, double global_batch = 0,
                           const Catalog& c = Catalog::builtin());

}  // namespace envelope
