// Files in tests: the bytes of a file, and a clean scratch folder under the
// build's test-tmp. One definition for every test program.
#pragma once

#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

namespace hydrascope::testing {

/// The bytes of a file ("" if it cannot be read).
inline std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// The bytes of a file that must exist (throws std::runtime_error naming it).
inline std::string read_existing(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

#ifdef HYDRASCOPE_TEST_DATASETS
/// The bundled IP ranges of `generate` (datasets/ip-ranges).
inline const std::string kIpRanges = std::string(HYDRASCOPE_TEST_DATASETS) + "/ip-ranges";
#endif

}  // namespace hydrascope::testing
