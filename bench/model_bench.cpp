// Learned-model benchmark: training time on N random rows, then prediction
// throughput (in place from the caller's array, and gathered when the columns
// are in another order) and TreeSHAP contribution throughput, per thread count.
//
//   model_bench [--rows N] [--features F] [--rounds R] [--depth D]
//               [--threads 1,2] [--train-threads T] [--contrib-rows K]
//               [--model FILE] [--save FILE] [--seed S]
//
// Defaults: 1,000,000 x 150, a 300-round depth-6 model, threads 1 and 2,
// training on 2 threads, contributions for 5,000 rows. --model loads a
// model instead of training one; --save writes the trained one.
// Each case prints one self-describing line (bench/README.md): wall seconds,
// CPU seconds (robust on a shared machine), rows per second, and the peak
// resident memory the case added over what the process held before it.
#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "hydrascope/model.hpp"

using namespace hydrascope;

namespace {

const char* arg(int argc, char** argv, const char* name) {
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], name) == 0) return argv[i + 1];
  return nullptr;
}

double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

// Resident and peak resident kB from /proc/self/status.
long status_kb(const char* key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const std::size_t n = std::strlen(key);
  while (std::getline(in, line))
    if (line.compare(0, n, key) == 0) return std::atol(line.c_str() + n + 1);
  return -1;
}

// A case: resets the peak-RSS mark (Linux: "5" > clear_refs), runs f, prints.
struct Case {
  double wall0, cpu0;
  long rss0;
  Case() {
    std::ofstream("/proc/self/clear_refs") << "5";
    rss0 = status_kb("VmRSS:");
    cpu0 = cpu_seconds();
    wall0 = now();
  }
  void done(const std::string& head, double rows) const {
    const double wall = now() - wall0, cpu = cpu_seconds() - cpu0;
    const long peak = status_kb("VmHWM:");
    std::printf("%s s=%.3f cpu_s=%.3f rows_per_s=%.0f peak_extra_mb=%.1f\n", head.c_str(), wall, cpu, rows / wall,
                static_cast<double>(peak - rss0) / 1024.0);
    std::fflush(stdout);
  }
};

