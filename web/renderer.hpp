// Draws Dear ImGui's draw data with OpenGL. One file per platform, like platform.hpp:
// renderer_webgl.cpp (browser, WebGL2: written for a fast start, see there) and
// renderer_opengl3.cpp (desktop: Dear ImGui's own OpenGL3 backend).
#pragma once
#include <string>

struct ImDrawData;

namespace envelope::ui::renderer {

// After the platform made its GL context: prepares drawing (the browser starts compiling its shaders
// here, so that the GPU process compiles them while the app starts). "" or why it could not.
std::string init();
// Before ImGui::NewFrame() of every frame.
void new_frame();
// The font atlas was rebuilt (another device pixel ratio): upload it again before the next draw.
void fonts_changed();
// Draws one frame's draw data into the current framebuffer. "" or why it could not (then nothing
// more can be drawn).
std::string render(ImDrawData* data);
void shutdown();

}  // namespace envelope::ui::renderer
