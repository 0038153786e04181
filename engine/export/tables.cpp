// accounts.csv, communities.json, run.json and the input checksum. RapidJSON
// Writer streams into an AtomicFile; numbers are printed deterministically.
#include <rapidjson/writer.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

#if defined(_OPENMP)
#include <omp.h>
#endif

#include "hydrascope/atomic_file.hpp"
#include "hydrascope/error.hpp"
#include "hydrascope/export.hpp"
#include "hydrascope/io.hpp"
#include "export_internal.hpp"

namespace hydrascope {

namespace {

// RapidJSON output stream over an AtomicFile, flushed every 1 MB.
class FileStream {
 public:
  using Ch = char;
  explicit FileStream(AtomicFile& file) : file_(file) { buf_.reserve(kChunk + 64); }
  void Put(char c) {
    buf_.push_back(c);
    if (buf_.size() >= kChunk) Flush();
  }
  void Flush() {
    file_.write(buf_);
    buf_.clear();
  }

 private:
  static constexpr std::size_t kChunk = std::size_t{1} << 20;
  AtomicFile& file_;
  std::string buf_;
};

using JsonWriter = rapidjson::Writer<FileStream>;

void key(JsonWriter& w, std::string_view k) { w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size())); }
void str(JsonWriter& w, std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }
void num(JsonWriter& w, double v) {
  if (std::isfinite(v)) w.Double(v);
  else w.Null();
}

// The model's calibration to the snapshot's labels, in communities.json
// (with `applied`) and in run.json (beside `calibrated`).
void calibration_object(JsonWriter& w, const bool* applied, std::uint64_t banned, std::uint64_t trusted, double slope,
                        double intercept, std::string_view note) {
  w.StartObject();
  if (applied != nullptr) {
    key(w, "applied");
    w.Bool(*applied);
  }
  key(w, "banned");
  w.Uint64(banned);
  key(w, "trusted");
  w.Uint64(trusted);
  key(w, "slope");
  num(w, slope);
  key(w, "intercept");
  num(w, intercept);
  key(w, "note");
  str(w, note);
  w.EndObject();
}

void write_infrastructure(JsonWriter& w, const std::vector<InfraEntity>& infra) {
  w.StartArray();
  for (const auto& e : infra) {
    w.StartArray();
    str(w, e.id);
    str(w, e.type);
    w.Uint(e.accounts);
    w.EndArray();
  }
  w.EndArray();
}

void write_history(JsonWriter& w, const HydraHistory& h) {
  w.StartObject();
  key(w, "first_run");
  w.Uint64(h.first_run);
  key(w, "flagged_runs");
  w.Uint64(h.flagged_runs);
  key(w, "banned_before");
  w.Bool(h.banned_before);
  w.EndObject();
}

void write_review(JsonWriter& w, const ReviewState& r) {
  w.StartObject();
  key(w, "decision");
  str(w, to_string(r.decision));
  key(w, "in_force");
  w.Bool(r.in_force);
  key(w, "source");
  str(w, r.from_labels ? "labels" : "reviews");
  key(w, "target_kind");
  str(w, to_string(r.target_kind));
  key(w, "target");
  str(w, r.target);
  key(w, "by");
  str(w, r.by);
  key(w, "at");
  if (r.at == kNoTime) w.Null();
  else str(w, format_rfc3339(r.at));
  key(w, "note");
  str(w, r.note);
  key(w, "since_run");
  w.Uint64(r.since_run);
  key(w, "lapsed");
  str(w, r.lapsed);
  key(w, "baseline");
  w.StartObject();
  key(w, "accounts");
  w.Uint64(r.baseline_accounts);
  key(w, "flagged");
  w.Uint64(r.baseline_flagged);
  key(w, "infrastructure");
  w.StartArray();
  for (const auto& id : r.baseline_infrastructure) str(w, id);
  w.EndArray();
  w.EndObject();
  w.EndObject();
}

