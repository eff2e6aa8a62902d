#include "nearest_name.hpp"

#include <algorithm>
#include <cctype>

#include "envelope/catalog.hpp"

namespace envelope {

namespace {

std::string folded(const std::string& s) {
  std::string out;
  for (const char c : s)
    if (c != '-' && c != '_' && c != '.' && c != ' ') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string nearest_name(const std::string& typed, const std::vector<std::string>& names) {
  constexpr size_t kMaxCompared = 64, kInside = 100, kContains = 200, kEdited = 1000;  // names are short; a pasted paragraph is not a typo
  const std::string t = folded(typed.substr(0, kMaxCompared));
  if (t.empty()) return "";
  const size_t limit = t.size() < 6 ? 1 : std::max<size_t>(2, t.size() / 4);  // "zz" is not a slip of "l4"
  std::string best;
  size_t best_score = static_cast<size_t>(-1);
  for (const std::string& name : names) {
    const std::string n = folded(name);
    if (n.empty()) continue;
    size_t score;
    if (n == t)
      score = 0;
    else if (t.size() >= 3 && n.compare(0, t.size(), t) == 0)
      score = 1 + n.size() - t.size();  // "h100" -> "h100-sxm": the name begun, by what is missing
    else if (t.size() >= 3 && n.find(t) != std::string::npos)
      score = kInside + n.size() - t.size();  // "4090" -> "rtx-4090"
    else if (n.size() >= 3 && t.find(n) != std::string::npos)
      score = kContains + t.size() - n.size();  // "llama-2-7b-chat" -> "llama-2-7b", "a100" -> "a10" last
    else {
      const size_t d = edit_distance(t, n);
      if (d > limit) continue;
      score = kEdited + d;  // last: "h100" means "h100-sxm" more than "h200"
    }
    if (score < best_score) {
      best_score = score;
      best = name;
    }
  }
  return best == typed ? "" : best;
}

std::string did_you_mean(const std::string& typed, const std::vector<std::string>& names) {
  const std::string n = nearest_name(typed, names);
  return n.empty() ? "" : " (did you mean '" + n + "'?)";
}

std::string did_you_mean_accelerator(const std::string& typed, const Catalog& cat) {
  std::vector<std::string> ids;
  for (const Accelerator& a : cat.accelerators) ids.push_back(a.id);
  return did_you_mean(typed, ids);
}

std::string did_you_mean_model(const std::string& typed, const Catalog& cat) {
  std::vector<std::string> ids;
  for (const ModelPreset& m : cat.models) ids.push_back(m.id);
  return did_you_mean(typed, ids);
}

}  // namespace envelope
