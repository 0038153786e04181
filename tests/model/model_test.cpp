// The learned model: a literal XOR-with-missing dataset learned to perfect
// accuracy, missing values down the learned branch, columns matched by name,
// contributions that sum to the margin, file round trips (same bytes),
// determinism over threads and seeds, and every documented error.
#include "hydrascope/model.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "hydrascope/common.hpp"
#include "hydrascope/error.hpp"

namespace hydrascope {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

std::string tmp(const std::string& name) { return std::string(HYDRASCOPE_TEST_TMP) + "/model_" + name; }

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
}

// The XOR-with-missing world: label = (x0 > 0.5) XOR (x1 is missing).
//
//                  x1 present   x1 missing        rows per cell
//     x0 <= 0.5        0            1             80       40
//     x0 >  0.5        1            0             80       40
//
// x0 takes 0.05, 0.15, ..., 0.95; x1, when present, 0.1, 0.4, 0.7 or 0.9 (its
// value carries nothing: only its absence does, so the trees can separate
// the rows only through the branch they learn for a missing x1). The cells
// are unequal (present twice as often as missing) so that a greedy first
// split on x0 gains something (a balanced XOR gives no single split any
// gain). "const" is 0.5 in every row (nothing to split on); "noise" is a
// fixed pseudo-random value. 10 x0 values x 6 x1 slots x 4 copies = 240 rows.
struct Data {
  FeatureMatrix x;
  std::vector<float> y;
};

Data xor_data() {
  Data d;
  d.x = FeatureMatrix::filled({"x0", "x1", "const", "noise"}, 240);
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> unit(0.0f, 1.0f);
  const float x1_values[4] = {0.1f, 0.4f, 0.7f, 0.9f};
  std::uint64_t r = 0;
  for (int copy = 0; copy < 4; ++copy)
    for (int a = 0; a < 10; ++a)
      for (int slot = 0; slot < 6; ++slot, ++r) {
        const float x0 = 0.05f + 0.1f * static_cast<float>(a);
        const bool missing = slot >= 4;
        d.x.at(r, 0) = x0;
        d.x.at(r, 1) = missing ? kNaN : x1_values[slot];
        d.x.at(r, 2) = 0.5f;
        d.x.at(r, 3) = unit(rng);
        d.y.push_back((x0 > 0.5f) != missing ? 1.0f : 0.0f);
      }
  return d;
}

BoosterOptions xor_options() {
  BoosterOptions o;
  o.rounds = 30;
  o.max_depth = 3;
  o.eta = 0.3;
  o.threads = 1;
  return o;
}

// A larger, weighted, noisy world for determinism checks: 6 features, some
// missing, weights spread over eight orders of magnitude.
Data weighted_data(std::uint64_t rows, std::vector<float>* weights) {
  Data d;
  d.x = FeatureMatrix::filled({"a", "b", "c", "d", "e", "f"}, rows);
  std::mt19937_64 rng(11);
  std::normal_distribution<float> normal;
  std::uniform_real_distribution<float> exponent(-4.0f, 4.0f);
  for (std::uint64_t r = 0; r < rows; ++r) {
    float s = 0.0f;
    for (std::size_t c = 0; c < 6; ++c) {
      const float v = normal(rng);
      d.x.at(r, c) = rng() % 10 == 0 ? kNaN : v;
      if (c < 3 && !std::isnan(d.x.at(r, c))) s += v;
    }
    d.y.push_back(s + normal(rng) > 0.0f ? 1.0f : 0.0f);
    weights->push_back(std::pow(10.0f, exponent(rng)));
  }
  return d;
}

// The model trained once on the XOR world, shared by the read-only tests.
class XorModel : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    data_ = new Data(xor_data());
    ModelInfo info;
    info.recipe = "xor fixture";
    info.trained_on = "tests/model";
    info.extra = {{"zeta", "last"}, {"alpha", "first"}};
    model_ = new Model(Model::train(data_->x, data_->y, {}, xor_options(), info, &report_));
  }
  static void TearDownTestSuite() {
    delete model_;
    delete data_;
    model_ = nullptr;
    data_ = nullptr;
  }
  static const Model& model() { return *model_; }
  static const Data& data() { return *data_; }
  static Data* data_;
  static Model* model_;
  static TrainReport report_;
};
Data* XorModel::data_ = nullptr;
Model* XorModel::model_ = nullptr;
TrainReport XorModel::report_;

// ------------------------------------------------------------ learning ----

TEST_F(XorModel, LearnsXorWithMissingToPerfectAccuracy) {
  const auto p = model().predict_probability(data().x);
  ASSERT_EQ(p.size(), data().x.rows);
  for (std::size_t r = 0; r < p.size(); ++r) {
    if (data().y[r] == 1.0f)
      EXPECT_GT(p[r], 0.9) << "row " << r;
    else
      EXPECT_LT(p[r], 0.1) << "row " << r;
  }
  EXPECT_EQ(report_.rounds, 30);
  EXPECT_EQ(report_.rows, 240u);
  EXPECT_EQ(report_.positives, 120u);
  EXPECT_DOUBLE_EQ(report_.weight_sum, 240.0);
  EXPECT_EQ(report_.train_error, 0.0);
  EXPECT_LT(report_.train_logloss, 0.1);
  EXPECT_EQ(report_.threads, 1);
  EXPECT_GT(report_.seconds, 0.0);
  EXPECT_EQ(model().rounds(), 30);
  EXPECT_EQ(model().feature_names(), (std::vector<std::string>{"x0", "x1", "const", "noise"}));
}

