// Leiden and Louvain searches: parallel local moving in deterministic batches,
// Leiden refinement per community, aggregation into a new CSR, outer iterations
// until no node moves. Quality functions enter only through (mass, coef):
// gain of putting v into c = w(v, c) - coef * mass(v) * mass(c).
#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <unordered_map>
#include <utility>
#include <memory>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "community_impl.hpp"

namespace hydrascope::detail {
namespace {

constexpr CommunityId kAlone = kNoCommunity;
constexpr CommunityId kDropped = kNoCommunity;  // a node that left the search (see run())

inline int thread_id() {
#ifdef _OPENMP
  return omp_get_thread_num();
#else
  return 0;
#endif
}

// `a` beats `b` by more than rounding noise.
inline bool better(double a, double b) { return a > b + 1e-12 * (std::abs(a) + std::abs(b)) + 1e-300; }

double elapsed(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Allocator whose resize() leaves new elements uninitialised (for arrays
// that are written in full right after): saves a memset pass over memory the
// kernel has just zeroed.
template <class T>
struct NoInit : std::allocator<T> {
  using value_type = T;
  template <class U>
  struct rebind {
    using other = NoInit<U>;
  };
  NoInit() noexcept = default;
  template <class U>
  NoInit(const NoInit<U>&) noexcept {}
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    if constexpr (sizeof...(Args) == 0) {
      ::new (static_cast<void*>(p)) U;
    } else {
      ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
    }
  }
};
template <class T>
using RawVec = std::vector<T, NoInit<T>>;

// One level of the search: a view of the input CSR (level 0) or an owned
// aggregate. Aggregates carry self-loop weight (internal edges of the merged
// nodes) apart from the arcs; rows need not be sorted.
struct LevelGraph {
  NodeId n = 0;
  const EdgeId* off = nullptr;
  const NodeId* adj = nullptr;
  const double* w = nullptr;
  std::vector<EdgeId> off_s;
  RawVec<NodeId> adj_s;
  RawVec<double> w_s;
  // Views: strength, original node count (CPM only; null otherwise) and the
  // mass the quality function sees (strength for modularity, size for CPM).
  // Level 0 points into the input graph; aggregates into their own storage.
  const double* strength = nullptr;
  const double* size = nullptr;
  const double* mass = nullptr;
  std::vector<double> strength_s;
  std::vector<double> size_s;
};

struct alignas(64) Scratch {
  std::vector<double> acc;  // indexed by community / node id, all zero between uses
  std::vector<NodeId> touched;
  // Room for `need` touched ids, written through a raw pointer in the hot
  // loops (no capacity check per arc; an id is appended unconditionally and
  // kept only if its accumulator was zero, which avoids a branch the CPU
  // cannot predict).
  NodeId* touch_room(std::size_t need) {
    if (touched.size() < need + 1) touched.resize(std::max<std::size_t>(need + 1, 2 * touched.size()));
    return touched.data();
  }
  std::vector<double> gains;
  std::vector<CommunityId> cand;
  std::vector<NodeId> order;
  std::vector<NodeId> woke;  // nodes this thread woke in local moving
};

// splitmix64 stream: cheap to seed (one per community in refinement), good
// enough for shuffles and weighted choices.
struct Rng {
  std::uint64_t state;
  explicit Rng(std::uint64_t seed) : state(seed) {}
  std::uint64_t next() noexcept {
    state += 0x9e3779b97f4a7c15ULL;
    std::uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, bound) (multiply-shift; bias below 2^-32 for bound < 2^32).
  std::uint32_t below(std::uint64_t bound) noexcept {
    return static_cast<std::uint32_t>(((next() >> 32) * bound) >> 32);
  }
  /// Uniform in [0, 1).
  double unit() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
};

template <class T>
void shuffle(std::vector<T>& v, Rng& rng) {
  for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng.below(i)]);
}

// Rounds at least this long are visited in chunk order (see order_round()).
constexpr std::size_t kChunkedRound = std::size_t{1} << 16;
constexpr std::size_t kChunk = 256;

// Puts a sorted round of nodes into a seeded random visiting order. Short
// rounds get a plain Fisher-Yates shuffle. Long ones are cut into chunks of
// kChunk consecutive entries; the chunks are visited in a random order and
// each chunk in a random order of its own. The visit is then as random as
// the analysis needs (which chunk comes first, and the order inside it), but
// the node arrays (offsets, rows, masses, labels) are read a few cache lines
// at a time instead of one random line per node, which on a graph of
// millions of nodes is most of the cost of a round.
void order_round(std::vector<NodeId>& round, std::vector<NodeId>& tmp, Rng& rng) {
  const std::size_t size = round.size();
  if (size < kChunkedRound) {
    shuffle(round, rng);
    return;
  }
  const std::size_t chunks = (size + kChunk - 1) / kChunk;
  std::vector<NodeId> order(chunks);
  std::iota(order.begin(), order.end(), NodeId{0});
  shuffle(order, rng);
  tmp.resize(size);
  std::size_t out = 0;
  for (const NodeId k : order) {
    const std::size_t b = static_cast<std::size_t>(k) * kChunk;
    const std::size_t e = std::min(size, b + kChunk);
    const std::size_t start = out;
    for (std::size_t i = b; i < e; ++i) tmp[out++] = round[i];
    for (std::size_t i = out - start; i > 1; --i) std::swap(tmp[start + i - 1], tmp[start + rng.below(i)]);
  }
  round.swap(tmp);
}

// Renumbers labels (each < bound) densely in order of first appearance; returns the count.
NodeId densify(std::vector<CommunityId>& labels, std::size_t bound, std::vector<CommunityId>& map) {
  map.assign(bound, kNoCommunity);
  CommunityId next = 0;
  for (CommunityId& c : labels) {
    if (map[c] == kNoCommunity) map[c] = next++;
    c = map[c];
  }
  return next;
}

// Renumbers labels (each < bound) densely in increasing label order; returns the count.
NodeId densify_by_value(std::vector<CommunityId>& labels, std::size_t bound, std::vector<CommunityId>& map) {
  map.assign(bound, 0);
  for (CommunityId c : labels) map[c] = 1;
  CommunityId next = 0;
  for (std::size_t c = 0; c < bound; ++c) {
    const CommunityId used = map[c];
    map[c] = next;
    next += used;
  }
  for (CommunityId& c : labels) c = map[c];
  return next;
}

// Detection's progress estimate: node visits (local moving, refinement,
// aggregation) per input node; 9.0 on the generated world of 200,000
// accounts (seed 7), 6 to 10 on the small graphs refinement splits.
constexpr double kVisitsPerNode = 9.0;

class Search {
 public:
  Search(const AnalysisGraph& g, const CommunityOptions& o, bool refine, int threads, bool lpa)
      : g_(g), o_(o), refine_(refine), threads_(threads), lpa_(lpa) {
    const double m = g.total_weight();
    total_weight_ = m;
    if (lpa_) {
      coef_ = 0.0;
    } else if (o.quality == QualityFunction::Modularity) {
      coef_ = o.resolution / (2.0 * m);
    } else {
      coef_ = o.resolution;
    }
    scratch_.resize(static_cast<std::size_t>(threads));
  }

