// libFuzzer target: the whitespace edge-list reader (`u v [weight]` lines),
// with and without merging u v / v u into one edge.
#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace hydrascope;
  const std::string path = fuzz::write_file("input.edges", fuzz::as_text(data, size));
  (void)fuzz::try_load(path, SnapshotFormat::EdgeList, true);
  (void)fuzz::try_load(path, SnapshotFormat::EdgeList, false);
  return 0;
}
