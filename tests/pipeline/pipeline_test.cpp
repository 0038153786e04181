// The pipeline as one module, end to end and in process: run_pipeline() from
// a path or a snapshot in memory, write_run_folder() against the files of
// `hydrascope run` (byte for byte), the folder swap, refusals and errors.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli_run.hpp"
#include "hydrascope/error.hpp"
#include "hydrascope/io.hpp"
#include "hydrascope/export.hpp"
#include "hydrascope/pipeline.hpp"
#include "hydrascope/tracking.hpp"
#include "files.hpp"

namespace hydrascope {
namespace {

namespace fs = std::filesystem;

const std::string kSample = std::string(HYDRASCOPE_TEST_DATASETS) + "/sample/snapshot.json.gz";

std::string tmp_dir(const std::string& name) {
  const std::string d = std::string(HYDRASCOPE_TEST_TMP) + "/pipeline-" + name;
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

using hydrascope::testing::read_all;

std::vector<std::string> files_under(const std::string& root) {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.is_regular_file()) out.push_back(fs::relative(e.path(), root).string());
  std::sort(out.begin(), out.end());
  return out;
}

// Every file but timings.json (seconds, peak memory) is the same byte for byte.
void expect_same_folder(const std::string& a, const std::string& b) {
  const auto fa = files_under(a), fb = files_under(b);
  ASSERT_EQ(fa, fb);
  for (const auto& f : fa) {
    if (f == "timings.json") continue;
    EXPECT_EQ(read_all(a + "/" + f), read_all(b + "/" + f)) << f;
  }
}

PipelineOptions sample_options() {
  PipelineOptions po;
  po.community.seed = 1;
  po.threads = 2;
  po.load.checksum = true;  // as `hydrascope run`
  return po;
}

TEST(Pipeline, RunFolderIsTheCommandLinesByteForByte) {
  const std::string dir = tmp_dir("cli");
  const auto cli = testing::run_hydrascope("-q run " + kSample + " --out " + dir + "/cli --seed 1 --threads 2 --export-formats graphml,csv",
                                           dir + "/cap");
  ASSERT_EQ(cli.code, 0) << cli.err;
  std::vector<std::string> stages;
  PipelineOptions po = sample_options();
  po.on_stage = [&](const StageReport& r) { stages.push_back(r.name); };
  const RunResult r = run_pipeline(kSample, po);
  EXPECT_EQ(stages, (std::vector<std::string>{"load", "build", "detect", "centrality", "refine", "features", "score"}));
  RunFolderOptions fo;
  fo.suspects.graphml = fo.suspects.csv = true;
  const RunFolderReport w = write_run_folder(r, dir + "/lib", fo);
  EXPECT_EQ(w.account_rows, r.accounts);
  EXPECT_FALSE(w.suspect_files.empty());
  expect_same_folder(dir + "/cli", dir + "/lib");
  // No temporary is left beside the folder.
  for (const auto& e : fs::directory_iterator(dir))
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
}

TEST(Pipeline, SnapshotInMemoryGivesTheSameResults) {
  const std::string dir = tmp_dir("memory");
  const RunResult a = run_pipeline(kSample, sample_options());
  auto snapshot = std::make_shared<const Snapshot>(load_snapshot(kSample));
  const RunResult b = run_pipeline(snapshot, sample_options());
  EXPECT_EQ(a.partition().membership, b.partition().membership);
  EXPECT_EQ(a.scoring().account_risk, b.scoring().account_risk);
  write_run_folder(a, dir + "/a");
  write_run_folder(b, dir + "/b");
  EXPECT_EQ(read_all(dir + "/a/accounts.csv"), read_all(dir + "/b/accounts.csv"));
  EXPECT_EQ(read_all(dir + "/a/communities.json"), read_all(dir + "/b/communities.json"));
  EXPECT_NE(read_all(dir + "/b/run.json").find("\"format\":\"memory\""), std::string::npos);
  // The same result written twice: the same bytes.
  write_run_folder(a, dir + "/a2");
  expect_same_folder(dir + "/a", dir + "/a2");
}

// Tracking (--previous): the library given the previous run writes what the
// command line writes, run.json's tracking options and counts included.
TEST(Pipeline, TrackedRunIsTheCommandLinesByteForByte) {
  const std::string dir = tmp_dir("tracked");
  const RunResult first = run_pipeline(kSample, sample_options());
  write_run_folder(first, dir + "/first");
  const auto cli = testing::run_hydrascope("-q run " + kSample + " --out " + dir + "/cli --seed 1 --threads 2 --previous " +
                                               dir + "/first",
                                           dir + "/cap");
  ASSERT_EQ(cli.code, 0) << cli.err;
  const TrackedRun previous = RunData::read_tracking(dir + "/first");
  PipelineOptions po = sample_options();
  po.previous = &previous;
  std::vector<std::string> stages;
  po.on_stage = [&](const StageReport& r) { stages.push_back(r.name); };
  const RunResult r = run_pipeline(kSample, po);
  EXPECT_EQ(stages.back(), "track");
  ASSERT_NE(r.tracking(), nullptr);
  EXPECT_EQ(r.hydra_ids.size(), r.partition().num_communities);
  RunFolderOptions fo;
  fo.previous = dir + "/first";
  write_run_folder(r, dir + "/lib", fo);
  expect_same_folder(dir + "/cli", dir + "/lib");
  const std::string run_json = read_all(dir + "/lib/run.json");
  EXPECT_NE(run_json.find("\"warm_start\""), std::string::npos);
  EXPECT_NE(read_all(dir + "/lib/accounts.csv").find(",hydra_id"), std::string::npos);
  // Without tracking, run.json says nothing of it.
  EXPECT_EQ(read_all(dir + "/first/run.json").find("\"warm_start\""), std::string::npos);
}

TEST(Pipeline, FolderWithResultsIsReplacedOnlyWhenAsked) {
  const std::string dir = tmp_dir("replace");
  const RunResult r = run_pipeline(kSample, sample_options());
  write_run_folder(r, dir + "/out");
  { std::ofstream(dir + "/out/extra.txt") << "x"; }
  EXPECT_THROW(write_run_folder(r, dir + "/out"), std::invalid_argument);
  EXPECT_TRUE(fs::exists(dir + "/out/extra.txt"));
  RunFolderOptions fo;
  fo.replace = true;
  write_run_folder(r, dir + "/out/", fo);  // trailing slash: the same folder
  EXPECT_FALSE(fs::exists(dir + "/out/extra.txt"));
  EXPECT_TRUE(fs::exists(dir + "/out/run.json"));
  { std::ofstream(dir + "/file") << "x"; }
  EXPECT_THROW(write_run_folder(r, dir + "/file", fo), std::invalid_argument);
}

TEST(Pipeline, BadModelFailsBeforeTheSnapshotIsRead) {
  const std::string dir = tmp_dir("model");
  { std::ofstream(dir + "/model.json") << "{\"format\":\"nope\"}"; }
  PipelineOptions po = sample_options();
  po.model_file = dir + "/model.json";
  bool loaded = false;
  po.on_stage = [&](const StageReport& r) { loaded = loaded || r.name == "load"; };
  try {
    (void)run_pipeline(dir + "/missing-snapshot.json", po);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("model.json"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(loaded);
}

TEST(Pipeline, ErrorsAreLocatedAndOptionsChecked) {
  const std::string dir = tmp_dir("errors");
  { std::ofstream(dir + "/bad.ndjson") << "{\"format\":\"hydrascope.snapshot\",\"version\":1}\n{\"kind\":\"node\",\"id\":\"a\"}\n"; }
  try {
    (void)run_pipeline(dir + "/bad.ndjson", sample_options());
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().line, 2u) << e.what();
  }
  PipelineOptions po = sample_options();
  po.threads = -1;
  EXPECT_THROW((void)run_pipeline(kSample, po), std::invalid_argument);
  EXPECT_THROW((void)run_pipeline(std::shared_ptr<const Snapshot>{}, sample_options()), std::invalid_argument);
  EXPECT_FALSE(fs::exists(dir + "/out"));
}

}  // namespace
}  // namespace hydrascope
