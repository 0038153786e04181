// Logging, progress and helpers for the CLI.
#include "cli_util.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>

namespace hydrascope::cli {

bool Context::stderr_is_tty() const { return ::isatty(STDERR_FILENO) == 1; }

void Context::info(std::string_view message) const {
  if (quiet) return;
  std::fprintf(stderr, "hydrascope: %.*s\n", static_cast<int>(message.size()), message.data());
}
void Context::debug(std::string_view message) const {
  if (!verbose || quiet) return;
  std::fprintf(stderr, "hydrascope: debug: %.*s\n", static_cast<int>(message.size()), message.data());
}
void Context::warn(std::string_view message) const {
  std::fprintf(stderr, "hydrascope: warning: %.*s\n", static_cast<int>(message.size()), message.data());
}

std::string human_bytes(double bytes) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  int u = 0;
  while (bytes >= 1000.0 && u < 4) {
    bytes /= 1000.0;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", bytes, units[u]);
  return buf;
}

ProgressFn Context::progress() const {
  if (quiet || !stderr_is_tty()) return {};
  struct State {
    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point last{};
  };
  auto state = std::make_shared<State>();
  return [state](std::string_view stage, std::uint64_t done, std::uint64_t total) {
    const auto now = std::chrono::steady_clock::now();
    if (done != total && now - state->last < std::chrono::milliseconds(200)) return;
    state->last = now;
    const double secs = std::chrono::duration<double>(now - state->start).count();
    const double rate = secs > 0 ? static_cast<double>(done) / secs : 0.0;
    if (total > 0) {
      std::fprintf(stderr, "\r\033[K%.*s: %s / %s (%.0f%%, %s/s)", static_cast<int>(stage.size()), stage.data(),
                   human_bytes(static_cast<double>(done)).c_str(), human_bytes(static_cast<double>(total)).c_str(),
                   100.0 * static_cast<double>(done) / static_cast<double>(total), human_bytes(rate).c_str());
    } else {
      std::fprintf(stderr, "\r\033[K%.*s: %s (%s/s)", static_cast<int>(stage.size()), stage.data(),
                   human_bytes(static_cast<double>(done)).c_str(), human_bytes(rate).c_str());
    }
    std::fflush(stderr);
  };
}

void Context::end_progress() const {
  if (quiet || !stderr_is_tty()) return;
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
}

SnapshotFormat parse_format_name(const std::string& name) {
  if (name == "auto") return SnapshotFormat::Auto;
  if (name == "json") return SnapshotFormat::Json;
  if (name == "ndjson") return SnapshotFormat::Ndjson;
  if (name == "csv") return SnapshotFormat::CsvPair;
  if (name == "edgelist") return SnapshotFormat::EdgeList;
  throw std::invalid_argument("unknown format \"" + name + "\" (auto, json, ndjson, csv, edgelist)");
}

void append_csv_field(std::string& out, std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) {
    out.append(s);
    return;
  }
  out.push_back('"');
  for (const char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

void append_json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
      out.append(buf);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

std::uint64_t peak_rss_bytes() {
  struct rusage usage {};
  if (::getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  return static_cast<std::uint64_t>(usage.ru_maxrss) * 1024u;  // Linux: kilobytes
}

}  // namespace hydrascope::cli