// What a tracked hydra carries whether it is current or dormant: its history,
// the analyst's decision in force, its infrastructure.
template <class Review>
void write_hydra_state(JsonWriter& w, const HydraHistory& history, const Review& review,
                       const std::vector<InfraEntity>& infrastructure) {
  key(w, "history");
  write_history(w, history);
  if (review) {
    key(w, "review");
    write_review(w, *review);
  }
  key(w, "infrastructure");
  write_infrastructure(w, infrastructure);
}

void write_tracking_sections(JsonWriter& w, const ScoringResult& scoring, const TrackingResult& t) {
  const auto& run = t.run;
  const auto& m = t.match;
  key(w, "tracking");
  w.StartObject();
  key(w, "run");
  w.Uint64(run.run);
  key(w, "previous");
  if (t.previous.empty() && t.previous_run == 0) w.Null();
  else str(w, t.previous);
  key(w, "previous_run");
  w.Uint64(t.previous_run);
  key(w, "next_hydra");
  w.Uint64(run.next_hydra);
  key(w, "hydras");
  w.Uint64(run.communities.size());
  key(w, "dormant");
  w.StartArray();
  for (const auto& d : run.dormant) {
    w.StartObject();
    key(w, "hydra_id");
    str(w, d.hydra_id);
    key(w, "accounts");
    w.Uint64(d.accounts);
    key(w, "banned");
    w.Uint64(d.banned);
    key(w, "flagged");
    w.Bool(d.flagged);
    key(w, "model_flagged");
    w.Uint64(d.model_flagged);
    key(w, "dissolved_run");
    w.Uint64(d.dissolved_run);
    write_hydra_state(w, d.history, d.review, d.infrastructure);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();

  key(w, "changes");
  w.StartObject();
  key(w, "since");
  if (t.previous.empty() && t.previous_run == 0) w.Null();
  else str(w, t.previous);
  key(w, "counts");
  w.StartObject();
  for (int e = 0; e < kNumHydraEvents; ++e) {
    key(w, to_string(static_cast<HydraEvent>(e)));
    w.Uint64(m.counts[static_cast<std::size_t>(e)]);
  }
  w.EndObject();
  key(w, "new_heads");
  w.Uint64(m.new_heads);
  key(w, "reappeared_after_ban");
  w.StartArray();
  for (std::size_t i = 0; i < m.tracks.size(); ++i)
    if (m.tracks[i].event == HydraEvent::Regrown && m.tracks[i].after_ban) str(w, run.communities[i].hydra_id);
  w.EndArray();
  std::vector<std::size_t> changed;
  for (std::size_t i = 0; i < m.tracks.size(); ++i)
    if (m.tracks[i].event != HydraEvent::Same) changed.push_back(i);
  std::sort(changed.begin(), changed.end(), [&](std::size_t a, std::size_t b) {
    const int ra = hydra_event_rank(m.tracks[a].event), rb = hydra_event_rank(m.tracks[b].event);
    if (ra != rb) return ra < rb;
    const auto& ca = run.communities[a];
    const auto& cb = run.communities[b];
    if (ca.flagged != cb.flagged) return ca.flagged;
    if (ca.accounts != cb.accounts) return ca.accounts > cb.accounts;
    return ca.community < cb.community;
  });
  key(w, "communities");
  w.StartArray();
  for (std::size_t i : changed) {
    const auto& tr = m.tracks[i];
    const auto& c = run.communities[i];
    w.StartObject();
    key(w, "hydra_id");
    str(w, c.hydra_id);
    key(w, "community");
    w.Uint(c.community);
    key(w, "event");
    str(w, to_string(tr.event));
    key(w, "previous");
    w.StartArray();
    for (const auto& p : tr.previous) str(w, p);
    w.EndArray();
    key(w, "accounts");
    w.Uint64(c.accounts);
    key(w, "accounts_before");
    w.Uint64(tr.accounts_before);
    key(w, "new_heads");
    w.Uint64(tr.new_heads);
    key(w, "flagged");
    w.Bool(c.flagged);
    key(w, "risk");
    w.Double(scoring.communities[c.community].risk);
    key(w, "after_ban");
    w.Bool(tr.after_ban);
    w.EndObject();
  }
  w.EndArray();
  key(w, "ended");
  w.StartArray();
  for (const auto& e : m.ended) {
    w.StartObject();
    key(w, "hydra_id");
    str(w, e.hydra_id);
    key(w, "event");
    str(w, to_string(e.event));
    key(w, "into");
    if (e.into.empty()) w.Null();
    else str(w, e.into);
    key(w, "accounts");
    w.Uint64(e.accounts);
    key(w, "flagged");
    w.Bool(e.flagged);
    key(w, "banned");
    w.Uint64(e.banned);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();

  if (!t.reviews_file.empty()) {
    key(w, "reviews");
    w.StartObject();
    key(w, "file");
    str(w, t.reviews_file);
    key(w, "rows");
    w.Uint64(t.reviews.size());
    std::array<std::uint64_t, 4> by_status{};
    static const char* kStatus[4] = {"applied", "lapsed", "superseded", "unmatched"};
    for (const auto& o : t.reviews)
      for (int k = 0; k < 4; ++k) by_status[static_cast<std::size_t>(k)] += o.status == kStatus[k];
    for (int k = 0; k < 4; ++k) {
      key(w, kStatus[k]);
      w.Uint64(by_status[static_cast<std::size_t>(k)]);
    }
    key(w, "withdrawn");
    w.Uint64(t.withdrawn);
    key(w, "suppressed_accounts");
    w.Uint64(t.suppressed_accounts);
    key(w, "confirmed_accounts");
    w.Uint64(t.confirmed_accounts);
    key(w, "outcomes");
    w.StartArray();
    for (const auto& o : t.reviews) {
      w.StartObject();
      key(w, "line");
      w.Uint64(o.line);
      key(w, "target");
      str(w, o.target);
      key(w, "decision");
      str(w, to_string(o.decision));
      key(w, "hydra_id");
      if (o.hydra_id.empty()) w.Null();
      else str(w, o.hydra_id);
      key(w, "status");
      str(w, o.status);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
}

}  // namespace

namespace exp {

std::vector<std::string> account_header(const AccountColumns& columns, std::size_t n) {
  std::vector<std::string> h = {"community_id", "risk_score", "suspect", "community_risk", "top_family"};
  if (columns.pagerank.size() == n) h.emplace_back("pagerank");
  if (columns.ppr.size() == n) h.emplace_back("ppr");
  if (columns.core.size() == n) h.emplace_back("core");
  if (!columns.hydra_id.empty()) h.emplace_back("hydra_id");
  return h;
}

}  // namespace exp

namespace {

// The cells of accounts.csv, formatted with std::to_chars (the same text as
// printf's %.6f, %.6g and %u, without the locale and format parsing).
void append_fixed6(std::string& out, double v) {
  char buf[400];  // the longest double in fixed notation with 6 decimals is 316 characters
  const auto r = std::to_chars(buf, buf + sizeof buf, std::isfinite(v) ? v : 0.0, std::chars_format::fixed, 6);
  out.append(buf, r.ptr);
}
void append_general6(std::string& out, double v) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, std::isfinite(v) ? v : 0.0, std::chars_format::general, 6);
  out.append(buf, r.ptr);
}
template <class Int>
void append_int(std::string& out, Int v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

// Calls cell(text) for each cell of account v's row after its id; `printed`
// is llround(risk * 1e6), the risk_score as printed.
template <class Cell>
void for_each_account_cell(const Snapshot& s, const Partition& partition, const ScoringResult& scoring,
                           const AccountColumns& columns, NodeId v, std::int64_t printed, std::string& t, Cell&& cell) {
  const std::size_t n = s.num_nodes();
  const CommunityId c = partition.membership[v];
  t.clear();
  append_int(t, c);
  cell(t);
  t.clear();
  append_fixed6(t, static_cast<double>(printed) / 1e6);
  cell(t);
  t.assign(scoring.account_suspect[v] ? "true" : "false");
  cell(t);
  t.clear();
  append_fixed6(t, scoring.communities[c].risk);
  cell(t);
  const std::uint8_t fam = scoring.account_family.size() == n ? scoring.account_family[v] : 255;
  t.assign(fam < kNumFeatureFamilies ? to_string(static_cast<FeatureFamily>(fam)) : std::string_view("none"));
  cell(t);
  if (columns.pagerank.size() == n) {
    t.clear();
    append_general6(t, columns.pagerank[v]);
    cell(t);
  }
  if (columns.ppr.size() == n) {
    t.clear();
    append_general6(t, columns.ppr[v]);
    cell(t);
  }
  if (columns.core.size() == n) {
    t.clear();
    append_int(t, columns.core[v]);
    cell(t);
  }
  if (!columns.hydra_id.empty()) {
    t.clear();
    if (c < columns.hydra_id.size()) exp::append_csv(t, columns.hydra_id[c]);
    cell(t);
  }
}

std::int64_t printed_risk(const ScoringResult& scoring, NodeId v) { return std::llround(scoring.account_risk[v] * 1e6); }



}  // namespace

namespace exp {

void account_cells(const Snapshot& s, const Partition& partition, const ScoringResult& scoring,
                   const AccountColumns& columns, NodeId v, std::vector<std::string>& cells) {
  cells.clear();
  std::string t;
  for_each_account_cell(s, partition, scoring, columns, v, printed_risk(scoring, v), t,
                        [&](const std::string& text) { cells.push_back(text); });
}

}  // namespace exp

std::uint64_t write_accounts_csv(const std::string& path, const Snapshot& s, const Partition& partition,
                                 const ScoringResult& scoring, const AccountColumns& columns, bool formula_guard,
                                 int threads) {
  const NodeId n = s.num_nodes();
  const int nt = resolve_threads(threads);
  // Sort on the printed risk (6 decimals) so that the order matches the file,
  // then on the id. Account ids are distinct, so the order is total and the
  // same whatever the sort. Ids are compared first through 8 bytes after the
  // prefix all accounts' ids share (big-endian, zero-padded: the same order
  // as the bytes), and in full only when those are equal.
  const StringPool& ids = s.id_pool();
  std::vector<NodeId> accounts;
  for (NodeId v = 0; v < n; ++v)
    if (s.kind(v) == NodeKind::Account) accounts.push_back(v);
  std::size_t common = accounts.empty() ? 0 : ids.get(accounts[0]).size();
  for (NodeId v : accounts) {
    const std::string_view id = ids.get(v), first = ids.get(accounts[0]);
    std::size_t i = 0;
    while (i < common && i < id.size() && id[i] == first[i]) ++i;
    common = i;
  }
  struct Key {
    std::int64_t printed;
    std::uint64_t id8;
    NodeId v;
  };
  std::vector<Key> order(accounts.size());
  for (std::size_t i = 0; i < accounts.size(); ++i) {
    const NodeId v = accounts[i];
    const std::string_view id = ids.get(v);
    std::uint64_t id8 = 0;
    for (std::size_t j = 0; j < 8; ++j)
      id8 = (id8 << 8) | (common + j < id.size() ? static_cast<unsigned char>(id[common + j]) : 0u);
    order[i] = {printed_risk(scoring, v), id8, v};
  }
  std::vector<NodeId>().swap(accounts);
  const auto before = [&](const Key& a, const Key& b) {
    if (a.printed != b.printed) return a.printed > b.printed;
    if (a.id8 != b.id8) return a.id8 < b.id8;
    return ids.get(a.v) < ids.get(b.v);
  };
  const std::size_t rows = order.size();
  if (nt > 1 && rows >= 65536) {
    const auto mid = order.begin() + static_cast<std::ptrdiff_t>(rows / 2);
#pragma omp parallel for schedule(static, 1) num_threads(2)
    for (int half = 0; half < 2; ++half)
      if (half == 0) std::sort(order.begin(), mid, before);
      else std::sort(mid, order.end(), before);
    std::inplace_merge(order.begin(), mid, order.end(), before);
  } else {
    std::sort(order.begin(), order.end(), before);
  }

  AtomicFile file(path);
  std::string head = "account_id";
  for (const auto& h : exp::account_header(columns, n)) head += "," + h;
  head += '\n';
  file.write(head);
  // Rows are in risk order, so a row read straight from the per-node arrays
  // would read each of them at random. Instead every row is first formatted
  // in node order (each array read in sequence; ranges of nodes in
  // parallel), and then copied out in file order: one random read per row.
  constexpr NodeId kRangeNodes = 65536;
  const std::size_t ranges = (static_cast<std::size_t>(n) + kRangeNodes - 1) / kRangeNodes;
  std::vector<std::string> text(ranges);
  std::vector<std::uint32_t> at(n, 0), len(n, 0);  // row of account v: text[v / kRangeNodes] from at[v], len[v] bytes
  std::exception_ptr failure;
  const auto keep_failure = [&] {
#pragma omp critical(hydrascope_accounts_csv)
    if (!failure) failure = std::current_exception();
  };
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt) if (nt > 1 && ranges > 1)
  for (std::size_t r = 0; r < ranges; ++r) {
    try {
      std::string& buf = text[r];
      std::string t;
      const NodeId lo = static_cast<NodeId>(r * kRangeNodes), hi = std::min<NodeId>(n, lo + kRangeNodes);
      for (NodeId v = lo; v < hi; ++v) {
        if (s.kind(v) != NodeKind::Account) continue;
        const std::size_t start = buf.size();
        append_sheet_cell(buf, ids.get(v), formula_guard);
        for_each_account_cell(s, partition, scoring, columns, v, printed_risk(scoring, v), t, [&](const std::string& cell) {
          buf += ',';
          buf += cell;
        });
        buf += '\n';
        if (buf.size() > UINT32_MAX) throw std::length_error("accounts.csv: rows of one node range over 4 GB");
        at[v] = static_cast<std::uint32_t>(start);
        len[v] = static_cast<std::uint32_t>(buf.size() - start);
      }
    } catch (...) {  // out of memory: rethrown below, not out of the parallel region
      keep_failure();
    }
  }
  if (failure) std::rethrow_exception(failure);
  // Then in file order: chunks of rows joined in parallel, a round of chunks
  // at a time, written in order.
  constexpr std::size_t kChunkRows = 16384;
  constexpr std::size_t kAhead = 16;  // rows whose bytes are loaded ahead
  const std::size_t chunks = (rows + kChunkRows - 1) / kChunkRows;
  const std::size_t per_round = static_cast<std::size_t>(nt) * 4;
  std::vector<std::string> bufs(std::min(per_round, chunks));
  for (std::size_t first = 0; first < chunks; first += per_round) {
    const std::size_t round = std::min(per_round, chunks - first);
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt) if (nt > 1 && round > 1)
    for (std::size_t k = 0; k < round; ++k) {
      try {
        std::string& buf = bufs[k];
        buf.clear();
        const std::size_t lo = (first + k) * kChunkRows, hi = std::min(rows, lo + kChunkRows);
        for (std::size_t i = lo; i < hi; ++i) {
          if (i + 2 * kAhead < hi) {
            const NodeId u = order[i + 2 * kAhead].v;
            __builtin_prefetch(at.data() + u);
            __builtin_prefetch(len.data() + u);
          }
          if (i + kAhead < hi) {
            const NodeId u = order[i + kAhead].v;
            __builtin_prefetch(text[u / kRangeNodes].data() + at[u]);
          }
          const NodeId v = order[i].v;
          buf.append(text[v / kRangeNodes].data() + at[v], len[v]);
        }
      } catch (...) {
        keep_failure();
      }
    }
    if (failure) std::rethrow_exception(failure);
    for (std::size_t k = 0; k < round; ++k) file.write(bufs[k]);
  }
  file.commit();
  return rows;
}