// Boosting on from a base model: its trees stay first, the new ones learn
// what the base gets wrong on the new rows (here every label flipped).
TEST_F(XorModel, TrainingFromABaseKeepsItsTreesAndLearnsTheNewRows) {
  std::vector<float> flipped;
  for (float y : data().y) flipped.push_back(1.0f - y);
  BoosterOptions o = xor_options();
  o.rounds = 40;
  TrainReport rep;
  const Model more = Model::train_from(model(), data().x, flipped, {}, o, {}, &rep);
  EXPECT_EQ(more.rounds(), model().rounds() + 40);
  EXPECT_EQ(rep.rounds, model().rounds() + 40);
  EXPECT_EQ(more.feature_names(), model().feature_names());
  EXPECT_NE(more.info().extra.at("continued_from").find("30 trees"), std::string::npos);
  const auto before = model().predict_probability(data().x);
  const auto after = more.predict_probability(data().x);
  double err_before = 0.0, err_after = 0.0;
  for (std::size_t r = 0; r < after.size(); ++r) {
    err_before += std::fabs(before[r] - flipped[r]);
    err_after += std::fabs(after[r] - flipped[r]);
  }
  EXPECT_LT(err_after, 0.5 * err_before);
  // One round at a tiny learning rate leaves the base's margins almost as they were.
  o.rounds = 1;
  o.eta = 1e-6;
  const auto same = Model::train_from(model(), data().x, flipped, {}, o).predict_margin(data().x);
  const auto base = model().predict_margin(data().x);
  for (std::size_t r = 0; r < base.size(); ++r) EXPECT_NEAR(same[r], base[r], 1e-3);
  // Columns must be the base's, in its order.
  FeatureMatrix other = FeatureMatrix::filled({"noise", "const", "x1", "x0"}, data().x.rows, 0.0f);
  EXPECT_THROW((void)Model::train_from(model(), other, flipped, {}, o), std::invalid_argument);
}

TEST_F(XorModel, ProbabilityIsTheSigmoidOfTheMargin) {
  const auto m = model().predict_margin(data().x);
  const auto p = model().predict_probability(data().x);
  for (std::size_t r = 0; r < m.size(); ++r) EXPECT_DOUBLE_EQ(p[r], 1.0 / (1.0 + std::exp(-m[r])));
}

TEST_F(XorModel, MissingValueGoesDownTheLearnedBranch) {
  // New rows, not in the training data: x0 on either side, x1 missing or not.
  FeatureMatrix x = FeatureMatrix::filled({"x0", "x1", "const", "noise"}, 4, 0.5f);
  x.at(0, 0) = 0.22f;  // x0 low,  x1 missing -> 1
  x.at(0, 1) = kNaN;
  x.at(1, 0) = 0.22f;  // x0 low,  x1 present -> 0
  x.at(1, 1) = 0.33f;
  x.at(2, 0) = 0.88f;  // x0 high, x1 missing -> 0
  x.at(2, 1) = kNaN;
  x.at(3, 0) = 0.88f;  // x0 high, x1 present -> 1
  x.at(3, 1) = 0.66f;
  const auto p = model().predict_probability(x);
  EXPECT_GT(p[0], 0.9);
  EXPECT_LT(p[1], 0.1);
  EXPECT_LT(p[2], 0.1);
  EXPECT_GT(p[3], 0.9);
}

TEST_F(XorModel, InfinityIsAnOrdinaryValueInPrediction) {
  FeatureMatrix a = FeatureMatrix::filled({"x0", "x1"}, 2, 0.5f);
  FeatureMatrix b = a;
  a.at(0, 0) = std::numeric_limits<float>::infinity();
  b.at(0, 0) = 1e30f;
  a.at(1, 0) = -std::numeric_limits<float>::infinity();
  b.at(1, 0) = -1e30f;
  EXPECT_EQ(model().predict_margin(a), model().predict_margin(b));
}

// ----------------------------------------------------- columns by name ----

TEST_F(XorModel, ColumnsAreMatchedByName) {
  const FeatureMatrix& x = data().x;
  const auto want = model().predict_margin(x);
  // Reversed order plus two columns the model does not know.
  FeatureMatrix shuffled = FeatureMatrix::filled({"extra1", "noise", "const", "x1", "x0", "extra2"}, x.rows, 9.0f);
  for (std::uint64_t r = 0; r < x.rows; ++r)
    for (std::size_t c = 0; c < 4; ++c) shuffled.at(r, 4 - c) = x.at(r, c);
  EXPECT_EQ(model().predict_margin(shuffled), want);
  std::vector<std::uint64_t> rows(x.rows);
  std::iota(rows.begin(), rows.end(), 0);
  EXPECT_EQ(model().contributions(shuffled, rows), model().contributions(x, rows));
}

