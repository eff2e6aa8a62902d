// One function per panel (web/panels/*.cpp), each drawing one ImGui window bound to the App.
#pragma once
#include "app.hpp"

namespace envelope::ui {

// Default placement of a panel window: column/row of a grid in em units, used on first run only
// (later the layout comes from the saved ImGui ini).
void place_window(int column, int row, float height_em = 20, float width_em = 30);

void draw_top_bar(App& app);
void draw_model_hardware(App& app);
void draw_memory(App& app);
void draw_training(App& app);
void draw_inference(App& app);
void draw_traffic(App& app);
void draw_storage(App& app);
void draw_cost(App& app);
void draw_reference(App& app);
void draw_examples(App& app);
void draw_scenarios(App& app);
void draw_validation(App& app);
void draw_planner(App& app);

}  // namespace envelope::ui
