// The browser renderer (renderer.hpp): Dear ImGui's draw data on WebGL2, written for a fast start.
// With software GL (SwiftShader, headless Chromium: this project's CI and benchmark machine) most of
// the time to the first frame was the page's script waiting on the GPU process: Dear ImGui's OpenGL3
// backend asks for each shader's compile status right after compiling it, and reads back a dozen GL
// states before every frame to restore them afterwards (docs/performance.md). Here the shaders are
// compiled at init(), straight after the context is made, and their status is read only at the first
// draw, so the GPU process compiles them while the app starts and builds its first frame; no state is
// read back (the app owns the context: nothing to restore).
// The drawing itself is the usual one for Dear ImGui (imgui.h's ImDrawData): an orthographic
// projection of the display rectangle, alpha blending, one scissored indexed draw per command.
#include <GLES3/gl3.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "imgui.h"
#include "imgui_internal.h"  // ImFontAtlasGetBuilderForStbTruetype
#include "renderer.hpp"

namespace envelope::ui::renderer {
namespace {

constexpr const char* kVertexShader =
    "#version 300 es\n"
    "precision highp float;\n"
    "uniform mat4 u_projection;\n"
    "layout (location = 0) in vec2 a_position;\n"
    "layout (location = 1) in vec2 a_uv;\n"
    "layout (location = 2) in vec4 a_color;\n"
    "out vec2 v_uv;\n"
    "out vec4 v_color;\n"
    "void main() {\n"
    "  v_uv = a_uv;\n"
    "  v_color = a_color;\n"
    "  gl_Position = u_projection * vec4(a_position, 0.0, 1.0);\n"
    "}\n";

constexpr const char* kFragmentShader =
    "#version 300 es\n"
    "precision mediump float;\n"
    "uniform sampler2D u_texture;\n"
    "in vec2 v_uv;\n"
    "in vec4 v_color;\n"
    "layout (location = 0) out vec4 out_color;\n"
    // The font atlas is one channel (coverage): white text and shapes, tinted by the vertex colour.
    "void main() { out_color = v_color * vec4(1.0, 1.0, 1.0, texture(u_texture, v_uv).r); }\n";

GLuint g_program = 0, g_vertex = 0, g_fragment = 0;
GLint g_projection = -1, g_texture_unit = -1;
GLuint g_vao = 0, g_vbo = 0, g_ebo = 0, g_font = 0;
bool g_checked = false;  // the program's link status was read (at the first draw)

GLuint compile(GLenum kind, const char* source) {
  const GLuint s = glCreateShader(kind);
  glShaderSource(s, 1, &source, nullptr);
  glCompileShader(s);  // no status query here: that would wait for the GPU process
  return s;
}

std::string info_log(GLuint object, bool program) {
  GLint length = 0;
  if (program) glGetProgramiv(object, GL_INFO_LOG_LENGTH, &length);
  else glGetShaderiv(object, GL_INFO_LOG_LENGTH, &length);
  std::string log(length > 0 ? static_cast<size_t>(length) : 0, '\0');
  if (length > 0) {
    if (program) glGetProgramInfoLog(object, length, nullptr, log.data());
    else glGetShaderInfoLog(object, length, nullptr, log.data());
  }
  while (!log.empty() && (log.back() == '\0' || log.back() == '\n')) log.pop_back();
  return log;
}

// The link status, read once at the first draw (by then the compile has run beside the app's start).
std::string check_program() {
  g_checked = true;
  GLint linked = GL_FALSE;
  glGetProgramiv(g_program, GL_LINK_STATUS, &linked);
  if (linked == GL_TRUE) {
    g_projection = glGetUniformLocation(g_program, "u_projection");
    g_texture_unit = glGetUniformLocation(g_program, "u_texture");
    return "";
  }
  std::string why = info_log(g_program, true);
  for (GLuint s : {g_vertex, g_fragment}) {
    GLint ok = GL_FALSE;
    glGetShaderiv(s, GL_COMPILE_STATUS, &ok);
    if (ok != GL_TRUE) why += (why.empty() ? "" : "; ") + info_log(s, false);
  }
  return "the WebGL2 drawing program could not be built (" + (why.empty() ? std::string("no reason given") : why) + ")";
}

void upload_fonts() {
  ImGuiIO& io = ImGui::GetIO();
  // One byte per pixel (the shader reads it as alpha): a quarter of the RGBA upload, and no RGBA
  // conversion of the atlas, before the first frame. Built with stb_truetype directly, not through
  // GetTexDataAsAlpha8() -> ImFontAtlas::Build(): Build() falls back to AddFontDefault() when no font
  // was added, and that call alone links Dear ImGui's embedded ProggyClean font (12 KB of base85 and
  // its decompressor, ~10 KiB of the gzipped page) though main.cpp always adds Roboto first (Dear
  // ImGui 1.90.1 has no IMGUI_DISABLE_DEFAULT_FONT). Built when GetTexDataAsAlpha8() would build it.
  ImFontAtlas* atlas = io.Fonts;
  if (atlas->TexPixelsAlpha8 == nullptr) ImFontAtlasGetBuilderForStbTruetype()->FontBuilder_Build(atlas);
  const unsigned char* pixels = atlas->TexPixelsAlpha8;
  const int width = atlas->TexWidth, height = atlas->TexHeight;
  if (g_font == 0) glGenTextures(1, &g_font);
  glBindTexture(GL_TEXTURE_2D, g_font);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_R8, width, height, 0, GL_RED, GL_UNSIGNED_BYTE, pixels);
  io.Fonts->SetTexID(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(g_font)));
}

}  // namespace

