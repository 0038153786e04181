// Shared plumbing of the `hydrascope` subcommands: logging to stderr,
// terminal progress, exit codes. argv stops here; the library never prints.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hydrascope/atomic_file.hpp"
#include "hydrascope/common.hpp"
#include "hydrascope/export.hpp"
#include "hydrascope/error.hpp"
#include "hydrascope/graph.hpp"
#include "hydrascope/io.hpp"
#include "hydrascope/refine.hpp"
#include "hydrascope/report.hpp"
#include "hydrascope/strings.hpp"
#include "hydrascope/tracking.hpp"

namespace CLI {
class App;
class Option;
class Validator;
}

namespace hydrascope::cli {

/// Exit codes of every subcommand.
enum ExitCode : int {
  kExitOk = 0,
  kExitInputError = 1,   ///< bad input data (InputError) or I/O failure
  kExitUsage = 2,        ///< bad options (std::invalid_argument, CLI11 parse errors)
  kExitInternal = 3,     ///< a bug or out of memory
  kExitResourceLimit = 4,///< a limit refused the run (--max-memory) before any work
};

// ResourceLimitError (hydrascope/error.hpp): a run would exceed a resource
// limit the user set (--max-memory); main() maps it to kExitResourceLimit.

/// How stderr lines are written (--log-format).
enum class LogFormat : std::uint8_t { Text, Json };

/// Set when the executable was launched by mpirun with the MPI launcher
/// built in (main.cpp, docs/scale.md): `run` loads collectively through
/// `load` on every rank, and only rank 0 runs the rest and writes.
struct Distributed {
  int rank = 0;
  int size = 1;
  std::function<Snapshot(const std::string& path, const LoadOptions& options, LoadReport* report)> load;
  /// After `load`: a line on how it went (its rounds), shown with --verbose; "" when none.
  std::function<std::string()> summary;
};
/// The launcher's hooks, or null (a plain process).
[[nodiscard]] const Distributed* distributed() noexcept;
void set_distributed(const Distributed* d) noexcept;

/// Flags every subcommand shares (set on the root app).
struct Context {
  bool quiet = false;    ///< no progress, no info lines
  bool verbose = false;  ///< debug lines too
  LogFormat log_format = LogFormat::Text;  ///< --log-format text|json
  [[nodiscard]] bool stderr_is_tty() const;
  /// An info line on stderr ("hydrascope: ..."), unless quiet.
  void info(std::string_view message) const;
  void debug(std::string_view message) const;
  void warn(std::string_view message) const;
  /// The one error line of a failed command: text ("hydrascope: error: ...")
  /// or a JSON object with "level":"error", "exit" and "kind" (plus the
  /// InputError's place when `where` is given).
  void error(std::string_view kind, int exit_code, std::string_view message,
             const SourceLocation* where = nullptr) const;
  /// A progress callback: on a terminal (and not quiet) one line per stage
  /// redrawn in place (progress_text: done / total, share, rate, elapsed,
  /// the time left); with --log-format json one object per second
  /// ({"level":"progress","stage","done","total","unit","elapsed_seconds",
  /// "eta_seconds"}), terminal or not; an empty function otherwise. A stage's
  /// first and last calls are always shown.
  [[nodiscard]] ProgressFn progress() const;
  /// Ends a progress line (clears it) if one was drawn.
  void end_progress() const;
};

/// The whole command line: parses `argv` (argv[0] = program name), runs the
/// subcommand and returns its exit code (ExitCode); errors are reported on
/// stderr as one line. What `main` does; callable in-process (fuzz_run).
int run_command_line(int argc, char** argv);

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
void add_features(CLI::App& app, const Context& ctx, Action& action);
void add_train(CLI::App& app, const Context& ctx, Action& action);
void add_diff(CLI::App& app, const Context& ctx, Action& action);

/// One line on what tracking found, for `run` (cmd_diff.cpp): "tracking: run 3
/// since DIR: 2 regrown (48 new heads, 1 after a ban), 5 new, ...".
[[nodiscard]] std::string tracking_summary(const TrackingResult& tracking);

/// The report options `run --report` shares with `report` (cmd_report.cpp).
void add_report_options(CLI::App& sub, ReportOptions& options, const std::string& group);

/// Marks `alias` (an option of `sub` bound to the same variable as `target`)
/// as the deprecated old spelling of `target` (docs/cli.md, "One name per
/// concept"): hidden from --help, refused together with `target`, and
/// warn_deprecated() prints one warning line when it was used.
CLI::Option* deprecated_alias(CLI::Option* alias, CLI::Option* target);
/// One warning line on stderr per deprecated spelling given to `sub` on the
/// command line or in its --config file: "--damping for score is now --alpha".
void warn_deprecated(const CLI::App& sub, const Context& ctx);

/// A CLI11 check for unsigned integer options (seeds, counts): digits only,
/// so that `--seed -5` is refused instead of wrapping around.
[[nodiscard]] CLI::Validator unsigned_integer();

/// Seconds since `start`.
[[nodiscard]] inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// What a progress stage counts ("bytes", "sources", ...; "" = a share of
/// estimated work, shown as a percentage only).
[[nodiscard]] const char* progress_unit(std::string_view stage);
/// Seconds left at the average rate so far; -1 when not known yet (nothing
/// done, total unknown, finished, or under half a second elapsed).
[[nodiscard]] double progress_eta(std::uint64_t done, std::uint64_t total, double elapsed);
/// The terminal's progress line, e.g. "load: 120.3 MB / 334.8 MB (36%,
/// 60.1 MB/s, 2.0 s, about 4 s left)" or "detect: 45% (1.2 s, about 2 s left)".
[[nodiscard]] std::string progress_text(std::string_view stage, std::uint64_t done, std::uint64_t total,
                                        double elapsed);

/// Human-readable byte count ("1.3 GB").
[[nodiscard]] std::string human_bytes(double bytes);

/// The input snapshot of a command (inspect, convert, detect, score,
/// export, features, baseline, eval --shared-in, train): load_snapshot()
/// with the format of --input-format (`auto` by default, see
/// add_input_format_option), `threads` parsing threads and the command's progress
/// line, ended when the load is done (on a throw, by the dispatcher). Errors are those of
/// load_snapshot (InputError, std::runtime_error): the dispatcher maps them
/// to one located error line and exit 1.
[[nodiscard]] Snapshot load_input(const Context& ctx, const std::string& path, SnapshotFormat format = SnapshotFormat::Auto,
                                  int threads = 0, LoadReport* report = nullptr, bool progress = true);

/// Appends `s` as a JSON string literal (quotes, backslashes and control
/// characters escaped; other bytes as they are).
void append_json_string(std::string& out, std::string_view s);

/// Refuses an output folder that exists and is not empty unless `force`
/// (std::invalid_argument naming the option, i.e. the usage exit code), and
/// a path that exists and is not a folder. `option` is "--out" for messages.
void check_out_folder(const std::string& dir, bool force, const std::string& option = "--out");

/// An output of a command, for check_outputs_spare_inputs().
struct OutputPath {
  std::string path;
  std::string option;   ///< "--out", "--report", "OUT", ... for the message
  bool folder = false;  ///< a folder the command replaces or writes into
};

/// Refuses (std::invalid_argument naming the option, the usage exit code)
/// any output that would write over or delete an input, whatever the flags:
/// an output file that is an input file (same path after resolving symlinks,
/// or the same inode: a hard link), or one of the files of an input CSV
/// folder; an output folder that is an input or holds one at any depth.
/// Empty paths are skipped. Nothing is created or read.
void check_outputs_spare_inputs(const std::vector<std::string>& inputs, const std::vector<OutputPath>& outputs);

/// An exclusive lock on an output folder for the life of the object, so that
/// two commands writing the same --out at once cannot both succeed: flock()
/// on `DIR.lock` beside DIR (the parent folders are created), removed again
/// by the destructor. A folder locked by another process is refused at once
/// (std::invalid_argument naming `option` and that process's pid). A killed
/// process leaves the (unlocked, empty-of-meaning) lock file; the next
/// command takes it over.
class OutLock {
 public:
  explicit OutLock(const std::string& dir, const std::string& option = "--out");
  ~OutLock();
  OutLock(const OutLock&) = delete;
  OutLock& operator=(const OutLock&) = delete;

