// `hydrascope detect INPUT --out FILE`: community detection (Leiden, Louvain,
// label propagation, components) on a snapshot or plain edge list; writes a
// node_id,community_id CSV and prints a summary (text or --json) on stdout.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli_enum.hpp"
#include "cli_util.hpp"
#include "hydrascope/atomic_file.hpp"
#include "hydrascope/community.hpp"
#include "hydrascope/graph.hpp"
#include "hydrascope/io.hpp"

namespace hydrascope::cli {

namespace {

struct DetectArgs {
  std::string input, out, write_graph;
  SnapshotFormat input_format = SnapshotFormat::Auto;
  // --algo, --quality, --resolution, --seed, --threads, --max-iterations,
  // --randomness: bound straight into the detection's options
  CommunityOptions co;
  bool json = false;
  // GraphOptions (defaults depend on the input: structural for edge lists).
  std::optional<WeightSource> weights;  // --weights, --damping: unset = the input's default
  std::optional<HubDamping> damping;
  std::optional<TypeWeighting> type_weighting;
  std::int64_t degree_cap = -1;
  std::vector<std::string> type_weights;
  CsvGuardMode csv_guard = CsvGuardMode::Sheets;
};

std::string fmt(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", x);
  return buf;
}

// A JSON number: fmt(x), or null when x is not finite (never `nan` or `inf`).
std::string jnum(double x) { return std::isfinite(x) ? fmt(x) : std::string("null"); }

// Applies --weights/--damping/--degree-cap/--type-weight on top of `base`.
GraphOptions graph_options(const DetectArgs& a, GraphOptions base) {
  if (a.weights) base.weight_source = *a.weights;
  if (a.damping) base.damping = *a.damping;
  if (a.type_weighting) base.type_weighting = *a.type_weighting;
  if (!a.type_weights.empty() && base.type_weighting != TypeWeighting::Named)
    throw std::invalid_argument("--type-weight sets a multiplier by type name: it needs --type-weighting named, not '" +
                                std::string(to_string(base.type_weighting)) + "'");
  if (a.degree_cap >= 0) {
    if (a.degree_cap > 0xffffffffLL) throw std::invalid_argument("--degree-cap too large");
    base.degree_cap = static_cast<std::uint32_t>(a.degree_cap);
  }
  for (const std::string& tw : a.type_weights) {
    const auto eq = tw.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == tw.size())
      throw std::invalid_argument("--type-weight: expected TYPE=WEIGHT, got '" + tw + "'");
    std::size_t used = 0;
    double w = 0.0;
    try {
      w = std::stod(tw.substr(eq + 1), &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != tw.size() - eq - 1)
      throw std::invalid_argument("--type-weight: '" + tw.substr(eq + 1) + "' is not a number in '" + tw + "'");
    base.type_weight[tw.substr(0, eq)] = w;
  }
  base.validate();
  return base;
}

void write_graph_file(const AnalysisGraph& g, const std::string& path) {
  AtomicFile file(path);
  std::string buf;
  char line[96];
  for (NodeId u = 0; u < g.num_nodes(); ++u) {
    const auto nb = g.neighbors(u);
    const auto ws = g.weights(u);
    for (std::size_t i = 0; i < nb.size(); ++i) {
      if (nb[i] <= u) continue;
      const int len = std::snprintf(line, sizeof line, "%u %u %.17g\n", u, nb[i], ws[i]);
      buf.append(line, static_cast<std::size_t>(len));
    }
    if (buf.size() > (1u << 20)) {
      file.write(buf);
      buf.clear();
    }
  }
  file.write(buf);
  file.commit();
}

int run_detect(const Context& ctx, const DetectArgs& a) {
  // Options first: bad values fail before any reading.
  CommunityOptions co = a.co;
  co.validate();
  (void)graph_options(a, GraphOptions{});  // validate graph options early too
  check_outputs_spare_inputs({a.input}, {{a.out, "--out", false}, {a.write_graph, "--write-graph", false}});
  const CsvGuard guard = csv_guard_of(a.csv_guard);

  const auto start = std::chrono::steady_clock::now();
  LoadReport report;
  const Snapshot snapshot = load_input(ctx, a.input, a.input_format, co.threads, &report);
  ctx.info("loaded " + a.input + " (" + std::string(to_string(report.format)) + "): " +
           std::to_string(snapshot.num_nodes()) + " nodes, " + std::to_string(snapshot.num_edges()) + " edges in " +
           fmt(report.seconds) + " s");
  const bool edge_list = report.format == SnapshotFormat::EdgeList;
  const GraphOptions go = graph_options(a, edge_list ? GraphOptions::structural() : GraphOptions{});
  GraphBuildReport build;
  const AnalysisGraph g = build_analysis_graph(snapshot, go, &build);
  ctx.info("analysis graph: " + std::to_string(g.num_nodes()) + " nodes, " + std::to_string(g.num_edges()) +
           " edges; " + std::to_string(build.excluded_hubs) + " hubs over the degree cap left out");
  if (!a.write_graph.empty()) {
    write_graph_file(g, a.write_graph);
    ctx.info("wrote analysis graph to " + a.write_graph);
  }

  co.progress = ctx.progress();
  const CommunityResult r = detect_communities(g, co);
  ctx.end_progress();
  const Partition& p = r.partition;

  {
    AtomicFile file(a.out);
    std::string buf = "node_id,community_id\n";
    for (NodeId v = 0; v < p.num_nodes(); ++v) {
      append_sheet_cell(buf, snapshot.node_id(v), guard.sheets);
      buf.push_back(',');
      buf.append(std::to_string(p.membership[v]));
      buf.push_back('\n');
      if (buf.size() > (1u << 20)) {
        file.write(buf);
        buf.clear();
      }
    }
    file.write(buf);
    file.commit();
  }

  const std::vector<std::uint64_t> sizes = p.sizes();
  const std::uint64_t singletons =
      static_cast<std::uint64_t>(std::count(sizes.begin(), sizes.end(), std::uint64_t{1}));
  const std::size_t top = std::min<std::size_t>(sizes.size(), 10);
  const double total_s = seconds_since(start);
  std::string out;
  if (a.json) {
    out = "{\"input\":";
    append_json_string(out, a.input);
    out += ",\"out\":";
    append_json_string(out, a.out);
    out += ",\"algorithm\":\"" + std::string(to_string(co.algorithm)) + "\",\"quality_function\":\"" +
           std::string(to_string(co.quality)) + "\",\"resolution\":" + jnum(co.resolution) +
           ",\"seed\":" + std::to_string(co.seed) + ",\"threads\":" + std::to_string(r.threads) +
           ",\"nodes\":" + std::to_string(g.num_nodes()) + ",\"edges\":" + std::to_string(g.num_edges()) +
           ",\"excluded_hubs\":" + std::to_string(build.excluded_hubs) +
           ",\"communities\":" + std::to_string(p.num_communities) + ",\"singletons\":" + std::to_string(singletons) +
           ",\"largest_sizes\":[";
    for (std::size_t i = 0; i < top; ++i) out += (i ? "," : "") + std::to_string(sizes[i]);
    out += "],\"quality\":" + jnum(r.quality) + ",\"modularity\":" + jnum(modularity(g, p)) +
           ",\"levels\":" + std::to_string(r.levels) + ",\"iterations\":" + std::to_string(r.iterations) +
           ",\"converged\":" + (r.converged ? "true" : "false") + ",\"moves\":" + std::to_string(r.moves) +
           ",\"seconds\":{\"local_moving\":" + jnum(r.seconds.local_moving) +
           ",\"refinement\":" + jnum(r.seconds.refinement) + ",\"aggregation\":" + jnum(r.seconds.aggregation) +
           ",\"detect\":" + jnum(r.seconds.total) + ",\"total\":" + jnum(total_s) + "}}\n";
  } else {
    out = "algorithm     " + std::string(to_string(co.algorithm)) + " (" + std::string(to_string(co.quality)) +
          ", resolution " + fmt(co.resolution) + ", seed " + std::to_string(co.seed) + ", " +
          std::to_string(r.threads) + " threads)\n";
    out += "graph         " + std::to_string(g.num_nodes()) + " nodes, " + std::to_string(g.num_edges()) +
           " edges, " + std::to_string(build.excluded_hubs) + " hubs left out\n";
    out += "communities   " + std::to_string(p.num_communities) + " (" + std::to_string(singletons) +
           " singletons)\nlargest       ";
    for (std::size_t i = 0; i < top; ++i) out += (i ? " " : "") + std::to_string(sizes[i]);
    out += "\nquality       " + fmt(r.quality) + "\n";
    out += "iterations    " + std::to_string(r.iterations) + " (" + std::to_string(r.levels) + " levels, " +
           (r.converged ? "converged" : "not converged") + ")\n";
    out += "time          " + fmt(r.seconds.total) + " s (local moving " + fmt(r.seconds.local_moving) +
           ", refinement " + fmt(r.seconds.refinement) + ", aggregation " + fmt(r.seconds.aggregation) +
           "); total with load " + fmt(total_s) + " s\n";
    out += "written       " + a.out + "\n";
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

}  // namespace

void add_detect(CLI::App& app, const Context& ctx, Action& action) {
  auto args = std::make_shared<DetectArgs>();
  auto* sub = app.add_subcommand("detect", "Find communities (Leiden, Louvain, label propagation, components)");
  sub->add_option("input", args->input, "Snapshot (any format) or plain `u v [w]` edge list")->required();
  sub->add_option("--out", args->out, "CSV to write: node_id,community_id")->required();
  CommunityOptions& co = args->co;
  add_enum_option(*sub, "--algo", co.algorithm,
                  {{"leiden", Algorithm::Leiden}, {"louvain", Algorithm::Louvain}, {"lpa", Algorithm::LabelPropagation},
                   {"components", Algorithm::Components}},
                  "Community detection algorithm");
  add_enum_option(*sub, "--quality", co.quality, {{"modularity", QualityFunction::Modularity}, {"cpm", QualityFunction::Cpm}},
                  "Quality function");
  sub->add_option("--resolution", co.resolution, "Resolution gamma >= 0 (default 1)");
  add_csv_guard_option(*sub, args->csv_guard);
  sub->add_option("--seed", co.seed, "Random seed (default 1)")->check(unsigned_integer());
  sub->add_option("--threads", co.threads, "Threads (0 = all cores; at most 1024)")->check(CLI::Range(0, 1024));
  sub->add_option("--max-iterations", co.max_iterations,
                  "Leiden/Louvain: outer iterations at most (stops earlier when stable; default 2); LPA: 10x sweeps");
  sub->add_option("--randomness", co.randomness, "Leiden refinement randomness theta (0 = greedy; default 0.01)");
  sub->add_flag("--json", args->json, "Summary as one JSON object on stdout");
  sub->add_option("--write-graph", args->write_graph, "Also write the analysis graph as `u v w` lines");
  add_input_format_option(*sub, args->input_format);
  auto* g = sub->add_option_group("analysis graph",
                                  "How the snapshot becomes the graph (defaults: snapshots as GraphOptions{}, edge "
                                  "lists structural: unit weights, no damping, no cap)");
  add_enum_option(*g, "--weights", args->weights, weight_source_names(),
                  "Edge weight source: unit, log (1 + ln requests; the default for snapshots) or requests");
  add_enum_option(*g, "--damping", args->damping, damping_names(),
                  "Hub damping: none, log (1/ln(e+deg)), sqrt or degree (1/deg, the default for snapshots)");
  g->add_option("--degree-cap", args->degree_cap, "Entities with more neighbours lose their edges (0 = no cap)")
      ->check(unsigned_integer());
  g->add_option("--type-weight", args->type_weights, "Edge type multiplier TYPE=W (repeatable; with --type-weighting named)");
  add_enum_option(*g, "--type-weighting", args->type_weighting, type_weighting_names(),
                  "Edge-type multipliers: named (by type name; the default for snapshots), uniform (all 1), spread "
                  "(each account spreads one unit over its edges of each type) or balanced (each type divided by its "
                  "mean edges per account)");
  sub->callback([&action, &ctx, args] { action = [&ctx, args] { return run_detect(ctx, *args); }; });
}

}  // namespace hydrascope::cli
