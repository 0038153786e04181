// `hydrascope export SNAPSHOT [--run DIR] --out DIR --export-formats LIST [selection]`:
// suspect subgraphs (communities of a run, or the ego network of one node) in
// the formats analysts' tools read: snapshot JSON, GraphML, GEXF 1.3, DOT,
// the CSV pair with accounts.txt, Neo4j admin-import CSV; and the ban list
// (--ban-list: flagged accounts, and the entities to block with their flagged share).
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli_enum.hpp"
#include "cli_util.hpp"
#include "hydrascope/export.hpp"
#include "hydrascope/graph.hpp"
#include "hydrascope/io.hpp"

namespace hydrascope::cli {
namespace {

struct ExportArgs {
  std::string input;
  std::string run;
  std::string out;
  std::vector<std::string> formats;
  std::vector<CommunityId> communities;
  int top = -1;
  double min_score = -1.0;
  bool has_min_score = false;
  std::vector<std::string> accounts;
  std::string around;
  int hops = 1;
  int context = 0;
  std::uint32_t max_degree = 1000;
  std::uint64_t max_nodes = 200000;
  int threads = 0;
  bool force = false;
  CsvGuardMode csv_guard = CsvGuardMode::Sheets;
  bool ban_list = false;  // --ban-list: ban_accounts.csv + ban_entities.csv
  BanListOptions ban;
};

int run_export(const Context& ctx, ExportArgs a) {
  // --- options, checked before any work --------------------------------------
  ExportFormats formats = parse_export_formats(a.formats);
  formats.guard_csv = csv_guard_of(a.csv_guard).data;
  if (!formats.any() && !a.ban_list)
    throw std::invalid_argument("--export-formats: name at least one of json, graphml, gexf, gexf13, dot, csv, neo4j (or give --ban-list)");
  if (a.ban_list && a.run.empty()) throw std::invalid_argument("--ban-list needs --run DIR (a `hydrascope run` output folder)");
  if (a.ban_list) a.ban.validate();
  if (a.out.empty()) throw std::invalid_argument("--out must name a folder");
  const bool by_community = !a.communities.empty() || a.top >= 0 || a.has_min_score || !a.accounts.empty();
  if (by_community && a.run.empty())
    throw std::invalid_argument("--community, --top, --min-score and --account need --run DIR (a `hydrascope run` output folder)");
  if (!by_community && a.around.empty() && a.run.empty() && !a.ban_list)
    throw std::invalid_argument("nothing selected: give --run DIR (all suspect communities, or a selection) or --around ID");
  if (a.context != 0 && a.context != 1) throw std::invalid_argument("--context must be 0 or 1");
  if (a.hops < 0) throw std::invalid_argument("--hops must be >= 0");
  check_outputs_spare_inputs({a.input, a.run}, {{a.out, "--out", true}});
  const OutLock out_lock(a.out);
  check_out_folder(a.out, a.force);

  // --- load ---------------------------------------------------------------------
  const auto t_load = std::chrono::steady_clock::now();
  const Snapshot snapshot = load_input(ctx, a.input, SnapshotFormat::Auto, a.threads);
  const Incidence incidence = build_incidence(snapshot);
  NodeId center = kInvalidNode;
  if (!a.around.empty()) {
    center = snapshot.find_node(a.around);
    if (center == kInvalidNode) throw std::invalid_argument("--around: no node with id '" + a.around + "' in " + a.input);
  }
  std::unique_ptr<RunData> run;
  if (!a.run.empty()) run = std::make_unique<RunData>(RunData::from_folder(a.run, snapshot));
  const double load_seconds = seconds_since(t_load);
  const auto t_write = std::chrono::steady_clock::now();

  // --- the communities asked for, in the order asked, each once ------------------
  std::vector<CommunityId> chosen;
  auto choose = [&](CommunityId c) {
    if (std::find(chosen.begin(), chosen.end(), c) == chosen.end()) chosen.push_back(c);
  };
  if (run) {
    for (CommunityId c : a.communities) choose(c);
    if (a.top >= 0)
      for (std::size_t i = 0; i < run->ranking().size() && i < static_cast<std::size_t>(a.top); ++i)
        choose(run->ranking()[i]);
    if (a.has_min_score)
      for (CommunityId c : run->communities_at_least(a.min_score)) choose(c);
    for (const auto& id : a.accounts) {
      const NodeId v = snapshot.find_node(id);
      if (v == kInvalidNode) throw std::invalid_argument("--account: no node with id '" + id + "' in " + a.input);
      const CommunityId c = run->community(v);
      if (c == kNoCommunity) throw std::invalid_argument("--account: '" + id + "' is not an account of the run in " + a.run);
      choose(c);
    }
    if (!by_community && a.around.empty() && formats.any())
      for (CommunityId c : run->ranking()) choose(c);
  }
  const auto members = run ? run->accounts_of(chosen) : std::vector<std::vector<NodeId>>{};
  for (std::size_t i = 0; i < chosen.size(); ++i)
    if (members[i].empty())
      throw std::invalid_argument("--community: community " + std::to_string(chosen[i]) + " has no accounts in " + a.run +
                                  "/accounts.csv");

  // --- write ------------------------------------------------------------------------
  std::error_code ec;
  std::filesystem::create_directories(a.out, ec);
  if (ec) throw std::runtime_error("cannot create " + a.out + ": " + ec.message());
  SelectionLimits limits;
  limits.max_degree = a.max_degree;
  limits.max_nodes = a.max_nodes;
  SubgraphSelector select(snapshot, incidence, limits);
  std::string report;
  std::uint64_t files = 0;
  std::optional<Neo4jImport> neo4j;  // one import folder for every subgraph (shared nodes once)
  if (formats.neo4j) neo4j.emplace(snapshot, formats.guard_csv);
  auto emit = [&](const Subgraph& sub) {
    const auto names = write_subgraph(a.out, snapshot, sub, run.get(), formats);
    if (neo4j) neo4j->add(sub, run.get());
    files += names.size();
    report += sub.name + ": " + std::to_string(sub.nodes.size()) + " nodes (" + std::to_string(sub.accounts.size()) +
              " accounts), " + std::to_string(sub.edges.size()) + " edges ->";
    for (const auto& n : names) report += " " + n;
    report += "\n";
    if (sub.left_out > 0)
      ctx.warn(sub.name + ": " + std::to_string(sub.left_out) +
               " neighbours left out by --max-degree / --max-nodes (raise them to take more)");
  };
  std::vector<Subgraph> subs;
  for (std::size_t i = 0; i < chosen.size(); ++i) subs.push_back(select.community(chosen[i], members[i], a.context));
  if (center != kInvalidNode) subs.push_back(select.around(center, a.hops));
  // The run's attributes for a batch of subgraphs at a time: one pass over
  // accounts.csv per batch of up to 500,000 nodes, bounded memory.
  for (std::size_t first = 0; first < subs.size();) {
    std::size_t last = first;
    std::vector<NodeId> batch;
    while (last < subs.size() && (last == first || batch.size() + subs[last].nodes.size() <= 500000)) {
      batch.insert(batch.end(), subs[last].nodes.begin(), subs[last].nodes.end());
      ++last;
    }
    if (run) {
      run->forget();
      run->prepare(batch);
    }
    for (std::size_t i = first; i < last; ++i) emit(subs[i]);
    first = last;
  }
  if (neo4j && !subs.empty()) {
    const auto names = neo4j->write(a.out);
    files += names.size();
    report += "neo4j: " + std::to_string(subs.size()) + " subgraphs in one import ->";
    for (const auto& n : names) report += " " + n;
    report += "\n";
  }
  if (a.ban_list) {
    const BanListReport ban = write_ban_list(a.out, snapshot, incidence, *run, a.ban);
    files += ban.files.size();
    report += "ban list: " + std::to_string(ban.accounts) + " accounts (" + std::to_string(ban.confirmed_accounts) +
              " confirmed), " + std::to_string(ban.entities) + " entities and prefixes, " + std::to_string(ban.blocked) +
              " to block ->";
    for (const auto& f : ban.files) report += " " + f;
    report += "\n";
  }
  std::fwrite(report.data(), 1, report.size(), stdout);
  char times[96];
  std::snprintf(times, sizeof times, " (load %.2f s, select and write %.2f s)", load_seconds, seconds_since(t_write));
  ctx.info("export: " + std::to_string(files) + " files in " + a.out + times);
  return kExitOk;
}

}  // namespace

void add_export(CLI::App& app, const Context& ctx, Action& action) {
  auto args = std::make_shared<ExportArgs>();
  auto* sub = app.add_subcommand(
      "export", "Suspect subgraphs for analysts' tools: JSON, GraphML, GEXF, DOT, CSV (+ accounts.txt), Neo4j; "
                "the ban list (--ban-list)");
  sub->add_option("snapshot", args->input, "Snapshot the run read (file, or folder with nodes.csv and edges.csv)")
      ->required();
  sub->add_option("--run", args->run, "Output folder of `hydrascope run` (accounts.csv, communities.json)");
  sub->add_option("-o,--out", args->out, "Folder to write into (created if missing)")->required();
  add_csv_guard_option(*sub, args->csv_guard);
  sub->add_flag("--force", args->force, "Write into --out even when it exists and is not empty (files replaced atomically)");
  auto* formats = sub->add_option("--export-formats", args->formats,
                                  "Formats: json,graphml,gexf (1.2),gexf13,dot,csv,neo4j (one import for all subgraphs)")
                      ->delimiter(',');
  deprecated_alias(sub->add_option("--format", args->formats)->delimiter(','), formats);
  auto* ban = "Ban list";
  sub->add_flag("--ban-list", args->ban_list,
                "Write ban_accounts.csv (the run's flagged accounts) and ban_entities.csv (the entities and IP "
                "prefixes they use, with the share of each one's accounts that are flagged)")
      ->group(ban);
  sub->add_option("--ban-min-share", args->ban.min_share,
                  "Mark an entity `block` only when at least this share of its accounts are on the ban list (0.5, 1]")
      ->capture_default_str()
      ->group(ban);
  sub->add_option("--ban-min-accounts", args->ban.min_accounts, "... and at least this many of them")
      ->capture_default_str()
      ->group(ban);
  sub->add_option("--ban-ipv4-prefix", args->ban.ipv4_prefix, "Prefix length of IPv4 ip_prefix rows")
      ->capture_default_str()
      ->group(ban);
  sub->add_option("--ban-ipv6-prefix", args->ban.ipv6_prefix, "Prefix length of IPv6 ip_prefix rows")
      ->capture_default_str()
      ->group(ban);
  auto* sel = "Selection";
  sub->add_option("--community", args->communities, "A community id of the run (repeatable)")->group(sel);
  sub->add_option("--top", args->top, "The K suspect communities of highest risk")->check(unsigned_integer())->group(sel);
  sub->add_option("--min-score", args->min_score, "Every scored community with risk >= S")
      ->each([args](const std::string&) { args->has_min_score = true; })
      ->group(sel);
  sub->add_option("--account", args->accounts, "The community of this account (repeatable)")->group(sel);
  sub->add_option("--around", args->around, "The ego network of this node id (no --run needed)")->group(sel);
  sub->add_option("--hops", args->hops, "Radius of --around")->capture_default_str()->group(sel);
  sub->add_option("--context", args->context,
                  "1: also the other accounts of the entities a community uses (0: its accounts and their entities)")
      ->capture_default_str()
      ->group(sel);
  sub->add_option("--max-degree", args->max_degree,
                  "Take at most this many neighbours of any node when expanding (--around, --context 1); 0 = all")
      ->capture_default_str()
      ->group(sel);
  sub->add_option("--max-nodes", args->max_nodes, "Stop a subgraph at this many nodes (0 = no limit)")
      ->capture_default_str()
      ->group(sel);
  sub->add_option("-t,--threads", args->threads, "Parsing threads (0 = all cores; at most 1024)")->check(CLI::Range(0, 1024));
  sub->callback([&action, &ctx, args] { action = [&ctx, args] { return run_export(ctx, *args); }; });
}

}  // namespace hydrascope::cli
