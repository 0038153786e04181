// The report in a real browser: this test builds three run folders and their
// pages (a generated world's run, the hostile run folder, a folder of 1,000
// suspect communities, the first with 10,000 accounts) and hands them to tests/report/browser_test.mjs,
// which drives Debian's headless Chromium with puppeteer-core (from
// engine/report/web/node_modules, installed by scripts/setup.sh): it types in
// the search box, sets filters, clicks graph nodes and table headers and
// reads the page back, and fails on any request leaving the page, any error
// the page records, or any payload of the hostile folder running.
//
// Skipped when chromium, node or puppeteer-core is missing, and in sanitizer
// builds (the browser pieces run once, in the Release pass of scripts/test.sh).
// HYDRASCOPE_REPORT_SCREENSHOTS=DIR also writes the screenshots of docs/img.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "export/export_test_util.hpp"
#include "hydrascope/report.hpp"
#include "report/hostile_run.hpp"
#include "report/many_run.hpp"

namespace hydrascope {
namespace {

namespace fs = std::filesystem;

std::string chromium() {
  // HYDRASCOPE_CHROMIUM names another browser binary (a missing path = no browser).
  if (const char* env = std::getenv("HYDRASCOPE_CHROMIUM"); env != nullptr && *env != '\0')
    return fs::exists(env) ? env : "";
  for (const char* p : {"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"})
    if (fs::exists(p)) return p;
  return "";
}

const std::string kWeb = std::string(HYDRASCOPE_TEST_SOURCE_ROOT) + "/engine/report/web";

std::string why_skipped() {
#ifdef HYDRASCOPE_SANITIZED
  return "sanitizer build: the browser test runs once, in the Release pass";
#else
  if (chromium().empty()) return "chromium not installed";
  if (std::system("command -v node > /dev/null 2>&1") != 0) return "node not installed";
  if (!fs::exists(kWeb + "/node_modules/puppeteer-core/package.json"))
    return "puppeteer-core not installed (run scripts/setup.sh)";
  return "";
#endif
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
      continue;
    }
    out += c;
  }
  return out + "\"";
}

// The rank-1 community of a run folder, its number of accounts, and its
// lowest-risk account (accounts.csv is sorted by risk, descending).
struct Top {
  std::string community, account;
  std::size_t accounts = 0;
};
Top top_community(const std::string& run) {
  Top t;
  const std::string cj = testing::read_all(run + "/communities.json");
  const auto p = cj.find("\"ranking\":[");
  if (p == std::string::npos) return t;
  t.community = cj.substr(p + 11, cj.find_first_of(",]", p + 11) - p - 11);
  std::ifstream in(run + "/accounts.csv");
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::stringstream ss(line);
    std::string id, c;
    std::getline(ss, id, ',');
    std::getline(ss, c, ',');
    if (c != t.community) continue;
    t.account = id;
    ++t.accounts;
  }
  return t;
}

TEST(ReportBrowser, SearchFiltersGraphTablesNoNetworkInertPayloads) {
  if (const std::string why = why_skipped(); !why.empty()) GTEST_SKIP() << why;
  const std::string dir = testing::fresh_dir("report-browser");
  const std::string bin = HYDRASCOPE_TEST_BINARY;
  // 1. A run of a generated world, with its report.
  ASSERT_EQ(std::system((bin + " -q generate --accounts 4000 --seed 5 --out " + dir + "/world > /dev/null").c_str()), 0);
  ASSERT_EQ(std::system(("OMP_WAIT_POLICY=passive " + bin + " -q run " + dir + "/world/snapshot.ndjson --out " + dir +
                         "/run --show 0 --threshold 0.2 --report > /dev/null 2>&1")
                            .c_str()),
            0);
  const Top top = top_community(dir + "/run");
  ASSERT_FALSE(top.account.empty()) << "the run flagged no community";
  // 2. The hostile run folder.
  (void)testing::make_hostile_run(dir + "/hostile");
  write_report(dir + "/hostile", dir + "/hostile.html");
  // 3. A thousand suspect communities.
  const testing::ManyRun many = testing::make_many_run(dir + "/many", 1000, 12, 10000);  // rank 1: 10,000 accounts
  const ReportSummary many_page = write_report(dir + "/many", dir + "/many.html");
  ASSERT_EQ(many_page.sections, 1000u);
  std::printf("{\"page\":\"many\",\"bytes\":%zu}\n", static_cast<std::size_t>(many_page.bytes));

  const char* shots = std::getenv("HYDRASCOPE_REPORT_SCREENSHOTS");
  fs::create_directories(dir + "/profile");
  std::ofstream(dir + "/config.json")
      << "{\"web\":" << json_string(kWeb) << ",\"chromium\":" << json_string(chromium())
      << ",\"profile\":" << json_string(dir + "/profile")
      << ",\"screenshots\":" << json_string(shots != nullptr ? shots : "") << ",\"pages\":["
      << "{\"name\":\"run\",\"kind\":\"real\",\"path\":" << json_string(dir + "/run/report.html")
      << ",\"account\":" << json_string(top.account) << ",\"community\":" << top.community
      << ",\"community_accounts\":" << top.accounts << "},"
      << "{\"name\":\"hostile\",\"kind\":\"hostile\",\"path\":" << json_string(dir + "/hostile.html") << "},"
      << "{\"name\":\"many\",\"kind\":\"many\",\"path\":" << json_string(dir + "/many.html")
      << ",\"communities\":1000,\"first_members\":10000,\"last_community\":" << many.last_community
      // Generous: CI machines are shared; docs/export.md has the measured figure.
      << ",\"max_first_paint_ms\":15000}]}";
  const std::string cmd = "node " + std::string(HYDRASCOPE_TEST_SOURCE_ROOT) + "/tests/report/browser_test.mjs '" + dir +
                          "/config.json' > '" + dir + "/out.txt' 2> '" + dir + "/err.txt'";
  const int rc = std::system(cmd.c_str());
  const std::string out = testing::read_all(dir + "/out.txt"), err = testing::read_all(dir + "/err.txt");
  std::printf("%s", out.c_str());  // the measurements (first paint, ready, load) of each page
  EXPECT_EQ(rc, 0) << err << out;
  EXPECT_NE(out.find("{\"page\":\"run\""), std::string::npos) << err;
  EXPECT_NE(out.find("{\"page\":\"hostile\""), std::string::npos) << err;
  EXPECT_NE(out.find("{\"page\":\"many\""), std::string::npos) << err;
}

}  // namespace
}  // namespace hydrascope