void write_communities_json(const std::string& path, const Snapshot& s, const ScoringResult& scoring,
                            const TrackingResult* tracking) {
  AtomicFile file(path);
  FileStream stream(file);
  JsonWriter w(stream);
  w.SetMaxDecimalPlaces(6);
  w.StartObject();
  key(w, "format");
  str(w, "hydrascope.communities");
  key(w, "version");
  w.Int(2);
  key(w, "threshold");
  w.Double(scoring.threshold);
  key(w, "model");
  str(w, scoring.model);
  key(w, "calibration");
  const Calibration& cal = scoring.calibration;
  calibration_object(w, &cal.applied, cal.positives, cal.negatives, cal.slope, cal.intercept, cal.note);
  key(w, "counts");
  w.StartObject();
  key(w, "communities");
  w.Uint64(scoring.communities.size());
  key(w, "scored_communities");
  w.Uint64(scoring.details.size());
  key(w, "suspect_communities");
  w.Uint64(scoring.suspect_communities);
  key(w, "suspect_accounts");
  w.Uint64(scoring.suspect_accounts);
  w.EndObject();
  // Per size band, the median / p90 / p99 of every community-level feature
  // over the snapshot's communities of that size: what each value and
  // reason is compared with.
  const std::size_t nfeat = scoring.community_feature_names.size();
  key(w, "snapshot_references");
  w.StartObject();
  key(w, "bands");
  w.StartArray();
  for (std::size_t b = 0; b < scoring.band_bounds.size(); ++b) {
    w.StartObject();
    key(w, "accounts_min");
    w.Uint(scoring.band_bounds[b]);
    key(w, "accounts_max");
    if (b + 1 < scoring.band_bounds.size()) w.Uint(scoring.band_bounds[b + 1] - 1);
    else w.Null();
    key(w, "features");
    w.StartObject();
    for (std::size_t f = 0; f < nfeat; ++f) {
      const BandReference& r = scoring.references[b * nfeat + f];
      if (r.communities == 0) continue;
      key(w, scoring.community_feature_names[f]);
      w.StartObject();
      key(w, "median");
      num(w, r.median);
      key(w, "p90");
      num(w, r.p90);
      key(w, "p99");
      num(w, r.p99);
      key(w, "communities");
      w.Uint(r.communities);
      if (r.pooled) {
        key(w, "pooled");
        w.Bool(true);
      }
      w.EndObject();
    }
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  key(w, "ranking");
  w.StartArray();
  for (CommunityId c : scoring.ranking) w.Uint(c);
  w.EndArray();
  if (tracking != nullptr) write_tracking_sections(w, scoring, *tracking);

  key(w, "communities");
  w.StartArray();
  static const char* kSlotTypes[kNumEntitySlots] = {"payment_method", "ip", "proxy", "device", "other"};
  for (const auto& d : scoring.details) {
    const auto& cs = scoring.communities[d.community];
    w.StartObject();
    key(w, "id");
    w.Uint(d.community);
    key(w, "size");
    w.Uint64(cs.nodes);
    key(w, "accounts");
    w.Uint64(cs.accounts);
    key(w, "by_type");
    w.StartObject();
    for (int t = 0; t < kNumNodeKinds; ++t) {
      if (cs.by_kind[t] == 0) continue;
      key(w, to_string(static_cast<NodeKind>(t)));
      w.Uint64(cs.by_kind[t]);
    }
    w.EndObject();
    key(w, "risk");
    w.Double(cs.risk);
    key(w, "flagged");
    w.Uint64(cs.flagged);
    key(w, "suspect");
    w.Bool(cs.suspect);
    key(w, "band");
    w.Uint(d.band);
    key(w, "labels");
    w.StartObject();
    key(w, "banned");
    w.Uint64(d.banned);
    key(w, "suspect");
    w.Uint64(d.suspects);
    key(w, "trusted");
    w.Uint64(d.trusted);
    w.EndObject();
    key(w, "explanation");
    w.StartArray();
    str(w, d.summary);
    for (const auto& r : d.reasons) str(w, r.text);
    w.EndArray();
    key(w, "reasons");
    w.StartArray();
    for (const auto& r : d.reasons) {
      w.StartObject();
      key(w, "family");
      str(w, to_string(r.family));
      key(w, "feature");
      str(w, r.feature);
      key(w, "value");
      num(w, r.value);
      key(w, "contribution");
      num(w, r.contribution);
      w.EndObject();
    }
    w.EndArray();
    if (d.explained > 0) {
      key(w, "families");
      w.StartObject();
      for (int f = 0; f < kNumFeatureFamilies; ++f) {
        key(w, to_string(static_cast<FeatureFamily>(f)));
        num(w, d.family_contribution[static_cast<std::size_t>(f)]);
      }
      w.EndObject();
      key(w, "explained_accounts");
      w.Uint64(d.explained);
    }
    key(w, "features");
    w.StartObject();
    for (std::size_t f = 0; f < d.features.size() && f < nfeat; ++f) {
      key(w, scoring.community_feature_names[f]);
      num(w, d.features[f]);
    }
    w.EndObject();
    key(w, "top_entities");
    w.StartObject();
    for (int sl = 0; sl < kNumEntitySlots; ++sl) {
      const NodeId u = d.top_entity[static_cast<std::size_t>(sl)];
      if (u == kInvalidNode || d.top_count[static_cast<std::size_t>(sl)] < 2) continue;
      key(w, kSlotTypes[sl]);
      w.StartObject();
      key(w, "id");
      str(w, s.node_id(u));
      key(w, "type");
      str(w, s.node_type(u));
      key(w, "accounts");
      w.Uint(d.top_count[static_cast<std::size_t>(sl)]);
      w.EndObject();
    }
    w.EndObject();
    const std::uint32_t ti = tracking != nullptr && d.community < tracking->index_of.size()
                                 ? tracking->index_of[d.community]
                                 : TrackedRun::kUntracked;
    if (ti != TrackedRun::kUntracked) {
      const auto& tc = tracking->run.communities[ti];
      const auto& tr = tracking->match.tracks[ti];
      key(w, "hydra_id");
      str(w, tc.hydra_id);
      key(w, "event");
      str(w, to_string(tr.event));
      key(w, "previous");
      w.StartArray();
      for (const auto& p : tr.previous) str(w, p);
      w.EndArray();
      key(w, "change");
      w.StartObject();
      key(w, "accounts_before");
      w.Uint64(tr.accounts_before);
      key(w, "carried");
      w.Uint64(tr.carried);
      key(w, "new_heads");
      w.Uint64(tr.new_heads);
      key(w, "shared_infrastructure");
      w.Uint(tr.shared_infrastructure);
      key(w, "after_ban");
      w.Bool(tr.after_ban);
      key(w, "from_dormant");
      w.Bool(tr.from_dormant);
      w.EndObject();
      key(w, "model_flagged");
      w.Uint64(tc.model_flagged);
      write_hydra_state(w, tc.history, tc.review, tc.infrastructure);
    }
    w.EndObject();
  }
  w.EndArray();
  // Communities below min_accounts: [id, nodes, accounts].
  key(w, "small_communities");
  w.StartObject();
  key(w, "columns");
  w.StartArray();
  str(w, "id");
  str(w, "nodes");
  str(w, "accounts");
  w.EndArray();
  key(w, "rows");
  w.StartArray();
  for (CommunityId c = 0; c < scoring.communities.size(); ++c) {
    const auto& cs = scoring.communities[c];
    if (cs.detail != UINT32_MAX) continue;
    w.StartArray();
    w.Uint(c);
    w.Uint64(cs.nodes);
    w.Uint64(cs.accounts);
    w.EndArray();
  }
  w.EndArray();
  w.EndObject();
  w.EndObject();
  stream.Flush();
  file.commit();
  (void)s;
}

void write_run_json(const std::string& path, const RunReport& r) {
  AtomicFile file(path);
  FileStream stream(file);
  JsonWriter w(stream);
  w.SetMaxDecimalPlaces(6);
  w.StartObject();
  key(w, "format");
  str(w, "hydrascope.run");
  key(w, "version");
  w.Int(1);
  key(w, "engine_version");
  str(w, HYDRASCOPE_VERSION);
  key(w, "command");
  str(w, r.command);
  key(w, "input");
  w.StartObject();
  key(w, "path");
  str(w, r.input_path);
  key(w, "bytes");
  w.Uint64(r.input_bytes);
  key(w, "checksum");
  str(w, r.input_checksum);
  w.EndObject();
  key(w, "options");
  w.StartObject();
  for (const auto& o : r.options) {
    key(w, o.key);
    if (o.is_bool) w.Bool(o.boolean);
    else if (o.is_integer) w.Uint64(o.integer);
    else if (o.is_number && std::fabs(o.number) < 9e15 && o.number == std::floor(o.number))
      w.Int64(static_cast<std::int64_t>(o.number));
    else if (o.is_number) num(w, o.number);
    else str(w, o.text);
  }
  w.EndObject();
  if (!r.model.name.empty()) {
    key(w, "model");
    w.StartObject();
    key(w, "name");
    str(w, r.model.name);
    key(w, "source");
    str(w, r.model.source);
    key(w, "checksum");
    str(w, r.model.checksum);
    key(w, "calibrated");
    w.Bool(r.model.calibrated);
    key(w, "calibration");
    calibration_object(w, nullptr, r.model.banned, r.model.trusted, r.model.slope, r.model.intercept, r.model.note);
    w.EndObject();
  }
  key(w, "counts");
  w.StartObject();
  for (const auto& [k, v] : r.counts) {
    key(w, k);
    w.Uint64(v);
  }
  w.EndObject();
  // Left out when not given: `hydrascope run` keeps them in timings.json so
  // that run.json is byte-identical between identical runs.
  if (!r.timings.empty()) {
    key(w, "timings_seconds");
    w.StartObject();
    for (const auto& [k, v] : r.timings) {
      key(w, k);
      num(w, v);
    }
    w.EndObject();
  }
  if (r.peak_rss_bytes != 0) {
    key(w, "peak_rss_bytes");
    w.Uint64(r.peak_rss_bytes);
  }
  key(w, "files");
  w.StartArray();
  for (const auto& f : r.files) str(w, f);
  w.EndArray();
  w.EndObject();
  stream.Flush();
  file.put('\n');
  file.commit();
}

std::pair<std::string, std::uint64_t> input_checksum(const std::string& path) {
  std::vector<std::string> files;
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    for (const char* name : {"nodes.csv", "edges.csv"}) {
      std::string p = path + "/" + name;
      struct stat fs {};
      if (::stat(p.c_str(), &fs) != 0) p += ".gz";
      files.push_back(p);
    }
  } else {
    files.push_back(path);
  }
  std::uint64_t h = 0xcbf29ce484222325ull;
  std::uint64_t bytes = 0;
  std::vector<unsigned char> buf(std::size_t{1} << 20);
  for (const auto& f : files) {
    std::FILE* fp = std::fopen(f.c_str(), "rb");
    if (fp == nullptr) {
      SourceLocation where;
      where.file = f;
      throw InputError(where, std::string("cannot read: ") + std::strerror(errno));
    }
    std::size_t got;
    while ((got = std::fread(buf.data(), 1, buf.size(), fp)) > 0) {
      for (std::size_t i = 0; i < got; ++i) {
        h ^= buf[i];
        h *= 0x100000001b3ull;
      }
      bytes += got;
    }
    std::fclose(fp);
  }
  char hex[32];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return {std::string("fnv1a64:") + hex, bytes};
}

}  // namespace hydrascope
