// Desktop platform: SDL2 window and OpenGL 3 context, input through Dear ImGui's own SDL2 backend
// (imgui_impl_sdl2.cpp from IMGUI_DIR), sleeping in SDL_WaitEventTimeout while idle.
#include <SDL.h>

#include <filesystem>
#include <fstream>

#include "envelope/import.hpp"
#include "imgui.h"
#include "imgui_impl_sdl2.h"
#include "platform.hpp"
#include "runtime.hpp"

namespace envelope::ui::platform {

namespace {
SDL_Window* g_window = nullptr;
SDL_GLContext g_gl = nullptr;
bool g_quit = false;

// A file dropped on the window: imported as a Hugging Face config.json (App::import_config, as the
// page does with a dropped file), read only up to the import limit.
void import_dropped(const char* path) {
  App* app = running_app();
  if (!app) return;
  const std::string name = std::filesystem::path(path).filename().string();
  std::ifstream f(path, std::ios::binary);
  if (!f) return app->import_refused(name, "it could not be read");
  std::string text(kMaxConfigJsonBytes + 1, '\0');
  f.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(f.gcount()));
  if (text.size() > kMaxConfigJsonBytes)
    return app->import_refused(name, "it is larger than the " + std::to_string(kMaxConfigJsonBytes) + " bytes allowed");
  app->import_config(text, name);
}
}  // namespace

std::string init(const char* title, int width, int height) {
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK, SDL_GL_CONTEXT_PROFILE_CORE);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
  SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
  if (SDL_Init(SDL_INIT_VIDEO) != 0) return SDL_GetError();
  SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
  g_window = SDL_CreateWindow(title, SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, width, height,
                              SDL_WINDOW_OPENGL | SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
  g_gl = g_window ? SDL_GL_CreateContext(g_window) : nullptr;
  if (!g_gl) return std::string("Envelope needs OpenGL 3: ") + SDL_GetError();
  SDL_GL_MakeCurrent(g_window, g_gl);
  SDL_GL_SetSwapInterval(1);
  ImGui_ImplSDL2_InitForOpenGL(g_window, g_gl);
  return "";
}

const char* glsl_version() { return "#version 130"; }

bool process_events() {
  bool input = false;
  SDL_Event event;
  while (SDL_PollEvent(&event)) {
    input = true;
    ImGui_ImplSDL2_ProcessEvent(&event);
    if (event.type == SDL_QUIT) g_quit = true;
    if (event.type == SDL_DROPFILE && event.drop.file) {
      import_dropped(event.drop.file);
      SDL_free(event.drop.file);
    }
    if (event.type == SDL_WINDOWEVENT && event.window.event == SDL_WINDOWEVENT_CLOSE &&
        event.window.windowID == SDL_GetWindowID(g_window))
      g_quit = true;
  }
  return input;
}

void new_frame() { ImGui_ImplSDL2_NewFrame(); }
void present() { SDL_GL_SwapWindow(g_window); }
double now_ms() { return static_cast<double>(SDL_GetTicks64()); }
void mark(const char*) {}

void run(bool (*frame)()) {
  bool busy = true;
  while (!g_quit) {
    if (!busy) SDL_WaitEventTimeout(nullptr, 500);  // sleep until input
    busy = frame();
  }
}

void set_text_box_test(bool (*)(float, float)) {}  // mouse and keyboard: no soft keyboard to open
void wake() {}  // the loop polls at least every 500 ms; input wakes it at once

void shutdown() {
  ImGui_ImplSDL2_Shutdown();
  SDL_GL_DeleteContext(g_gl);
  SDL_DestroyWindow(g_window);
  SDL_Quit();
}

}  // namespace envelope::ui::platform
