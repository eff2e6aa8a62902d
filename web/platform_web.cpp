// Browser platform: the page's <canvas id="canvas"> with a WebGL2 context, input from Emscripten's
// HTML5 API (emscripten/html5.h) fed to Dear ImGui's input events, and the page's animation frames
// as the main loop, asked for only while the app draws. No SDL: the page loads none of it.
//
// Mouse, wheel and keys follow what the SDL2 backend did on the page before (wheel steps of 100
// pixels, keys read on the canvas, Tab / Backspace / arrows kept from the browser). Touch, for phones:
// a tap is a click; a one-finger swipe scrolls the window under it (Dear ImGui has no drag-to-scroll:
// the movement becomes wheel steps of that window's scroll step); touch-and-hold, then move, drags
// (sliders, window edges). Text boxes tapped on a touch screen focus a hidden <textarea> so that the
// soft keyboard opens (inside the touchend handler: iOS opens the keyboard only for a focus() made
// while it handles the tap); what it types comes back as text and keys.
// Esc on the canvas, when Dear ImGui has no use for it (no text box edited, no menu or popup open,
// nothing dragged), leaves the canvas for the page's text mirror, so that Tab reaches the page.
#include <emscripten.h>
#include <emscripten/html5.h>

#include <cfloat>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>

#include "imgui.h"
#include "platform.hpp"