TEST_F(XorModel, AbsentColumnIsMissingInEveryRow) {
  const FeatureMatrix& x = data().x;
  FeatureMatrix without = FeatureMatrix::filled({"noise", "x0", "const"}, x.rows);
  FeatureMatrix all_missing = x;
  for (std::uint64_t r = 0; r < x.rows; ++r) {
    without.at(r, 0) = x.at(r, 3);
    without.at(r, 1) = x.at(r, 0);
    without.at(r, 2) = x.at(r, 2);
    all_missing.at(r, 1) = kNaN;
  }
  const auto p = model().predict_margin(without);
  EXPECT_EQ(p, model().predict_margin(all_missing));
  // And missing x1 means label = (x0 <= 0.5).
  const auto prob = model().predict_probability(without);
  for (std::uint64_t r = 0; r < x.rows; ++r) EXPECT_EQ(prob[r] > 0.5, x.at(r, 0) <= 0.5f) << "row " << r;
  // With no known column at all, every row is all-missing: one value.
  const FeatureMatrix none = FeatureMatrix::filled({"unknown"}, 3, 1.0f);
  const auto m = model().predict_margin(none);
  EXPECT_EQ(m[0], m[1]);
  EXPECT_EQ(m[1], m[2]);
}

TEST_F(XorModel, EmptyInputsGiveEmptyOutputs) {
  const FeatureMatrix none = FeatureMatrix::filled({"x0"}, 0);
  EXPECT_TRUE(model().predict_margin(none).empty());
  EXPECT_TRUE(model().predict_probability(none).empty());
  EXPECT_TRUE(model().contributions(data().x, {}).empty());
}

// ------------------------------------------------------- contributions ----

TEST_F(XorModel, ContributionsSumToTheMarginInEveryRow) {
  const FeatureMatrix& x = data().x;
  std::vector<std::uint64_t> rows(x.rows);
  std::iota(rows.begin(), rows.end(), 0);
  rows.push_back(5);  // repeats are allowed
  const auto margin = model().predict_margin(x);
  const auto c = model().contributions(x, rows);
  const std::size_t width = model().feature_names().size() + 1;
  ASSERT_EQ(c.size(), rows.size() * width);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    double sum = 0.0;
    for (std::size_t j = 0; j < width; ++j) sum += c[i * width + j];
    EXPECT_NEAR(sum, margin[rows[i]], 1e-5) << "row " << rows[i];
    // "const" never splits anything: its contribution is exactly 0.
    EXPECT_EQ(c[i * width + 2], 0.0);
    // The bias (last column) is the same for every row.
    EXPECT_EQ(c[i * width + width - 1], c[width - 1]);
  }
  // The repeated row is identical to its first occurrence.
  for (std::size_t j = 0; j < width; ++j) EXPECT_EQ(c[x.rows * width + j], c[5 * width + j]);
  // x0 and x1 carry the decision: together they dominate the noise column.
  double informative = 0.0, noise = 0.0;
  for (std::size_t i = 0; i < x.rows; ++i) {
    informative += std::abs(c[i * width + 0]) + std::abs(c[i * width + 1]);
    noise += std::abs(c[i * width + 3]);
  }
  EXPECT_GT(informative, 5.0 * noise);
}

// Saabas' path attributions: also a decomposition of the margin, with the
// same bias, and the same informative features on top.
TEST_F(XorModel, ApproximateContributionsAlsoSumToTheMargin) {
  const FeatureMatrix& x = data().x;
  std::vector<std::uint64_t> rows(x.rows);
  std::iota(rows.begin(), rows.end(), 0);
  const auto margin = model().predict_margin(x);
  const auto exact = model().contributions(x, rows);
  const auto approx = model().contributions(x, rows, 0, Model::ContributionMethod::Approximate);
  const std::size_t width = model().feature_names().size() + 1;
  ASSERT_EQ(approx.size(), exact.size());
  double informative = 0.0, noise = 0.0;
  for (std::size_t i = 0; i < x.rows; ++i) {
    double sum = 0.0;
    for (std::size_t j = 0; j < width; ++j) sum += approx[i * width + j];
    EXPECT_NEAR(sum, margin[i], 1e-4) << "row " << i;
    EXPECT_NEAR(approx[i * width + width - 1], exact[i * width + width - 1], 1e-5);
    EXPECT_EQ(approx[i * width + 2], 0.0);
    informative += std::abs(approx[i * width + 0]) + std::abs(approx[i * width + 1]);
    noise += std::abs(approx[i * width + 3]);
  }
  EXPECT_GT(informative, 5.0 * noise);
  EXPECT_NE(approx, exact);  // a different method, not a copy
}

// -------------------------------------------------------------- files ----

