// The running app and its frame scheduler, shared by main.cpp and the browser bridge.
#pragma once
#include "app.hpp"

namespace envelope::ui {

App* running_app();
// Something outside ImGui changed the scenario (JS API, URL): draw frames again.
void request_redraw();
// Frames actually drawn since start (the idle budget in scripts/bench reads it).
long frames_drawn();

}  // namespace envelope::ui
