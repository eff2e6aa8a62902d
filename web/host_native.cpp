// Desktop host: storage as files under $XDG_CONFIG_HOME/envelope (or ~/.config/envelope), the
// fragment from ENVELOPE_LINK, clipboard through SDL, files saved to the working directory, the
// text mirror to stdout when ENVELOPE_PRINT_REPORT is set.
#include <SDL.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "host.hpp"
#include "runtime.hpp"

namespace envelope::ui {

namespace {
std::filesystem::path config_dir() {
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  const char* home = std::getenv("HOME");
  std::filesystem::path base = xdg ? xdg : (home ? std::filesystem::path(home) / ".config" : std::filesystem::path("."));
  return base / "envelope";
}

class NativeHost final : public Host {
 public:
  std::string storage_get(const std::string& key) override {
    std::ifstream f(config_dir() / key, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
  }
  bool storage_set(const std::string& key, const std::string& value) override {
    std::error_code ec;
    std::filesystem::create_directories(config_dir(), ec);
    std::ofstream f(config_dir() / key, std::ios::binary);
    f << value;
    f.close();
    return static_cast<bool>(f);
  }
  std::string location_fragment() override {
    const char* link = std::getenv("ENVELOPE_LINK");
    return link ? link : "";
  }
  void set_location_fragment(const std::string&) override {}
  void copy_to_clipboard(const std::string& text) override {
    const bool ok = SDL_SetClipboardText(text.c_str()) == 0;
    if (running_app()) running_app()->copy_done(ok, ok ? "" : SDL_GetError());
  }
  void save_file(const std::string& name, const std::string&, const std::string& content) override {
    std::ofstream(name, std::ios::binary) << content;
    std::printf("saved %s\n", name.c_str());
  }
  void publish(const std::string& text, const std::string&) override {
    if (std::getenv("ENVELOPE_PRINT_REPORT")) std::fputs(text.c_str(), stdout);
  }
  void notify(const std::string& message) override {
    if (!message.empty()) std::fprintf(stderr, "envelope: %s\n", message.c_str());
  }
};
}  // namespace

Host& platform_host() {
  static NativeHost host;
  return host;
}

void report_fatal(const char* what) { std::fprintf(stderr, "envelope: %s\n", what); }

}  // namespace envelope::ui
