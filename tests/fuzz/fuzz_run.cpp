// libFuzzer target of the whole `hydrascope run` pipeline (issue 17): the
// input is a small program that mutates a generated snapshot (node ids,
// attributes, labels, timestamps, edge weights) and picks the run's options;
// the mutated snapshot is run through hydrascope::cli::run_command_line, the
// very dispatch the executable's main() calls, so the target keeps covering
// load, build, detection, scoring and every export however they are
// reorganised behind the command line.
//
// A finding: a crash or sanitizer report; exit code 3 (internal error) or
// any code but 0, 1 (bad input), 2 (bad option), 4 (resource limit); and,
// after exit 0: run.json that is not JSON or records another seed,
// accounts.csv that eval's reader cannot read or whose row count is not the
// number of accounts, a suspect subgraph (JSON, or the CSV pair when written
// exactly) that does not load, a leftover temporary or lock, or (one input in
// eight) a second identical run whose accounts.csv or communities.json differ.
#include <fcntl.h>
#include <rapidjson/document.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli_util.hpp"
#include "fuzz_util.hpp"
#include "hydrascope/eval.hpp"
#include "hydrascope/io.hpp"

namespace {

namespace fs = std::filesystem;
using hydrascope::fuzz::finding;
using hydrascope::fuzz::scratch;

int run_cli(std::vector<std::string> args) {
  args.insert(args.begin(), "hydrascope");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  return hydrascope::cli::run_command_line(static_cast<int>(args.size()), argv.data());
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The base world: the first 150 accounts of a generated 1,000-account world,
// the entities they use and the edges among them, as NDJSON records (nodes,
// then edges) kept as parsed JSON objects.
struct Base {
  std::string header;
  std::vector<rapidjson::Document> nodes, edges;
};

const Base& base() {
  static const Base* const b = [] {
    auto* out = new Base;
    // Generated once and shared by the fork-mode jobs (the same arguments
    // give the same bytes): a job then starts in milliseconds, not seconds.
    const char* tmp = std::getenv("TMPDIR");
    const std::string cached = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") +
                               "/hydrascope-fuzz-run-world-1000-7.ndjson";
    if (!fs::exists(cached)) {
      const std::string dir = scratch() + "/world";
      if (run_cli({"-q", "generate", "--accounts", "1000", "--seed", "7", "--out", dir}) != 0) finding("generate failed");
      std::error_code ec;
      fs::rename(dir + "/snapshot.ndjson", cached, ec);  // atomic: another job may do the same
      if (ec) fs::copy_file(dir + "/snapshot.ndjson", cached, fs::copy_options::overwrite_existing, ec);
    }
    std::istringstream in(slurp(cached));
    std::string line;
    std::getline(in, line);
    out->header = line;
    std::vector<std::string> keep_ids;
    std::vector<rapidjson::Document> all_edges;
    std::vector<rapidjson::Document> all_nodes;
    int accounts = 0;
    while (std::getline(in, line)) {
      rapidjson::Document d;
      d.Parse(line.c_str(), line.size());
      if (d.HasParseError() || !d.IsObject()) finding("generated NDJSON does not parse");
      if (std::string(d["kind"].GetString()) == "node") all_nodes.push_back(std::move(d));
      else all_edges.push_back(std::move(d));
    }
    std::vector<std::string> wanted;
    for (auto& n : all_nodes)
      if (std::string(n["type"].GetString()) == "account" && accounts < 150) {
        ++accounts;
        wanted.emplace_back(n["id"].GetString());
      }
    auto is_wanted = [&](const std::string& id) {
      for (const auto& w : wanted)
        if (w == id) return true;
      return false;
    };
    std::vector<std::string> entities;
    for (auto& e : all_edges) {
      const std::string s = e["src"].GetString(), t = e["dst"].GetString();
      if (is_wanted(s) || is_wanted(t)) {
        entities.push_back(is_wanted(s) ? t : s);
        out->edges.push_back(std::move(e));
      }
    }
    for (auto& n : all_nodes) {
      const std::string id = n["id"].GetString();
      bool keep = is_wanted(id);
      for (std::size_t i = 0; !keep && i < entities.size(); ++i) keep = entities[i] == id;
      if (keep) out->nodes.push_back(std::move(n));
    }
    // Edges whose both ends are kept (an entity-entity edge may name a dropped node).
    std::vector<rapidjson::Document> edges;
    for (auto& e : out->edges) edges.push_back(std::move(e));
    out->edges.clear();
    for (auto& e : edges) {
      const std::string s = e["src"].GetString(), t = e["dst"].GetString();
      bool hs = false, ht = false;
      for (auto& n : out->nodes) {
        const std::string id = n["id"].GetString();
        hs = hs || id == s;
        ht = ht || id == t;
      }
      if (hs && ht) out->edges.push_back(std::move(e));
    }
    return out;
  }();
  return *b;
}

// Reads the fuzz input front to back; 0 once it is used up.
struct Reader {
  const std::uint8_t* p;
  std::size_t n;
  std::uint8_t byte() {
    if (n == 0) return 0;
    --n;
    return *p++;
  }
  std::uint64_t u64() {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | byte();
    return v;
  }
  std::string bytes(std::size_t len) {
    std::string s;
    for (std::size_t i = 0; i < len && n > 0; ++i) s.push_back(static_cast<char>(byte()));
    return s;
  }
};

// Bytes as text: each byte a Latin-1 code point (valid UTF-8 whatever the
// bytes: ESC, BEL, CR, C1 controls, quotes, '=' '+' '-' '@' all reachable);
// with `raw`, the bytes as they are (invalid UTF-8 reaches the loader).
std::string text_of(const std::string& bytes, bool raw) {
  if (raw) return bytes;
  std::string out;
  for (const char c : bytes) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x80) {
      out.push_back(c);
    } else {
      out.push_back(static_cast<char>(0xC0 | (u >> 6)));
      out.push_back(static_cast<char>(0x80 | (u & 0x3F)));
    }
  }
  return out;
}