 private:
  int fd_ = -1;
  std::string path_;
};

/// The help text of --csv-guard (add_csv_guard_option in cli_enum.hpp lists the names).
inline constexpr const char* kCsvGuardHelp =
    "Leading ' before CSV cells a spreadsheet would run as formulas (= + - @): sheets (accounts.csv and other "
    "analyst tables; default), all (data files too: nodes.csv, edges.csv, Neo4j CSV, accounts.txt), none";

/// The help of every command's --config FILE (applied by the dispatcher,
/// docs/cli.md "Config files").
inline constexpr const char* kConfigHelp =
    "Read options from a TOML/INI file: `key = value` lines (keys: long option names without --, with - or _; "
    "`#` comments; lists as a,b or [\"a\", \"b\"]; an optional [COMMAND] section; sections of other commands are "
    "skipped); the command line wins";

/// "4G", "512M", "1.5GB", "1000000" -> bytes (powers of 1024 for K/M/G/T);
/// std::invalid_argument otherwise.
[[nodiscard]] std::uint64_t parse_size(const std::string& text);

/// `s` with control characters written as \n, \r, \t or \xNN, so that a
/// message quoting hostile input stays on one line.
[[nodiscard]] std::string one_line(std::string_view s);

/// The estimated peak memory of `hydrascope run` on an input (see
/// docs/reliability.md, "Limits"): a quick count of its records times the
/// bytes per node, per edge and per activity value (run_memory_model()).
struct MemoryEstimate {
  RecordCount count;
  std::uint64_t peak_bytes = 0;
};
[[nodiscard]] MemoryEstimate estimate_run_memory(const std::string& input, SnapshotFormat format,
                                                 std::uint64_t max_input_bytes = kDefaultMaxInputBytes);
/// The bytes per node, edge and activity value of a whole run at its peak,
/// measured on generated worlds; the same model projects the memory while
/// loading (LoadOptions::memory_model) under --max-memory. A .hsnap input
/// (`format` Hsnap) has its own, lower figures: its model is the mapped file.
[[nodiscard]] MemoryModel run_memory_model(SnapshotFormat format = SnapshotFormat::Ndjson);

/// True for an input that can be read only once: a pipe, FIFO, socket or
/// character device (not a regular file, not a folder).
[[nodiscard]] bool input_is_stream(const std::string& path);

/// `--config FILE` must be a regular file of at most 1 MiB (a folder or
/// /dev/zero is refused, std::invalid_argument naming it).
void check_config_file(const std::string& path);

/// Text for the terminal (run's and eval's summaries): control characters
/// other than newline -- ESC, BEL, CR, TAB, DEL and the C1 controls U+0080 to
/// U+009F -- are written as \xNN (or \uNNNN), so that an id cannot move the
/// cursor, rewrite a line or drive the terminal.
[[nodiscard]] std::string terminal_text(std::string_view s);

}  // namespace hydrascope::cli
