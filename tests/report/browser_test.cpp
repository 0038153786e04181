// The report as a person sees it: headless Chromium loads the page, its own
// script records load success and any error (window.onerror, resource
// errors, console.error) in #hs-status, and --dump-dom shows the DOM after
// the scripts ran. Checked on the hostile run folder (no payload ran, the
// payloads are text) and on a real `hydrascope run --report`. Skipped only
// when chromium is not installed (scripts/setup.sh installs it).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "export/export_test_util.hpp"
#include "hydrascope/report.hpp"
#include "report/hostile_run.hpp"
#include "report/regex.hpp"

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

// The DOM after load, as Chromium serialises it.
std::string dump_dom(const std::string& html_path, const std::string& profile) {
  const std::string cmd = "timeout 120 " + chromium() +
                          " --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir=" + profile +
                          " --virtual-time-budget=5000 --dump-dom 'file://" + html_path + "' 2>/dev/null";
  std::string out;
  if (FILE* p = ::popen(cmd.c_str(), "r")) {
    char buf[65536];
    std::size_t got;
    while ((got = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, got);
    ::pclose(p);
  }
  return out;
}

// The #hs-status element's start tag.
std::string status_tag(const std::string& dom) {
  std::smatch m;
  if (std::regex_search(dom, m, std::regex("<div id=\"hs-status\"[^>]*>"))) return m.str();
  return "";
}

void expect_loaded_cleanly(const std::string& dom) {
  const std::string tag = status_tag(dom);
  ASSERT_FALSE(tag.empty()) << "no status element; chromium output starts: " << dom.substr(0, 300);
  EXPECT_NE(tag.find("data-state=\"loaded\""), std::string::npos) << tag;
  EXPECT_NE(tag.find("data-errors=\"0\""), std::string::npos) << tag << "\n" << dom.substr(dom.find("hs-status"), 2000);
}

TEST(ReportBrowser, HostileRunRendersAsTextAndNothingRuns) {
  if (chromium().empty()) GTEST_SKIP() << "chromium not installed";
  const std::string dir = testing::fresh_dir("report-browser-hostile");
  const std::size_t suspects = testing::make_hostile_run(dir + "/run");
  write_report(dir + "/run", dir + "/report.html");
  const std::string dom = dump_dom(dir + "/report.html", dir + "/profile");
  expect_loaded_cleanly(dom);
  // The page's script parsed its JSON data (the hostile input path among it).
  EXPECT_NE(status_tag(dom).find("data-sections=\"" + std::to_string(suspects) + "\""), std::string::npos);
  // No payload ran: <html> has no data-pwned, there is no <pwned> element.
  std::smatch html_tag;
  ASSERT_TRUE(std::regex_search(dom, html_tag, std::regex("<html[^>]*>")));
  EXPECT_EQ(html_tag.str().find("data-pwned"), std::string::npos) << html_tag.str();
  EXPECT_EQ(dom.find("<pwned"), std::string::npos);
  EXPECT_EQ(dom.find("<img"), std::string::npos);
  EXPECT_EQ(dom.find("<iframe"), std::string::npos);
  // The payloads are in the page as text.
  EXPECT_NE(dom.find("a:&lt;script&gt;document.documentElement.setAttribute('data-pwned','1')"), std::string::npos);
  EXPECT_NE(dom.find("a:\"&gt;&lt;img src=x onerror=\""), std::string::npos);
  EXPECT_NE(dom.find("\xE4\xB8\xAD\xE6\x96\x87\xE8\xB4\xA6\xE6\x88\xB7 \xF0\x9F\x90\x8D\xF0\x9F\x91\xBE"), std::string::npos);
  EXPECT_NE(dom.find("back\\slash\\\\ &amp; amp;&amp;lt;"), std::string::npos);
  EXPECT_NE(dom.find("pm:&lt;/script&gt;&lt;script&gt;"), std::string::npos);
}

TEST(ReportBrowser, RealRunLoadsWithoutErrors) {
  if (chromium().empty()) GTEST_SKIP() << "chromium not installed";
  const std::string dir = testing::fresh_dir("report-browser-run");
  const std::string bin = HYDRASCOPE_TEST_BINARY;
  ASSERT_EQ(std::system((bin + " -q generate --accounts 4000 --seed 5 --out " + dir + "/world > /dev/null").c_str()), 0);
  ASSERT_EQ(std::system((bin + " -q run " + dir + "/world/snapshot.ndjson --out " + dir +
                         "/run --top 0 --threshold 0.2 --report > /dev/null 2>&1")
                            .c_str()),
            0);
  const std::string dom = dump_dom(dir + "/run/report.html", dir + "/profile");
  expect_loaded_cleanly(dom);
  EXPECT_NE(dom.find("<details class=\"community\""), std::string::npos);
  EXPECT_NE(dom.find("<figure class=\"graph\"><svg"), std::string::npos);
  EXPECT_NE(dom.find("data:image/png;base64,"), std::string::npos);
}

}  // namespace
}  // namespace hydrascope
