// RunData: what a run adds to exported subgraphs, read from a run folder
// (communities.json, accounts.csv) or taken from a run in memory. Both paths
// produce the same attribute text: accounts.csv cells as written, and the
// community features as communities.json prints them.
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <charconv>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "export_internal.hpp"
#include "hydrascope/error.hpp"
#include "hydrascope/io.hpp"

namespace hydrascope {

namespace {

constexpr unsigned kJsonParseFlags = rapidjson::kParseFullPrecisionFlag;

struct CommunityInfo {
  double risk = 0.0;
  std::vector<std::pair<std::string_view, double>> features;  // keys interned in Impl::names
};

struct NodeAttrs {
  std::vector<std::string> texts;
  std::vector<AttrInput> attrs;
};


// Streams the RFC 4180 records of a file (quoted fields may hold commas,
// quotes and line breaks) to f(line of the record's start, fields).
void for_each_csv_record(const std::string& path,
                         const std::function<void(std::uint64_t, std::vector<std::string>&)>& f) {
  std::FILE* fp = std::fopen(path.c_str(), "rb");
  if (fp == nullptr) throw InputError(file_location(path), std::string("cannot read: ") + std::strerror(errno));
  struct Closer {
    std::FILE* fp;
    ~Closer() { std::fclose(fp); }
  } closer{fp};
  std::vector<char> buf(std::size_t{1} << 20);
  std::vector<std::string> fields(1);
  bool quoted = false, after_quote = false, any = false;
  std::uint64_t line = 1, record_line = 1;
  auto end_record = [&] {
    if (any || fields.size() > 1 || !fields[0].empty()) f(record_line, fields);
    fields.assign(1, std::string());
    any = false;
    after_quote = false;
  };
  std::size_t got;
  bool cr = false;
  while ((got = std::fread(buf.data(), 1, buf.size(), fp)) > 0) {
    for (std::size_t i = 0; i < got; ++i) {
      const char c = buf[i];
      if (c == '\n') ++line;
      if (quoted) {
        if (c == '"') {
          quoted = false;
          after_quote = true;
        } else {
          fields.back().push_back(c);
        }
        continue;
      }
      if (cr && c == '\n') {
        cr = false;
        record_line = line;
        continue;
      }
      cr = false;
      if (c == '"') {
        if (after_quote) fields.back().push_back('"');  // "" inside a quoted field
        else if (!fields.back().empty()) throw InputError(file_location(path, line), "stray quote inside an unquoted field");
        quoted = true;
        after_quote = false;
        any = true;
      } else if (c == ',') {
        fields.emplace_back();
        after_quote = false;
        any = true;
      } else if (c == '\n' || c == '\r') {
        end_record();
        cr = c == '\r';
        record_line = line;
      } else {
        if (after_quote) throw InputError(file_location(path, line), "text after a closing quote");
        fields.back().push_back(c);
        any = true;
      }
    }
  }
  if (std::ferror(fp) != 0) throw InputError(file_location(path), std::string("read error: ") + std::strerror(errno));
  if (quoted) throw InputError(file_location(path, record_line), "unterminated quoted field");
  end_record();
}

// Risk and features text as communities.json prints them (6 decimals at most).
std::string json_numbers(std::span<const double> values) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  w.SetMaxDecimalPlaces(6);
  w.StartArray();
  for (double v : values) {
    if (std::isfinite(v)) w.Double(v);
    else w.Null();
  }
  w.EndArray();
  return sb.GetString();
}

}  // namespace

struct RunData::Impl {
  std::vector<CommunityId> community;  // per node
  std::vector<CommunityId> ranking;
  std::map<CommunityId, CommunityInfo> communities;  // scored
  std::set<std::string, std::less<>> names;          // interned attribute keys
  std::vector<std::string_view> column_keys;         // hydrascope_<accounts.csv column>
  std::unordered_map<NodeId, NodeAttrs> prepared;
  // Folder source
  std::string dir;
  const Snapshot* snapshot = nullptr;
  // Memory source
  const Partition* partition = nullptr;
  const ScoringResult* scoring = nullptr;
  AccountColumns columns;

  std::string_view intern(std::string s) { return *names.insert(std::move(s)).first; }

  void set_columns(const std::vector<std::string>& header) {
    column_keys.clear();
    for (const auto& h : header) column_keys.push_back(intern("hydrascope_" + h));
  }

  // Attributes of account v from its accounts.csv cells (after the id).
  void add(NodeId v, std::vector<std::string>& cells) {
    NodeAttrs& na = prepared[v];
    na.texts = std::move(cells);
    const std::size_t k = std::min(na.texts.size(), column_keys.size());
    for (std::size_t i = 0; i < k; ++i) {
      if (na.texts[i].empty()) continue;  // e.g. no top_family: the attribute is absent, not ""
      const std::string_view key = column_keys[i];
      const bool integer = key == "hydrascope_community_id" || key == "hydrascope_core";
      na.attrs.push_back(typed_attr(key, na.texts[i], integer));
    }
    auto it = communities.find(community[v]);
    if (it != communities.end())
      for (const auto& [key, value] : it->second.features) {
        AttrInput a;
        a.key = key;
        a.type = AttrType::Double;
        a.real = value;
        na.attrs.push_back(a);
      }
  }
};