  void run(CommunityResult& result);

 private:
  void level0(LevelGraph& L) const;
  std::uint64_t local_move(const LevelGraph& L, std::vector<CommunityId>& comm, std::uint64_t seed, int max_sweeps);
  void refine_partition(const LevelGraph& L, const std::vector<CommunityId>& comm, std::vector<CommunityId>& refined,
                        std::uint64_t seed);
  void aggregate(const LevelGraph& L, const std::vector<CommunityId>& group, NodeId ngroups, LevelGraph& out);
  void prepare_scratch(NodeId n) {
    for (auto& s : scratch_) {
      if (s.acc.size() < n) s.acc.assign(n, 0.0);
    }
  }
  // Small levels run serially: a parallel region costs more than the work.
  [[nodiscard]] static bool parallel_ok(const LevelGraph& L) {
    return static_cast<std::uint64_t>(L.n) + L.off[L.n] >= (1u << 17);
  }
  // CPM weighs nodes by their original node count; modularity (and LPA) by strength.
  [[nodiscard]] bool uses_size() const { return o_.quality == QualityFunction::Cpm && !lpa_; }
  void check_cancel() const {
    if (o_.cancel.cancelled()) throw Cancelled{};
  }
  // Progress in node visits (local moving, refinement, aggregation). The
  // total is not known ahead: it is estimated as kVisitsPerNode visits per
  // node of the input, and raised when the search goes past it.
  void report_progress(std::uint64_t visits) {
    visits_ += visits;
    if (!o_.progress) return;
    if (visits_ * 10 > visits_estimate_ * 9) visits_estimate_ = visits_ + visits_ / 4;
    o_.progress("detect", visits_, visits_estimate_);
  }

