// Internal to core/src: the scenario loader's checks of one JSON value against a field of the table
// (scenario.cpp), shared with the plan-file reader (plan_file.cpp) so that a value with the same
// meaning gets the same limits, choices and messages wherever it is read.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "envelope/scenario.hpp"

namespace envelope {

// A finite number within the limits (and whole if they say so); otherwise a Problem at `path`.
bool check_field_number(const std::string& path, const nlohmann::json& j, FieldLimits lim, std::vector<Problem>& problems,
                        double& out);
// A string of at most max_len characters, one of `allowed` unless it is empty; otherwise a Problem.
bool check_field_text(const std::string& path, const nlohmann::json& j, const std::vector<std::string>& allowed, size_t max_len,
                      std::vector<Problem>& problems, std::string& out);

}  // namespace envelope
