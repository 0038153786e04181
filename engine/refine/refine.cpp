// refine_partition(): the enabled refinement steps in order, with what each did.
#include <chrono>
#include <stdexcept>
#include <string>

#include "hydrascope/refine.hpp"

namespace hydrascope {

RefineOptions RefineOptions::from_steps(const std::vector<std::string>& on, const std::vector<std::string>& off,
                                        const char* on_name, const char* off_name) {
  RefineOptions o;
  const auto set = [&o](const std::string& step, bool value, const char* option) {
    if (step == "split_by_proxy") o.split_by_proxy = value;
    else if (step == "split_tied") o.split_tied = value;
    else if (step == "split_separated") o.split_separated = value;
    else if (step == "rehome") o.rehome = value;
    else if (step == "merge") o.merge = value;
    else if (step == "all") o.split_by_proxy = o.split_tied = o.split_separated = o.rehome = o.merge = value;
    else if (step == "none" && value) o.split_by_proxy = o.split_tied = o.split_separated = o.rehome = o.merge = false;
    else
      throw std::invalid_argument(std::string(option) + ": unknown step '" + step +
                                  "' (split_by_proxy, split_tied, split_separated, rehome, merge, all" +
                                  (value ? " or none)" : ")"));
  };
  if (!on.empty()) {
    o.split_by_proxy = o.split_tied = o.split_separated = o.rehome = o.merge = false;
    for (const auto& step : on) set(step, true, on_name);
  }
  for (const auto& step : off) set(step, false, off_name);
  return o;
}

RefineOptions RefineOptions::none() {
  RefineOptions o;
  o.split_by_proxy = o.split_tied = o.split_separated = o.rehome = o.merge = false;
  return o;
}

RefineOptions RefineOptions::all() {
  RefineOptions o;
  o.split_by_proxy = o.split_tied = o.split_separated = o.rehome = o.merge = true;
  return o;
}

std::string RefineOptions::steps_text() const {
  std::string out;
  for (const auto& [on, name] : {std::pair{split_by_proxy, "split_by_proxy"}, std::pair{split_tied, "split_tied"},
                                 std::pair{split_separated, "split_separated"}, std::pair{rehome, "rehome"},
                                 std::pair{merge, "merge"}})
    if (on) out += (out.empty() ? "" : ",") + std::string(name);
  return out.empty() ? std::string("none") : out;
}

void RefineOptions::validate() const {
  if (min_accounts < 1) throw std::invalid_argument("refine: min_accounts must be >= 1");
  if (min_piece < 2) throw std::invalid_argument("refine: min_piece must be >= 2");
  if (!(max_piece_share > 0.0 && max_piece_share <= 1.0)) throw std::invalid_argument("refine: max_piece_share must be in (0, 1]");
  if (!(max_conductance >= 0.0 && max_conductance <= 1.0)) throw std::invalid_argument("refine: max_conductance must be in [0, 1]");
  if (max_pool < 2) throw std::invalid_argument("refine: max_pool must be >= 2");
  if (!(min_own_links >= 0.0)) throw std::invalid_argument("refine: min_own_links must be >= 0");
  if (pool_home < 1) throw std::invalid_argument("refine: pool_home must be >= 1");
  if (min_shared_pools < 1) throw std::invalid_argument("refine: min_shared_pools must be >= 1");
}

RefineResult refine_partition(const Snapshot& s, const Incidence& inc, const Partition& partition,
                              const RefineOptions& options) {
  options.validate();
  if (partition.membership.size() != s.num_nodes() || inc.offsets.size() != static_cast<std::size_t>(s.num_nodes()) + 1)
    throw std::invalid_argument("refine_partition: partition or incidence does not cover the snapshot");
  RefineResult result;
  result.partition = partition;
  using Step = Partition (*)(const Snapshot&, const Incidence&, const Partition&, const RefineOptions&);
  const struct {
    bool on;
    const char* name;
    Step fn;
  } steps[] = {
      {options.split_by_proxy, "split_by_proxy", &split_hub_communities},
      {options.split_tied, "split_tied", &split_tied_groups},
      {options.split_separated, "split_separated", &split_separated_groups},
      {options.rehome, "rehome", &rehome_pool_accounts},
      {options.merge, "merge", &merge_pool_communities},
  };
  std::uint64_t enabled = 0, done = 0;
  for (const auto& st : steps) enabled += st.on ? 1 : 0;
  if (options.progress && enabled > 0) options.progress("refine", 0, enabled);
  for (const auto& st : steps) {
    if (!st.on) continue;
    const auto t0 = std::chrono::steady_clock::now();
    RefineStep rep;
    rep.name = st.name;
    rep.communities_before = result.partition.num_communities;
    Partition next = st.fn(s, inc, result.partition, options);
    // Nodes moved: members whose new community does not hold the majority
    // of their old one's members is hard to define across renumbering;
    // count nodes whose co-membership with their old community's smallest
    // member changed instead (cheap and renumbering-proof).
    std::vector<NodeId> first(result.partition.num_communities, kInvalidNode);
    for (NodeId v = 0; v < s.num_nodes(); ++v)
      if (first[result.partition.membership[v]] == kInvalidNode) first[result.partition.membership[v]] = v;
    for (NodeId v = 0; v < s.num_nodes(); ++v)
      rep.nodes_moved += next.membership[v] != next.membership[first[result.partition.membership[v]]];
    rep.communities_after = next.num_communities;
    result.partition = std::move(next);
    rep.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    result.steps.push_back(std::move(rep));
    if (options.progress) options.progress("refine", ++done, enabled);
  }
  return result;
}

}  // namespace hydrascope
