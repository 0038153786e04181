// Logging, progress and helpers for the CLI.
#include "cli_util.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

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

const char* progress_unit(std::string_view stage) {
  static constexpr std::pair<std::string_view, const char*> kUnits[] = {
      {"load", "bytes"},        {"betweenness", "sources"}, {"pagerank", "iterations"}, {"ppr", "iterations"},
      {"train", "rounds"},      {"generate", "nodes"},       {"export", "communities"},  {"report", "sections"},
      {"score", "accounts"},    {"explain", "accounts"},     {"refine", "steps"},        {"build", "steps"}};
  for (const auto& [name, unit] : kUnits)
    if (stage == name) return unit;
  return "";
}

namespace {

std::string count_text(double v, bool bytes) {
  if (bytes) return human_bytes(v);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f", v);
  return buf;
}

std::string duration_text(double s) {
  char buf[32];
  if (s < 60) std::snprintf(buf, sizeof buf, "%.0f s", std::max(1.0, std::ceil(s)));
  else if (s < 3600) std::snprintf(buf, sizeof buf, "%.0f min %02.0f s", std::floor(s / 60), std::fmod(std::floor(s), 60.0));
  else std::snprintf(buf, sizeof buf, "%.0f h %02.0f min", std::floor(s / 3600), std::fmod(std::floor(s / 60), 60.0));
  return buf;
}

}  // namespace

double progress_eta(std::uint64_t done, std::uint64_t total, double elapsed) {
  if (total == 0 || done == 0 || done >= total || elapsed < 0.5) return -1.0;
  return elapsed * static_cast<double>(total - done) / static_cast<double>(done);
}

std::string progress_text(std::string_view stage, std::uint64_t done, std::uint64_t total, double elapsed) {
  const char* unit = progress_unit(stage);
  const bool bytes = std::string_view(unit) == "bytes";
  const bool counted = *unit != '\0';
  std::string out(stage);
  out += ": ";
  if (counted) {
    out += count_text(static_cast<double>(done), bytes);
    if (total > 0) out += " / " + count_text(static_cast<double>(total), bytes);
    if (!bytes) {
      out += ' ';
      out += unit;
    }
  }
  char buf[64];
  std::vector<std::string> parts;
  if (total > 0) {
    std::snprintf(buf, sizeof buf, "%.0f%%", std::floor(100.0 * static_cast<double>(std::min(done, total)) /
                                                        static_cast<double>(total)));
    parts.emplace_back(buf);
  }
  if (counted && elapsed >= 0.5 && done > 0) {
    const double rate = static_cast<double>(done) / elapsed;
    parts.push_back((bytes ? human_bytes(rate) : count_text(rate, false)) + "/s");
  }
  std::snprintf(buf, sizeof buf, "%.1f s", elapsed);
  parts.emplace_back(buf);
  const double eta = progress_eta(done, total, elapsed);
  if (eta >= 0) parts.push_back("about " + duration_text(eta) + " left");
  else if (total > 0 && done >= total) parts.emplace_back("done");
  // "done / total unit (share, rate, elapsed, left)", or for a share of
  // estimated work "share (elapsed, left)".
  std::size_t i = 0;
  if (!counted && total > 0) out += parts[i++] + " ";
  out += counted ? " (" : "(";
  for (std::size_t j = i; j < parts.size(); ++j) {
    if (j > i) out += ", ";
    out += parts[j];
  }
  out += ")";
  return out;
}

ProgressFn Context::progress() const {
  if (quiet) return {};
  // Per stage: its start (a new stage name starts a new clock), the last
  // line drawn, and whether its first call was shown. Every stage shows its
  // first and last call (done == total), and lines in between at most every
  // 200 ms on a terminal, every second as JSON.
  struct State {
    std::string stage;
    std::chrono::steady_clock::time_point start{}, last{};
  };
  auto state = std::make_shared<State>();
  const bool json = log_format == LogFormat::Json;
  if (!json && !stderr_is_tty()) return {};
  return [state, json](std::string_view stage, std::uint64_t done, std::uint64_t total) {
    const auto now = std::chrono::steady_clock::now();
    const bool first = stage != state->stage;
    if (first) {
      state->stage = std::string(stage);
      state->start = now;
    }
    const bool final = total > 0 && done >= total;
    if (!first && !final && now - state->last < (json ? std::chrono::milliseconds(1000) : std::chrono::milliseconds(200)))
      return;
    state->last = now;
    const double elapsed = std::chrono::duration<double>(now - state->start).count();
    std::string line;
    if (json) {
      line = "{\"level\":\"progress\",\"stage\":";
      append_json_string(line, stage);
      line += ",\"done\":" + std::to_string(done) + ",\"total\":" + std::to_string(total);
      const char* unit = progress_unit(stage);
      if (*unit != '\0') line += std::string(",\"unit\":\"") + unit + "\"";
      char buf[64];
      std::snprintf(buf, sizeof buf, ",\"elapsed_seconds\":%.3f", elapsed);
      line += buf;
      const double eta = progress_eta(done, total, elapsed);
      if (eta >= 0) {
        std::snprintf(buf, sizeof buf, ",\"eta_seconds\":%.1f", eta);
        line += buf;
      }
      line += "}\n";
    } else {
      line = "\r\033[K" + one_line(progress_text(stage, done, total, elapsed));
    }
    std::fwrite(line.data(), 1, line.size(), stderr);
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

}  // namespace hydrascope::cli
