// `hydrascope score INPUT --centrality LIST --out FILE`: loads a snapshot or
// edge list, builds the AnalysisGraph and writes one CSV column per centrality
// (atomically), with per-centrality diagnostics on stdout (text or JSON).
#include <CLI/CLI.hpp>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli_enum.hpp"
#include "cli_util.hpp"
#include "hydrascope/atomic_file.hpp"
#include "hydrascope/centrality.hpp"
#include "hydrascope/graph.hpp"
#include "hydrascope/io.hpp"

namespace hydrascope::cli {
namespace {

enum class Measure { PageRank, Ppr, Degree, KCore, Betweenness };

struct MeasureInfo {
  Measure measure;
  const char* name;
};
constexpr MeasureInfo kMeasures[] = {{Measure::PageRank, "pagerank"},
                                     {Measure::Ppr, "ppr"},
                                     {Measure::Degree, "degree"},
                                     {Measure::KCore, "kcore"},
                                     {Measure::Betweenness, "betweenness"}};

struct ScoreArgs {
  std::string input;
  std::string out;
  std::vector<std::string> centralities{"pagerank", "ppr", "degree", "kcore"};
  int threads = 0;
  std::uint64_t seed = 1;
  double damping = 0.85;
  double tolerance = 1e-9;
  int max_iterations = 200;
  std::uint32_t samples = 0;
  double epsilon = 0.1;
  double delta = 0.1;
  NodeId exact_threshold = 5000;
  bool exact_betweenness = false;
  bool json = false;
  CsvGuardMode csv_guard = CsvGuardMode::Sheets;
};

// One computed column and its diagnostics.
struct Column {
  std::string name;
  std::vector<double> values;
  bool integral = false;
  // diagnostics
  int iterations = 0;
  double residual = 0.0;
  bool converged = true;
  double seconds = 0.0;
  std::string note;
  std::optional<BetweennessResult> betweenness;  // values moved out
};

void append_double(std::string& out, double x) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, x);
  out.append(buf, r.ptr);
}

std::vector<Measure> parse_measures(const std::vector<std::string>& names) {
  std::vector<Measure> out;
  for (const std::string& name : names) {
    bool found = false;
    for (const auto& m : kMeasures) {
      if (name == m.name) {
        found = true;
        for (const Measure seen : out)
          if (seen == m.measure) throw std::invalid_argument("--centrality lists '" + name + "' twice");
        out.push_back(m.measure);
      }
    }
    if (!found)
      throw std::invalid_argument("--centrality: unknown measure '" + name +
                                  "' (expected pagerank, ppr, degree, kcore, betweenness)");
  }
  if (out.empty()) throw std::invalid_argument("--centrality: no measure given");
  return out;
}

