// Shared plumbing of the libFuzzer targets: the loaders read paths, so each
// input is written to a per-process scratch folder and loaded from there.
// An InputError is the expected answer to bad bytes; anything else that
// escapes (another exception, a sanitizer report, an abort) is a finding.
// A snapshot that loads must pass validate() and survive a round trip
// through the NDJSON writer unchanged.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "hydrascope/error.hpp"
#include "hydrascope/io.hpp"

namespace hydrascope::fuzz {

/// The scratch folder of this process (created once, removed at exit).
inline const std::string& scratch() {
  // Never destroyed: the atexit handler below runs after static destructors.
  static const std::string* const dir = [] {
    const char* base = std::getenv("TMPDIR");
    auto* tmpl = new std::string(std::string(base != nullptr && *base != '\0' ? base : "/tmp") +
                                 "/hydrascope-fuzz-XXXXXX");
    if (::mkdtemp(tmpl->data()) == nullptr) {
      std::perror("mkdtemp");
      std::abort();
    }
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(scratch(), ec);
    });
    return tmpl;
  }();
  return *dir;
}

inline std::string write_file(const std::string& name, std::string_view bytes) {
  const std::string path = scratch() + "/" + name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) {
    std::fprintf(stderr, "fuzz: cannot write %s\n", path.c_str());
    std::abort();
  }
  return path;
}

[[noreturn]] inline void finding(const std::string& what) {
  std::fprintf(stderr, "fuzz finding: %s\n", what.c_str());
  std::abort();
}

/// A loaded snapshot must be valid, and write + read as NDJSON to an equal one.
inline void check_loaded(const Snapshot& s) {
  s.validate();  // throws std::logic_error: escapes as a finding
  const std::string out = scratch() + "/roundtrip.ndjson";
  WriteOptions w;
  w.format = SnapshotFormat::Ndjson;
  write_snapshot(s, out, w);
  LoadOptions o;
  o.format = SnapshotFormat::Ndjson;
  o.threads = 1;
  Snapshot back;
  try {
    back = load_snapshot(out, o);
  } catch (const InputError& e) {
    finding(std::string("the NDJSON written for a loaded snapshot does not load: ") + e.what());
  }
  if (!(back == s)) finding("NDJSON round trip changed the snapshot");
}

/// Loads `path`; InputError is a normal outcome. Returns whether it loaded.
inline bool try_load(const std::string& path, SnapshotFormat format, bool merge = true) {
  LoadOptions o;
  o.format = format;
  o.threads = 1;
  o.edge_list_directed_merge = merge;
  try {
    const Snapshot s = load_snapshot(path, o);
    check_loaded(s);
    return true;
  } catch (const InputError& e) {
    if (e.where().file.empty()) finding(std::string("InputError without a file: ") + e.what());
    return false;
  }
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace hydrascope::fuzz