  const AnalysisGraph& g_;
  const CommunityOptions& o_;
  bool refine_;
  int threads_;
  bool lpa_;
  double coef_ = 0.0;
  double total_weight_ = 0.0;
  std::vector<Scratch> scratch_;
  // Buffers reused across levels and iterations (capacity kept: no page faults
  // from fresh allocations on every level).
  std::vector<double> tot_, rtot_, rext_;
  std::vector<NodeId> cnt_, perm_, round_tmp_;
  std::vector<std::uint8_t> active_;
  std::vector<NodeId> serial_woke_;
  std::vector<CommunityId> gcount_, vdrop_, refine_work_, free_ids_;
  // Refinement's and aggregation's member lists live in local moving's round
  // buffers and free list (free between the phases): fewer fresh pages.
  std::vector<NodeId>& moff_ = perm_;
  std::vector<NodeId>& mlist_ = round_tmp_;
  std::vector<NodeId>& pos_ = free_ids_;
  std::vector<CommunityId> dense_map_;
  std::vector<EdgeId> bound_;
  std::vector<std::vector<CommunityId>> chain_group_, chain_drop_;  // per aggregation level
  LevelGraph pool_[2];
  PhaseSeconds seconds_;
  std::uint64_t visits_ = 0, visits_estimate_ = 0;  // progress
  int last_sweeps_ = 0;          // sweeps of the last local_move()
  bool last_exhausted_ = false;  // it stopped at max_sweeps with nodes still active
};

void Search::level0(LevelGraph& L) const {
  L.n = g_.num_nodes();
  L.off = g_.offsets().data();
  L.adj = g_.targets().data();
  L.w = g_.arc_weights().data();
  L.strength = g_.strengths().data();
  if (uses_size()) {
    L.size_s.assign(L.n, 1.0);
    L.size = L.size_s.data();
    L.mass = L.size;
  } else {
    L.size = nullptr;
    L.mass = L.strength;
  }
}

std::uint64_t Search::local_move(const LevelGraph& L, std::vector<CommunityId>& comm, std::uint64_t seed,
                                 int max_sweeps) {
  const NodeId n = L.n;
  std::vector<double>& tot = tot_;
  std::vector<NodeId>& cnt = cnt_;
  tot.assign(n, 0.0);
  cnt.assign(n, 0);
  for (NodeId v = 0; v < n; ++v) {
    tot[comm[v]] += L.mass[v];
    ++cnt[comm[v]];
  }
  std::vector<CommunityId>& free_ids = free_ids_;
  free_ids.clear();
  for (NodeId c = n; c-- > 0;) {
    if (cnt[c] == 0) free_ids.push_back(c);
  }
  // Rounds: every node once in a seeded random order, then each round the
  // nodes woken since their last evaluation, reshuffled (so two nodes that
  // would swap places in one batch do not meet in the same batch again).
  std::vector<NodeId>& round = perm_;
  round.resize(n);
  std::iota(round.begin(), round.end(), NodeId{0});
  {
    Rng rng(seed);
    order_round(round, round_tmp_, rng);
  }
  std::vector<std::uint8_t>& active = active_;
  active.assign(n, 0);
  // Batches are fixed by the round's length and the level's mean degree alone
  // (never by the thread count): moves in a batch are decided against the
  // state at its start, then applied in order. A decision is stale when a
  // neighbour of the node moved earlier in the same batch; a node has about
  // mean degree x batch / round neighbours in its batch, so batches are cut to
  // keep that near kBatchNeighbours. Short rounds run one node at a time
  // (plain sequential Leiden). With batches of 1/8 of a round instead, a
  // sparse graph of mean degree 7 lost 1 % of modularity against sequential
  // Leiden (docs/performance.md, "Edge-list detection").
  constexpr std::size_t kMaxBatch = 16384;
  constexpr double kBatchNeighbours = 0.2;
  const double mean_degree = std::max(1.0, static_cast<double>(L.off[n]) / static_cast<double>(std::max<NodeId>(1, n)));
  // Quality gained by a round, relative to the total edge weight (for
  // modularity exactly the rise in Q), below which local moving stops.
  constexpr double kRoundTolerance = 1e-5;
  std::vector<NodeId> list;
  std::vector<CommunityId> target(kMaxBatch);
  std::vector<double> w_new(kMaxBatch), w_own(kMaxBatch);
  std::vector<NodeId> moved;
  list.reserve(kMaxBatch);
  moved.reserve(kMaxBatch);
  std::uint64_t moves = 0;
  const bool allow_alone = !lpa_;
  const double coef = coef_;
  // Wakes v's neighbours outside v's community (idempotent flag stores).
  // The flag array is n bytes (cache resident): test it before comm[u]. A
  // node whose flag this call raised is recorded in the thread's list; the
  // union of the lists is deterministic (sorted before use).
  auto wake = [&](NodeId v, std::vector<NodeId>& woke) {
    const CommunityId* cm = comm.data();
    const NodeId* adj = L.adj;
    std::uint8_t* act = active.data();
    const CommunityId c = cm[v];
    for (EdgeId e = L.off[v], end = L.off[v + 1]; e < end; ++e) {
      const NodeId u = adj[e];
      std::atomic_ref<std::uint8_t> flag(act[u]);
      if (flag.load(std::memory_order_relaxed) == 0 && cm[u] != c &&
          flag.exchange(1, std::memory_order_relaxed) == 0) {
        woke.push_back(u);
      }
    }
  };
  std::vector<NodeId>& serial_woke = serial_woke_;
  serial_woke.clear();
  for (auto& sc : scratch_) sc.woke.clear();
  last_sweeps_ = 0;
  last_exhausted_ = true;
  for (int sweep = 0; sweep < max_sweeps; ++sweep) {
    if (sweep > 0) {
      // Next round: the nodes woken since their last visit (O(woken), not O(n)).
      // Many woken: one sequential scan of the flags beats sorting them.
      round.clear();
      std::size_t woken = serial_woke.size();
      for (auto& sc : scratch_) woken += sc.woke.size();
      if (woken >= n / 16) {
        for (NodeId v = 0; v < n; ++v) {
          if (active[v] != 0) round.push_back(v);
        }
      } else {
        for (auto& sc : scratch_) round.insert(round.end(), sc.woke.begin(), sc.woke.end());
        round.insert(round.end(), serial_woke.begin(), serial_woke.end());
        std::sort(round.begin(), round.end());
        round.erase(std::unique(round.begin(), round.end()), round.end());
        round.erase(std::remove_if(round.begin(), round.end(), [&](NodeId v) { return active[v] == 0; }),
                    round.end());
      }
      for (auto& sc : scratch_) sc.woke.clear();
      serial_woke.clear();
      if (round.empty()) {
        last_exhausted_ = false;
        break;
      }
      Rng rng(mix64(seed, static_cast<std::uint64_t>(sweep)));
      order_round(round, round_tmp_, rng);
    }
    ++last_sweeps_;
    double sweep_gain = 0.0;
    const auto batch = std::clamp<std::size_t>(
        static_cast<std::size_t>(kBatchNeighbours * static_cast<double>(round.size()) / mean_degree), 1, kMaxBatch);
    for (std::size_t b0 = 0; b0 < round.size(); b0 += batch) {
      const std::size_t b1 = std::min<std::size_t>(round.size(), b0 + batch);
      list.assign(round.begin() + static_cast<std::ptrdiff_t>(b0), round.begin() + static_cast<std::ptrdiff_t>(b1));
      const std::int64_t nl = static_cast<std::int64_t>(list.size());
      const std::int64_t nm = static_cast<std::int64_t>(moved.size());
      // One parallel region per batch: first wake the neighbours of the
      // previous batch's movers, then (after the barrier) decide this batch
      // against the shared state, which nobody writes meanwhile.
#pragma omp parallel num_threads(threads_) if ((nl >= 512 || nm >= 512) && parallel_ok(L))
      {
#pragma omp for schedule(dynamic, 16)
        for (std::int64_t j = 0; j < nm; ++j) wake(moved[j], scratch_[thread_id()].woke);
#pragma omp for schedule(dynamic, 16)
        for (std::int64_t j = 0; j < nl; ++j) {
          Scratch& s = scratch_[thread_id()];
          const NodeId v = list[j];
          if (j + 4 < nl) {  // the rows of a node a few visits ahead (the visit order is random)
            const EdgeId ahead = L.off[list[j + 4]];
            __builtin_prefetch(L.adj + ahead);
            __builtin_prefetch(L.w + ahead);
            __builtin_prefetch(L.w + ahead + 8);
          }
          active[v] = 0;
          const CommunityId own = comm[v];
          // Local copies: the accumulator writes cannot alias the graph arrays.
          const EdgeId row = L.off[v], row_end = L.off[v + 1];
          NodeId* const tch = s.touch_room(row_end - row);
          double* const acc = s.acc.data();
          std::size_t nt = 0;
          {
            const CommunityId* cm = comm.data();
            const NodeId* adj = L.adj;
            const double* w = L.w;
            for (EdgeId e = row; e < row_end; ++e) {
              const CommunityId c = cm[adj[e]];
              const double a = acc[c];
              tch[nt] = c;
              nt += a == 0.0;
              acc[c] = a + w[e];
            }
          }
          const double ca = coef * L.mass[v];
          CommunityId best = own;
          double best_w = acc[own];
          double best_gain = best_w - ca * (tot[own] - L.mass[v]);
          const double stay_w = best_w;
          for (std::size_t i = 0; i < nt; ++i) {
            const CommunityId c = tch[i];
            if (c == own) continue;
            const double gain = acc[c] - ca * tot[c];
            if (better(gain, best_gain)) {
              best = c;
              best_gain = gain;
              best_w = acc[c];
            }
          }
          if (allow_alone && cnt[own] > 1 && better(0.0, best_gain)) {
            best = kAlone;
            best_w = 0.0;
          }
          for (std::size_t i = 0; i < nt; ++i) acc[tch[i]] = 0.0;
          target[j] = best;
          w_new[j] = best_w;
          w_own[j] = stay_w;
        }
      }
      // Apply (serial, in list order), re-checking gains against the current totals.
      moved.clear();
      for (std::int64_t j = 0; j < nl; ++j) {
        const NodeId v = list[j];
        const CommunityId own = comm[v];
        CommunityId t = target[j];
        if (t == own) continue;
        const double ca = coef * L.mass[v];
        const double stay = w_own[j] - ca * (tot[own] - L.mass[v]);
        if (t == kAlone) {
          if (cnt[own] == 1 || !better(0.0, stay)) continue;
          t = free_ids.back();
          free_ids.pop_back();
          sweep_gain -= stay;
        } else {
          const double go = w_new[j] - ca * tot[t];
          if (cnt[t] == 0 || !better(go, stay)) {
            if (active[v] == 0) {  // stale decision: look again next round
              active[v] = 1;
              serial_woke.push_back(v);
            }
            continue;
          }
          sweep_gain += go - stay;
        }
        tot[own] -= L.mass[v];
        if (--cnt[own] == 0) free_ids.push_back(own);
        tot[t] += L.mass[v];
        ++cnt[t];
        comm[v] = t;
        moved.push_back(v);
      }
      moves += moved.size();
      check_cancel();
      report_progress(static_cast<std::uint64_t>(nl));
    }
    // A round that gained almost nothing ends the search on this level: the
    // rounds after it would revisit many nodes for crumbs (on aggregate
    // levels, rounds over hubs of hundreds of arcs). The next level or
    // iteration picks up what is left; an iteration whose first round finds
    // no move at all still ends the search at a true fixed point.
    if (!lpa_ && sweep > 0 && sweep_gain < kRoundTolerance * total_weight_) {
      last_exhausted_ = false;
      break;
    }
    // Wake the neighbours of the round's last movers.
    const std::int64_t nm = static_cast<std::int64_t>(moved.size());
#pragma omp parallel for schedule(dynamic, 16) num_threads(threads_) if (nm >= 512 && parallel_ok(L))
    for (std::int64_t j = 0; j < nm; ++j) wake(moved[j], scratch_[thread_id()].woke);
    moved.clear();
  }
  return moves;
}

void Search::refine_partition(const LevelGraph& L, const std::vector<CommunityId>& comm,
                              std::vector<CommunityId>& refined, std::uint64_t seed) {
  const NodeId n = L.n;
  // Members of each community (counting sort, ascending node ids).
  std::vector<NodeId>& moff = moff_;
  std::vector<NodeId>& mlist = mlist_;
  moff.assign(static_cast<std::size_t>(n) + 1, 0);
  for (NodeId v = 0; v < n; ++v) ++moff[comm[v] + 1];
  for (NodeId c = 0; c < n; ++c) moff[c + 1] += moff[c];
  mlist.resize(n);
  refined.resize(n);
  pos_.assign(moff.begin(), moff.end() - 1);
  // Sub-communities are labelled by member positions p in mlist (community c
  // owns positions moff[c]..moff[c+1]-1), so every per-sub-community array
  // and the accumulator are contiguous per community (cache friendly).
  for (NodeId v = 0; v < n; ++v) {
    const NodeId p = pos_[comm[v]]++;
    mlist[p] = v;
    refined[v] = p;
  }
  // Per-community totals and sub-community counts live in local moving's
  // buffers (free between the phases): fewer fresh pages on the first level.
  std::vector<double>& ctot = tot_;
  ctot.assign(n, 0.0);
  for (NodeId v = 0; v < n; ++v) ctot[comm[v]] += L.mass[v];
  std::vector<double>& rtot = rtot_;  // by sub-community label
  std::vector<double>& rext = rext_;
  std::vector<NodeId>& rcnt = cnt_;
  rtot.resize(n);
  rext.resize(n);
  rcnt.assign(n, 1);
  const std::int64_t sn = n;
  // In node order (rows read sequentially); members of one-node communities
  // never merge and need no scan.
#pragma omp parallel for schedule(static) num_threads(threads_) if (parallel_ok(L))
  for (std::int64_t vi = 0; vi < sn; ++vi) {
    const NodeId v = static_cast<NodeId>(vi);
    const CommunityId c = comm[v];
    const NodeId pi = refined[v];
    double x = 0.0;
    if (moff[c + 1] - moff[c] > 1) {
      for (EdgeId e = L.off[v], end = L.off[v + 1]; e < end; ++e) {
        if (comm[L.adj[e]] == c) x += L.w[e];
      }
    }
    rext[pi] = x;  // weight from the node to the rest of its community
    rtot[pi] = L.mass[v];
  }
  const double coef = coef_;
  const double theta = o_.randomness;
  // Only communities of two or more nodes have anything to refine.
  std::vector<CommunityId>& work = refine_work_;
  work.clear();
  for (NodeId c = 0; c < n; ++c) {
    if (moff[c + 1] - moff[c] > 1) work.push_back(c);
  }
  const std::int64_t nwork = static_cast<std::int64_t>(work.size());
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads_) if (parallel_ok(L))
  for (std::int64_t wi = 0; wi < nwork; ++wi) {
    const NodeId c = work[wi];
    const NodeId base = moff[c];
    const NodeId size = moff[c + 1] - base;
    Scratch& s = scratch_[thread_id()];
    s.order.resize(size);
    for (NodeId i = 0; i < size; ++i) s.order[i] = base + i;
    Rng rng(mix64(seed, c));
    shuffle(s.order, rng);
    const double total = ctot[c];
    double* acc = s.acc.data();  // acc[r - base]: this community's sub-communities only
    for (NodeId oi = 0; oi < size; ++oi) {
      const NodeId p = s.order[oi];
      const NodeId v = mlist[p];
      if (oi + 4 < size) {  // rows of a member a few visits ahead
        const EdgeId ahead = L.off[mlist[s.order[oi + 4]]];
        __builtin_prefetch(L.adj + ahead);
        __builtin_prefetch(L.w + ahead);
      }
      const CommunityId own = refined[v];
      if (rcnt[own] != 1) continue;  // no longer a singleton
      const double ca = coef * L.mass[v];
      // While v is a singleton its label is its position p and rext[p] is
      // still the weight from v to the rest of c.
      const double ext_v = rext[own];
      if (ext_v < ca * (total - L.mass[v])) continue;  // v not well connected to c
      const EdgeId row = L.off[v], row_end = L.off[v + 1];
      NodeId* const tch = s.touch_room(row_end - row);
      std::size_t nt = 0;
      for (EdgeId e = row; e < row_end; ++e) {
        // Sub-community labels of c are the positions base..base+size-1, so
        // the label alone tells whether u is in c. Labels of other
        // communities may be rewritten by another thread meanwhile, but
        // never leave their community's range (relaxed atomic reads).
        const CommunityId r = std::atomic_ref<CommunityId>(refined[L.adj[e]]).load(std::memory_order_relaxed);
        if (r - base >= size) continue;
        const double a = acc[r - base];
        tch[nt] = r;
        nt += a == 0.0;
        acc[r - base] = a + L.w[e];
      }
      // Candidates: well-connected sub-communities with gain >= 0; staying (gain 0) included.
      CommunityId chosen = own;
      double best = 0.0;
      s.gains.clear();
      s.cand.clear();
      for (std::size_t ti = 0; ti < nt; ++ti) {
        const CommunityId r = tch[ti];
        const double gain = acc[r - base] - ca * rtot[r];
        if (r == own || gain < 0.0 || rext[r] < coef * rtot[r] * (total - rtot[r])) continue;
        s.cand.push_back(r);
        s.gains.push_back(gain);
        if (gain > best) {
          best = gain;
          chosen = r;
        }
      }
      if (theta > 0.0 && !s.cand.empty()) {
        // Pr(r) ~ exp(gain / theta), staying included with gain 0.
        const double stay = std::exp((0.0 - best) / theta);
        double sum = stay;
        for (double& gn : s.gains) {
          gn = std::exp((gn - best) / theta);
          sum += gn;
        }
        double x = rng.unit() * sum - stay;
        chosen = own;
        for (std::size_t i = 0; i < s.cand.size() && x > 0.0; ++i) {
          chosen = s.cand[i];
          x -= s.gains[i];
        }
      }
      if (chosen != own) {
        rcnt[own] = 0;
        rtot[own] = 0.0;
        std::atomic_ref<CommunityId>(refined[v]).store(chosen, std::memory_order_relaxed);
        rtot[chosen] += L.mass[v];
        ++rcnt[chosen];
        rext[chosen] = rext[chosen] + ext_v - 2.0 * acc[chosen - base];
      }
      for (std::size_t ti = 0; ti < nt; ++ti) acc[tch[ti] - base] = 0.0;
    }
  }
}

