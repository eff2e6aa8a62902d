// The UI font: Roboto Regular from Debian's fonts-roboto-unhinted, embedded by cmake/embed.cmake.
#include <string>

namespace envelope {
const std::string& embedded_font_file(const std::string& name);
}

namespace envelope::ui {
const std::string& embedded_font() { return embedded_font_file(ENVELOPE_FONT_NAME); }
}  // namespace envelope::ui
