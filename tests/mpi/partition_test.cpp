// The partition of engine/mpi: the global order of ids does not depend on
// the rank count, owners are chunk round robin, and the collective numbering
// equals the one-process numbering. Run by ctest under mpirun -np 1..4.
#include <mpi.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "hydrascope/mpi.hpp"

namespace hydrascope::mpi {
namespace {

std::vector<std::string> some_ids(int n) {
  std::vector<std::string> ids;
  for (int i = 0; i < n; ++i) {
    ids.push_back("a:" + std::to_string(i));
    if (i % 3 == 0) ids.push_back("ip:10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256));
    if (i % 7 == 0) ids.push_back("pm:" + std::to_string(i * 7919));
  }
  return ids;
}

TEST(RoundBytes, ParsesBytesAndBinarySuffixes) {
  EXPECT_EQ(parse_round_bytes("1024"), 1024u);
  EXPECT_EQ(parse_round_bytes("4k"), 4096u);
  EXPECT_EQ(parse_round_bytes("4K"), 4096u);
  EXPECT_EQ(parse_round_bytes("256m"), std::uint64_t{256} << 20);
  EXPECT_EQ(parse_round_bytes("1g"), kMaxRoundBytes);
  EXPECT_EQ(parse_round_bytes("1073741824"), kMaxRoundBytes);
  EXPECT_EQ(kDefaultRoundBytes, std::uint64_t{16} << 20);
}

TEST(RoundBytes, RefusesWhatIsNotABudgetNamingTheVariable) {
  for (const char* bad : {"", "k", "12x", "4kb", "-4k", " 4k", "4 k", "1023", "0", "2g", "1073741825",
                          "99999999999999999999999", "1.5m"}) {
    try {
      (void)parse_round_bytes(bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const std::invalid_argument& e) {
      EXPECT_EQ(std::string(e.what()).rfind(std::string("HYDRASCOPE_MPI_ROUND_BYTES=") + bad + ": ", 0), 0u) << e.what();
    }
  }
}

TEST(Partition, HashIsFixed) {
  // The order is part of the on-disk contract of future distributed outputs: pin it.
  // FNV-1a 64 then splitmix64's finaliser, computed independently (Python).
  EXPECT_EQ(id_hash("a:1"), 0xa0a438772cd89195ULL);
  EXPECT_EQ(id_hash("ip:10.0.0.1"), 0xb6d921adfcad285eULL);
  EXPECT_EQ(id_hash(""), 0xf52a15e9a9b5e89bULL);
  EXPECT_NE(id_hash("a:1"), id_hash("a:2"));
  EXPECT_EQ(id_hash("a:1"), id_hash(std::string("a:1")));
  EXPECT_LT(chunk_of(~std::uint64_t{0}), kChunks);
  EXPECT_EQ(chunk_of(0), 0u);
}

TEST(Partition, OwnersAreChunkRoundRobin) {
  for (const std::string& id : some_ids(500)) {
    const std::uint32_t c = chunk_of(id_hash(id));
    for (int p = 1; p <= 8; ++p) {
      EXPECT_EQ(owner_of(id, p), static_cast<int>(c % static_cast<std::uint32_t>(p)));
      EXPECT_GE(owner_of(id, p), 0);
      EXPECT_LT(owner_of(id, p), p);
    }
  }
}

TEST(Partition, OwnersAreBalanced) {
  const std::vector<std::string> ids = some_ids(20000);
  for (int p : {2, 3, 4, 7}) {
    std::vector<std::size_t> n(static_cast<std::size_t>(p), 0);
    for (const std::string& id : ids) ++n[static_cast<std::size_t>(owner_of(id, p))];
    const double mean = static_cast<double>(ids.size()) / p;
    for (std::size_t k : n) EXPECT_NEAR(static_cast<double>(k), mean, 0.05 * mean) << p << " ranks";
  }
}

TEST(Partition, GlobalOrderIsSortedByHashThenId) {
  std::vector<std::string> ids = some_ids(3000);
  const std::vector<std::uint64_t> gid = global_ids_local(ids);
  std::vector<std::string> by_gid(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) by_gid[gid[i]] = ids[i];
  for (std::size_t k = 1; k < by_gid.size(); ++k) EXPECT_TRUE(global_less(by_gid[k - 1], by_gid[k]));
  // Independent of the order the ids come in.
  std::vector<std::string> rev(ids.rbegin(), ids.rend());
  const std::vector<std::uint64_t> gid2 = global_ids_local(rev);
  for (std::size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(gid2[ids.size() - 1 - i], gid[i]);
  // Chunks are contiguous runs of the global order.
  for (std::size_t k = 1; k < by_gid.size(); ++k)
    EXPECT_LE(chunk_of(id_hash(by_gid[k - 1])), chunk_of(id_hash(by_gid[k])));
}

TEST(Partition, CollectiveNumberingEqualsOneProcess) {
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const std::vector<std::string> ids = some_ids(5000);
  const std::vector<std::uint64_t> ref = global_ids_local(ids);
  std::vector<std::string> mine;
  std::vector<std::uint64_t> want;
  for (std::size_t i = 0; i < ids.size(); ++i)
    if (owner_of(ids[i], size) == rank) {
      mine.push_back(ids[i]);
      want.push_back(ref[i]);
    }
  std::uint64_t total = 0;
  const std::vector<std::uint64_t> got = global_ids(mine, MPI_COMM_WORLD, &total);
  EXPECT_EQ(total, ids.size());
  EXPECT_EQ(got, want);
  // A rank given an id it does not own is a logic error, not a wrong number.
  if (size > 1) {
    std::vector<std::string> foreign;
    for (const std::string& id : ids)
      if (owner_of(id, size) != rank) {
        foreign.push_back(id);
        break;
      }
    EXPECT_THROW((void)global_ids(foreign, MPI_COMM_WORLD), std::logic_error);
  }
}

}  // namespace
}  // namespace hydrascope::mpi

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  ::testing::InitGoogleTest(&argc, argv);
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank != 0) delete ::testing::UnitTest::GetInstance()->listeners().Release(
      ::testing::UnitTest::GetInstance()->listeners().default_result_printer());  // one report, rank 0's
  const int failed = RUN_ALL_TESTS();
  int any = 0;
  MPI_Allreduce(&failed, &any, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  MPI_Finalize();
  return any;
}
