// Logging, progress and helpers for the CLI.
#include "cli_util.hpp"

#include <CLI/CLI.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <iterator>
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
// The MPI launcher's hooks (main.cpp sets them once, before any command runs).
const Distributed* g_distributed = nullptr;
}  // namespace
const Distributed* distributed() noexcept { return g_distributed; }
void set_distributed(const Distributed* d) noexcept { g_distributed = d; }

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
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else out.push_back(c);
  }
  return terminal_text(out);  // the other C0 controls, DEL and C1 as \xNN / \uNNNN
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

namespace {

// An input as it exists on disk, for check_outputs_spare_inputs().
struct InputEntry {
  std::string shown;            // as the user gave it (or the CSV part's path)
  std::filesystem::path canon;  // symlinks resolved
  bool folder = false;
  bool have_inode = false;
  dev_t dev = 0;
  ino_t ino = 0;
};

std::filesystem::path canonical_or_lexical(const std::string& p) {
  std::error_code ec;
  auto c = std::filesystem::weakly_canonical(p, ec);
  if (ec) c = std::filesystem::absolute(p, ec).lexically_normal();
  return c;
}

InputEntry input_entry(const std::string& p) {
  InputEntry e;
  e.shown = p;
  e.canon = canonical_or_lexical(p);
  struct stat st {};
  if (::stat(p.c_str(), &st) == 0) {
    e.folder = S_ISDIR(st.st_mode);
    e.have_inode = true;
    e.dev = st.st_dev;
    e.ino = st.st_ino;
  }
  return e;
}

// `inner` is `outer` or lies below it.
bool within(const std::filesystem::path& inner, const std::filesystem::path& outer) {
  auto i = inner.begin();
  for (auto o = outer.begin(); o != outer.end(); ++o, ++i) {
    if (o->empty() && std::next(o) == outer.end()) break;  // trailing separator
    if (i == inner.end() || *i != *o) return false;
  }
  return true;
}

}  // namespace

void check_outputs_spare_inputs(const std::vector<std::string>& inputs, const std::vector<OutputPath>& outputs) {
  std::vector<InputEntry> in;
  for (const std::string& p : inputs) {
    if (p.empty()) continue;
    InputEntry e = input_entry(p);
    const bool folder = e.folder;
    in.push_back(std::move(e));
    if (folder)  // a CSV pair: its files are inputs too
      for (const char* part : {"nodes.csv", "nodes.csv.gz", "edges.csv", "edges.csv.gz"}) {
        const std::string q = (p.back() == '/' ? p : p + "/") + part;
        struct stat st {};
        if (::lstat(q.c_str(), &st) == 0) in.push_back(input_entry(q));
      }
  }
  for (const OutputPath& o : outputs) {
    if (o.path.empty()) continue;
    const std::filesystem::path canon = canonical_or_lexical(o.path);
    struct stat st {};
    const bool exists = ::stat(o.path.c_str(), &st) == 0;
    for (const InputEntry& i : in) {
      const bool same = canon == i.canon || (exists && i.have_inode && st.st_dev == i.dev && st.st_ino == i.ino);
      if (o.folder && (same || within(i.canon, canon)))
        throw std::invalid_argument(o.option + " " + o.path + " would replace or delete the input " + i.shown +
                                    " (no command writes over its inputs: choose another " + o.option + ")");
      if (!o.folder && same)
        throw std::invalid_argument(o.option + " " + o.path + " would overwrite the input " + i.shown +
                                    " (no command writes over its inputs: choose another " + o.option + ")");
    }
  }
}

OutLock::OutLock(const std::string& dir, const std::string& option) {
  std::string d = dir;
  while (d.size() > 1 && d.back() == '/') d.pop_back();
  path_ = d + ".lock";
  const std::filesystem::path parent = std::filesystem::path(path_).parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec) throw std::runtime_error("cannot create " + parent.string() + ": " + ec.message());
  }
  for (int attempt = 0; attempt < 16; ++attempt) {
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd_ < 0) throw std::runtime_error("cannot create the lock file " + path_ + ": " + std::strerror(errno));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      char buf[32] = {0};
      const ssize_t got = ::pread(fd_, buf, sizeof buf - 1, 0);
      ::close(fd_);
      fd_ = -1;
      if (err != EWOULDBLOCK) throw std::runtime_error("cannot lock " + path_ + ": " + std::strerror(err));
      std::string pid = got > 0 ? std::string(buf, static_cast<std::size_t>(got)) : std::string("unknown");
      while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
      throw std::invalid_argument(option + " " + dir + " is being written by another hydrascope process (pid " +
                                  one_line(pid) + ", lock " + path_ + "): wait for it or choose another " + option);
    }
    // The holder before us may have removed the file after we opened it:
    // the lock counts only if the path still names our file.
    struct stat mine {}, named {};
    if (::fstat(fd_, &mine) == 0 && ::lstat(path_.c_str(), &named) == 0 && mine.st_dev == named.st_dev &&
        mine.st_ino == named.st_ino) {
      const std::string pid = std::to_string(::getpid()) + "\n";
      if (::ftruncate(fd_, 0) == 0) (void)!::pwrite(fd_, pid.data(), pid.size(), 0);
      return;
    }
    ::close(fd_);
    fd_ = -1;
  }
  throw std::runtime_error("cannot lock " + path_ + ": it keeps being replaced");
}

