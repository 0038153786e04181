// Tracking end to end through the binary on the bundled sample: a run
// without --previous is unchanged, --previous carries hydra ids into
// accounts.csv and communities.json, diff of a run with itself is all same,
// review decisions apply (and bad review files give located errors, exit 1),
// and the ban list holds only flagged accounts.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli_run.hpp"
#include "io_write/write_util.hpp"

namespace hydrascope {
namespace {

using testing::CliRun;
using testing::fresh_dir;
using testing::read_all;

const std::string kSample = std::string(HYDRASCOPE_TEST_DATASETS) + "/sample/snapshot.json.gz";

using testing::run;

rapidjson::Document parse(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.data(), text.size());
  EXPECT_FALSE(d.HasParseError());
  return d;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

// One plain run (day 0) and one with --previous (day 1) of the sample, made once.
struct Runs {
  std::string dir, a, b;
};
const Runs& runs() {
  static const Runs r = [] {
    Runs x;
    // One folder per test: ctest runs each test as its own process, in parallel.
    x.dir = fresh_dir(std::string("cli_tracking_") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    x.a = x.dir + "/a";
    x.b = x.dir + "/b";
    CliRun c = run(x.dir, "-q run " + kSample + " --out " + x.a);
    EXPECT_EQ(c.code, 0) << c.err;
    c = run(x.dir, "-q run " + kSample + " --out " + x.b + " --previous " + x.a);
    EXPECT_EQ(c.code, 0) << c.err;
    EXPECT_NE(c.out.find("\ntracking: run 1 since " + x.a + ": "), std::string::npos) << c.out;
    return x;
  }();
  return r;
}

TEST(TrackingCli, RunWithoutPreviousWritesNoTracking) {
  const Runs& r = runs();
  EXPECT_EQ(lines(read_all(r.a + "/accounts.csv")).front(),
            "account_id,community_id,risk_score,suspect,community_risk,top_family,pagerank,ppr,core");
  const auto d = parse(read_all(r.a + "/communities.json"));
  EXPECT_FALSE(d.HasMember("tracking"));
  EXPECT_FALSE(d.HasMember("changes"));
  EXPECT_FALSE(d["communities"][0].HasMember("hydra_id"));
  EXPECT_EQ(read_all(r.a + "/run.json").find("previous"), std::string::npos);
}

TEST(TrackingCli, PreviousCarriesHydraIdsEverywhere) {
  const Runs& r = runs();
  const auto rows = lines(read_all(r.b + "/accounts.csv"));
  EXPECT_EQ(rows.front(), "account_id,community_id,risk_score,suspect,community_risk,top_family,pagerank,ppr,core,hydra_id");
  const auto d = parse(read_all(r.b + "/communities.json"));
  ASSERT_TRUE(d.HasMember("tracking"));
  EXPECT_EQ(d["tracking"]["run"].GetUint(), 1u);
  ASSERT_TRUE(d.HasMember("changes"));
  const auto& c0 = d["communities"][0];
  ASSERT_TRUE(c0.HasMember("hydra_id"));
  const std::string h = c0["hydra_id"].GetString();
  EXPECT_EQ(h.substr(0, 2), "h-");
  EXPECT_TRUE(c0.HasMember("event"));
  EXPECT_TRUE(c0.HasMember("infrastructure"));
  // The accounts of that community carry its hydra id.
  const std::string id = std::to_string(c0["id"].GetUint());
  std::size_t carried = 0;
  for (std::size_t i = 1; i < rows.size(); ++i)
    if (rows[i].find("," + id + ",") != std::string::npos && rows[i].size() > h.size() &&
        rows[i].compare(rows[i].size() - h.size() - 1, h.size() + 1, "," + h) == 0)
      ++carried;
  EXPECT_EQ(carried, c0["accounts"].GetUint());
  // The suspect subgraphs carry it as a node attribute.
  const auto& ranking = d["ranking"];
  ASSERT_GT(ranking.Size(), 0u);
  const std::string sub = read_all(r.b + "/suspects/community-" + std::to_string(ranking[0].GetUint()) + ".json");
  EXPECT_NE(sub.find("\"hydrascope_hydra_id\":\"h-"), std::string::npos);
  const std::string run_json = read_all(r.b + "/run.json");
  EXPECT_NE(run_json.find("\"previous\":\"" + r.a + "\""), std::string::npos) << run_json;
  EXPECT_NE(run_json.find("\"event_same\":"), std::string::npos) << run_json;
}

TEST(TrackingCli, ReportShowsWhatChanged) {
  const Runs& r = runs();
  // With --previous: the changes section, its counts, and the hydra id of the top community.
  CliRun c = run(r.dir, "-q report --run " + r.b + " --out " + r.dir + "/b.html");
  ASSERT_EQ(c.code, 0) << c.err;
  const std::string html = read_all(r.dir + "/b.html");
  EXPECT_NE(html.find("<h2>What changed since the previous run</h2>"), std::string::npos);
  EXPECT_NE(html.find(">same</div>"), std::string::npos);
  const auto d = parse(read_all(r.b + "/communities.json"));
  ASSERT_GE(d["ranking"].Size(), 1u);
  std::string top;  // the hydra id of the highest-ranked suspect community, shown in its section
  for (const auto& c : d["communities"].GetArray())
    if (c["id"].GetUint() == d["ranking"][0].GetUint()) top = c["hydra_id"].GetString();
  ASSERT_FALSE(top.empty());
  EXPECT_NE(html.find("<code>" + top + "</code>"), std::string::npos) << top;
  // Without: no such section.
  c = run(r.dir, "-q report --run " + r.a + " --out " + r.dir + "/a.html");
  ASSERT_EQ(c.code, 0) << c.err;
  EXPECT_EQ(read_all(r.dir + "/a.html").find("What changed since the previous run"), std::string::npos);
}

TEST(TrackingCli, DiffOfARunWithItselfIsAllSame) {
  const Runs& r = runs();
  for (const std::string& folder : {r.a, r.b}) {
    const CliRun c = run(r.dir, "-q diff " + folder + " " + folder + " --json");
    ASSERT_EQ(c.code, 0) << c.err;
    const auto d = parse(c.out);
    EXPECT_EQ(std::string(d["format"].GetString()), "hydrascope.diff");
    const auto& counts = d["counts"];
    for (auto it = counts.MemberBegin(); it != counts.MemberEnd(); ++it)
      if (std::string(it->name.GetString()) != "same") {
        EXPECT_EQ(it->value.GetUint(), 0u) << it->name.GetString();
      }
    EXPECT_EQ(counts["same"].GetUint(), d["hydras_b"].GetUint());
    EXPECT_EQ(d["communities"].Size(), 0u);
    EXPECT_EQ(d["ended"].Size(), 0u);
  }
  const CliRun t = run(r.dir, "-q diff " + r.a + " " + r.b);
  ASSERT_EQ(t.code, 0) << t.err;
  EXPECT_EQ(t.out.rfind("diff " + r.a + " -> " + r.b + ": ", 0), 0u) << t.out;
  const CliRun bad = run(r.dir, "-q diff " + r.a + " " + r.dir + "/nothing");
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.err.find(r.dir + "/nothing/communities.json: cannot read"), std::string::npos) << bad.err;
}

TEST(TrackingCli, ReviewsApplyAndBanListFollows) {
  const Runs& r = runs();
  const auto d = parse(read_all(r.b + "/communities.json"));
  ASSERT_GE(d["ranking"].Size(), 2u);
  // Trust the top suspect hydra, confirm a community the model does not flag.
  std::string trusted, confirmed;
  for (const auto& c : d["communities"].GetArray()) {
    if (c["id"].GetUint() == d["ranking"][0].GetUint()) trusted = c["hydra_id"].GetString();
    if (confirmed.empty() && !c["suspect"].GetBool() && c["accounts"].GetUint() >= 5) confirmed = c["hydra_id"].GetString();
  }
  ASSERT_FALSE(trusted.empty());
  ASSERT_FALSE(confirmed.empty());
  const std::string reviews = r.dir + "/reviews.csv";
  std::ofstream(reviews) << "hydra_id,decision,note,by,at\n"
                         << trusted << ",trusted,a known service,ana,2026-02-21T09:00:00Z\n"
                         << confirmed << ",confirmed,seen before,bo,2026-02-21T10:00:00Z\n";
  const std::string c_dir = r.dir + "/c";
  CliRun c = run(r.dir, "-q run " + kSample + " --out " + c_dir + " --previous " + r.b + " --reviews " + reviews);
  ASSERT_EQ(c.code, 0) << c.err;
  EXPECT_NE(c.out.find("reviews: 2 applied, 0 lapsed, 0 unmatched"), std::string::npos) << c.out;
  const auto dc = parse(read_all(c_dir + "/communities.json"));
  bool seen_trusted = false, seen_confirmed = false;
  for (const auto& x : dc["communities"].GetArray()) {
    if (!x.HasMember("review")) continue;
    const std::string h = x["hydra_id"].GetString();
    if (h == trusted) {
      seen_trusted = true;
      EXPECT_FALSE(x["suspect"].GetBool());
      EXPECT_EQ(x["flagged"].GetUint(), 0u);
      EXPECT_TRUE(x["review"]["in_force"].GetBool());
    }
    if (h == confirmed) {
      seen_confirmed = true;
      EXPECT_TRUE(x["suspect"].GetBool());
      EXPECT_EQ(std::string(x["review"]["decision"].GetString()), "confirmed");
    }
  }
  EXPECT_TRUE(seen_trusted);
  EXPECT_TRUE(seen_confirmed);
  EXPECT_EQ(dc["reviews"]["applied"].GetUint(), 2u);

  // The ban list: exactly the flagged accounts, confirmed ones marked.
  const std::string ban = r.dir + "/ban";
  c = run(r.dir, "-q export " + kSample + " --run " + c_dir + " --out " + ban + " --ban-list");
  ASSERT_EQ(c.code, 0) << c.err;
  std::size_t flagged = 0;
  for (const auto& l : lines(read_all(c_dir + "/accounts.csv")))
    if (l.find(",true,") != std::string::npos) ++flagged;
  const auto accounts = lines(read_all(ban + "/ban_accounts.csv"));
  EXPECT_EQ(accounts.front(), "account_id,hydra_id,community_id,reason");
  EXPECT_EQ(accounts.size() - 1, flagged);
  std::size_t confirmed_rows = 0;
  for (const auto& l : accounts) confirmed_rows += l.size() > 10 && l.compare(l.size() - 10, 10, ",confirmed") == 0;
  EXPECT_GT(confirmed_rows, 0u);
  const auto entities = lines(read_all(ban + "/ban_entities.csv"));
  EXPECT_EQ(entities.front(), "entity_id,type,accounts,flagged,flagged_share,block,hydra_ids");
  std::size_t blocked = 0;
  for (std::size_t i = 1; i < entities.size(); ++i) {
    std::vector<std::string> f;
    std::istringstream in(entities[i]);
    for (std::string x; std::getline(in, x, ',');) f.push_back(x);
    ASSERT_GE(f.size(), 6u) << entities[i];
    if (f[5] == "true") {
      ++blocked;
      EXPECT_GE(std::stod(f[4]), 0.9) << entities[i];  // never a benign majority
    }
  }
  EXPECT_GT(blocked, 0u);
}

TEST(TrackingCli, BadReviewFileIsALocatedInputError) {
  const Runs& r = runs();
  const std::string reviews = r.dir + "/bad_reviews.csv";
  std::ofstream(reviews) << "hydra_id,decision,by,at\nh-000001,maybe,ana,2026-02-21T09:00:00Z\n";
  const CliRun c = run(r.dir, "-q run " + kSample + " --out " + r.dir + "/never --previous " + r.b + " --reviews " + reviews);
  EXPECT_EQ(c.code, 1);
  EXPECT_NE(c.err.find(reviews + ":2: review #0, field \"decision\": must be trusted, confirmed or ignore, got \"maybe\""),
            std::string::npos)
      << c.err;
  EXPECT_FALSE(std::filesystem::exists(r.dir + "/never"));
  const CliRun p = run(r.dir, "-q run " + kSample + " --out " + r.dir + "/never --previous " + r.dir + "/missing");
  EXPECT_EQ(p.code, 1);
  EXPECT_FALSE(std::filesystem::exists(r.dir + "/never"));
}

}  // namespace
}  // namespace hydrascope