namespace envelope::ui::platform {

namespace {
constexpr const char* kCanvas = "#canvas";
constexpr const char* kTextArea = "#envelope-text";  // created by js_setup
constexpr float kTouchSlopPx = 8;      // a finger moving less than this is a tap
constexpr double kTouchHoldMs = 350;   // held this long before moving: a drag, not a scroll
// Dear ImGui scrolls a window by 5 x font size per wheel step (ImGui::UpdateMouseWheel).
constexpr float kWheelStepFonts = 5;

EMSCRIPTEN_WEBGL_CONTEXT_HANDLE g_gl = 0;
bool g_input = false;         // input arrived since the last process_events()
bool (*g_frame)() = nullptr;  // main.cpp's frame
bool g_loop_running = false;
double g_last_frame_ms = 0;
ImGuiMouseCursor g_cursor = ImGuiMouseCursor_COUNT;
std::string g_clipboard;  // what Ctrl+C copied, or the last paste
bool g_touch_source = false;  // the last pointer input was a finger
bool g_text_area_active = false;
bool (*g_text_box_at)(float x, float y) = nullptr;  // set_text_box_test()
ImVec2 g_ime_pos(0, 0);

struct Touch {
  long id = -1;
  float x0 = 0, y0 = 0, x = 0, y = 0;
  double t0 = 0;
  enum { Pending, Scroll, Drag } mode = Pending;
} g_touch;

// The page side: cursor, focus, clipboard, the soft-keyboard textarea and paste. Strings go to the
// wasm through ccall; nothing is evaluated.
EM_JS(void, js_setup, (), {
  var canvas = document.getElementById("canvas");
  var ta = document.createElement("textarea");
  ta.id = "envelope-text";
  ta.setAttribute("aria-hidden", "true");
  ta.setAttribute("autocapitalize", "off");
  ta.setAttribute("autocomplete", "off");
  ta.setAttribute("autocorrect", "off");
  ta.setAttribute("spellcheck", "false");
  ta.tabIndex = -1;
  // Font size 16px: iOS does not zoom the page when it is focused.
  ta.style.cssText = "position:fixed;left:0;top:0;width:1px;height:1px;opacity:0;border:0;padding:0;" +
                     "font-size:16px;resize:none;overflow:hidden;pointer-events:none";
  document.body.appendChild(ta);
  // Soft keyboards send text (and often Backspace) as input events, not as key presses.
  ta.addEventListener("input", function (e) {
    var text = ta.value;
    ta.value = "";
    var back = e.inputType === "deleteContentBackward" ? 1 : 0;
    if (text || back) Module.ccall("envelope_text_input", null, ["string", "number"], [text, back]);
  });
  var paste = function (e) {
    var text = e.clipboardData ? e.clipboardData.getData("text/plain") : "";
    e.preventDefault();
    Module.ccall("envelope_paste", null, ["string"], [text || ""]);
  };
  canvas.addEventListener("paste", paste);
  ta.addEventListener("paste", paste);
  canvas.addEventListener("contextmenu", function (e) { e.preventDefault(); });
});
// The canvas's CSS size as the page glue keeps it (shell/envelope.js: updated by a ResizeObserver, so
// that reading it forces no layout).
EM_JS(void, js_canvas_size, (double* width, double* height), {
  var s = window.envelopeHost.canvasSize();
  HEAPF64[width >> 3] = s[0];
  HEAPF64[height >> 3] = s[1];
});
EM_JS(void, js_mark, (const char* name), {
  if (typeof performance !== "undefined" && performance.mark) performance.mark("envelope:" + UTF8ToString(name));
});
EM_JS(int, js_is_mac, (), { return /Mac|iPhone|iPad|iPod/.test(navigator.platform || "") ? 1 : 0; });
EM_JS(void, js_set_cursor, (const char* cursor), { document.getElementById("canvas").style.cursor = UTF8ToString(cursor); });
EM_JS(void, js_focus_canvas, (), {
  var canvas = document.getElementById("canvas");
  if (document.activeElement !== canvas) canvas.focus({ preventScroll: true });
});
// Esc: the keyboard leaves the canvas for the text mirror (focused without scrolling; Tab goes on to
// the page's links from there).
EM_JS(void, js_leave_canvas, (), {
  var canvas = document.getElementById("canvas");
  var mirror = document.getElementById("mirror");
  if (mirror) {
    if (!mirror.hasAttribute("tabindex")) mirror.tabIndex = -1;
    mirror.focus({ preventScroll: true });
  } else {
    canvas.blur();
  }
});
EM_JS(void, js_clipboard_write, (const char* text), {
  var s = UTF8ToString(text);
  if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(s).catch(function () {});
});
// Focus the textarea at the text box (the soft keyboard opens), or give the keys back to the canvas.
EM_JS(void, js_text_area, (int active, float x, float y), {
  var ta = document.getElementById("envelope-text");
  var canvas = document.getElementById("canvas");
  if (active) {
    var r = canvas.getBoundingClientRect();
    ta.style.left = (r.left + x) + "px";
    ta.style.top = (r.top + y) + "px";
    ta.value = "";
    ta.focus({ preventScroll: true });
  } else if (document.activeElement === ta) {
    canvas.focus({ preventScroll: true });
  }
});

void woke_by_input() {
  g_input = true;
  wake();
}

// DOM KeyboardEvent.key (the character, so shortcuts follow the keyboard layout) or, for other
// keys and non-Latin layouts, KeyboardEvent.code (the physical key).
ImGuiKey key_of_char(char c) {
  if (c >= 'a' && c <= 'z') return static_cast<ImGuiKey>(ImGuiKey_A + (c - 'a'));
  if (c >= 'A' && c <= 'Z') return static_cast<ImGuiKey>(ImGuiKey_A + (c - 'A'));
  if (c >= '0' && c <= '9') return static_cast<ImGuiKey>(ImGuiKey_0 + (c - '0'));
  switch (c) {
    case ' ': return ImGuiKey_Space;
    case '\'': return ImGuiKey_Apostrophe;
    case ',': return ImGuiKey_Comma;
    case '-': return ImGuiKey_Minus;
    case '.': return ImGuiKey_Period;
    case '/': return ImGuiKey_Slash;
    case ';': return ImGuiKey_Semicolon;
    case '=': return ImGuiKey_Equal;
    case '[': return ImGuiKey_LeftBracket;
    case '\\': return ImGuiKey_Backslash;
    case ']': return ImGuiKey_RightBracket;
    case '`': return ImGuiKey_GraveAccent;
    default: return ImGuiKey_None;
  }
}

ImGuiKey key_of_event(const EmscriptenKeyboardEvent& e) {
  if (e.key[0] && !e.key[1]) {
    const ImGuiKey k = key_of_char(e.key[0]);
    if (k != ImGuiKey_None) return k;
  }
  const char* code = e.code;
  const bool right = e.location == DOM_KEY_LOCATION_RIGHT;
  if (!std::strncmp(code, "Key", 3) && code[3] && !code[4]) return key_of_char(code[3]);
  if (!std::strncmp(code, "Digit", 5) && code[5] && !code[6]) return key_of_char(code[5]);
  if (!std::strncmp(code, "Numpad", 6) && code[6] >= '0' && code[6] <= '9' && !code[7])
    return static_cast<ImGuiKey>(ImGuiKey_Keypad0 + (code[6] - '0'));
  if (code[0] == 'F' && code[1] >= '1' && code[1] <= '9') {
    const int n = std::atoi(code + 1);
    if (n >= 1 && n <= 12) return static_cast<ImGuiKey>(ImGuiKey_F1 + n - 1);
  }
  static const struct {
    const char* code;
    ImGuiKey key;
  } table[] = {
      {"Tab", ImGuiKey_Tab}, {"ArrowLeft", ImGuiKey_LeftArrow}, {"ArrowRight", ImGuiKey_RightArrow},
      {"ArrowUp", ImGuiKey_UpArrow}, {"ArrowDown", ImGuiKey_DownArrow}, {"PageUp", ImGuiKey_PageUp},
      {"PageDown", ImGuiKey_PageDown}, {"Home", ImGuiKey_Home}, {"End", ImGuiKey_End}, {"Insert", ImGuiKey_Insert},
      {"Delete", ImGuiKey_Delete}, {"Backspace", ImGuiKey_Backspace}, {"Space", ImGuiKey_Space},
      {"Enter", ImGuiKey_Enter}, {"Escape", ImGuiKey_Escape}, {"NumpadEnter", ImGuiKey_KeypadEnter},
      {"NumpadDecimal", ImGuiKey_KeypadDecimal}, {"NumpadDivide", ImGuiKey_KeypadDivide},
      {"NumpadMultiply", ImGuiKey_KeypadMultiply}, {"NumpadSubtract", ImGuiKey_KeypadSubtract},
      {"NumpadAdd", ImGuiKey_KeypadAdd}, {"NumpadEqual", ImGuiKey_KeypadEqual},
      {"ControlLeft", ImGuiKey_LeftCtrl}, {"ControlRight", ImGuiKey_RightCtrl}, {"ShiftLeft", ImGuiKey_LeftShift},
      {"ShiftRight", ImGuiKey_RightShift}, {"AltLeft", ImGuiKey_LeftAlt}, {"AltRight", ImGuiKey_RightAlt},
      {"MetaLeft", ImGuiKey_LeftSuper}, {"MetaRight", ImGuiKey_RightSuper}, {"ContextMenu", ImGuiKey_Menu},
      {"CapsLock", ImGuiKey_CapsLock}, {"NumLock", ImGuiKey_NumLock}, {"ScrollLock", ImGuiKey_ScrollLock},
      {"Pause", ImGuiKey_Pause}, {"PrintScreen", ImGuiKey_PrintScreen},
      {"Quote", ImGuiKey_Apostrophe}, {"Comma", ImGuiKey_Comma}, {"Minus", ImGuiKey_Minus},
      {"Period", ImGuiKey_Period}, {"Slash", ImGuiKey_Slash}, {"Semicolon", ImGuiKey_Semicolon},
      {"Equal", ImGuiKey_Equal}, {"BracketLeft", ImGuiKey_LeftBracket}, {"Backslash", ImGuiKey_Backslash},
      {"BracketRight", ImGuiKey_RightBracket}, {"Backquote", ImGuiKey_GraveAccent},
  };
  for (const auto& t : table)
    if (!std::strcmp(code, t.code)) return t.key;
  // Keys without a code (some soft keyboards): by name.
  static const struct {
    const char* key;
    ImGuiKey left, right;
  } named[] = {{"Control", ImGuiKey_LeftCtrl, ImGuiKey_RightCtrl}, {"Shift", ImGuiKey_LeftShift, ImGuiKey_RightShift},
               {"Alt", ImGuiKey_LeftAlt, ImGuiKey_RightAlt}, {"Meta", ImGuiKey_LeftSuper, ImGuiKey_RightSuper},
               {"Enter", ImGuiKey_Enter, ImGuiKey_Enter}, {"Backspace", ImGuiKey_Backspace, ImGuiKey_Backspace},
               {"Tab", ImGuiKey_Tab, ImGuiKey_Tab}, {"Escape", ImGuiKey_Escape, ImGuiKey_Escape}};
  for (const auto& n : named)
    if (!std::strcmp(e.key, n.key)) return right ? n.right : n.left;
  return ImGuiKey_None;
}

void add_modifiers(ImGuiIO& io, bool ctrl, bool shift, bool alt, bool meta) {
  io.AddKeyEvent(ImGuiMod_Ctrl, ctrl);
  io.AddKeyEvent(ImGuiMod_Shift, shift);
  io.AddKeyEvent(ImGuiMod_Alt, alt);
  io.AddKeyEvent(ImGuiMod_Super, meta);
}

// userData: nullptr for the canvas, non-null for the soft-keyboard textarea.
EM_BOOL on_key(int type, const EmscriptenKeyboardEvent* e, void* from_text_area) {
  ImGuiIO& io = ImGui::GetIO();
  const ImGuiKey key = key_of_event(*e);
  const bool command = e->ctrlKey || e->metaKey;
  // Ctrl+V is not passed on: the browser's paste event that follows brings the text (envelope_paste).
  const bool paste = command && key == ImGuiKey_V;
  woke_by_input();
  if (type == EMSCRIPTEN_EVENT_KEYPRESS) {
    // Text. From the textarea it arrives as its input event instead (soft keyboards send no keypress).
    if (from_text_area || command) return from_text_area ? EM_FALSE : EM_TRUE;
    if (e->charCode >= 32 && e->charCode != 127) io.AddInputCharacter(static_cast<unsigned>(e->charCode));
    return EM_TRUE;
  }
  // Esc with nothing in Dear ImGui to cancel or close: the keyboard leaves the canvas (keyboard users
  // are not trapped in it). Dear ImGui never sees that key, so none of its keys stays down.
  if (type == EMSCRIPTEN_EVENT_KEYDOWN && key == ImGuiKey_Escape && !from_text_area && !io.WantTextInput &&
      !ImGui::IsAnyItemActive() && !ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId | ImGuiPopupFlags_AnyPopupLevel)) {
    js_leave_canvas();
    return EM_TRUE;
  }
  add_modifiers(io, e->ctrlKey, e->shiftKey, e->altKey, e->metaKey);
  if (key != ImGuiKey_None && !paste) {
    io.AddKeyEvent(key, type == EMSCRIPTEN_EVENT_KEYDOWN);
    io.SetKeyEventNativeData(key, static_cast<int>(e->keyCode), -1);
  }
  if (type != EMSCRIPTEN_EVENT_KEYDOWN) return EM_TRUE;
  // Keys the browser would act on (focus moves with Tab, Backspace navigates back, arrows and
  // Space scroll the page) stay with the app; printable keys go on to their keypress (text);
  // Ctrl/Cmd + C, X, V go on to the browser's copy / cut / paste events.
  switch (key) {
    case ImGuiKey_Tab: case ImGuiKey_Backspace: case ImGuiKey_Delete: case ImGuiKey_Enter: case ImGuiKey_KeypadEnter:
    case ImGuiKey_LeftArrow: case ImGuiKey_RightArrow: case ImGuiKey_UpArrow: case ImGuiKey_DownArrow:
    case ImGuiKey_PageUp: case ImGuiKey_PageDown: case ImGuiKey_Home: case ImGuiKey_End: case ImGuiKey_Escape:
      return EM_TRUE;
    case ImGuiKey_A: case ImGuiKey_Z: case ImGuiKey_Y:
      return command ? EM_TRUE : EM_FALSE;
    default:
      if (key >= ImGuiKey_F1 && key <= ImGuiKey_F12) return key != ImGuiKey_F5 && key != ImGuiKey_F11 && key != ImGuiKey_F12;
      return EM_FALSE;
  }
}

EM_BOOL on_mouse(int type, const EmscriptenMouseEvent* e, void*) {
  ImGuiIO& io = ImGui::GetIO();
  woke_by_input();
  g_touch_source = false;
  io.AddMouseSourceEvent(ImGuiMouseSource_Mouse);
  add_modifiers(io, e->ctrlKey, e->shiftKey, e->altKey, e->metaKey);
  switch (type) {
    case EMSCRIPTEN_EVENT_MOUSELEAVE:
      if (!ImGui::IsAnyMouseDown()) io.AddMousePosEvent(-FLT_MAX, -FLT_MAX);
      return EM_FALSE;
    case EMSCRIPTEN_EVENT_MOUSEDOWN:
    case EMSCRIPTEN_EVENT_MOUSEUP: {
      // DOM buttons: 0 left, 1 middle, 2 right; Dear ImGui: 0 left, 1 right, 2 middle.
      const int button = e->button == 0 ? 0 : e->button == 1 ? 2 : e->button == 2 ? 1 : -1;
      if (button < 0) return EM_FALSE;
      if (type == EMSCRIPTEN_EVENT_MOUSEDOWN) {
        io.AddMousePosEvent(static_cast<float>(e->targetX), static_cast<float>(e->targetY));
        js_focus_canvas();  // the default action (focus) is prevented with the page's text selection
      }
      io.AddMouseButtonEvent(button, type == EMSCRIPTEN_EVENT_MOUSEDOWN);
      return type == EMSCRIPTEN_EVENT_MOUSEDOWN;
    }
    default:  // move, enter
      io.AddMousePosEvent(static_cast<float>(e->targetX), static_cast<float>(e->targetY));
      return EM_FALSE;
  }
}

EM_BOOL on_wheel(int, const EmscriptenWheelEvent* e, void*) {
  ImGuiIO& io = ImGui::GetIO();
  woke_by_input();
  // As SDL did on the page: 100 pixels, 3 lines or 1/80 page make a wheel step.
  const double scale = e->deltaMode == DOM_DELTA_PIXEL ? 0.01 : e->deltaMode == DOM_DELTA_LINE ? 1.0 / 3 : 80.0;
  g_touch_source = false;  // a wheel or a touchpad: finger swipes come as touch events
  io.AddMouseSourceEvent(ImGuiMouseSource_Mouse);
  io.AddMouseWheelEvent(static_cast<float>(-e->deltaX * scale), static_cast<float>(-e->deltaY * scale));
  return EM_TRUE;
}

EM_BOOL on_touch(int type, const EmscriptenTouchEvent* e, void*) {
  ImGuiIO& io = ImGui::GetIO();
  woke_by_input();
  g_touch_source = true;
  // When the finger moved, not when the page got round to it: a busy page must not turn a swipe into
  // a hold.
  const double now = e->timestamp;
  for (int i = 0; i < e->numTouches; ++i) {
    const EmscriptenTouchPoint& t = e->touches[i];
    if (!t.isChanged) continue;
    const float x = static_cast<float>(t.targetX), y = static_cast<float>(t.targetY);
    io.AddMouseSourceEvent(ImGuiMouseSource_TouchScreen);
    if (type == EMSCRIPTEN_EVENT_TOUCHSTART) {
      if (g_touch.id != -1) continue;  // a second finger is not followed
      g_touch = Touch{t.identifier, x, y, x, y, now, Touch::Pending};
      io.AddMousePosEvent(x, y);  // hover first: the tap, scroll or drag starts where the finger is
      continue;
    }
    if (t.identifier != g_touch.id) continue;
    if (type == EMSCRIPTEN_EVENT_TOUCHMOVE) {
      if (g_touch.mode == Touch::Pending && std::hypot(x - g_touch.x0, y - g_touch.y0) >= kTouchSlopPx) {
        if (now - g_touch.t0 >= kTouchHoldMs) {
          g_touch.mode = Touch::Drag;
          io.AddMouseButtonEvent(0, true);
        } else {
          g_touch.mode = Touch::Scroll;
        }
      }
      if (g_touch.mode == Touch::Scroll) {
        // The window under the finger follows it: content moves with the finger.
        const float step = kWheelStepFonts * ImGui::GetFontSize();
        io.AddMouseWheelEvent((x - g_touch.x) / step, (y - g_touch.y) / step);
      } else if (g_touch.mode == Touch::Drag) {
        io.AddMousePosEvent(x, y);
      }
      if (g_touch.mode != Touch::Pending) g_touch.x = x, g_touch.y = y;
      continue;
    }
    // End or cancel.
    if (g_touch.mode == Touch::Pending && type == EMSCRIPTEN_EVENT_TOUCHEND) {  // a tap: a click
      io.AddMousePosEvent(x, y);
      io.AddMouseButtonEvent(0, true);
      io.AddMouseButtonEvent(0, false);
      if (g_text_box_at && g_text_box_at(x, y)) {
        // A text box (as the last frame drew it) is under the finger: the soft keyboard's textarea
        // takes the focus now, inside this touchend; the next frame keeps it (the box is active) or,
        // if the tap did not activate it after all, gives the keys back to the canvas.
        g_text_area_active = true;
        js_text_area(1, x, y);
      } else if (!g_text_area_active) {
        js_focus_canvas();
      }
    } else if (g_touch.mode == Touch::Drag) {
      io.AddMousePosEvent(x, y);
      io.AddMouseButtonEvent(0, false);
    }
    g_touch.id = -1;
  }
  return EM_TRUE;  // no emulated mouse events, no page scrolling or zooming from the canvas
}

EM_BOOL on_focus(int type, const EmscriptenFocusEvent*, void*) {
  woke_by_input();
  ImGui::GetIO().AddFocusEvent(type == EMSCRIPTEN_EVENT_FOCUS);
  return EM_FALSE;
}

EM_BOOL on_resize(int, const EmscriptenUiEvent*, void*) {
  woke_by_input();
  return EM_FALSE;
}

EM_BOOL on_animation_frame(double, void*) {
  const bool more = g_frame && g_frame();
  g_loop_running = more;
  return more ? EM_TRUE : EM_FALSE;
}

const char* get_clipboard(void*) { return g_clipboard.c_str(); }
void set_clipboard(void*, const char* text) {
  g_clipboard = text ? text : "";
  js_clipboard_write(g_clipboard.c_str());
}
void set_ime_data(ImGuiViewport*, ImGuiPlatformImeData* data) {
  if (data && data->WantVisible) g_ime_pos = ImVec2(data->InputPos.x, data->InputPos.y + data->InputLineHeight);
}

const char* css_cursor(ImGuiMouseCursor c) {
  switch (c) {
    case ImGuiMouseCursor_None: return "none";
    case ImGuiMouseCursor_TextInput: return "text";
    case ImGuiMouseCursor_ResizeAll: return "move";
    case ImGuiMouseCursor_ResizeNS: return "ns-resize";
    case ImGuiMouseCursor_ResizeEW: return "ew-resize";
    case ImGuiMouseCursor_ResizeNESW: return "nesw-resize";
    case ImGuiMouseCursor_ResizeNWSE: return "nwse-resize";
    case ImGuiMouseCursor_Hand: return "pointer";
    case ImGuiMouseCursor_NotAllowed: return "not-allowed";
    default: return "default";
  }
}
}  // namespace

