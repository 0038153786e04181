// The Python module `hydrascope` (pybind11): load or build a snapshot, run the
// pipeline or one stage, results as numpy arrays over the engine's own
// memory (no copies) and as plain dicts. Every call that works releases the
// GIL; errors become Python exceptions with the engine's located messages.
// The package's __init__.py re-exports this extension (_hydrascope).
#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>
#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "hydrascope/centrality.hpp"
#include "hydrascope/common.hpp"
#include "hydrascope/community.hpp"
#include "hydrascope/error.hpp"
#include "hydrascope/export.hpp"
#include "hydrascope/features.hpp"
#include "hydrascope/graph.hpp"
#include "hydrascope/io.hpp"
#include "hydrascope/model.hpp"
#include "hydrascope/pipeline.hpp"
#include "hydrascope/scoring.hpp"
#include "hydrascope/snapshot.hpp"

namespace py = pybind11;
using namespace hydrascope;

namespace {

// pybind11 holders cannot hold const objects: Python gets non-const holders
// and only const member functions are bound (nothing changes a snapshot or a run).
using SnapshotPtr = std::shared_ptr<Snapshot>;
using RunPtr = std::shared_ptr<RunResult>;

// A read-only numpy view of `data`, kept alive by `owner` (no copy).
template <typename T>
py::array_t<T> view(std::span<const T> data, py::handle owner) {
  py::array_t<T> a({static_cast<py::ssize_t>(data.size())}, {static_cast<py::ssize_t>(sizeof(T))}, data.data(), owner);
  py::detail::array_proxy(a.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
  return a;
}

// An analysis graph as Python holds it.
struct PyGraph {
  AnalysisGraph graph;
  GraphBuildReport report;
};

// --- options from keyword arguments -------------------------------------------------------------


Algorithm algorithm_from(const std::string& name) {
  const auto a = parse_algorithm(name);
  if (!a) throw std::invalid_argument("algorithm: expected leiden, louvain, lpa or components, got '" + name + "'");
  return *a;
}

SnapshotFormat format_from(const std::string& name) {
  if (name == "auto") return SnapshotFormat::Auto;
  if (name == "json") return SnapshotFormat::Json;
  if (name == "ndjson") return SnapshotFormat::Ndjson;
  if (name == "csv") return SnapshotFormat::CsvPair;
  if (name == "edgelist") return SnapshotFormat::EdgeList;
  throw std::invalid_argument("format: expected auto, json, ndjson, csv or edgelist, got '" + name + "'");
}


// The pipeline's options, named as the command line names them (docs/python.md).
PipelineOptions pipeline_options(const py::kwargs& kw) {
  PipelineOptions po;
  std::vector<std::string> refine_on, refine_off;
  for (const auto& [k, v] : kw) {
    const std::string key = py::cast<std::string>(k);
    if (key == "seed") po.community.seed = py::cast<std::uint64_t>(v);
    else if (key == "threads") po.threads = py::cast<int>(v);
    else if (key == "algorithm") po.community.algorithm = algorithm_from(py::cast<std::string>(v));
    else if (key == "resolution") po.community.resolution = py::cast<double>(v);
    else if (key == "degree_cap") po.graph.degree_cap = py::cast<std::uint32_t>(v);
    else if (key == "damping") po.graph.damping = hub_damping_from(py::cast<std::string>(v));
    else if (key == "type_weighting") po.graph.type_weighting = type_weighting_from(py::cast<std::string>(v));
    else if (key == "refine") refine_on = py::cast<std::vector<std::string>>(v);
    else if (key == "refine_off") refine_off = py::cast<std::vector<std::string>>(v);
    else if (key == "detrend") po.features.detrend = py::cast<bool>(v);
    else if (key == "threshold") po.scoring.threshold = py::cast<double>(v);
    else if (key == "min_accounts") po.scoring.min_accounts = py::cast<std::uint32_t>(v);
    else if (key == "min_flagged") po.scoring.min_flagged = py::cast<std::uint32_t>(v);
    else if (key == "min_flagged_share") po.scoring.min_flagged_share = py::cast<double>(v);
    else if (key == "calibrate") po.scoring.calibrate = py::cast<bool>(v);
    else if (key == "model") po.model_file = py::cast<std::string>(v);
    else if (key == "format") po.load.format = format_from(py::cast<std::string>(v));
    else if (key == "max_input_bytes") po.load.max_input_bytes = py::cast<std::uint64_t>(v);
    else throw std::invalid_argument("run: unknown option '" + key + "'");
  }
  po.refine = RefineOptions::from_steps(refine_on, refine_off, "refine", "refine_off");
  po.load.checksum = true;  // run.json records the checksum of the bytes read, as `hydrascope run` does
  po.validate();
  return po;
}

// --- dicts ------------------------------------------------------------------------------------

py::dict reference_dict(const BandReference& r) {
  py::dict d;
  d["median"] = r.median;
  d["p90"] = r.p90;
  d["p99"] = r.p99;
  d["communities"] = r.communities;
  d["pooled"] = r.pooled;
  return d;
}

py::dict community_dict(const RunResult& r, CommunityId c) {
  const ScoringResult& s = r.scoring();
  const CommunityScore& cs = s.communities.at(c);
  py::dict d;
  d["id"] = c;
  d["nodes"] = cs.nodes;
  d["accounts"] = cs.accounts;
  d["risk"] = cs.risk;
  d["flagged"] = cs.flagged;
  d["suspect"] = cs.suspect;
  if (cs.detail == UINT32_MAX) return d;
  const CommunityDetail& det = s.details[cs.detail];
  d["summary"] = det.summary;
  d["banned"] = det.banned;
  d["trusted"] = det.trusted;
  d["labelled_suspects"] = det.suspects;
  py::dict families;
  for (int f = 0; f < kNumFeatureFamilies; ++f)
    if (det.family_contribution[static_cast<std::size_t>(f)] != 0.0)
      families[py::str(std::string(to_string(static_cast<FeatureFamily>(f))))] =
          det.family_contribution[static_cast<std::size_t>(f)];
  d["signals"] = families;
  py::list reasons;
  for (const Reason& re : det.reasons) {
    py::dict x;
    x["family"] = std::string(to_string(re.family));
    x["feature"] = re.feature;
    x["value"] = re.value;
    x["contribution"] = re.contribution;
    x["reference"] = reference_dict(re.reference);
    x["text"] = re.text;
    reasons.append(x);
  }
  d["reasons"] = reasons;
  py::dict features;
  for (std::size_t i = 0; i < det.features.size() && i < s.community_feature_names.size(); ++i)
    features[py::str(s.community_feature_names[i])] = det.features[i];
  d["features"] = features;
  py::dict top;
  static constexpr const char* kSlots[kNumEntitySlots] = {"payment", "ip", "proxy", "device", "entity"};
  for (int k = 0; k < kNumEntitySlots; ++k) {
    const NodeId e = det.top_entity[static_cast<std::size_t>(k)];
    if (e == kInvalidNode) continue;
    top[kSlots[k]] = py::make_tuple(std::string(r.snapshot->node_id(e)), det.top_count[static_cast<std::size_t>(k)]);
  }
  d["top_entities"] = top;
  return d;
}

std::vector<NodeId> members_of(const RunResult& r, CommunityId c) {
  std::vector<NodeId> out;
  const auto& m = r.partition().membership;
  for (NodeId v = 0; v < m.size(); ++v)
    if (m[v] == c) out.push_back(v);
  return out;
}

// --- snapshots from Python data -----------------------------------------------------------------

Label label_from(const std::string& s) {
  const auto l = parse_label(s);
  if (!l) throw std::invalid_argument("labels: expected unknown, banned, suspect or trusted, got '" + s + "'");
  return *l;
}

SnapshotPtr snapshot_from_lists(const std::vector<std::string>& ids, const std::vector<std::string>& types,
                                py::object src_obj, py::object dst_obj, py::object edge_types_obj, py::object weights_obj,
                                py::object labels_obj) {
  if (ids.size() != types.size()) throw std::invalid_argument("from_edges: node_ids and node_types differ in length");
  // Endpoints: integer indices into node_ids (list or numpy array) or id strings.
  std::vector<std::string> src_ids, dst_ids;
  auto endpoints = [&](py::object o, std::vector<std::string>& out, const char* name) {
    if (py::isinstance<py::array>(o) && py::array(o).dtype().kind() != 'U' && py::array(o).dtype().kind() != 'O') {
      const auto a = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>::ensure(o);
      if (!a) throw std::invalid_argument(std::string("from_edges: ") + name + " must hold integers or ids");
      const auto* p = a.data();
      out.reserve(static_cast<std::size_t>(a.size()));
      for (py::ssize_t i = 0; i < a.size(); ++i) {
        if (p[i] < 0 || static_cast<std::uint64_t>(p[i]) >= ids.size())
          throw std::invalid_argument(std::string("from_edges: ") + name + "[" + std::to_string(i) + "] = " +
                                      std::to_string(p[i]) + " is not an index into node_ids");
        out.push_back(ids[static_cast<std::size_t>(p[i])]);
      }
      return;
    }
    for (py::handle h : o) {
      if (py::isinstance<py::str>(h)) out.push_back(py::cast<std::string>(h));
      else {
        const auto i = py::cast<std::int64_t>(h);
        if (i < 0 || static_cast<std::uint64_t>(i) >= ids.size())
          throw std::invalid_argument(std::string("from_edges: ") + name + "[" + std::to_string(out.size()) +
                                      "] = " + std::to_string(i) + " is not an index into node_ids");
        out.push_back(ids[static_cast<std::size_t>(i)]);
      }
    }
  };
  endpoints(src_obj, src_ids, "src");
  endpoints(dst_obj, dst_ids, "dst");
  if (src_ids.size() != dst_ids.size()) throw std::invalid_argument("from_edges: src and dst differ in length");
  std::vector<std::string> etypes;
  if (!edge_types_obj.is_none()) etypes = py::cast<std::vector<std::string>>(edge_types_obj);
  if (!etypes.empty() && etypes.size() != src_ids.size())
    throw std::invalid_argument("from_edges: edge_types must have one entry per edge");
  std::vector<double> weights;
  if (!weights_obj.is_none()) {
    const auto a = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(weights_obj);
    if (!a) throw std::invalid_argument("from_edges: weights must be numbers");
    weights.assign(a.data(), a.data() + a.size());
    if (weights.size() != src_ids.size()) throw std::invalid_argument("from_edges: weights must have one entry per edge");
  }
  std::vector<std::string> labels;
  if (!labels_obj.is_none()) labels = py::cast<std::vector<std::string>>(labels_obj);
  if (!labels.empty() && labels.size() != ids.size())
    throw std::invalid_argument("from_edges: labels must have one entry per node");

  py::gil_scoped_release release;
  SnapshotBuilder b("<python>");
  b.reserve(ids.size(), src_ids.size());
  SnapshotMeta meta;
  b.set_meta(meta);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    RecordRef where;
    where.index = i;
    (void)b.add_node(where, ids[i], types[i], labels.empty() ? Label::Unknown : label_from(labels[i]), kNoTime, {},
                     nullptr);
  }
  for (std::size_t i = 0; i < src_ids.size(); ++i) {
    RecordRef where;
    where.index = i;
    b.add_edge(where, src_ids[i], dst_ids[i], etypes.empty() ? std::string_view("uses") : std::string_view(etypes[i]),
               weights.empty() ? 1.0 : weights[i], kNoTime, kNoTime);
  }
  return std::make_shared<Snapshot>(b.finish());
}

}  // namespace

