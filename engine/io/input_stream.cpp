// InputStream (plain or gzip bytes, chunk by chunk) and BlockReader (whole
// lines per block): the bottom of every reader. Memory is bounded by the
// chunk size and the longest line, never by the file size.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "io_internal.hpp"

namespace hydrascope::io {

namespace {

// Newlines in [p, end): memchr from one to the next (lines are tens to
// hundreds of bytes; std::count's byte loop is several times slower).
std::uint64_t count_newlines(const char* p, const char* end) {
  std::uint64_t n = 0;
  while (p < end) {
    const void* nl = std::memchr(p, '\n', static_cast<std::size_t>(end - p));
    if (nl == nullptr) break;
    ++n;
    p = static_cast<const char*>(nl) + 1;
  }
  return n;
}

}  // namespace

void fail_file(const std::string& file, const std::string& message) {
  SourceLocation loc;
  loc.file = file;
  throw InputError(std::move(loc), message);
}

struct InputStream::Z {
  z_stream s{};
  bool init = false;
  ~Z() {
    if (init) inflateEnd(&s);
  }
};

std::string checksum_text(std::uint64_t fnv) {
  char hex[32];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(fnv));
  return std::string("fnv1a64:") + hex;
}

InputStream::InputStream(std::string path, std::uint64_t max_bytes, bool checksum, std::uint64_t checksum_seed)
    : path_(std::move(path)), max_bytes_(max_bytes), fnv_(checksum_seed), hash_(checksum) {
  fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) fail_file(path_, std::string("cannot open: ") + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd_, &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      ::close(fd_);
      fd_ = -1;
      fail_file(path_, "is a directory, expected a file");
    }
    // A pipe, FIFO or device has no size (and is read once, like a file).
    if (S_ISREG(st.st_mode)) file_size_ = static_cast<std::uint64_t>(st.st_size);
  }
  // Sniff the gzip magic bytes (a small file is read whole, into a buffer of its size).
  zin_.resize(file_size_ >= 2 && file_size_ < (std::uint64_t{1} << 20) ? static_cast<std::size_t>(file_size_)
                                                                       : std::size_t{1} << 20);
  std::size_t have = 0;
  while (have < 2) {
    const std::size_t got = read_raw(reinterpret_cast<char*>(zin_.data()) + have, zin_.size() - have);
    if (got == 0) break;
    have += got;
  }
  if (have >= 2 && zin_[0] == 0x1f && zin_[1] == 0x8b) {
    gzip_ = true;
    z_ = std::make_unique<Z>();
    if (inflateInit2(&z_->s, 15 + 16) != Z_OK) fail_file(path_, "cannot start gzip decompression");
    z_->init = true;
    z_->s.next_in = zin_.data();
    z_->s.avail_in = static_cast<uInt>(have);
  } else {
    // Plain file: the sniffed bytes are handed out first.
    zin_.resize(have);
    z_.reset();
  }
}

InputStream::~InputStream() {
  if (fd_ >= 0) ::close(fd_);
}

std::size_t InputStream::read_raw(char* dst, std::size_t n) {
  if (eof_raw_) return 0;
  for (;;) {
    const ssize_t got = ::read(fd_, dst, n);
    if (got < 0) {
      if (errno == EINTR) continue;
      fail_file(path_, std::string("read error: ") + std::strerror(errno));
    }
    if (got == 0) eof_raw_ = true;
    bytes_in_ += static_cast<std::uint64_t>(got);
    if (hash_) {  // the checksum of what is read (docs/reliability.md): FNV-1a 64
      std::uint64_t h = fnv_;
      const auto* p = reinterpret_cast<const unsigned char*>(dst);
      for (ssize_t i = 0; i < got; ++i) h = (h ^ p[i]) * 0x100000001b3ULL;
      fnv_ = h;
    }
    return static_cast<std::size_t>(got);
  }
}

void InputStream::drain() {
  std::vector<char> buf(std::size_t{1} << 16);
  while (read_raw(buf.data(), buf.size()) > 0) {
  }
}

