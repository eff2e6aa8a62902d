// Plan files (planner.hpp): {"scenario": {...}, "planner": {...}} in, the planners' results out as
// JSON or text. The scenario is read by the scenario loader; the planner section by the same checks,
// with the field table's limits and choices for every key that means the same as a scenario field.
#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>

#include "envelope/catalog.hpp"
#include "envelope/format.hpp"
#include "envelope/json_input.hpp"
#include "envelope/planner.hpp"
#include "envelope/scenario_fields.hpp"
#include "envelope/setup.hpp"
#include "field_check.hpp"
#include "nearest_name.hpp"

namespace envelope {

namespace {

// The planner's own keys (no scenario field means the same): results kept, and the largest context-
// and expert-parallel degrees searched (0: the planner's default).
constexpr FieldLimits kPlannerKeep{1, 1000, true};
constexpr FieldLimits kPlannerMaxContextParallel{0, 1024, true};
constexpr FieldLimits kPlannerMaxExpertParallel{0, 4096, true};

}  // namespace

PlanFile load_plan_file(const std::string& text) {
  PlanFile f;
  JsonInput in = parse_json_input(text, kMaxPlanFileBytes, "plan file");
  if (!in.fatal.empty() || !in.value.is_object()) {
    f.fatal = !in.fatal.empty() ? in.fatal : "expected a JSON object";
    return f;
  }
  const nlohmann::json& j = in.value;
  nlohmann::json planner = nlohmann::json::object();
  nlohmann::json scenario = j;
  if (j.contains("scenario")) {
    scenario = j["scenario"];
    if (j.contains("planner")) planner = j["planner"];
  } else if (j.contains("planner")) {
    planner = j["planner"];
    scenario.erase("planner");
  }
  const LoadResult r = load_scenario_json(scenario.dump());
  if (!r.ok()) {
    f.fatal = "scenario: " + r.fatal;
    return f;
  }
  f.scenario = r.scenario;
  f.request.training = scenario_planner_options(f.scenario);  // the planner options below override it
  f.problems = std::move(in.problems);  // duplicate keys, with their paths in the plan file
  f.problems.insert(f.problems.end(), r.problems.begin(), r.problems.end());
  if (!planner.is_object()) {
    f.problems.push_back({"planner", "expected an object"});
    return f;
  }
  // Every value is checked by the scenario loader's own checks (field_check.hpp): a planner key that
  // means the same as a scenario field takes that field's limits and choices from the field table
  // (scenario_fields.hpp); the planner's own keys have theirs above.
  std::set<std::string> known;
  auto present = [&](const char* key) {
    known.insert(key);
    return planner.contains(key);
  };
  auto path_of = [](const char* key) { return std::string("planner.") + key; };
  auto limits = [](const char* field) { return field_spec(field).limits; };
  auto number = [&](const char* key, FieldLimits lim, double& out) {
    return present(key) && check_field_number(path_of(key), planner[key], lim, f.problems, out);
  };
  auto choice = [&](const char* key, const std::vector<std::string>& choices, size_t max_len, std::string& out) {
    return present(key) && check_field_text(path_of(key), planner[key], choices, max_len, f.problems, out);
  };
  auto like_text = [&](const char* key, const char* field, std::string& out) {
    const FieldSpec spec = field_spec(field);
    return choice(key, spec.choices, spec.max_len, out);
  };
  // A list of values, each read like one scenario field: at most kMaxPlannerListEntries (more than
  // the catalog holds), duplicates dropped.
  auto list = [&](const char* key, const char* field, std::vector<std::string>& out) {
    if (!present(key)) return;
    const nlohmann::json& v = planner[key];
    if (!v.is_array()) {
      f.problems.push_back({path_of(key), "expected an array of strings"});
      return;
    }
    if (v.size() > kMaxPlannerListEntries) {
      f.problems.push_back({path_of(key), "at most " + std::to_string(kMaxPlannerListEntries) + " entries, got " +
                                              std::to_string(v.size())});
      return;
    }
    const FieldSpec spec = field_spec(field);
    std::vector<std::string> got;
    for (const auto& e : v) {
      std::string s;
      if (!check_field_text(path_of(key), e, spec.choices, spec.max_len, f.problems, s)) return;
      if (std::find(got.begin(), got.end(), s) == got.end()) got.push_back(s);
    }
    out = got;
  };

  std::string mode = f.request.mode;
  if (choice("mode", {"training", "serving", "both", "finetune"}, 16, mode)) {
    f.request.mode = mode;
  } else if (!planner.contains("mode")) {
    // Unset, the mode follows the scenario's scope as the page's Planner does: training layouts when it
    // includes training, serving options when it includes GPU serving only, the fine-tune's settings
    // for a fine-tuning scenario, and nothing to plan for a CPU-served or data-only one (a pre-training
    // plan there answers another question).
    const bool training = f.scenario.include.training, gpu_serving = includes_gpu_serving(f.scenario);
    if (!training && gpu_serving) f.request.mode = "serving";
    if (!training && !gpu_serving && f.scenario.include.finetune) f.request.mode = "finetune";
    if (!training && !gpu_serving && !f.scenario.include.finetune)
      f.problems.push_back({"planner.mode", "the scenario includes neither training, GPU serving nor fine-tuning (its include "
                                            "section), so there is nothing to plan; set planner.mode to \"training\" or "
                                            "\"serving\" to plan one anyway"});
  }
  double batch = 0;
  if (number("global_batch", limits("training.global_batch"), batch)) f.request.training.global_batch = batch;
  double keep = 0;
  if (number("keep", kPlannerKeep, keep)) f.request.training.keep = static_cast<int>(keep);
  list("gpus", "hardware.gpu", f.request.serving.gpus);
  list("weights", "inference.weights", f.request.serving.weights);
  const Catalog& cat = Catalog::builtin();
  for (const std::string& g : f.request.serving.gpus)
    if (!cat.find_accelerator(g) && !(g == kCustomAccelerator && f.scenario.hardware.gpu == kCustomAccelerator))
      f.problems.push_back({"planner.gpus", "unknown accelerator '" + g + "'" + did_you_mean_accelerator(g, cat) +
                                                (g == kCustomAccelerator ? " (the scenario's hardware.gpu is not custom)" : "")});
  // Latency targets: unset, the scenario's serving section; loose targets (up to an hour to the first
  // token, a minute per token: the scenario's own limits) ask for the maximum-throughput configuration.
  double target = 0;
  if (number("ttft_target_seconds", limits("serving.ttft_target_seconds"), target)) f.request.serving.ttft_target_seconds = target;
  if (number("tpot_target_seconds", limits("serving.tpot_target_seconds"), target)) f.request.serving.tpot_target_seconds = target;
  double max_tp = 0;
  if (number("max_tensor_parallel", limits("training.tensor_parallel"), max_tp))
    f.request.serving.max_tensor_parallel = static_cast<int>(max_tp);
  if (present("tensor_parallel")) {
    const nlohmann::json& v = planner["tensor_parallel"];
    const FieldLimits lim = limits("inference.tensor_parallel");
    std::vector<int> got;
    bool ok = v.is_array() && !v.empty() && v.size() <= kMaxPlannerListEntries;
    if (!ok)
      f.problems.push_back({"planner.tensor_parallel",
                            "expected a non-empty array of at most " + std::to_string(kMaxPlannerListEntries) + " degrees"});
    for (size_t i = 0; ok && i < v.size(); ++i) {
      double d = 0;
      ok = check_field_number("planner.tensor_parallel", v[i], lim, f.problems, d);
      got.push_back(static_cast<int>(d));
    }
    if (ok) f.request.serving.tensor_parallel = got;
  }
  std::string percentile;
  if (like_text("percentile", "serving.latency_percentile", percentile)) f.request.serving.percentile = percentile;
  std::string layout;
  if (choice("layout", {"search", "scenario"}, 16, layout)) f.request.training.scenario_layout_only = layout == "scenario";
  double max_cp = 0, max_ep = 0;
  if (number("max_context_parallel", kPlannerMaxContextParallel, max_cp))
    f.request.training.max_context_parallel = static_cast<int>(max_cp);
  if (number("max_expert_parallel", kPlannerMaxExpertParallel, max_ep))
    f.request.training.max_expert_parallel = static_cast<int>(max_ep);
  like_text("pricing", "hardware.pricing", f.request.serving.pricing);
  if (present("expert_overlap")) {
    if (planner["expert_overlap"].is_boolean()) f.request.training.allow_expert_overlap = planner["expert_overlap"].get<bool>();
    else f.problems.push_back({"planner.expert_overlap", "expected true or false"});
  }
  if (present("tp_comm_overlap")) {
    if (planner["tp_comm_overlap"].is_boolean()) f.request.training.allow_tp_comm_overlap = planner["tp_comm_overlap"].get<bool>();
    else f.problems.push_back({"planner.tp_comm_overlap", "expected true or false"});
  }
  if (present("disaggregated")) {
    if (planner["disaggregated"].is_boolean()) f.request.serving.disaggregated = planner["disaggregated"].get<bool>();
    else f.problems.push_back({"planner.disaggregated", "expected true or false"});
  }
  for (auto it = planner.begin(); it != planner.end(); ++it)
    if (!known.count(it.key()))
      f.problems.push_back({"planner." + it.key(), "unknown key" + did_you_mean(it.key(), {known.begin(), known.end()})});
  // Beside "scenario" a file holds only "planner": a planner option or a misspelling at the top level
  // was ignored, and the search ran as if it were not there.
  if (j.contains("scenario"))
    for (auto it = j.begin(); it != j.end(); ++it)
      if (it.key() != "scenario" && it.key() != "planner")
        f.problems.push_back({it.key(), known.count(it.key()) ? "a planner option: put it in \"planner\" (planner." + it.key() + ")"
                                                              : "unknown key" + did_you_mean(it.key(), {"scenario", "planner"})});
  return f;
}

static nlohmann::json layout_json(const TrainingPlan& p) {
  const TrainingLayout& l = p.layout;
  nlohmann::json j = {{"tensor_parallel", l.tensor_parallel}, {"pipeline_parallel", l.pipeline_parallel}, {"interleave", l.interleave},
          {"data_parallel", l.data_parallel}, {"zero_stage", l.zero_stage}, {"micro_batch", l.micro_batch},
          {"recompute", l.recompute}, {"sequence_parallel", l.sequence_parallel},
          {"context_parallel", l.context_parallel}, {"expert_parallel", l.expert_parallel},
          {"expert_overlap", l.expert_overlap},
          {"tp_comm_overlap", l.tp_comm_overlap}, {"fits", p.fits},
          {"memory_bytes", {{"weights", p.weights_bytes}, {"gradients", p.gradients_bytes}, {"optimizer", p.optimizer_bytes},
                            {"activations", p.activations_bytes}, {"fp8_weight_copy", p.fp8_weight_copy_bytes},
                            {"gradient_copy", p.gradient_copy_bytes}, {"total", p.total_bytes}}},
          {"step_seconds", {{"compute", p.compute_seconds}, {"pipeline_bubble", p.bubble_seconds},
                            {"tensor_parallel", p.tensor_parallel_seconds}, {"context_parallel", p.context_parallel_seconds},
                            {"expert_parallel", p.expert_parallel_seconds},
                            {"expert_parallel_total", p.expert_parallel_total_seconds}, {"pipeline_p2p", p.pipeline_p2p_seconds},
                            {"pipeline_p2p_total", p.pipeline_p2p_total_seconds},
                            {"data_parallel", p.data_parallel_seconds},
                            {"data_parallel_exposed", p.data_parallel_exposed_seconds}, {"total", p.step_seconds}}},
          {"model_flops_utilization", p.model_flops_utilization}, {"hardware_tflops_per_gpu", p.hardware_tflops_per_gpu},
          {"model_tflops_per_gpu", p.model_tflops_per_gpu}, {"tokens_per_second_per_gpu", p.tokens_per_second_per_gpu},
          {"kernel_efficiency", p.kernel_efficiency},
          {"train_seconds", p.train_seconds}, {"gpu_hours", p.gpu_hours}, {"cost_usd", p.cost_usd}, {"bottleneck", p.bottleneck}};
  // The multi-token-prediction modules' part of the total, when trained (training.multi_token_prediction).
  if (p.mtp_bytes > 0) j["memory_bytes"]["mtp"] = p.mtp_bytes;
  return j;
}

static nlohmann::json finetune_plan_json(const FinetunePlan& p) {
  const FinetuneSection& x = p.settings;
  return {{"micro_batch", x.micro_batch}, {"gradient_accumulation", x.gradient_accumulation},
          {"gradient_checkpointing", x.gradient_checkpointing}, {"shard", x.shard}, {"cpu_offload", x.cpu_offload},
          {"offload_optimizer", x.offload_optimizer}, {"optimizer_in_backward", x.optimizer_in_backward}, {"fits", p.fits},
          {"time_is_lower_bound", p.lower_bound()},
          {"memory_bytes", p.memory_bytes}, {"tokens_per_second", p.tokens_per_second}, {"wall_seconds", p.wall_seconds},
          {"gpu_hours", p.gpu_hours}, {"cost_usd", p.cost_usd}};
}

std::string plan_to_json(const PlanFile& f, const TrainingPlannerResult* t, const ServingPlannerResult* s,
                         const FinetunePlannerResult* ft, int indent) {
  nlohmann::json out = nlohmann::json::object();
  (void)f;
  if (ft) {
    // "priced": false for a GPU without a price (its costs are 0, as the report's "unpriced").
    nlohmann::json fj = {{"considered", ft->considered}, {"fitting", ft->fitting}, {"why_best", ft->why_best},
                         {"priced", has_gpu_price(f.scenario, Catalog::builtin())}, {"ranked", nlohmann::json::array()}};
    for (const FinetunePlan& p : ft->ranked) fj["ranked"].push_back(finetune_plan_json(p));
    out["finetune"] = fj;
  }
  if (t) {
    nlohmann::json tj;
    tj["global_batch"] = t->global_batch;
    tj["considered"] = t->considered;
    tj["fitting"] = t->fitting;
    tj["why_best"] = t->why_best;
    tj["ranked"] = nlohmann::json::array();
    for (const TrainingPlan& p : t->ranked) tj["ranked"].push_back(layout_json(p));
    tj["rejected"] = nlohmann::json::array();
    for (const RejectedFamily& r : t->rejected) tj["rejected"].push_back({{"family", r.family}, {"reason", r.reason}});
    out["training"] = tj;
  }
  if (s) {
    nlohmann::json sj;
    sj["peak_qps"] = s->peak_qps;
    sj["peak_tokens_per_second"] = s->peak_tokens_per_second;
    sj["ttft_target_seconds"] = s->ttft_target_seconds;
    sj["tpot_target_seconds"] = s->tpot_target_seconds;
    sj["percentile"] = s->percentile;
    sj["pricing"] = s->pricing;
    sj["configurations"] = s->configurations;
    sj["ranked"] = nlohmann::json::array();
    for (const ServingOption& o : s->ranked)
      sj["ranked"].push_back({{"gpu", o.gpu}, {"weights", o.weights}, {"tensor_parallel", o.tensor_parallel},
                              {"expert_parallel", o.expert_parallel}, {"batch", o.batch}, {"max_batch", o.max_batch}, {"ttft_seconds", o.ttft_seconds},
                              {"tpot_seconds", o.tpot_seconds}, {"tokens_per_second_per_replica", o.tokens_per_second_per_replica},
                              {"replicas", o.replicas}, {"gpus", o.gpus}, {"usd_per_gpu_hour", o.usd_per_gpu_hour},
                              {"monthly_usd", o.monthly_usd}, {"usd_per_million_tokens", o.usd_per_million_tokens},
                              {"meets_targets", o.meets_targets}, {"fits", o.fits}, {"priced", o.priced}, {"note", o.note},
                              {"disaggregated", o.disaggregated}, {"prefill_replicas", o.prefill_replicas},
                              {"decode_replicas", o.decode_replicas}});
    out["serving"] = sj;
  }
  return out.dump(indent);
}

std::string plan_to_text(const PlanFile& f, const TrainingPlannerResult* t, const ServingPlannerResult* s,
                         const FinetunePlannerResult* ft) {
  std::string out;
  char buf[512];
  // A GPU without a price (and none typed) costs "no price", as in the report (Result::unpriced).
  const bool unpriced = !has_gpu_price(f.scenario, Catalog::builtin());
  if (ft) {
    std::snprintf(buf, sizeof buf, "Fine-tuning (%s): %d ways of running it considered, %d fit\n", f.scenario.finetune.method.c_str(),
                  ft->considered, ft->fitting);
    out += buf;
    out += "Best: " + ft->why_best + "\n";
    if (std::any_of(ft->ranked.begin(), ft->ranked.end(), [](const FinetunePlan& p) { return p.lower_bound(); }))
      out += "(>= : FSDP CPU offload, whose optimizer step on the CPU the time leaves out; listed after the plans costed in full)\n";
    out += "\n";
    out += "rank  settings                                                          fits  GB/GPU     tok/s       time      cost\n";
    int i = 0;
    for (const FinetunePlan& p : ft->ranked) {
      std::snprintf(buf, sizeof buf, "%4d  %-65s %4s %7.1f %9s %10s %9s\n", ++i, describe_finetune_plan(p.settings).c_str(),
                    p.fits ? "yes" : "no", p.memory_bytes / 1e9, format_number(p.tokens_per_second).c_str(),
                    ((p.lower_bound() ? ">= " : "") + format_seconds(p.wall_seconds)).c_str(), unpriced ? "no price" : format_usd(p.cost_usd).c_str());
      out += buf;
    }
  }
  if (t) {
    std::snprintf(buf, sizeof buf, "Training: %d layouts considered, %d fit; global batch %.0f sequences\n", t->considered,
                  t->fitting, t->global_batch);
    out += buf;
    out += "Best: " + t->why_best + "\n\n";
    out += "rank  layout                                                         step s   MFU   GB/GPU   days      cost\n";
    int i = 0;
    for (const TrainingPlan& p : t->ranked) {
      std::snprintf(buf, sizeof buf, "%4d  %-62s %7s %4.0f%% %7.1f %6.1f %9s\n", ++i, describe_layout(p.layout).c_str(), format_number(p.step_seconds, 3).c_str(),
                    100 * p.model_flops_utilization, p.total_bytes / 1e9, p.train_seconds / 86400, unpriced ? "no price" : format_usd(p.cost_usd).c_str());
      out += buf;
    }
    if (!t->rejected.empty()) out += "\nRejected:\n";
    for (const RejectedFamily& r : t->rejected) out += "  " + r.family + ": " + r.reason + "\n";
  }
  if (s) {
    std::snprintf(buf, sizeof buf,
                  "%sServing: peak %s QPS, %s output tokens/s; targets TTFT <= %s, TPOT <= %s (%s); "
                  "%s prices; %d configurations (GPU x weights x tensor parallel)\n",
                  t ? "\n" : "", format_number(s->peak_qps).c_str(), format_number(s->peak_tokens_per_second).c_str(),
                  format_seconds(s->ttft_target_seconds).c_str(), format_seconds(s->tpot_target_seconds).c_str(),
                  s->percentile.c_str(), s->pricing.c_str(), s->configurations);
    out += buf;
    out += "gpu               weights  TP  batch  TTFT ms  TPOT ms   tok/s/replica  replicas  GPUs      $/month   $/M tok  targets\n";
    const size_t shown = 30;
    size_t row = 0;
    for (const ServingOption& o : s->ranked) {
      if (++row > shown) {
        std::snprintf(buf, sizeof buf, "... %zu more (--format json lists them all)\n", s->ranked.size() - shown);
        out += buf;
        break;
      }
      if (!o.fits) {
        std::snprintf(buf, sizeof buf, "%-17s %-7s   -      -        -        -               -         -     -            -         -  %s\n",
                      o.gpu.c_str(), o.weights.c_str(), o.note.c_str());
        out += buf;
        continue;
      }
      char per_million[32] = "-";
      if (o.priced) std::snprintf(per_million, sizeof per_million, "%.3f", o.usd_per_million_tokens);
      std::snprintf(buf, sizeof buf, "%-17s %-7s %3d %6.0f %8.1f %8.2f %15s %9.0f %5.0f %12s %9s  %s (%s)\n", o.gpu.c_str(),
                    o.weights.c_str(), o.tensor_parallel, o.batch, o.ttft_seconds * 1e3, o.tpot_seconds * 1e3,
                    format_number(o.tokens_per_second_per_replica).c_str(), o.replicas, o.gpus,
                    o.priced ? format_usd(o.monthly_usd).c_str() : "no price", per_million, o.meets_targets ? "met" : "missed",
                    (o.expert_parallel > 1 ? "expert parallel " + std::to_string(o.expert_parallel) + "; " + o.note : o.note).c_str());
      out += buf;
    }
  }
  return out;
}


}  // namespace envelope
