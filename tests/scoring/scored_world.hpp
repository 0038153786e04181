// A small model learned on the literal test world (test_world.hpp) and the
// world scored with it, for the scoring, export and report tests: scoring is
// tested apart from detection and from the shipped model.
#pragma once

#include <string>
#include <unordered_set>
#include <vector>

#include "hydrascope/features.hpp"
#include "hydrascope/graph.hpp"
#include "hydrascope/model.hpp"
#include "hydrascope/scoring.hpp"
#include "hydrascope/training.hpp"
#include "scoring/test_world.hpp"

namespace hydrascope::testing {

/// 40 trees of depth 3 learned on make_world(7)'s hydra (truth) with the
/// world's own partition; deterministic. Made once and never destroyed: a
/// static Model would be freed after XGBoost's own statics at exit.
inline const Model& tiny_model() {
  static const Model* model = new Model([] {
    const World w = make_world(7);
    const Incidence inc = build_incidence(w.snapshot);
    const FeatureTable ft = compute_features(w.snapshot, inc, w.partition);
    const std::unordered_set<std::string> hydra(w.hydra.begin(), w.hydra.end());
    TrainingSet set;
    append_training_rows(set, w.snapshot, ft, truth_targets(w.snapshot, ft, hydra), {}, "test world");
    BoosterOptions o;
    o.rounds = 40;
    o.max_depth = 3;
    o.threads = 1;
    ModelInfo info;
    info.extra["name"] = "tiny-test-model";
    return Model::train(set.x, set.label, set.weight, o, info);
  }());
  return *model;
}

struct Scored {
  World world;
  Incidence incidence;
  FeatureTable features;
  ScoringResult scoring;
};

inline Scored score_world(World w, const ScoringOptions& options = {}) {
  Scored s{std::move(w), {}, {}, {}};
  s.incidence = build_incidence(s.world.snapshot);
  s.features = compute_features(s.world.snapshot, s.incidence, s.world.partition);
  s.scoring = score_snapshot(s.world.snapshot, s.world.partition, s.features, tiny_model(), options);
  return s;
}

}  // namespace hydrascope::testing
