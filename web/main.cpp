// One main() for the browser and the desktop, on the platform layer of platform.hpp (one file per
// platform: platform_web.cpp, Emscripten HTML5 + WebGL2; platform_sdl.cpp, SDL2 + OpenGL 3) and its
// renderer (renderer.hpp: renderer_webgl.cpp in the browser, Dear ImGui's OpenGL3 backend on the desktop).
// Idle when nothing changes: after input the app draws for one second (tooltip delays, scrolling
// and window animations settle; at least a few frames on slow GPUs), then stops drawing until the
// next event (the browser asks for no animation frames, the desktop sleeps).
#ifdef __EMSCRIPTEN__
#include <GLES3/gl3.h>
#elif defined(__APPLE__)
#include <OpenGL/gl3.h>
#else
#include <GL/gl.h>
#endif

#include <cmath>
#include <string>

#include "app.hpp"
#include "imgui.h"
#include "platform.hpp"
#include "renderer.hpp"
#include "runtime.hpp"

namespace envelope::ui {
Host& platform_host();               // host_web.cpp / host_native.cpp
const std::string& embedded_font();  // generated from the TTF by cmake/embed.cmake
void report_fatal(const char* what);  // shows a readable message (page) or prints it (desktop)

namespace {
constexpr double kDrawAfterInputMs = 1000;
constexpr int kMinFramesAfterInput = 3;
constexpr float kFontSizePx = 15.0f;
constexpr const char* kIniKey = "envelope.ini";

App* g_app = nullptr;
double g_draw_until_ms = 0;
int g_min_frames = kMinFramesAfterInput;
long g_frames_drawn = 0;
float g_font_scale = 0;

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

bool idle() { return g_min_frames <= 0 && platform::now_ms() >= g_draw_until_ms; }

// One iteration of the main loop; true while the app is drawing (call again soon).
bool frame() {
  // What start-up left until the first frame was on screen (App::finish_start); this frame shows it.
  if (g_frames_drawn > 0) g_app->finish_start();
  if (platform::process_events()) request_redraw();
  if (idle()) return false;  // nothing drawn
  --g_min_frames;

  ImGuiIO& io = ImGui::GetIO();
  renderer::new_frame();
  platform::new_frame();
  const float dpr = io.DisplayFramebufferScale.x > 0 ? io.DisplayFramebufferScale.x : 1.0f;
  if (dpr != g_font_scale) {
    build_fonts(dpr);
    renderer::fonts_changed();
  }
  ImGui::NewFrame();
  g_app->frame();
  ImGui::Render();
  if (g_frames_drawn == 0) platform::mark("ui-built");
  glViewport(0, 0, static_cast<int>(std::lround(io.DisplaySize.x * io.DisplayFramebufferScale.x)),
             static_cast<int>(std::lround(io.DisplaySize.y * io.DisplayFramebufferScale.y)));
  const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
  glClearColor(bg.x * 0.6f, bg.y * 0.6f, bg.z * 0.6f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  const std::string failed = renderer::render(ImGui::GetDrawData());
  if (!failed.empty()) {
    report_fatal(failed.c_str());
    return false;
  }
  platform::present();
  if (++g_frames_drawn == 1) platform::mark("first-frame");
  if (io.WantSaveIniSettings) {
    g_app->host().storage_set(kIniKey, ImGui::SaveIniSettingsToMemory());
    io.WantSaveIniSettings = false;
  }
  return !idle();
}
}  // namespace

App* running_app() { return g_app; }
void request_redraw() {
  g_draw_until_ms = platform::now_ms() + kDrawAfterInputMs;
  g_min_frames = kMinFramesAfterInput;
  platform::wake();
}
long frames_drawn() { return g_frames_drawn; }

}  // namespace envelope::ui

int main(int, char**) {
  using namespace envelope::ui;
  platform::mark("main");
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // layout lives in host storage (localStorage), not a file
  io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
  const std::string error = platform::init("Envelope", 1400, 900);
  if (!error.empty()) {
    report_fatal(error.c_str());
    ImGui::DestroyContext();
    return 1;
  }
  platform::mark("context");
  Host& host = platform_host();
  const std::string ini = host.storage_get(kIniKey);
  if (!ini.empty()) ImGui::LoadIniSettingsFromMemory(ini.c_str(), ini.size());
  const std::string no_renderer = renderer::init();
  if (!no_renderer.empty()) {
    report_fatal(no_renderer.c_str());
    ImGui::DestroyContext();
    return 1;
  }

  static App app(host);
  g_app = &app;
  app.start();
  platform::mark("app-started");
  platform::set_text_box_test([](float x, float y) { return g_app && g_app->text_box_at(x, y); });
  request_redraw();
  platform::run(frame);  // the browser returns at once and keeps calling frame(); the desktop returns on quit
#ifndef __EMSCRIPTEN__
  renderer::shutdown();
  platform::shutdown();
  ImGui::DestroyContext();
#endif
  return 0;
}
