// Training rows: feature rows with targets, sampled negatives, dropped families.
#include "hydrascope/training.hpp"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "hydrascope/atomic_file.hpp"
#include "hydrascope/error.hpp"
#include "hydrascope/eval.hpp"

#include "hydrascope/strings.hpp"

namespace hydrascope {

void TrainingRowsOptions::validate() const {
  if (!(negative_sample > 0.0 && negative_sample <= 1.0))
    throw std::invalid_argument("negative_sample must be in (0, 1]");
  if (sample_below < 1) throw std::invalid_argument("sample_below must be >= 1");
  if (!(weight > 0.0) || !std::isfinite(weight)) throw std::invalid_argument("weight must be finite and > 0");
}

std::vector<std::string> training_columns(std::span<const FeatureFamily> drop) {
  std::vector<std::string> names;
  for (const auto& f : feature_schema()) {
    bool dropped = false;
    for (FeatureFamily d : drop) dropped = dropped || d == f.family;
    if (!dropped) names.emplace_back(f.name);
  }
  return names;
}

void append_training_rows(TrainingSet& set, const Snapshot& s, const FeatureTable& features,
                          std::span<const float> target, const TrainingRowsOptions& options, const std::string& source) {
  options.validate();
  const auto accounts = features.accounts();
  if (target.size() != accounts.size()) throw std::invalid_argument("append_training_rows: one target per account needed");
  const auto schema = feature_schema();
  std::vector<std::size_t> keep;
  for (std::size_t f = 0; f < schema.size(); ++f) {
    bool dropped = false;
    for (FeatureFamily d : options.drop_families) dropped = dropped || d == schema[f].family;
    if (!dropped) keep.push_back(f);
  }
  if (set.x.names.empty()) {
    for (std::size_t f : keep) set.x.names.emplace_back(schema[f].name);
  } else if (set.x.names.size() != keep.size()) {
    throw std::invalid_argument("append_training_rows: the dropped families differ from the rows already gathered");
  }
  const double threshold = options.negative_sample * 18446744073709551616.0;  // 2^64
  std::vector<std::uint32_t> rows;
  std::vector<float> weights;
  std::uint64_t pos = 0, neg = 0, out = 0;
  for (std::size_t r = 0; r < accounts.size(); ++r) {
    const float t = target[r];
    if (std::isnan(t)) continue;
    if (t != 0.0f && t != 1.0f) throw std::invalid_argument("append_training_rows: targets must be 0, 1 or NaN");
    float w = static_cast<float>(options.weight);
    if (t == 0.0f && options.negative_sample < 1.0) {
      if (features.row_community_accounts(r) < options.sample_below) {
        const std::uint64_t h = hash_bytes(std::string(s.node_id(accounts[r])) + "#" + std::to_string(options.seed));
        if (static_cast<double>(h) >= threshold) {
          ++out;
          continue;
        }
        w = static_cast<float>(options.weight / options.negative_sample);
      }
    }
    rows.push_back(static_cast<std::uint32_t>(r));
    weights.push_back(w);
    (t == 1.0f ? pos : neg) += 1;
  }
  FeatureMatrix chunk;
  const std::size_t cols = keep.size();
  set.x.values.reserve(set.x.values.size() + rows.size() * cols);
  for (std::size_t first = 0; first < rows.size(); first += 65536) {
    const std::size_t count = std::min<std::size_t>(65536, rows.size() - first);
    features.rows(std::span<const std::uint32_t>(rows.data() + first, count), chunk);
    for (std::size_t i = 0; i < count; ++i) {
      const float* src = chunk.values.data() + i * schema.size();
      for (std::size_t f : keep) set.x.values.push_back(src[f]);
      set.label.push_back(target[rows[first + i]]);
      set.group.push_back(static_cast<std::uint64_t>(set.sources.size()) << 32 | features.row_community(rows[first + i]));
      set.weight.push_back(weights[first + i]);
    }
  }
  set.x.rows += rows.size();
  set.positives += pos;
  set.negatives += neg;
  set.sampled_out += out;
  set.sources.push_back(source + ": " + std::to_string(pos) + " positive, " + std::to_string(neg) + " negative rows" +
                        (out > 0 ? ", " + std::to_string(out) + " negatives sampled out" : ""));
}

namespace {

// Rows `which` of x, in that order.
FeatureMatrix row_subset(const FeatureMatrix& x, const std::vector<std::uint64_t>& which) {
  FeatureMatrix out;
  out.names = x.names;
  out.rows = which.size();
  out.values.reserve(which.size() * x.cols());
  for (std::uint64_t r : which) {
    const auto row = x.row(r);
    out.values.insert(out.values.end(), row.begin(), row.end());
  }
  return out;
}

}  // namespace

StartChoice choose_start(const TrainingSet& set, const FeatureMatrix& base_x, const Model& base,
                         const BoosterOptions& scratch, const BoosterOptions& continued, int folds,
                         std::uint64_t seed) {
  const std::uint64_t n = set.x.rows;
  if (set.group.size() != n) throw std::invalid_argument("choose_start: the rows have no groups (rows from a cache?)");
  if (base_x.rows != n) throw std::invalid_argument("choose_start: base_x must hold the same rows");
  if (folds < 2) throw std::invalid_argument("choose_start: at least 2 folds needed");
  if (set.positives == 0 || set.negatives == 0) throw std::invalid_argument("choose_start: rows of both classes needed");
  std::vector<int> fold(n);
  for (std::uint64_t r = 0; r < n; ++r) {
    const std::uint64_t h = hash_bytes(std::to_string(set.group[r]) + "#" + std::to_string(seed));
    fold[r] = static_cast<int>(h % static_cast<std::uint64_t>(folds));
  }
  std::vector<double> risk_scratch(n, 0.0), risk_continued(n, 0.0);
  std::vector<bool> scored(n, false);
  StartChoice choice;
  for (int f = 0; f < folds; ++f) {
    std::vector<std::uint64_t> train_rows, test_rows;
    std::uint64_t pos = 0;
    for (std::uint64_t r = 0; r < n; ++r) {
      if (fold[r] == f) {
        test_rows.push_back(r);
      } else {
        train_rows.push_back(r);
        pos += set.label[r] == 1.0f ? 1 : 0;
      }
    }
    if (test_rows.empty() || pos == 0 || pos == train_rows.size()) continue;
    std::vector<float> y, w;
    for (std::uint64_t r : train_rows) {
      y.push_back(set.label[r]);
      w.push_back(set.weight.empty() ? 1.0f : set.weight[r]);
    }
    const Model own = Model::train(row_subset(set.x, train_rows), y, w, scratch);
    const Model more = Model::train_from(base, row_subset(base_x, train_rows), y, w, continued);
    const auto a = own.predict_margin(row_subset(set.x, test_rows));
    const auto b = more.predict_margin(row_subset(base_x, test_rows));
    for (std::size_t i = 0; i < test_rows.size(); ++i) {
      risk_scratch[test_rows[i]] = a[i];
      risk_continued[test_rows[i]] = b[i];
      scored[test_rows[i]] = true;
    }
    ++choice.folds;
  }
  std::vector<double> sa, sb;
  std::vector<bool> positive;
  for (std::uint64_t r = 0; r < n; ++r) {
    if (!scored[r]) continue;
    sa.push_back(risk_scratch[r]);
    sb.push_back(risk_continued[r]);
    positive.push_back(set.label[r] == 1.0f);
  }
  if (!sa.empty()) {
    choice.auroc_scratch = auroc(sa, positive);
    choice.auroc_continued = auroc(sb, positive);
  }
  choice.continued = choice.auroc_continued >= choice.auroc_scratch;
  return choice;
}

TrainingSet without_families(const TrainingSet& set, std::span<const FeatureFamily> drop) {
  TrainingSet out;
  std::vector<std::size_t> keep;
  for (std::size_t c = 0; c < set.x.names.size(); ++c) {
    const int f = feature_index(set.x.names[c]);
    bool dropped = false;
    if (f >= 0)
      for (FeatureFamily d : drop) dropped = dropped || feature_schema()[static_cast<std::size_t>(f)].family == d;
    if (!dropped) {
      keep.push_back(c);
      out.x.names.push_back(set.x.names[c]);
    }
  }
  const std::size_t cols = set.x.names.size();
  out.x.rows = set.x.rows;
  out.x.values.reserve(set.x.rows * keep.size());
  for (std::uint64_t r = 0; r < set.x.rows; ++r)
    for (std::size_t c : keep) out.x.values.push_back(set.x.values[r * cols + c]);
  out.label = set.label;
  out.weight = set.weight;
  out.group = set.group;
  out.positives = set.positives;
  out.negatives = set.negatives;
  out.sampled_out = set.sampled_out;
  out.sources = set.sources;
  return out;
}

namespace {
constexpr char kSetMagic[8] = {'H', 'S', 'R', 'O', 'W', 'S', '0', '1'};

void put_u64(std::string& b, std::uint64_t v) { b.append(reinterpret_cast<const char*>(&v), 8); }
void put_str(std::string& b, const std::string& s) {
  put_u64(b, s.size());
  b += s;
}
}  // namespace

void save_training_set(const TrainingSet& set, const std::string& path, const std::string& key) {
  AtomicFile file(path);
  std::string b(kSetMagic, 8);
  put_str(b, key);
  put_u64(b, set.x.names.size());
  for (const auto& n : set.x.names) put_str(b, n);
  put_u64(b, set.x.rows);
  put_u64(b, set.positives);
  put_u64(b, set.negatives);
  put_u64(b, set.sampled_out);
  put_u64(b, set.sources.size());
  for (const auto& src : set.sources) put_str(b, src);
  file.write(b);
  auto put_floats = [&](const std::vector<float>& v) {
    for (std::size_t i = 0; i < v.size(); i += (1u << 20)) {
      const std::size_t n = std::min<std::size_t>(1u << 20, v.size() - i);
      file.write(std::string_view(reinterpret_cast<const char*>(v.data() + i), n * sizeof(float)));
    }
  };
  put_floats(set.x.values);
  put_floats(set.label);
  put_floats(set.weight);
  file.commit();
}

bool load_training_set(TrainingSet& set, const std::string& path, const std::string& key) {
  std::FILE* fp = std::fopen(path.c_str(), "rb");
  if (fp == nullptr) return false;
  struct Closer {
    std::FILE* f;
    ~Closer() { std::fclose(f); }
  } closer{fp};
  std::uint64_t offset = 0;
  auto fail = [&](const std::string& what) -> bool {
    SourceLocation w = file_location(path);
    w.byte_offset = offset;
    throw InputError(w, "damaged training-rows file: " + what);
  };
  auto read = [&](void* dst, std::size_t n) {
    if (std::fread(dst, 1, n, fp) != n) fail("truncated");
    offset += n;
  };
  auto u64 = [&] {
    std::uint64_t v = 0;
    read(&v, 8);
    return v;
  };
  auto str = [&] {
    const std::uint64_t n = u64();
    if (n > (1u << 20)) fail("string too long");
    std::string s(n, '\0');
    read(s.data(), n);
    return s;
  };
  char magic[8];
  read(magic, 8);
  if (std::memcmp(magic, kSetMagic, 8) != 0) fail("not a hydrascope training-rows file");
  if (str() != key) return false;
  const std::uint64_t cols = u64();
  if (cols > 100000) fail("too many columns");
  std::vector<std::string> names;
  for (std::uint64_t c = 0; c < cols; ++c) names.push_back(str());
  std::vector<std::string> want;
  for (const auto& f : feature_schema()) want.emplace_back(f.name);
  if (names != want) return false;  // made by another feature schema
  TrainingSet s;
  s.x.names = std::move(names);
  s.x.rows = u64();
  s.positives = u64();
  s.negatives = u64();
  s.sampled_out = u64();
  const std::uint64_t nsrc = u64();
  if (nsrc > 100000) fail("too many sources");
  for (std::uint64_t i = 0; i < nsrc; ++i) s.sources.push_back(str());
  if (s.x.rows > (std::uint64_t{1} << 34) / (cols + 1)) fail("too many rows");
  s.x.values.resize(s.x.rows * cols);
  read(s.x.values.data(), s.x.values.size() * sizeof(float));
  s.label.resize(s.x.rows);
  read(s.label.data(), s.label.size() * sizeof(float));
  s.weight.resize(s.x.rows);
  read(s.weight.data(), s.weight.size() * sizeof(float));
  set = std::move(s);
  return true;
}

std::vector<float> truth_targets(const Snapshot& s, const FeatureTable& features,
                                 const std::unordered_set<std::string>& hydra_accounts) {
  const auto accounts = features.accounts();
  std::vector<float> t(accounts.size(), 0.0f);
  for (std::size_t r = 0; r < accounts.size(); ++r)
    if (hydra_accounts.count(std::string(s.node_id(accounts[r])))) t[r] = 1.0f;
  return t;
}

std::vector<float> label_targets(const Snapshot& s, const FeatureTable& features) {
  const auto accounts = features.accounts();
  std::vector<float> t(accounts.size(), std::numeric_limits<float>::quiet_NaN());
  for (std::size_t r = 0; r < accounts.size(); ++r) {
    const Label l = s.label(accounts[r]);
    if (l == Label::Banned) t[r] = 1.0f;
    else if (l == Label::Trusted) t[r] = 0.0f;
  }
  return t;
}

}  // namespace hydrascope
