// libFuzzer target: the JSON document reader (docs/formats.md section 2).
#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace hydrascope;
  (void)fuzz::try_load(fuzz::write_file("input.json", fuzz::as_text(data, size)), SnapshotFormat::Json);
  return 0;
}
