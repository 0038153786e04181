// Label propagation (in progress).
#include <stdexcept>

#include "community_impl.hpp"

namespace hydrascope::detail {

void run_label_propagation(const AnalysisGraph& g, const CommunityOptions& options, int threads,
                           CommunityResult& result) {
  throw std::logic_error("lpa: not implemented yet");
}

}  // namespace hydrascope::detail
