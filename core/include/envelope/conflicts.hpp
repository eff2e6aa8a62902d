// Cross-field conflicts among a scenario's model overrides and the preset they override: more KV
// heads than attention heads, more experts per token than experts, more active than total
// parameters, and training.recompute "op" on a model with other than dense attention layers. The loader reports each as a Problem and drops the conflicting override; evaluate()
// warns about each one in a scenario built in code (the page's inputs), never caps silently.
#pragma once
#include <vector>

#include "envelope/catalog.hpp"
#include "envelope/scenario.hpp"

namespace envelope {

// Each conflict names the override to blame (the field the user set) and both values.
std::vector<Problem> model_conflicts(const Scenario& s, const Catalog& c = Catalog::builtin());

// The scenario with each blamed override removed (the preset's value applies), until none is left;
// a Problem per removal is appended to `problems`.
Scenario without_model_conflicts(const Scenario& s, std::vector<Problem>& problems, const Catalog& c = Catalog::builtin());

}  // namespace envelope
