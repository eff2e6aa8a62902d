// Browser host: localStorage, URL fragment, clipboard, downloads and the text mirror, through the
// small JS glue in shell/envelope.js (window.envelopeHost). Also the exported functions behind
// window.envelope (getScenario, setScenario, getReport, link).
#include <emscripten.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "envelope/evaluate.hpp"
#include "envelope/link.hpp"
#include "envelope/sweep.hpp"
#include "host.hpp"
#include "runtime.hpp"

namespace envelope::ui {

// Text crosses the boundary as UTF-8; JS-allocated strings are freed here. Nothing from the URL or
// storage is ever evaluated as code: JS only passes strings to these functions and sets textContent.
EM_JS(char*, js_storage_get, (const char* key), {
  return allocateUTF8(window.envelopeHost.storageGet(UTF8ToString(key)));
});
EM_JS(int, js_storage_set, (const char* key, const char* value), {
  return window.envelopeHost.storageSet(UTF8ToString(key), UTF8ToString(value)) ? 1 : 0;
});
EM_JS(char*, js_fragment, (), { return allocateUTF8(window.location.hash || ""); });
EM_JS(void, js_set_fragment, (const char* fragment), { window.envelopeHost.setFragment(UTF8ToString(fragment)); });
EM_JS(void, js_push_fragment, (const char* fragment), { window.envelopeHost.pushFragment(UTF8ToString(fragment)); });
EM_JS(char*, js_page_address, (), { return allocateUTF8(window.envelopeHost.pageAddress()); });
EM_JS(void, js_copy, (const char* text), { window.envelopeHost.copy(UTF8ToString(text)); });
EM_JS(void, js_save_file, (const char* name, const char* mime, const char* content), {
  window.envelopeHost.saveFile(UTF8ToString(name), UTF8ToString(mime), UTF8ToString(content));
});
EM_JS(void, js_publish, (const char* text, const char* link), {
  window.envelopeHost.publish(UTF8ToString(text), UTF8ToString(link));
});
EM_JS(int, js_open_config_file, (), { return window.envelopeHost.openFile() ? 1 : 0; });
// The text of a config to import, held by the glue (read from a file or given to importConfig):
// pulled here into wasm memory with malloc, as it may be larger than a ccall argument's stack space.
EM_JS(char*, js_import_text, (), { return allocateUTF8(window.envelopeHost.takeImportText()); });
EM_JS(void, js_notify, (const char* message), { window.envelopeHost.notify(UTF8ToString(message)); });
EM_JS(void, js_started, (), { window.envelopeHost.started(); });
EM_JS(void, js_fatal, (const char* what), { window.envelopeHost.fatal(UTF8ToString(what)); });

namespace {
std::string take(char* p) {
  std::string s = p ? p : "";
  std::free(p);
  return s;
}

class WebHost final : public Host {
 public:
  std::string storage_get(const std::string& key) override { return take(js_storage_get(key.c_str())); }
  bool storage_set(const std::string& key, const std::string& value) override {
    return js_storage_set(key.c_str(), value.c_str()) != 0;
  }
  std::string location_fragment() override { return take(js_fragment()); }
  void set_location_fragment(const std::string& f) override { js_set_fragment(f.c_str()); }
  void push_location_fragment(const std::string& f) override { js_push_fragment(f.c_str()); }
  std::string page_address() override { return take(js_page_address()); }
  void copy_to_clipboard(const std::string& text) override { js_copy(text.c_str()); }
  void save_file(const std::string& name, const std::string& mime, const std::string& content) override {
    js_save_file(name.c_str(), mime.c_str(), content.c_str());
  }
  void publish(const std::string& text, const std::string& link) override {
    js_publish(text.c_str(), link.c_str());
  }
  void notify(const std::string& message) override { js_notify(message.c_str()); }
  void started() override { js_started(); }
  bool open_config_file() override { return js_open_config_file() != 0; }
};

std::string g_out;  // storage for strings returned to JS (valid until the next call)

const char* store_result_json(const StoreResult& r) {
  g_out = nlohmann::json{{"ok", r.ok}, {"exists", r.exists}, {"error", r.error}}.dump();
  return g_out.c_str();
}

const char* load_result_json(const LoadResult& r) {
  nlohmann::json j = {{"ok", r.ok()}, {"error", r.fatal}, {"problems", nlohmann::json::array()}};
  for (const Problem& p : r.problems) j["problems"].push_back({{"path", p.path}, {"message", p.message}});
  g_out = j.dump();
  return g_out.c_str();
}
}  // namespace

Host& platform_host() {
  static WebHost host;
  return host;
}

void report_fatal(const char* what) { js_fatal(what); }

}  // namespace envelope::ui

using namespace envelope::ui;