std::string init() {
  ImGuiIO& io = ImGui::GetIO();
  io.BackendRendererName = "envelope_webgl2";
  // No ImGuiBackendFlags_RendererHasVtxOffset: WebGL2 has no base-vertex draw, so Dear ImGui keeps
  // every draw list's vertices addressable by 16-bit indices and VtxOffset at 0.
  g_vertex = compile(GL_VERTEX_SHADER, kVertexShader);
  g_fragment = compile(GL_FRAGMENT_SHADER, kFragmentShader);
  g_program = glCreateProgram();
  glAttachShader(g_program, g_vertex);
  glAttachShader(g_program, g_fragment);
  glLinkProgram(g_program);
  glGenVertexArrays(1, &g_vao);
  glGenBuffers(1, &g_vbo);
  glGenBuffers(1, &g_ebo);
  glBindVertexArray(g_vao);
  glBindBuffer(GL_ARRAY_BUFFER, g_vbo);
  glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, g_ebo);  // part of the vertex array's state
  const GLsizei stride = sizeof(ImDrawVert);
  glEnableVertexAttribArray(0);
  glEnableVertexAttribArray(1);
  glEnableVertexAttribArray(2);
  glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, stride, reinterpret_cast<void*>(offsetof(ImDrawVert, pos)));
  glVertexAttribPointer(1, 2, GL_FLOAT, GL_FALSE, stride, reinterpret_cast<void*>(offsetof(ImDrawVert, uv)));
  glVertexAttribPointer(2, 4, GL_UNSIGNED_BYTE, GL_TRUE, stride, reinterpret_cast<void*>(offsetof(ImDrawVert, col)));
  glBindVertexArray(0);
  return "";
}

// Nothing per frame: the atlas is uploaded by fonts_changed(), which main.cpp calls on the first
// frame (it builds the font at the device pixel ratio) and whenever that ratio changes.
void new_frame() {}

void fonts_changed() { upload_fonts(); }

