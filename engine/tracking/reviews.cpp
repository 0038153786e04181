// Tracking, part 2: the review file, and track_run(): a run's communities
// matched to the previous run's, review decisions and trusted labels
// resolved to hydras and applied to the scoring, histories and dormant
// hydras brought up to date. The rules are in docs/tracking.md.
#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <unordered_map>

#include "hydrascope/error.hpp"
#include "hydrascope/io.hpp"
#include "hydrascope/tracking.hpp"

namespace hydrascope {

namespace {

// --- the review file ------------------------------------------------------------------

std::string read_file(const std::string& path) {
  std::FILE* fp = std::fopen(path.c_str(), "rb");
  if (fp == nullptr) throw InputError(file_location(path), std::string("cannot open: ") + std::strerror(errno));
  std::string text;
  char buf[1 << 16];
  std::size_t got;
  while ((got = std::fread(buf, 1, sizeof buf, fp)) > 0) text.append(buf, got);
  const bool failed = std::ferror(fp) != 0;
  std::fclose(fp);
  if (failed) throw InputError(file_location(path), "read error");
  return text;
}

struct CsvRecord {
  std::uint64_t line = 0;
  std::vector<std::string> fields;
};

// RFC 4180 records with the line each starts on; quoted fields may hold
// commas, quotes ("") and line breaks. Blank lines are skipped.
std::vector<CsvRecord> csv_records(const std::string& path, std::string_view text) {
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<CsvRecord> out;
  CsvRecord rec;
  rec.fields.emplace_back();
  std::uint64_t line = 1;
  rec.line = 1;
  bool quoted = false, after_quote = false, any = false;
  auto finish = [&] {
    if (any || rec.fields.size() > 1 || !rec.fields[0].empty()) out.push_back(std::move(rec));
    rec = CsvRecord();
    rec.fields.emplace_back();
    rec.line = line;
    any = after_quote = false;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          rec.fields.back().push_back('"');
          ++i;
        } else {
          quoted = false;
          after_quote = true;
        }
      } else {
        if (c == '\n') ++line;
        rec.fields.back().push_back(c);
      }
      continue;
    }
    if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    if (c == '\n' || c == '\r') {
      ++line;
      finish();
      continue;
    }
    if (c == ',') {
      rec.fields.emplace_back();
      after_quote = false;
      any = true;
    } else if (c == '"') {
      if (!rec.fields.back().empty() || after_quote)
        throw InputError(file_location(path, line), "a quote inside an unquoted field (quote the whole field)");
      quoted = true;
      any = true;
    } else {
      if (after_quote) throw InputError(file_location(path, line), "text after a closing quote");
      rec.fields.back().push_back(c);
      any = true;
    }
  }
  if (quoted) throw InputError(file_location(path, rec.line), "a quoted field is never closed");
  finish();
  return out;
}

bool parse_time(std::string_view text, Timestamp& out) {
  if (parse_rfc3339(text, out)) return true;
  std::int64_t secs = 0;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), secs);
  if (r.ec != std::errc() || r.ptr != text.data() + text.size() || text.empty()) return false;
  if (secs < -62135596800LL || secs > 253402300799LL) return false;  // years 0001..9999
  out = secs * kMicrosPerSecond;
  return true;
}

bool valid_hydra_id(std::string_view id) {
  if (id.size() < 3 || id.substr(0, 2) != "h-") return false;
  for (char c : id.substr(2))
    if (c < '0' || c > '9') return false;
  return true;
}

// --- track_run helpers ---------------------------------------------------------------------

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string day_of(Timestamp at) {
  if (at == kNoTime) return {};
  return format_rfc3339(at);
}

