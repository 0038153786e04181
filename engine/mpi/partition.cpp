// The rank-count-independent global order of node ids and its chunks
// (include/hydrascope/mpi.hpp).
#include <algorithm>
#include <numeric>
#include <stdexcept>

#include "hydrascope/mpi.hpp"

namespace hydrascope::mpi {

std::uint64_t id_hash(std::string_view id) noexcept {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : id) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  return h;
}

bool global_less(std::string_view a, std::string_view b) noexcept {
  const std::uint64_t ha = id_hash(a), hb = id_hash(b);
  if (ha != hb) return ha < hb;
  return a < b;
}

namespace {

// Indices of `ids` sorted by (hash, id).
std::vector<std::size_t> sorted_order(std::span<const std::string> ids, std::vector<std::uint64_t>& hashes) {
  hashes.resize(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) hashes[i] = id_hash(ids[i]);
  std::vector<std::size_t> order(ids.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
    if (hashes[x] != hashes[y]) return hashes[x] < hashes[y];
    return ids[x] < ids[y];
  });
  return order;
}

}  // namespace

std::vector<std::uint64_t> global_ids_local(std::span<const std::string> ids) {
  std::vector<std::uint64_t> hashes;
  const std::vector<std::size_t> order = sorted_order(ids, hashes);
  std::vector<std::uint64_t> gid(ids.size());
  for (std::size_t k = 0; k < order.size(); ++k) gid[order[k]] = k;
  return gid;
}

std::vector<std::uint64_t> global_ids(std::span<const std::string> owned, MPI_Comm comm, std::uint64_t* total) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  std::vector<std::uint64_t> hashes;
  const std::vector<std::size_t> order = sorted_order(owned, hashes);
  std::vector<std::uint64_t> counts(kChunks, 0), all(kChunks, 0);
  for (std::size_t i = 0; i < owned.size(); ++i) {
    const std::uint32_t c = chunk_of(hashes[i]);
    if (owner_of_chunk(c, size) != rank)
      throw std::logic_error("mpi::global_ids: rank " + std::to_string(rank) + " was given id '" + owned[i] +
                             "' of chunk " + std::to_string(c) + ", owned by rank " +
                             std::to_string(owner_of_chunk(c, size)));
    ++counts[c];
  }
  // Every chunk is counted by its one owner: the sum is exact in any order.
  MPI_Allreduce(counts.data(), all.data(), static_cast<int>(kChunks), MPI_UINT64_T, MPI_SUM, comm);
  std::vector<std::uint64_t> base(kChunks, 0);
  std::uint64_t running = 0;
  for (std::uint32_t c = 0; c < kChunks; ++c) {
    base[c] = running;
    running += all[c];
  }
  if (total != nullptr) *total = running;
  std::vector<std::uint64_t> gid(owned.size());
  for (const std::size_t i : order) gid[i] = base[chunk_of(hashes[i])]++;  // within a chunk: local sorted position
  return gid;
}

}  // namespace hydrascope::mpi
