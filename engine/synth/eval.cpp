// hydrascope eval: truth.json and accounts.csv readers, the metrics (AUROC,
// average precision, R-precision, ARI) and the per-cluster / per-kind scoring.
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numeric>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

#include "hydrascope/error.hpp"
#include "hydrascope/strings.hpp"
#include "hydrascope/eval.hpp"

namespace hydrascope {

namespace {


std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(file_location(path), "cannot open file");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Indices sorted by score, highest first (stable, so ties keep input order).
std::vector<std::size_t> by_score_desc(const std::vector<double>& scores) {
  std::vector<std::size_t> idx(scores.size());
  std::iota(idx.begin(), idx.end(), 0);
  std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
  return idx;
}

double comb2(double n) { return n * (n - 1) / 2.0; }

}  // namespace

Truth load_truth(const std::string& path) {
  const std::string text = read_all(path);
  rapidjson::Document d;
  d.Parse(text.data(), text.size());
  if (d.HasParseError()) {
    SourceLocation w = file_location(path);
    w.byte_offset = d.GetErrorOffset();
    throw InputError(w, std::string("invalid JSON: ") + rapidjson::GetParseError_En(d.GetParseError()));
  }
  if (!d.IsObject()) throw InputError(file_location(path), "truth must be a JSON object");
  auto m = d.FindMember("format");
  if (m == d.MemberEnd() || !m->value.IsString() || std::string(m->value.GetString()) != "hydrascope.truth")
    throw InputError(file_location(path, 0, "format"), "format must be \"hydrascope.truth\"");
  m = d.FindMember("version");
  if (m == d.MemberEnd() || !m->value.IsInt() || m->value.GetInt() != 1)
    throw InputError(file_location(path, 0, "version"), "version must be 1");
  Truth t;
  m = d.FindMember("clusters");
  if (m == d.MemberEnd() || !m->value.IsArray()) throw InputError(file_location(path, 0, "clusters"), "clusters must be an array");
  std::uint64_t ci = 0;
  for (const auto& c : m->value.GetArray()) {
    SourceLocation w = file_location(path);
    w.record_kind = "cluster";
    w.record_index = ci++;
    if (!c.IsObject()) throw InputError(w, "cluster must be an object");
    TruthCluster tc;
    auto f = c.FindMember("id");
    if (f != c.MemberEnd() && f->value.IsString()) tc.id = f->value.GetString();
    else if (f != c.MemberEnd() && f->value.IsInt64()) tc.id = std::to_string(f->value.GetInt64());
    else { w.field = "id"; throw InputError(w, "cluster id must be a string"); }
    w.record_id = tc.id;
    f = c.FindMember("kind");
    if (f == c.MemberEnd() || !f->value.IsString()) { w.field = "kind"; throw InputError(w, "kind must be a string"); }
    tc.kind = f->value.GetString();
    f = c.FindMember("accounts");
    if (f == c.MemberEnd() || !f->value.IsArray()) { w.field = "accounts"; throw InputError(w, "accounts must be an array"); }
    for (const auto& a : f->value.GetArray()) {
      if (!a.IsString()) { w.field = "accounts"; throw InputError(w, "account ids must be strings"); }
      tc.accounts.emplace_back(a.GetString(), a.GetStringLength());
    }
    t.clusters.push_back(std::move(tc));
  }
  m = d.FindMember("accounts");
  if (m != d.MemberEnd()) {
    if (!m->value.IsArray()) throw InputError(file_location(path, 0, "accounts"), "accounts must be an array");
    for (const auto& a : m->value.GetArray()) {
      if (!a.IsString()) throw InputError(file_location(path, 0, "accounts"), "account ids must be strings");
      t.accounts.emplace_back(a.GetString(), a.GetStringLength());
    }
  }
  return t;
}

std::vector<AccountRow> load_accounts_csv(const std::string& path) {
  // RFC 4180 records: an id may hold a quoted comma, quote or line break;
  // ids are analyst-table cells (a leading ' guards them against spreadsheets).
  std::vector<AccountRow> rows;
  bool header = true;
  for_each_csv_record(path, [&](std::uint64_t ln, std::vector<std::string>& f) {
    if (header) {
      header = false;
      if (f.size() < 4 || f[0] != "account_id" || f[1] != "community_id" || f[2] != "risk_score" || f[3] != "suspect")
        throw InputError(file_location(path, ln), "header must start with account_id,community_id,risk_score,suspect");
      return;
    }
    if (f.size() < 4) throw InputError(file_location(path, ln), "expected at least 4 columns, got " + std::to_string(f.size()));
    AccountRow r;
    r.account_id = std::string(sheet_cell_text(f[0]));
    if (r.account_id.empty()) throw InputError(file_location(path, ln, "account_id"), "empty account id");
    try {
      std::size_t used = 0;
      r.community_id = std::stoll(f[1], &used);
      if (used != f[1].size()) throw std::invalid_argument("x");
    } catch (const std::exception&) {
      throw InputError(file_location(path, ln, "community_id"), "not an integer: \"" + f[1] + "\"");
    }
    try {
      std::size_t used = 0;
      r.risk_score = std::stod(f[2], &used);
      if (used != f[2].size() || !std::isfinite(r.risk_score)) throw std::invalid_argument("x");
    } catch (const std::exception&) {
      throw InputError(file_location(path, ln, "risk_score"), "not a finite number: \"" + f[2] + "\"");
    }
    if (f[3] == "true" || f[3] == "1") r.suspect = true;
    else if (f[3] == "false" || f[3] == "0") r.suspect = false;
    else throw InputError(file_location(path, ln, "suspect"), "must be true or false, got \"" + f[3] + "\"");
    rows.push_back(std::move(r));
  });
  if (header) throw InputError(file_location(path, 1), "empty file: header row required");
  return rows;
}

double auroc(const std::vector<double>& scores, const std::vector<bool>& positive) {
  const std::size_t n = scores.size();
  std::vector<std::size_t> idx(n);
  std::iota(idx.begin(), idx.end(), 0);
  std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return scores[a] < scores[b]; });
  double pos = 0, rank_sum = 0;
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    while (j < n && scores[idx[j]] == scores[idx[i]]) ++j;
    const double avg_rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0;  // 1-based mid rank
    for (std::size_t k = i; k < j; ++k)
      if (positive[idx[k]]) { pos += 1; rank_sum += avg_rank; }
    i = j;
  }
  const double neg = static_cast<double>(n) - pos;
  if (pos == 0 || neg == 0) return 0.5;
  return (rank_sum - pos * (pos + 1) / 2.0) / (pos * neg);
}

