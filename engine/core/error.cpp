// Formatting of located input errors.
#include "hydrascope/error.hpp"

#include <string>

namespace hydrascope {

namespace {
// Ids come from the outside world: show them printable and bounded.
std::string printable(const std::string& s) {
  std::string out;
  const std::size_t limit = 120;
  for (std::size_t i = 0; i < s.size() && out.size() < limit; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) {
      static const char* hex = "0123456789abcdef";
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  if (out.size() >= limit) out += "...";
  return out;
}
}  // namespace

std::string format_error(const SourceLocation& w, const std::string& message) {
  std::string s = w.file.empty() ? std::string("<input>") : w.file;
  if (w.line != 0) s += ":" + std::to_string(w.line);
  if (w.byte_offset != kNoPosition) s += (w.line != 0 ? ", byte " : ": byte ") + std::to_string(w.byte_offset);
  s += ": ";
  if (!w.record_kind.empty()) {
    s += w.record_kind;
    if (w.record_index != kNoPosition) s += " #" + std::to_string(w.record_index);
    if (!w.record_id.empty()) s += " (" + printable(w.record_id) + ")";
    s += w.field.empty() ? ": " : ", ";
  }
  if (!w.field.empty()) s += "field \"" + printable(w.field) + "\": ";
  s += message;
  return s;
}

InputError::InputError(SourceLocation where, std::string message)
    : std::runtime_error(format_error(where, message)), where_(std::move(where)), message_(std::move(message)) {}

}  // namespace hydrascope
