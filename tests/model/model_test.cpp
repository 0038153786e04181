#include <gtest/gtest.h>
#include <cmath>
#include "hydrascope/model.hpp"
namespace hydrascope {
TEST(ModelSmoke, Trains) {
  FeatureMatrix x = FeatureMatrix::filled({"x0", "x1"}, 200);
  std::vector<float> y(200);
  for (std::uint64_t r = 0; r < 200; ++r) {
    x.at(r, 0) = static_cast<float>(r % 10) / 10.0f;
    x.at(r, 1) = (r / 10) % 2 == 0 ? 1.0f : std::numeric_limits<float>::quiet_NaN();
    y[r] = ((x.at(r, 0) > 0.5f) != std::isnan(x.at(r, 1))) ? 1.0f : 0.0f;
  }
  BoosterOptions o; o.rounds = 20; o.eta = 0.3;
  TrainReport rep;
  Model m = Model::train(x, y, {}, o, {}, &rep);
  auto p = m.predict_probability(x);
  std::string b = m.to_buffer();
  std::printf("%zu bytes, logloss %g err %g\n%.400s\n", b.size(), rep.train_logloss, rep.train_error, b.c_str());
  Model m2 = Model::from_buffer(b, "x");
  EXPECT_EQ(m2.to_buffer(), b);
  std::vector<std::uint64_t> rows{0, 1, 2};
  auto c = m.contributions(x, rows);
  auto mg = m.predict_margin(x);
  for (int i = 0; i < 3; ++i) { double s = 0; for (int j = 0; j < 3; ++j) s += c[i*3+j]; std::printf("%g vs %g\n", s, mg[i]); }
}
}
