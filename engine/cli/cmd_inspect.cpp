// `hydrascope inspect SNAPSHOT`: loads a snapshot and prints its summary
// statistics (compute_stats) as an aligned text table or, with --json, JSON.
#include <CLI/CLI.hpp>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli_enum.hpp"
#include "cli_util.hpp"
#include "hydrascope/io.hpp"
#include "hydrascope/stats.hpp"

namespace hydrascope::cli {

namespace {

// A JSON number, or null when it is not finite (RapidJSON writes nothing for
// inf or NaN, which would leave `"key": ` without a value).
template <class Writer>
void json_double(Writer& w, double v) {
  if (std::isfinite(v)) w.Double(v);
  else w.Null();
}

struct InspectArgs {
  std::string input;
  SnapshotFormat from = SnapshotFormat::Auto;
  bool json = false;
  std::uint32_t top = 5;
  int threads = 0;
};

// 1234567 -> "1,234,567".
std::string grouped(std::uint64_t v) {
  std::string digits = std::to_string(v), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// A count or sum of requests: grouped digits when integral, else 2 decimals
// (very large values in scientific notation).
std::string amount(double v) {
  if (v >= 0 && v < 1e15 && v == static_cast<double>(static_cast<std::uint64_t>(v)))
    return grouped(static_cast<std::uint64_t>(v));
  char buf[64];
  std::snprintf(buf, sizeof buf, v >= 1e15 ? "%.4g" : "%.2f", v);
  return buf;
}

// An id or type for the terminal: control bytes shown as escapes so that a
// hostile id cannot break the table's lines.
std::string printable(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c != 0x7f) {
      out.push_back(ch);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

// Terminal columns of UTF-8 text (one per code point; wide glyphs are not special-cased).
std::size_t columns(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

std::string pad_right(const std::string& s, std::size_t w) { return s + std::string(w - std::min(w, columns(s)), ' '); }
std::string pad_left(const std::string& s, std::size_t w) { return std::string(w - std::min(w, columns(s)), ' ') + s; }

std::string time_or_dash(Timestamp t) { return t == kNoTime ? "-" : format_rfc3339(t); }

// Prints rows as columns: the first left-aligned, the others right-aligned.
void print_table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> width;
  for (const auto& r : rows)
    for (std::size_t c = 0; c < r.size(); ++c) {
      if (width.size() <= c) width.push_back(0);
      width[c] = std::max(width[c], columns(r[c]));
    }
  for (const auto& r : rows) {
    std::string line;
    for (std::size_t c = 0; c < r.size(); ++c) line += c == 0 ? pad_right(r[c], width[c]) : "  " + pad_left(r[c], width[c]);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    std::printf("%s\n", line.c_str());
  }
}

void print_text(const std::string& input, const LoadReport& rep, const SnapshotStats& st) {
  std::vector<std::vector<std::string>> head;
  const SnapshotMeta& m = st.meta;
  head.push_back({"snapshot", (m.id.empty() ? std::string("(no id)") : printable(m.id)) +
                                  (m.taken_at != kNoTime ? ", taken " + format_rfc3339(m.taken_at) : "")});
  const double rate = rep.seconds > 0 ? static_cast<double>(rep.bytes_read) / rep.seconds : 0.0;
  head.push_back({"input", printable(input) + " (" + std::string(to_string(rep.format)) + (rep.gzip ? ", gzip" : "") + "), " +
                               human_bytes(static_cast<double>(rep.bytes_read)) + " parsed in " +
                               fixed(rep.seconds, 2) + " s (" + human_bytes(rate) + "/s)"});
  head.push_back({"nodes", grouped(st.nodes)});
  head.push_back({"edges", grouped(st.edges) + (rep.merged_edges > 0
                                                    ? " (" + grouped(rep.merged_edges) + " duplicates merged)"
                                                    : std::string())});
  head.push_back({"memory", human_bytes(static_cast<double>(st.memory_bytes)) + " (model)" +
                                (st.mapped_bytes > 0 ? " + " + human_bytes(static_cast<double>(st.mapped_bytes)) +
                                                           " read in place from the mapped file"
                                                     : std::string())});
  if (m.activity.present()) {
    head.push_back({"activity", std::to_string(m.activity.buckets) + " buckets x " +
                                    std::to_string(m.activity.bucket_seconds) + " s, " +
                                    (m.activity.start == kNoTime ? std::string("start unknown")
                                                                 : format_rfc3339(m.activity.start) + " .. " +
                                                                       time_or_dash(st.activity_end)) +
                                    "; " +
                                    grouped(st.nodes_with_activity) + " nodes, " +
                                    amount(st.activity_total) + " requests"});
  } else {
    head.push_back({"activity", "none"});
  }
  if (st.earliest_first_seen != kNoTime || st.latest_last_seen != kNoTime)
    head.push_back({"edge times", time_or_dash(st.earliest_first_seen) + " .. " + time_or_dash(st.latest_last_seen)});
  head.push_back({"labels", "banned " + grouped(st.labels[1]) + ", suspect " + grouped(st.labels[2]) + ", trusted " +
                                grouped(st.labels[3]) + ", unknown " + grouped(st.labels[0])});
  head.push_back({"components", grouped(st.components.count) + "; giant " + grouped(st.components.giant_size) +
                                    " nodes (" + fixed(100.0 * st.components.giant_share, 2) + "%); " +
                                    grouped(st.components.singletons) + " isolated nodes"});
  // The head is label + free text: left-align both.
  std::size_t w = 0;
  for (const auto& r : head) w = std::max(w, r[0].size());
  for (const auto& r : head) std::printf("%s  %s\n", pad_right(r[0], w).c_str(), r[1].c_str());

  std::printf("\n");
  std::vector<std::vector<std::string>> types{{"node type", "count", "isolated", "mean deg", "median", "p99", "max"}};
  for (const auto& t : st.node_types)
    types.push_back({printable(t.type), grouped(t.count), grouped(t.isolated), fixed(t.mean_degree, 2), grouped(t.median_degree),
                     grouped(t.p99_degree), grouped(t.max_degree)});
  print_table(types);

  std::printf("\n");
  std::vector<std::vector<std::string>> et{{"edge type", "count", "requests"}};
  for (const auto& t : st.edge_types) et.push_back({printable(t.type), grouped(t.count), amount(t.weight_sum)});
  print_table(et);

  bool any_hub = false;
  for (const auto& t : st.node_types) any_hub = any_hub || !t.hubs.empty();
  if (any_hub) {
    std::printf("\n");
    std::vector<std::vector<std::string>> hubs{{"hubs by type", "id", "degree"}};
    for (const auto& t : st.node_types)
      for (std::size_t i = 0; i < t.hubs.size(); ++i) hubs.push_back({i == 0 ? printable(t.type) : "", printable(t.hubs[i].id), grouped(t.hubs[i].degree)});
    // The id column reads better left-aligned: pad it by hand.
    std::size_t w0 = 0, w1 = 0, w2 = 0;
    for (const auto& r : hubs) {
      w0 = std::max(w0, columns(r[0]));
      w1 = std::max(w1, columns(r[1]));
      w2 = std::max(w2, columns(r[2]));
    }
    for (const auto& r : hubs)
      std::printf("%s  %s  %s\n", pad_right(r[0], w0).c_str(), pad_right(r[1], w1).c_str(), pad_left(r[2], w2).c_str());
  }
}

using JsonWriter = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

void json_string(JsonWriter& w, std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }
void json_time(JsonWriter& w, Timestamp t) {
  if (t == kNoTime) {
    w.Null();
  } else {
    json_string(w, format_rfc3339(t));
  }
}

void print_json(const std::string& input, const LoadReport& rep, const SnapshotStats& st) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.SetIndent(' ', 2);
  w.StartObject();
  w.Key("format");
  w.String("hydrascope.inspect");
  w.Key("version");
  w.Int(1);
  w.Key("snapshot");
  w.StartObject();
  w.Key("id");
  json_string(w, st.meta.id);
  w.Key("taken_at");
  json_time(w, st.meta.taken_at);
  w.EndObject();
  w.Key("input");
  w.StartObject();
  w.Key("path");
  json_string(w, input);
  w.Key("format");
  json_string(w, to_string(rep.format));
  w.Key("gzip");
  w.Bool(rep.gzip);
  w.Key("bytes_read");
  w.Uint64(rep.bytes_read);
  w.Key("records");
  w.Uint64(rep.records);
  w.Key("merged_edges");
  w.Uint64(rep.merged_edges);
  w.Key("load_seconds");
  json_double(w, rep.seconds);
  w.EndObject();
  w.Key("nodes");
  w.Uint64(st.nodes);
  w.Key("edges");
  w.Uint64(st.edges);
  w.Key("memory_bytes");
  w.Uint64(st.memory_bytes);
  w.Key("mapped_bytes");
  w.Uint64(st.mapped_bytes);
  w.Key("peak_rss_bytes");
  w.Uint64(peak_rss_bytes());
  w.Key("activity");
  if (st.meta.activity.present()) {
    w.StartObject();
    w.Key("start");
    json_time(w, st.meta.activity.start);
    w.Key("bucket_seconds");
    w.Int64(st.meta.activity.bucket_seconds);
    w.Key("buckets");
    w.Uint(st.meta.activity.buckets);
    w.Key("end");
    json_time(w, st.activity_end);
    w.Key("nodes_with_activity");
    w.Uint64(st.nodes_with_activity);
    w.Key("total");
    json_double(w, st.activity_total);
    w.EndObject();
  } else {
    w.Null();
  }
  w.Key("edge_times");
  w.StartObject();
  w.Key("earliest_first_seen");
  json_time(w, st.earliest_first_seen);
  w.Key("latest_last_seen");
  json_time(w, st.latest_last_seen);
  w.EndObject();
  w.Key("labels");
  w.StartObject();
  for (int l = 0; l < 4; ++l) {
    json_string(w, to_string(static_cast<Label>(l)));
    w.Uint64(st.labels[l]);
  }
  w.EndObject();
  w.Key("nodes_with_attrs");
  w.Uint64(st.nodes_with_attrs);
  w.Key("components");
  w.StartObject();
  w.Key("count");
  w.Uint64(st.components.count);
  w.Key("giant_size");
  w.Uint64(st.components.giant_size);
  w.Key("giant_share");
  json_double(w, st.components.giant_share);
  w.Key("singletons");
  w.Uint64(st.components.singletons);
  w.EndObject();
  w.Key("node_types");
  w.StartArray();
  for (const auto& t : st.node_types) {
    w.StartObject();
    w.Key("type");
    json_string(w, t.type);
    w.Key("kind");
    json_string(w, to_string(t.kind));
    w.Key("count");
    w.Uint64(t.count);
    w.Key("isolated");
    w.Uint64(t.isolated);
    w.Key("degree");
    w.StartObject();
    w.Key("mean");
    json_double(w, t.mean_degree);
    w.Key("median");
    w.Uint64(t.median_degree);
    w.Key("p99");
    w.Uint64(t.p99_degree);
    w.Key("max");
    w.Uint64(t.max_degree);
    w.EndObject();
    w.Key("hubs");
    w.StartArray();
    for (const auto& h : t.hubs) {
      w.StartObject();
      w.Key("id");
      json_string(w, h.id);
      w.Key("degree");
      w.Uint64(h.degree);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.Key("edge_types");
  w.StartArray();
  for (const auto& t : st.edge_types) {
    w.StartObject();
    w.Key("type");
    json_string(w, t.type);
    w.Key("count");
    w.Uint64(t.count);
    w.Key("weight_sum");
    json_double(w, t.weight_sum);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  std::fwrite(buf.GetString(), 1, buf.GetSize(), stdout);
  std::fputc('\n', stdout);
}

int run_inspect(const Context& ctx, const InspectArgs& a) {
  StatsOptions so;
  so.top_k = a.top;
  so.validate();
  LoadReport report;
  const Snapshot snapshot = load_input(ctx, a.input, a.from, a.threads, &report);
  ctx.debug("loaded in " + std::to_string(report.seconds) + " s");
  const SnapshotStats st = compute_stats(snapshot, so);
  if (a.json) {
    print_json(a.input, report, st);
  } else {
    print_text(a.input, report, st);
  }
  if (std::fflush(stdout) != 0) throw std::runtime_error("cannot write to standard output");
  return kExitOk;
}

}  // namespace

void add_inspect(CLI::App& app, const Context& ctx, Action& action) {
  auto args = std::make_shared<InspectArgs>();
  auto* sub = app.add_subcommand("inspect", "Load a snapshot and print its summary: counts, degrees, hubs, components");
  sub->add_option("snapshot", args->input, "Snapshot to read (file, or folder with nodes.csv and edges.csv)")
      ->required();
  sub->add_flag("--json", args->json, "Print JSON instead of the text table");
  auto* hubs = sub->add_option("--hubs", args->top, "Hubs listed per node type")->check(CLI::Range(0, 1000000));
  deprecated_alias(sub->add_option("--top", args->top)->check(CLI::Range(0, 1000000)), hubs);
  add_input_format_option(*sub, args->from);
  sub->add_option("--threads", args->threads, "Parsing threads (0 = all cores; at most 1024)")->check(CLI::Range(0, 1024));
  sub->callback([&action, &ctx, args] { action = [&ctx, args] { return run_inspect(ctx, *args); }; });
}

}  // namespace hydrascope::cli
