// Synthetic world generator: accounts, cards, IPs, proxies and devices with
// planted hydra clusters and benign look-alikes, plus the truth (docs/generator.md).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

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
  /// Folder holding datacenter-ipv4.txt and vpn-ipv4.txt; empty = the copy
  /// of datasets/ip-ranges built into the library (never the working folder).
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

// ===========================================================================
// A world that evolves (docs/generator.md, "A world that evolves"): day-by-day
// snapshots grown from a world written by generate_world (world A), for
// tracking hydras across runs (docs/tracking.md).
// ===========================================================================

/// Options of evolve_world(). Every day, in this order: banned accounts
/// whose time is up leave; farms banned (each eligible farm with probability
/// ban_rate) get every live account labelled `banned`, and with probability
/// regrow_probability regrow heads 1..regrow_delay_max days later; heads due
/// today appear; farms grow (grow_rate); benign groups churn; ordinary
/// people come and go.
struct EvolveOptions {
  std::string from_dir;  ///< day 0: a folder written by `hydrascope generate` (snapshot.* and truth.json)
  std::uint32_t days = 7;  ///< days to write, [1, 366]
  std::uint64_t seed = 1;  ///< the evolution's seed (the world's own is in from_dir)
  SnapshotFormat format = SnapshotFormat::Ndjson;  ///< Json, Ndjson or CsvPair
  bool gzip = false;
  double ban_rate = 0.08;             ///< per day, prob. that a farm with >= min_ban_size live unbanned accounts is banned, [0,1]
  std::uint32_t min_ban_size = 20;    ///< >= 1
  double regrow_probability = 0.8;    ///< a banned farm regrows new heads, [0,1]
  double regrow_min = 0.2, regrow_max = 0.6;  ///< heads as a share of the accounts banned, 0 < min <= max <= 5
  std::uint32_t regrow_delay_max = 3; ///< heads appear 1..this days after the ban labels, [1, 30]
  std::uint32_t banned_days = 2;      ///< banned accounts stay this many days (labelled banned), then leave, [1, 366]
  double grow_rate = 0.15;            ///< per day, prob. that a live farm grows ..., [0,1]
  double grow_min = 0.05, grow_max = 0.2;  ///< ... by this share of its live accounts, 0 < min <= max <= 5
  double group_churn = 0.01;          ///< per day, prob. that a benign group's member leaves (as many join), [0,1]
  double people_churn = 0.005;        ///< per day, prob. that an ordinary person leaves (as many new ones arrive), [0,1]
  /// Throws std::invalid_argument naming the bad value.
  void validate() const;
};

/// What one day holds and what happened on it.
struct EvolveDay {
  std::uint32_t day = 0;
  std::uint64_t accounts = 0, nodes = 0, edges = 0, banned = 0;
  std::uint64_t banned_farms = 0, banned_accounts = 0;  ///< farms whose accounts were labelled banned today
  std::uint64_t regrown_farms = 0, heads = 0;           ///< farms that regrew today, and their new heads
  std::uint64_t grown_accounts = 0, churned_accounts = 0, people_joined = 0, people_left = 0;
  std::string snapshot_path, truth_path;
};

struct EvolveReport {
  std::vector<EvolveDay> days;
};

/// Writes out_dir/day-1 .. day-D, each with a snapshot (snapshot.ndjson by
/// default, or .json / the snapshot/ folder, optionally .gz) and truth.json:
/// the day-0 clusters under the same ids with today's accounts, and for farms
/// their `bans`, regrown `heads` and `grown` accounts by day (docs/generator.md).
/// New accounts copy a day-0 member of their group: the entities it shares
/// with others (cards, proxies, pool IPs, devices) are shared again, its own
/// are made anew; their traffic is the member's, jittered, from the hour
/// they were made. Loads the day-0 snapshot in memory. Same options give
/// byte-identical files. Throws std::invalid_argument on bad options,
/// InputError on unreadable or mismatched input.
EvolveReport evolve_world(const EvolveOptions& options, const std::string& out_dir, const ProgressFn& progress = {});

