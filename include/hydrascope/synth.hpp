// Synthetic world generator: accounts, cards, IPs, proxies and devices with
// planted hydra clusters and benign look-alikes, plus the truth (docs/generator.md).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "hydrascope/common.hpp"
#include "hydrascope/io.hpp"

namespace hydrascope {

/// Easy, Mixed, Hard: fixed knobs (below). Random: every world draws its data
/// availability, look-alike shares and forms, and every farm its own knobs and
/// tactic mix, from the seed (docs/generator.md, "The random profile"); the
/// hydra knob fields below are then not used.
enum class WorldProfile : std::uint8_t { Easy, Mixed, Hard, Random };

/// Every knob of the world. Profiles set the hydra-side knobs; the benign
/// world is the same in all three. Ranges are checked by validate().
struct GeneratorOptions {
  std::uint64_t accounts = 10000;  ///< N, in [1000, 2^31]
  std::uint64_t seed = 1;
  WorldProfile profile = WorldProfile::Mixed;
  SnapshotFormat format = SnapshotFormat::Ndjson;  ///< Json, Ndjson or CsvPair
  bool gzip = false;
  /// Folder holding datacenter-ipv4.txt and vpn-ipv4.txt (datasets/ip-ranges);
  /// empty = a small built-in list of cloud and VPN blocks.
  std::string ip_ranges_dir;

  // --- hydra knobs (set by the profile presets) ---------------------------
  double hydra_share = 0.05;       ///< share of N in hydra clusters, (0, 0.2]
  double camouflage = 0.35;        ///< prob. a hydra account gets edges into benign shared entities, [0,1]
  double balance_cv = 0.4;         ///< coefficient of variation of hydra weekly volumes, [0,5]
  double synchrony = 0.62;         ///< weight of the cluster's common traffic profile, [0,1]
  double seed_fraction = 0.0275;   ///< share of hydra accounts labelled banned, [0,1]
  double aged_fraction = 0.375;    ///< share of hydra accounts bought aged (created like benign), [0,1]
  double pivot_probability = 0.5;  ///< prob. a cluster pivots after the model release, [0,1]
  double resold_share = 0.35;      ///< extra share of ordinary-looking (resold) traffic, [0,1]
  double accounts_per_card = 12.0; ///< tactics (a), (d): accounts funded by one card, [1,1000]
  double hydra_volume = 10000.0;   ///< median weekly requests of a hydra account, [1, 1e9]
  double false_lead_rate = 0.002;  ///< reserved: share of look-alike accounts labelled suspect, [0,1]

  [[nodiscard]] static GeneratorOptions easy(std::uint64_t accounts, std::uint64_t seed);
  [[nodiscard]] static GeneratorOptions mixed(std::uint64_t accounts, std::uint64_t seed);
  [[nodiscard]] static GeneratorOptions hard(std::uint64_t accounts, std::uint64_t seed);
  [[nodiscard]] static GeneratorOptions for_profile(WorldProfile p, std::uint64_t accounts, std::uint64_t seed);
  /// Throws std::invalid_argument naming the bad value.
  void validate() const;
};

struct GenerateReport {
  std::uint64_t accounts = 0;
  std::uint64_t nodes = 0;
  std::uint64_t edges = 0;
  std::uint64_t hydra_accounts = 0;
  std::uint64_t hydra_clusters = 0;
  std::uint64_t lookalike_clusters = 0;
  std::string snapshot_path;
  std::string truth_path;
};

/// Writes out_dir/snapshot.{json,ndjson}[.gz] (or the folder out_dir/snapshot
/// holding nodes.csv and edges.csv) and out_dir/truth.json. Streams: memory is
/// O(planted groups + IP ranges), not O(N). Same options give byte-identical
/// files. Throws std::invalid_argument on bad options, InputError on I/O failure.
GenerateReport generate_world(const GeneratorOptions& options, const std::string& out_dir,
                              const ProgressFn& progress = {});

[[nodiscard]] std::string_view to_string(WorldProfile p) noexcept;
/// "easy", "mixed", "hard", "random"; throws std::invalid_argument otherwise.
[[nodiscard]] WorldProfile parse_profile(std::string_view name);

}  // namespace hydrascope