RunData::RunData() : impl_(std::make_unique<Impl>()) {}
RunData::~RunData() = default;
RunData::RunData(RunData&&) noexcept = default;
RunData& RunData::operator=(RunData&&) noexcept = default;

RunData RunData::from_folder(const std::string& dir_in, const Snapshot& s) {
  RunData r;
  Impl& m = *r.impl_;
  std::string dir = dir_in;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  m.dir = dir;
  m.snapshot = &s;
  m.community.assign(s.num_nodes(), kNoCommunity);

  // communities.json: ranking and scored communities.
  const std::string cpath = dir + "/communities.json";
  std::string text;
  {
    std::FILE* fp = std::fopen(cpath.c_str(), "rb");
    if (fp == nullptr) throw InputError(file_location(cpath), std::string("cannot read: ") + std::strerror(errno));
    char buf[1 << 16];
    std::size_t got;
    while ((got = std::fread(buf, 1, sizeof buf, fp)) > 0) text.append(buf, got);
    std::fclose(fp);
  }
  rapidjson::Document doc;
  doc.Parse<kJsonParseFlags>(text.data(), text.size());
  if (doc.HasParseError()) {
    SourceLocation w = file_location(cpath);
    w.byte_offset = doc.GetErrorOffset();
    throw InputError(w, "not valid JSON");
  }
  if (!doc.IsObject() || !doc.HasMember("format") || !doc["format"].IsString() ||
      std::string_view(doc["format"].GetString()) != "hydrascope.communities")
    throw InputError(file_location(cpath, 0, "format"), "not a hydrascope communities.json (format must be \"hydrascope.communities\")");
  if (!doc.HasMember("ranking") || !doc["ranking"].IsArray())
    throw InputError(file_location(cpath, 0, "ranking"), "missing or not an array");
  for (const auto& c : doc["ranking"].GetArray()) {
    if (!c.IsUint()) throw InputError(file_location(cpath, 0, "ranking"), "community ids must be non-negative integers");
    m.ranking.push_back(c.GetUint());
  }
  if (!doc.HasMember("communities") || !doc["communities"].IsArray())
    throw InputError(file_location(cpath, 0, "communities"), "missing or not an array");
  std::uint64_t index = 0;
  for (const auto& c : doc["communities"].GetArray()) {
    SourceLocation w = file_location(cpath);
    w.record_kind = "community";
    w.record_index = index++;
    if (!c.IsObject() || !c.HasMember("id") || !c["id"].IsUint()) {
      w.field = "id";
      throw InputError(w, "missing or not a non-negative integer");
    }
    if (!c.HasMember("risk") || !c["risk"].IsNumber()) {
      w.field = "risk";
      throw InputError(w, "missing or not a number");
    }
    CommunityInfo info;
    info.risk = c["risk"].GetDouble();
    if (c.HasMember("features") && c["features"].IsObject())
      for (const auto& f : c["features"].GetObject())
        if (f.value.IsNumber())
          info.features.emplace_back(m.intern("hydrascope_" + std::string(f.name.GetString(), f.name.GetStringLength())),
                                     f.value.GetDouble());
    m.communities[c["id"].GetUint()] = std::move(info);
  }

  // accounts.csv: header and the community of every account.
  const std::string apath = dir + "/accounts.csv";
  bool header = true;
  for_each_csv_record(apath, [&](std::uint64_t line, std::vector<std::string>& f) {
    if (header) {
      header = false;
      if (f.size() < 4 || f[0] != "account_id" || f[1] != "community_id" || f[2] != "risk_score" || f[3] != "suspect")
        throw InputError(file_location(apath, line), "header must start with account_id,community_id,risk_score,suspect");
      std::vector<std::string> cols(f.begin() + 1, f.end());
      m.set_columns(cols);
      return;
    }
    if (f.size() != m.column_keys.size() + 1)
      throw InputError(file_location(apath, line), "expected " + std::to_string(m.column_keys.size() + 1) + " columns, got " +
                                            std::to_string(f.size()));
    const NodeId v = s.find_node(f[0]);
    if (v == kInvalidNode) {
      SourceLocation w = file_location(apath, line, "account_id");
      w.record_id = f[0];
      throw InputError(w, "account not in the snapshot (is this the run of another snapshot?)");
    }
    std::uint32_t c = 0;
    const auto r = std::from_chars(f[1].data(), f[1].data() + f[1].size(), c);
    if (r.ec != std::errc() || r.ptr != f[1].data() + f[1].size() || c == kNoCommunity) {
      SourceLocation w = file_location(apath, line, "community_id");
      w.record_id = f[0];
      throw InputError(w, "not a community id: \"" + f[1] + "\"");
    }
    m.community[v] = c;
  });
  if (header) throw InputError(file_location(apath, 1), "empty file: header row required");
  return r;
}

