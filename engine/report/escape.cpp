// Escaping for the HTML report: text and attribute values, and JSON strings
// embedded in <script>. Both first make the bytes valid UTF-8 with the
// export module's clean_utf8 (one UTF-8 decoder for every output syntax).
#include <cstdint>
#include <string>
#include <string_view>

#include "../export/export_internal.hpp"
#include "hydrascope/report.hpp"

namespace hydrascope {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

void append_u(std::string& out, std::uint32_t cp) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out.push_back(kHex[(cp >> shift) & 0xF]);
}

}  // namespace

void append_html(std::string& out, std::string_view s) {
  bool changed = false;
  // xml = true: controls other than tab, LF, CR and U+FFFE/U+FFFF become U+FFFD.
  const std::string clean = exp::clean_utf8(s, true, changed);
  for (char ch : clean) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      case '\r':
      case '\x7f': out += kReplacement; break;
      default: out.push_back(ch);
    }
  }
}

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 16);
  append_html(out, s);
  return out;
}

void append_script_json_string(std::string& out, std::string_view s) {
  bool changed = false;
  const std::string clean = exp::clean_utf8(s, false, changed);
  out.push_back('"');
  for (std::size_t i = 0; i < clean.size(); ++i) {
    const auto c = static_cast<unsigned char>(clean[i]);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7F || c == '<' || c == '>' || c == '&') {
          append_u(out, c);
        } else if (c == 0xE2 && i + 2 < clean.size() && clean[i + 1] == '\x80' &&
                   (clean[i + 2] == '\xA8' || clean[i + 2] == '\xA9')) {
          append_u(out, clean[i + 2] == '\xA8' ? 0x2028 : 0x2029);  // line / paragraph separator
          i += 2;
        } else if (c == 0xEF && clean.compare(i, 3, kReplacement) == 0) {
          append_u(out, 0xFFFD);
          i += 2;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
}

}  // namespace hydrascope
