# CLI contract tests: exit codes and messages of `envelope`. Run by ctest (tests/CMakeLists.txt).
function(run expect_code)
  execute_process(COMMAND ${ENVELOPE} ${ARGN} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT code EQUAL expect_code)
    message(FATAL_ERROR "envelope ${ARGN}: exit ${code}, expected ${expect_code}\n${out}\n${err}")
  endif()
  set(OUT "${out}" PARENT_SCOPE)
  set(ERR "${err}" PARENT_SCOPE)
endfunction()

function(expect_contains text needle)
  string(FIND "${text}" "${needle}" pos)
  if(pos EQUAL -1)
    message(FATAL_ERROR "expected output to contain '${needle}':\n${text}")
  endif()
endfunction()

set(tmp "${CMAKE_CURRENT_BINARY_DIR}/cli_test_tmp")
file(MAKE_DIRECTORY "${tmp}")

# A good file: JSON report with the contract's leaves.
file(WRITE "${tmp}/good.json" [=[{"version":1,"model":{"preset":"llama-2-7b"},"hardware":{"gpu":"a100-80gb-sxm","count":64},"training":{"tokens":1e12}}]=])
run(0 eval "${tmp}/good.json" --format json)
expect_contains("${OUT}" "\"kv_cache_bytes\"")
expect_contains("${OUT}" "\"basis\"")
run(0 eval "${tmp}/good.json" --format markdown)
expect_contains("${OUT}" "| `training.flops` |")
run(0 eval "${tmp}/good.json")
expect_contains("${OUT}" "training.gpu_hours:")

# A bad file: exit 2 and the message names the field.
file(WRITE "${tmp}/bad.json" [=[{"version":1,"hardware":{"count":-1}}]=])
run(2 eval "${tmp}/bad.json")
expect_contains("${ERR}" "hardware.count")
file(WRITE "${tmp}/notjson.json" "this is not json")
run(2 eval "${tmp}/notjson.json")
expect_contains("${ERR}" "not valid JSON")
run(2 eval "${tmp}/missing.json")

# Links and examples.
run(0 eval --example seed-q5 --format json)
expect_contains("${OUT}" "\"budget_ratio\"")
run(0 link --example seed-llm-serving)
expect_contains("${OUT}" "#s=")
run(0 eval --link "#s=%7B%22version%22%3A1%7D")
run(2 eval --link "#s=%7Bbroken")
run(0 catalog gpus)
expect_contains("${OUT}" "h100-sxm")
run(0 catalog models)
expect_contains("${OUT}" "deepseek-v3")
run(1 frobnicate)

# Validation against published figures: exits 0 only when every included case is within tolerance.
run(0 validate)
expect_contains("${OUT}" "batched-decode:")
run(0 validate --format json)
expect_contains("${OUT}" "\"categories\"")

# Planner.
file(WRITE "${tmp}/plan.json" [=[{"scenario":{"model":{"preset":"llama-2-70b"},"hardware":{"gpu":"h100-sxm","count":64}},"planner":{"mode":"both","keep":3,"gpus":["h100-sxm","a100-80gb-sxm"]}}]=])
run(0 plan "${tmp}/plan.json")
expect_contains("${OUT}" "Best: TP")
run(0 plan "${tmp}/plan.json" --format json)
expect_contains("${OUT}" "\"ranked\"")
file(WRITE "${tmp}/badplan.json" [=[{"planner":{"mode":"fly"}}]=])
run(2 plan "${tmp}/badplan.json")
expect_contains("${ERR}" "planner.mode")

# Import of a Hugging Face config.json: a scenario with the model, which eval accepts; an
# unsupported model_type exits 2 naming the key.
run(0 import "${SOURCE_DIR}/tests/fixtures/configs/gpt-oss-20b.json" --name "gpt-oss 20b (mine)")
expect_contains("${OUT}" "\"name\": \"gpt-oss 20b (mine)\"")
expect_contains("${OUT}" "\"window\": 128")
file(WRITE "${tmp}/imported.json" "${OUT}")
run(0 eval "${tmp}/imported.json" --format json)
expect_contains("${OUT}" "\"kv_bytes_per_token\"")
run(2 import "${SOURCE_DIR}/tests/fixtures/configs/unsupported-t5.json")
expect_contains("${ERR}" "hidden_size")
run(2 import "${tmp}/notjson.json")
expect_contains("${ERR}" "not a JSON object")