RunData RunData::from_result(const Snapshot& s, const Partition& p, const ScoringResult& scoring,
                             const AccountColumns& columns) {
  RunData r;
  Impl& m = *r.impl_;
  m.snapshot = &s;
  m.partition = &p;
  m.scoring = &scoring;
  m.columns = columns;
  m.community.assign(s.num_nodes(), kNoCommunity);
  for (NodeId v = 0; v < s.num_nodes(); ++v)
    if (s.kind(v) == NodeKind::Account) m.community[v] = p.membership[v];
  m.ranking = scoring.ranking;
  m.set_columns(exp::account_header(columns, s.num_nodes()));
  // Round risk and features through the text communities.json holds.
  std::vector<double> values;
  const auto& names = scoring.community_feature_names;
  for (const auto& d : scoring.details) {
    values.assign(1, scoring.communities[d.community].risk);
    const std::size_t nf = std::min(d.features.size(), names.size());
    for (std::size_t f = 0; f < nf; ++f) values.push_back(d.features[f]);
    const std::string text = json_numbers(values);
    rapidjson::Document doc;
    doc.Parse<kJsonParseFlags>(text.data(), text.size());
    CommunityInfo info;
    info.risk = doc[0].GetDouble();
    for (std::size_t f = 0; f < nf; ++f)
      if (doc[static_cast<rapidjson::SizeType>(f + 1)].IsNumber())
        info.features.emplace_back(m.intern("hydrascope_" + names[f]), doc[static_cast<rapidjson::SizeType>(f + 1)].GetDouble());
    m.communities[d.community] = std::move(info);
  }
  return r;
}

CommunityId RunData::community(NodeId v) const noexcept {
  return v < impl_->community.size() ? impl_->community[v] : kNoCommunity;
}

const std::vector<CommunityId>& RunData::ranking() const noexcept { return impl_->ranking; }

std::vector<CommunityId> RunData::communities_at_least(double min_risk) const {
  std::vector<std::pair<double, CommunityId>> v;
  for (const auto& [c, info] : impl_->communities)
    if (info.risk >= min_risk) v.emplace_back(info.risk, c);
  std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first > b.first;
    return a.second < b.second;
  });
  std::vector<CommunityId> out;
  for (const auto& p : v) out.push_back(p.second);
  return out;
}

std::vector<std::vector<NodeId>> RunData::accounts_of(std::span<const CommunityId> communities) const {
  std::unordered_map<CommunityId, std::size_t> slot;
  for (std::size_t i = 0; i < communities.size(); ++i) slot.emplace(communities[i], i);
  std::vector<std::vector<NodeId>> out(communities.size());
  const auto& c = impl_->community;
  for (NodeId v = 0; v < c.size(); ++v) {
    if (c[v] == kNoCommunity) continue;
    auto it = slot.find(c[v]);
    if (it != slot.end()) out[it->second].push_back(v);
  }
  // A community listed twice gets the same members in each slot.
  for (std::size_t i = 0; i < communities.size(); ++i)
    if (slot[communities[i]] != i) out[i] = out[slot[communities[i]]];
  return out;
}

void RunData::prepare(std::span<const NodeId> nodes) {
  // Accumulates: nodes prepared before keep their attributes, so that a
  // caller can prepare every subgraph's nodes in one pass over accounts.csv.
  Impl& m = *impl_;
  std::unordered_set<NodeId> want;
  for (NodeId v : nodes)
    if (v < m.community.size() && m.community[v] != kNoCommunity && m.prepared.count(v) == 0) want.insert(v);
  if (want.empty()) return;
  if (m.scoring != nullptr) {
    std::vector<std::string> cells;
    for (NodeId v : nodes)
      if (want.count(v) != 0 && m.prepared.count(v) == 0) {
        exp::account_cells(*m.snapshot, *m.partition, *m.scoring, m.columns, v, cells);
        m.add(v, cells);
      }
    return;
  }
  const std::string apath = m.dir + "/accounts.csv";
  bool header = true;
  for_each_csv_record(apath, [&](std::uint64_t, std::vector<std::string>& f) {
    if (header) {
      header = false;
      return;
    }
    const NodeId v = m.snapshot->find_node(f[0]);
    if (want.count(v) == 0 || m.prepared.count(v) != 0) return;
    std::vector<std::string> cells(f.begin() + 1, f.end());
    m.add(v, cells);
  });
}

void RunData::forget() { impl_->prepared.clear(); }

std::span<const AttrInput> RunData::attrs(NodeId v) const {
  auto it = impl_->prepared.find(v);
  if (it == impl_->prepared.end()) return {};
  return it->second.attrs;
}

}  // namespace hydrascope