// Cards and proxies among a community's infrastructure used by at least
// `min_accounts` of its accounts, sorted: what a trusted decision's baseline
// remembers (min_accounts 2: every shared one) and what a material change
// looks for.
std::vector<std::string> key_infrastructure(const TrackedCommunity& t, std::uint64_t min_accounts = 2) {
  std::vector<std::string> ids;
  for (const auto& e : t.infrastructure) {
    const NodeKind k = kind_from_type(e.type);
    if ((k == NodeKind::PaymentMethod || k == NodeKind::Proxy) && e.accounts >= min_accounts) ids.push_back(e.id);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

// Why a trusted decision no longer holds (empty: it does), per the rule of
// docs/tracking.md, "Material change". `share` of the accounts the
// community had at the decision (and at least 2) is what counts as material
// for flags and for a new card or proxy: a few accounts near the threshold
// in a 3,000-account community are noise, a farm of 300 joining it is not.
std::string material_change(const TrackedCommunity& C, const ReviewState& st, const TrackingOptions& o) {
  const double accounts0 = static_cast<double>(st.baseline_accounts);
  const auto enough = std::max<std::uint64_t>(2, static_cast<std::uint64_t>(std::ceil(o.material_share * accounts0)));
  if (C.model_flagged >= st.baseline_flagged + enough)
    return "the model flags " + std::to_string(C.model_flagged) + " of its accounts, " +
           std::to_string(st.baseline_flagged) + " at the decision";
  if (C.accounts > st.baseline_accounts && static_cast<double>(C.accounts) >= (1.0 + o.material_size) * accounts0)
    return "accounts grew by " + fixed(100.0 * (static_cast<double>(C.accounts) / std::max(1.0, accounts0) - 1.0), 0) +
           "% (" + std::to_string(st.baseline_accounts) + " -> " + std::to_string(C.accounts) + ")";
  if (o.material_new_infrastructure) {
    // A family joining a large community brings its own card: no change.
    for (const auto& e : C.infrastructure) {
      const NodeKind k = kind_from_type(e.type);
      if ((k != NodeKind::PaymentMethod && k != NodeKind::Proxy) || e.accounts < enough) continue;
      if (!std::binary_search(st.baseline_infrastructure.begin(), st.baseline_infrastructure.end(), e.id))
        return "shares " + e.type + " " + e.id + " (" + std::to_string(e.accounts) +
               " accounts) that it did not share at the decision";
    }
  }
  return {};
}

// A candidate decision for one community, and where it came from.
struct Candidate {
  ReviewState state;
  bool carried = false;      // from a previous run's record
  std::uint64_t line = 0;    // review row (0 = labels)
};

// Later wins: the time of the decision, then the row; labels lose to any row.
bool later(const Candidate& a, const Candidate& b) {
  if (a.state.from_labels != b.state.from_labels) return b.state.from_labels;
  if (a.state.at != b.state.at) return a.state.at > b.state.at;
  return a.line > b.line;
}

std::string key_of(const ReviewState& s) {
  return std::string(s.from_labels ? "L" : "R") + std::to_string(static_cast<int>(s.decision)) + "|" +
         std::to_string(static_cast<int>(s.target_kind)) + "|" + s.target + "|" + s.by + "|" + std::to_string(s.at);
}

ReviewState state_of(const Review& r) {
  ReviewState s;
  s.decision = r.decision;
  s.target_kind = r.target_kind;
  s.target = r.target;
  s.by = r.by;
  s.note = r.note;
  s.at = r.at;
  return s;
}

}  // namespace

Reviews read_reviews(const std::string& path) {
  const std::string text = read_file(path);
  const auto records = csv_records(path, text);
  if (records.empty()) throw InputError(file_location(path, 1), "empty file: a header row is required");
  const auto& header = records.front();
  int col_target[3] = {-1, -1, -1};
  int col_decision = -1, col_by = -1, col_at = -1, col_note = -1;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < header.fields.size(); ++i) {
    const std::string& h = header.fields[i];
    if (!seen.insert(h).second) throw InputError(file_location(path, header.line, h), "column appears twice in the header");
    const int ci = static_cast<int>(i);
    if (h == "hydra_id") col_target[0] = ci;
    else if (h == "account_id") col_target[1] = ci;
    else if (h == "entity_id") col_target[2] = ci;
    else if (h == "decision") col_decision = ci;
    else if (h == "by") col_by = ci;
    else if (h == "at") col_at = ci;
    else if (h == "note") col_note = ci;
  }
  if (col_target[0] < 0 && col_target[1] < 0 && col_target[2] < 0)
    throw InputError(file_location(path, header.line, "hydra_id"),
                     "the header names no target column (hydra_id, account_id or entity_id)");
  for (const auto& [col, name] : {std::pair{col_decision, "decision"}, std::pair{col_by, "by"}, std::pair{col_at, "at"}})
    if (col < 0) throw InputError(file_location(path, header.line, name), std::string("the header has no \"") + name + "\" column (it is required)");
  Reviews out;
  out.file = path;
  for (std::size_t ri = 1; ri < records.size(); ++ri) {
    const auto& rec = records[ri];
    auto where = [&](const std::string& field) {
      SourceLocation w = file_location(path, rec.line, field);
      w.record_kind = "review";
      w.record_index = ri - 1;
      return w;
    };
    if (rec.fields.size() != header.fields.size())
      throw InputError(where(""), "has " + std::to_string(rec.fields.size()) + " fields, the header has " +
                                      std::to_string(header.fields.size()));
    Review r;
    r.line = rec.line;
    int filled = 0;
    for (int t = 0; t < 3; ++t) {
      if (col_target[t] < 0 || rec.fields[static_cast<std::size_t>(col_target[t])].empty()) continue;
      ++filled;
      r.target_kind = static_cast<ReviewTarget>(t);
      r.target = rec.fields[static_cast<std::size_t>(col_target[t])];
    }
    if (filled != 1)
      throw InputError(where(std::string(to_string(r.target_kind))),
                       "exactly one of hydra_id, account_id, entity_id must be filled, found " + std::to_string(filled));
    if (r.target_kind == ReviewTarget::Hydra && !valid_hydra_id(r.target))
      throw InputError(where("hydra_id"), "not a hydra id (h- and digits, as in accounts.csv): \"" + r.target + "\"");
    const std::string& d = rec.fields[static_cast<std::size_t>(col_decision)];
    const auto decision = parse_review_decision(d);
    if (!decision) throw InputError(where("decision"), "must be trusted, confirmed or ignore, got \"" + d + "\"");
    r.decision = *decision;
    r.by = rec.fields[static_cast<std::size_t>(col_by)];
    if (r.by.empty()) throw InputError(where("by"), "is empty (who decided is required)");
    const std::string& at = rec.fields[static_cast<std::size_t>(col_at)];
    if (!parse_time(at, r.at))
      throw InputError(where("at"), "must be an RFC 3339 time (2026-02-20T09:30:00Z) or integer Unix seconds, got \"" + at + "\"");
    if (col_note >= 0) r.note = rec.fields[static_cast<std::size_t>(col_note)];
    out.rows.push_back(std::move(r));
  }
  return out;
}

