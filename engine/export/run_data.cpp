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
#include "hydrascope/tracking.hpp"

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

std::string read_text(const std::string& path) {
  std::FILE* fp = std::fopen(path.c_str(), "rb");
  if (fp == nullptr) throw InputError(file_location(path), std::string("cannot read: ") + std::strerror(errno));
  std::string text;
  char buf[1 << 16];
  std::size_t got;
  while ((got = std::fread(buf, 1, sizeof buf, fp)) > 0) text.append(buf, got);
  std::fclose(fp);
  return text;
}

// communities.json of a run folder, parsed and checked for its format.
void parse_communities(const std::string& cpath, rapidjson::Document& doc) {
  const std::string text = read_text(cpath);
  doc.Parse<kJsonParseFlags>(text.data(), text.size());
  if (doc.HasParseError()) {
    SourceLocation w = file_location(cpath);
    w.byte_offset = doc.GetErrorOffset();
    throw InputError(w, "not valid JSON");
  }
  if (!doc.IsObject() || !doc.HasMember("format") || !doc["format"].IsString() ||
      std::string_view(doc["format"].GetString()) != "hydrascope.communities")
    throw InputError(file_location(cpath, 0, "format"), "not a hydrascope communities.json (format must be \"hydrascope.communities\")");
  if (!doc.HasMember("communities") || !doc["communities"].IsArray())
    throw InputError(file_location(cpath, 0, "communities"), "missing or not an array");
}

// Typed members of a communities.json object, with located errors.
struct JsonFields {
  const rapidjson::Value& v;
  SourceLocation where;
  std::string prefix;  // field path of v ("" at a record's top)

  [[noreturn]] void fail(const char* name, const std::string& what) const {
    SourceLocation w = where;
    w.field = prefix + name;
    throw InputError(w, what);
  }
  const rapidjson::Value* find(const char* name) const {
    const auto it = v.FindMember(name);
    return it == v.MemberEnd() || it->value.IsNull() ? nullptr : &it->value;
  }
  std::uint64_t uint(const char* name, bool required = true, std::uint64_t dflt = 0) const {
    const auto* x = find(name);
    if (x == nullptr) {
      if (required) fail(name, "missing (a non-negative integer is required)");
      return dflt;
    }
    if (!x->IsUint64()) fail(name, "must be a non-negative integer");
    return x->GetUint64();
  }
  bool boolean(const char* name, bool required = true, bool dflt = false) const {
    const auto* x = find(name);
    if (x == nullptr) {
      if (required) fail(name, "missing (true or false is required)");
      return dflt;
    }
    if (!x->IsBool()) fail(name, "must be true or false");
    return x->GetBool();
  }
  std::string string(const char* name, bool required = true) const {
    const auto* x = find(name);
    if (x == nullptr) {
      if (required) fail(name, "missing (a string is required)");
      return {};
    }
    if (!x->IsString()) fail(name, "must be a string");
    return std::string(x->GetString(), x->GetStringLength());
  }
  JsonFields object(const char* name) const {
    const auto* x = find(name);
    if (x == nullptr || !x->IsObject()) fail(name, "missing or not an object");
    return JsonFields{*x, where, prefix + name + "."};
  }
};

std::vector<InfraEntity> read_infrastructure(const JsonFields& f) {
  std::vector<InfraEntity> out;
  const auto* x = f.find("infrastructure");
  if (x == nullptr) return out;
  if (!x->IsArray()) f.fail("infrastructure", "must be an array of [id, type, accounts]");
  for (const auto& e : x->GetArray()) {
    if (!e.IsArray() || e.Size() != 3 || !e[0].IsString() || !e[1].IsString() || !e[2].IsUint())
      f.fail("infrastructure", "each entry must be [id, type, accounts]");
    out.push_back({std::string(e[0].GetString(), e[0].GetStringLength()), std::string(e[1].GetString(), e[1].GetStringLength()),
                   e[2].GetUint()});
  }
  return out;
}

HydraHistory read_history(const JsonFields& f) {
  HydraHistory h;
  if (f.find("history") == nullptr) return h;
  const JsonFields g = f.object("history");
  h.first_run = g.uint("first_run");
  h.flagged_runs = g.uint("flagged_runs");
  h.banned_before = g.boolean("banned_before");
  return h;
}