std::vector<int> int_list(const char* s) {
  std::vector<int> out;
  for (const char* p = s; *p != 0;) {
    out.push_back(std::atoi(p));
    while (*p != 0 && *p != ',') ++p;
    if (*p == ',') ++p;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const std::uint64_t rows =
      arg(argc, argv, "--rows") ? std::strtoull(arg(argc, argv, "--rows"), nullptr, 10) : 1000000;
  const int features = arg(argc, argv, "--features") ? std::atoi(arg(argc, argv, "--features")) : 150;
  const int rounds = arg(argc, argv, "--rounds") ? std::atoi(arg(argc, argv, "--rounds")) : 300;
  const int depth = arg(argc, argv, "--depth") ? std::atoi(arg(argc, argv, "--depth")) : 6;
  const std::vector<int> threads = int_list(arg(argc, argv, "--threads") ? arg(argc, argv, "--threads") : "1,2");
  const int train_threads = arg(argc, argv, "--train-threads") ? std::atoi(arg(argc, argv, "--train-threads")) : 2;
  const std::uint64_t contrib_rows =
      arg(argc, argv, "--contrib-rows") ? std::strtoull(arg(argc, argv, "--contrib-rows"), nullptr, 10) : 5000;
  const std::uint64_t seed = arg(argc, argv, "--seed") ? std::strtoull(arg(argc, argv, "--seed"), nullptr, 10) : 1;
  const char* model_path = arg(argc, argv, "--model");
  const char* save_path = arg(argc, argv, "--save");

  // Random features (uniform, 5% missing); the label depends on 10 of them
  // through thresholds and an interaction, plus noise, so trees grow deep.
  std::vector<std::string> names;
  for (int c = 0; c < features; ++c) names.push_back("f" + std::to_string(c));
  FeatureMatrix x = FeatureMatrix::filled(names, rows);
  std::vector<float> y(rows);
  {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<float> unit(0.0f, 1.0f);
    std::normal_distribution<float> noise(0.0f, 0.5f);
    for (std::uint64_t r = 0; r < rows; ++r) {
      float* row = x.values.data() + r * features;
      for (int c = 0; c < features; ++c) row[c] = rng() % 20 == 0 ? std::nanf("") : unit(rng);
      double s = noise(rng);
      for (int c = 0; c < std::min(features, 10); ++c)
        if (!std::isnan(row[c])) s += (row[c] > 0.3f + 0.04f * static_cast<float>(c)) ? 0.4 : -0.4;
      if (features > 1 && !std::isnan(row[0]) && !std::isnan(row[1])) s += (row[0] - 0.5) * (row[1] - 0.5) * 8.0;
      y[r] = s > 0.0 ? 1.0f : 0.0f;
    }
  }
  const std::string shape = "rows=" + std::to_string(rows) + " features=" + std::to_string(features);
  std::printf("# model_bench %s, XGBoost %s, matrix %.0f MB\n", shape.c_str(), xgboost_version().c_str(),
              static_cast<double>(x.values.size()) * 4.0 / 1e6);
  std::fflush(stdout);

  std::vector<Model> holder;
  if (model_path != nullptr) {
    holder.push_back(Model::load_file(model_path));
  } else {
    BoosterOptions o;
    o.rounds = rounds;
    o.max_depth = depth;
    o.threads = train_threads;
    o.seed = seed;
    TrainReport rep;
    Case c;
    holder.push_back(Model::train(x, y, {}, o, {}, &rep));
    c.done("case=train impl=xgboost-hist threads=" + std::to_string(train_threads) + " " + shape +
               " rounds=" + std::to_string(rounds) + " depth=" + std::to_string(depth) +
               " train_logloss=" + std::to_string(rep.train_logloss),
           static_cast<double>(rows));
  }
  const Model& model = holder.front();
  if (save_path != nullptr) model.save_file(save_path);
  {
    const std::string bytes = model.to_buffer();
    model.save_file("/tmp/model_bench_size.json.gz");
    std::ifstream gz("/tmp/model_bench_size.json.gz", std::ios::binary | std::ios::ate);
    std::printf("case=file trees=%d features=%zu json_bytes=%zu gz_bytes=%lld\n", model.rounds(),
                model.feature_names().size(), bytes.size(), static_cast<long long>(gz.tellg()));
    std::remove("/tmp/model_bench_size.json.gz");
  }
  const std::string model_desc = " trees=" + std::to_string(model.rounds());

  std::vector<double> reference;
  for (int t : threads) {
    Case c;
    const auto m = model.predict_margin(x, t);
    c.done("case=predict_margin path=in_place threads=" + std::to_string(t) + " " + shape + model_desc,
           static_cast<double>(rows));
    if (reference.empty()) reference = m;
    if (m != reference) std::printf("# MISMATCH: threads=%d margins differ from threads=%d\n", t, threads.front());
  }
  {
    // The same data with its columns reversed: each block is gathered into the model's order.
    FeatureMatrix rev = FeatureMatrix::filled({}, 0);
    rev.names.assign(names.rbegin(), names.rend());
    rev.rows = rows;
    rev.values.resize(x.values.size());
    for (std::uint64_t r = 0; r < rows; ++r)
      for (int col = 0; col < features; ++col)
        rev.values[r * features + (features - 1 - col)] = x.values[r * features + col];
    for (int t : threads) {
      Case c;
      const auto m = model.predict_margin(rev, t);
      c.done("case=predict_margin path=gathered threads=" + std::to_string(t) + " " + shape + model_desc,
             static_cast<double>(rows));
      if (m != reference) std::printf("# MISMATCH: gathered margins differ (threads=%d)\n", t);
    }
  }
  {
    std::vector<std::uint64_t> pick(std::min(contrib_rows, rows));
    for (std::uint64_t i = 0; i < pick.size(); ++i) pick[i] = i * (rows / pick.size());
    std::vector<double> first;
    for (int t : threads) {
      Case c;
      const auto contrib = model.contributions(x, pick, t);
      c.done("case=contributions impl=treeshap threads=" + std::to_string(t) + " rows=" + std::to_string(pick.size()) +
                 " features=" + std::to_string(features) + model_desc,
             static_cast<double>(pick.size()));
      if (first.empty()) first = contrib;
      if (contrib != first) std::printf("# MISMATCH: contributions differ (threads=%d)\n", t);
      double worst = 0.0;
      const std::size_t w = model.feature_names().size() + 1;
      for (std::size_t i = 0; i < pick.size(); ++i) {
        double s = 0.0;
        for (std::size_t j = 0; j < w; ++j) s += contrib[i * w + j];
        worst = std::max(worst, std::abs(s - reference[pick[i]]));
      }
      std::printf("# contributions: largest |sum - margin| = %.3g\n", worst);
    }
  }
  return 0;
}