// ===========================================================================
// World B: farms that interact (docs/generator.md, "World B").
//
// An independent family of synthetic worlds for HELD-OUT EVALUATION ONLY:
// nothing is ever trained or tuned on it. It is written from another idea
// than generate_world() above: a farm is a group of accounts that interact
// with each other (invites, credit transfers, shared workspaces, same_org)
// and share generic entities (a catch-all email domain, rented SMS numbers,
// extraction prompt templates, a tooling user agent, payout accounts), while
// its infrastructure is mostly unique (own card or none, rotating
// residential-proxy IPs, fresh anti-detect device fingerprints). Benign
// look-alikes (teams, classrooms, referral trees, open-source projects,
// families, public hubs, legitimate resellers, sharded services) are made
// from the same idea. What data a world carries (activity, timestamps,
// cards, IPs, devices, proxies, which generic types and which account-to-
// account relations) is drawn per world from the seed.
// ===========================================================================

enum class WorldBProfile : std::uint8_t {
  Easy,   ///< loud farms: lock-step, dense invite trees, heavy sharing, many seeds
  Mixed,  ///< in between
  Hard,   ///< quiet farms: weak synchrony, cover clients, aged accounts, few ties and seeds
  Bare,   ///< no activity, no timestamps, no cards/IPs/proxies/devices, ONE generic
          ///< entity type; 10 % of each farm's accounts labelled banned
};

/// The farm-side knobs of world B. Each farm draws its own values around
/// them (probabilities +- 0.15, counts and volumes by a log-uniform factor),
/// so a world holds loud and quiet farms together.
struct WorldBFarmKnobs {
  double share = 0.05;          ///< share of N in farm accounts, (0, 0.3]
  double aa_rate = 0.6;         ///< prob. a farm account was invited by another farm account, [0,1]
  double transfer_rate = 0.25;  ///< prob. a farm account sends/receives a credit transfer inside the farm, [0,1]
  double org_rate = 0.2;        ///< prob. a farm account sits in one of the farm's workspaces (member_of, same_org), [0,1]
  double shared_rate = 0.5;     ///< prob. a farm account uses each farm-shared generic entity
                                ///< (catch-all domain, extraction template, tooling UA, payout, drop address, relay), [0,1]
  double phone_reuse = 3.0;     ///< farm accounts verified per rented virtual number, [1, 100]
  double infra_reuse = 0.08;    ///< prob. an IP / device / card comes from the farm's small own pool, [0,1]
  double synchrony = 0.55;      ///< weight of the farm's common (lock-step) traffic, [0,1]
  double cover = 0.35;          ///< prob. a farm is a reseller that also serves genuine clients, [0,1]
  double aged_fraction = 0.3;   ///< share of bought aged accounts (created like ordinary people), [0,1]
  double wave_hours = 16.0;     ///< spread of one creation wave, hours, [0.1, 5000]
  double volume_median = 1100;  ///< median requests per account over the window, [1, 1e9]
  double volume_sigma = 0.8;    ///< lognormal sigma of volumes inside a farm, [0, 4]
  double seed_max = 0.07;       ///< a seeded farm labels U(seed_max/5, seed_max) of its accounts banned, [0, 0.5]
  double seedless = 0.25;       ///< share of farms without any banned seed, [0,1]
};

/// Options of world B. Profiles set `farm`; the benign world is drawn the
/// same way in every profile; `Bare` also restricts the data (see above).
struct WorldBOptions {
  std::uint64_t accounts = 10000;  ///< N, in [1000, 50,000,000]
  std::uint64_t seed = 1;
  WorldBProfile profile = WorldBProfile::Mixed;
  SnapshotFormat format = SnapshotFormat::Ndjson;  ///< Json, Ndjson or CsvPair
  bool gzip = false;
  /// Folder holding datacenter-ipv4.txt and vpn-ipv4.txt; empty = the copy
  /// of datasets/ip-ranges built into the library (never the working folder).
  std::string ip_ranges_dir;
  WorldBFarmKnobs farm;
  double bare_banned_fraction = 0.10;  ///< Bare: share of each farm labelled banned, [0, 1]

  [[nodiscard]] static WorldBOptions easy(std::uint64_t accounts, std::uint64_t seed);
  [[nodiscard]] static WorldBOptions mixed(std::uint64_t accounts, std::uint64_t seed);
  [[nodiscard]] static WorldBOptions hard(std::uint64_t accounts, std::uint64_t seed);
  [[nodiscard]] static WorldBOptions bare(std::uint64_t accounts, std::uint64_t seed);
  [[nodiscard]] static WorldBOptions for_profile(WorldBProfile p, std::uint64_t accounts, std::uint64_t seed);
  /// Throws std::invalid_argument naming the bad value.
  void validate() const;
};