extern "C" {
EMSCRIPTEN_KEEPALIVE const char* envelope_get_scenario() {
  g_out = running_app() ? envelope::scenario_to_json(running_app()->scenario(), false) : "{}";
  return g_out.c_str();
}
EMSCRIPTEN_KEEPALIVE const char* envelope_get_report() {
  g_out = running_app() ? running_app()->report().to_json(-1) : "{}";
  return g_out.c_str();
}
EMSCRIPTEN_KEEPALIVE const char* envelope_link() {
  g_out = running_app() ? envelope::encode_link_fragment(running_app()->scenario()) : "";
  return g_out.c_str();
}
// setScenario(json) and links pasted or navigated to: the same validation as the CLI.
EMSCRIPTEN_KEEPALIVE const char* envelope_load(const char* text, const char* origin) {
  if (!running_app()) return "{\"ok\":false,\"error\":\"not started\",\"problems\":[]}";
  const envelope::LoadResult r = running_app()->load_text(text ? text : "", origin ? origin : "scenario");
  request_redraw();
  return load_result_json(r);
}
// A config.json dropped on the page, chosen with Open file, or given to importConfig: its text is
// pulled from the glue (js_import_text). {ok, error, model_type, assumptions, model} (model: the
// scenario's model section after the import).
EMSCRIPTEN_KEEPALIVE const char* envelope_import_config(const char* source) {
  const std::string text = take(js_import_text());
  if (!running_app()) return "{\"ok\":false,\"error\":\"not started\"}";
  const envelope::ImportResult r = running_app()->import_config(text, source ? source : "");
  nlohmann::json j = {{"ok", r.ok()}, {"error", r.error}, {"model", nullptr}};
  if (r.ok()) {
    j["model"] = nlohmann::json::parse(envelope::scenario_to_json(running_app()->scenario(), false))["model"];
    j["model_type"] = r.model_type;
    j["assumptions"] = r.assumptions;
  }
  request_redraw();
  g_out = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return g_out.c_str();
}
// Something dropped or chosen that is not config text (not a file, too large, unreadable).
EMSCRIPTEN_KEEPALIVE void envelope_import_refused(const char* source, const char* reason) {
  if (running_app()) running_app()->import_refused(source ? source : "", reason ? reason : "");
  request_redraw();
}
EMSCRIPTEN_KEEPALIVE double envelope_import_limit() { return static_cast<double>(envelope::kMaxConfigJsonBytes); }
// Named scenarios (window.envelope.saved / save / open / remove).
EMSCRIPTEN_KEEPALIVE const char* envelope_saved() {
  g_out = running_app() ? nlohmann::json(running_app()->saved_names()).dump() : "[]";
  request_redraw();  // reading may have found an unreadable store: its message is drawn
  return g_out.c_str();
}
EMSCRIPTEN_KEEPALIVE const char* envelope_save(const char* name, int overwrite) {
  if (!running_app()) return "{\"ok\":false,\"exists\":false,\"error\":\"not started\"}";
  const StoreResult r = running_app()->save_named(name ? name : "", overwrite != 0);
  request_redraw();
  return store_result_json(r);
}
EMSCRIPTEN_KEEPALIVE const char* envelope_open(const char* name) {
  if (!running_app()) return "{\"ok\":false,\"error\":\"not started\",\"problems\":[]}";
  const envelope::LoadResult r = running_app()->open_named(name ? name : "");
  request_redraw();
  return load_result_json(r);
}
EMSCRIPTEN_KEEPALIVE const char* envelope_remove(const char* name) {
  if (!running_app()) return "{\"ok\":false,\"exists\":false,\"error\":\"not started\"}";
  const StoreResult r = running_app()->delete_named(name ? name : "");
  request_redraw();
  return store_result_json(r);
}
// Another tab changed localStorage (the "storage" event).
EMSCRIPTEN_KEEPALIVE void envelope_storage_changed() {
  if (running_app()) running_app()->storage_changed();
  request_redraw();
}
// The clipboard answered a copy (Copy link shows "Copied" or why not).
EMSCRIPTEN_KEEPALIVE void envelope_copy_done(int ok, const char* reason) {
  if (running_app()) running_app()->copy_done(ok != 0, reason ? reason : "");
  request_redraw();
}
// window.envelope.windows() / widgets(): the last drawn frame's panels and inputs (window pixels).
EMSCRIPTEN_KEEPALIVE const char* envelope_windows() {
  g_out = running_app() ? running_app()->windows_json() : "[]";
  return g_out.c_str();
}
EMSCRIPTEN_KEEPALIVE const char* envelope_widgets() {
  g_out = running_app() ? running_app()->widgets_json() : "[]";
  return g_out.c_str();
}
// window.envelope.undo() / redo(): the same as Ctrl+Z / Ctrl+Shift+Z; false when there is nothing to do.
EMSCRIPTEN_KEEPALIVE int envelope_undo(int redo) {
  if (!running_app()) return 0;
  const bool done = redo ? running_app()->redo() : running_app()->undo();
  request_redraw();
  return done ? 1 : 0;
}
EMSCRIPTEN_KEEPALIVE double envelope_frames_drawn() { return static_cast<double>(frames_drawn()); }
EMSCRIPTEN_KEEPALIVE void envelope_request_redraw() { request_redraw(); }
// scripts/bench: milliseconds for a `points`-point decode sweep of the current scenario, in the browser.
EMSCRIPTEN_KEEPALIVE double envelope_bench_sweep(int points) {
  if (!running_app()) return -1;
  const double start = emscripten_get_now();
  const auto sweep = envelope::decode_sweep(running_app()->scenario(), 1, 1e6, points);
  return sweep.empty() ? -1 : emscripten_get_now() - start;
}
}