TEST_F(XorModel, BufferRoundTripKeepsBytesAndPredictions) {
  const std::string bytes = model().to_buffer();
  EXPECT_EQ(bytes, model().to_buffer());  // saving twice: same bytes
  const Model back = Model::from_buffer(bytes, "roundtrip.json");
  EXPECT_EQ(back.to_buffer(), bytes);
  EXPECT_EQ(back.predict_margin(data().x), model().predict_margin(data().x));
  EXPECT_EQ(back.feature_names(), model().feature_names());
  EXPECT_EQ(back.info(), model().info());
  EXPECT_EQ(back.rounds(), 30);
  EXPECT_EQ(back.info().recipe, "xor fixture");
  EXPECT_EQ(back.info().extra.at("alpha"), "first");
  EXPECT_EQ(back.info().engine, "hydrascope " + std::string(version()) + ", XGBoost " + xgboost_version());
  EXPECT_NE(back.info().options.find("rounds=30 max_depth=3 eta=0.3"), std::string::npos) << back.info().options;
  EXPECT_EQ(back.info().options.find("threads"), std::string::npos);
  EXPECT_EQ(back.info().training_data, "rows=240 positives=120 features=4 weight_sum=240");
  // The envelope opens with its format, version and features.
  EXPECT_EQ(bytes.rfind(R"({"format":"hydrascope.model","version":1,"features":["x0","x1","const","noise"],)", 0), 0u);
  EXPECT_EQ(bytes.back(), '\n');
}

TEST_F(XorModel, FileRoundTripPlainAndGzip) {
  for (const std::string name : {"rt.json", "rt.json.gz"}) {
    const std::string path = tmp(name);
    model().save_file(path);
    const std::string first = read_bytes(path);
    model().save_file(path);
    EXPECT_EQ(read_bytes(path), first) << name << ": saving twice gives the same bytes";
    const bool gz = name.ends_with(".gz");
    EXPECT_EQ(first.size() >= 2 && static_cast<unsigned char>(first[0]) == 0x1f, gz) << name;
    const Model back = Model::load_file(path);
    EXPECT_EQ(back.to_buffer(), model().to_buffer()) << name;
    EXPECT_EQ(back.predict_margin(data().x), model().predict_margin(data().x)) << name;
    std::vector<std::uint64_t> rows{0, 17, 239};
    EXPECT_EQ(back.contributions(data().x, rows), model().contributions(data().x, rows)) << name;
    // No temporary left beside the file.
    for (const auto& e : std::filesystem::directory_iterator(HYDRASCOPE_TEST_TMP))
      EXPECT_EQ(e.path().filename().string().find(std::filesystem::path(path).filename().string() + ".tmp"),
                std::string::npos);
  }
  // gzip is recognised by its magic bytes, whatever the name.
  std::filesystem::copy_file(tmp("rt.json.gz"), tmp("rt_gz_named.json"),
                             std::filesystem::copy_options::overwrite_existing);
  EXPECT_EQ(Model::load_file(tmp("rt_gz_named.json")).to_buffer(), model().to_buffer());
}

TEST_F(XorModel, MovedFromModelThrowsLogicError) {
  Model a = Model::from_buffer(model().to_buffer(), "m.json");
  Model b = std::move(a);
  EXPECT_EQ(b.rounds(), 30);
  EXPECT_THROW((void)a.predict_margin(data().x), std::logic_error);  // NOLINT(bugprone-use-after-move)
  EXPECT_THROW((void)a.to_buffer(), std::logic_error);
  a = std::move(b);
  EXPECT_EQ(a.rounds(), 30);
}

// -------------------------------------------------------- determinism ----

TEST(ModelDeterminism, SameInputsGiveTheSameBytes) {
  const Data d = xor_data();
  BoosterOptions o = xor_options();
  o.subsample = 0.7;
  o.colsample_bytree = 0.75;
  const std::string a = Model::train(d.x, d.y, {}, o).to_buffer();
  const std::string b = Model::train(d.x, d.y, {}, o).to_buffer();
  EXPECT_EQ(a, b);
  // The seed is the only randomness, and all of its 64 bits count.
  o.seed = 2;
  EXPECT_NE(Model::train(d.x, d.y, {}, o).to_buffer(), a);
  o.seed = 1 + (std::uint64_t{1} << 40);
  EXPECT_NE(Model::train(d.x, d.y, {}, o).to_buffer(), a);
}

TEST(ModelDeterminism, TrainingIsIdenticalForOneAndTwoThreads) {
  std::vector<float> w;
  const Data d = weighted_data(20000, &w);
  BoosterOptions o;
  o.rounds = 12;
  o.subsample = 0.8;
  o.colsample_bytree = 0.8;
  o.threads = 1;
  TrainReport r1, r2;
  const Model one = Model::train(d.x, d.y, w, o, {}, &r1);
  o.threads = 2;
  const Model two = Model::train(d.x, d.y, w, o, {}, &r2);
  EXPECT_EQ(one.to_buffer(), two.to_buffer());
  EXPECT_EQ(r1.threads, 1);
  EXPECT_EQ(r2.threads, 2);
  EXPECT_EQ(r1.train_logloss, r2.train_logloss);
  EXPECT_LT(r1.train_logloss, 0.6);
}

