// Helpers shared by the reader tests: temp files under HYDRASCOPE_TEST_TMP,
// gzip writing, and error-capturing loads.
#pragma once

#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "hydrascope/io.hpp"

namespace hydrascope::testing {

inline std::string tmp_path(const std::string& name) {
  const std::string dir = std::string(HYDRASCOPE_TEST_TMP) + "/io_read";
  std::filesystem::create_directories(dir);
  return dir + "/" + name;
}

inline std::string write_tmp(const std::string& name, const std::string& content) {
  const std::string p = tmp_path(name);
  std::ofstream(p, std::ios::binary) << content;
  return p;
}

inline std::string write_tmp_gz(const std::string& name, const std::string& content) {
  const std::string p = tmp_path(name);
  gzFile f = gzopen(p.c_str(), "wb");
  gzwrite(f, content.data(), static_cast<unsigned>(content.size()));
  gzclose(f);
  return p;
}

inline std::string fixture(const std::string& rel) { return std::string(HYDRASCOPE_TEST_FIXTURES) + "/" + rel; }
inline std::string dataset(const std::string& rel) { return std::string(HYDRASCOPE_TEST_DATASETS) + "/" + rel; }

/// Loads and returns the InputError message ("" if it loaded).
inline std::string load_error(const std::string& path, LoadOptions options = {}) {
  try {
    (void)load_snapshot(path, options);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace hydrascope::testing
