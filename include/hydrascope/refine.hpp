// Community refinement: the stage between community detection and the
// feature layer. Modularity-based detection glues groups that share a hub
// (a proxy, a popular fingerprint) or cuts a large group along its pools;
// these steps mend the partition where the snapshot's own entities show it.
// Every threshold is a named field of RefineOptions. docs/architecture.md
// describes each step; docs/quality.md measures what each one buys
// (ablation), and only steps that help run by default.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hydrascope/common.hpp"
#include "hydrascope/graph.hpp"
#include "hydrascope/partition.hpp"
#include "hydrascope/snapshot.hpp"

namespace hydrascope {

struct RefineOptions {
  // --- which steps run (in this order) -------------------------------------
  // By default only the step the ablation shows to help (docs/quality.md,
  // "Ablation": with the other four off, mean AP is unchanged and precision
  // and recall are higher on the dev worlds); the others are kept as options.
  bool split_by_proxy = false;  ///< split_hub_communities()
  bool split_tied = false;      ///< split_tied_groups()
  bool split_separated = true;  ///< split_separated_groups()
  bool rehome = false;          ///< rehome_pool_accounts()
  bool merge = false;           ///< merge_pool_communities()
  // --- thresholds ----------------------------------------------------------------
  /// Communities with fewer accounts are never split. >= 1.
  std::uint32_t min_accounts = 3;
  /// Accounts in a piece that is split off (and half the accounts a community needs to be split). >= 2.
  std::uint32_t min_piece = 10;
  /// A piece holding this share of the community's accounts or more is the community itself. (0, 1].
  double max_piece_share = 0.8;
  /// A separated group keeps at most this share of its links outside. [0, 1].
  double max_conductance = 0.1;
  /// Entities with more accounts are hubs: they anchor, re-home and merge nothing. >= 2.
  std::uint32_t max_pool = 100;
  /// A separated group's accounts are knit by at least this many own links each. >= 0.
  double min_own_links = 1.5;
  /// Re-homing: the pool's community holds at least this many of its accounts. >= 1.
  std::uint32_t pool_home = 5;
  /// Merging: two communities share at least this many pools. >= 1.
  std::uint32_t min_shared_pools = 10;

  /// Every step off (the detected partition is kept as it is).
  /// Called after each step with stage "refine", the steps done and the
  /// steps enabled (not part of the result).
  ProgressFn progress;
  [[nodiscard]] static RefineOptions none();
  /// Every step on (the thresholds as defaulted).
  [[nodiscard]] static RefineOptions all();
  /// The defaults, or only the steps in `on` when it is not empty, minus the
  /// steps in `off` (names: split_by_proxy, split_tied, split_separated,
  /// rehome, merge, all; `on` also takes none). std::invalid_argument names
  /// the option (`on_name` / `off_name`) and the unknown step.
  [[nodiscard]] static RefineOptions from_steps(const std::vector<std::string>& on, const std::vector<std::string>& off,
                                                const char* on_name = "--refine", const char* off_name = "--refine-off");
  /// The steps that run, comma-separated in their order, or "none" (as
  /// --refine takes them; recorded in run.json and in a trained model).
  [[nodiscard]] std::string steps_text() const;
  /// Throws std::invalid_argument naming the bad value.
  void validate() const;
};

/// What one step did.
struct RefineStep {
  std::string name;
  std::uint64_t communities_before = 0, communities_after = 0;
  std::uint64_t nodes_moved = 0;  ///< nodes whose community changed
  double seconds = 0.0;
};

struct RefineResult {
  Partition partition;
  std::vector<RefineStep> steps;  ///< the steps that ran, in order
};

/// Runs the enabled steps in order (split by proxy, split tied groups, split
/// separated groups, re-home, merge). Deterministic. Throws
/// std::invalid_argument on bad options or a partition not covering the snapshot.
[[nodiscard]] RefineResult refine_partition(const Snapshot& snapshot, const Incidence& incidence,
                                            const Partition& partition, const RefineOptions& options = {});

/// Splits every community that holds the clientele of one or more of its
/// own proxies (each used by >= min_piece of its accounts, at least half of
/// that proxy's accounts in it) by proxy: every account goes with the
/// biggest of those proxies it uses; each piece of >= min_piece accounts that
/// does not hold max_piece_share of the accounts becomes its own community.
/// Accounts behind none of them stay; entities follow their accounts when
/// these all went to one piece. Communities renumbered canonically.
[[nodiscard]] Partition split_hub_communities(const Snapshot& snapshot, const Incidence& incidence,
                                              const Partition& partition, const RefineOptions& options = {});

/// Splits every community whose tied accounts (linked to 2 or more of its
/// own entities) fall apart into two or more groups of >= min_piece that
/// share no entity (accounts joined through own entities whose accounts in
/// the community are at least 2/3 tied). Each group that does not hold
/// max_piece_share of the accounts becomes its own community, with the
/// untied accounts that use one of its joining entities.
[[nodiscard]] Partition split_tied_groups(const Snapshot& snapshot, const Incidence& incidence,
                                          const Partition& partition, const RefineOptions& options = {});

/// Splits off every group of >= min_piece accounts that is well separated
/// inside its community: Leiden (modularity, resolution 1, seed 1, one
/// thread) on the community's graph of accounts and own entities; a group
/// below max_piece_share with conductance <= max_conductance and >=
/// min_own_links own links per account becomes its own community.
[[nodiscard]] Partition split_separated_groups(const Snapshot& snapshot, const Incidence& incidence,
                                               const Partition& partition, const RefineOptions& options = {});

/// Moves every account that nothing anchors in its community (no IP, device
/// or card of its own alone, and no IP, device, card or proxy of 2 to
/// max_pool accounts whose largest share of accounts is there) to the
/// community holding most of the accounts of its pool (an IP, device or
/// payment method of at most max_pool accounts with pool_home or more of
/// them there). Entities stay. One pass.
[[nodiscard]] Partition rehome_pool_accounts(const Snapshot& snapshot, const Incidence& incidence,
                                             const Partition& partition, const RefineOptions& options = {});

/// Merges two communities that share min_shared_pools or more IPs, devices
/// or payment methods of at most max_pool accounts (each with 2 or more
/// accounts in both) when those entities carry, on each side, at least half
/// as many accounts as the smaller community has. One pass.
[[nodiscard]] Partition merge_pool_communities(const Snapshot& snapshot, const Incidence& incidence,
                                               const Partition& partition, const RefineOptions& options = {});

}  // namespace hydrascope
