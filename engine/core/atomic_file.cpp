// Atomic file output (temporary + rename) and safely created temporaries.
#include "hydrascope/atomic_file.hpp"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <stdexcept>

namespace hydrascope {

namespace {
[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw std::runtime_error("cannot " + what + " " + path + ": " + std::strerror(errno));
}
constexpr int kNameTries = 64;

std::string folder_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}
}  // namespace

std::string random_hex(std::size_t n) {
  std::string out(n, '0');
  unsigned char bytes[64];
  std::size_t have = 0;
  const std::size_t want = std::min<std::size_t>((n + 1) / 2, sizeof bytes);
  while (have < want) {
    const ssize_t got = ::getrandom(bytes + have, want - have, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      break;
    }
    have += static_cast<std::size_t>(got);
  }
  if (have < want) {  // no getrandom: the C++ random device
    std::random_device rd;
    for (std::size_t i = have; i < want; ++i) bytes[i] = static_cast<unsigned char>(rd());
  }
  static const char kHex[] = "0123456789abcdef";
  for (std::size_t i = 0; i < n && i / 2 < sizeof bytes; ++i) out[i] = kHex[(bytes[i / 2] >> ((i % 2) * 4)) & 15];
  return out;
}

int create_exclusive_file(const std::string& prefix, std::string& path) {
  for (int attempt = 0; attempt < kNameTries; ++attempt) {
    path = prefix + random_hex();
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd >= 0) return fd;
    if (errno != EEXIST) fail("create", path);
  }
  fail("create a new temporary file", prefix + "*");
}

std::string create_temp_folder(const std::string& prefix) {
  for (int attempt = 0; attempt < kNameTries; ++attempt) {
    std::string path = prefix + random_hex();
    if (::mkdir(path.c_str(), 0777) == 0) return path;
    if (errno != EEXIST) fail("create", path);
  }
  fail("create a new temporary folder", prefix + "*");
}

std::FILE* open_scratch_file(const std::string& near) {
  const std::string dir = folder_of(near);
  int fd = -1;
#ifdef O_TMPFILE
  fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600);
#endif
  std::string path;
  if (fd < 0) {  // file systems without O_TMPFILE
    for (int attempt = 0; attempt < kNameTries && fd < 0; ++attempt) {
      path = near + ".spool-" + random_hex();
      fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
      if (fd < 0 && errno != EEXIST) fail("create", path);
    }
    if (fd < 0) fail("create a scratch file beside", near);
    ::unlink(path.c_str());
  }
  std::FILE* f = ::fdopen(fd, "w+b");
  if (f == nullptr) {
    ::close(fd);
    fail("open a scratch file beside", near);
  }
  return f;
}

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {
  const int fd = create_exclusive_file(path_ + ".tmp-", temp_);
  file_ = ::fdopen(fd, "wb");
  if (file_ == nullptr) {
    ::close(fd);
    ::unlink(temp_.c_str());
    fail("create", temp_);
  }
  std::setvbuf(file_, nullptr, _IOFBF, 1 << 16);  // stdio owns the buffer
}

AtomicFile::~AtomicFile() {
  if (file_ != nullptr) {
    std::fclose(file_);
    std::remove(temp_.c_str());
  }
}

void AtomicFile::write(std::string_view bytes) {
  if (file_ == nullptr) throw std::logic_error("AtomicFile::write after commit: " + path_);
  if (!bytes.empty() && std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) fail("write", temp_);
}

void AtomicFile::commit() {
  if (file_ == nullptr) return;
  const bool flushed = std::fflush(file_) == 0;
  const bool closed = std::fclose(file_) == 0;
  file_ = nullptr;
  if (!flushed || !closed) {
    std::remove(temp_.c_str());
    fail("write", temp_);
  }
  if (std::rename(temp_.c_str(), path_.c_str()) != 0) {
    std::remove(temp_.c_str());
    fail("rename into", path_);
  }
}

void write_file_atomic(const std::string& path, std::string_view bytes) {
  AtomicFile f(path);
  f.write(bytes);
  f.commit();
}

void swap_folder_into_place(const std::string& tmp, const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    fs::rename(tmp, dir, ec);
    if (ec) throw std::runtime_error("cannot rename " + tmp + " to " + dir + ": " + ec.message());
    return;
  }
  if (::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, dir.c_str(), RENAME_EXCHANGE) != 0) {
    // File systems without RENAME_EXCHANGE: move the old folder aside first.
    const std::string old = dir + ".old-" + random_hex();
    fs::rename(dir, old, ec);
    if (ec) throw std::runtime_error("cannot move the previous " + dir + " aside: " + ec.message());
    fs::rename(tmp, dir, ec);
    if (ec) {
      std::error_code back;
      fs::rename(old, dir, back);
      throw std::runtime_error("cannot rename " + tmp + " to " + dir + ": " + ec.message());
    }
    fs::remove_all(old, ec);
    return;
  }
  fs::remove_all(tmp, ec);  // the previous results
}

std::uint64_t peak_rss_bytes() noexcept {
  struct rusage usage {};
  if (::getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  return static_cast<std::uint64_t>(usage.ru_maxrss) * 1024u;  // Linux: kilobytes
}

RssSample rss_sample() noexcept {
  RssSample s;
  std::FILE* f = std::fopen("/proc/self/status", "re");
  if (f != nullptr) {
    char line[256];
    while (std::fgets(line, sizeof line, f) != nullptr) {
      unsigned long long kb = 0;
      if (std::sscanf(line, "VmRSS: %llu kB", &kb) == 1) s.rss_bytes = kb * 1024u;
      else if (std::sscanf(line, "VmHWM: %llu kB", &kb) == 1) s.peak_rss_bytes = kb * 1024u;
    }
    std::fclose(f);
  }
  if (s.peak_rss_bytes == 0) s.peak_rss_bytes = peak_rss_bytes();  // no /proc: getrusage's peak
  return s;
}

}  // namespace hydrascope
