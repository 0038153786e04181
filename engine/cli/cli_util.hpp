// Shared plumbing of the `hydrascope` subcommands: logging to stderr,
// terminal progress, exit codes. argv stops here; the library never prints.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "hydrascope/common.hpp"
#include "hydrascope/io.hpp"
#include "hydrascope/report.hpp"

namespace CLI {
class App;
}

namespace hydrascope::cli {

/// Exit codes of every subcommand.
enum ExitCode : int {
  kExitOk = 0,
  kExitInputError = 1,   ///< bad input data (InputError) or I/O failure
  kExitUsage = 2,        ///< bad options (std::invalid_argument, CLI11 parse errors)
  kExitInternal = 3,     ///< a bug or out of memory
};

/// Flags every subcommand shares (set on the root app).
struct Context {
  bool quiet = false;    ///< no progress, no info lines
  bool verbose = false;  ///< debug lines too
  [[nodiscard]] bool stderr_is_tty() const;
  /// An info line on stderr ("hydrascope: ..."), unless quiet.
  void info(std::string_view message) const;
  void debug(std::string_view message) const;
  void warn(std::string_view message) const;
  /// A progress callback drawing "stage: done/total (rate)" on stderr when it
  /// is a terminal and not quiet; an empty function otherwise.
  [[nodiscard]] ProgressFn progress() const;
  /// Ends a progress line (clears it) if one was drawn.
  void end_progress() const;
};

/// A subcommand's body; returns the exit code.
using Action = std::function<int()>;

/// Each cmd_*.cpp defines one of these: it adds its subcommand to `app`, and
/// stores in `action` what to run when that subcommand is chosen.
void add_inspect(CLI::App& app, const Context& ctx, Action& action);
void add_convert(CLI::App& app, const Context& ctx, Action& action);
void add_detect(CLI::App& app, const Context& ctx, Action& action);
void add_score(CLI::App& app, const Context& ctx, Action& action);
void add_run(CLI::App& app, const Context& ctx, Action& action);
void add_generate(CLI::App& app, const Context& ctx, Action& action);
void add_eval(CLI::App& app, const Context& ctx, Action& action);
void add_baseline(CLI::App& app, const Context& ctx, Action& action);
void add_report(CLI::App& app, const Context& ctx, Action& action);
void add_export(CLI::App& app, const Context& ctx, Action& action);

/// The report options `run --report` shares with `report` (cmd_report.cpp).
void add_report_options(CLI::App& sub, ReportOptions& options, const std::string& group);

/// Seconds since `start`.
[[nodiscard]] inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// Human-readable byte count ("1.3 GB").
[[nodiscard]] std::string human_bytes(double bytes);

/// `auto|json|ndjson|csv|edgelist` -> SnapshotFormat; std::invalid_argument otherwise.
[[nodiscard]] SnapshotFormat parse_format_name(const std::string& name);

/// Appends `s` as one RFC 4180 CSV field (quoted only when needed).
void append_csv_field(std::string& out, std::string_view s);

/// Appends `s` as a JSON string literal (quotes, backslashes and control
/// characters escaped; other bytes as they are).
void append_json_string(std::string& out, std::string_view s);

/// Peak resident set size of this process in bytes (0 if unknown).
[[nodiscard]] std::uint64_t peak_rss_bytes();

}  // namespace hydrascope::cli
