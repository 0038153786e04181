// accounts.csv, communities.json, run.json and the input checksum. RapidJSON
// Writer streams into an AtomicFile; numbers are printed deterministically.
#include <rapidjson/writer.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "hydrascope/atomic_file.hpp"
#include "hydrascope/error.hpp"
#include "hydrascope/export.hpp"
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

void append_fixed(std::string& out, double v, int decimals) {
  char buf[64];
  const int len = std::snprintf(buf, sizeof buf, "%.*f", decimals, std::isfinite(v) ? v : 0.0);
  out.append(buf, static_cast<std::size_t>(len));
}
void append_general(std::string& out, double v) {
  char buf[64];
  const int len = std::snprintf(buf, sizeof buf, "%.6g", std::isfinite(v) ? v : 0.0);
  out.append(buf, static_cast<std::size_t>(len));
}

std::string summary_sentence(const CommunityScore& cs, const CommunityDetail& d, double threshold, int min_groups) {
  if (!d.summary.empty()) return d.summary;  // written by scoring (it knows every requirement)
  std::string groups;
  for (int g = 0; g < kNumSignalGroups; ++g)
    if (d.group_strength[g] >= 0.5) {
      if (!groups.empty()) groups += ", ";
      groups += to_string(static_cast<SignalGroup>(g));
    }
  char risk[32];
  std::snprintf(risk, sizeof risk, "%.3f", cs.risk);
  char thr[32];
  std::snprintf(thr, sizeof thr, "%.3g", threshold);
  std::string out;
  if (cs.suspect) {
    out = "Flagged: " + std::to_string(d.fired_groups) + " independent signal groups fired (" + groups + "); risk " +
          risk + " >= threshold " + thr + ".";
  } else if (d.fired_groups < min_groups) {
    out = "Not flagged: " + std::to_string(d.fired_groups) + " signal group" + (d.fired_groups == 1 ? "" : "s") +
          " fired" + (groups.empty() ? std::string() : " (" + groups + ")") + ", at least " +
          std::to_string(min_groups) + " needed; risk " + risk + ".";
  } else {
    out = "Not flagged: " + std::to_string(d.fired_groups) + " signal groups fired (" + groups + ") but risk " + risk +
          " < threshold " + thr + ".";
  }
  return out;
}

}  // namespace

namespace exp {

std::vector<std::string> account_header(const AccountColumns& columns, std::size_t n) {
  std::vector<std::string> h = {"community_id", "risk_score", "suspect", "community_risk", "evidence"};
  if (columns.pagerank.size() == n) h.emplace_back("pagerank");
  if (columns.ppr.size() == n) h.emplace_back("ppr");
  if (columns.core.size() == n) h.emplace_back("core");
  return h;
}

void account_cells(const Snapshot& s, const Partition& partition, const ScoringResult& scoring,
                   const AccountColumns& columns, NodeId v, std::vector<std::string>& cells) {
  const std::size_t n = s.num_nodes();
  cells.clear();
  const CommunityId c = partition.membership[v];
  cells.push_back(std::to_string(c));
  std::string t;
  append_fixed(t, static_cast<double>(std::llround(scoring.account_risk[v] * 1e6)) / 1e6, 6);
  cells.push_back(std::move(t));
  cells.emplace_back(scoring.account_suspect[v] ? "true" : "false");
  t.clear();
  append_fixed(t, scoring.communities[c].risk, 6);
  cells.push_back(std::move(t));
  t.clear();
  append_fixed(t, scoring.account_evidence[v], 3);
  cells.push_back(std::move(t));
  if (columns.pagerank.size() == n) {
    t.clear();
    append_general(t, columns.pagerank[v]);
    cells.push_back(std::move(t));
  }
  if (columns.ppr.size() == n) {
    t.clear();
    append_general(t, columns.ppr[v]);
    cells.push_back(std::move(t));
  }
  if (columns.core.size() == n) cells.push_back(std::to_string(columns.core[v]));
}

}  // namespace exp

