// The MPI launcher's building blocks (engine/mpi, built with -DHYDRASCOPE_MPI=ON;
// docs/scale.md): the partition of the node ids over ranks, independent of
// the rank count, and the distributed load of `mpirun -np P hydrascope run`.
#pragma once

#include <mpi.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hydrascope/io.hpp"
#include "hydrascope/snapshot.hpp"

namespace hydrascope::mpi {

// --- partition ---------------------------------------------------------------
// Global order: node ids sorted by (id_hash(id), id). It depends on the set of
// ids only (not on the file order, the rank count or the parts). The hash
// space is cut into kChunks fixed-size chunks (the top kChunkBits bits of the
// hash); each chunk is a contiguous run of the global order, and rank r owns
// the chunks c with c % P == r (round robin). The owner of an id is known
// from the id alone, before anyone has counted the ids.

inline constexpr int kChunkBits = 16;
inline constexpr std::uint32_t kChunks = std::uint32_t{1} << kChunkBits;

/// 64-bit hash of an id: FNV-1a 64 of its bytes, then the splitmix64 finaliser
/// (so that the top bits, which pick the chunk, mix every byte). Fixed forever.
[[nodiscard]] std::uint64_t id_hash(std::string_view id) noexcept;
[[nodiscard]] inline std::uint32_t chunk_of(std::uint64_t hash) noexcept {
  return static_cast<std::uint32_t>(hash >> (64 - kChunkBits));
}
[[nodiscard]] inline int owner_of_chunk(std::uint32_t chunk, int ranks) noexcept {
  return static_cast<int>(chunk % static_cast<std::uint32_t>(ranks));
}
[[nodiscard]] inline int owner_of(std::string_view id, int ranks) noexcept {
  return owner_of_chunk(chunk_of(id_hash(id)), ranks);
}
/// Whether (hash a, id a) comes before (hash b, id b) in the global order.
[[nodiscard]] bool global_less(std::string_view a, std::string_view b) noexcept;

/// The global ids of `ids` (distinct) in one process: position in the global order.
[[nodiscard]] std::vector<std::uint64_t> global_ids_local(std::span<const std::string> ids);
/// The same, collectively: each rank passes the distinct ids it owns
/// (owner_of(id, P) == its rank) and gets their global ids, equal to
/// global_ids_local() over the union for any P. One MPI_Allreduce of the
/// kChunks chunk counts. `total` = number of ids over all ranks.
[[nodiscard]] std::vector<std::uint64_t> global_ids(std::span<const std::string> owned, MPI_Comm comm,
                                                    std::uint64_t* total = nullptr);

// --- distributed load ----------------------------------------------------------

/// The load's transfers (records to their owners, then to rank 0) go in
/// rounds: in each round a rank sends at most about budget / P bytes to each
/// other rank (a record longer than that alone), so that no MPI count comes
/// near 2 GiB and no rank holds more than one round's send and receive
/// buffers. The budget is read by rank 0 from this environment variable
/// (default kDefaultRoundBytes) and sent to the others; the outputs do not
/// depend on it.
inline constexpr const char* kRoundBytesVariable = "HYDRASCOPE_MPI_ROUND_BYTES";
inline constexpr std::uint64_t kDefaultRoundBytes = std::uint64_t{16} << 20;
inline constexpr std::uint64_t kMinRoundBytes = std::uint64_t{1} << 10;
inline constexpr std::uint64_t kMaxRoundBytes = std::uint64_t{1} << 30;
/// A round budget: a whole number of bytes, optionally followed by k, m or g
/// (KiB, MiB, GiB; either case), from kMinRoundBytes to kMaxRoundBytes.
/// Throws std::invalid_argument naming the variable otherwise.
[[nodiscard]] std::uint64_t parse_round_bytes(std::string_view text);

/// What one rank did in load_snapshot().
struct LoadStats {
  std::uint64_t lines_parsed = 0;  ///< record lines this rank read and checked
  std::uint64_t bytes_parsed = 0;  ///< their bytes
  std::uint64_t owned_nodes = 0;   ///< node records sent to this rank (it owns their ids)
  std::uint64_t edge_copies = 0;   ///< edge records held: once per endpoint owner (ghost copies)
  std::uint64_t global_nodes = 0;  ///< nodes over all ranks (from the global ids)
  std::uint64_t round_bytes = 0;   ///< the round budget used
  std::uint64_t shuffle_rounds = 0;  ///< rounds of the transfer to the owners (every rank took part in each)
  std::uint64_t gather_rounds = 0;   ///< rounds of the gather to rank 0
  bool distributed = false;        ///< false: the input was read by rank 0 alone (not NDJSON, or gzip)
};

/// Collective over `comm`: loads a snapshot. A plain NDJSON file is cut into
/// line-aligned byte ranges, one per rank; a sharded snapshot (folder of
/// parts) gives part i to rank i % P. Each rank checks its lines (the
/// loader's messages, located in the original file and line), sends each
/// record to the owner of its node (an edge to both endpoints' owners:
/// MPI_Alltoallv in rounds), the owners number their ids in the global order,
/// and the records are gathered to rank 0 (MPI_Gatherv in rounds), put back
/// in input order and built there by the
/// single-process loader: rank 0 returns the same Snapshot and LoadReport as
/// load_snapshot(path, options) (byte-identical run outputs for any P); the
/// other ranks return an empty snapshot. Other formats are read by rank 0
/// alone. Throws InputError on the rank that holds the first bad line (in
/// input order) or on rank 0; the caller must then MPI_Abort (the other
/// ranks wait, sleeping, to be ended).
[[nodiscard]] Snapshot load_snapshot(const std::string& path, const LoadOptions& options, LoadReport* report,
                                     MPI_Comm comm, LoadStats* stats = nullptr);

/// Waits for every rank of `comm` to arrive, sleeping between polls (a
/// blocking barrier spins, which steals the core of the rank still working
/// when ranks share cores).
void sleeping_barrier(MPI_Comm comm);

}  // namespace hydrascope::mpi
