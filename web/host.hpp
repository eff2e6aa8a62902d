// What the app needs from the page or the desktop around it. One implementation per platform
// (host_web.cpp: browser via Emscripten; host_native.cpp: desktop files), plus a fake in the
// headless UI test. Keeps app and panels free of platform code.
#pragma once
#include <string>

namespace envelope::ui {

class Host {
 public:
  virtual ~Host() = default;
  // Persistent key-value storage (localStorage in the browser). storage_set returns false when the
  // value was not stored (storage full, turned off or unavailable).
  virtual std::string storage_get(const std::string& key) = 0;
  virtual bool storage_set(const std::string& key, const std::string& value) = 0;
  // The page's URL fragment ("#s=..."); set without adding history entries.
  virtual std::string location_fragment() = 0;
  virtual void set_location_fragment(const std::string& fragment) = 0;
  // The same as a new browser history entry (Back returns to the previous one).
  virtual void push_location_fragment(const std::string& fragment) { set_location_fragment(fragment); }
  // The page's address without the fragment (origin + path), "" where there is none (desktop).
  virtual std::string page_address() { return ""; }
  // Copies text; the host then calls App::copy_done (at once, or when the browser answers).
  virtual void copy_to_clipboard(const std::string& text) = 0;
  // Offer a file to the user (download in the browser).
  virtual void save_file(const std::string& name, const std::string& mime, const std::string& content) = 0;
  // Ask the user for a config.json to import (the browser's file chooser); the chosen file's text
  // goes to App::import_config when it has been read. false: not available here (nothing asked).
  virtual bool open_config_file() { return false; }
  // The accessible text mirror of the results and the scenario's link (window.envelope.getReport()
  // asks the app for the report JSON when it is wanted: it is not built on every change).
  virtual void publish(const std::string& text, const std::string& link) = 0;
  // A message for the user outside the canvas too (broken link; empty: clear it).
  virtual void notify(const std::string& message) = 0;
  // The app has started: its scenario, report, text mirror and link are in place (App::finish_start).
  virtual void started() {}
};

}  // namespace envelope::ui