std::string init(const char*, int, int) {
  EmscriptenWebGLContextAttributes attrs;
  emscripten_webgl_init_context_attributes(&attrs);
  attrs.majorVersion = 2;
  attrs.minorVersion = 0;
  attrs.alpha = EM_FALSE;
  attrs.depth = EM_FALSE;
  attrs.stencil = EM_FALSE;
  attrs.antialias = EM_FALSE;
  // ImGui's renderer needs no WebGL extension: enabling them all (Emscripten's default) costs a
  // getExtension() call per extension at start-up.
  attrs.enableExtensionsByDefault = EM_FALSE;
  g_gl = emscripten_webgl_create_context(kCanvas, &attrs);
  if (g_gl <= 0 || emscripten_webgl_make_context_current(g_gl) != EMSCRIPTEN_RESULT_SUCCESS)
    return "Envelope needs WebGL2, which this browser has turned off or does not support. Try a current Chrome, "
           "Firefox or Safari, or enable hardware acceleration.";

  js_setup();
  ImGuiIO& io = ImGui::GetIO();
  io.BackendPlatformName = "envelope_web (Emscripten HTML5)";
  io.BackendFlags |= ImGuiBackendFlags_HasMouseCursors;
  io.ConfigMacOSXBehaviors = js_is_mac() != 0;  // Cmd shortcuts on Apple devices
  io.GetClipboardTextFn = get_clipboard;
  io.SetClipboardTextFn = set_clipboard;
  io.SetPlatformImeDataFn = set_ime_data;

  // Keys on the canvas only: the rest of the page (the text mirror) and the browser's shortcuts keep
  // theirs. The textarea gets them while the soft keyboard is up.
  for (const char* target : {kCanvas, kTextArea}) {
    void* from_text_area = target == kTextArea ? reinterpret_cast<void*>(1) : nullptr;
    emscripten_set_keydown_callback(target, from_text_area, EM_TRUE, on_key);
    emscripten_set_keyup_callback(target, from_text_area, EM_TRUE, on_key);
    emscripten_set_keypress_callback(target, from_text_area, EM_TRUE, on_key);
  }
  emscripten_set_mousemove_callback(kCanvas, nullptr, EM_TRUE, on_mouse);
  emscripten_set_mousedown_callback(kCanvas, nullptr, EM_TRUE, on_mouse);
  emscripten_set_mouseenter_callback(kCanvas, nullptr, EM_TRUE, on_mouse);
  emscripten_set_mouseleave_callback(kCanvas, nullptr, EM_TRUE, on_mouse);
  // Released anywhere (a drag that left the canvas ends too).
  emscripten_set_mouseup_callback(EMSCRIPTEN_EVENT_TARGET_DOCUMENT, nullptr, EM_TRUE, on_mouse);
  emscripten_set_wheel_callback(kCanvas, nullptr, EM_TRUE, on_wheel);
  emscripten_set_touchstart_callback(kCanvas, nullptr, EM_TRUE, on_touch);
  emscripten_set_touchmove_callback(kCanvas, nullptr, EM_TRUE, on_touch);
  emscripten_set_touchend_callback(kCanvas, nullptr, EM_TRUE, on_touch);
  emscripten_set_touchcancel_callback(kCanvas, nullptr, EM_TRUE, on_touch);
  emscripten_set_focus_callback(EMSCRIPTEN_EVENT_TARGET_WINDOW, nullptr, EM_TRUE, on_focus);
  emscripten_set_blur_callback(EMSCRIPTEN_EVENT_TARGET_WINDOW, nullptr, EM_TRUE, on_focus);
  emscripten_set_resize_callback(EMSCRIPTEN_EVENT_TARGET_WINDOW, nullptr, EM_TRUE, on_resize);
  g_last_frame_ms = emscripten_get_now();
  return "";
}