double average_precision(const std::vector<double>& scores, const std::vector<bool>& positive) {
  const auto idx = by_score_desc(scores);
  double total_pos = 0;
  for (bool p : positive) total_pos += p ? 1 : 0;
  if (total_pos == 0) return 0.0;
  double tp = 0, seen = 0, ap = 0;
  for (std::size_t i = 0; i < idx.size();) {
    std::size_t j = i;
    double gp = 0;
    while (j < idx.size() && scores[idx[j]] == scores[idx[i]]) { gp += positive[idx[j]] ? 1 : 0; ++j; }
    tp += gp;
    seen += static_cast<double>(j - i);
    if (gp > 0) ap += (gp / total_pos) * (tp / seen);
    i = j;
  }
  return ap;
}

double r_precision(const std::vector<double>& scores, const std::vector<bool>& positive) {
  const auto idx = by_score_desc(scores);
  double total_pos = 0;
  for (bool p : positive) total_pos += p ? 1 : 0;
  if (total_pos == 0) return 0.0;
  const auto r = static_cast<std::size_t>(total_pos);
  double hits = 0;
  for (std::size_t i = 0; i < idx.size() && i < r;) {
    std::size_t j = i;
    double gp = 0;
    while (j < idx.size() && scores[idx[j]] == scores[idx[i]]) { gp += positive[idx[j]] ? 1 : 0; ++j; }
    const double take = static_cast<double>(std::min(j, r) - i);
    hits += gp * take / static_cast<double>(j - i);
    i = j;
  }
  return hits / total_pos;
}

double adjusted_rand_index(const std::vector<std::int64_t>& a, const std::vector<std::int64_t>& b) {
  if (a.size() != b.size()) throw std::invalid_argument("adjusted_rand_index: labelings differ in length");
  const double n = static_cast<double>(a.size());
  if (a.size() < 2) return 1.0;
  std::map<std::pair<std::int64_t, std::int64_t>, double> cells;
  std::map<std::int64_t, double> ra, rb;
  for (std::size_t i = 0; i < a.size(); ++i) { cells[{a[i], b[i]}] += 1; ra[a[i]] += 1; rb[b[i]] += 1; }
  double sum_cells = 0, sum_a = 0, sum_b = 0;
  for (const auto& [k, v] : cells) sum_cells += comb2(v);
  for (const auto& [k, v] : ra) sum_a += comb2(v);
  for (const auto& [k, v] : rb) sum_b += comb2(v);
  const double expected = sum_a * sum_b / comb2(n);
  const double max_index = 0.5 * (sum_a + sum_b);
  if (max_index == expected) return 1.0;  // both trivial and identical in structure
  return (sum_cells - expected) / (max_index - expected);
}

