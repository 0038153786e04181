// libFuzzer target: the CSV pair reader (docs/formats.md section 4). The
// input is split at its first 0x1E byte (ASCII record separator): nodes.csv
// before it, edges.csv after it (empty when there is none).
#include <filesystem>

#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace hydrascope;
  static const std::string dir = [] {
    std::filesystem::create_directories(fuzz::scratch() + "/pair");
    return fuzz::scratch() + "/pair";
  }();
  const std::string_view text = fuzz::as_text(data, size);
  const std::size_t cut = text.find('\x1e');
  const std::string_view nodes = text.substr(0, cut);
  const std::string_view edges = cut == std::string_view::npos ? std::string_view() : text.substr(cut + 1);
  (void)fuzz::write_file("pair/nodes.csv", nodes);
  (void)fuzz::write_file("pair/edges.csv", edges);
  (void)fuzz::try_load(dir, SnapshotFormat::CsvPair);
  return 0;
}
