// `hydrascope eval --truth truth.json --accounts accounts.csv [--json]`: scores a
// run (or a baseline) against a synthetic world's truth.
#include <CLI/CLI.hpp>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "cli_util.hpp"
#include "hydrascope/eval.hpp"
#include "hydrascope/graph.hpp"
#include "hydrascope/io.hpp"

#include <unordered_set>

namespace hydrascope::cli {

namespace {

struct EvalArgs {
  std::string truth, accounts, shared_in;
  bool json = false;
  bool only_listed = false;
};

void write_json(const EvalResult& r) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  w.StartObject();
  auto num = [&](const char* k, double v) { w.Key(k); w.Double(v); };
  auto cnt = [&](const char* k, std::uint64_t v) { w.Key(k); w.Uint64(v); };
  cnt("scored", r.scored); cnt("positives", r.positives); cnt("negatives", r.negatives);
  cnt("missing", r.missing); cnt("unknown", r.unknown); cnt("duplicates", r.duplicates);
  num("auroc", r.auroc); num("average_precision", r.average_precision); num("r_precision", r.r_precision);
  cnt("tp", r.tp); cnt("fp", r.fp); cnt("fn", r.fn);
  num("precision", r.precision); num("recall", r.recall); num("f1", r.f1); num("ari", r.ari);
  cnt("farms", r.hydra.size()); cnt("farms_flagged", r.farms_flagged); num("ece", r.ece);
  w.Key("calibration");
  w.StartArray();
  for (std::size_t b = 0; b < r.calibration.size(); ++b) {
    w.StartObject();
    num("lo", static_cast<double>(b) / 10.0); num("hi", static_cast<double>(b + 1) / 10.0);
    cnt("accounts", r.calibration[b].accounts); num("mean_risk", r.calibration[b].mean_risk);
    num("hydra_share", r.calibration[b].positive_share);
    w.EndObject();
  }
  w.EndArray();
  w.Key("hydra");
  w.StartArray();
  for (const auto& c : r.hydra) {
    w.StartObject();
    w.Key("id"); w.String(c.id.c_str());
    cnt("size", c.size); cnt("present", c.present); cnt("flagged", c.flagged);
    num("recall", c.recall); num("largest_community_share", c.largest_community_share);
    w.EndObject();
  }
  w.EndArray();
  w.Key("lookalikes");
  w.StartObject();
  for (const auto& [k, c] : r.lookalikes) {
    w.Key(k.c_str());
    w.StartObject();
    cnt("accounts", c.size); cnt("flagged", c.flagged); num("flagged_share", c.recall);
    w.EndObject();
  }
  w.EndObject();
  w.EndObject();
  std::cout << sb.GetString() << "\n";
}

void write_table(const EvalResult& r) {
  std::printf("accounts scored   %llu (%llu hydra, %llu benign); missing %llu, unknown %llu, duplicate %llu\n",
              static_cast<unsigned long long>(r.scored), static_cast<unsigned long long>(r.positives),
              static_cast<unsigned long long>(r.negatives), static_cast<unsigned long long>(r.missing),
              static_cast<unsigned long long>(r.unknown), static_cast<unsigned long long>(r.duplicates));
  std::printf("risk_score        AUROC %.4f   average precision %.4f   R-precision %.4f\n", r.auroc,
              r.average_precision, r.r_precision);
  std::printf("suspect           precision %.4f   recall %.4f   F1 %.4f   (tp %llu, fp %llu, fn %llu)\n", r.precision,
              r.recall, r.f1, static_cast<unsigned long long>(r.tp), static_cast<unsigned long long>(r.fp),
              static_cast<unsigned long long>(r.fn));
  std::printf("community_id      adjusted Rand index vs hydra clusters %.4f\n", r.ari);
  std::printf("farms             %llu of %llu hydra clusters flagged (at least half of their accounts)\n",
              static_cast<unsigned long long>(r.farms_flagged), static_cast<unsigned long long>(r.hydra.size()));
  std::printf("calibration       expected calibration error %.4f (risk bins: accounts, mean risk, hydra share)\n", r.ece);
  for (std::size_t b = 0; b < r.calibration.size(); ++b)
    if (r.calibration[b].accounts > 0)
      std::printf("                  [%.1f, %.1f%c %8llu  %.3f  %.3f\n", b / 10.0, (b + 1) / 10.0, b == 9 ? ']' : ')',
                  static_cast<unsigned long long>(r.calibration[b].accounts), r.calibration[b].mean_risk,
                  r.calibration[b].positive_share);
  std::printf("\n");
  std::printf("%-16s %8s %8s %8s %12s\n", "hydra cluster", "size", "flagged", "recall", "in 1 comm.");
  for (const auto& c : r.hydra)
    std::printf("%-16s %8llu %8llu %8.3f %12.3f\n", terminal_text(c.id).c_str(), static_cast<unsigned long long>(c.size),
                static_cast<unsigned long long>(c.flagged), c.recall, c.largest_community_share);
  std::printf("\n%-18s %10s %8s %10s\n", "look-alike kind", "accounts", "flagged", "share");
  for (const auto& [k, c] : r.lookalikes)
    std::printf("%-18s %10llu %8llu %10.4f\n", terminal_text(k).c_str(), static_cast<unsigned long long>(c.size),
                static_cast<unsigned long long>(c.flagged), c.recall);
}

}  // namespace

