// libFuzzer target: the NDJSON stream reader (docs/formats.md section 3).
#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace hydrascope;
  (void)fuzz::try_load(fuzz::write_file("input.ndjson", fuzz::as_text(data, size)), SnapshotFormat::Ndjson);
  return 0;
}
