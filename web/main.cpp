// One main() for the browser (Emscripten main loop, WebGL2) and the desktop (SDL2 + OpenGL 3).
// Idle when nothing changes: after input the app draws for one second (tooltip delays, scrolling
// and window animations settle; at least a few frames on slow GPUs), then stops drawing until the
// next event.
#include <SDL.h>
#ifdef __EMSCRIPTEN__
#include <GLES3/gl3.h>
#else
#include <SDL_opengl.h>
#endif

#include <cstdio>
#include <string>

#include "app.hpp"
#include "envelope/catalog.hpp"
#include "imgui.h"
#include "imgui_impl_opengl3.h"
#include "imgui_impl_sdl2.h"
#include "runtime.hpp"
#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#endif

namespace envelope::ui {
Host& platform_host();               // host_web.cpp / host_native.cpp
const std::string& embedded_font();  // generated from the TTF by cmake/embed.cmake
void report_fatal(const char* what);  // shows a readable message (page) or prints it (desktop)

namespace {
constexpr Uint32 kDrawAfterInputMs = 1000;
constexpr int kMinFramesAfterInput = 3;
constexpr float kFontSizePx = 15.0f;
constexpr const char* kIniKey = "envelope.ini";

SDL_Window* g_window = nullptr;
App* g_app = nullptr;
Uint32 g_draw_until_ms = 0;
int g_min_frames = kMinFramesAfterInput;
long g_frames_drawn = 0;
float g_font_scale = 0;
bool g_done = false;

// Rasterize the font at the device pixel ratio so text is crisp on HiDPI screens.
void build_fonts(float dpr) {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  ImFontConfig cfg;
  cfg.FontDataOwnedByAtlas = false;
  const std::string& ttf = embedded_font();
  io.Fonts->AddFontFromMemoryTTF(const_cast<char*>(ttf.data()), static_cast<int>(ttf.size()), kFontSizePx * dpr, &cfg);
  io.FontGlobalScale = 1.0f / dpr;
  g_font_scale = dpr;
}

void frame() {
  ImGuiIO& io = ImGui::GetIO();
  SDL_Event event;
  bool input = false;
  while (SDL_PollEvent(&event)) {
    if (event.type == SDL_POLLSENTINEL) continue;
    input = true;
    ImGui_ImplSDL2_ProcessEvent(&event);
    if (event.type == SDL_QUIT) g_done = true;
    if (event.type == SDL_WINDOWEVENT && event.window.event == SDL_WINDOWEVENT_CLOSE &&
        event.window.windowID == SDL_GetWindowID(g_window))
      g_done = true;
  }
  if (input) request_redraw();
  if (g_min_frames <= 0 && SDL_TICKS_PASSED(SDL_GetTicks(), g_draw_until_ms)) return;  // idle: nothing drawn
  --g_min_frames;

  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplSDL2_NewFrame();
  const float dpr = io.DisplayFramebufferScale.x > 0 ? io.DisplayFramebufferScale.x : 1.0f;
  if (dpr != g_font_scale) {
    build_fonts(dpr);
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
  }
  ImGui::NewFrame();
  g_app->frame();
  ImGui::Render();
  glViewport(0, 0, static_cast<int>(io.DisplaySize.x * io.DisplayFramebufferScale.x),
             static_cast<int>(io.DisplaySize.y * io.DisplayFramebufferScale.y));
  const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
  glClearColor(bg.x * 0.6f, bg.y * 0.6f, bg.z * 0.6f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  SDL_GL_SwapWindow(g_window);
  ++g_frames_drawn;
  if (io.WantSaveIniSettings) {
    g_app->host().storage_set(kIniKey, ImGui::SaveIniSettingsToMemory());
    io.WantSaveIniSettings = false;
  }
}
}  // namespace

App* running_app() { return g_app; }
void request_redraw() {
  g_draw_until_ms = SDL_GetTicks() + kDrawAfterInputMs;
  g_min_frames = kMinFramesAfterInput;
}
long frames_drawn() { return g_frames_drawn; }

}  // namespace envelope::ui

int main(int, char**) {
  using namespace envelope::ui;
#ifdef __EMSCRIPTEN__
  // Keyboard focus stays on the canvas: the rest of the page and browser shortcuts keep working.
  SDL_SetHint(SDL_HINT_EMSCRIPTEN_KEYBOARD_ELEMENT, "#canvas");
  const char* glsl_version = "#version 300 es";
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_ES);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
#else
  const char* glsl_version = "#version 130";
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_CORE);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
#endif
  if (SDL_Init(SDL_INIT_VIDEO) != 0) {
    report_fatal(SDL_GetError());
    return 1;
  }
  SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
  g_window = SDL_CreateWindow("Envelope", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, 1400, 900,
                              SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
  SDL_GLContext gl = g_window ? SDL_GL_CreateContext(g_window) : nullptr;
  if (!gl) {
    report_fatal((std::string("Envelope needs WebGL2 / OpenGL 3: ") + SDL_GetError()).c_str());
    return 1;
  }
  SDL_GL_MakeCurrent(g_window, gl);
  SDL_GL_SetSwapInterval(1);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // layout lives in host storage (localStorage), not a file
  io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
  Host& host = platform_host();
  const std::string ini = host.storage_get(kIniKey);
  if (!ini.empty()) ImGui::LoadIniSettingsFromMemory(ini.c_str(), ini.size());
  ImGui_ImplSDL2_InitForOpenGL(g_window, gl);
  ImGui_ImplOpenGL3_Init(glsl_version);

  static App app(host);
  g_app = &app;
  app.start();
  request_redraw();

#ifdef __EMSCRIPTEN__
  emscripten_set_main_loop(frame, 0, true);
#else
  while (!g_done) {
    if (g_min_frames <= 0 && SDL_TICKS_PASSED(SDL_GetTicks(), g_draw_until_ms))
      SDL_WaitEventTimeout(nullptr, 500);  // sleep until input
    frame();
  }
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplSDL2_Shutdown();
  ImGui::DestroyContext();
  SDL_GL_DeleteContext(gl);
  SDL_DestroyWindow(g_window);
  SDL_Quit();
#endif
  return 0;
}
