// libFuzzer target: gzip input through the auto-detecting loader. The file
// is named `input.gz`, so the format comes from sniffing the decompressed
// content (JSON, NDJSON or edge list); the seeds are gzip files, so most
// inputs exercise inflate errors, truncation and concatenated members.
#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace hydrascope;
  (void)fuzz::try_load(fuzz::write_file("input.gz", fuzz::as_text(data, size)), SnapshotFormat::Auto);
  return 0;
}
