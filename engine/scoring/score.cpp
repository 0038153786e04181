// score_snapshot(): the model's risk for every account (in row chunks),
// calibration on the snapshot's labels, community risks and ranking, and the
// reasons of every suspect community from averaged per-feature contributions.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "scoring_impl.hpp"

namespace hydrascope {

namespace {

constexpr std::uint64_t kChunkRows = 65536;
// A family is a reason when its mean contribution is at least this (log-odds).
constexpr double kMinReasonContribution = 0.05;

double logistic(double x) { return 1.0 / (1.0 + std::exp(-x)); }

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

}  // namespace

std::string format_number(double value) {
  if (!std::isfinite(value)) return "n/a";
  char buf[48];
  const double a = std::fabs(value);
  if (std::fabs(value - std::round(value)) < 1e-9 && a < 1e15) std::snprintf(buf, sizeof buf, "%.0f", value);
  else if (a >= 100) std::snprintf(buf, sizeof buf, "%.0f", value);
  else if (a >= 10) std::snprintf(buf, sizeof buf, "%.1f", value);
  else if (a >= 0.01) std::snprintf(buf, sizeof buf, "%.2f", value);
  else return (std::snprintf(buf, sizeof buf, "%.3g", value), std::string(buf));
  std::string out(buf);
  if (out.find('.') != std::string::npos) {
    while (out.back() == '0') out.pop_back();
    if (out.back() == '.') out.pop_back();
  }
  return out;
}

void ScoringOptions::validate() const {
  if (!(threshold > 0.0 && threshold <= 1.0))
    throw std::invalid_argument("scoring threshold must be in (0, 1], got " + std::to_string(threshold));
  if (min_accounts < 2) throw std::invalid_argument("scoring min_accounts must be >= 2");
  if (min_flagged < 1) throw std::invalid_argument("scoring min_flagged must be >= 1");
  if (!(min_flagged_share >= 0.0 && min_flagged_share <= 1.0))
    throw std::invalid_argument("scoring min_flagged_share must be in [0, 1], got " + std::to_string(min_flagged_share));
  if (min_calibration_labels < 1) throw std::invalid_argument("scoring min_calibration_labels must be >= 1");
  if (explain_accounts < 1) throw std::invalid_argument("scoring explain_accounts must be >= 1");
  if (max_reasons < 1) throw std::invalid_argument("scoring max_reasons must be >= 1");
  if (threads < 0) throw std::invalid_argument("scoring threads must be >= 0");
}

std::pair<double, double> fit_calibration(const std::vector<double>& margins, const std::vector<std::uint8_t>& labels,
                                          double prior) {
  if (margins.size() != labels.size()) throw std::invalid_argument("fit_calibration: margins and labels differ in length");
  if (!(prior >= 0.0)) throw std::invalid_argument("fit_calibration: prior must be >= 0");
  // Newton's method on the penalised log-likelihood of (a, b), with step
  // halving so that every step increases it (plain Newton overshoots from
  // (1, 0) when the labels are much less certain than the margins):
  //   L(a, b) = sum_i [y_i log p_i + (1 - y_i) log(1 - p_i)] - prior/2 [(a - 1)^2 + b^2],  p_i = logistic(a m_i + b).
  auto clamp_m = [](double m) { return std::isfinite(m) ? std::clamp(m, -40.0, 40.0) : 0.0; };
  auto objective = [&](double a, double b) {
    double l = -0.5 * prior * ((a - 1.0) * (a - 1.0) + b * b);
    for (std::size_t i = 0; i < margins.size(); ++i) {
      const double z = a * clamp_m(margins[i]) + b;
      // log p = -log(1 + e^-z), log(1 - p) = -log(1 + e^z), computed stably.
      const double lp = z >= 0 ? -std::log1p(std::exp(-z)) : z - std::log1p(std::exp(z));
      const double lq = lp - z;
      l += labels[i] ? lp : lq;
    }
    return l;
  };
  double a = 1.0, b = 0.0;
  double current = objective(a, b);
  for (int it = 0; it < 100; ++it) {
    double ga = -prior * (a - 1.0), gb = -prior * b;
    double haa = prior, hab = 0.0, hbb = prior;
    for (std::size_t i = 0; i < margins.size(); ++i) {
      const double m = clamp_m(margins[i]);
      const double p = logistic(a * m + b);
      const double r = static_cast<double>(labels[i]) - p;
      ga += r * m;
      gb += r;
      const double w = p * (1.0 - p);
      haa += w * m * m;
      hab += w * m;
      hbb += w;
    }
    const double det = haa * hbb - hab * hab;
    if (!(det > 1e-12)) break;
    double da = (hbb * ga - hab * gb) / det;
    double db = (haa * gb - hab * ga) / det;
    bool improved = false;
    for (int half = 0; half < 40; ++half) {
      const double next = objective(a + da, b + db);
      if (next >= current) {
        a += da;
        b += db;
        improved = next > current;
        current = next;
        break;
      }
      da *= 0.5;
      db *= 0.5;
    }
    if (!improved || std::fabs(da) + std::fabs(db) < 1e-10) break;
  }
  return {a, b};
}

ScoringResult score_snapshot(const Snapshot& s, const Partition& partition, const FeatureTable& features,
                             const Model& model, const ScoringOptions& options) {
  options.validate();
  const auto t0 = std::chrono::steady_clock::now();
  const NodeId n = s.num_nodes();
  if (partition.membership.size() != n) throw std::invalid_argument("score_snapshot: partition does not cover the snapshot");
  const auto rows = features.accounts();
  for (NodeId v = 0; v < n; ++v)
    if ((s.kind(v) == NodeKind::Account) != (features.row_of(v) != UINT32_MAX))
      throw std::invalid_argument("score_snapshot: the feature table was made on another snapshot");
  const auto check_cancel = [&] {
    if (options.cancel.cancelled()) throw Cancelled();
  };

  ScoringResult result;
  result.threshold = options.threshold;
  {
    const auto& extra = model.info().extra;
    const auto it = extra.find("name");
    result.model = it != extra.end() ? it->second : std::string("unnamed");
  }
  result.account_risk.assign(n, 0.0);
  result.account_suspect.assign(n, 0);
  result.account_family.assign(n, 255);

  // --- margins, in chunks of rows -----------------------------------------------------------
  std::vector<double> margin(rows.size(), 0.0);
  if (options.progress) options.progress("score", 0, rows.size());
  {
    FeatureMatrix chunk;
    for (std::uint64_t first = 0; first < rows.size(); first += kChunkRows) {
      check_cancel();
      const std::uint64_t count = std::min<std::uint64_t>(kChunkRows, rows.size() - first);
      features.rows(first, count, chunk);
      const std::vector<double> m = model.predict_margin(chunk, options.threads);
      std::copy(m.begin(), m.end(), margin.begin() + static_cast<std::ptrdiff_t>(first));
      if (options.progress) options.progress("score", first + count, rows.size());
    }
  }

  // --- calibration on the snapshot's own labels ---------------------------------------------
  {
    std::vector<double> m;
    std::vector<std::uint8_t> y;
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const Label l = s.label(rows[r]);
      if (l != Label::Banned && l != Label::Trusted) continue;
      m.push_back(margin[r]);
      y.push_back(l == Label::Banned ? 1 : 0);
    }
    Calibration& cal = result.calibration;
    cal.positives = static_cast<std::uint64_t>(std::count(y.begin(), y.end(), 1));
    cal.negatives = y.size() - cal.positives;
    if (!options.calibrate) {
      cal.note = "calibration off";
    } else if (cal.positives < options.min_calibration_labels || cal.negatives < options.min_calibration_labels) {
      cal.note = "not calibrated: " + std::to_string(cal.positives) + " banned and " + std::to_string(cal.negatives) +
                 " trusted accounts (at least " + std::to_string(options.min_calibration_labels) + " of each needed)";
    } else {
      const auto [a, b] = fit_calibration(m, y);
      cal.applied = true;
      cal.slope = a;
      cal.intercept = b;
      cal.note = "calibrated on " + std::to_string(cal.positives) + " banned and " + std::to_string(cal.negatives) +
                 " trusted accounts: risk = logistic(" + fixed(a, 4) + " x margin " + (b < 0 ? "- " : "+ ") +
                 fixed(std::fabs(b), 4) + ")";
    }
  }
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const NodeId a = rows[r];
    double risk = logistic(result.calibration.slope * margin[r] + result.calibration.intercept);
    if (s.label(a) == Label::Trusted) risk = 0.0;
    result.account_risk[a] = risk;
    result.account_suspect[a] = risk >= options.threshold ? 1 : 0;
    result.suspect_accounts += result.account_suspect[a];
  }

  // --- snapshot references of the community features ---------------------------------------------------
  {
    const auto schema = feature_schema();
    std::vector<int> cols;
    for (std::size_t f = 0; f < schema.size(); ++f)
      if (schema[f].level != FeatureLevel::Account) {
        cols.push_back(static_cast<int>(f));
        result.community_feature_names.emplace_back(schema[f].name);
      }
    const auto bounds = features.band_bounds();
    result.band_bounds.assign(bounds.begin(), bounds.end());
    for (std::uint32_t b = 0; b < bounds.size(); ++b)
      for (int f : cols) result.references.push_back(features.reference(b, f));
  }

  // --- communities --------------------------------------------------------------------------------
  const CommunityId k = partition.num_communities;
  result.communities.assign(k, CommunityScore{});
  std::vector<double> risk_sum(k, 0.0);
  for (NodeId v = 0; v < n; ++v) {
    const CommunityId c = partition.membership[v];
    auto& cs = result.communities[c];
    ++cs.nodes;
    ++cs.by_kind[static_cast<int>(s.kind(v))];
    if (s.kind(v) != NodeKind::Account) continue;
    ++cs.accounts;
    risk_sum[c] += result.account_risk[v];
    cs.flagged += result.account_suspect[v];
  }
  for (CommunityId c = 0; c < k; ++c) {
    auto& cs = result.communities[c];
    if (cs.accounts > 0) cs.risk = risk_sum[c] / static_cast<double>(cs.accounts);
    cs.suspect = cs.accounts >= 2 && cs.flagged >= options.min_flagged &&
                 static_cast<double>(cs.flagged) >= options.min_flagged_share * static_cast<double>(cs.accounts);
    result.suspect_communities += cs.suspect;
    if (cs.accounts >= options.min_accounts || cs.suspect) {
      cs.detail = static_cast<std::uint32_t>(result.details.size());
      CommunityDetail d;
      d.community = c;
      d.band = features.band_of(c);
      for (std::size_t f = 0; f < feature_schema().size(); ++f)
        if (feature_schema()[f].level != FeatureLevel::Account)
          d.features.push_back(features.community_value(c, static_cast<int>(f)));
      for (int sl = 0; sl < kNumEntitySlots; ++sl) {
        d.top_entity[static_cast<std::size_t>(sl)] = features.top_entity(c, sl);
        d.top_count[static_cast<std::size_t>(sl)] = features.top_entity_accounts(c, sl);
      }
      result.details.push_back(std::move(d));
    }
  }
  for (NodeId v = 0; v < n; ++v) {
    if (s.kind(v) != NodeKind::Account) continue;
    const auto& cs = result.communities[partition.membership[v]];
    if (cs.detail == UINT32_MAX) continue;
    auto& d = result.details[cs.detail];
    const Label l = s.label(v);
    d.banned += l == Label::Banned;
    d.suspects += l == Label::Suspect;
    d.trusted += l == Label::Trusted;
  }
  for (CommunityId c = 0; c < k; ++c)
    if (result.communities[c].suspect) result.ranking.push_back(c);
  std::sort(result.ranking.begin(), result.ranking.end(), [&](CommunityId a, CommunityId b) {
    const auto& x = result.communities[a];
    const auto& y = result.communities[b];
    if (x.risk != y.risk) return x.risk > y.risk;
    if (x.flagged != y.flagged) return x.flagged > y.flagged;
    return a < b;
  });
  check_cancel();

  // --- explanations: contributions of a sample of each suspect community's flagged accounts -------
  const auto schema = feature_schema();
  const auto& names = model.feature_names();
  std::vector<int> family_of(names.size(), static_cast<int>(FeatureFamily::Structure));
  std::vector<int> schema_of(names.size(), -1);
  for (std::size_t f = 0; f < names.size(); ++f) {
    const int i = feature_index(names[f]);
    schema_of[f] = i;
    if (i >= 0) family_of[f] = static_cast<int>(schema[static_cast<std::size_t>(i)].family);
  }
  {
    std::vector<std::vector<NodeId>> flagged(k);
    for (NodeId a : rows)
      if (result.account_suspect[a] && result.communities[partition.membership[a]].suspect)
        flagged[partition.membership[a]].push_back(a);
    std::vector<std::uint32_t> explain_rows;
    std::vector<CommunityId> explain_comm;
    for (CommunityId c : result.ranking) {
      const auto& f = flagged[c];
      const std::size_t take = std::min<std::size_t>(f.size(), options.explain_accounts);
      for (std::size_t j = 0; j < take; ++j) {
        const std::size_t idx = take == f.size() ? j : j * f.size() / take;
        explain_rows.push_back(features.row_of(f[idx]));
        explain_comm.push_back(c);
      }
    }
    const std::size_t nf = names.size();
    FeatureMatrix chunk;
    std::vector<std::uint64_t> all_rows;
    // Per community: summed contributions per model feature.
    std::vector<std::vector<double>> contrib_sum(k);
    std::vector<std::vector<double>> value_sum(k), value_count(k);
    // Chunks of 256 rows: contributions cost about 5 ms per row with the
    // built-in model, so a chunk is about a second of work between progress calls.
    if (options.progress) options.progress("explain", 0, explain_rows.size());
    for (std::size_t first = 0; first < explain_rows.size(); first += 256) {
      check_cancel();
      const std::size_t count = std::min<std::size_t>(256, explain_rows.size() - first);
      features.rows(std::span<const std::uint32_t>(explain_rows.data() + first, count), chunk);
      all_rows.resize(count);
      for (std::size_t j = 0; j < count; ++j) all_rows[j] = j;
      const std::vector<double> contrib =
          model.contributions(chunk, all_rows, options.threads,
                              options.exact_contributions ? Model::ContributionMethod::Exact
                                                          : Model::ContributionMethod::Approximate);
      if (options.progress) options.progress("explain", first + count, explain_rows.size());
      for (std::size_t j = 0; j < count; ++j) {
        const CommunityId c = explain_comm[first + j];
        auto& cs = contrib_sum[c];
        auto& vs = value_sum[c];
        auto& vc = value_count[c];
        if (cs.empty()) {
          cs.assign(nf, 0.0);
          vs.assign(schema.size(), 0.0);
          vc.assign(schema.size(), 0.0);
        }
        const double* row = contrib.data() + j * (nf + 1);
        std::array<double, kNumFeatureFamilies> fam{};
        for (std::size_t f = 0; f < nf; ++f) {
          cs[f] += row[f];
          fam[static_cast<std::size_t>(family_of[f])] += row[f];
        }
        const NodeId a = rows[explain_rows[first + j]];
        result.account_family[a] = static_cast<std::uint8_t>(std::max_element(fam.begin(), fam.end()) - fam.begin());
        for (std::size_t f = 0; f < schema.size(); ++f) {
          const float x = chunk.values[j * schema.size() + f];
          if (std::isnan(x)) continue;
          vs[f] += x;
          vc[f] += 1.0;
        }
      }
    }
    for (CommunityId c : result.ranking) {
      auto& d = result.details[result.communities[c].detail];
      const auto& cs = contrib_sum[c];
      if (cs.empty()) continue;
      d.explained = static_cast<std::uint64_t>(std::min<std::size_t>(flagged[c].size(), options.explain_accounts));
      const double inv = 1.0 / static_cast<double>(d.explained);
      for (std::size_t f = 0; f < nf; ++f) d.family_contribution[static_cast<std::size_t>(family_of[f])] += cs[f] * inv;
      detail::ExplainContext ctx;
      ctx.accounts = result.communities[c].accounts;
      ctx.banned = d.banned;
      ctx.suspects = d.suspects;
      for (int sl = 0; sl < kNumEntitySlots; ++sl) {
        const NodeId u = d.top_entity[static_cast<std::size_t>(sl)];
        if (u != kInvalidNode && d.top_count[static_cast<std::size_t>(sl)] >= 2)
          ctx.top_entity_id[static_cast<std::size_t>(sl)] = std::string(s.node_id(u));
        ctx.owned_entities[static_cast<std::size_t>(sl)] = features.owned_entities(c, sl);
      }
      std::vector<int> order(kNumFeatureFamilies);
      for (int f = 0; f < kNumFeatureFamilies; ++f) order[static_cast<std::size_t>(f)] = f;
      std::stable_sort(order.begin(), order.end(), [&](int x, int y) {
        return d.family_contribution[static_cast<std::size_t>(x)] > d.family_contribution[static_cast<std::size_t>(y)];
      });
      for (int fam : order) {
        if (static_cast<int>(d.reasons.size()) >= options.max_reasons) break;
        const double fc = d.family_contribution[static_cast<std::size_t>(fam)];
        if (!(fc >= kMinReasonContribution)) break;
        // The feature of the family with the largest mean contribution.
        int best = -1;
        double best_c = -std::numeric_limits<double>::infinity();
        for (std::size_t f = 0; f < nf; ++f)
          if (family_of[f] == fam && schema_of[f] >= 0 && cs[f] * inv > best_c) {
            best_c = cs[f] * inv;
            best = schema_of[f];
          }
        if (best < 0) continue;
        Reason reason;
        reason.family = static_cast<FeatureFamily>(fam);
        reason.contribution = fc;
        const FeatureSpec& spec = schema[static_cast<std::size_t>(best)];
        // A quantile is told through the value it ranks.
        const int shown = spec.level == FeatureLevel::Quantile ? spec.source : best;
        const FeatureSpec& shown_spec = schema[static_cast<std::size_t>(shown)];
        reason.feature = std::string(shown_spec.name);
        if (shown_spec.level == FeatureLevel::Account) {
          const auto& vc = value_count[c];
          reason.value = vc[static_cast<std::size_t>(shown)] > 0.0
                             ? value_sum[c][static_cast<std::size_t>(shown)] / vc[static_cast<std::size_t>(shown)]
                             : std::numeric_limits<double>::quiet_NaN();
        } else {
          reason.value = features.community_value(c, shown);
          reason.reference = features.reference(d.band, shown);
        }
        reason.text = detail::describe_feature(reason.feature, reason.value, ctx);
        if (shown_spec.level != FeatureLevel::Account)
          reason.text += detail::reference_text(reason.feature, reason.reference, features.band_bounds(), d.band);
        if (spec.level == FeatureLevel::Quantile) {
          const double q = features.community_value(c, best);
          if (std::isfinite(q)) reason.text += "; above " + format_number(std::floor(100.0 * q)) + "% of communities of its size";
        }
        d.reasons.push_back(std::move(reason));
      }
    }
  }

  // --- one-sentence summaries -----------------------------------------------------------------------
  for (auto& d : result.details) {
    const auto& cs = result.communities[d.community];
    if (cs.suspect) {
      std::string fams;
      for (const auto& r : d.reasons) fams += (fams.empty() ? "" : ", ") + std::string(to_string(r.family));
      d.summary = "Flagged: " + std::to_string(cs.flagged) + " of " + std::to_string(cs.accounts) +
                  " accounts at risk >= " + format_number(options.threshold) + " (mean risk " + fixed(cs.risk, 3) + ")" +
                  (fams.empty() ? "" : "; strongest evidence: " + fams);
    } else if (cs.flagged > 0) {
      d.summary = "Not flagged as a community: " + std::to_string(cs.flagged) + " of " + std::to_string(cs.accounts) +
                  " accounts at risk >= " + format_number(options.threshold) + " (at least " +
                  std::to_string(options.min_flagged) + " and " + format_number(100.0 * options.min_flagged_share) +
                  "% of its accounts needed); mean risk " + fixed(cs.risk, 3);
    } else {
      d.summary = "Not flagged: no account at risk >= " + format_number(options.threshold) + "; mean risk " + fixed(cs.risk, 3);
    }
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return result;
}

}  // namespace hydrascope
