// `hydrascope diff RUN_A RUN_B [--json]`: the matching and events of
// tracking (docs/tracking.md) between two existing run folders, as a table
// or as JSON; and the one-line tracking summary `hydrascope run` prints.
#include <CLI/CLI.hpp>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli_util.hpp"
#include "hydrascope/export.hpp"
#include "hydrascope/tracking.hpp"

namespace hydrascope::cli {

namespace {

std::string event_counts(const TrackingMatch& m) {
  std::string out;
  for (HydraEvent e : {HydraEvent::Same, HydraEvent::Grown, HydraEvent::Shrunk, HydraEvent::Merged, HydraEvent::Split,
                       HydraEvent::Regrown, HydraEvent::New, HydraEvent::Dissolved}) {
    const std::uint64_t k = m.counts[static_cast<std::size_t>(e)];
    if (k == 0) continue;
    out += (out.empty() ? "" : ", ") + std::to_string(k) + " " + std::string(to_string(e));
    if (e == HydraEvent::Regrown) {
      std::uint64_t after_ban = 0;
      for (const auto& t : m.tracks) after_ban += t.event == HydraEvent::Regrown && t.after_ban;
      out += " (" + std::to_string(m.new_heads) + " new heads, " + std::to_string(after_ban) + " after a ban)";
    }
  }
  return out.empty() ? "no hydras" : out;
}


struct DiffArgs {
  std::string a, b;
  bool json = false;
  bool all = false;
};

int run_diff(const Context& ctx, const DiffArgs& args) {
  const TrackedRun a = RunData::read_tracking(args.a);
  const TrackedRun b = RunData::read_tracking(args.b);
  const TrackingMatch m = match_runs(a, b, TrackingOptions{});
  // B's own hydra ids when it has them (they are its persistent names);
  // otherwise the ids the matching gives.
  auto id_of = [&](std::size_t i) { return b.tracked ? b.communities[i].hydra_id : m.tracks[i].hydra_id; };
  std::vector<std::size_t> rows;
  for (std::size_t i = 0; i < m.tracks.size(); ++i)
    if (args.all || m.tracks[i].event != HydraEvent::Same) rows.push_back(i);
  std::sort(rows.begin(), rows.end(), [&](std::size_t x, std::size_t y) {
    const int rx = hydra_event_rank(m.tracks[x].event), ry = hydra_event_rank(m.tracks[y].event);
    if (rx != ry) return rx < ry;
    if (b.communities[x].flagged != b.communities[y].flagged) return b.communities[x].flagged;
    if (b.communities[x].accounts != b.communities[y].accounts) return b.communities[x].accounts > b.communities[y].accounts;
    return b.communities[x].community < b.communities[y].community;
  });
  std::string out;
  if (args.json) {
    rapidjson::StringBuffer sb;
    rapidjson::Writer<rapidjson::StringBuffer> w(sb);
    auto key = [&](const char* k) { w.Key(k); };
    auto str = [&](const std::string& s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); };
    w.StartObject();
    key("format");
    w.String("hydrascope.diff");
    key("version");
    w.Int(1);
    key("a");
    str(a.name);
    key("b");
    str(b.name);
    key("hydras_a");
    w.Uint64(a.communities.size());
    key("hydras_b");
    w.Uint64(b.communities.size());
    key("counts");
    w.StartObject();
    for (int e = 0; e < kNumHydraEvents; ++e) {
      key(std::string(to_string(static_cast<HydraEvent>(e))).c_str());
      w.Uint64(m.counts[static_cast<std::size_t>(e)]);
    }
    w.EndObject();
    key("new_heads");
    w.Uint64(m.new_heads);
    key("communities");
    w.StartArray();
    for (std::size_t i : rows) {
      const auto& t = m.tracks[i];
      const auto& c = b.communities[i];
      w.StartObject();
      key("hydra_id");
      str(id_of(i));
      key("community");
      w.Uint(c.community);
      key("event");
      str(std::string(to_string(t.event)));
      key("previous");
      w.StartArray();
      for (const auto& p : t.previous) str(p);
      w.EndArray();
      key("accounts");
      w.Uint64(c.accounts);
      key("accounts_before");
      w.Uint64(t.accounts_before);
      key("carried");
      w.Uint64(t.carried);
      key("new_heads");
      w.Uint64(t.new_heads);
      key("shared_infrastructure");
      w.Uint(t.shared_infrastructure);
      key("flagged");
      w.Bool(c.flagged);
      key("after_ban");
      w.Bool(t.after_ban);
      w.EndObject();
    }
    w.EndArray();
    key("ended");
    w.StartArray();
    for (const auto& e : m.ended) {
      w.StartObject();
      key("hydra_id");
      str(e.hydra_id);
      key("event");
      str(std::string(to_string(e.event)));
      key("into");
      if (e.into.empty()) w.Null();
      else str(e.into);
      key("accounts");
      w.Uint64(e.accounts);
      key("flagged");
      w.Bool(e.flagged);
      key("banned");
      w.Uint64(e.banned);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    out.assign(sb.GetString(), sb.GetSize());
    out += '\n';
  } else {
    out = "diff " + one_line(a.name) + " -> " + one_line(b.name) + ": " + std::to_string(a.communities.size()) + " -> " +
          std::to_string(b.communities.size()) + " hydras: " + event_counts(m) + "\n";
    if (!rows.empty()) {
      char line[256];
      std::snprintf(line, sizeof line, "%-9s  %-10s  %9s  %8s  %8s  %9s  %7s  %s\n", "event", "hydra", "community",
                    "accounts", "before", "new_heads", "flagged", "previous");
      out += line;
      for (std::size_t i : rows) {
        const auto& t = m.tracks[i];
        const auto& c = b.communities[i];
        std::string prev;
        for (const auto& p : t.previous) prev += (prev.empty() ? "" : ",") + p;
        std::snprintf(line, sizeof line, "%-9s  %-10s  %9u  %8llu  %8llu  %9llu  %7s  ",
                      std::string(to_string(t.event)).c_str(), one_line(id_of(i)).c_str(), c.community,
                      static_cast<unsigned long long>(c.accounts), static_cast<unsigned long long>(t.accounts_before),
                      static_cast<unsigned long long>(t.new_heads), c.flagged ? "yes" : "no");
        out += line + one_line(prev) + (t.after_ban ? "  (after a ban)" : "") + "\n";
      }
    }
    for (const auto& e : m.ended) {
      out += "ended     " + one_line(e.hydra_id) + ": " + std::string(to_string(e.event)) +
             (e.into.empty() ? std::string() : " into " + one_line(e.into)) + " (" + std::to_string(e.accounts) +
             " accounts" + (e.flagged ? ", flagged" : "") + (e.banned > 0 ? ", " + std::to_string(e.banned) + " banned" : "") +
             ")\n";
    }
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  ctx.info("diff: " + std::to_string(rows.size()) + " communities listed" + (args.all ? "" : " (those not the same; --all for every one)"));
  return kExitOk;
}

}  // namespace

std::string tracking_summary(const TrackingResult& t) {
  std::string out = "tracking: run " + std::to_string(t.run.run);
  if (!t.previous.empty()) out += " since " + one_line(t.previous);
  out += ": " + std::to_string(t.run.communities.size()) + " hydras: " + event_counts(t.match);
  if (!t.reviews_file.empty()) {
    std::uint64_t applied = 0, lapsed = 0, unmatched = 0;
    for (const auto& o : t.reviews) {
      applied += o.status == "applied";
      lapsed += o.status == "lapsed";
      unmatched += o.status == "unmatched";
    }
    out += "; reviews: " + std::to_string(applied) + " applied, " + std::to_string(lapsed) + " lapsed, " +
           std::to_string(unmatched) + " unmatched (" + std::to_string(t.suppressed_accounts) + " flags cleared, " +
           std::to_string(t.confirmed_accounts) + " added)";
  }
  return out;
}

void add_diff(CLI::App& app, const Context& ctx, Action& action) {
  auto args = std::make_shared<DiffArgs>();
  auto* sub = app.add_subcommand(
      "diff", "Match the hydras of two run folders: events (new, same, grown, shrunk, merged, split, regrown, dissolved)");
  sub->add_option("run_a", args->a, "The earlier run's output folder")->required();
  sub->add_option("run_b", args->b, "The later run's output folder")->required();
  sub->add_flag("--json", args->json, "One JSON object (format hydrascope.diff) instead of the table");
  sub->add_flag("--all", args->all, "List every community, the unchanged (same) ones too");
  sub->callback([&action, &ctx, args] { action = [&ctx, args] { return run_diff(ctx, *args); }; });
}

}  // namespace hydrascope::cli
