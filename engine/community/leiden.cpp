// Leiden / Louvain search (in progress).
#include <stdexcept>

#include "community_impl.hpp"

namespace hydrascope::detail {

void run_leiden(const AnalysisGraph& g, const CommunityOptions& options, bool refine, int threads,
                CommunityResult& result) {
  throw std::logic_error("leiden: not implemented yet");
}

}  // namespace hydrascope::detail
