// The feature schema as X-macro lists: one line per feature (name, family,
// description). The order here is the column order of feature_schema():
// account-level features, then community-level, then quantiles. Names are
// stable (model files match columns by name); append, never rename.
#pragma once

#include <cstdint>

// X(name, family, description)
#define HS_SLOT_ACCOUNT_FEATURES(X, slot, Fam, what)                                                          \
  X(a_##slot##_max_shared, Fam, "ln(1 + the most other accounts on one of the account's " what ")")          \
  X(a_##slot##_owned, Fam, "the account's " what " owned by its community (>= 2 of its accounts, >= half of the entity's accounts)")

#define HS_ACCOUNT_FEATURES(X)                                                                                     \
  X(a_core_number, Structure, "ln(1 + the account's k-core number in the analysis graph)")                       \
  X(a_pagerank_ratio, Structure, "ln(PageRank x nodes): the account's PageRank relative to the uniform value")     \
  X(a_owned_entities, Structure, "entities of the account owned by its community")                                \
  X(a_owned_share, Structure, "share of the account's entities owned by its community")                           \
  X(a_tie_group, Structure, "ln(accounts in the account's tie group: accounts joined through entities its community owns)") \
  X(a_shared_entities, Sharing, "ln(1 + the account's entities shared with another account)")                     \
  X(a_max_shared, Sharing, "ln(1 + the most other accounts on one of the account's entities)")                    \
  X(a_min_shared, Sharing, "ln(1 + the fewest other accounts on one of its shared entities); missing when none is shared") \
  X(a_pool_entities, Sharing, "the account's entities with 2 to pool_max_accounts accounts (pools, not hubs)")     \
  HS_SLOT_ACCOUNT_FEATURES(X, payment, Payment, "payment methods")                                                  \
  HS_SLOT_ACCOUNT_FEATURES(X, ip, Ip, "IPs")                                                                        \
  HS_SLOT_ACCOUNT_FEATURES(X, proxy, Proxy, "proxies")                                                              \
  HS_SLOT_ACCOUNT_FEATURES(X, device, Device, "devices")                                                            \
  HS_SLOT_ACCOUNT_FEATURES(X, entity, Entity, "entities of other types")                                            \
  X(a_links, Links, "ln(1 + accounts linked to the account by an account-to-account edge)")                       \
  X(a_links_in_comm, Links, "share of the account's linked accounts in its community")                            \
  X(a_links_mutual, Links, "share of the account's linked accounts linked to it in both directions")              \
  X(a_sync, Synchrony, "correlation of the account's detrended activity with the mean of the rest of its community") \
  X(a_volume_dev, Balance, "|ln volume - the community's median ln volume|")                                      \
  X(a_created_gap, Burst, "ln(1 + hours to the nearest creation of another account of its community)")            \
  X(a_in_burst, Burst, "1 when the account was created in its community's densest 6-hour window")                 \
  X(a_pivot, Pivot, "1 when the account's traffic steps (x4) at its community's change point, the same way")       \
  X(a_comm_banned, Seed, "share of the other accounts of its community labelled banned")                        \
  X(a_ent_banned, Seed, "largest share of banned accounts among the other accounts of one of its entities")       \
  X(a_ent_banned_count, Seed, "ln(1 + banned accounts sharing a pool entity with it, summed over entities)")       \
  X(a_links_banned, Seed, "share of its linked accounts labelled banned")                                       \
  X(a_ppr_ratio, Seed, "ln(1 + degree-normalised personalized PageRank from the banned and suspect accounts over its mean, own restart removed)") \
  X(a_comm_trusted, Seed, "share of the other accounts of its community labelled trusted")                        \
  X(a_ent_trusted, Seed, "largest share of trusted accounts among the other accounts of one of its entities")     \
  X(a_comm_suspect, Seed, "share of the other accounts of its community labelled suspect (an analyst's lead)")    \
  X(a_ent_suspect, Seed, "largest share of suspect accounts among the other accounts of one of its entities")

#define HS_SLOT_COMMUNITY_FEATURES(X, slot, Fam, what)                                                              \
  X(c_##slot##_coverage, Fam, "share of the community's accounts with " what)                                       \
  X(c_##slot##_per_account, Fam, "distinct " what " / accounts that have one (low = concentrated)")                 \
  X(c_##slot##_top_share, Fam, "share of accounts on the community's most used of its " what)                       \
  X(c_##slot##_owned_share, Fam, "share of accounts on " what " the community owns")                                \
  X(c_##slot##_exclusive, Fam, "of the accounts of its " what " shared inside it, the share that are its own accounts")

#define HS_COMMUNITY_FEATURES(X)                                                                                   \
  X(c_log_accounts, Structure, "ln(accounts in the community)")                                                   \
  X(c_entities_per_account, Structure, "distinct entities of its accounts / accounts")                            \
  X(c_core_share, Structure, "share of accounts linked to 2 or more entities the community owns")                 \
  X(c_tie_share, Structure, "share of accounts linked to 1 or more entities the community owns")                 \
  X(c_largest_tie_group, Structure, "share of its accounts in its largest tie group (joined through entities it owns)") \
  X(c_conductance, Structure, "share of the community's edge endpoints that leave it")                            \
  X(c_exclusive, Sharing, "of the accounts of entities shared inside the community, the share that are its own")   \
  HS_SLOT_COMMUNITY_FEATURES(X, payment, Payment, "payment methods")                                                \
  HS_SLOT_COMMUNITY_FEATURES(X, ip, Ip, "IPs")                                                                      \
  HS_SLOT_COMMUNITY_FEATURES(X, proxy, Proxy, "proxies")                                                            \
  HS_SLOT_COMMUNITY_FEATURES(X, device, Device, "devices")                                                          \
  HS_SLOT_COMMUNITY_FEATURES(X, entity, Entity, "entities of other types")                                          \
  X(c_ip_prefix_share, Ip, "share of accounts with an IP in the community's most used /24 (IPv6 /48)")           \
  X(c_ip_asn_share, Ip, "share of accounts with an IP in the community's most used ASN (attr asn)")               \
  X(c_links_internal, Links, "account-to-account edges inside the community per account")                         \
  X(c_links_share, Links, "share of its accounts' account-to-account edges that stay inside")                     \
  X(c_links_coverage, Links, "share of its accounts linked to another of its accounts")                           \
  X(c_links_mutual, Links, "share of the linked pairs inside it that are linked in both directions")               \
  X(c_links_hub, Links, "most of its other accounts linked to one of its accounts, as a share (1 = a star)")      \
  X(c_sync, Synchrony, "mean pairwise correlation of the detrended activity of its active accounts")              \
  X(c_sync_core, Synchrony, "mean pairwise correlation of the detrended activity of its core accounts")           \
  X(c_spread, Balance, "robust spread (1.4826 x MAD) of ln(request volume) over its active accounts")             \
  X(c_spread_core, Balance, "robust spread of ln(request volume) over its core accounts")                        \
  X(c_active_share, Balance, "share of its accounts with any activity")                                           \
  X(c_burst_1h, Burst, "largest share of its accounts created within one hour")                                   \
  X(c_burst_6h, Burst, "largest share of its accounts created within six hours")                                  \
  X(c_burst_24h, Burst, "largest share of its accounts created within one day")                                   \
  X(c_burst_7d, Burst, "largest share of its accounts created within one week")                                   \
  X(c_pivot, Pivot, "share of its active accounts whose traffic steps at the community's change point")

// Quantiles: X(name, family, source community feature)
#define HS_QUANTILE_FEATURES(X)                          \
  X(q_entities_per_account, Structure, c_entities_per_account) \
  X(q_core_share, Structure, c_core_share)               \
  X(q_conductance, Structure, c_conductance)             \
  X(q_exclusive, Sharing, c_exclusive)                   \
  X(q_payment_per_account, Payment, c_payment_per_account) \
  X(q_payment_top_share, Payment, c_payment_top_share)   \
  X(q_payment_owned_share, Payment, c_payment_owned_share) \
  X(q_ip_per_account, Ip, c_ip_per_account)              \
  X(q_ip_top_share, Ip, c_ip_top_share)                  \
  X(q_ip_owned_share, Ip, c_ip_owned_share)              \
  X(q_ip_prefix_share, Ip, c_ip_prefix_share)            \
  X(q_proxy_per_account, Proxy, c_proxy_per_account)     \
  X(q_proxy_top_share, Proxy, c_proxy_top_share)         \
  X(q_proxy_owned_share, Proxy, c_proxy_owned_share)     \
  X(q_device_per_account, Device, c_device_per_account)  \
  X(q_device_top_share, Device, c_device_top_share)      \
  X(q_device_owned_share, Device, c_device_owned_share)  \
  X(q_entity_per_account, Entity, c_entity_per_account)  \
  X(q_entity_top_share, Entity, c_entity_top_share)      \
  X(q_entity_owned_share, Entity, c_entity_owned_share)  \
  X(q_links_internal, Links, c_links_internal)           \
  X(q_sync, Synchrony, c_sync)                           \
  X(q_sync_core, Synchrony, c_sync_core)                 \
  X(q_spread, Balance, c_spread)                         \
  X(q_spread_core, Balance, c_spread_core)               \
  X(q_burst_6h, Burst, c_burst_6h)                       \
  X(q_burst_24h, Burst, c_burst_24h)                     \
  X(q_pivot, Pivot, c_pivot)

namespace hydrascope::features {

// Column indices within each level.
enum AF : int {
#define HS_X(name, fam, desc) name,
  HS_ACCOUNT_FEATURES(HS_X)
#undef HS_X
  kAccountFeatureCount
};
enum CF : int {
#define HS_X(name, fam, desc) name,
  HS_COMMUNITY_FEATURES(HS_X)
#undef HS_X
  kCommunityFeatureCount
};
enum QF : int {
#define HS_X(name, fam, src) name,
  HS_QUANTILE_FEATURES(HS_X)
#undef HS_X
  kQuantileFeatureCount
};
inline constexpr int kNumAccountFeatures = static_cast<int>(kAccountFeatureCount);
inline constexpr int kNumCommunityFeatures = static_cast<int>(kCommunityFeatureCount);
inline constexpr int kNumQuantileFeatures = static_cast<int>(kQuantileFeatureCount);
inline constexpr int kNumFeatures = kNumAccountFeatures + kNumCommunityFeatures + kNumQuantileFeatures;

// Schema index of a column of each level.
constexpr int schema_index_account(int f) { return f; }
constexpr int schema_index_community(int f) { return kNumAccountFeatures + f; }
constexpr int schema_index_quantile(int f) { return kNumAccountFeatures + kNumCommunityFeatures + f; }

// Source community feature of each quantile feature.
inline constexpr int kQuantileSource[kNumQuantileFeatures] = {
#define HS_X(name, fam, src) src,
    HS_QUANTILE_FEATURES(HS_X)
#undef HS_X
};

// Slots: payment, ip, proxy, device, entity (generic types).
enum Slot : int { kSlotPayment = 0, kSlotIp, kSlotProxy, kSlotDevice, kSlotEntity };

}  // namespace hydrascope::features
