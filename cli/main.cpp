// envelope: the native command. Scenario JSON in, report out.
//   envelope eval FILE.json [--format text|json|markdown] [--binary]
//   envelope eval --link URL   |   envelope eval --example ID
//   envelope catalog gpus|models|examples
//   envelope validate [--format text|json|markdown]   (exit 1 if a case is out of tolerance)
//   envelope plan FILE.json [--format text|json]       (training layouts and/or serving options)
//   envelope import CONFIG.json [--name NAME]          (Hugging Face config.json -> scenario model section)
// Exit codes: 0 ok, 2 bad input (the message names the field), 1 usage.
// One rule for problems in any input (file, link, plan file): every problem is printed on stderr
// with its field, no report is printed, and the exit code is 2. Inputs are read up to their size
// limit only (docs/limits.md): `envelope eval /dev/zero` stops at 64 KB.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "envelope/catalog.hpp"
#include "envelope/evaluate.hpp"
#include "envelope/examples.hpp"
#include "envelope/format.hpp"
#include "envelope/formulas.hpp"
#include "envelope/import.hpp"
#include "envelope/link.hpp"
#include "envelope/calibration.hpp"
#include "envelope/planner.hpp"
#include "envelope/validation.hpp"

using namespace envelope;

namespace {

int usage() {
  std::fputs(
      "usage: envelope eval FILE.json [--format text|json|markdown] [--binary]\n"
      "       envelope eval --link URL [--format ...]\n"
      "       envelope eval --example ID [--format ...]\n"
      "       envelope link FILE.json          (prints the #s= fragment)\n"
      "       envelope catalog gpus|models|examples\n"
      "       envelope validate [--format text|json|markdown]\n"
      "       envelope plan FILE.json [--format text|json]\n"
      "       envelope import CONFIG.json [--name NAME]   (prints a scenario with the model)\n",
      stderr);
  return 1;
}

// Problems echo what the input held (keys, values): printed without control characters.
void print_problems(const std::string& where, const std::vector<Problem>& problems) {
  for (const Problem& p : problems)
    std::fprintf(stderr, "%s: %s: %s\n", terminal_text(where).c_str(), terminal_text(p.path).c_str(),
                 terminal_text(p.message).c_str());
}

// Reads at most `limit` bytes (one more to tell that there is more): a device or a huge file is
// refused after `limit` + 1 bytes instead of being read whole. Prints the reason and returns false.
bool read_file(const std::string& path, size_t limit, std::string& out) {
  std::ifstream f(path, std::ios::binary);
  std::string buf(limit + 1, '\0');
  if (f) f.read(buf.data(), static_cast<std::streamsize>(buf.size()));
  if (!f && !f.eof()) {
    std::fprintf(stderr, "%s: cannot read the file\n", terminal_text(path).c_str());
    return false;
  }
  buf.resize(static_cast<size_t>(f.gcount()));
  if (buf.size() > limit) {
    std::fprintf(stderr, "%s: larger than the limit of %zu bytes\n", terminal_text(path).c_str(), limit);
    return false;
  }
  out = std::move(buf);
  return true;
}

int print_report(const Scenario& s, const std::string& format, bool binary) {
  const Report r = evaluate(s);
  if (format == "json")
    std::cout << r.to_json(2) << "\n";
  else if (format == "markdown")
    std::cout << "# " << (s.name.empty() ? "Envelope estimate" : markdown_text(s.name)) << "\n\n" << r.to_markdown(binary);
  else
    std::cout << r.to_text(binary);
  return 0;
}

int catalog(const std::string& what) {
  const Catalog& c = Catalog::builtin();
  if (what == "gpus") {
    std::printf("%-16s %-42s %10s %9s %11s %9s\n", "id", "name", "bf16 TFLOPS", "memory", "bandwidth", "$/h");
    for (const Accelerator& a : c.accelerators) {
      const std::string price = a.on_demand_usd_per_hour ? format_usd(*a.on_demand_usd_per_hour) : "-";
      std::printf("%-16s %-42s %10.1f %9s %8.0f GB/s %9s\n", a.id.c_str(), a.name.c_str(), a.peak_flops(Dtype::bf16) / 1e12,
                  format_bytes(a.memory_bytes, false).c_str(), a.bandwidth_bytes_per_s / 1e9, price.c_str());
    }
    return 0;
  }
  if (what == "models") {
    // Counts as people read them ("6.74 B"), never 6.738e+09.
    std::printf("%-16s %-22s %14s %14s %7s %7s\n", "id", "name", "params", "active", "layers", "hidden");
    for (const ModelPreset& m : c.models)
      std::printf("%-16s %-22s %14s %14s %7.0f %7.0f\n", m.id.c_str(), m.name.c_str(), format_number(params_total(m.arch)).c_str(),
                  format_number(params_active(m.arch)).c_str(), m.arch.layers, m.arch.hidden);
    return 0;
  }
  if (what == "examples") {
    for (const Example& e : examples()) std::printf("%-24s %s\n", e.id.c_str(), e.title.c_str());
    return 0;
  }
  return usage();
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) return usage();
  std::string format = "text", file, link, example, name;
  bool binary = false;
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--format" && i + 1 < args.size())
      format = args[++i];
    else if (args[i] == "--link" && i + 1 < args.size())
      link = args[++i];
    else if (args[i] == "--example" && i + 1 < args.size())
      example = args[++i];
    else if (args[i] == "--name" && i + 1 < args.size())
      name = args[++i];
    else if (args[i] == "--binary")
      binary = true;
    else if (!args[i].empty() && args[i][0] != '-' && file.empty())
      file = args[i];
    else
      return usage();
  }
  if (format != "text" && format != "json" && format != "markdown") {
    std::fprintf(stderr, "envelope: --format must be text, json or markdown\n");
    return 1;
  }
  const std::string& cmd = args[0];
  if (cmd == "catalog") return args.size() == 2 ? catalog(args[1]) : usage();
  if (cmd == "validate") {
    const ValidationReport v = validate();
    std::cout << (format == "json" ? v.to_json(2) + "\n" : format == "markdown" ? v.to_markdown() : v.to_text());
    // The training step model's kernel efficiencies, fitted per GPU generation and dtype, with each
    // record's error when it is left out of the fit (calibration.hpp).
    // Then the hybrid models' SSM scan efficiency, fitted the same way (calibration.hpp).
    if (format == "markdown")
      std::cout << "\n" << fit_training_kernel_efficiency().to_markdown() << "\n" << fit_ssm_scan_efficiency().to_markdown()
                << "\n" << fit_async_tp_hidden_share().to_markdown();
    for (const CaseResult& r : v.results)
      if (r.c->excluded.empty() && !r.within) return 1;
    return 0;
  }
  if (cmd == "plan") {
    std::string text;
    if (file.empty()) return usage();
    if (!read_file(file, kMaxPlanFileBytes, text)) return 2;
    const PlanFile f = load_plan_file(text);
    if (!f.fatal.empty()) {
      std::fprintf(stderr, "%s: %s\n", terminal_text(file).c_str(), f.fatal.c_str());
      return 2;
    }
    if (!f.problems.empty()) {
      print_problems(file, f.problems);
      return 2;
    }
    TrainingPlannerResult t;
    ServingPlannerResult sv;
    FinetunePlannerResult ft;
    const std::string& mode = f.request.mode;
    const bool training = mode == "training" || mode == "both", serving = mode == "serving" || mode == "both",
               finetune = mode == "finetune";
    if (training) t = plan_training(f.scenario, f.request.training);
    if (serving) sv = plan_serving(f.scenario, f.request.serving);
    if (finetune) ft = plan_finetune(f.scenario, f.request.training.keep);
    std::cout << (format == "json" ? plan_to_json(f, training ? &t : nullptr, serving ? &sv : nullptr, finetune ? &ft : nullptr) + "\n"
                                   : plan_to_text(f, training ? &t : nullptr, serving ? &sv : nullptr, finetune ? &ft : nullptr));
    return 0;
  }
  if (cmd == "import") {
    std::string text;
    if (file.empty()) return usage();
    if (!read_file(file, kMaxConfigJsonBytes, text)) return 2;
    const ImportResult r = import_hf_config(text, name);
    if (!r.ok()) {
      std::fprintf(stderr, "%s: %s\n", terminal_text(file).c_str(), terminal_text(r.error).c_str());
      return 2;
    }
    for (const std::string& a : r.assumptions)
      std::fprintf(stderr, "%s: assumed: %s\n", terminal_text(file).c_str(), terminal_text(a).c_str());
    std::cout << imported_scenario_json(r, 1) << "\n";
    return 0;
  }
  if (cmd != "eval" && cmd != "link") return usage();

  if (!example.empty()) {
    const Example* e = find_example(example);
    if (!e) {
      std::fprintf(stderr, "envelope: unknown example '%s' (envelope catalog examples)\n", terminal_text(example).c_str());
      return 2;
    }
    return cmd == "link" ? (std::cout << encode_link_fragment(e->scenario) << "\n", 0) : print_report(e->scenario, format, binary);
  }
  if (!link.empty()) {
    const LoadResult r = decode_link(link);
    if (!r.ok()) {
      std::fprintf(stderr, "link: %s\n", r.fatal.c_str());
      return 2;
    }
    if (!r.problems.empty()) {  // the same rule as a file: problems, no report, exit 2
      print_problems("link", r.problems);
      return 2;
    }
    return cmd == "link" ? (std::cout << encode_link_fragment(r.scenario) << "\n", 0) : print_report(r.scenario, format, binary);
  }
  if (file.empty()) return usage();
  std::string text;
  if (!read_file(file, kMaxScenarioJsonBytes, text)) return 2;
  const LoadResult r = load_scenario_json(text);
  if (!r.ok()) {
    std::fprintf(stderr, "%s: %s\n", terminal_text(file).c_str(), r.fatal.c_str());
    return 2;
  }
  if (!r.problems.empty()) {
    print_problems(file, r.problems);
    return 2;
  }
  if (cmd == "link") {
    std::cout << encode_link_fragment(r.scenario) << "\n";
    return 0;
  }
  if (!r.include_given)
    std::fprintf(stderr,
                 "%s: note: no \"include\": the report covers the five default sections (training, inference, serving, "
                 "storage, feature_store); name the ones this scenario is about in \"include\" (README, 'What a scenario "
                 "includes')\n",
                 terminal_text(file).c_str());
  else if (r.include_leaves_defaults_on)
    std::fprintf(stderr,
                 "%s: note: \"include\" names none of the five sections that default to on, so they stay on (training, "
                 "inference, serving, storage, feature_store); set to false those this scenario is not about (README, "
                 "'What a scenario includes')\n",
                 terminal_text(file).c_str());
  for (const std::string& section : unread_sections(r.scenario, text))
    std::fprintf(stderr,
                 "%s: note: \"%s\" is set but no included section reads it, so the report leaves it out; include what "
                 "it is for (README, 'What a scenario includes')\n",
                 terminal_text(file).c_str(), section.c_str());
  return print_report(r.scenario, format, binary);
}
