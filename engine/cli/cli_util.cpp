// Logging, progress and helpers for the CLI.
#include "cli_util.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "hydrascope/atomic_file.hpp"

namespace hydrascope::cli {

bool Context::stderr_is_tty() const { return ::isatty(STDERR_FILENO) == 1; }

namespace {

// One stderr line: text "hydrascope: <prefix><message>" or a JSON object
// {"level": ..., "message": ...} (plus `extra`, already-encoded members).
void log_line(LogFormat format, const char* level, const char* prefix, std::string_view message,
              const std::string& extra = {}) {
  std::string line;
  if (format == LogFormat::Json) {
    line = "{\"level\":\"";
    line += level;
    line += "\"";
    line += extra;
    line += ",\"message\":";
    append_json_string(line, message);
    line += "}\n";
  } else {
    line = "hydrascope: ";
    line += prefix;
    line += one_line(message);
    line += '\n';
  }
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace

void Context::info(std::string_view message) const {
  if (quiet) return;
  log_line(log_format, "info", "", message);
}
void Context::debug(std::string_view message) const {
  if (!verbose || quiet) return;
  log_line(log_format, "debug", "debug: ", message);
}
void Context::warn(std::string_view message) const { log_line(log_format, "warning", "warning: ", message); }

void Context::error(std::string_view kind, int exit_code, std::string_view message, const SourceLocation* where) const {
  std::string extra = ",\"exit\":" + std::to_string(exit_code) + ",\"kind\":";
  append_json_string(extra, kind);
  if (where != nullptr) {
    extra += ",\"file\":";
    append_json_string(extra, where->file);
    if (where->line > 0) extra += ",\"line\":" + std::to_string(where->line);
    if (where->byte_offset != kNoPosition) extra += ",\"byte\":" + std::to_string(where->byte_offset);
    if (!where->record_kind.empty()) {
      extra += ",\"record\":";
      append_json_string(extra, where->record_kind);
    }
    if (where->record_index != kNoPosition) extra += ",\"index\":" + std::to_string(where->record_index);
    if (!where->record_id.empty()) {
      extra += ",\"id\":";
      append_json_string(extra, where->record_id);
    }
    if (!where->field.empty()) {
      extra += ",\"field\":";
      append_json_string(extra, where->field);
    }
  }
  log_line(log_format, "error", kind == "internal" ? "internal error: " : "error: ", message, extra);
}

std::string one_line(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

void check_out_folder(const std::string& dir, bool force, const std::string& option) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const auto st = fs::status(dir, ec);
  if (ec || !fs::exists(st)) return;  // created later
  if (!fs::is_directory(st)) throw std::invalid_argument(option + " " + dir + " exists and is not a folder");
  if (force) return;
  if (!fs::is_empty(dir, ec) || ec)
    throw std::invalid_argument(option + " " + dir + " exists and is not empty (pass --force to replace its results)");
}

std::uint64_t parse_size(const std::string& text) {
  const char* p = text.c_str();
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(p, &end);
  if (end == p || errno != 0 || !std::isfinite(v) || v < 0)
    throw std::invalid_argument("expected a size like 4G, 512M or 1000000, got \"" + text + "\"");
  std::string unit(end);
  for (char& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (unit.size() > 1 && unit.back() == 'B') unit.pop_back();
  if (unit.size() > 1 && unit.back() == 'I') unit.pop_back();  // GiB
  double mult = 1;
  if (unit.empty() || unit == "B") mult = 1;
  else if (unit == "K") mult = 1024.0;
  else if (unit == "M") mult = 1024.0 * 1024.0;
  else if (unit == "G") mult = 1024.0 * 1024.0 * 1024.0;
  else if (unit == "T") mult = 1024.0 * 1024.0 * 1024.0 * 1024.0;
  else throw std::invalid_argument("expected a size like 4G, 512M or 1000000, got \"" + text + "\"");
  const double bytes = v * mult;
  if (bytes >= 1.8e19) throw std::invalid_argument("size \"" + text + "\" is too large");
  return static_cast<std::uint64_t>(bytes);
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
  if (quiet) return {};
  if (log_format == LogFormat::Json) {
    // One JSON object per second at most (and the final one), tty or not.
    auto last = std::make_shared<std::chrono::steady_clock::time_point>();
    return [last](std::string_view stage, std::uint64_t done, std::uint64_t total) {
      const auto now = std::chrono::steady_clock::now();
      if (done != total && now - *last < std::chrono::seconds(1)) return;
      *last = now;
      std::string line = "{\"level\":\"progress\",\"stage\":";
      append_json_string(line, stage);
      line += ",\"done\":" + std::to_string(done) + ",\"total\":" + std::to_string(total) + "}\n";
      std::fwrite(line.data(), 1, line.size(), stderr);
    };
  }
  if (!stderr_is_tty()) return {};
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
  if (quiet || log_format == LogFormat::Json || !stderr_is_tty()) return;
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

HubDamping parse_damping_name(const std::string& name, const char* option) {
  if (name == "none") return HubDamping::None;
  if (name == "log") return HubDamping::InvLog;
  if (name == "sqrt") return HubDamping::InvSqrt;
  if (name == "degree") return HubDamping::InvDegree;
  throw std::invalid_argument(std::string(option) + ": expected none, log, sqrt or degree, got '" + name + "'");
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

// Bytes per node and per edge of a whole `hydrascope run` at its peak
// (load, analysis graph, incidence, detection, scoring, export buffers),
// measured on generated worlds by bench/estimate_check.sh (docs/reliability.md).
namespace {
constexpr double kRunBytesPerNode = 330.0;
constexpr double kRunBytesPerEdge = 330.0;
constexpr double kRunBaseBytes = 40.0 * 1024 * 1024;  // executable, loader chunks, thread stacks
}  // namespace

MemoryEstimate estimate_run_memory(const std::string& input, SnapshotFormat format) {
  MemoryEstimate e;
  e.count = count_records(input, format);
  e.peak_bytes = static_cast<std::uint64_t>(kRunBaseBytes + kRunBytesPerNode * static_cast<double>(e.count.nodes) +
                                            kRunBytesPerEdge * static_cast<double>(e.count.edges));
  return e;
}

void write_timings_json(const std::string& path, const std::vector<std::pair<std::string, double>>& timings,
                        std::uint64_t peak_rss) {
  std::string out = "{\"format\":\"hydrascope.timings\",\"version\":1,\"timings_seconds\":{";
  bool first = true;
  for (const auto& [name, seconds] : timings) {
    if (!first) out += ',';
    first = false;
    append_json_string(out, name);
    char buf[32];
    std::snprintf(buf, sizeof buf, ":%.6f", seconds);
    out += buf;
  }
  out += "},\"peak_rss_bytes\":" + std::to_string(peak_rss) + "}\n";
  write_file_atomic(path, out);
}

void swap_folder_into_place(const std::string& tmp, const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    fs::rename(tmp, dir, ec);
    if (ec) throw std::runtime_error("cannot rename " + tmp + " to " + dir + ": " + ec.message());
    return;
  }
  if (::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, dir.c_str(), RENAME_EXCHANGE) != 0) {
    // File systems without RENAME_EXCHANGE: move the old folder aside first.
    const std::string old = dir + ".old-" + std::to_string(::getpid());
    fs::rename(dir, old, ec);
    if (ec) throw std::runtime_error("cannot move the previous " + dir + " aside: " + ec.message());
    fs::rename(tmp, dir, ec);
    if (ec) {
      std::error_code back;
      fs::rename(old, dir, back);
      throw std::runtime_error("cannot rename " + tmp + " to " + dir + ": " + ec.message());
    }
    fs::remove_all(old, ec);
    return;
  }
  fs::remove_all(tmp, ec);  // the previous results
}

std::uint64_t peak_rss_bytes() {
  struct rusage usage {};
  if (::getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  return static_cast<std::uint64_t>(usage.ru_maxrss) * 1024u;  // Linux: kilobytes
}

RefineOptions refine_options_without(const std::vector<std::string>& steps) {
  RefineOptions o;
  for (const auto& step : steps) {
    if (step == "split_by_proxy") o.split_by_proxy = false;
    else if (step == "split_tied") o.split_tied = false;
    else if (step == "split_separated") o.split_separated = false;
    else if (step == "rehome") o.rehome = false;
    else if (step == "merge") o.merge = false;
    else if (step == "all") o = RefineOptions::none();
    else
      throw std::invalid_argument("--refine-off: unknown step '" + step +
                                  "' (split_by_proxy, split_tied, split_separated, rehome, merge or all)");
  }
  return o;
}

}  // namespace hydrascope::cli