EvalResult evaluate(const Truth& truth, const std::vector<AccountRow>& rows, const EvalOptions& options) {
  EvalResult res;
  // Universe of scored accounts, in a fixed order.
  std::vector<std::string> universe;
  std::unordered_map<std::string, std::size_t> pos_of;
  auto add = [&](const std::string& id) {
    if (pos_of.emplace(id, universe.size()).second) universe.push_back(id);
  };
  for (const auto& c : truth.clusters) for (const auto& a : c.accounts) add(a);
  const bool closed = !truth.accounts.empty() || options.only_listed;
  if (!options.only_listed) for (const auto& a : truth.accounts) add(a);
  std::unordered_map<std::string, std::size_t> row_of;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (!row_of.emplace(rows[i].account_id, i).second) { ++res.duplicates; continue; }
    if (pos_of.find(rows[i].account_id) == pos_of.end()) {
      if (!closed) add(rows[i].account_id);
      else if (!options.only_listed) ++res.unknown;
    }
  }
  const std::size_t n = universe.size();
  std::vector<std::int64_t> truth_label(n), pred(n);
  std::vector<bool> positive(n, false), suspect(n, false);
  std::vector<double> score(n, 0.0);
  std::vector<bool> present(n, false);
  for (std::size_t i = 0; i < n; ++i) truth_label[i] = -static_cast<std::int64_t>(i) - 1;  // benign: alone
  for (std::size_t c = 0; c < truth.clusters.size(); ++c)
    if (truth.clusters[c].kind == "hydra")
      for (const auto& a : truth.clusters[c].accounts) { const auto p = pos_of.at(a); positive[p] = true; truth_label[p] = static_cast<std::int64_t>(c); }
  std::int64_t max_comm = 0;
  for (const auto& r : rows) max_comm = std::max(max_comm, r.community_id);
  for (std::size_t i = 0; i < n; ++i) {
    auto it = row_of.find(universe[i]);
    if (it == row_of.end()) { ++res.missing; pred[i] = max_comm + 1 + static_cast<std::int64_t>(i); continue; }
    const auto& r = rows[it->second];
    present[i] = true;
    score[i] = r.risk_score;
    suspect[i] = r.suspect;
    pred[i] = r.community_id;
  }
  res.scored = n;
  for (std::size_t i = 0; i < n; ++i) {
    if (positive[i]) { ++res.positives; if (suspect[i]) ++res.tp; else ++res.fn; }
    else { ++res.negatives; if (suspect[i]) ++res.fp; }
  }
  res.auroc = auroc(score, positive);
  res.average_precision = average_precision(score, positive);
  res.r_precision = r_precision(score, positive);
  res.precision = res.tp + res.fp > 0 ? static_cast<double>(res.tp) / static_cast<double>(res.tp + res.fp) : 0.0;
  res.recall = res.positives > 0 ? static_cast<double>(res.tp) / static_cast<double>(res.positives) : 0.0;
  res.f1 = res.precision + res.recall > 0 ? 2 * res.precision * res.recall / (res.precision + res.recall) : 0.0;
  res.ari = n > 0 ? adjusted_rand_index(truth_label, pred) : 0.0;
  res.calibration.assign(10, EvalResult::CalibrationBin{});
  for (std::size_t i = 0; i < n; ++i) {
    const double x = std::isfinite(score[i]) ? std::clamp(score[i], 0.0, 1.0) : 0.0;
    auto& b = res.calibration[std::min<std::size_t>(9, static_cast<std::size_t>(x * 10.0))];
    ++b.accounts;
    b.mean_risk += x;
    b.positive_share += positive[i] ? 1.0 : 0.0;
  }
  for (auto& b : res.calibration) {
    if (b.accounts == 0) continue;
    b.mean_risk /= static_cast<double>(b.accounts);
    b.positive_share /= static_cast<double>(b.accounts);
    res.ece += static_cast<double>(b.accounts) / static_cast<double>(n) * std::fabs(b.mean_risk - b.positive_share);
  }
  auto cluster_score = [&](const TruthCluster& c, ClusterScore& s) {
    std::map<std::int64_t, std::uint64_t> comm;
    for (const auto& a : c.accounts) {
      const auto p = pos_of.at(a);
      ++s.size;
      if (present[p]) { ++s.present; ++comm[pred[p]]; }
      if (suspect[p]) ++s.flagged;
    }
    std::uint64_t best = 0;
    for (const auto& [k, v] : comm) best = std::max(best, v);
    return best;
  };
  std::map<std::string, std::uint64_t> best_sum;
  for (const auto& c : truth.clusters) {
    if (c.kind == "hydra") {
      ClusterScore s;
      s.id = c.id;
      s.kind = c.kind;
      const auto best = cluster_score(c, s);
      s.recall = s.size ? static_cast<double>(s.flagged) / static_cast<double>(s.size) : 0.0;
      s.largest_community_share = s.present ? static_cast<double>(best) / static_cast<double>(s.present) : 0.0;
      if (s.size > 0 && 2 * s.flagged >= s.size) ++res.farms_flagged;
      res.hydra.push_back(s);
    } else {
      ClusterScore& s = res.lookalikes[c.kind];
      s.id = c.kind;
      s.kind = c.kind;
      best_sum[c.kind] += cluster_score(c, s);
    }
  }
  for (auto& [k, s] : res.lookalikes) {
    s.recall = s.size ? static_cast<double>(s.flagged) / static_cast<double>(s.size) : 0.0;
    s.largest_community_share = s.present ? static_cast<double>(best_sum[k]) / static_cast<double>(s.present) : 0.0;
  }
  return res;
}

}  // namespace hydrascope