const char* glsl_version() { return "#version 300 es"; }

bool process_events() {
  const bool input = g_input;
  g_input = false;
  return input;
}

void new_frame() {
  ImGuiIO& io = ImGui::GetIO();
  // The canvas fills its CSS box; its backing store is that box in device pixels (crisp text on
  // HiDPI screens and after zooming), resized whenever either changes.
  double css_w = 0, css_h = 0;
  js_canvas_size(&css_w, &css_h);
  const double dpr = emscripten_get_device_pixel_ratio() > 0 ? emscripten_get_device_pixel_ratio() : 1.0;
  const int fb_w = static_cast<int>(std::lround(css_w * dpr)), fb_h = static_cast<int>(std::lround(css_h * dpr));
  int cur_w = 0, cur_h = 0;
  emscripten_get_canvas_element_size(kCanvas, &cur_w, &cur_h);
  if ((fb_w != cur_w || fb_h != cur_h) && fb_w > 0 && fb_h > 0) emscripten_set_canvas_element_size(kCanvas, fb_w, fb_h);
  io.DisplaySize = ImVec2(static_cast<float>(css_w), static_cast<float>(css_h));
  io.DisplayFramebufferScale = ImVec2(static_cast<float>(dpr), static_cast<float>(dpr));

  const double now = emscripten_get_now();
  io.DeltaTime = now > g_last_frame_ms ? static_cast<float>((now - g_last_frame_ms) / 1000.0) : 1.0f / 60.0f;
  g_last_frame_ms = now;

  const ImGuiMouseCursor cursor = io.MouseDrawCursor ? ImGuiMouseCursor_None : ImGui::GetMouseCursor();
  if (cursor != g_cursor) {
    g_cursor = cursor;
    js_set_cursor(css_cursor(cursor));
  }
  // A text box took the keyboard after a tap: the soft keyboard's textarea takes the keys.
  const bool text_area = io.WantTextInput && g_touch_source;
  if (text_area != g_text_area_active) {
    g_text_area_active = text_area;
    js_text_area(text_area ? 1 : 0, g_ime_pos.x, g_ime_pos.y);
  }
}

