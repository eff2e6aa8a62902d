// Internal to core/src: "did you mean" for names a user types (scenario keys, model presets,
// accelerator ids, planner keys). A message that names the likely intended key turns a typo into a
// one-second fix instead of a search through the README.
#pragma once
#include <string>
#include <vector>

namespace envelope {

class Catalog;

// The name in `names` closest to `typed`, or "" when none is close. Compared case-insensitively with
// '-', '_', '.' and spaces removed ("Llama3_70B" is "llama-3-70b"). In order of preference: equal so
// compared; a name that begins with what was typed ("h100" -> "h100-sxm", the shortest such); one that
// holds it ("4090" -> "rtx-4090"); one that what was typed holds ("allow_expert_overlap" ->
// "expert_overlap"), each of at least 3 characters; else an edit distance of at most 1 (under 6 characters) or max(2, length / 4)
// (Levenshtein: insertions, deletions and substitutions of one character each: "b20" -> "b200").
// Ties go to the earlier name.
std::string nearest_name(const std::string& typed, const std::vector<std::string>& names);

// " (did you mean 'x'?)" for the nearest name, or "" when there is none: appended to a message.
std::string did_you_mean(const std::string& typed, const std::vector<std::string>& names);
// The same against the catalog's accelerator ids, or its model preset ids.
std::string did_you_mean_accelerator(const std::string& typed, const Catalog& cat);
std::string did_you_mean_model(const std::string& typed, const Catalog& cat);

}  // namespace envelope
