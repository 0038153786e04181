// Helpers shared by the export tests: a fresh folder under the build's
// test-tmp, and a whole file as a string.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "files.hpp"

namespace hydrascope::testing {

/// HYDRASCOPE_TEST_TMP/<name>, emptied and created.
inline std::string fresh_dir(const std::string& name) {
  const std::string d = std::string(HYDRASCOPE_TEST_TMP) + "/" + name;
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d;
}

}  // namespace hydrascope::testing
