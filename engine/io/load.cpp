// load_snapshot: picks the reader for the format and times it.
#include <sys/stat.h>

#include <chrono>

#include "io_internal.hpp"

namespace hydrascope {

Snapshot load_snapshot(const std::string& path, const LoadOptions& options, LoadReport* report) {
  if (options.threads < 0) throw std::invalid_argument("LoadOptions.threads must be >= 0, got " + std::to_string(options.threads));
  const auto t0 = std::chrono::steady_clock::now();
  LoadReport local;
  const SnapshotFormat format = options.format == SnapshotFormat::Auto ? detect_format(path) : options.format;
  local.format = format;
  if (options.progress) {  // the start of the load (the readers report after each block read)
    struct stat st {};
    const bool file = ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
    options.progress("load", 0, file ? static_cast<std::uint64_t>(st.st_size) : 0);
  }
  Snapshot s;
  switch (format) {
    case SnapshotFormat::Json: s = io::read_json(path, options, local); break;
    case SnapshotFormat::Ndjson: s = io::read_ndjson(path, options, local); break;
    case SnapshotFormat::CsvPair: s = io::read_csv_pair(path, options, local); break;
    case SnapshotFormat::EdgeList: s = io::read_edge_list(path, options, local); break;
    case SnapshotFormat::Auto: io::fail_file(path, "cannot tell the format");
  }
  local.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (report != nullptr) *report = local;
  return s;
}

}  // namespace hydrascope