int run_score(const ScoreArgs& args, const Context& ctx) {
  const std::vector<Measure> measures = parse_measures(args.centralities);
  PageRankOptions pr;
  pr.damping = args.damping;
  pr.tolerance = args.tolerance;
  pr.max_iterations = args.max_iterations;
  pr.threads = args.threads;
  pr.validate();
  BetweennessOptions bo;
  bo.mode = args.exact_betweenness ? BetweennessMode::Exact : BetweennessMode::Auto;
  bo.samples = args.samples;
  bo.epsilon = args.epsilon;
  bo.delta = args.delta;
  bo.seed = args.seed;
  bo.threads = args.threads;
  bo.exact_threshold = args.exact_threshold;
  bo.validate();
  check_outputs_spare_inputs({args.input}, {{args.out, "--out", false}});
  const CsvGuard guard = csv_guard_of(args.csv_guard);
  bo.progress = ctx.progress();
  pr.progress = ctx.progress();

  const auto start = std::chrono::steady_clock::now();
  LoadReport report;
  const Snapshot snapshot = load_input(ctx, args.input, SnapshotFormat::Auto, args.threads, &report);
  ctx.info("loaded " + args.input + ": " + std::to_string(snapshot.num_nodes()) + " nodes, " +
           std::to_string(snapshot.num_edges()) + " edges (" + std::string(to_string(report.format)) + ")");
  const GraphOptions go =
      report.format == SnapshotFormat::EdgeList ? GraphOptions::structural() : GraphOptions{};
  GraphBuildReport build;
  const AnalysisGraph g = build_analysis_graph(snapshot, go, &build);
  ctx.info("analysis graph: " + std::to_string(g.num_nodes()) + " nodes, " + std::to_string(g.num_edges()) +
           " edges; " + std::to_string(build.excluded_hubs) + " hubs over the degree cap left out");

  std::vector<Column> columns;
  for (const Measure m : measures) {
    Column c;
    switch (m) {
      case Measure::PageRank:
      case Measure::Ppr: {
        CentralityResult r;
        if (m == Measure::PageRank) {
          c.name = "pagerank";
          r = pagerank(g, pr);
        } else {
          c.name = "ppr";
          const std::vector<NodeId> seeds = seed_nodes(snapshot);
          ctx.info("ppr: " + std::to_string(seeds.size()) + " seed accounts (banned or suspect)");
          r = personalized_pagerank(g, seeds, pr);
          if (!r.note.empty()) ctx.warn("ppr: " + r.note);
        }
        c.values = std::move(r.values);
        c.iterations = r.iterations;
        c.residual = r.residual;
        c.converged = r.converged;
        c.seconds = r.seconds;
        c.note = r.note;
        if (!r.converged)
          ctx.warn(c.name + ": not converged after " + std::to_string(r.iterations) + " iterations (residual " +
                   std::to_string(r.residual) + ")");
        break;
      }
      case Measure::Degree: {
        const auto t = std::chrono::steady_clock::now();
        c.name = "degree";
        c.values = weighted_degree(g);
        c.seconds = seconds_since(t);
        break;
      }
      case Measure::KCore: {
        c.name = "kcore";
        CoreResult r = core_numbers(g);
        c.values.assign(r.core.begin(), r.core.end());
        c.integral = true;
        c.seconds = r.seconds;
        c.note = "degeneracy " + std::to_string(r.degeneracy);
        break;
      }
      case Measure::Betweenness: {
        c.name = "betweenness";
        BetweennessResult r = betweenness(g, bo);
        c.values = std::move(r.values);
        c.seconds = r.seconds;
        r.values.clear();
        c.betweenness = std::move(r);
        break;
      }
    }
    ctx.end_progress();
    columns.push_back(std::move(c));
  }

  // CSV: node_id,<columns> in node order; written atomically.
  {
    AtomicFile file(args.out);
    std::string buf = "node_id";
    for (const Column& c : columns) {
      buf.push_back(',');
      buf.append(c.name);
    }
    buf.push_back('\n');
    for (NodeId v = 0; v < g.num_nodes(); ++v) {
      append_sheet_cell(buf, snapshot.node_id(v), guard.sheets);
      for (const Column& c : columns) {
        buf.push_back(',');
        if (c.integral)
          buf.append(std::to_string(static_cast<std::uint64_t>(c.values[v])));
        else
          append_double(buf, c.values[v]);
      }
      buf.push_back('\n');
      if (buf.size() > (1u << 20)) {
        file.write(buf);
        buf.clear();
      }
    }
    file.write(buf);
    file.commit();
  }

  // Diagnostics on stdout.
  std::string out;
  if (args.json) {
    out = "{\"input\":";
    append_json_string(out, args.input);
    out += ",\"nodes\":" + std::to_string(g.num_nodes()) + ",\"edges\":" + std::to_string(g.num_edges()) +
           ",\"out\":";
    append_json_string(out, args.out);
    out += ",\"centralities\":[";
    for (std::size_t i = 0; i < columns.size(); ++i) {
      const Column& c = columns[i];
      if (i > 0) out.push_back(',');
      out += "{\"name\":";
      append_json_string(out, c.name);
      out += ",\"iterations\":" + std::to_string(c.iterations) + ",\"residual\":";
      append_double(out, c.residual);
      out += std::string(",\"converged\":") + (c.converged ? "true" : "false") + ",\"seconds\":";
      append_double(out, c.seconds);
      if (!c.note.empty()) {
        out += ",\"note\":";
        append_json_string(out, c.note);
      }
      if (c.betweenness) {
        const BetweennessResult& b = *c.betweenness;
        out += std::string(",\"exact\":") + (b.exact ? "true" : "false") +
               ",\"sources\":" + std::to_string(b.sources) + ",\"epsilon\":";
        append_double(out, b.epsilon);
        out += ",\"delta\":";
        append_double(out, b.delta);
      }
      out.push_back('}');
    }
    out += "]}\n";
  } else {
    for (const Column& c : columns) {
      char line[256];
      std::snprintf(line, sizeof line, "%-12s iterations=%d residual=%.3g converged=%s seconds=%.3f", c.name.c_str(),
                    c.iterations, c.residual, c.converged ? "true" : "false", c.seconds);
      out += line;
      if (c.betweenness) {
        const BetweennessResult& b = *c.betweenness;
        std::snprintf(line, sizeof line, " exact=%s sources=%u epsilon=%.4g delta=%.4g", b.exact ? "true" : "false",
                      b.sources, b.epsilon, b.delta);
        out += line;
      }
      if (!c.note.empty()) out += " note=\"" + c.note + "\"";
      out.push_back('\n');
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  ctx.info("wrote " + args.out + " in " + std::to_string(seconds_since(start)) + " s");
  return kExitOk;
}

}  // namespace

void add_score(CLI::App& app, const Context& ctx, Action& action) {
  auto args = std::make_shared<ScoreArgs>();
  auto* sub = app.add_subcommand("score", "Node centralities (PageRank, personalized PageRank, degree, k-core, "
                                          "betweenness) to a CSV");
  sub->add_option("input", args->input, "Snapshot (JSON, NDJSON, CSV pair folder, optionally .gz) or edge list")
      ->required();
  sub->add_option("--out,-o", args->out, "Output CSV: node_id,<one column per centrality>")->required();
  sub->add_option("--centrality,-c", args->centralities,
                  "Comma-separated: pagerank, ppr (seeds: banned or suspect accounts), degree (weighted), kcore, "
                  "betweenness")
      ->delimiter(',')
      ->capture_default_str();
  sub->add_option("--threads,-t", args->threads, "Worker threads (0 = all, at most 1024); results do not depend on it")->check(CLI::Range(0, 1024))
      ->capture_default_str();
  add_csv_guard_option(*sub, args->csv_guard);
  sub->add_option("--seed", args->seed, "Seed of sampled betweenness")->capture_default_str()->check(unsigned_integer());
  auto* pr = sub->add_option_group("PageRank");
  auto* alpha = pr->add_option("--alpha", args->damping, "PageRank damping factor alpha in [0, 1)")->capture_default_str();
  deprecated_alias(sub->add_option("--damping", args->damping), alpha);
  pr->add_option("--tolerance", args->tolerance, "Stop when the estimated L1 distance to the fixed point (and the last sweep's change) is <= this")
      ->capture_default_str();
  auto* iterations = pr->add_option("--pagerank-iterations", args->max_iterations, "Upper bound on PageRank iterations")
                         ->capture_default_str();
  deprecated_alias(sub->add_option("--max-iterations", args->max_iterations), iterations);
  auto* bt = sub->add_option_group("Betweenness");
  auto* samples = bt->add_option("--betweenness-samples", args->samples,
                                 "Sampled betweenness: number of source nodes (else derived from --epsilon/--delta)");
  auto* eps = bt->add_option("--epsilon", args->epsilon, "Sampled betweenness: error bound on normalised values")
                  ->capture_default_str();
  auto* del = bt->add_option("--delta", args->delta, "Sampled betweenness: failure probability of the bound")
                  ->capture_default_str();
  samples->excludes(eps)->excludes(del);
  bt->add_option("--exact-threshold", args->exact_threshold, "Exact betweenness up to this many nodes")
      ->capture_default_str();
  bt->add_flag("--exact-betweenness", args->exact_betweenness, "Always exact betweenness (O(n m))");
  sub->add_flag("--json", args->json, "Diagnostics as one JSON object on stdout");
  sub->callback([args, &ctx, &action] { action = [args, &ctx] { return run_score(*args, ctx); }; });
}

}  // namespace hydrascope::cli
