// Atomic output: write to a temporary file beside the target and rename it
// into place on commit(), so a failed run never leaves a half-written file
// that looks complete (docs/formats.md section 8). Temporaries get random
// names and are created exclusively (O_CREAT|O_EXCL|O_NOFOLLOW): a symlink
// planted under a guessable name cannot redirect a write (docs/reliability.md).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace hydrascope {

/// `n` random lowercase hex digits from the kernel's random source
/// (getrandom; only names of temporaries depend on it, never an output).
[[nodiscard]] std::string random_hex(std::size_t n = 12);

/// Creates a new file `prefix` + random hex digits, exclusively
/// (O_CREAT|O_EXCL|O_NOFOLLOW, mode 0666 minus the umask), retrying on a name
/// that exists. Returns the open descriptor (write only, close-on-exec) and
/// sets `path`. std::runtime_error naming the path on failure.
[[nodiscard]] int create_exclusive_file(const std::string& prefix, std::string& path);

/// Creates a new folder `prefix` + random hex digits (mkdir fails on any
/// existing name, symlinks included; mode 0777 minus the umask). Returns its
/// path; std::runtime_error on failure.
[[nodiscard]] std::string create_temp_folder(const std::string& prefix);

/// An unnamed scratch file in the folder of `near` (O_TMPFILE, or an
/// exclusive random name unlinked at once), open for reading and writing;
/// it vanishes with the process whatever happens. std::runtime_error on failure.
[[nodiscard]] std::FILE* open_scratch_file(const std::string& near);

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

/// Moves the finished folder `tmp` to `dir`: a plain rename when `dir` does
/// not exist, else one atomic exchange (renameat2 RENAME_EXCHANGE) and the
/// removal of the previous contents, now under `tmp`; on file systems without
/// the exchange, the old folder is moved aside first. A kill at any moment
/// leaves either the previous folder or the new one under `dir`.
/// std::runtime_error naming the paths on failure.
void swap_folder_into_place(const std::string& tmp, const std::string& dir);

/// Peak resident set size of this process in bytes (0 if unknown).
[[nodiscard]] std::uint64_t peak_rss_bytes() noexcept;

/// The process's resident set now and its peak so far, in bytes
/// (/proc/self/status VmRSS and VmHWM; 0 where unknown).
struct RssSample {
  std::uint64_t rss_bytes = 0;
  std::uint64_t peak_rss_bytes = 0;
};
[[nodiscard]] RssSample rss_sample() noexcept;

}  // namespace hydrascope
