// Atomic output: write to a temporary file beside the target and rename it
// into place on commit(), so a failed run never leaves a half-written file
// that looks complete (SNAPSHOT_FORMAT.md section 6).
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace hydrascope {

/// A file being written. Destroying it without commit() removes the
/// temporary. Writes are buffered; errors surface as std::runtime_error
/// naming the path (disk full, permission).
class AtomicFile {
 public:
  explicit AtomicFile(std::string path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(std::string_view bytes);
  void put(char c) { write(std::string_view(&c, 1)); }
  /// Flushes, closes and renames over the target.
  void commit();
  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  [[nodiscard]] const std::string& temp_path() const noexcept { return temp_; }

 private:
  std::string path_, temp_;
  std::FILE* file_ = nullptr;
};

/// Writes `bytes` to `path` atomically.
void write_file_atomic(const std::string& path, std::string_view bytes);

}  // namespace hydrascope
