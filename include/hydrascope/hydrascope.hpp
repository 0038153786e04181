// The umbrella header: every public header of the engine. A program built
// against the installed package (find_package(hydrascope) or pkg-config)
// includes this and links hydrascope::hydrascope (docs/architecture.md).
#pragma once

#include "hydrascope/atomic_file.hpp"
#include "hydrascope/centrality.hpp"
#include "hydrascope/common.hpp"
#include "hydrascope/community.hpp"
#include "hydrascope/error.hpp"
#include "hydrascope/eval.hpp"
#include "hydrascope/export.hpp"
#include "hydrascope/features.hpp"
#include "hydrascope/graph.hpp"
#include "hydrascope/io.hpp"
#include "hydrascope/model.hpp"
#include "hydrascope/partition.hpp"
#include "hydrascope/pipeline.hpp"
#include "hydrascope/refine.hpp"
#include "hydrascope/report.hpp"
#include "hydrascope/scoring.hpp"
#include "hydrascope/snapshot.hpp"
#include "hydrascope/stats.hpp"
#include "hydrascope/strings.hpp"
#include "hydrascope/synth.hpp"
#include "hydrascope/tracking.hpp"
#include "hydrascope/training.hpp"
#include "hydrascope/types.hpp"
