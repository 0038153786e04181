// load_snapshot: picks the reader for the format and times it. The input is
// opened once here and read front to back exactly once (the format sniffed
// from a peek at the same stream), so that a pipe or FIFO loads like a file
// and the checksum is that of the bytes parsed (docs/reliability.md).
#include <sys/stat.h>

#include <chrono>
#include <memory>

#include "io_internal.hpp"

namespace hydrascope {

Snapshot load_snapshot(const std::string& path, const LoadOptions& options, LoadReport* report) {
  if (options.threads < 0) throw std::invalid_argument("LoadOptions.threads must be >= 0, got " + std::to_string(options.threads));
  const auto t0 = std::chrono::steady_clock::now();
  LoadReport local;
  if (options.format != SnapshotFormat::CsvPair && is_sharded_snapshot(path)) {
    // A folder of NDJSON parts (docs/formats.md, section 3a): read in manifest order.
    if (options.format != SnapshotFormat::Auto && options.format != SnapshotFormat::Ndjson)
      io::fail_file(path, "is a sharded snapshot (NDJSON parts), not " + std::string(to_string(options.format)));
    const SnapshotManifest m = read_manifest(path);
    if (options.progress) options.progress("load", 0, 0);
    Snapshot s = io::read_ndjson_parts(m, options, local);
    local.format = SnapshotFormat::Ndjson;
    if (!options.checksum) local.checksum.clear();
    local.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (report != nullptr) *report = local;
    return s;
  }
  SnapshotFormat format = options.format == SnapshotFormat::Auto ? io::format_by_name(path) : options.format;
  std::unique_ptr<io::InputStream> in;
  if (format != SnapshotFormat::CsvPair && format != SnapshotFormat::Hsnap) {
    in = std::make_unique<io::InputStream>(path, options.max_input_bytes, options.checksum);
    if (format == SnapshotFormat::Auto) format = io::format_by_content(in->peek(io::kSniffBytes), path);
  }
  // A regular .hsnap file is mapped, not streamed (a pipe is read through `in`).
  if (format == SnapshotFormat::Hsnap && in != nullptr && in->file_size() > 0 && !in->gzip()) in.reset();
  local.format = format;
  if (options.progress) {  // the start of the load (the readers report after each block read)
    struct stat st {};
    const bool file = ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
    options.progress("load", 0, file ? static_cast<std::uint64_t>(st.st_size) : 0);
  }
  Snapshot s;
  switch (format) {
    case SnapshotFormat::Json: s = io::read_json(path, options, local, *in); break;
    case SnapshotFormat::Ndjson: s = io::read_ndjson(path, options, local, *in); break;
    case SnapshotFormat::CsvPair: s = io::read_csv_pair(path, options, local); break;
    case SnapshotFormat::EdgeList: s = io::read_edge_list(path, options, local, *in); break;
    case SnapshotFormat::Hsnap: s = io::read_hsnap(path, options, local, in.get()); break;
    case SnapshotFormat::Auto: io::fail_file(path, "cannot tell the format");
  }
  if (format == SnapshotFormat::Hsnap) in.reset();  // read_hsnap set the checksum and byte counts
  if (in != nullptr && options.checksum) {
    in->drain();  // the checksum covers the whole file
    local.checksum = io::checksum_text(in->checksum());
  }
  if (in != nullptr) local.input_bytes = in->bytes_in();
  local.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (report != nullptr) *report = local;
  return s;
}

}  // namespace hydrascope
