// Escaping for every export syntax, file names from ids, number text and the
// format list. Ids and attributes come from the outside world: any byte may
// appear, and each writer must keep them as data.
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "export_internal.hpp"
#include "hydrascope/strings.hpp"

namespace hydrascope {
namespace exp {

std::uint64_t fnv1a64(std::string_view bytes) noexcept {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ull;
  }
  return h;
}

std::string hex16(std::uint64_t v) {
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

namespace {

// Length of the valid UTF-8 sequence at s[i] and its code point; 0 when invalid.
std::size_t utf8_at(std::string_view s, std::size_t i, char32_t& cp) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  std::size_t len = 0;
  char32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2;
    cp = b0 & 0x1F;
    min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3;
    cp = b0 & 0x0F;
    min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4;
    cp = b0 & 0x07;
    min = 0x10000;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

}  // namespace

std::string clean_utf8(std::string_view s, bool xml, bool& changed) {
  std::string out;
  out.reserve(s.size());
  changed = false;
  for (std::size_t i = 0; i < s.size();) {
    char32_t cp = 0;
    const std::size_t len = utf8_at(s, i, cp);
    if (len == 0) {
      out += kReplacement;
      changed = true;
      ++i;
      continue;
    }
    const bool forbidden = xml && ((cp < 0x20 && cp != 0x09 && cp != 0x0A && cp != 0x0D) || cp == 0xFFFE || cp == 0xFFFF);
    if (forbidden) {
      out += kReplacement;
      changed = true;
    } else {
      out.append(s.substr(i, len));
    }
    i += len;
  }
  return out;
}

std::string clean_id(std::string_view id, bool xml) {
  bool changed = false;
  std::string out = clean_utf8(id, xml, changed);
  if (changed) out += "#" + hex16(fnv1a64(id));
  return out;
}

void append_xml(std::string& out, std::string_view raw) {
  bool changed = false;
  const std::string s = clean_utf8(raw, true, changed);
  for (char ch : s) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\t': out += "&#9;"; break;
      case '\n': out += "&#10;"; break;
      case '\r': out += "&#13;"; break;
      default: out.push_back(ch);
    }
  }
}

void append_dot(std::string& out, std::string_view raw) {
  // Cleaned as for XML too: Graphviz copies control characters into SVG
  // output, which would make the drawing ill-formed.
  bool changed = false;
  const std::string s = clean_utf8(raw, true, changed);
  out.push_back('"');
  for (char ch : s) {
    if (ch == '"' || ch == '\\') {
      out.push_back('\\');
      out.push_back(ch);
    } else if (ch == '&') {
      out += "&amp;";  // Graphviz decodes HTML entities in labels
    } else if (ch == '\n') {
      out += "\\n";
    } else if (ch == '\r') {
      out += "\\r";
    } else {
      out.push_back(ch);
    }
  }
  out.push_back('"');
}

void append_csv(std::string& out, std::string_view s) { append_csv_field(out, s); }

void append_double(std::string& out, double v) {
  if (!std::isfinite(v)) v = 0.0;
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

}  // namespace exp

std::string safe_file_stem(std::string_view text, std::size_t max_bytes) {
  if (max_bytes < 1) max_bytes = 1;
  std::string out;
  bool changed = false;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0 || c == '-' || c == '_' || c == '.') {
      out.push_back(c);
    } else {
      out.push_back('_');
      changed = true;
    }
  }
  if (out.empty()) {
    out = "_";
    changed = true;
  }
  if (out.front() == '.') {
    out.front() = '_';
    changed = true;
  }
  if (out.size() > max_bytes) {
    out.resize(max_bytes);
    changed = true;
  }
  if (changed) out += "-" + exp::hex16(exp::fnv1a64(text));
  return out;
}

CsvGuard csv_guard_of(CsvGuardMode mode) noexcept {
  switch (mode) {
    case CsvGuardMode::Sheets: return CsvGuard{true, false};
    case CsvGuardMode::All: return CsvGuard{true, true};
    case CsvGuardMode::None: return CsvGuard{false, false};
  }
  return CsvGuard{};
}

std::string_view to_string(CsvGuardMode mode) noexcept {
  switch (mode) {
    case CsvGuardMode::Sheets: return "sheets";
    case CsvGuardMode::All: return "all";
    case CsvGuardMode::None: return "none";
  }
  return "sheets";
}

CsvGuardMode parse_csv_guard_mode(std::string_view name) {
  for (const CsvGuardMode m : {CsvGuardMode::Sheets, CsvGuardMode::All, CsvGuardMode::None})
    if (name == to_string(m)) return m;
  throw std::invalid_argument("csv_guard: expected sheets, all or none, got '" + std::string(name) + "'");
}

ExportFormats parse_export_formats(const std::vector<std::string>& names) {
  ExportFormats f;
  for (const auto& entry : names) {
    std::size_t start = 0;
    while (start <= entry.size()) {
      std::size_t comma = entry.find(',', start);
      if (comma == std::string::npos) comma = entry.size();
      std::string name;
      for (char c : std::string_view(entry).substr(start, comma - start))
        if (c != ' ' && c != '\t') name.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      start = comma + 1;
      if (name.empty()) continue;
      if (name == "json") f.json = true;
      else if (name == "graphml") f.graphml = true;
      else if (name == "gexf" || name == "gexf12") f.gexf = true;
      else if (name == "gexf13") f.gexf13 = true;
      else if (name == "dot") f.dot = true;
      else if (name == "csv") f.csv = true;
      else if (name == "neo4j") f.neo4j = true;
      else
        throw std::invalid_argument("unknown export format '" + name +
                                    "' (expected json, graphml, gexf, gexf13, dot, csv, neo4j)");
    }
  }
  if (f.gexf && f.gexf13)
    throw std::invalid_argument("gexf (1.2) and gexf13 both write <name>.gexf: name one of them");
  return f;
}

}  // namespace hydrascope