TEST(ModelDeterminism, PredictionsAndContributionsAreIdenticalForAnyThreadCount) {
  std::vector<float> w;
  // More rows than one prediction block, so blocks and their boundaries count.
  const Data d = weighted_data(kModelBlockRows + 4465, &w);
  BoosterOptions o;
  o.rounds = 20;
  o.threads = 1;
  const Model m = Model::train(d.x, d.y, w, o);
  const auto p1 = m.predict_margin(d.x, 1);
  const auto p2 = m.predict_margin(d.x, 2);
  EXPECT_EQ(p1, p2);
  EXPECT_EQ(m.predict_margin(d.x, 0), p1);
  // The gathered path (columns in another order) gives the same values.
  FeatureMatrix rev = FeatureMatrix::filled({"f", "e", "d", "c", "b", "a"}, d.x.rows);
  for (std::uint64_t r = 0; r < d.x.rows; ++r)
    for (std::size_t c = 0; c < 6; ++c) rev.at(r, 5 - c) = d.x.at(r, c);
  EXPECT_EQ(m.predict_margin(rev, 2), p1);
  // One row at a time around the block boundary: the same as in the big call.
  for (const std::uint64_t r : {std::uint64_t{0}, kModelBlockRows - 1, kModelBlockRows, d.x.rows - 1}) {
    FeatureMatrix one = FeatureMatrix::filled(d.x.names, 1);
    for (std::size_t c = 0; c < 6; ++c) one.at(0, c) = d.x.at(r, c);
    EXPECT_EQ(m.predict_margin(one)[0], p1[r]) << "row " << r;
  }
  std::vector<std::uint64_t> rows;
  for (std::uint64_t r = 0; r < d.x.rows; r += 97) rows.push_back(r);
  const auto c1 = m.contributions(d.x, rows, 1);
  const auto c2 = m.contributions(d.x, rows, 2);
  EXPECT_EQ(c1, c2);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    double sum = 0.0;
    for (std::size_t j = 0; j < 7; ++j) sum += c1[i * 7 + j];
    EXPECT_NEAR(sum, p1[rows[i]], 1e-5) << "row " << rows[i];
  }
}

TEST(ModelSize, ThreeHundredDepthSixTreesOverOneHundredFiftyFeaturesStaySmall) {
  // Random labels keep every tree growing to its full depth (127 nodes).
  std::vector<std::string> names;
  for (int c = 0; c < 150; ++c) names.push_back("feature_" + std::to_string(c));
  FeatureMatrix x = FeatureMatrix::filled(names, 1000);
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<float> unit;
  for (float& v : x.values) v = unit(rng);
  std::vector<float> y(x.rows);
  for (float& v : y) v = rng() % 2 == 0 ? 1.0f : 0.0f;
  BoosterOptions o;  // 300 rounds, depth 6
  o.min_child_weight = 0.0;
  o.max_bin = 16;  // fewer split candidates: faster, and the file is the same size
  o.threads = 1;
  const Model m = Model::train(x, y, {}, o);
  const std::string bytes = m.to_buffer();
  // Trees stop where no split gains anything; scale the size to 300 full
  // trees (127 nodes each) from the bytes per node.
  std::size_t nodes = 0;
  const std::string key = R"("num_nodes":")";
  for (auto at = bytes.find(key); at != std::string::npos; at = bytes.find(key, at + 1))
    nodes += std::stoul(bytes.substr(at + key.size(), 4));
  ASSERT_GT(nodes, 300u * 63u);
  const double full = static_cast<double>(bytes.size()) / static_cast<double>(nodes) * 300.0 * 127.0;
  std::printf("300 trees, depth 6, 150 features, %zu nodes: %zu bytes JSON (%.0f for full trees)\n", nodes,
              bytes.size(), full);
  EXPECT_LT(full, 4.0 * (1 << 20));
  m.save_file(tmp("size.json.gz"));
  const auto gz = std::filesystem::file_size(tmp("size.json.gz"));
  std::printf("  .json.gz: %ju bytes\n", static_cast<std::uintmax_t>(gz));
  EXPECT_LT(bytes.size(), 5u << 20);
  EXPECT_LT(gz, 2u << 20);
}

// ---------------------------------------------------------- progress ----

TEST(ModelTrain, ReportsProgressPerRoundAndStopsOnCancel) {
  const Data d = xor_data();
  std::vector<std::uint64_t> seen;
  ProgressFn progress = [&](std::string_view stage, std::uint64_t done, std::uint64_t total) {
    EXPECT_EQ(stage, "train");
    EXPECT_EQ(total, 30u);
    seen.push_back(done);
  };
  (void)Model::train(d.x, d.y, {}, xor_options(), {}, nullptr, progress);
  std::vector<std::uint64_t> want(30);
  std::iota(want.begin(), want.end(), 1);
  EXPECT_EQ(seen, want);

  std::atomic<bool> flag{false};
  CancelToken cancel{&flag};
  std::uint64_t rounds = 0;
  ProgressFn stop_after_3 = [&](std::string_view, std::uint64_t done, std::uint64_t) {
    rounds = done;
    if (done == 3) flag = true;
  };
  EXPECT_THROW((void)Model::train(d.x, d.y, {}, xor_options(), {}, nullptr, stop_after_3, cancel), Cancelled);
  EXPECT_EQ(rounds, 3u);
}

// ------------------------------------------------------------- errors ----

template <typename F>
std::string input_error(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  } catch (const std::exception& e) {
    return std::string("wrong exception type: ") + e.what();
  }
  return "no error";
}

