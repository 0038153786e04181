// `hydrascope generate`: writes a synthetic account world (snapshot + truth.json)
// with planted hydra clusters and benign look-alikes (docs/generator.md).
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "cli_util.hpp"
#include "hydrascope/synth.hpp"

#ifndef HYDRASCOPE_SOURCE_DIR
#define HYDRASCOPE_SOURCE_DIR ""
#endif

namespace hydrascope::cli {

namespace {

struct GenerateArgs {
  std::uint64_t accounts = 0;
  std::uint64_t seed = 1;
  std::string profile = "mixed";
  std::string out;
  std::string format = "ndjson";
  bool gzip = false;
  std::string ip_ranges;
  bool force = false;
  std::string world = "a";  // a: generate_world (default); b: generate_world_b (held-out evaluation)
};

// datasets/ip-ranges beside the working folder or the source tree, if present.
std::string default_ip_ranges() {
  for (const std::string& dir : {std::string("datasets/ip-ranges"), std::string(HYDRASCOPE_SOURCE_DIR) + "/datasets/ip-ranges"})
    if (std::filesystem::exists(dir + "/datacenter-ipv4.txt") && std::filesystem::exists(dir + "/vpn-ipv4.txt")) return dir;
  return {};
}

// World B (docs/generator.md, "World B: farms that interact"): held-out evaluation only.
int run_generate_b(const Context& ctx, const GenerateArgs& a) {
  const auto start = std::chrono::steady_clock::now();
  WorldBOptions o = WorldBOptions::for_profile(parse_world_b_profile(a.profile), a.accounts, a.seed);
  if (a.format == "json") o.format = SnapshotFormat::Json;
  else if (a.format == "ndjson") o.format = SnapshotFormat::Ndjson;
  else if (a.format == "csv") o.format = SnapshotFormat::CsvPair;
  else throw std::invalid_argument("unknown format \"" + a.format + "\" (json, ndjson or csv)");
  o.gzip = a.gzip;
  o.ip_ranges_dir = a.ip_ranges.empty() ? default_ip_ranges() : a.ip_ranges;
  o.validate();
  check_out_folder(a.out, a.force);
  if (o.ip_ranges_dir.empty()) ctx.warn("datasets/ip-ranges not found: using the built-in cloud and VPN blocks");
  ctx.info("generating world b: " + std::to_string(o.accounts) + " accounts, profile " + a.profile + ", seed " +
           std::to_string(o.seed));
  const WorldBReport r = generate_world_b(o, a.out, ctx.progress());
  ctx.end_progress();
  char buf[768];
  std::snprintf(buf, sizeof buf,
                "wrote %s and %s: %llu accounts, %llu nodes, %llu edges, %llu hydra clusters (%llu accounts), "
                "%llu look-alike groups in %.2f s, peak memory %s",
                r.summary.snapshot_path.c_str(), r.summary.truth_path.c_str(),
                static_cast<unsigned long long>(r.summary.accounts), static_cast<unsigned long long>(r.summary.nodes),
                static_cast<unsigned long long>(r.summary.edges), static_cast<unsigned long long>(r.summary.hydra_clusters),
                static_cast<unsigned long long>(r.summary.hydra_accounts),
                static_cast<unsigned long long>(r.summary.lookalike_clusters), seconds_since(start),
                human_bytes(static_cast<double>(peak_rss_bytes())).c_str());
  ctx.info(buf);
  return kExitOk;
}

int run_generate(const Context& ctx, const GenerateArgs& a) {
  if (a.world == "b") return run_generate_b(ctx, a);
  const auto start = std::chrono::steady_clock::now();
  GeneratorOptions o = GeneratorOptions::for_profile(parse_profile(a.profile), a.accounts, a.seed);
  if (a.format == "json") o.format = SnapshotFormat::Json;
  else if (a.format == "ndjson") o.format = SnapshotFormat::Ndjson;
  else if (a.format == "csv") o.format = SnapshotFormat::CsvPair;
  else throw std::invalid_argument("unknown format \"" + a.format + "\" (json, ndjson or csv)");
  o.gzip = a.gzip;
  o.ip_ranges_dir = a.ip_ranges.empty() ? default_ip_ranges() : a.ip_ranges;
  o.validate();
  check_outputs_spare_inputs({o.ip_ranges_dir}, {{a.out, "--out", true}});
  const OutLock out_lock(a.out);
  check_out_folder(a.out, a.force);
  if (o.ip_ranges_dir.empty()) ctx.warn("datasets/ip-ranges not found: using the built-in cloud and VPN blocks");
  ctx.info("generating " + std::to_string(o.accounts) + " accounts, profile " + a.profile + ", seed " +
           std::to_string(o.seed));
  const GenerateReport r = generate_world(o, a.out, ctx.progress());
  ctx.end_progress();
  char buf[768];
  std::snprintf(buf, sizeof buf,
                "wrote %s and %s: %llu accounts, %llu nodes, %llu edges, %llu hydra clusters (%llu accounts), "
                "%llu look-alike groups in %.2f s, peak memory %s",
                r.snapshot_path.c_str(), r.truth_path.c_str(), static_cast<unsigned long long>(r.accounts),
                static_cast<unsigned long long>(r.nodes), static_cast<unsigned long long>(r.edges),
                static_cast<unsigned long long>(r.hydra_clusters), static_cast<unsigned long long>(r.hydra_accounts),
                static_cast<unsigned long long>(r.lookalike_clusters), seconds_since(start),
                human_bytes(static_cast<double>(peak_rss_bytes())).c_str());
  ctx.info(buf);
  return kExitOk;
}

}  // namespace

void add_generate(CLI::App& app, const Context& ctx, Action& action) {
  auto args = std::make_shared<GenerateArgs>();
  auto* sub = app.add_subcommand("generate", "Write a synthetic account world with known truth (snapshot + truth.json)");
  sub->add_option("--accounts", args->accounts, "Number of accounts N (>= 1000)")->required()->check(unsigned_integer());
  sub->add_option("--seed", args->seed, "Random seed (same arguments => byte-identical files)")->required()->check(unsigned_integer());
  sub->add_option("--profile", args->profile,
                  "easy, mixed, hard, random (every knob drawn per world and per cluster; world a) or bare (world b)")
      ->check(CLI::IsMember({"easy", "mixed", "hard", "random", "bare"}))
      ->capture_default_str();
  sub->add_option("--world", args->world, "a: the project's world (default); b: held-out world B, never used for training")
      ->check(CLI::IsMember({"a", "b"}))
      ->capture_default_str();
  sub->add_option("--out", args->out, "Output folder (created if missing)")->required();
  sub->add_option("--format", args->format, "json, ndjson or csv")
      ->check(CLI::IsMember({"json", "ndjson", "csv"}))
      ->capture_default_str();
  sub->add_flag("--gzip", args->gzip, "Compress the snapshot with gzip");
  sub->add_flag("--force", args->force, "Write into --out even when it exists and is not empty (files replaced atomically)");
  sub->add_option("--ip-ranges", args->ip_ranges,
                  "Folder with datacenter-ipv4.txt and vpn-ipv4.txt (default: datasets/ip-ranges)");
  sub->callback([&ctx, &action, args] { action = [&ctx, args] { return run_generate(ctx, *args); }; });
}

}  // namespace hydrascope::cli