void append_json_string(std::string& out, const std::string& s) {
  out.push_back('"');
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", u);
      out += buf;
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

// A JSON value as text (strings keep their bytes, escaped for JSON).
void append_value(std::string& out, const rapidjson::Value& v) {
  if (v.IsString()) {
    append_json_string(out, std::string(v.GetString(), v.GetStringLength()));
  } else if (v.IsObject()) {
    out.push_back('{');
    bool first = true;
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
      if (!first) out.push_back(',');
      first = false;
      append_json_string(out, std::string(it->name.GetString(), it->name.GetStringLength()));
      out.push_back(':');
      append_value(out, it->value);
    }
    out.push_back('}');
  } else if (v.IsArray()) {
    out.push_back('[');
    for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
      if (i > 0) out.push_back(',');
      append_value(out, v[i]);
    }
    out.push_back(']');
  } else if (v.IsBool()) {
    out += v.GetBool() ? "true" : "false";
  } else if (v.IsNull()) {
    out += "null";
  } else if (v.IsInt64()) {
    out += std::to_string(v.GetInt64());
  } else if (v.IsUint64()) {
    out += std::to_string(v.GetUint64());
  } else {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", v.GetDouble());
    out += buf;
  }
}

void set_string(rapidjson::Document& d, const char* key, const std::string& value) {
  rapidjson::Value v(value.data(), static_cast<rapidjson::SizeType>(value.size()), d.GetAllocator());
  if (d.HasMember(key)) d[key] = v;
  else d.AddMember(rapidjson::StringRef(key), v, d.GetAllocator());
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // The run's summary goes to stdout: away from libFuzzer's log.
  const int null = ::open("/dev/null", O_WRONLY);
  if (null >= 0) ::dup2(null, STDOUT_FILENO);
  (void)base();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const Base& b = base();
  Reader r{data, size};

  // --- options -------------------------------------------------------------------
  const std::uint8_t o1 = r.byte(), o2 = r.byte(), o3 = r.byte();
  const std::uint64_t seed = r.u64();
  static const char* const kAlgos[] = {"leiden", "louvain", "lpa", "components"};
  static const char* const kGuards[] = {"sheets", "all", "none", "sheets"};
  static const char* const kThresholds[] = {"0.5", "0.05", "0", "1"};
  std::vector<std::string> formats;
  if (o2 & 1) formats.emplace_back("graphml");
  if (o2 & 2) formats.emplace_back("gexf");
  if (o2 & 4) formats.emplace_back("dot");
  if (o2 & 8) formats.emplace_back("csv");
  if (o2 & 16) formats.emplace_back("neo4j");
  const bool report = (o2 & 32) != 0;
  const bool twice = (o2 & 192) == 192;  // one input in four of those: determinism
  const std::string guard = kGuards[(o1 >> 4) & 3];

  // --- the mutated snapshot ------------------------------------------------------------
  std::vector<rapidjson::Document> nodes(b.nodes.size()), edges(b.edges.size());
  for (std::size_t i = 0; i < nodes.size(); ++i) nodes[i].CopyFrom(b.nodes[i], nodes[i].GetAllocator());
  for (std::size_t i = 0; i < edges.size(); ++i) edges[i].CopyFrom(b.edges[i], edges[i].GetAllocator());
  for (int edits = 0; r.n > 0 && edits < 64; ++edits) {
    const std::uint8_t op = r.byte();
    const std::size_t which = (static_cast<std::size_t>(r.byte()) << 8) | r.byte();
    const std::string arg = r.bytes(r.byte() % 24);
    const bool raw = (op & 0x80) != 0 && (op & 0x40) != 0;
    switch (op % 6) {
      case 0: {  // rename a node everywhere
        auto& n = nodes[which % nodes.size()];
        const std::string old = n["id"].GetString();
        const std::string id = text_of(arg, raw);
        set_string(n, "id", id);
        for (auto& e : edges) {
          if (old == e["src"].GetString()) set_string(e, "src", id);
          if (old == e["dst"].GetString()) set_string(e, "dst", id);
        }
        break;
      }
      case 1: {  // an attribute: key and a string, integer, double or boolean value
        auto& n = nodes[which % nodes.size()];
        const std::size_t cut = arg.size() / 2;
        const std::string key = text_of(arg.substr(0, cut), false);
        const std::string value = text_of(arg.substr(cut), raw);
        if (!n.HasMember("attrs")) n.AddMember("attrs", rapidjson::Value(rapidjson::kObjectType), n.GetAllocator());
        rapidjson::Value k(key.data(), static_cast<rapidjson::SizeType>(key.size()), n.GetAllocator());
        rapidjson::Value v;
        switch (op / 6 % 4) {
          case 0: v.SetString(value.data(), static_cast<rapidjson::SizeType>(value.size()), n.GetAllocator()); break;
          case 1: {
            std::int64_t x = 0;
            std::memcpy(&x, arg.data(), std::min<std::size_t>(arg.size(), 8));
            v.SetInt64(x);
            break;
          }
          case 2: {
            double x = 0;
            std::memcpy(&x, arg.data(), std::min<std::size_t>(arg.size(), 8));
            v.SetDouble(x);
            break;
          }
          default: v.SetBool(arg.size() % 2 == 1);
        }
        n["attrs"].RemoveMember(k);
        n["attrs"].AddMember(k, v, n.GetAllocator());
        break;
      }
      case 2: {  // an edge weight: any double (NaN, inf, 0, negative, 1e308 included)
        auto& e = edges[which % edges.size()];
        double x = 1.0;
        std::memcpy(&x, arg.data(), std::min<std::size_t>(arg.size(), 8));
        if (op & 0x40) x = static_cast<double>(static_cast<std::uint8_t>(arg.empty() ? 1 : arg[0])) * 100.0;
        if (e.HasMember("weight")) e["weight"].SetDouble(x);
        else e.AddMember("weight", rapidjson::Value(x), e.GetAllocator());
        break;
      }
      case 3: {  // a label, or a timestamp (text or seconds) on a node or an edge
        auto& n = nodes[which % nodes.size()];
        static const char* const kLabels[] = {"banned", "suspect", "trusted", "unknown"};
        if ((op & 0x40) == 0) {
          set_string(n, "label", kLabels[arg.size() % 4]);
        } else {
          std::int64_t secs = 0;
          std::memcpy(&secs, arg.data(), std::min<std::size_t>(arg.size(), 8));
          if (n.HasMember("created_at")) n.RemoveMember("created_at");
          n.AddMember("created_at", rapidjson::Value(static_cast<std::int64_t>(secs % 400000000000LL)), n.GetAllocator());
        }
        break;
      }
      case 4: {  // an edge type or a node type
        const std::string t = text_of(arg, raw);
        if (op & 0x40) set_string(nodes[which % nodes.size()], "type", t);
        else set_string(edges[which % edges.size()], "type", t);
        break;
      }
      default: {  // re-point an edge endpoint at another node
        auto& e = edges[which % edges.size()];
        const auto& n = nodes[(which * 31 + arg.size()) % nodes.size()];
        set_string(e, (op & 0x40) ? "dst" : "src", n["id"].GetString());
        break;
      }
    }
  }
  std::string text = b.header + "\n";
  for (const auto& n : nodes) {
    append_value(text, n);
    text.push_back('\n');
  }
  for (const auto& e : edges) {
    append_value(text, e);
    text.push_back('\n');
  }
  const std::string work = scratch() + "/run";
  std::error_code ec;
  fs::remove_all(work, ec);
  fs::create_directories(work);
  const std::string input = work + "/in.ndjson";
  {
    std::ofstream out(input, std::ios::binary);
    out << text;
  }

  // --- the run ------------------------------------------------------------------------
  std::vector<std::string> args = {"-q", "run", input, "--out", work + "/o", "--force",
                                   "--threads", (o1 & 1) ? "2" : "1",
                                   "--seed", std::to_string(seed),
                                   "--algo", kAlgos[(o1 >> 1) & 3],
                                   "--threshold", kThresholds[(o1 >> 6) & 3],
                                   "--min-accounts", std::to_string(2 + o3 % 6),
                                   "--max-suspects", std::to_string((o3 >> 3) % 4),
                                   "--show", std::to_string(o3 >> 5),
                                   "--csv-guard", guard};
  if (o1 & 8) args.emplace_back("--no-detrend");
  if (!formats.empty()) {
    std::string list;
    for (const auto& f : formats) list += (list.empty() ? "" : ",") + f;
    args.emplace_back("--export-formats");
    args.push_back(list);
  }
  if (report) args.emplace_back("--report");
  const int code = run_cli(args);
  if (code == 3) finding("internal error (exit 3)");
  if (code != 0 && code != 1 && code != 2 && code != 4) finding("unexpected exit code " + std::to_string(code));
  // Nothing left beside the input and --out: no temporary, no lock.
  for (const auto& e : fs::directory_iterator(work)) {
    const std::string name = e.path().filename().string();
    if (name != "in.ndjson" && name != "o") finding("left behind: " + name);
  }
  if (code != 0) return 0;

  const std::string o = work + "/o";
  rapidjson::Document run;
  const std::string run_text = slurp(o + "/run.json");
  run.Parse(run_text.c_str(), run_text.size());
  if (run.HasParseError() || !run.IsObject() || !run.HasMember("options") || !run["options"].HasMember("seed"))
    finding("run.json is not the expected JSON");
  if (!run["options"]["seed"].IsUint64() || run["options"]["seed"].GetUint64() != seed)
    finding("run.json records another seed than " + std::to_string(seed));
  const std::uint64_t accounts = run["counts"]["accounts"].GetUint64();
  std::vector<hydrascope::AccountRow> rows;
  try {
    rows = hydrascope::load_accounts_csv(o + "/accounts.csv");
  } catch (const std::exception& e) {
    finding(std::string("eval cannot read accounts.csv: ") + e.what());
  }
  if (rows.size() != accounts) finding("accounts.csv has " + std::to_string(rows.size()) + " rows for " +
                                       std::to_string(accounts) + " accounts");
  for (const auto& e : fs::recursive_directory_iterator(o + "/suspects")) {
    const std::string p = e.path().string();
    const bool json = e.is_regular_file() && e.path().extension() == ".json";
    const bool csv_pair = e.is_directory() && fs::exists(p + "/nodes.csv") && guard != "all";
    if (!json && !csv_pair) continue;
    try {
      hydrascope::LoadOptions lo;
      lo.threads = 1;
      (void)hydrascope::load_snapshot(p, lo);
    } catch (const std::exception& ex) {
      finding("suspect subgraph does not load: " + p + ": " + ex.what());
    }
  }
  if (twice) {
    std::vector<std::string> again = args;
    again[4] = work + "/o2";
    if (run_cli(again) != 0) finding("the same run failed the second time");
    for (const char* f : {"/accounts.csv", "/communities.json", "/run.json"})
      if (slurp(o + f) != slurp(work + "/o2" + f)) finding(std::string("second identical run differs in ") + f);
    fs::remove_all(work + "/o2", ec);
  }
  return 0;
}