// Accounting of freshly produced bytes: the size limit and the blank run.
void InputStream::check_output(const char* p, std::size_t n) {
  bytes_out_ += n;
  if (max_bytes_ != 0 && bytes_out_ > max_bytes_)
    fail_file(path_, "holds more than " + std::to_string(max_bytes_) +
                         " bytes (uncompressed), the limit set by --max-input-bytes (LoadOptions.max_input_bytes)");
  if (n == 0) return;
  auto blank = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
  std::size_t lead = 0;
  while (lead < n && blank(p[lead])) ++lead;
  if (lead == n) {
    blank_run_ += n;
  } else {
    blank_run_ += lead;
    if (blank_run_ <= kMaxBlankRun) {
      std::size_t tail = 0;
      while (tail < n && blank(p[n - 1 - tail])) ++tail;
      blank_run_ = tail;
      return;
    }
  }
  if (blank_run_ > kMaxBlankRun)
    fail_file(path_, "holds more than " + std::to_string(kMaxBlankRun >> 20) +
                         " MiB of whitespace in a row (after " + std::to_string(bytes_out_ - n + lead) +
                         " uncompressed bytes): not a snapshot");
}

std::string_view InputStream::peek(std::size_t n) {
  if (pending_at_ > 0) {
    pending_.erase(0, pending_at_);
    pending_at_ = 0;
  }
  while (pending_.size() < n) {
    const std::size_t have = pending_.size();
    pending_.resize(n);
    const std::size_t got = read_fresh(pending_.data() + have, n - have);
    pending_.resize(have + got);
    if (got == 0) break;
  }
  return std::string_view(pending_).substr(0, std::min(n, pending_.size()));
}

std::size_t InputStream::read(char* dst, std::size_t n) {
  if (n == 0) return 0;
  if (pending_at_ < pending_.size()) {
    const std::size_t k = std::min(n, pending_.size() - pending_at_);
    std::memcpy(dst, pending_.data() + pending_at_, k);
    pending_at_ += k;
    if (pending_at_ == pending_.size()) {
      pending_.clear();
      pending_.shrink_to_fit();
      pending_at_ = 0;
    }
    return k;
  }
  return read_fresh(dst, n);
}

std::size_t InputStream::read_fresh(char* dst, std::size_t n) {
  if (n == 0) return 0;
  if (!gzip_) {
    if (!zin_.empty()) {  // sniffed prefix
      const std::size_t k = std::min(n, zin_.size());
      std::memcpy(dst, zin_.data(), k);
      zin_.erase(zin_.begin(), zin_.begin() + static_cast<std::ptrdiff_t>(k));
      check_output(dst, k);
      return k;
    }
    const std::size_t got = read_raw(dst, n);
    check_output(dst, got);
    return got;
  }
  z_stream& s = z_->s;
  s.next_out = reinterpret_cast<Bytef*>(dst);
  s.avail_out = static_cast<uInt>(std::min<std::size_t>(n, 1u << 30));
  const uInt want = s.avail_out;
  while (s.avail_out == want) {
    if (s.avail_in == 0) {
      zin_.resize(buffer_size(std::size_t{1} << 20));
      const std::size_t got = read_raw(reinterpret_cast<char*>(zin_.data()), zin_.size());
      if (got == 0) {
        if (stream_end_) return 0;  // clean end after a complete member
        fail_file(path_, "truncated gzip: the compressed data ends before the end of the stream (after " +
                             std::to_string(bytes_out_) + " uncompressed bytes)");
      }
      s.next_in = zin_.data();
      s.avail_in = static_cast<uInt>(got);
    }
    if (stream_end_) {
      // Another gzip member follows (concatenated .gz files).
      if (inflateReset(&s) != Z_OK) fail_file(path_, "cannot restart gzip decompression");
      stream_end_ = false;
    }
    const int rc = inflate(&s, Z_NO_FLUSH);
    if (rc == Z_STREAM_END) {
      stream_end_ = true;
    } else if (rc == Z_BUF_ERROR) {
      continue;  // needs more input
    } else if (rc != Z_OK) {
      fail_file(path_, std::string("corrupt gzip data: ") + (s.msg != nullptr ? s.msg : "inflate failed") +
                           " (after " + std::to_string(bytes_out_) + " uncompressed bytes)");
    }
    if (stream_end_ && s.avail_out != want) break;
  }
  const std::size_t produced = want - s.avail_out;
  check_output(dst, produced);
  return produced;
}