PYBIND11_MODULE(_hydrascope, m) {
  m.doc() = "hydrascope: find hydra-style reseller networks in an API provider's account graph (docs/python.md)";
  m.attr("__version__") = std::string(version());

  // Errors: the engine's messages as they are (file, line or byte, record, field).
  static py::exception<InputError> input_error(m, "InputError", PyExc_ValueError);
  static py::exception<ResourceLimitError> limit_error(m, "ResourceLimitError", PyExc_MemoryError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const InputError& e) {
      input_error(e.what());
    } catch (const ResourceLimitError& e) {
      limit_error(e.what());
    } catch (const Cancelled& e) {
      PyErr_SetString(PyExc_KeyboardInterrupt, "cancelled");
    }
  });

  // --- Snapshot ---------------------------------------------------------------------------------
  py::class_<Snapshot, SnapshotPtr>(m, "Snapshot", "An immutable snapshot of accounts and entities (docs/formats.md)")
      .def_static("from_edges", &snapshot_from_lists, py::arg("node_ids"), py::arg("node_types"), py::arg("src"),
                  py::arg("dst"), py::arg("edge_types") = py::none(), py::arg("weights") = py::none(),
                  py::arg("labels") = py::none(),
                  "Builds a snapshot from Python lists or numpy arrays: node ids and types (account, payment_method, "
                  "ip, proxy, device or any other type), edges as ids or integer indices into node_ids, optional "
                  "edge types (default 'uses'), weights (default 1) and account labels")
      .def_property_readonly("num_nodes", &Snapshot::num_nodes)
      .def_property_readonly("num_edges", &Snapshot::num_edges)
      .def("node_id", [](const Snapshot& s, NodeId v) {
        if (v >= s.num_nodes()) throw py::index_error("node " + std::to_string(v) + " out of range");
        return std::string(s.node_id(v));
      })
      .def("find", [](const Snapshot& s, const std::string& id) -> py::object {
        const NodeId v = s.find_node(id);
        if (v == kInvalidNode) return py::none();
        return py::int_(v);
      }, "The node index of an id, or None")
      .def("node_type", [](const Snapshot& s, NodeId v) {
        if (v >= s.num_nodes()) throw py::index_error("node " + std::to_string(v) + " out of range");
        return std::string(s.node_type(v));
      })
      .def("node_ids", [](const Snapshot& s) {
        py::list out(s.num_nodes());
        for (NodeId v = 0; v < s.num_nodes(); ++v) out[v] = py::str(s.node_id(v).data(), s.node_id(v).size());
        return out;
      })
      .def_property_readonly("kinds", [](py::object self) {
        const auto& s = self.cast<const Snapshot&>();
        const auto k = s.kinds();
        return view(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(k.data()), k.size()), self);
      }, "Node kinds (0 account, 1 payment_method, 2 ip, 3 proxy, 4 device, 5 other), uint8, no copy")
      .def_property_readonly("labels", [](py::object self) {
        const auto& s = self.cast<const Snapshot&>();
        const auto k = s.labels();
        return view(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(k.data()), k.size()), self);
      }, "Node labels (0 unknown, 1 banned, 2 suspect, 3 trusted), uint8, no copy")
      .def_property_readonly("activity_offsets", [](py::object self) {
        return view(self.cast<const Snapshot&>().activity_offsets(), self);
      }, "Node v's activity entries are [activity_offsets[v], activity_offsets[v+1]) of activity_buckets and activity_values; uint64, no copy")
      .def_property_readonly("activity_buckets", [](py::object self) -> py::object {
        const auto& s = self.cast<const Snapshot&>();
        const std::size_t n = s.activity_entries();
        const void* p = s.activity_bucket_data();
        switch (s.activity_layout().bucket_bytes) {
          case 1: return view(std::span<const std::uint8_t>(static_cast<const std::uint8_t*>(p), n), self);
          case 2: return view(std::span<const std::uint16_t>(static_cast<const std::uint16_t*>(p), n), self);
          default: return view(std::span<const std::uint32_t>(static_cast<const std::uint32_t*>(p), n), self);
        }
      }, "Bucket index of every stored (non-zero) activity entry, increasing within a node; uint8, uint16 or uint32 "
         "as the snapshot stores them (docs/python.md), no copy")
      .def_property_readonly("activity_values", [](py::object self) -> py::object {
        const auto& s = self.cast<const Snapshot&>();
        const std::size_t n = s.activity_entries();
        const void* p = s.activity_value_data();
        if (s.activity_layout().value_bytes == 2)
          return view(std::span<const std::uint16_t>(static_cast<const std::uint16_t*>(p), n), self);
        return view(std::span<const float>(static_cast<const float*>(p), n), self);
      }, "Value of every stored activity entry (> 0); uint16 when every value is a whole number from 1 to 65535, "
         "else float32, as the snapshot stores them; no copy")
      .def_property_readonly("edge_src", [](py::object self) { return view(self.cast<const Snapshot&>().edge_srcs(), self); })
      .def_property_readonly("edge_dst", [](py::object self) { return view(self.cast<const Snapshot&>().edge_dsts(), self); })
      .def_property_readonly("edge_weight", [](py::object self) { return view(self.cast<const Snapshot&>().edge_weights(), self); })
      .def("write", [](const Snapshot& s, const std::string& path) {
        const WriteOptions wo = write_options_for_path(path);
        py::gil_scoped_release release;
        write_snapshot(s, path, wo);
      }, py::arg("path"), "Writes the snapshot; the format follows the name (.json, .ndjson, a folder for CSV; .gz)")
      .def("__repr__", [](const Snapshot& s) {
        return "<hydrascope.Snapshot " + std::to_string(s.num_nodes()) + " nodes, " + std::to_string(s.num_edges()) + " edges>";
      });

  m.def("load", [](const std::string& path, const std::string& format, int threads, std::uint64_t max_input_bytes) {
    LoadOptions lo;
    lo.format = format_from(format);
    lo.threads = threads;
    lo.max_input_bytes = max_input_bytes;
    py::gil_scoped_release release;
    return std::make_shared<Snapshot>(load_snapshot(path, lo));
  }, py::arg("path"), py::arg("format") = "auto", py::arg("threads") = 0,
        py::arg("max_input_bytes") = kDefaultMaxInputBytes,
        "Loads a snapshot (JSON, NDJSON, CSV-pair folder, edge list; .gz). Raises InputError naming file, line or "
        "byte, record and field");

  // --- stages -----------------------------------------------------------------------------------
  py::class_<PyGraph, std::shared_ptr<PyGraph>>(m, "Graph", "The undirected weighted analysis graph (CSR)")
      .def_property_readonly("num_nodes", [](const PyGraph& g) { return g.graph.num_nodes(); })
      .def_property_readonly("num_edges", [](const PyGraph& g) { return g.graph.num_edges(); })
      .def_property_readonly("excluded_hubs", [](const PyGraph& g) { return g.report.excluded_hubs; })
      .def_property_readonly("offsets", [](py::object self) { return view(self.cast<const PyGraph&>().graph.offsets(), self); })
      .def_property_readonly("targets", [](py::object self) { return view(self.cast<const PyGraph&>().graph.targets(), self); })
      .def_property_readonly("weights", [](py::object self) { return view(self.cast<const PyGraph&>().graph.arc_weights(), self); });

  m.def("build_graph", [](const SnapshotPtr& s, const std::string& damping, std::uint32_t degree_cap) {
    GraphOptions go;
    go.damping = hub_damping_from(damping);
    go.degree_cap = degree_cap;
    go.validate();
    py::gil_scoped_release release;
    auto g = std::make_shared<PyGraph>();
    g->graph = build_analysis_graph(*s, go, &g->report);
    return g;
  }, py::arg("snapshot"), py::arg("damping") = "degree", py::arg("degree_cap") = 5000, "Stage build: the analysis graph");

  m.def("detect", [](const std::shared_ptr<PyGraph>& g, const std::string& algorithm, double resolution,
                     std::uint64_t seed, int threads) {
    CommunityOptions co;
    co.algorithm = algorithm_from(algorithm);
    co.resolution = resolution;
    co.seed = seed;
    co.threads = threads;
    co.validate();
    CommunityResult r;
    {
      py::gil_scoped_release release;
      r = detect_communities(g->graph, co);
    }
    py::dict d;
    auto membership = std::make_unique<std::vector<CommunityId>>(std::move(r.partition.membership));
    const auto* data = membership->data();
    const auto size = membership->size();
    py::capsule owner(membership.release(), [](void* p) { delete static_cast<std::vector<CommunityId>*>(p); });
    d["membership"] = py::array_t<CommunityId>({static_cast<py::ssize_t>(size)}, {sizeof(CommunityId)}, data, owner);
    d["communities"] = r.partition.num_communities;
    d["quality"] = r.quality;
    d["levels"] = r.levels;
    d["iterations"] = r.iterations;
    d["converged"] = r.converged;
    return d;
  }, py::arg("graph"), py::arg("algorithm") = "leiden", py::arg("resolution") = 1.0, py::arg("seed") = 1,
        py::arg("threads") = 0, "Stage detect: communities (membership as a numpy array, canonical ids)");

  m.def("pagerank", [](const std::shared_ptr<PyGraph>& g, double alpha, int threads) {
    PageRankOptions po;
    po.damping = alpha;
    po.threads = threads;
    po.validate();
    auto values = std::make_unique<std::vector<double>>();
    {
      py::gil_scoped_release release;
      *values = pagerank(g->graph, po).values;
    }
    const auto* data = values->data();
    const auto size = values->size();
    py::capsule owner(values.release(), [](void* p) { delete static_cast<std::vector<double>*>(p); });
    return py::array_t<double>({static_cast<py::ssize_t>(size)}, {sizeof(double)}, data, owner);
  }, py::arg("graph"), py::arg("alpha") = 0.85, py::arg("threads") = 0, "Stage centrality: PageRank per node");

  m.def("core_numbers", [](const std::shared_ptr<PyGraph>& g) {
    auto values = std::make_unique<std::vector<std::uint32_t>>();
    {
      py::gil_scoped_release release;
      *values = core_numbers(g->graph).core;
    }
    const auto* data = values->data();
    const auto size = values->size();
    py::capsule owner(values.release(), [](void* p) { delete static_cast<std::vector<std::uint32_t>*>(p); });
    return py::array_t<std::uint32_t>({static_cast<py::ssize_t>(size)}, {sizeof(std::uint32_t)}, data, owner);
  }, py::arg("graph"), "Stage centrality: k-core number per node");

  // --- the whole run ------------------------------------------------------------------------------
  py::class_<RunResult, RunPtr>(m, "Run", "A whole run in memory (run_pipeline): arrays per node, dicts per community")
      .def_property_readonly("snapshot", [](const RunResult& r) { return std::const_pointer_cast<Snapshot>(r.snapshot); })
      .def_property_readonly("accounts", [](const RunResult& r) { return r.accounts; })
      .def_property_readonly("num_communities", [](const RunResult& r) { return r.partition().num_communities; })
      .def_property_readonly("community", [](py::object self) { return view(std::span<const CommunityId>(self.cast<const RunResult&>().partition().membership), self); },
                             "Community of every node (uint32, canonical ids), no copy")
      .def_property_readonly("risk", [](py::object self) { return view(std::span<const double>(self.cast<const RunResult&>().scoring().account_risk), self); },
                             "Risk of every node (0 for entities), float64, no copy")
      .def_property_readonly("suspect", [](py::object self) { return view(std::span<const std::uint8_t>(self.cast<const RunResult&>().scoring().account_suspect), self); },
                             "1 for suspect accounts, uint8, no copy")
      .def_property_readonly("pagerank", [](py::object self) { return view(std::span<const double>(self.cast<const RunResult&>().stages.pagerank.values), self); })
      .def_property_readonly("ppr", [](py::object self) { return view(std::span<const double>(self.cast<const RunResult&>().stages.ppr.values), self); })
      .def_property_readonly("core", [](py::object self) { return view(std::span<const std::uint32_t>(self.cast<const RunResult&>().stages.cores.core), self); })
      .def_property_readonly("ranking", [](const RunResult& r) { return r.scoring().ranking; },
                             "Suspect communities, highest risk first")
      .def_property_readonly("suspect_accounts", [](const RunResult& r) { return r.scoring().suspect_accounts; })
      .def_property_readonly("stages", [](const RunResult& r) {
        py::list out;
        for (const auto& [name, seconds] : r.timings) out.append(py::make_tuple(name, seconds));
        return out;
      }, "(stage, seconds) in order")
      .def_property_readonly("warnings", [](const RunResult& r) { return r.warnings; },
                             "What the user should know, as the CLI prints it: no activity, a model trained with other "
                             "detection or refinement, ...")
      .def_property_readonly("calibration", [](const RunResult& r) {
        const Calibration& c = r.scoring().calibration;
        py::dict d;
        d["applied"] = c.applied;
        d["slope"] = c.slope;
        d["intercept"] = c.intercept;
        d["banned"] = c.positives;
        d["trusted"] = c.negatives;
        d["note"] = c.note;
        return d;
      })
      .def("community_info", [](const RunResult& r, CommunityId c) {
        if (c >= r.scoring().communities.size()) throw py::index_error("no community " + std::to_string(c));
        return community_dict(r, c);
      }, py::arg("id"), "One community as a dict: size, risk, signals, reasons (explanations), features")
      .def("communities", [](const RunResult& r, bool suspect_only) {
        py::list out;
        if (suspect_only) {
          for (CommunityId c : r.scoring().ranking) out.append(community_dict(r, c));
        } else {
          for (CommunityId c = 0; c < r.scoring().communities.size(); ++c)
            if (r.scoring().communities[c].detail != UINT32_MAX) out.append(community_dict(r, c));
        }
        return out;
      }, py::arg("suspect_only") = true,
         "Suspect communities in ranking order (or every community with details) as dicts")
      .def("members", [](const RunResult& r, CommunityId c) { return members_of(r, c); }, py::arg("id"),
           "Node indices of a community's members, ascending")
      .def("subgraph", [](const RunResult& r, CommunityId c) {
        if (c >= r.partition().num_communities) throw py::index_error("no community " + std::to_string(c));
        std::vector<NodeId> accounts;
        const auto& m = r.partition().membership;
        for (NodeId v = 0; v < m.size(); ++v)
          if (m[v] == c && r.snapshot->kind(v) == NodeKind::Account) accounts.push_back(v);
        SubgraphSelector sel(*r.snapshot, r.stages.incidence);
        const Subgraph sub = sel.community(c, accounts, 0);
        py::list nodes, edges;
        for (NodeId v : sub.nodes) {
          py::dict n;
          n["id"] = std::string(r.snapshot->node_id(v));
          n["type"] = std::string(r.snapshot->node_type(v));
          n["index"] = v;
          n["risk"] = r.scoring().account_risk[v];
          nodes.append(n);
        }
        for (EdgeId e : sub.edges)
          edges.append(py::make_tuple(std::string(r.snapshot->node_id(r.snapshot->edge_src(e))),
                                      std::string(r.snapshot->node_id(r.snapshot->edge_dst(e))),
                                      std::string(r.snapshot->edge_type(e)), r.snapshot->edge_weight(e)));
        py::dict d;
        d["nodes"] = nodes;
        d["edges"] = edges;
        return d;
      }, py::arg("id"), "A community's accounts, the entities they use and every edge among them (as `suspects/` holds)")
      .def("features", [](const RunResult& r) {
        const FeatureTable& ft = r.stages.features;
        auto m = std::make_unique<FeatureMatrix>();
        {
          py::gil_scoped_release release;
          ft.rows(0, ft.accounts().size(), *m);
        }
        const py::ssize_t rows = static_cast<py::ssize_t>(m->rows), cols = static_cast<py::ssize_t>(m->names.size());
        py::list names;
        for (const auto& n : m->names) names.append(n);
        const float* data = m->values.data();
        py::capsule owner(m.release(), [](void* p) { delete static_cast<FeatureMatrix*>(p); });
        py::array_t<float> x({rows, cols}, {static_cast<py::ssize_t>(sizeof(float)) * cols, static_cast<py::ssize_t>(sizeof(float))},
                             data, owner);
        const auto acc = ft.accounts();
        return py::make_tuple(names, x, std::vector<NodeId>(acc.begin(), acc.end()));
      }, "(feature names, float32 matrix rows x features with NaN = missing, the node index of each row)")
      .def("write", [](const RunResult& r, const std::string& dir, const std::vector<std::string>& formats,
                       std::uint32_t max_suspects, const std::string& csv_guard, bool replace, bool report) {
        RunFolderOptions fo;
        const ExportFormats ef = parse_export_formats(formats);
        fo.suspects.graphml = ef.graphml;
        fo.suspects.gexf = ef.gexf;
        fo.suspects.gexf13 = ef.gexf13;
        fo.suspects.dot = ef.dot;
        fo.suspects.csv = ef.csv;
        fo.suspects.neo4j = ef.neo4j;
        fo.suspects.max_communities = max_suspects;
        const CsvGuard guard = csv_guard_of(parse_csv_guard_mode(csv_guard));
        fo.guard_sheets = guard.sheets;
        fo.suspects.guard_csv = guard.data;
        fo.replace = replace;
        fo.report = report;
        py::gil_scoped_release release;
        const RunFolderReport w = write_run_folder(r, dir, fo);
        return w.files;
      }, py::arg("dir"), py::arg("formats") = std::vector<std::string>{}, py::arg("max_suspects") = 0,
         py::arg("csv_guard") = "sheets", py::arg("replace") = false, py::arg("report") = false,
         "Writes the run folder exactly as `hydrascope run --out DIR` does; returns the files written")
      .def("__repr__", [](const RunResult& r) {
        return "<hydrascope.Run " + std::to_string(r.accounts) + " accounts, " +
               std::to_string(r.partition().num_communities) + " communities, " +
               std::to_string(r.scoring().suspect_communities) + " suspect>";
      });

  m.def("run", [](py::object input, const py::kwargs& kw) {
    const PipelineOptions po = pipeline_options(kw);
    if (py::isinstance<Snapshot>(input)) {
      SnapshotPtr s = input.cast<SnapshotPtr>();
      py::gil_scoped_release release;
      return std::make_shared<RunResult>(run_pipeline(std::shared_ptr<const Snapshot>(std::move(s)), po));
    }
    const std::string path = py::str(input);  // str or os.PathLike
    py::gil_scoped_release release;
    return std::make_shared<RunResult>(run_pipeline(path, po));
  }, py::arg("input"),
        "Runs the whole pipeline on a path (loaded as `hydrascope run` loads it) or a Snapshot. Keyword options "
        "as the command line names them: seed, threads, algorithm, resolution, degree_cap, damping, type_weighting, refine, "
        "refine_off, detrend, threshold, min_accounts, min_flagged, min_flagged_share, calibrate, model (a file), "
        "format, max_input_bytes");
}