std::string replace_once(std::string s, const std::string& from, const std::string& to) {
  const auto at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

TEST_F(XorModel, BadFilesGiveLocatedInputErrors) {
  const std::string good = model().to_buffer();
  auto load = [](const std::string& bytes) {
    return input_error([&] { (void)Model::from_buffer(bytes, "bad.json"); });
  };

  EXPECT_EQ(load(""), "bad.json: empty file: not a model file");
  EXPECT_EQ(load("hello"), "bad.json: byte 0: invalid JSON: Invalid value.");
  EXPECT_EQ(load("[1, 2]"), "bad.json: byte 0: not a hydrascope model file: the document is an array, not an object");
  const std::string truncated = load(good.substr(0, good.size() / 2));
  EXPECT_EQ(truncated.rfind("bad.json: byte " + std::to_string(good.size() / 2) + ": truncated: ", 0), 0u) << truncated;

  EXPECT_EQ(
      load(replace_once(good, R"("format":"hydrascope.model")", R"("format":"hydrascope.run")")),
      R"(bad.json: byte 10: field "format": not a hydrascope model file: format is "hydrascope.run", expected "hydrascope.model")");
  EXPECT_EQ(load(replace_once(good, R"("version":1,)", R"("version":2,)")),
            R"(bad.json: byte 39: field "version": unsupported version 2 (this engine reads version 1))");
  EXPECT_EQ(load(replace_once(good, R"("version":1,)", R"("version":1,"version":1,)")),
            R"(bad.json: byte 41: duplicate key "version")");
  EXPECT_EQ(
      load(replace_once(good, R"("version":1,)", R"("version":1,"comment":"x",)")),
      R"(bad.json: byte 51: field "comment": unknown key (a version 1 model holds format, version, features, info, booster))");

  // The feature list disagrees with the booster: another name, one too few.
  const std::string renamed = load(replace_once(good, R"("features":["x0",)", R"("features":["y0",)"));
  EXPECT_NE(
      renamed.find(
          R"(field "booster.learner.feature_names[0]": is "x0" but features[0] is "y0" (the feature list disagrees with the booster))"),
      std::string::npos)
      << renamed;
  const std::string fewer = load(replace_once(good, R"(,"noise"],"info")", R"(],"info")"));
  EXPECT_NE(fewer.find(R"(field "booster.learner.feature_names": has 4 names, the envelope's "features" lists 3)"),
            std::string::npos)
      << fewer;
  EXPECT_EQ(load(replace_once(good, R"("features":["x0","x1")", R"("features":["x0","x0")")),
            R"(bad.json: byte 58: field "features[1]": duplicate feature "x0")");

  // A crafted booster: a child index outside the tree, a right child that is
  // not left + 1, a split on a feature the model does not have.
  const std::string tree0 = R"("left_children":[1,)";
  const std::size_t at = good.find(tree0);
  ASSERT_NE(at, std::string::npos);
  const std::string oob = load(replace_once(good, tree0, R"("left_children":[9999,)"));
  EXPECT_EQ(
      oob,
      "bad.json: byte " + std::to_string(at + 17) +
          R"(: field "booster.learner.gradient_booster.model.trees[0].left_children[0]": must be an integer in [-1, )" +
          oob.substr(oob.find("[-1, ") + 5, oob.find("], got") - oob.find("[-1, ") - 5) + "], got 9999");
  const std::string right = load(replace_once(good, R"("right_children":[2,)", R"("right_children":[3,)"));
  EXPECT_NE(
      right.find(
          R"(field "booster.learner.gradient_booster.model.trees[0].right_children[0]": is 3, must be left_children[0] + 1 = 2)"),
      std::string::npos)
      << right;
  const std::string split = load(replace_once(good, R"("split_indices":[)", R"("split_indices":[7)"));
  EXPECT_NE(split.find(R"(trees[0].split_indices[0]": must be an integer in [0, 3], got )"), std::string::npos)
      << split;
  EXPECT_NE(
      load(replace_once(good, R"("num_trees":"30")", R"("num_trees":"31")"))
          .find(R"(field "booster.learner.gradient_booster.model.gbtree_model_param.num_trees": is 31, expected 30)"),
      std::string::npos);
  EXPECT_NE(load(replace_once(good, R"("name":"binary:logistic")", R"("name":"reg:squarederror")"))
                .find(R"(field "booster.learner.objective.name": is "reg:squarederror", expected "binary:logistic")"),
            std::string::npos);

  // Too deep, and a booster XGBoost itself refuses (after our checks pass).
  EXPECT_EQ(load(std::string(100, '[') + std::string(100, ']')), "bad.json: byte 64: nesting deeper than 64 levels");
  EXPECT_NE(
      load(replace_once(good, R"("base_score":"5E-1")", R"("base_score":"half")"))
          .find(
              R"(field "booster.learner.learner_model_param.base_score": must be a probability in (0, 1) written as a decimal string, got "half")"),
      std::string::npos);
  const std::string booster_at = std::to_string(good.find(R"("booster":{)") + 10);
  const std::string xgb = load(replace_once(good, R"("attributes":{})", R"("attributes":{"a":1})"));
  EXPECT_EQ(xgb.rfind("bad.json: byte " + booster_at + R"(: field "booster": XGBoost cannot load it: )", 0), 0u) << xgb;
  EXPECT_EQ(xgb.find("Stack trace"), std::string::npos) << xgb;
}

TEST_F(XorModel, OffsetsPointAtTheFieldAtFault) {
  const std::string good = model().to_buffer();
  const std::string bad = replace_once(good, R"("split_type":[0,)", R"("split_type":[1,)");
  try {
    (void)Model::from_buffer(bad, "split_type.json");
    FAIL() << "loaded";
  } catch (const InputError& e) {
    ASSERT_NE(e.where().byte_offset, kNoPosition);
    EXPECT_EQ(bad.substr(e.where().byte_offset, 2), "1,");
    EXPECT_EQ(e.where().field, "booster.learner.gradient_booster.model.trees[0].split_type[0]");
    EXPECT_EQ(e.where().file, "split_type.json");
    EXPECT_EQ(e.message(), "must be 0 (a numerical split; categorical splits are not supported)");
  }
}

TEST_F(XorModel, BadGzipAndMissingFilesNameTheFile) {
  model().save_file(tmp("gz.json.gz"));
  const std::string gz = read_bytes(tmp("gz.json.gz"));
  write_bytes(tmp("cut.json.gz"), gz.substr(0, gz.size() / 2));
  const std::string cut = input_error([&] { (void)Model::load_file(tmp("cut.json.gz")); });
  EXPECT_EQ(cut.rfind(tmp("cut.json.gz") + ": truncated gzip: ", 0), 0u) << cut;
  std::string corrupt = gz;
  for (std::size_t i = 20; i < 40; ++i) corrupt[i] = static_cast<char>(corrupt[i] ^ 0x5a);
  write_bytes(tmp("corrupt.json.gz"), corrupt);
  const std::string bad = input_error([&] { (void)Model::load_file(tmp("corrupt.json.gz")); });
  EXPECT_EQ(bad.rfind(tmp("corrupt.json.gz") + ": ", 0), 0u) << bad;
  const std::string missing = input_error([&] { (void)Model::load_file(tmp("does_not_exist.json")); });
  EXPECT_EQ(missing, tmp("does_not_exist.json") + ": cannot open: No such file or directory");
  write_bytes(tmp("garbage.json"), "\x01\x02garbage");
  const std::string garbage = input_error([&] { (void)Model::load_file(tmp("garbage.json")); });
  EXPECT_EQ(garbage, tmp("garbage.json") + ": byte 0: invalid JSON: Invalid value.");
}

TEST_F(XorModel, XGBoostNeverPrints) {
  const std::string good = model().to_buffer();
  ::testing::internal::CaptureStderr();
  ::testing::internal::CaptureStdout();
  // A fresh thread: XGBoost 1.7 keeps its verbosity per thread, so this is
  // the case of a caller's worker thread that has never used the module.
  std::thread worker([&] {
    // XGBoost 1.7 warns (LOG(WARNING)) when it loads a model saved by 1.5.
    const std::string v15 = replace_once(good, R"("version":[1,7,4])", R"("version":[1,5,0])");
    EXPECT_EQ(Model::from_buffer(v15, "v15.json").predict_margin(data().x), model().predict_margin(data().x));
    (void)input_error([&] {
      (void)Model::from_buffer(replace_once(good, R"("attributes":{})", R"("attributes":{"a":1})"), "q.json");
    });
    (void)input_error([&] { (void)Model::from_buffer(good.substr(0, 1000), "q.json"); });
    (void)model().predict_margin(data().x, 2);
    (void)model().contributions(data().x, std::vector<std::uint64_t>{1, 2}, 2);
    (void)Model::train(data().x, data().y, {}, xor_options());
  });
  worker.join();
  EXPECT_EQ(::testing::internal::GetCapturedStdout(), "");
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
}

TEST(ModelOptions, BadOptionsNameTheValue) {
  auto msg = [](auto set) {
    BoosterOptions o;
    set(o);
    try {
      o.validate();
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(msg([](BoosterOptions& o) { o.rounds = 0; }), "BoosterOptions.rounds must be in [1, 100000], got 0");
  EXPECT_EQ(msg([](BoosterOptions& o) { o.max_depth = 31; }), "BoosterOptions.max_depth must be in [1, 30], got 31");
  EXPECT_EQ(msg([](BoosterOptions& o) { o.eta = 0.0; }), "BoosterOptions.eta must be in (0, 1], got 0");
  EXPECT_EQ(msg([](BoosterOptions& o) { o.subsample = 1.5; }), "BoosterOptions.subsample must be in (0, 1], got 1.5");
  EXPECT_EQ(msg([](BoosterOptions& o) { o.colsample_bytree = std::nan(""); }),
            "BoosterOptions.colsample_bytree must be in (0, 1], got nan");
  EXPECT_EQ(msg([](BoosterOptions& o) { o.min_child_weight = -1; }),
            "BoosterOptions.min_child_weight must be finite and >= 0, got -1");
  EXPECT_EQ(msg([](BoosterOptions& o) { o.lambda = INFINITY; }),
            "BoosterOptions.lambda must be finite and >= 0, got inf");
  EXPECT_EQ(msg([](BoosterOptions& o) { o.alpha = -0.5; }), "BoosterOptions.alpha must be finite and >= 0, got -0.5");
  EXPECT_EQ(msg([](BoosterOptions& o) { o.gamma = -2; }), "BoosterOptions.gamma must be finite and >= 0, got -2");
  EXPECT_EQ(msg([](BoosterOptions& o) { o.max_bin = 1; }), "BoosterOptions.max_bin must be in [2, 65536], got 1");
  EXPECT_EQ(msg([](BoosterOptions& o) { o.threads = -1; }), "BoosterOptions.threads must be >= 0, got -1");
  EXPECT_EQ(msg([](BoosterOptions&) {}), "no error");
  const Data d = xor_data();
  BoosterOptions o;
  o.rounds = -3;
  EXPECT_THROW((void)Model::train(d.x, d.y, {}, o), std::invalid_argument);
}

TEST_F(XorModel, BadShapesAreInvalidArguments) {
  const Data& d = data();
  const BoosterOptions o = xor_options();
  auto train_msg = [&](const FeatureMatrix& x, std::span<const float> y, std::span<const float> w) {
    try {
      (void)Model::train(x, y, w, o);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  FeatureMatrix short_values = d.x;
  short_values.values.pop_back();
  EXPECT_EQ(train_msg(short_values, d.y, {}), "FeatureMatrix: values.size() is 959, rows * cols is 240 x 4 = 960");
  FeatureMatrix dup = d.x;
  dup.names[3] = "x0";
  EXPECT_EQ(train_msg(dup, d.y, {}), R"(FeatureMatrix: duplicate column name "x0" (columns 0 and 3))");
  FeatureMatrix quote = d.x;
  quote.names[1] = "a\"b";
  EXPECT_NE(train_msg(quote, d.y, {}).find("is not usable"), std::string::npos);
  FeatureMatrix empty_name = d.x;
  empty_name.names[1].clear();
  EXPECT_NE(train_msg(empty_name, d.y, {}).find("is not usable"), std::string::npos);

  std::vector<float> y = d.y;
  y[7] = 0.5f;
  EXPECT_EQ(train_msg(d.x, y, {}), "Model::train: label of row 7 must be 0 or 1, got 0.5");
  y[7] = kNaN;
  EXPECT_EQ(train_msg(d.x, y, {}), "Model::train: label of row 7 must be 0 or 1, got nan");
  EXPECT_EQ(train_msg(d.x, std::span<const float>(d.y).first(10), {}), "Model::train: 10 labels for 240 rows");
  std::vector<float> w(240, 1.0f);
  EXPECT_EQ(train_msg(d.x, d.y, std::span<const float>(w).first(239)),
            "Model::train: 239 weights for 240 rows (give none for all 1)");
  w[3] = -1.0f;
  EXPECT_EQ(train_msg(d.x, d.y, w), "Model::train: weight of row 3 must be finite and >= 0, got -1");
  w[3] = kNaN;
  EXPECT_EQ(train_msg(d.x, d.y, w), "Model::train: weight of row 3 must be finite and >= 0, got nan");
  std::vector<float> zero(240, 0.0f);
  EXPECT_EQ(train_msg(d.x, d.y, zero), "Model::train: every weight is 0");
  FeatureMatrix inf = d.x;
  inf.at(4, 2) = -std::numeric_limits<float>::infinity();
  EXPECT_EQ(train_msg(inf, d.y, {}),
            R"(Model::train: value at row 4, column "const" is infinite (NaN marks a missing value))");
  EXPECT_EQ(train_msg(FeatureMatrix::filled({"a"}, 0), {}, {}), "Model::train: the feature matrix has no rows");
  EXPECT_EQ(train_msg(FeatureMatrix::filled({}, 3), std::vector<float>(3, 0.0f), {}),
            "Model::train: the feature matrix has no columns");

  EXPECT_THROW((void)model().predict_margin(short_values), std::invalid_argument);
  EXPECT_THROW((void)model().predict_margin(dup), std::invalid_argument);
  EXPECT_THROW((void)model().predict_margin(d.x, -1), std::invalid_argument);
  EXPECT_THROW((void)model().contributions(d.x, std::vector<std::uint64_t>{0}, -2), std::invalid_argument);
  try {
    (void)model().contributions(d.x, std::vector<std::uint64_t>{0, 240});
    ADD_FAILURE() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()), "Model::contributions: rows[1] = 240 is not a row of x (rows = 240)");
  }
}

TEST(ModelFeatureMatrix, HelpersCheckBounds) {
  FeatureMatrix m = FeatureMatrix::filled({"a", "b", "c"}, 2, 1.5f);
  EXPECT_EQ(m.cols(), 3u);
  EXPECT_EQ(m.values.size(), 6u);
  m.at(1, 2) = 4.0f;
  EXPECT_EQ(m.row(1)[2], 4.0f);
  EXPECT_EQ(m.row(1).size(), 3u);
  EXPECT_EQ(m.column("b"), std::optional<std::size_t>(1));
  EXPECT_EQ(m.column("z"), std::nullopt);
  EXPECT_THROW((void)m.at(2, 0), std::out_of_range);
  EXPECT_THROW((void)m.at(0, 3), std::out_of_range);
  EXPECT_THROW((void)m.row(2), std::out_of_range);
  EXPECT_TRUE(std::isnan(FeatureMatrix::filled({"a"}, 1).at(0, 0)));
  EXPECT_NO_THROW(m.validate());
}

}  // namespace
}  // namespace hydrascope