TrackingResult track_run(const Snapshot& s, const Partition& p, const Incidence& inc, ScoringResult& scoring,
                         const TrackedRun* previous, const Reviews* reviews, const TrackingOptions& options) {
  options.validate();
  TrackingResult R;
  R.run = tracked_run_of(s, p, inc, scoring, options);
  TrackedRun& cur = R.run;
  const std::size_t nc = cur.communities.size();
  R.index_of.assign(p.num_communities, TrackedRun::kUntracked);
  for (std::size_t i = 0; i < nc; ++i) R.index_of[cur.communities[i].community] = static_cast<std::uint32_t>(i);

  TrackedRun none;
  none.tracked = true;
  const TrackedRun& prev = previous != nullptr ? *previous : none;
  R.previous = prev.name;
  R.previous_run = prev.run;
  R.match = match_runs(prev, cur, options);
  const auto& tracks = R.match.tracks;
  cur.tracked = true;
  cur.run = prev.run + 1;
  cur.next_hydra = (prev.tracked ? prev.next_hydra : prev.communities.size() + 1) + R.match.minted;

  // Previous communities and dormant hydras by hydra id (the genesis ids
  // when the previous run had none).
  std::unordered_map<std::string, const TrackedCommunity*> prev_by_id;
  for (std::size_t i = 0; i < prev.communities.size(); ++i)
    prev_by_id.emplace(prev.tracked ? prev.communities[i].hydra_id : hydra_name(i + 1), &prev.communities[i]);
  for (const auto& d : prev.dormant) prev_by_id.emplace(d.hydra_id, &d);

  // --- ids and histories -------------------------------------------------------------------
  for (std::size_t c = 0; c < nc; ++c) {
    TrackedCommunity& C = cur.communities[c];
    const CommunityTrack& t = tracks[c];
    C.hydra_id = t.hydra_id;
    // The inherited id keeps its history; every linked hydra passes on its
    // flags and bans (so that a part split off a farm stays known).
    C.history = HydraHistory{};
    const auto own = prev_by_id.find(C.hydra_id);
    C.history.first_run = own != prev_by_id.end() ? own->second->history.first_run : cur.run;
    for (const auto& id : t.previous) {
      const auto it = prev_by_id.find(id);
      if (it == prev_by_id.end()) continue;
      const HydraHistory& h = it->second->history;
      C.history.flagged_runs = std::max(C.history.flagged_runs, h.flagged_runs);
      C.history.banned_before = C.history.banned_before || h.banned_before || it->second->banned > 0;
    }
  }

  // --- review decisions ------------------------------------------------------------------------------
  std::unordered_map<std::string, std::uint32_t> cur_by_id;
  for (std::size_t c = 0; c < nc; ++c) cur_by_id.emplace(cur.communities[c].hydra_id, static_cast<std::uint32_t>(c));
  std::vector<std::vector<Candidate>> cand(nc);
  std::map<std::string, std::uint64_t> row_of_key;  // review rows by decision key (last row wins)
  if (reviews != nullptr) {
    R.reviews_file = reviews->file;
    for (const auto& r : reviews->rows) row_of_key[key_of(state_of(r))] = r.line;
  }
  std::set<std::string> carried_keys;
  std::set<std::string> previous_keys;  // file decisions of the previous run
  for (const auto& P : prev.communities)
    if (P.review && !P.review->from_labels) previous_keys.insert(key_of(*P.review));
  // Carried: the decisions of every linked previous hydra (and of the dormant
  // one it regrew from) whose row is still in the file; label decisions while
  // the labels still hold (checked below).
  for (std::size_t c = 0; c < nc; ++c) {
    std::set<std::string> here;
    for (const auto& id : tracks[c].previous) {
      const auto it = prev_by_id.find(id);
      if (it == prev_by_id.end() || !it->second->review) continue;
      const ReviewState& st = *it->second->review;
      const std::string key = key_of(st);
      if (!here.insert(key).second) continue;
      Candidate cd;
      cd.state = st;
      cd.carried = true;
      if (!st.from_labels) {
        const auto row = row_of_key.find(key);
        if (row == row_of_key.end()) continue;  // withdrawn: the row is no longer in the file
        cd.line = row->second;
        carried_keys.insert(key);
      }
      cand[c].push_back(std::move(cd));
    }
  }
  for (const auto& k : previous_keys)
    if (row_of_key.count(k) == 0) ++R.withdrawn;
  // Fresh rows: bound to a community through its hydra id, or the account's
  // or entity's community in this run.
  std::vector<std::uint32_t> row_community;
  if (reviews != nullptr) {
    row_community.assign(reviews->rows.size(), TrackedRun::kUntracked);
    for (std::size_t ri = 0; ri < reviews->rows.size(); ++ri) {
      const Review& r = reviews->rows[ri];
      const ReviewState st = state_of(r);
      if (carried_keys.count(key_of(st)) != 0) continue;
      std::uint32_t c = TrackedRun::kUntracked;
      if (r.target_kind == ReviewTarget::Hydra) {
        const auto it = cur_by_id.find(r.target);
        if (it != cur_by_id.end()) c = it->second;
      } else {
        const NodeId v = s.find_node(r.target);
        const bool right_kind = v != kInvalidNode && ((r.target_kind == ReviewTarget::Account) ==
                                                       (s.kind(v) == NodeKind::Account));
        if (right_kind) c = R.index_of[p.membership[v]];
      }
      row_community[ri] = c;
      if (c == TrackedRun::kUntracked) continue;
      Candidate cd;
      cd.state = st;
      cd.line = r.line;
      cand[c].push_back(std::move(cd));
    }
  }
  // Trusted labels: a decision of their own, weaker than any review row.
  for (std::size_t c = 0; c < nc; ++c) {
    const TrackedCommunity& C = cur.communities[c];
    const bool labels = C.trusted_labels > 0 &&
                        static_cast<double>(C.trusted_labels) >= options.trusted_label_share * static_cast<double>(C.accounts);
    auto carried_label = std::find_if(cand[c].begin(), cand[c].end(), [](const Candidate& x) { return x.state.from_labels; });
    if (!labels) {
      if (carried_label != cand[c].end()) cand[c].erase(carried_label);
      continue;
    }
    if (carried_label != cand[c].end()) continue;
    Candidate cd;
    cd.state.decision = ReviewDecision::Trusted;
    cd.state.from_labels = true;
    cd.state.target = C.hydra_id;
    cd.state.by = "snapshot labels";
    cd.state.note = std::to_string(C.trusted_labels) + " of " + std::to_string(C.accounts) + " accounts labelled trusted";
    cand[c].push_back(std::move(cd));
  }
  // The latest decision wins; a new one takes its baseline from what the
  // analyst saw (the strongest link in the previous run) or from now.
  std::vector<const ReviewState*> winner(nc, nullptr);
  for (std::size_t c = 0; c < nc; ++c) {
    if (cand[c].empty()) continue;
    const Candidate* best = &cand[c].front();
    for (const auto& x : cand[c])
      if (later(x, *best)) best = &x;
    TrackedCommunity& C = cur.communities[c];
    ReviewState st = best->state;
    if (!best->carried) {
      st.since_run = cur.run;
      st.in_force = true;
      st.lapsed.clear();
      const TrackedCommunity* base = &C;
      if (!tracks[c].previous.empty()) {
        const auto it = prev_by_id.find(tracks[c].previous.front());
        if (it != prev_by_id.end()) base = it->second;
      }
      st.baseline_accounts = base->accounts;
      st.baseline_flagged = base->model_flagged;
      st.baseline_infrastructure = key_infrastructure(*base);
    }
    if (st.from_labels) {
      st.target = C.hydra_id;
      st.note = std::to_string(C.trusted_labels) + " of " + std::to_string(C.accounts) + " accounts labelled trusted";
    }
    if (st.decision == ReviewDecision::Trusted && st.in_force) st.lapsed = material_change(C, st, options);
    st.in_force = st.lapsed.empty();
    C.review = std::move(st);
    winner[c] = &*C.review;
  }

  // --- apply to the scoring ----------------------------------------------------------------------------
  const NodeId n = s.num_nodes();
  std::vector<std::uint8_t> action(nc, 0);  // 1 = trusted in force, 2 = confirmed
  for (std::size_t c = 0; c < nc; ++c) {
    if (winner[c] == nullptr) continue;
    if (winner[c]->decision == ReviewDecision::Trusted && winner[c]->in_force) action[c] = 1;
    if (winner[c]->decision == ReviewDecision::Confirmed) action[c] = 2;
  }
  std::vector<std::uint64_t> model_flagged(nc, 0);
  for (std::size_t c = 0; c < nc; ++c) model_flagged[c] = scoring.communities[cur.communities[c].community].flagged;
  for (NodeId v = 0; v < n; ++v) {
    if (s.kind(v) != NodeKind::Account) continue;
    const std::uint32_t c = R.index_of[p.membership[v]];
    if (c == TrackedRun::kUntracked || action[c] == 0) continue;
    std::uint8_t& flag = scoring.account_suspect[v];
    if (action[c] == 1 && flag) {
      flag = 0;
      ++R.suppressed_accounts;
    } else if (action[c] == 2 && !flag && s.label(v) != Label::Trusted) {
      flag = 1;
      ++R.confirmed_accounts;
    }
  }
  if (R.suppressed_accounts + R.confirmed_accounts > 0 || std::any_of(action.begin(), action.end(), [](auto a) { return a != 0; })) {
    for (std::size_t c = 0; c < nc; ++c) {
      if (action[c] == 0) continue;
      auto& cs = scoring.communities[cur.communities[c].community];
      cs.flagged = 0;
    }
    for (NodeId v = 0; v < n; ++v) {
      if (s.kind(v) != NodeKind::Account) continue;
      const std::uint32_t c = R.index_of[p.membership[v]];
      if (c != TrackedRun::kUntracked && action[c] != 0) scoring.communities[p.membership[v]].flagged += scoring.account_suspect[v];
    }
    for (std::size_t c = 0; c < nc; ++c) {
      if (action[c] == 0) continue;
      auto& cs = scoring.communities[cur.communities[c].community];
      cs.suspect = action[c] == 2 ? cs.flagged > 0 : false;
    }
    scoring.suspect_accounts = 0;
    for (NodeId v = 0; v < n; ++v) scoring.suspect_accounts += s.kind(v) == NodeKind::Account && scoring.account_suspect[v];
    scoring.suspect_communities = 0;
    scoring.ranking.clear();
    for (CommunityId c = 0; c < scoring.communities.size(); ++c)
      if (scoring.communities[c].suspect) {
        ++scoring.suspect_communities;
        scoring.ranking.push_back(c);
      }
    std::sort(scoring.ranking.begin(), scoring.ranking.end(), [&](CommunityId a, CommunityId b) {
      const auto& x = scoring.communities[a];
      const auto& y = scoring.communities[b];
      if (x.risk != y.risk) return x.risk > y.risk;
      if (x.flagged != y.flagged) return x.flagged > y.flagged;
      return a < b;
    });
  }
  // Summaries say what the decision did.
  for (std::size_t c = 0; c < nc; ++c) {
    if (winner[c] == nullptr) continue;
    const ReviewState& st = *winner[c];
    const auto& cs = scoring.communities[cur.communities[c].community];
    if (cs.detail == UINT32_MAX) continue;
    auto& d = scoring.details[cs.detail];
    const std::string who = st.from_labels ? std::string("the snapshot's labels (") + st.note + ")"
                                           : st.by + " (" + day_of(st.at) + ")";
    if (st.decision == ReviewDecision::Trusted && st.in_force) {
      d.summary = "Not flagged: trusted by " + who + " until it changes materially; the model alone flags " +
                  std::to_string(model_flagged[c]) + " of its " + std::to_string(cs.accounts) + " accounts.";
    } else if (st.decision == ReviewDecision::Trusted) {
      d.summary = "Trusted by " + who + ", lapsed: " + st.lapsed + ". " + d.summary;
    } else if (st.decision == ReviewDecision::Confirmed) {
      d.summary = "Flagged: confirmed by " + who + "; " + std::to_string(cs.flagged) +
                  " accounts go to the ban list. " + d.summary;
    }
  }

  // --- outcomes of the review rows -----------------------------------------------------------------------
  if (reviews != nullptr) {
    std::map<std::string, std::vector<std::uint32_t>> communities_of_key;
    for (std::size_t c = 0; c < nc; ++c)
      for (const auto& cd : cand[c])
        if (!cd.state.from_labels) communities_of_key[key_of(cd.state)].push_back(static_cast<std::uint32_t>(c));
    for (std::size_t ri = 0; ri < reviews->rows.size(); ++ri) {
      const Review& r = reviews->rows[ri];
      ReviewOutcome o;
      o.line = r.line;
      o.target = r.target;
      o.decision = r.decision;
      const std::string key = key_of(state_of(r));
      const auto it = communities_of_key.find(key);
      if (it == communities_of_key.end() || row_of_key[key] != r.line) {
        o.status = it == communities_of_key.end() ? "unmatched" : "superseded";
        R.reviews.push_back(std::move(o));
        continue;
      }
      // The first community it applies to (a split hydra carries it to each part).
      o.status = "superseded";
      for (std::uint32_t c : it->second) {
        const auto& st = cur.communities[c].review;
        if (o.hydra_id.empty()) o.hydra_id = cur.communities[c].hydra_id;
        if (st && !st->from_labels && key_of(*st) == key) {
          o.hydra_id = cur.communities[c].hydra_id;
          o.status = st->in_force ? "applied" : "lapsed";
          break;
        }
      }
      R.reviews.push_back(std::move(o));
    }
  }

  // --- flags, histories, dormant hydras -----------------------------------------------------------------
  for (std::size_t c = 0; c < nc; ++c) {
    TrackedCommunity& C = cur.communities[c];
    C.flagged = scoring.communities[C.community].suspect;
    C.history.flagged_runs += C.flagged ? 1 : 0;
    C.history.banned_before = C.history.banned_before || C.banned > 0;
  }
  std::set<std::string> regrown_from;
  for (const auto& t : tracks)
    if (t.from_dormant) regrown_from.insert(t.hydra_id);
  for (const auto& d : prev.dormant)
    if (regrown_from.count(d.hydra_id) == 0 && cur.run - d.dissolved_run < options.dormant_runs) cur.dormant.push_back(d);
  if (options.dormant_runs > 0)
    for (const auto& e : R.match.ended) {
      if (e.event != HydraEvent::Dissolved) continue;
      const auto it = prev_by_id.find(e.hydra_id);
      if (it == prev_by_id.end()) continue;
      const TrackedCommunity& P = *it->second;
      const bool was_hot = P.flagged || P.banned > 0 || P.history.flagged_runs > 0 || P.history.banned_before ||
                           (P.review && P.review->decision == ReviewDecision::Confirmed);
      if (!was_hot || P.infrastructure.empty()) continue;
      TrackedCommunity d = P;
      d.hydra_id = e.hydra_id;
      d.community = kNoCommunity;
      d.dissolved_run = cur.run;
      cur.dormant.push_back(std::move(d));
    }
  std::sort(cur.dormant.begin(), cur.dormant.end(),
            [](const TrackedCommunity& a, const TrackedCommunity& b) { return a.hydra_id < b.hydra_id; });
  return R;
}

}  // namespace hydrascope