BlockReader::BlockReader(InputStream& in, std::size_t target, std::size_t max_line)
    : in_(in), target_(target), max_line_(max_line) {
  target_ = in_.buffer_size(target_);  // a long line still grows the buffer
  bufs_[0].resize(target_ + 1);
}

bool BlockReader::next(char*& data, std::size_t& size, std::uint64_t& first_line, std::uint64_t& offset) {
  // Drop the bytes handed out last time; keep the partial line.
  if (double_ && started_) {
    // The partial line moves to the other buffer; the last block stays intact.
    std::vector<char>& old = bufs_[cur_];
    std::vector<char>& fresh = bufs_[1 - cur_];
    if (fresh.size() < old.size()) fresh.resize(old.size());
    const std::size_t keep = end_ - begin_;
    if (keep > 0) std::memcpy(fresh.data(), old.data() + begin_, keep);
    if (has_saved_ && keep > 0) fresh[0] = saved_;
    has_saved_ = false;
    cur_ = 1 - cur_;
    begin_ = 0;
    end_ = keep;
  }
  if (has_saved_) {
    buf()[begin_] = saved_;
    has_saved_ = false;
  }
  if (begin_ > 0) {
    std::memmove(buf().data(), buf().data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  for (;;) {
    // Fill up to target (or more, if a long line needs room).
    while (!eof_ && end_ < target_) {
      const std::size_t got = in_.read(buf().data() + end_, buf().size() - 1 - end_);
      if (got == 0) {
        eof_ = true;
        break;
      }
      end_ += got;
    }
    if (!started_) {
      started_ = true;
      if (end_ >= 3 && std::memcmp(buf().data(), "\xEF\xBB\xBF", 3) == 0) {
        begin_ = 3;
        offset_ = 3;
        std::memmove(buf().data(), buf().data() + 3, end_ - 3);
        end_ -= 3;
        begin_ = 0;
      }
    }
    if (end_ == 0) return false;
    std::size_t cut = end_;
    if (!eof_ && !raw_) {
      // Last newline in the buffer.
      const void* nl = ::memrchr(buf().data(), '\n', end_);
      if (nl == nullptr) {
        // One line fills the buffer: grow, up to the limit.
        if (end_ >= max_line_) {
          SourceLocation loc;
          loc.file = in_.path();
          loc.line = line_;
          throw InputError(std::move(loc), "line is longer than the limit of " + std::to_string(max_line_ >> 20) +
                                               " MiB (no newline found)");
        }
        buf().resize(std::min(buf().size() * 2, max_line_ + 1));
        target_ = std::max(target_, std::min(buf().size() - 1, max_line_));
        continue;
      }
      cut = static_cast<std::size_t>(static_cast<const char*>(nl) - buf().data()) + 1;
    } else if (eof_ && !raw_ && end_ > max_line_) {
      const char* last_nl = nullptr;
      for (std::size_t i = end_; i > 0; --i)
        if (buf()[i - 1] == '\n') {
          last_nl = &buf()[i - 1];
          break;
        }
      const std::size_t tail = last_nl == nullptr ? end_ : end_ - static_cast<std::size_t>(last_nl + 1 - buf().data());
      if (tail > max_line_) {
        SourceLocation loc;
        loc.file = in_.path();
        loc.line = line_ + static_cast<std::uint64_t>(count_newlines(buf().data(), buf().data() + end_ - tail));
        throw InputError(std::move(loc), "line is longer than the limit of " + std::to_string(max_line_ >> 20) + " MiB");
      }
    }
    data = buf().data();
    size = cut;
    saved_ = buf()[cut];  // the terminator borrows the next block's first byte
    has_saved_ = true;
    data[size] = '\0';
    first_line = line_;
    offset = offset_;
    if (!raw_) line_ += static_cast<std::uint64_t>(count_newlines(data, data + size));
    offset_ += size;
    begin_ = cut;
    return true;
  }
}

void report_progress(const LoadOptions& options, const InputStream& in) {
  if (options.cancel.cancelled()) throw Cancelled();
  if (options.progress) options.progress("load", in.bytes_in(), in.file_size());
}

}  // namespace hydrascope::io
