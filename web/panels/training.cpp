// Training: FLOPs, PF-days, wall time, GPU-hours, cost, Chinchilla tokens, the budget verdict (seed
// Q5), and cost against training tokens.
#include <cmath>

#include "../panel_state.hpp"
#include "../panels.hpp"
#include "../ui.hpp"
#include "envelope/sweep.hpp"
#include "envelope/format.hpp"
#include "imgui.h"

namespace envelope::ui {

std::string training_budget_verdict(const Report& r, double budget_usd) {
  // Over budget is training.budget_usd's warning; an unpriced GPU's ratio is "no price"; an overflowed
  // cost leaves a ratio of 0 with its own warning. None of them is "within".
  const double ratio = r.value("training.budget_ratio");
  if (budget_usd <= 0 || r.unpriced("training.budget_ratio") || !(ratio > 0 && ratio <= 1)) return "";
  return "Within budget (" + format_number(ratio * 100, 3) + "% of it)";
}

void draw_training(App& app) {
  if (!panel_included("Training", app.scenario())) return;  // section not in the scenario (include)
  if (!begin_panel(app, "Training")) {
    ImGui::End();
    return;
  }
  Scenario& s = app.edit();
  input_field(app, "tokens", "training.tokens");
  const Result* mfu = app.report().find("training.mfu");
  // MFU comes from the step model at the scenario's layout (below) unless typed in here.
  input_field(app, "MFU", "training.mfu", mfu ? mfu->value : 0.4);
  if (s.training.mfu) {
    ImGui::SameLine();
    if (ImGui::SmallButton("from layout")) app.edit().training.mfu.reset();
    ImGui::SetItemTooltip("Drop the typed MFU: compute the time from the layout with the step model");
  }
  input_field(app, "global batch (sequences)", "training.global_batch", app.report().value("training.step.global_batch"));
  input_field(app, "goodput", "training.goodput");
  input_field(app, "kernel efficiency", "training.kernel_efficiency", app.report().value("training.step.kernel_efficiency"));
  input_choice(app, "compute dtype", s.training.dtype, {"fp32", "tf32", "bf16", "fp16", "fp8", "fp4"});
  input_field(app, "budget $", "training.budget_usd");
  if (begin_result_table("train")) {
    result_row(app, "Training FLOPs", "training.flops");
    result_row(app, "PF-days", "training.pf_days");
    result_row(app, "Chinchilla-optimal tokens", "training.chinchilla_tokens");
    range_row(app, "Wall time", "training.wall_seconds");
    result_row(app, "GPU-hours", "training.gpu_hours");
    range_row(app, "Cost", "training.cost_usd");
    if (s.training.budget_usd > 0) {
      result_row(app, "Cost / budget", "training.budget_ratio");
      result_row(app, "Tokens the budget buys", "training.max_tokens_for_budget");
      result_row(app, "Largest Chinchilla model", "training.max_params_for_budget");
    }
    ImGui::EndTable();
  }
  const std::string verdict = training_budget_verdict(app.report(), s.training.budget_usd);
  if (!verdict.empty()) ImGui::TextColored(ImVec4(0.45f, 0.85f, 0.45f, 1), "%s", verdict.c_str());
  warnings_for(app, {"training.tokens", "training.mfu", "training.budget", "training.global_batch", "hardware.price_per_gpu_hour"});

  // One step at the scenario's layout (Memory panel: TP, PP, CP, EP, ZeRO, micro-batch), the same
  // model the Planner ranks layouts with.
  ImGui::SeparatorText("Step at this layout");
  if (begin_result_table("step")) {
    result_row(app, "Step", "training.step.step_seconds");
    result_row(app, "Compute", "training.step.compute_seconds");
    if (app.report().find("training.step.bf16_flops"))
      result_row(app, "  16-bit FLOPs (attention, output head)", "training.step.bf16_flops");
    if (app.report().find("training.step.mtp_flops")) result_row(app, "  of it, MTP module FLOPs", "training.step.mtp_flops");
    if (app.report().find("training.step.ssm_scan_seconds"))
      result_row(app, "  of it, the SSM layers' scan", "training.step.ssm_scan_seconds");
    if (app.report().find("training.step.attention_head_dim_seconds"))
      result_row(app, "  of it, attention heads under 128 wide", "training.step.attention_head_dim_seconds");
    if (app.report().find("training.step.attention_kernel_seconds"))
      result_row(app, "  of it, FlashAttention-2's slower attention", "training.step.attention_kernel_seconds");
    if (app.report().find("training.step.mla_recompute_flops"))
      result_row(app, "  of it, MLA up-projections recomputed", "training.step.mla_recompute_flops");
    result_row(app, "Pipeline bubble", "training.step.bubble_seconds");
    result_row(app, "Tensor-parallel all-reduces", "training.step.tensor_parallel_seconds");
    result_row(app, "Context-parallel ring (exposed)", "training.step.context_parallel_seconds");
    result_row(app, "Expert all-to-all", "training.step.expert_parallel_seconds");
    if (app.report().find("training.step.moe_work_seconds")) {
      result_row(app, "MoE token permutation", "training.step.moe_permutation_seconds");
      result_row(app, "SMs held by the all-to-all", "training.step.expert_comm_sm_seconds");
      result_row(app, "Expert weight traffic", "training.step.expert_weight_seconds");
    }
    result_row(app, "Pipeline sends", "training.step.pipeline_p2p_seconds");
    result_row(app, "Data parallel (exposed)", "training.step.data_parallel_exposed_seconds");
    result_row(app, "Micro-batches per step", "training.step.micro_batches");
    result_row(app, "Step MFU (Megatron count)", "training.step.model_flops_utilization");
    result_row(app, "Tokens/s per GPU", "training.step.tokens_per_second_per_gpu");
    ImGui::EndTable();
  }
  warnings_for(app, {"training.step", "training.goodput", "training.kernel_efficiency"});

  // Cost against tokens (log sweep over four decades around the chosen count); recomputed only when
  // the scenario changes.
  TrainingPanelState& st = app.panel_state().training;
  std::vector<double>&xs = st.tokens, &cost = st.cost;
  if (app.revision() != st.revision) {  // recompute only when the scenario changed
    st.revision = app.revision();
    xs.clear();
    cost.clear();
    const double center = s.training.tokens > 0 ? s.training.tokens : 1e12;
    for (const TrainingPoint& p : training_cost_sweep(s, center / 100, center * 100, 41)) {
      xs.push_back(p.tokens);
      cost.push_back(p.cost_usd);
    }
  }
  ImGui::SeparatorText("Cost against training tokens");
  LineChartOptions chart;
  chart.x_label = "training tokens";
  chart.y_label = "cost (USD)";
  chart.y_unit = "USD";
  chart.log_x = true;
  chart.x_lines.push_back({s.training.tokens, "chosen " + format_number(s.training.tokens)});
  chart.x_lines.push_back({app.report().value("training.chinchilla_tokens"), "Chinchilla-optimal"});
  if (s.training.budget_usd > 0) chart.y_lines.push_back({s.training.budget_usd, "budget " + format_usd(s.training.budget_usd)});
  if (gpu_unpriced(app))
    ImGui::TextDisabled("No cost chart: the GPU has no price (set $ per GPU-hour in Model & hardware).");
  else
    line_chart(app, "cost_vs_tokens", xs, {{"cost", cost, palette(1)}}, chart);
  ImGui::End();
}

}  // namespace envelope::ui
