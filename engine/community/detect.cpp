// detect_communities(): options, the one switch over Algorithm, and the final
// canonical numbering and quality shared by every algorithm.
#include <chrono>
#include <cmath>
#include <stdexcept>
#include <string>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "community_impl.hpp"

namespace hydrascope {

CommunityOptions CommunityOptions::leiden_modularity(double resolution) {
  CommunityOptions o;
  o.resolution = resolution;
  return o;
}

CommunityOptions CommunityOptions::leiden_cpm(double resolution) {
  CommunityOptions o;
  o.quality = QualityFunction::Cpm;
  o.resolution = resolution;
  return o;
}

CommunityOptions CommunityOptions::components() {
  CommunityOptions o;
  o.algorithm = Algorithm::Components;
  return o;
}

void CommunityOptions::validate() const {
  if (!std::isfinite(resolution) || resolution < 0.0) {
    throw std::invalid_argument("resolution must be finite and >= 0, got " + std::to_string(resolution));
  }
  if (threads < 0) throw std::invalid_argument("threads must be >= 0, got " + std::to_string(threads));
  if (max_iterations < 1) {
    throw std::invalid_argument("max_iterations must be >= 1, got " + std::to_string(max_iterations));
  }
  if (max_levels < 1) throw std::invalid_argument("max_levels must be >= 1, got " + std::to_string(max_levels));
  if (!std::isfinite(randomness) || randomness < 0.0) {
    throw std::invalid_argument("randomness must be finite and >= 0, got " + std::to_string(randomness));
  }
}

CommunityResult detect_communities(const AnalysisGraph& g, const CommunityOptions& options) {
  options.validate();
  const auto start = std::chrono::steady_clock::now();
  const int threads = resolve_threads(options.threads);
  if (!options.initial.empty() && options.initial.size() != g.num_nodes()) {
    throw std::invalid_argument("initial partition has " + std::to_string(options.initial.size()) +
                                " labels, the graph has " + std::to_string(g.num_nodes()) + " nodes");
  }
  CommunityResult result;
  result.threads = threads;
  switch (options.algorithm) {
    case Algorithm::Leiden: detail::run_leiden(g, options, true, threads, result); break;
    case Algorithm::Louvain: detail::run_leiden(g, options, false, threads, result); break;
    case Algorithm::LabelPropagation: detail::run_label_propagation(g, options, threads, result); break;
    case Algorithm::Components:
      result.partition = connected_components(g);
      result.levels = 1;
      result.iterations = 1;
      result.converged = true;
      result.threads = 1;
      break;
  }
  result.quality = quality(g, result.partition, options.quality, options.resolution);
  result.seconds.total = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace hydrascope