void Search::aggregate(const LevelGraph& L, const std::vector<CommunityId>& group, NodeId ng, LevelGraph& A) {
  const NodeId n = L.n;
  A.n = ng;
  std::vector<NodeId>& goff = moff_;  // refinement's member lists are free by now
  std::vector<NodeId>& glist = mlist_;
  goff.assign(static_cast<std::size_t>(ng) + 1, 0);
  for (NodeId v = 0; v < n; ++v) {
    if (group[v] != kDropped) ++goff[group[v] + 1];
  }
  for (NodeId r = 0; r < ng; ++r) goff[r + 1] += goff[r];
  glist.resize(n);
  pos_.assign(goff.begin(), goff.end() - 1);
  for (NodeId v = 0; v < n; ++v) {
    if (group[v] != kDropped) glist[pos_[group[v]]++] = v;
  }
  A.strength_s.assign(ng, 0.0);
  for (NodeId v = 0; v < n; ++v) {
    if (group[v] != kDropped) A.strength_s[group[v]] += L.strength[v];
  }
  A.strength = A.strength_s.data();
  if (uses_size()) {
    A.size_s.assign(ng, 0.0);
    for (NodeId v = 0; v < n; ++v) {
      if (group[v] != kDropped) A.size_s[group[v]] += L.size[v];
    }
    A.size = A.size_s.data();
    A.mass = A.size;
  } else {
    A.size = nullptr;
    A.mass = A.strength;
  }

  // The groups are cut into kParts ranges (by group count, never by thread
  // count). A range's rows are written one after another into the new CSR,
  // starting at the range's upper bound (the degree sum of the groups before
  // it; one parallel pass over the arcs with per-thread dense accumulators),
  // then the ranges are moved down into place in order. Only the memory the
  // rows fill is touched (a row-by-row upper bound would touch all of it).
  constexpr std::size_t kParts = 64;
  std::vector<EdgeId>& bound = bound_;
  std::vector<NodeId>& rowlen = cnt_;  // free after local moving and refinement
  bound.assign(static_cast<std::size_t>(ng) + 1, 0);
  rowlen.resize(ng);
  for (NodeId v = 0; v < n; ++v) {
    if (group[v] != kDropped) bound[group[v] + 1] += L.off[v + 1] - L.off[v];
  }
  for (NodeId r = 0; r < ng; ++r) bound[r + 1] += bound[r];
  A.adj_s.resize(bound[ng]);
  A.w_s.resize(bound[ng]);
  NodeId* const adj_out = A.adj_s.data();
  double* const w_out = A.w_s.data();
  const NodeId n_members = goff[ng];
  const std::size_t parts = std::min<std::size_t>(kParts, ng);
  auto part_begin = [&](std::size_t p) { return static_cast<NodeId>(static_cast<std::uint64_t>(ng) * p / parts); };
  std::array<EdgeId, kParts> part_used{};
  const std::int64_t sparts = static_cast<std::int64_t>(parts);
#pragma omp parallel num_threads(threads_) if (parallel_ok(L))
  {
    Scratch& s = scratch_[thread_id()];
    double* const acc = s.acc.data();
#pragma omp for schedule(dynamic, 1)
    for (std::int64_t pi = 0; pi < sparts; ++pi) {
      const NodeId r0 = part_begin(static_cast<std::size_t>(pi));
      const NodeId r1 = part_begin(static_cast<std::size_t>(pi) + 1);
      EdgeId k = bound[r0];
      for (NodeId r = r0; r < r1; ++r) {
        std::size_t nt = 0;
        for (NodeId i = goff[r]; i < goff[r + 1]; ++i) {
          const NodeId v = glist[i];
          if (i + 4 < n_members) {  // rows of a member a few steps ahead (members are scattered)
            const EdgeId ahead = L.off[glist[i + 4]];
            __builtin_prefetch(L.adj + ahead);
            __builtin_prefetch(L.w + ahead);
          }
          const EdgeId row = L.off[v], row_end = L.off[v + 1];
          NodeId* const tch = s.touch_room(nt + (row_end - row));
          for (EdgeId e = row; e < row_end; ++e) {
            const NodeId t = group[L.adj[e]];
            if (t == r) continue;  // internal: kept in the strengths, not as an arc
            const double a = acc[t];
            tch[nt] = t;
            nt += a == 0.0;
            acc[t] = a + L.w[e];
          }
        }
        const NodeId* const tch = s.touched.data();
        for (std::size_t i = 0; i < nt; ++i) {
          const NodeId t = tch[i];
          adj_out[k + i] = t;
          w_out[k + i] = acc[t];
          acc[t] = 0.0;
        }
        k += nt;
        rowlen[r] = nt;
      }
      part_used[static_cast<std::size_t>(pi)] = k - bound[r0];
    }
  }
  A.off_s.resize(static_cast<std::size_t>(ng) + 1);
  A.off_s[0] = 0;
  for (NodeId r = 0; r < ng; ++r) A.off_s[r + 1] = A.off_s[r] + rowlen[r];
  for (std::size_t p = 0; p < parts; ++p) {
    const EdgeId from = bound[part_begin(p)];
    const EdgeId to = A.off_s[part_begin(p)];
    const EdgeId len = part_used[p];
    if (to != from) {  // to < from: moving ranges down in order never overwrites unread ones
      std::copy(adj_out + from, adj_out + from + len, adj_out + to);
      std::copy(w_out + from, w_out + from + len, w_out + to);
    }
  }
  A.adj_s.resize(A.off_s[ng]);
  A.w_s.resize(A.off_s[ng]);
  A.off = A.off_s.data();
  A.adj = A.adj_s.data();
  A.w = A.w_s.data();
}