OutLock::~OutLock() {
  if (fd_ < 0) return;
  ::unlink(path_.c_str());  // while still holding the lock (see the constructor)
  ::close(fd_);
}

CLI::Validator unsigned_integer() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        if (text.empty() || text.size() > 20 || text.find_first_not_of("0123456789") != std::string::npos)
          return "expected an unsigned integer (0 to 18446744073709551615), got \"" + one_line(text) + "\"";
        return {};
      },
      "UINT");
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

namespace {
constexpr std::string_view kDeprecatedPrefix = "Deprecated spelling of ";
}  // namespace

CLI::Option* deprecated_alias(CLI::Option* alias, CLI::Option* target) {
  return alias->description(std::string(kDeprecatedPrefix) + "--" + target->get_lnames().front())->group("");
}

void warn_deprecated(const CLI::App& sub, const Context& ctx) {
  for (const CLI::Option* o : sub.get_options()) {
    const std::string& d = o->get_description();
    if (o->count() == 0 || !d.starts_with(kDeprecatedPrefix)) continue;
    const std::string old_name = "--" + o->get_lnames().front();
    const std::string new_name = d.substr(kDeprecatedPrefix.size());
    if (const CLI::Option* target = sub.get_option_no_throw(new_name); target != nullptr && target->count() > 0)
      throw std::invalid_argument("give " + new_name + " or its old spelling " + old_name + ", not both");
    ctx.warn(old_name + " for " + sub.get_name() + " is now " + new_name);
  }
}

Snapshot load_input(const Context& ctx, const std::string& path, SnapshotFormat format, int threads,
                    LoadReport* report, bool progress) {
  LoadOptions lo;
  lo.format = format;
  lo.threads = threads;
  if (progress) lo.progress = ctx.progress();
  Snapshot snapshot = load_snapshot(path, lo, report);  // on a throw, the dispatcher ends the line
  if (progress) ctx.end_progress();
  return snapshot;
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

// Bytes per node and per edge of a whole `hydrascope run` at its peak, as
// `run` frees each stage's inputs once they are no longer read
// (PipelineOptions::release): measured on generated worlds of 200,000 and
// 1,000,000 accounts by bench/memory_stages.sh (docs/performance.md,
// "Memory"). From text the peak holds the model on the heap; from a .hsnap
// the model is the mapped file, resident only while a stage reads it.
// Those worlds hold 168 activity buckets per account: activity up to 168
// values per node is in the per-node figure; each value past that costs its
// sparse storage (3 to 8 bytes by the snapshot's ActivityLayout), the
// loader's dense copy and scoring's per-community profiles (together at most
// 10 bytes a value). Refitted 2026-12-08 after the compact activity layout
// (1-byte buckets; those worlds keep float values: some counts pass 65535).
namespace {
constexpr double kRunBytesPerNodeText = 238.0, kRunBytesPerEdgeText = 238.0;
constexpr double kRunBytesPerNodeHsnap = 208.0, kRunBytesPerEdgeHsnap = 208.0;
constexpr double kRunBaseBytes = 40.0 * 1024 * 1024;  // executable, loader chunks, thread stacks
constexpr double kRunBytesPerActivityValue = 10.0;
constexpr double kActivityValuesPerNodeIncluded = 168.0;
}  // namespace

MemoryModel run_memory_model(SnapshotFormat format) {
  const bool hsnap = format == SnapshotFormat::Hsnap;
  MemoryModel m;
  m.base = kRunBaseBytes;
  m.per_node = hsnap ? kRunBytesPerNodeHsnap : kRunBytesPerNodeText;
  m.per_edge = hsnap ? kRunBytesPerEdgeHsnap : kRunBytesPerEdgeText;
  m.per_activity_value = kRunBytesPerActivityValue;
  m.activity_values_per_node_included = kActivityValuesPerNodeIncluded;
  return m;
}

MemoryEstimate estimate_run_memory(const std::string& input, SnapshotFormat format, std::uint64_t max_input_bytes) {
  MemoryEstimate e;
  e.count = count_records(input, format, max_input_bytes);
  const double bytes = run_memory_model(e.count.format).bytes(e.count.nodes, e.count.edges, e.count.activity_values);
  e.peak_bytes = bytes >= 1.8e19 ? UINT64_MAX : static_cast<std::uint64_t>(bytes);
  return e;
}

bool input_is_stream(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return false;
  return !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

void check_config_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    throw std::invalid_argument("--config " + path + ": cannot read: " + std::strerror(errno));
  if (!S_ISREG(st.st_mode))
    throw std::invalid_argument("--config " + path + ": is " + (S_ISDIR(st.st_mode) ? "a folder" : "not a regular file") +
                                ", expected a file of key = value lines");
  if (st.st_size > (1 << 20)) throw std::invalid_argument("--config " + path + ": is larger than 1 MiB");
}

std::string terminal_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto u = static_cast<unsigned char>(s[i]);
    if (u == '\n') {
      out.push_back('\n');
    } else if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    } else if (u == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(s[i + 1]) <= 0x9F) {  // U+0080..U+009F (C1: CSI, OSC...)
      char buf[12];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(s[i + 1])));
      out += buf;
      ++i;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}


}  // namespace hydrascope::cli
