// run_pipeline() over a file or a shared snapshot: the model, the load and the
// stages of PipelineOptions, kept together in a RunResult that owns them.
#include <malloc.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <sstream>
#include <string>
#include <utility>

#include "hydrascope/atomic_file.hpp"
#include "hydrascope/pipeline.hpp"
#include "hydrascope/strings.hpp"

namespace hydrascope {

namespace {

// A checksum of the model's file bytes, for run.json.
std::string model_bytes_checksum(const Model& model) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(hash_bytes(model.to_buffer())));
  return std::string("hash64:") + buf;
}

// The model of a run: the one given, else model_file, else the built-in one.
void choose_model(RunResult& r, const PipelineOptions& options) {
  r.model_source = options.model_file.empty() ? std::string("built-in") : options.model_file;
  if (options.model != nullptr) {
    r.model = std::shared_ptr<const Model>(std::shared_ptr<const Model>{}, options.model);  // not owned: the caller's
  } else {
    r.model = std::make_shared<const Model>(options.model_file.empty() ? default_model()
                                                                       : Model::load_file(options.model_file));
  }
  r.model_checksum = model_bytes_checksum(*r.model);
}

std::string load_summary(const Snapshot& s, std::uint64_t accounts, SnapshotFormat format) {
  return std::to_string(s.num_nodes()) + " nodes (" + std::to_string(accounts) + " accounts), " +
         std::to_string(s.num_edges()) + " edges, " + std::string(to_string(format));
}

std::uint64_t count_accounts(const Snapshot& s, std::uint64_t* with_activity = nullptr) {
  std::uint64_t n = 0, active = 0;
  for (NodeId v = 0; v < s.num_nodes(); ++v)
    if (s.kind(v) == NodeKind::Account) {
      ++n;
      active += s.has_activity(v) ? 1 : 0;
    }
  if (with_activity != nullptr) *with_activity = active;
  return n;
}

// The stages after loading, with the result's model; records timings.
void run_stages(RunResult& r, const PipelineOptions& options) {
  PipelineOptions po = options;
  po.model = r.model.get();
  auto on_stage = options.on_stage;
  po.on_stage = [&r, on_stage](const StageReport& rep) {
    r.timings.emplace_back(rep.name, rep.seconds);
    r.memory.push_back({rep.name, rep.rss_bytes, rep.peak_rss_bytes});
    r.warnings.insert(r.warnings.end(), rep.warnings.begin(), rep.warnings.end());
    if (on_stage) on_stage(rep);
  };
  r.stages = run_pipeline(*r.snapshot, po);
  if (r.stages.tracking) r.hydra_ids = r.stages.tracking->hydra_ids();
  r.options = options;
  r.options.model = nullptr;
  r.options.previous = nullptr;  // the caller's, read before the run: not kept
  r.options.reviews = nullptr;
  r.options.progress = {};
  r.options.cancel = {};
  r.options.on_stage = {};
  r.options.loader = {};
  r.options.load.progress = {};
  r.options.load.cancel = {};
}

}  // namespace

AccountColumns RunResult::columns() const noexcept {
  AccountColumns c;
  c.pagerank = stages.pagerank.values;
  if (!stages.seeds.empty()) c.ppr = stages.ppr.values;
  c.core = stages.cores.core;
  c.hydra_id = hydra_ids;
  return c;
}

std::string detection_text(const PipelineOptions& options) {
  std::ostringstream out;
  out << "resolution " << options.community.resolution << ", damping " << to_string(options.graph.damping);
  // Named only when not `named`, so that models trained before the option
  // existed (all on named) still match the runs they were made for.
  if (options.graph.type_weighting != TypeWeighting::Named)
    out << ", type weighting " << to_string(options.graph.type_weighting);
  return out.str();
}

std::string model_mismatch(const Model& model, const PipelineOptions& options) {
  std::string differ;
  const auto check = [&](const char* key, const std::string& run_value, const char* option) {
    const auto it = model.info().extra.find(key);
    if (it == model.info().extra.end() || it->second == run_value) return;
    differ += std::string(differ.empty() ? "" : "; ") + key + " '" + it->second + "' where this run has '" + run_value +
              "' (" + option + ")";
  };
  check("detection", detection_text(options), "--damping, --resolution, --type-weighting");
  check("refine", options.refine.steps_text(), "--refine");
  if (differ.empty()) return differ;
  return "the model was trained with " + differ + ": its risks are read off communities of another shape; "
         "run with the settings it was trained with (docs/scoring.md)";
}

namespace {

// What the user should know about the input and the model before the stages.
std::vector<std::string> input_warnings(const RunResult& r, std::uint64_t with_activity, const PipelineOptions& options) {
  std::vector<std::string> out;
  if (r.accounts > 0 && with_activity == 0)
    out.emplace_back(
        "the snapshot has no activity: synchrony, balance and pivot features are missing (docs/features.md); "
        "a CSV snapshot carries it in activity.csv (docs/formats.md, section 4)");
  if (std::string w = model_mismatch(*r.model, options); !w.empty()) out.push_back(std::move(w));
  return out;
}

}  // namespace

RunResult run_pipeline(const std::string& path, const PipelineOptions& options) {
  options.validate();
  RunResult r;
  r.started = std::chrono::steady_clock::now();
  choose_model(r, options);  // a bad model file fails before the snapshot is read
  const auto t = std::chrono::steady_clock::now();
  LoadOptions lo = options.load;
  lo.threads = options.threads;
  lo.progress = options.progress;
  lo.cancel = options.cancel;
  r.snapshot = std::make_shared<const Snapshot>(options.loader ? options.loader(path, lo, &r.load)
                                                                : load_snapshot(path, lo, &r.load));
  r.input_path = path;
  std::uint64_t with_activity = 0;
  r.accounts = count_accounts(*r.snapshot, &with_activity);
  StageReport rep;
  rep.name = "load";
  rep.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
  rep.summary = load_summary(*r.snapshot, r.accounts, r.load.format);
  rep.warnings = input_warnings(r, with_activity, options);
  (void)::malloc_trim(0);  // the loader's freed buffers (run_pipeline() does this after every stage)
  const RssSample mem = rss_sample();
  rep.rss_bytes = mem.rss_bytes;
  rep.peak_rss_bytes = mem.peak_rss_bytes;
  r.timings.emplace_back(rep.name, rep.seconds);
  r.memory.push_back({rep.name, rep.rss_bytes, rep.peak_rss_bytes});
  r.warnings = rep.warnings;
  if (options.on_stage) options.on_stage(rep);
  if (options.cancel.cancelled()) throw Cancelled();
  run_stages(r, options);
  return r;
}

RunResult run_pipeline(std::shared_ptr<const Snapshot> snapshot, const PipelineOptions& options) {
  if (snapshot == nullptr) throw std::invalid_argument("run_pipeline: no snapshot");
  options.validate();
  RunResult r;
  r.started = std::chrono::steady_clock::now();
  choose_model(r, options);
  r.snapshot = std::move(snapshot);
  std::uint64_t with_activity = 0;
  r.accounts = count_accounts(*r.snapshot, &with_activity);
  r.warnings = input_warnings(r, with_activity, options);  // no load stage to carry them: they open the list
  run_stages(r, options);
  return r;
}

}  // namespace hydrascope