std::uint64_t write_accounts_csv(const std::string& path, const Snapshot& s, const Partition& partition,
                                 const ScoringResult& scoring, const AccountColumns& columns, bool formula_guard) {
  const NodeId n = s.num_nodes();
  std::vector<NodeId> accounts;
  for (NodeId v = 0; v < n; ++v)
    if (s.kind(v) == NodeKind::Account) accounts.push_back(v);
  // Sort on the printed risk (6 decimals) so that the order matches the file.
  std::vector<std::int64_t> printed(n, 0);
  for (NodeId v : accounts) printed[v] = std::llround(scoring.account_risk[v] * 1e6);
  std::sort(accounts.begin(), accounts.end(), [&](NodeId a, NodeId b) {
    if (printed[a] != printed[b]) return printed[a] > printed[b];
    return s.node_id(a) < s.node_id(b);
  });
  AtomicFile file(path);
  std::string buf = "account_id";
  for (const auto& h : exp::account_header(columns, n)) buf += "," + h;
  buf += '\n';
  std::vector<std::string> cells;
  for (NodeId v : accounts) {
    append_sheet_cell(buf, s.node_id(v), formula_guard);
    exp::account_cells(s, partition, scoring, columns, v, cells);
    for (const auto& c : cells) {
      buf += ',';
      buf += c;
    }
    buf += '\n';
    if (buf.size() >= (1u << 20)) {
      file.write(buf);
      buf.clear();
    }
  }
  file.write(buf);
  file.commit();
  return accounts.size();
}

void write_communities_json(const std::string& path, const Snapshot& s, const ScoringResult& scoring) {
  AtomicFile file(path);
  FileStream stream(file);
  JsonWriter w(stream);
  w.SetMaxDecimalPlaces(6);
  w.StartObject();
  key(w, "format");
  str(w, "hydrascope.communities");
  key(w, "version");
  w.Int(1);
  key(w, "threshold");
  w.Double(scoring.threshold);
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
  key(w, "snapshot_references");
  w.StartObject();
  key(w, "accounts_per_payment_method_p99");
  num(w, scoring.payment_accounts_p99);
  key(w, "accounts_per_ip_p99");
  num(w, scoring.ip_accounts_p99);
  key(w, "bands");
  w.StartArray();
  for (const auto& band : scoring.references) {
    w.StartObject();
    key(w, "accounts_min");
    w.Uint(band[0].band_lo);
    key(w, "accounts_max");
    if (band[0].band_hi == 0) w.Null();
    else w.Uint(band[0].band_hi);
    key(w, "communities");
    w.Uint64(band[0].communities);
    key(w, "features");
    w.StartObject();
    for (int f = 0; f < kNumFeatures; ++f) {
      key(w, to_string(static_cast<Feature>(f)));
      w.StartObject();
      key(w, "median");
      num(w, band[f].median);
      key(w, "scale");
      num(w, band[f].scale);
      key(w, "extreme");
      num(w, band[f].p99);
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

  key(w, "communities");
  w.StartArray();
  const int min_groups = 3;
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
    key(w, "suspect");
    w.Bool(cs.suspect);
    key(w, "fired_groups");
    w.Int(d.fired_groups);
    key(w, "explanation");
    w.StartArray();
    str(w, summary_sentence(cs, d, scoring.threshold, min_groups));
    for (const auto& f : d.fired) str(w, f.text);
    w.EndArray();
    key(w, "signals");
    w.StartArray();
    for (const auto& f : d.fired) {
      w.StartObject();
      key(w, "feature");
      str(w, to_string(f.feature));
      key(w, "group");
      str(w, to_string(group_of(f.feature)));
      key(w, "value");
      num(w, f.value);
      key(w, "strength");
      num(w, f.strength);
      w.EndObject();
    }
    w.EndArray();
    key(w, "groups");
    w.StartObject();
    for (int g = 0; g < kNumSignalGroups; ++g) {
      key(w, to_string(static_cast<SignalGroup>(g)));
      num(w, d.group_strength[g]);
    }
    w.EndObject();
    key(w, "features");
    w.StartObject();
    for (int f = 0; f < kNumFeatures; ++f) {
      key(w, to_string(static_cast<Feature>(f)));
      num(w, d.features[f]);
    }
    w.EndObject();
    key(w, "z");
    w.StartObject();
    for (int f = 0; f < kNumFeatures; ++f) {
      key(w, to_string(static_cast<Feature>(f)));
      num(w, d.z[f]);
    }
    w.EndObject();
    if (!d.top_payment.empty()) {
      key(w, "top_payment_method");
      str(w, d.top_payment);
    }
    if (!d.top_ip_prefix.empty()) {
      key(w, "top_ip_prefix");
      str(w, d.top_ip_prefix);
    }
    if (!d.top_proxy.empty()) {
      key(w, "top_proxy");
      str(w, d.top_proxy);
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
