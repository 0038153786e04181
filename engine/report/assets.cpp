// The report's browser code, inlined into every page: web/report.js,
// web/report.css and the graph library (cytoscape.min.js from npm), placed in
// the library's read-only data by the assembler (.incbin; see CMakeLists.txt),
// so that a report needs no file and no network at run time.
#include <string_view>

#include "report_internal.hpp"

#define HS_INCBIN(name, file)          \
  __asm__(".section .rodata\n"           \
          ".balign 16\n" #name "_begin:\n" \
          ".incbin \"" file "\"\n" #name "_end:\n" \
          ".byte 0\n"                    \
          ".previous\n");

HS_INCBIN(hydrascope_report_lib, HYDRASCOPE_REPORT_LIB_FILE)
HS_INCBIN(hydrascope_report_js, HYDRASCOPE_REPORT_JS_FILE)
HS_INCBIN(hydrascope_report_css, HYDRASCOPE_REPORT_CSS_FILE)

extern "C" {
extern const char hydrascope_report_lib_begin[] __asm__("hydrascope_report_lib_begin");
extern const char hydrascope_report_lib_end[] __asm__("hydrascope_report_lib_end");
extern const char hydrascope_report_js_begin[] __asm__("hydrascope_report_js_begin");
extern const char hydrascope_report_js_end[] __asm__("hydrascope_report_js_end");
extern const char hydrascope_report_css_begin[] __asm__("hydrascope_report_css_begin");
extern const char hydrascope_report_css_end[] __asm__("hydrascope_report_css_end");
}

namespace hydrascope::rpt {

std::string_view graph_library_js() noexcept {
  return {hydrascope_report_lib_begin, static_cast<std::size_t>(hydrascope_report_lib_end - hydrascope_report_lib_begin)};
}
std::string_view graph_library_name() noexcept { return HYDRASCOPE_REPORT_LIB_NAME; }
std::string_view report_js() noexcept {
  return {hydrascope_report_js_begin, static_cast<std::size_t>(hydrascope_report_js_end - hydrascope_report_js_begin)};
}
std::string_view report_css() noexcept {
  return {hydrascope_report_css_begin, static_cast<std::size_t>(hydrascope_report_css_end - hydrascope_report_css_begin)};
}

}  // namespace hydrascope::rpt
