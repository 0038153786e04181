// libFuzzer target: the binary snapshot reader (.hsnap). Random bytes almost
// never get past the crc32 checks, so the first input byte chooses: odd, the
// rest of the input is loaded with its checksums recomputed first (reaching
// the structural and model checks behind them); even, it is loaded as it is.
// A file that loads must validate, survive the NDJSON round trip, and write
// back to .hsnap and read to the same model. Also built without libFuzzer as
// a ctest regression over tests/fixtures/hsnap-corpus (fuzz_regress_main.cpp).
#include "fuzz_util.hpp"
#include "io/hsnap_layout.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace hydrascope;
  if (size == 0) return 0;
  std::string bytes(fuzz::as_text(data + 1, size - 1));
  if ((data[0] & 1) != 0) hsnap_layout::fix_checksums(bytes);
  const std::string path = fuzz::write_file("input.hsnap", bytes);
  LoadOptions o;
  o.format = SnapshotFormat::Hsnap;
  o.threads = 1;
  try {
    const Snapshot s = load_snapshot(path, o);
    fuzz::check_loaded(s);
    const std::string again = fuzz::scratch() + "/again.hsnap";
    WriteOptions w;
    w.format = SnapshotFormat::Hsnap;
    write_snapshot(s, again, w);
    if (!(load_snapshot(again, o) == s)) fuzz::finding(".hsnap round trip changed the snapshot");
  } catch (const InputError& e) {
    if (e.where().file.empty()) fuzz::finding(std::string("InputError without a file: ") + e.what());
    if (e.where().byte_offset == kNoPosition) fuzz::finding(std::string("InputError without a byte offset: ") + e.what());
  }
  return 0;
}