void Search::run(CommunityResult& result) {
  const NodeId n = g_.num_nodes();
  std::vector<CommunityId> part(n);
  std::iota(part.begin(), part.end(), CommunityId{0});
  const bool warm = !o_.initial.empty() && g_.total_weight() > 0.0;
  if (warm) {
    // Dense labels in order of first appearance; a node labelled
    // kNoCommunity starts alone. Deterministic (one pass in node order).
    std::unordered_map<CommunityId, CommunityId> dense_of;
    dense_of.reserve(static_cast<std::size_t>(n) / 2 + 1);
    CommunityId next = 0;
    for (NodeId v = 0; v < n; ++v) {
      const CommunityId label = o_.initial[v];
      if (label == kNoCommunity) {
        part[v] = next++;
        continue;
      }
      const auto [it, added] = dense_of.emplace(label, next);
      if (added) ++next;
      part[v] = it->second;
    }
  }
  if (n == 0 || !(g_.total_weight() > 0.0)) {
    result.partition = canonicalize(std::vector<std::uint64_t>(part.begin(), part.end()));
    result.levels = n == 0 ? 0 : 1;
    result.iterations = 0;
    result.converged = true;
    return;
  }
  prepare_scratch(n);
  visits_ = 0;
  visits_estimate_ = static_cast<std::uint64_t>(kVisitsPerNode * static_cast<double>(n));
  if (o_.progress) o_.progress("detect", 0, visits_estimate_);
  const int max_iterations = lpa_ ? 1 : o_.max_iterations;
  const int max_levels = lpa_ ? 1 : o_.max_levels;
  const int max_sweeps = lpa_ ? 10 * o_.max_iterations : 1000;
  LevelGraph base;
  level0(base);
  // Level buffers, allocated once at the finest size and reused.
  std::vector<CommunityId> comm, dense, group, next_comm;
  comm.reserve(n);
  dense.reserve(n);
  group.reserve(n);
  next_comm.reserve(n);
  for (int iter = 1; iter <= max_iterations; ++iter) {
    const LevelGraph* L = &base;
    std::size_t chain = 0;  // aggregations done in this iteration
    int next_pool = 0;
    CommunityId next_drop = 0;  // labels of groups that left the search, < n
    comm.assign(part.begin(), part.end());
    std::uint64_t iter_moves = 0;
    int level = 0;
    for (;;) {
      ++level;
      const std::uint64_t level_seed = mix64(o_.seed, (static_cast<std::uint64_t>(iter) << 32) | level);
      auto t0 = std::chrono::steady_clock::now();
      const auto lm_moves = local_move(*L, comm, mix64(level_seed, 1), max_sweeps);
      iter_moves += lm_moves;
      seconds_.local_moving += elapsed(t0);
      if (level >= max_levels) break;
      report_progress(2 * static_cast<std::uint64_t>(L->n));  // this level's refinement and aggregation, ahead
      t0 = std::chrono::steady_clock::now();
      dense.assign(comm.begin(), comm.end());
      const NodeId nc = densify(dense, L->n, dense_map_);
      NodeId ng = nc;
      if (refine_) {
        refine_partition(*L, comm, group, mix64(level_seed, 2));
        // Labels are member positions grouped by community: numbering them
        // in order keeps each community's aggregate nodes contiguous.
        ng = densify_by_value(group, L->n, dense_map_);
      } else {
        group.assign(dense.begin(), dense.end());
      }
      comm.swap(dense);
      seconds_.refinement += elapsed(t0);
      if (!(ng < L->n && nc < L->n)) break;
      t0 = std::chrono::steady_clock::now();
      // Single-node groups without edges (isolated nodes, finished
      // components) can never move again: they leave the search here and
      // stay communities of their own, so later levels do not carry them.
      {
        gcount_.assign(ng, 0);
        for (NodeId v = 0; v < L->n; ++v) ++gcount_[group[v]];
        for (NodeId v = 0; v < L->n; ++v) {
          if (gcount_[group[v]] == 1 && L->off[v + 1] == L->off[v]) gcount_[group[v]] = 0;
        }
        CommunityId kept = 0;
        vdrop_.resize(L->n);
        for (NodeId r = 0; r < ng; ++r) gcount_[r] = gcount_[r] == 0 ? kDropped : kept++;
        for (NodeId v = 0; v < L->n; ++v) {
          group[v] = gcount_[group[v]];
          if (group[v] == kDropped) vdrop_[v] = next_drop++;  // one member: one label per group
        }
        ng = kept;
      }
      if (ng == 0) break;
      LevelGraph& next = pool_[next_pool];
      next_pool ^= 1;
      aggregate(*L, group, ng, next);
      next_comm.resize(ng);
      for (NodeId v = 0; v < L->n; ++v) {
        if (group[v] != kDropped) next_comm[group[v]] = comm[v];
      }
      densify(next_comm, L->n, dense_map_);
      // Keep this level's node -> group map (and the labels of dropped
      // nodes); the original nodes are mapped through the chain once, at the
      // end of the iteration, not once per level.
      if (chain_group_.size() <= chain) {
        chain_group_.resize(chain + 1);
        chain_drop_.resize(chain + 1);
      }
      chain_group_[chain].swap(group);  // group and vdrop_ are rebuilt on the next level
      chain_drop_[chain].swap(vdrop_);
      ++chain;
      L = &next;
      comm.swap(next_comm);
      seconds_.aggregation += elapsed(t0);
    }
    {
      const std::int64_t sn = n;
#pragma omp parallel for schedule(static) num_threads(threads_) if (n >= (1u << 15) && chain > 0)
      for (std::int64_t i = 0; i < sn; ++i) {
        CommunityId x = static_cast<CommunityId>(i);
        bool dropped = false;
        for (std::size_t k = 0; k < chain && !dropped; ++k) {
          const CommunityId g = chain_group_[k][x];
          dropped = g == kDropped;
          x = dropped ? n + chain_drop_[k][x] : g;
        }
        part[i] = dropped ? x : comm[x];
      }
    }
    densify(part, 2 * static_cast<std::size_t>(n), dense_map_);
    result.iterations = iter;
    result.levels = level;
    result.moves += iter_moves;
    if (iter_moves == 0) {
      result.converged = true;
      break;
    }
  }
  if (o_.progress) o_.progress("detect", visits_, visits_);
  if (lpa_) {
    result.converged = !last_exhausted_;
    result.iterations = last_sweeps_;
  }
  result.partition = canonicalize(std::vector<std::uint64_t>(part.begin(), part.end()));
  result.seconds.local_moving = seconds_.local_moving;
  result.seconds.refinement = seconds_.refinement;
  result.seconds.aggregation = seconds_.aggregation;
}

}  // namespace

void run_leiden(const AnalysisGraph& g, const CommunityOptions& options, bool refine, int threads,
                CommunityResult& result) {
  Search search(g, options, refine, threads, false);
  search.run(result);
}

void run_label_propagation(const AnalysisGraph& g, const CommunityOptions& options, int threads,
                           CommunityResult& result) {
  Search search(g, options, false, threads, true);
  search.run(result);
}

}  // namespace hydrascope::detail
