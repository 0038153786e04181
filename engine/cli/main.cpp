// `hydrascope`: the command line. Subcommands map 1:1 to pipeline stages;
// the dispatch lives in dispatch.cpp (shared with the fuzz targets).
//
// Built with -DHYDRASCOPE_MPI=ON, the same program starts MPI when mpirun
// launched it (OMPI_COMM_WORLD_SIZE is set) and not otherwise: `run` then
// loads collectively (engine/mpi) and rank 0 does the rest (docs/scale.md).
// A command that fails on any rank prints its one error line there and ends
// the whole job with MPI_Abort, so that every rank exits non-zero and no
// rank waits for it; --out is written (swapped into place) only by rank 0 at
// the very end.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "cli_util.hpp"

namespace {

// OpenMP threads that wait for work: libgomp's default keeps them spinning
// for a while after each parallel region, which on a machine whose cores are
// shared (the 2-core machines this runs on, CI, a busy server) takes the
// cores from the thread that still works: a 200,000-account `run` took
// 10-13 s instead of 4 s under a load of 3-8 (docs/performance.md,
// "OpenMP wait policy"); on an idle machine passive waiting costs nothing
// measurable. libgomp reads OMP_WAIT_POLICY once, before main, so when the
// user has not set it the program sets it to passive and starts itself
// again (same process id, arguments and descriptors); a user's own
// OMP_WAIT_POLICY is kept. If the new start fails, the program goes on with
// the default.
void passive_openmp_wait(char** argv) {
  if (std::getenv("OMP_WAIT_POLICY") != nullptr) return;
  if (::setenv("OMP_WAIT_POLICY", "passive", 1) != 0) return;
  ::execv("/proc/self/exe", argv);
}

}  // namespace

#ifdef HYDRASCOPE_WITH_MPI
#include "hydrascope/mpi.hpp"

namespace {

// The subcommand named on the command line ("" when none).
std::string subcommand(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const char* a = argv[i];
    if (a[0] != '-') return a;
    if (std::strcmp(a, "--log-format") == 0) ++i;  // takes a value
  }
  return {};
}

int main_under_mpirun(int argc, char** argv) {
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  hydrascope::cli::Distributed d;
  d.rank = rank;
  d.size = size;
  hydrascope::mpi::LoadStats stats;
  d.load = [&stats](const std::string& path, const hydrascope::LoadOptions& options, hydrascope::LoadReport* report) {
    return hydrascope::mpi::load_snapshot(path, options, report, MPI_COMM_WORLD, &stats);
  };
  d.summary = [&stats, size]() -> std::string {
    if (!stats.distributed) return "mpirun: the input was read by rank 0 alone";
    return "mpirun: load over " + std::to_string(size) + " rank(s): " + std::to_string(stats.shuffle_rounds) +
           " round(s) to the owners, " + std::to_string(stats.gather_rounds) + " round(s) to rank 0, at most " +
           std::to_string(stats.round_bytes) + " bytes a round (" + hydrascope::mpi::kRoundBytesVariable + ")";
  };
  hydrascope::cli::set_distributed(&d);
  int code = 0;
  // Only `run` is distributed; any other command runs on rank 0 alone.
  if (rank == 0 || subcommand(argc, argv) == "run") code = hydrascope::cli::run_command_line(argc, argv);
  std::fflush(stdout);
  std::fflush(stderr);
  if (code != 0) MPI_Abort(MPI_COMM_WORLD, code);  // ends every rank of the job, non-zero
  hydrascope::mpi::sleeping_barrier(MPI_COMM_WORLD);
  MPI_Finalize();
  return 0;
}

}  // namespace
#endif

int main(int argc, char** argv) {
  passive_openmp_wait(argv);
#ifdef HYDRASCOPE_WITH_MPI
  if (const char* n = std::getenv("OMPI_COMM_WORLD_SIZE"); n != nullptr && *n != '\0') return main_under_mpirun(argc, argv);
#endif
  return hydrascope::cli::run_command_line(argc, argv);
}