std::optional<ReviewState> read_review(const JsonFields& f) {
  if (f.find("review") == nullptr) return std::nullopt;
  const JsonFields g = f.object("review");
  ReviewState r;
  const std::string decision = g.string("decision");
  const auto d = parse_review_decision(decision);
  if (!d) g.fail("decision", "must be trusted, confirmed or ignore, got \"" + decision + "\"");
  r.decision = *d;
  r.in_force = g.boolean("in_force");
  const std::string source = g.string("source");
  if (source != "labels" && source != "reviews") g.fail("source", "must be labels or reviews, got \"" + source + "\"");
  r.from_labels = source == "labels";
  const std::string kind = g.string("target_kind");
  if (kind == "hydra_id") r.target_kind = ReviewTarget::Hydra;
  else if (kind == "account_id") r.target_kind = ReviewTarget::Account;
  else if (kind == "entity_id") r.target_kind = ReviewTarget::Entity;
  else g.fail("target_kind", "must be hydra_id, account_id or entity_id, got \"" + kind + "\"");
  r.target = g.string("target");
  r.by = g.string("by");
  r.note = g.string("note", false);
  const std::string at = g.string("at", false);
  if (!at.empty() && !parse_rfc3339(at, r.at)) g.fail("at", "not an RFC 3339 time: \"" + at + "\"");
  r.since_run = g.uint("since_run");
  r.lapsed = g.string("lapsed", false);
  const JsonFields b = g.object("baseline");
  r.baseline_accounts = b.uint("accounts");
  r.baseline_flagged = b.uint("flagged", false);
  if (const auto* ids = b.find("infrastructure")) {
    if (!ids->IsArray()) b.fail("infrastructure", "must be an array of ids");
    for (const auto& id : ids->GetArray()) {
      if (!id.IsString()) b.fail("infrastructure", "must be an array of ids");
      r.baseline_infrastructure.emplace_back(id.GetString(), id.GetStringLength());
    }
  }
  return r;
}

}  // namespace

// The community features every account of a suspect subgraph carries as
// hydrascope_<name> attributes (the rest are in communities.json): what an
// analyst colours or filters a graph by in Gephi, Cytoscape or Neo4j.
bool exported_community_feature(std::string_view name) {
  static constexpr std::string_view kExported[] = {
      "c_log_accounts", "c_core_share", "c_exclusive", "c_payment_top_share", "c_ip_top_share",
      "c_proxy_top_share", "c_device_top_share", "c_entity_top_share", "c_links_internal",
      "c_sync", "c_spread", "c_burst_6h", "c_pivot"};
  for (auto e : kExported)
    if (e == name) return true;
  return false;
}

struct RunData::Impl {
  std::vector<CommunityId> community;  // per node
  std::vector<std::uint8_t> suspect;   // per node (accounts.csv `suspect`)
  std::unordered_map<CommunityId, std::string> hydra;  // communities with a hydra id
  std::set<CommunityId> confirmed;     // communities a confirmed decision holds flagged
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
  rapidjson::Document doc;
  parse_communities(cpath, doc);
  m.suspect.assign(s.num_nodes(), 0);
  if (!doc.HasMember("ranking") || !doc["ranking"].IsArray())
    throw InputError(file_location(cpath, 0, "ranking"), "missing or not an array");
  for (const auto& c : doc["ranking"].GetArray()) {
    if (!c.IsUint()) throw InputError(file_location(cpath, 0, "ranking"), "community ids must be non-negative integers");
    m.ranking.push_back(c.GetUint());
  }
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
        if (f.value.IsNumber() && exported_community_feature(std::string_view(f.name.GetString(), f.name.GetStringLength())))
          info.features.emplace_back(m.intern("hydrascope_" + std::string(f.name.GetString(), f.name.GetStringLength())),
                                     f.value.GetDouble());
    const CommunityId id = c["id"].GetUint();
    const JsonFields f{c, w, ""};
    std::string hydra = f.string("hydra_id", false);
    if (!hydra.empty()) m.hydra[id] = std::move(hydra);
    if (const auto review = read_review(f); review && review->decision == ReviewDecision::Confirmed) m.confirmed.insert(id);
    m.communities[id] = std::move(info);
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
    f[0] = std::string(sheet_cell_text(f[0]));  // accounts.csv guards ids against spreadsheets
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
    m.suspect[v] = f[3] == "true";
  });
  if (header) throw InputError(file_location(apath, 1), "empty file: header row required");
  return r;
}