/// What one world B snapshot carries, drawn from (seed, profile).
struct WorldBData {
  bool activity = false;      ///< accounts carry `activity` (snapshot.activity present)
  bool created_at = false;    ///< accounts carry `created_at`
  bool edge_times = false;    ///< edges carry first_seen / last_seen
  std::uint32_t bucket_seconds = 0, buckets = 0;  ///< when activity
  bool card = false, ip = false, proxy = false, device = false;
  /// Generic entity types present, by node type name (e.g. "email_domain",
  /// "phone"; Bare: exactly one, possibly renamed "contact").
  std::vector<std::string> generic_types;
  /// Account-to-account edge types present ("invited", "transferred_to", "same_org").
  std::vector<std::string> account_edges;
  std::vector<std::string> account_attrs;  ///< "country", "plan" when present
  bool trusted_labels = false;  ///< some benign accounts labelled trusted
  bool suspect_labels = false;  ///< a few benign accounts labelled suspect (false leads)
};

struct WorldBReport {
  GenerateReport summary;  ///< counts and output paths
  WorldBData data;
  std::uint64_t banned = 0, trusted = 0, suspect = 0;
};

/// The data availability that generate_world_b() would draw for `options`
/// (cheap: no world is built). Throws std::invalid_argument on bad options.
[[nodiscard]] WorldBData draw_world_b_data(const WorldBOptions& options);

/// Writes out_dir/snapshot.{json,ndjson}[.gz] (or out_dir/snapshot/ with
/// nodes.csv and edges.csv) and out_dir/truth.json (kinds "hydra" and the
/// benign look-alikes; a top-level "world" object with the drawn choices and
/// "accounts" in snapshot order). Built in memory (about 1 KB per account),
/// then written; same options give byte-identical files. Throws
/// std::invalid_argument on bad options, InputError on I/O failure.
WorldBReport generate_world_b(const WorldBOptions& options, const std::string& out_dir,
                              const ProgressFn& progress = {});

[[nodiscard]] std::string_view to_string(WorldBProfile p) noexcept;
/// "easy", "mixed", "hard", "bare"; throws std::invalid_argument otherwise.
[[nodiscard]] WorldBProfile parse_world_b_profile(std::string_view name);

// ===========================================================================
// World C: an economy of principals (docs/generator.md, "World C").
//
// A third family of synthetic worlds, for TRAINING (world B stays held out).
// Every account belongs to a principal (an individual, a family, a company,
// a class or hackathon, a research lab, an app developer, a legitimate
// reseller's clientele, or a farm operator) who acquires its resources (cards,
// phone numbers, email domains, IPs, proxies, fingerprints, API keys,
// workspaces) from markets that legitimate principals and farms both use.
// Each farm draws its tactic from a continuous space (how much it reuses each
// resource, how it acquires accounts, how its accounts interact, how it runs
// traffic, camouflage, bans). What data the snapshot carries, the names of
// its entity and edge types, the shares and sizes are drawn per world.
// ===========================================================================

struct WorldCOptions {
  std::uint64_t accounts = 10000;  ///< N, in [1000, 50,000,000]
  std::uint64_t seed = 1;
  SnapshotFormat format = SnapshotFormat::Ndjson;  ///< Json, Ndjson or CsvPair
  bool gzip = false;
  /// Folder holding datacenter-ipv4.txt and vpn-ipv4.txt; empty = the copy
  /// of datasets/ip-ranges built into the library (never the working folder).
  std::string ip_ranges_dir;
  /// Throws std::invalid_argument naming the bad value.
  void validate() const;
};

/// Writes out_dir/snapshot.{json,ndjson}[.gz] (or out_dir/snapshot/ with
/// nodes.csv and edges.csv) and out_dir/truth.json (generator.world "c", a
/// top-level "world" object with every drawn knob, "hydra" clusters with
/// their "params", the benign look-alike groups, and "accounts" in snapshot
/// order). Streams: memory is O(principal groups + address ranges + market
/// pools), not O(N) records. Same options give byte-identical files. Throws
/// std::invalid_argument on bad options, InputError on I/O failure.
GenerateReport generate_world_c(const WorldCOptions& options, const std::string& out_dir,
                                const ProgressFn& progress = {});

}  // namespace hydrascope