void set_text_box_test(bool (*test)(float x, float y)) { g_text_box_at = test; }

void present() {}  // the browser shows the canvas when the animation frame returns

double now_ms() { return emscripten_get_now(); }
void mark(const char* name) { js_mark(name); }

void run(bool (*frame)()) {
  g_frame = frame;
  g_loop_running = false;
  wake();
}

void wake() {
  if (!g_frame || g_loop_running) return;
  g_loop_running = true;
  emscripten_request_animation_frame_loop(on_animation_frame, nullptr);
}

void shutdown() {}

}  // namespace envelope::ui::platform

using namespace envelope::ui::platform;

extern "C" {
// The browser's paste event (Ctrl/Cmd+V, or the soft keyboard's paste): the text becomes the
// clipboard and Dear ImGui sees the V of the shortcut.
EMSCRIPTEN_KEEPALIVE void envelope_paste(const char* text) {
  g_clipboard = text ? text : "";
  ImGuiIO& io = ImGui::GetIO();
  io.AddKeyEvent(ImGuiKey_V, true);
  io.AddKeyEvent(ImGuiKey_V, false);
  woke_by_input();
}
// Text typed on the soft keyboard (the textarea's input event), and its Backspace.
EMSCRIPTEN_KEEPALIVE void envelope_text_input(const char* text, int backspace) {
  ImGuiIO& io = ImGui::GetIO();
  if (backspace) {
    io.AddKeyEvent(ImGuiKey_Backspace, true);
    io.AddKeyEvent(ImGuiKey_Backspace, false);
  }
  if (text && *text) io.AddInputCharactersUTF8(text);
  woke_by_input();
}
}
