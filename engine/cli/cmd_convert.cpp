// `hydrascope convert IN OUT`: loads a snapshot in any format and writes it in
// another (JSON document, NDJSON stream, CSV pair; optionally gzip; or the
// binary snapshot .hsnap that every command reads back in a fraction of the time).
#include <CLI/CLI.hpp>
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "cli_enum.hpp"
#include "cli_util.hpp"
#include "hydrascope/io.hpp"

namespace hydrascope::cli {

namespace {

struct ConvertArgs {
  std::string input, output;
  SnapshotFormat from = SnapshotFormat::Auto;  // input format
  std::optional<SnapshotFormat> to;            // output format (unset: from OUT's name)
  bool gzip = false;
  bool pretty = false;
  int threads = 0;
  int shards = 0;  // --shards N: OUT is a folder of N NDJSON parts and manifest.json
  CsvGuardMode csv_guard = CsvGuardMode::Sheets;  // the CSV pair is data: guarded only with `all`
};

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", s);
  return buf;
}

bool is_directory(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// "a/b/c" -> "a/b", "c" -> ".", "/c" -> "/" (trailing slashes ignored).
std::string parent_of(std::string p) {
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  const std::size_t slash = p.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : p.substr(0, slash);
}

bool is_csv_file_name(const std::string& p) {
  for (const char* f : {"edges.csv", "nodes.csv", "edges.csv.gz", "nodes.csv.gz"}) {
    const std::string n(f);
    if (p.size() >= n.size() && p.compare(p.size() - n.size(), n.size(), n) == 0) return true;
  }
  return false;
}

// `convert IN --shards N --out DIR`: a sharded snapshot (docs/formats.md, section 3a).
int run_convert_shards(const Context& ctx, const ConvertArgs& a) {
  if (a.to && *a.to != SnapshotFormat::Ndjson)
    throw std::invalid_argument("--shards writes NDJSON parts: drop --output-format " + std::string(to_string(*a.to)));
  if (a.pretty) throw std::invalid_argument("--pretty applies to JSON output only");
  std::string out = a.output;
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  if (!is_directory(parent_of(out))) throw std::runtime_error("cannot write " + out + ": no folder " + parent_of(out));
  check_outputs_spare_inputs({a.input}, {{out, "OUT", true}});
  LoadReport report;
  const Snapshot snapshot = load_input(ctx, a.input, a.from, a.threads, &report);
  ctx.info("loaded " + a.input + ": " + std::to_string(snapshot.num_nodes()) + " nodes, " +
           std::to_string(snapshot.num_edges()) + " edges in " + seconds_text(report.seconds) + " s");
  const auto t0 = std::chrono::steady_clock::now();
  write_sharded_snapshot(snapshot, out, a.shards, a.gzip);
  ctx.info("wrote " + out + "/ (" + std::to_string(a.shards) + " NDJSON parts" + (a.gzip ? ", gzip" : "") +
           ", manifest.json) in " + seconds_text(seconds_since(t0)) + " s");
  return kExitOk;
}

int run_convert(const Context& ctx, const ConvertArgs& a) {
  if (a.shards > 0) return run_convert_shards(ctx, a);
  // Options first: a bad OUT name fails before any reading.
  WriteOptions wo;
  if (!a.to) {
    wo = write_options_for_path(a.output);
  } else {
    wo.format = *a.to;
    const std::string& o = a.output;
    wo.gzip = o.size() > 3 && o.compare(o.size() - 3, 3, ".gz") == 0;
  }
  wo.gzip = wo.gzip || a.gzip;
  if (wo.format == SnapshotFormat::Hsnap && wo.gzip)
    throw std::invalid_argument("a binary snapshot (.hsnap) is not compressed: drop --gzip / .gz");
  if (a.pretty && wo.format != SnapshotFormat::Json)
    throw std::invalid_argument("--pretty applies to JSON output only");
  wo.pretty = a.pretty;
  wo.guard_csv = csv_guard_of(a.csv_guard).data;
  // Fail before a long load if the output cannot be created: the folder
  // that will hold the file (or the CSV folder) must exist.
  {
    std::string p = a.output;
    if (wo.format == SnapshotFormat::CsvPair && is_csv_file_name(p)) p = parent_of(p);
    const std::string parent = parent_of(p);
    if (!is_directory(parent)) throw std::runtime_error("cannot write " + a.output + ": no folder " + parent);
  }

  {  // no output may write over an input (a CSV pair: its two files)
    std::vector<OutputPath> outs;
    if (wo.format == SnapshotFormat::CsvPair) {
      std::string dir = a.output;
      if (is_csv_file_name(dir)) dir = parent_of(dir);
      for (const char* part : {"nodes.csv", "edges.csv"})
        outs.push_back({(dir.empty() || dir.back() == '/' ? dir : dir + "/") + part + (wo.gzip ? ".gz" : ""), "OUT", false});
    } else {
      outs.push_back({a.output, "OUT", false});
    }
    check_outputs_spare_inputs({a.input}, outs);
  }

  LoadReport report;
  const Snapshot snapshot = load_input(ctx, a.input, a.from, a.threads, &report);
  ctx.info("loaded " + a.input + " (" + std::string(to_string(report.format)) + (report.gzip ? ", gzip" : "") + "): " +
           std::to_string(snapshot.num_nodes()) + " nodes, " + std::to_string(snapshot.num_edges()) + " edges in " +
           seconds_text(report.seconds) + " s");
  if (report.merged_edges > 0)
    ctx.info(std::to_string(report.merged_edges) + " duplicate edges merged (weights summed)");

  const auto t0 = std::chrono::steady_clock::now();
  write_snapshot(snapshot, a.output, wo);
  ctx.info("wrote " + a.output + " (" + std::string(to_string(wo.format)) + (wo.gzip ? ", gzip" : "") + ") in " +
           seconds_text(seconds_since(t0)) + " s");
  return kExitOk;
}

}  // namespace

void add_convert(CLI::App& app, const Context& ctx, Action& action) {
  auto args = std::make_shared<ConvertArgs>();
  auto* sub = app.add_subcommand("convert", "Convert a snapshot between JSON, NDJSON, the CSV pair (optionally .gz) and the binary .hsnap");
  sub->add_option("input", args->input,
                  "Snapshot to read (file, folder with nodes.csv and edges.csv, or folder of NDJSON parts)")
      ->required();
  sub->add_option("output,--out", args->output,
                  "Where to write: .json, .ndjson/.jsonl, a folder or .../edges.csv for CSV (.gz compresses), or .hsnap")
      ->required();
  const auto to_names =
      format_names({SnapshotFormat::Json, SnapshotFormat::Ndjson, SnapshotFormat::CsvPair, SnapshotFormat::Hsnap});
  auto* to = add_enum_option(*sub, "--output-format", args->to, to_names, "Output format (default: from OUT's name)");
  deprecated_alias(add_enum_option(*sub, "--format", args->to, to_names, ""), to);
  add_input_format_option(*sub, args->from);
  sub->add_flag("--gzip", args->gzip, "Compress the output with gzip");
  sub->add_option("--shards", args->shards,
                  "Write OUT as a folder of N NDJSON parts and manifest.json (a sharded snapshot, docs/formats.md)")
      ->check(CLI::Range(1, 100000));
  sub->add_flag("--pretty", args->pretty, "JSON: one record per line, indented");
  add_csv_guard_option(*sub, args->csv_guard);
  sub->add_option("--threads", args->threads, "Parsing threads (0 = all cores; at most 1024)")->check(CLI::Range(0, 1024));
  sub->callback([&action, &ctx, args] { action = [&ctx, args] { return run_convert(ctx, *args); }; });
}

}  // namespace hydrascope::cli