void add_eval(CLI::App& app, const Context& ctx, Action& action) {
  auto args = std::make_shared<EvalArgs>();
  auto* sub = app.add_subcommand("eval", "Score a run's accounts.csv against truth.json");
  sub->add_option("--truth", args->truth, "truth.json of a generated world")->required();
  auto* accounts = sub->add_option("--accounts-csv", args->accounts, "accounts.csv of a run or baseline (required)");
  deprecated_alias(sub->add_option("--accounts", args->accounts), accounts);
  sub->add_flag("--json", args->json, "JSON output for machines");
  sub->add_flag("--only-listed", args->only_listed, "Score only accounts listed in truth clusters");
  sub->add_option("--shared-in", args->shared_in,
                  "Snapshot: score only the accounts that share an entity with another account (or link to one)");
  sub->callback([&ctx, &action, args] {
    action = [&ctx, args] {
      if (args->accounts.empty()) throw std::invalid_argument("--accounts-csv is required (the accounts.csv to score)");
      Truth t = load_truth(args->truth);
      auto rows = load_accounts_csv(args->accounts);
      if (!args->shared_in.empty()) {
        // Keep only accounts that share an entity with another account (or
        // are linked to one): the accounts a graph method can say anything about.
        const Snapshot s = load_input(ctx, args->shared_in, SnapshotFormat::Auto, 0, nullptr, /*progress=*/false);
        const Incidence inc = build_incidence(s);
        std::unordered_set<std::string> keep;
        for (NodeId v = 0; v < s.num_nodes(); ++v) {
          if (s.kind(v) != NodeKind::Account) continue;
          bool shares = false;
          for (NodeId u : inc.neighbors(v)) {
            if (s.kind(u) == NodeKind::Account) { shares = true; break; }
            std::uint32_t accounts = 0;
            NodeId last = kInvalidNode;
            for (NodeId x : inc.neighbors(u))
              if (x != last && s.kind(x) == NodeKind::Account) { ++accounts; last = x; if (accounts >= 2) break; }
            if (accounts >= 2) { shares = true; break; }
          }
          if (shares) keep.insert(std::string(s.node_id(v)));
        }
        auto filter = [&](std::vector<std::string>& ids) {
          std::erase_if(ids, [&](const std::string& id) { return keep.count(id) == 0; });
        };
        for (auto& c : t.clusters) filter(c.accounts);
        filter(t.accounts);
        std::erase_if(rows, [&](const AccountRow& r) { return keep.count(r.account_id) == 0; });
        ctx.info("eval: " + std::to_string(keep.size()) + " accounts share an entity (--shared-in)");
      }
      EvalOptions o;
      o.only_listed = args->only_listed;
      const EvalResult r = evaluate(t, rows, o);
      if (r.missing + r.unknown + r.duplicates > 0)
        ctx.warn(std::to_string(r.missing) + " missing, " + std::to_string(r.unknown) + " unknown, " +
                 std::to_string(r.duplicates) + " duplicate account ids");
      if (args->json) write_json(r); else write_table(r);
      return kExitOk;
    };
  });
}

}  // namespace hydrascope::cli