TrackedRun RunData::read_tracking(const std::string& dir_in) {
  std::string dir = dir_in;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  TrackedRun r;
  r.name = dir;
  const std::string cpath = dir + "/communities.json";
  rapidjson::Document doc;
  parse_communities(cpath, doc);
  const JsonFields top{doc, file_location(cpath), ""};
  r.tracked = top.find("tracking") != nullptr;
  if (r.tracked) {
    const JsonFields t = top.object("tracking");
    r.run = t.uint("run");
    r.next_hydra = t.uint("next_hydra");
    if (const auto* dormant = t.find("dormant")) {
      if (!dormant->IsArray()) t.fail("dormant", "must be an array");
      std::uint64_t index = 0;
      for (const auto& d : dormant->GetArray()) {
        SourceLocation w = file_location(cpath);
        w.record_kind = "dormant hydra";
        w.record_index = index++;
        if (!d.IsObject()) throw InputError(w, "must be an object");
        const JsonFields f{d, w, ""};
        TrackedCommunity c;
        c.hydra_id = f.string("hydra_id");
        c.accounts = f.uint("accounts");
        c.banned = f.uint("banned");
        c.flagged = f.boolean("flagged");
        c.model_flagged = f.uint("model_flagged", false);
        c.dissolved_run = f.uint("dissolved_run");
        c.history = read_history(f);
        c.review = read_review(f);
        c.infrastructure = read_infrastructure(f);
        r.dormant.push_back(std::move(c));
      }
    }
  }
  std::unordered_map<CommunityId, std::uint32_t> index_of;
  std::uint64_t index = 0;
  for (const auto& c : doc["communities"].GetArray()) {
    SourceLocation w = file_location(cpath);
    w.record_kind = "community";
    w.record_index = index++;
    if (!c.IsObject()) throw InputError(w, "must be an object");
    const JsonFields f{c, w, ""};
    TrackedCommunity t;
    const std::uint64_t id = f.uint("id");
    if (id >= kNoCommunity) f.fail("id", "too large");
    t.community = static_cast<CommunityId>(id);
    t.accounts = f.uint("accounts");
    t.flagged = f.boolean("suspect");
    t.model_flagged = f.uint("model_flagged", false, f.uint("flagged", false));
    if (f.find("labels") != nullptr) {
      const JsonFields l = f.object("labels");
      t.banned = l.uint("banned", false);
      t.trusted_labels = l.uint("trusted", false);
    }
    t.hydra_id = f.string("hydra_id", r.tracked);
    t.history = read_history(f);
    t.review = read_review(f);
    t.infrastructure = read_infrastructure(f);
    if (!index_of.emplace(t.community, static_cast<std::uint32_t>(r.communities.size())).second)
      f.fail("id", "community " + std::to_string(id) + " is listed twice");
    r.communities.push_back(std::move(t));
  }
  // accounts.csv: every account and its community.
  const std::string apath = dir + "/accounts.csv";
  bool header = true;
  for_each_csv_record(apath, [&](std::uint64_t line, std::vector<std::string>& f) {
    if (header) {
      header = false;
      if (f.size() < 4 || f[0] != "account_id" || f[1] != "community_id")
        throw InputError(file_location(apath, line), "header must start with account_id,community_id,risk_score,suspect");
      return;
    }
    if (f.size() < 2) throw InputError(file_location(apath, line), "expected at least 2 columns, got " + std::to_string(f.size()));
    std::uint32_t c = 0;
    const auto res = std::from_chars(f[1].data(), f[1].data() + f[1].size(), c);
    if (res.ec != std::errc() || res.ptr != f[1].data() + f[1].size() || c == kNoCommunity) {
      SourceLocation w = file_location(apath, line, "community_id");
      w.record_id = f[0];
      throw InputError(w, "not a community id: \"" + f[1] + "\"");
    }
    const auto it = index_of.find(c);
    r.account_ids.push_back(std::move(f[0]));
    r.account_community.push_back(c);
    r.account_tracked.push_back(it == index_of.end() ? TrackedRun::kUntracked : it->second);
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
  m.suspect.assign(s.num_nodes(), 0);
  for (NodeId v = 0; v < s.num_nodes(); ++v)
    if (s.kind(v) == NodeKind::Account) {
      m.community[v] = p.membership[v];
      m.suspect[v] = scoring.account_suspect[v];
    }
  for (CommunityId c = 0; c < columns.hydra_id.size(); ++c)
    if (!columns.hydra_id[c].empty()) m.hydra[c] = columns.hydra_id[c];
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
      if (doc[static_cast<rapidjson::SizeType>(f + 1)].IsNumber() && exported_community_feature(names[f]))
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
    const NodeId v = m.snapshot->find_node(sheet_cell_text(f[0]));
    if (want.count(v) == 0 || m.prepared.count(v) != 0) return;
    std::vector<std::string> cells(f.begin() + 1, f.end());
    m.add(v, cells);
  });
}

void RunData::forget() { impl_->prepared.clear(); }

bool RunData::suspect(NodeId v) const noexcept { return v < impl_->suspect.size() && impl_->suspect[v] != 0; }

std::string_view RunData::hydra_id(CommunityId c) const noexcept {
  const auto it = impl_->hydra.find(c);
  return it == impl_->hydra.end() ? std::string_view() : std::string_view(it->second);
}

bool RunData::confirmed(CommunityId c) const noexcept { return impl_->confirmed.count(c) != 0; }

std::span<const AttrInput> RunData::attrs(NodeId v) const {
  auto it = impl_->prepared.find(v);
  if (it == impl_->prepared.end()) return {};
  return it->second.attrs;
}

}  // namespace hydrascope