std::string render(ImDrawData* data) {
  const float sx = data->FramebufferScale.x, sy = data->FramebufferScale.y;
  const int fb_width = static_cast<int>(data->DisplaySize.x * sx);
  const int fb_height = static_cast<int>(data->DisplaySize.y * sy);
  if (fb_width <= 0 || fb_height <= 0) return "";
  if (!g_checked) {
    const std::string why = check_program();
    if (!why.empty()) return why;
  } else {
    // One state read per frame after the first: it returns when the GPU process has taken the
    // previous frame's commands, so drawing never runs more than a frame ahead of the GPU. Without
    // it frames queue up behind a slow (software) GPU and a typed edit shows ~3x later (measured
    // with SwiftShader: ~0.5 s instead of ~0.17 s from Enter to the applied value).
    GLint blend_src = 0;
    glGetIntegerv(GL_BLEND_SRC_RGB, &blend_src);
  }
  if (g_projection < 0) return "";  // the program did not link: nothing can be drawn

  glEnable(GL_BLEND);
  glBlendEquation(GL_FUNC_ADD);
  glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
  glDisable(GL_CULL_FACE);
  glDisable(GL_DEPTH_TEST);
  glDisable(GL_STENCIL_TEST);
  glEnable(GL_SCISSOR_TEST);
  glViewport(0, 0, fb_width, fb_height);

  // Display rectangle (logical pixels) to clip space, y down.
  const float l = data->DisplayPos.x, r = l + data->DisplaySize.x;
  const float t = data->DisplayPos.y, b = t + data->DisplaySize.y;
  const float projection[16] = {2.0f / (r - l), 0, 0, 0, 0, 2.0f / (t - b), 0, 0, 0, 0, -1, 0,
                                (r + l) / (l - r), (t + b) / (b - t), 0, 1};
  glUseProgram(g_program);
  glUniformMatrix4fv(g_projection, 1, GL_FALSE, projection);
  glUniform1i(g_texture_unit, 0);
  glActiveTexture(GL_TEXTURE0);
  glBindVertexArray(g_vao);
  glBindBuffer(GL_ARRAY_BUFFER, g_vbo);

  const ImVec2 origin = data->DisplayPos;
  const GLenum index_type = sizeof(ImDrawIdx) == 2 ? GL_UNSIGNED_SHORT : GL_UNSIGNED_INT;
  for (int n = 0; n < data->CmdListsCount; ++n) {
    const ImDrawList* list = data->CmdLists[n];
    glBufferData(GL_ARRAY_BUFFER, static_cast<GLsizeiptr>(list->VtxBuffer.Size) * sizeof(ImDrawVert), list->VtxBuffer.Data,
                 GL_STREAM_DRAW);
    glBufferData(GL_ELEMENT_ARRAY_BUFFER, static_cast<GLsizeiptr>(list->IdxBuffer.Size) * sizeof(ImDrawIdx),
                 list->IdxBuffer.Data, GL_STREAM_DRAW);
    for (const ImDrawCmd& cmd : list->CmdBuffer) {
      if (cmd.UserCallback) {  // the app registers none; honour Dear ImGui's contract anyway
        if (cmd.UserCallback != ImDrawCallback_ResetRenderState) cmd.UserCallback(list, &cmd);
        continue;
      }
      // Clip rectangle in framebuffer pixels; GL's scissor origin is the bottom-left corner.
      const float x0 = (cmd.ClipRect.x - origin.x) * sx, y0 = (cmd.ClipRect.y - origin.y) * sy;
      const float x1 = (cmd.ClipRect.z - origin.x) * sx, y1 = (cmd.ClipRect.w - origin.y) * sy;
      if (x1 <= x0 || y1 <= y0) continue;
      glScissor(static_cast<int>(x0), static_cast<int>(fb_height - y1), static_cast<int>(x1 - x0), static_cast<int>(y1 - y0));
      glBindTexture(GL_TEXTURE_2D, static_cast<GLuint>(reinterpret_cast<intptr_t>(cmd.GetTexID())));
      glDrawElements(GL_TRIANGLES, static_cast<GLsizei>(cmd.ElemCount), index_type,
                     reinterpret_cast<void*>(static_cast<intptr_t>(cmd.IdxOffset * sizeof(ImDrawIdx))));
    }
  }
  glBindVertexArray(0);
  glDisable(GL_SCISSOR_TEST);
  return "";
}

void shutdown() {
  if (g_font) glDeleteTextures(1, &g_font);
  if (g_vbo) glDeleteBuffers(1, &g_vbo);
  if (g_ebo) glDeleteBuffers(1, &g_ebo);
  if (g_vao) glDeleteVertexArrays(1, &g_vao);
  if (g_program) glDeleteProgram(g_program);
  if (g_vertex) glDeleteShader(g_vertex);
  if (g_fragment) glDeleteShader(g_fragment);
  g_font = g_vbo = g_ebo = g_vao = g_program = g_vertex = g_fragment = 0;
  g_checked = false;
  g_projection = g_texture_unit = -1;
}

}  // namespace envelope::ui::renderer
