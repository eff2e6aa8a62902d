// Cross-field conflicts of the model overrides (see conflicts.hpp).
#include "envelope/conflicts.hpp"

#include "envelope/evaluate.hpp"
#include "envelope/format.hpp"
#include "envelope/formulas.hpp"

namespace envelope {

namespace {


// The override a conflict is blamed on, with the message, or an empty path if none.
Problem first_conflict(const Scenario& s, const Catalog& c) {
  const ModelSection& m = s.model;
  const Architecture a = architecture_as_given(s, c);
  // Grouped-query attention shares each KV head among several query heads (Ainslie et al. 2023):
  // kv_heads <= heads. Only a kv_heads override can break it (a heads override alone pulls the
  // preset's kv_heads down with it).
  if (a.kv_heads > a.heads)
    return {m.kv_heads ? "model.kv_heads" : "model.heads",
            "kv_heads " + format_message_number(a.kv_heads) + " is more than the " + format_message_number(a.heads) +
                " attention heads (each KV head serves one or more query heads)"};
  // A token is routed to experts_per_token of the experts (Shazeer et al. 2017): k <= E. experts = 0
  // makes the model dense, where k is unused.
  if (a.experts_per_token > a.experts && (m.experts_per_token || a.experts > 0))
    return {m.experts_per_token ? "model.experts_per_token" : "model.experts",
            "experts_per_token " + format_message_number(a.experts_per_token) + " is more than the " + format_message_number(a.experts) +
                " experts (model.experts) a token can be routed to"};
  // A Mamba-2 layer needs its shape (Dao & Gu 2024): heads, head width and state size.
  if (a.linear_layers > 0 && (a.ssm_heads <= 0 || a.ssm_head_dim <= 0 || a.ssm_state <= 0))
    return {m.linear_layers ? "model.linear_layers" : "model.ssm_heads",
            format_message_number(a.linear_layers) +
                " SSM layers need model.ssm_heads, model.ssm_head_dim and model.ssm_state (mamba_num_heads, mamba_head_dim, "
                "ssm_state_size in a Mamba-2 config.json)"};
  // LatentMoE projects hidden down to the latent (Nemotron 3 white paper): the latent is narrower.
  if (a.moe_latent > a.hidden)
    return {m.moe_latent ? "model.moe_latent" : "model.hidden",
            "moe_latent " + format_message_number(a.moe_latent) + " is wider than the hidden size " + format_message_number(a.hidden) +
                " (LatentMoE projects tokens down to it)"};
  // torchtitan's per-op selective checkpointing is modelled for dense attention layers
  // (formulas.hpp op_checkpoint_applies); the step model runs selective recompute instead.
  if (s.training.recompute == "op" && !op_checkpoint_applies(a))
    return {"training.recompute", std::string("recompute \"op\" is modelled for dense attention layers; this model has ") +
                                      (a.experts > 0 ? "experts" : a.attention == "mla" ? "latent attention (MLA)" : "SSM or mixer-only layers")};
  if (m.active_params) {
    const Architecture r = resolved_architecture(s, c);
    const double total = m.params ? *m.params : params_total(r);
    if (*m.active_params > total)
      return {"model.active_params", "active_params " + format_message_number(*m.active_params) + " is more than the " + format_message_number(total) +
                                         " parameters of the model" + (m.params ? " (model.params)" : "")};
  }
  return {};
}

void reset(Scenario& s, const std::string& path) {
  ModelSection& m = s.model;
  if (path == "model.kv_heads") m.kv_heads.reset();
  else if (path == "model.heads") m.heads.reset();
  else if (path == "model.experts_per_token") m.experts_per_token.reset();
  else if (path == "model.experts") m.experts.reset();
  else if (path == "model.active_params") m.active_params.reset();
  else if (path == "model.linear_layers") m.linear_layers.reset();
  else if (path == "model.moe_latent") m.moe_latent.reset();
  else if (path == "model.hidden") m.hidden.reset();
  else if (path == "training.recompute") s.training.recompute = "selective";
  else if (path == "model.ssm_heads") {
    m.ssm_heads.reset();
    m.ssm_head_dim.reset();
    m.ssm_state.reset();
  }
}

// Removes the blamed override, one conflict at a time. Each round removes one of the ten fields
// a conflict can be blamed on, and the presets are consistent (catalog tests): at most ten rounds.
Scenario remove_conflicts(const Scenario& s, const Catalog& c, std::vector<Problem>& found) {
  Scenario x = s;
  for (int round = 0; round < 10; ++round) {
    const Problem p = first_conflict(x, c);
    if (p.path.empty()) break;
    found.push_back(p);
    reset(x, p.path);
  }
  return x;
}

}  // namespace

std::vector<Problem> model_conflicts(const Scenario& s, const Catalog& c) {
  std::vector<Problem> found;
  remove_conflicts(s, c, found);
  return found;
}

Scenario without_model_conflicts(const Scenario& s, std::vector<Problem>& problems, const Catalog& c) {
  std::vector<Problem> found;
  const Scenario x = remove_conflicts(s, c, found);
  for (const Problem& p : found)
    problems.push_back({p.path, p.message + (p.path == "training.recompute" ? "; using selective" : "; using the preset's value")});
  return x;
}

}  // namespace envelope
