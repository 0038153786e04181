// `hydrascope generate`: writes a synthetic account world (snapshot + truth.json)
// with planted hydra clusters and benign look-alikes, or (--evolve) the days
// after such a world (docs/generator.md).
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include "cli_enum.hpp"
#include "cli_util.hpp"
#include "hydrascope/synth.hpp"

namespace hydrascope::cli {

namespace {

struct GenerateArgs {
  std::uint64_t accounts = 0;
  std::uint64_t seed = 1;
  std::string profile = "mixed";
  std::string out;
  SnapshotFormat format = SnapshotFormat::Ndjson;
  bool gzip = false;
  std::string ip_ranges;
  bool force = false;
  // --world: a, generate_world (default); b, generate_world_b (held-out evaluation); c, generate_world_c
  enum class World { A, B, C } world = World::A;
  std::string evolve;       // --evolve FROM_DIR: day-by-day snapshots grown from a world
  std::uint32_t days = 7;
  double ban_rate = EvolveOptions{}.ban_rate;
};

// The one line every world model's generate ends with.
std::string summary_line(const GenerateReport& r, std::chrono::steady_clock::time_point start) {
  char buf[768];
  std::snprintf(buf, sizeof buf,
                "wrote %s and %s: %llu accounts, %llu nodes, %llu edges, %llu hydra clusters (%llu accounts), "
                "%llu look-alike groups in %.2f s, peak memory %s",
                r.snapshot_path.c_str(), r.truth_path.c_str(), static_cast<unsigned long long>(r.accounts),
                static_cast<unsigned long long>(r.nodes), static_cast<unsigned long long>(r.edges),
                static_cast<unsigned long long>(r.hydra_clusters), static_cast<unsigned long long>(r.hydra_accounts),
                static_cast<unsigned long long>(r.lookalike_clusters), seconds_since(start),
                human_bytes(static_cast<double>(peak_rss_bytes())).c_str());
  return buf;
}

// World B (docs/generator.md, "World B: farms that interact"): held-out evaluation only.
int run_generate_b(const Context& ctx, const GenerateArgs& a) {
  const auto start = std::chrono::steady_clock::now();
  WorldBOptions o = WorldBOptions::for_profile(parse_world_b_profile(a.profile), a.accounts, a.seed);
  o.format = a.format;
  o.gzip = a.gzip;
  o.ip_ranges_dir = a.ip_ranges;  // empty: the copy of datasets/ip-ranges built into the program
  o.validate();
  check_out_folder(a.out, a.force);
  ctx.info("generating world b: " + std::to_string(o.accounts) + " accounts, profile " + a.profile + ", seed " +
           std::to_string(o.seed));
  const WorldBReport r = generate_world_b(o, a.out, ctx.progress());
  ctx.end_progress();
  ctx.info(summary_line(r.summary, start));
  return kExitOk;
}

// World C (docs/generator.md, "World C: an economy of principals"): a training family.
int run_generate_c(const Context& ctx, const GenerateArgs& a) {
  if (a.profile != "random")
    throw std::invalid_argument("world c has only the random profile (every knob drawn per world); got --profile " + a.profile);
  const auto start = std::chrono::steady_clock::now();
  WorldCOptions o;
  o.accounts = a.accounts;
  o.seed = a.seed;
  o.format = a.format;
  o.gzip = a.gzip;
  o.ip_ranges_dir = a.ip_ranges;  // empty: the copy of datasets/ip-ranges built into the program
  o.validate();
  check_outputs_spare_inputs({o.ip_ranges_dir}, {{a.out, "--out", true}});
  const OutLock out_lock(a.out);
  check_out_folder(a.out, a.force);
  ctx.info("generating world c: " + std::to_string(o.accounts) + " accounts, seed " + std::to_string(o.seed));
  const GenerateReport r = generate_world_c(o, a.out, ctx.progress());
  ctx.end_progress();
  ctx.info(summary_line(r, start));
  return kExitOk;
}

// A world that evolves (docs/generator.md): day-1 .. day-D folders from a day-0 world.
int run_evolve(const Context& ctx, const GenerateArgs& a) {
  const auto start = std::chrono::steady_clock::now();
  EvolveOptions o;
  o.from_dir = a.evolve;
  o.days = a.days;
  o.seed = a.seed;
  o.ban_rate = a.ban_rate;
  o.format = a.format;
  o.gzip = a.gzip;
  o.validate();
  check_out_folder(a.out, a.force);
  ctx.info("evolving " + a.evolve + " over " + std::to_string(o.days) + " days, seed " + std::to_string(o.seed));
  const EvolveReport r = evolve_world(o, a.out, ctx.progress());
  ctx.end_progress();
  for (const auto& d : r.days) {
    char buf[512];
    std::snprintf(buf, sizeof buf,
                  "day %u: %llu accounts (%llu banned), %llu nodes, %llu edges; %llu farms banned (%llu accounts), "
                  "%llu regrew (%llu heads), %llu farm accounts grown, %llu churned in groups, %llu people came and went",
                  d.day, static_cast<unsigned long long>(d.accounts), static_cast<unsigned long long>(d.banned),
                  static_cast<unsigned long long>(d.nodes), static_cast<unsigned long long>(d.edges),
                  static_cast<unsigned long long>(d.banned_farms), static_cast<unsigned long long>(d.banned_accounts),
                  static_cast<unsigned long long>(d.regrown_farms), static_cast<unsigned long long>(d.heads),
                  static_cast<unsigned long long>(d.grown_accounts), static_cast<unsigned long long>(d.churned_accounts),
                  static_cast<unsigned long long>(d.people_joined));
    ctx.info(buf);
  }
  ctx.info("wrote " + a.out + "/day-1 .. day-" + std::to_string(o.days) + " in " +
           std::to_string(static_cast<int>(seconds_since(start))) + " s, peak memory " +
           human_bytes(static_cast<double>(peak_rss_bytes())));
  return kExitOk;
}

int run_generate(const Context& ctx, const GenerateArgs& a) {
  if (!a.evolve.empty()) return run_evolve(ctx, a);
  if (a.accounts == 0) throw std::invalid_argument("--accounts is required (unless --evolve is given)");
  if (a.world == GenerateArgs::World::B) return run_generate_b(ctx, a);
  if (a.world == GenerateArgs::World::C) return run_generate_c(ctx, a);
  const auto start = std::chrono::steady_clock::now();
  GeneratorOptions o = GeneratorOptions::for_profile(parse_profile(a.profile), a.accounts, a.seed);
  o.format = a.format;
  o.gzip = a.gzip;
  o.ip_ranges_dir = a.ip_ranges;  // empty: the copy of datasets/ip-ranges built into the program
  o.validate();
  check_outputs_spare_inputs({o.ip_ranges_dir}, {{a.out, "--out", true}});
  const OutLock out_lock(a.out);
  check_out_folder(a.out, a.force);
  ctx.info("generating " + std::to_string(o.accounts) + " accounts, profile " + a.profile + ", seed " +
           std::to_string(o.seed));
  const GenerateReport r = generate_world(o, a.out, ctx.progress());
  ctx.end_progress();
  ctx.info(summary_line(r, start));
  return kExitOk;
}

}  // namespace

void add_generate(CLI::App& app, const Context& ctx, Action& action) {
  auto args = std::make_shared<GenerateArgs>();
  auto* sub = app.add_subcommand("generate", "Write a synthetic account world with known truth (snapshot + truth.json)");
  sub->add_option("--accounts", args->accounts, "Number of accounts N (>= 1000); not with --evolve")->check(unsigned_integer());
  sub->add_option("--seed", args->seed, "Random seed (same arguments => byte-identical files)")->required()->check(unsigned_integer());
  sub->add_option("--profile", args->profile,
                  "easy, mixed, hard, random (every knob drawn per world and per cluster; world a; the only one of world c) "
                  "or bare (world b)")
      ->check(CLI::IsMember({"easy", "mixed", "hard", "random", "bare"}))
      ->capture_default_str();
  using World = GenerateArgs::World;
  add_enum_option(*sub, "--world", args->world, {{"a", World::A}, {"b", World::B}, {"c", World::C}},
                  "a: the project's world (default); b: held-out world B, never used for training; "
                  "c: an economy of principals (training; --profile random)");
  sub->add_option("--out", args->out, "Output folder (created if missing)")->required();
  const auto format_list = format_names({SnapshotFormat::Json, SnapshotFormat::Ndjson, SnapshotFormat::CsvPair});
  auto* format = add_enum_option(*sub, "--output-format", args->format, format_list, "json, ndjson or csv");
  deprecated_alias(add_enum_option(*sub, "--format", args->format, format_list, ""), format);
  sub->add_flag("--gzip", args->gzip, "Compress the snapshot with gzip");
  sub->add_flag("--force", args->force, "Write into --out even when it exists and is not empty (files replaced atomically)");
  sub->add_option("--ip-ranges", args->ip_ranges,
                  "Folder with datacenter-ipv4.txt and vpn-ipv4.txt (default: the copy of datasets/ip-ranges built "
                  "into the program, whatever the working folder)");
  sub->add_option("--evolve", args->evolve,
                  "Instead of a new world: day-by-day snapshots (DIR/day-1 .. day-D, each with truth.json) grown from "
                  "the world in this folder (bans, regrown heads, growth, churn; docs/generator.md)");
  sub->add_option("--days", args->days, "With --evolve: days to write")->capture_default_str();
  sub->add_option("--ban-rate", args->ban_rate, "With --evolve: daily probability that a farm is banned")
      ->capture_default_str();
  sub->callback([&ctx, &action, args] { action = [&ctx, args] { return run_generate(ctx, *args); }; });
}

}  // namespace hydrascope::cli
