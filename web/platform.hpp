// The platform under the app: window or canvas, OpenGL context, input into Dear ImGui, clipboard,
// mouse cursor and the main loop. One file per platform, as Dear ImGui's examples and tracy do:
// platform_web.cpp (browser: Emscripten's HTML5 API and WebGL2, no SDL) and platform_sdl.cpp
// (desktop: SDL2 and OpenGL 3). Each has its renderer (renderer.hpp); main.cpp is the one main() on
// top of either.
#pragma once
#include <string>

namespace envelope::ui::platform {

// Opens the window (desktop) or takes the page's canvas (browser) with an OpenGL 3 / WebGL2 context,
// and sets up Dear ImGui's platform side (input events, clipboard, cursors). Call after
// ImGui::CreateContext(). Returns "" or why it could not.
std::string init(const char* title, int width, int height);
// The GLSL version line for Dear ImGui's OpenGL3 renderer backend (the desktop renderer).
const char* glsl_version();
// Takes the input that arrived since the last call into Dear ImGui; true when there was any.
bool process_events();
// Display size (logical pixels), framebuffer scale (device pixels per logical pixel), time step and
// mouse cursor for the next ImGui::NewFrame().
void new_frame();
// Shows the drawn frame (desktop: swaps buffers; browser: the canvas shows it when the frame returns).
void present();
// Milliseconds on a monotonic clock.
double now_ms();
// Marks a start-up stage (browser: a User Timing mark, performance.mark("envelope:" + name), which
// scripts/bench reads to say where the time to first frame goes; desktop: nothing).
void mark(const char* name);
// Runs `frame` until the app quits. `frame` returns true while it wants to be called again soon
// (it is drawing) and false when it is idle: the browser then stops asking for animation frames and
// the desktop sleeps until input, until wake() or input starts them again.
void run(bool (*frame)());
// Something outside the platform's input wants frames (the page's script, a timer): resume the loop.
void wake();
// The app's answer to "did the last frame draw a text box at this point?" (window pixels). The
// browser asks it when a tap ends: a tap on a text box focuses the soft keyboard's textarea inside
// the touch event itself, the only moment iOS opens the keyboard for.
void set_text_box_test(bool (*test)(float x, float y));
// Releases the window and context (desktop; the browser page keeps running).
void shutdown();

}  // namespace envelope::ui::platform
