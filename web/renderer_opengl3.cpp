// The desktop renderer (renderer.hpp): Dear ImGui's own OpenGL3 backend, with its GL loader.
#include "renderer.hpp"

#include "imgui.h"
#include "imgui_impl_opengl3.h"
#include "platform.hpp"

namespace envelope::ui::renderer {

std::string init() {
  return ImGui_ImplOpenGL3_Init(platform::glsl_version()) ? "" : "the OpenGL 3 renderer could not start";
}
void new_frame() { ImGui_ImplOpenGL3_NewFrame(); }
void fonts_changed() {
  ImGui_ImplOpenGL3_DestroyFontsTexture();
  ImGui_ImplOpenGL3_CreateFontsTexture();
}
std::string render(ImDrawData* data) {
  ImGui_ImplOpenGL3_RenderDrawData(data);
  return "";
}
void shutdown() { ImGui_ImplOpenGL3_Shutdown(); }

}  // namespace envelope::ui::renderer
