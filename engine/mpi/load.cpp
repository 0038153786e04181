// The distributed load of `mpirun -np P hydrascope run` (docs/scale.md):
// byte ranges or parts per rank, records checked where they are read, sent
// to the owners of their nodes (MPI_Alltoallv), numbered in the global order
// by their owners, then gathered to rank 0 (MPI_Gatherv), put back in input
// order and built there by the single-process loader, so that rank 0 holds
// exactly the snapshot that load_snapshot() makes (the stages after the load
// are not distributed yet). Both transfers go in rounds of a bounded number
// of bytes (HYDRASCOPE_MPI_ROUND_BYTES), every rank taking part in every
// round: no count comes near MPI's 2 GiB int limit, send buffers hold one
// round, and the records kept for rank 0 are freed block by block as sent.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <chrono>
#include <climits>
#include <cstring>
#include <optional>
#include <utility>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "hydrascope/mpi.hpp"

namespace hydrascope::mpi {

namespace {

enum : std::uint8_t { kHeader = 0, kNode = 1, kEdge = 2 };

// One input line in flight: where it came from and its text.
struct Rec {
  std::uint32_t unit = 0;    // part index (sharded) or 0 (one file)
  std::uint8_t kind = 0;     // kHeader, kNode, kEdge
  std::uint8_t primary = 1;  // the copy that goes to rank 0 (edges: the source owner's)
  std::uint64_t offset = 0;  // byte offset in the unit's uncompressed stream
  std::uint64_t line = 0;    // 1-based line in the unit
  std::string_view text;
  int owner = 0, owner2 = 0;  // not sent: the owners of the node, or of the edge's src and dst
};
constexpr std::size_t kRecHead = 4 + 1 + 1 + 8 + 8 + 8;
std::size_t packed_size(const Rec& r) { return kRecHead + r.text.size(); }

void put(std::string& out, const void* p, std::size_t n) { out.append(static_cast<const char*>(p), n); }
void pack(std::string& out, const Rec& r, std::uint8_t primary) {
  const std::uint64_t len = r.text.size();
  put(out, &r.unit, 4);
  put(out, &r.kind, 1);
  put(out, &primary, 1);
  put(out, &r.offset, 8);
  put(out, &r.line, 8);
  put(out, &len, 8);
  out.append(r.text);
}
// The record packed at `p` (its text views into the buffer).
Rec decode(const char* p) {
  Rec r;
  std::uint64_t len = 0;
  std::memcpy(&r.unit, p, 4);
  std::memcpy(&r.kind, p + 4, 1);
  std::memcpy(&r.primary, p + 5, 1);
  std::memcpy(&r.offset, p + 6, 8);
  std::memcpy(&r.line, p + 14, 8);
  std::memcpy(&len, p + 22, 8);
  r.text = std::string_view(p + kRecHead, len);
  return r;
}
// Calls f(p) for the start of every record packed in `buf`.
template <class F>
void for_each_start(std::string_view buf, F&& f) {
  std::size_t at = 0;
  while (at + kRecHead <= buf.size()) {
    std::uint64_t len = 0;
    std::memcpy(&len, buf.data() + at + 22, 8);
    f(buf.data() + at);
    at += kRecHead + len;
  }
}
// Calls f(rec) for every record packed in `buf`.
template <class F>
void for_each_packed(std::string_view buf, F&& f) {
  for_each_start(buf, [&](const char* p) { f(decode(p)); });
}

int to_int_count(std::uint64_t n, const char* what) {
  if (n > static_cast<std::uint64_t>(INT_MAX))
    throw std::runtime_error(std::string("mpirun: ") + what + " of " + std::to_string(n) +
                             " bytes is over MPI's 2 GiB count: set " + kRoundBytesVariable + " lower");
  return static_cast<int>(n);
}

// The records a rank holds for rank 0, in blocks of at most `cap` bytes (a
// record longer than that alone in its block): each gather round sends one
// block per rank and frees it.
struct Blocks {
  std::size_t cap = 0;
  std::vector<std::string> list;
  void add(const Rec& r) {
    const std::size_t n = packed_size(r);
    if (list.empty() || (!list.back().empty() && list.back().size() + n > cap)) {
      list.emplace_back();
      list.back().reserve(std::max(cap, n));  // pages are touched only as records are written
    }
    pack(list.back(), r, 1);
  }
};

// The fault hook of the round loops (tests/mpi/mpi_run_test.sh failures):
// HYDRASCOPE_FAULT=mpi-round:PHASE:ACTION, PHASE `shuffle` or `gather`,
// ACTION `kill` (SIGKILL) or `fail` (an error): the last rank does it at the
// middle round of that phase.
struct RoundFault {
  int phase = -1;  // 0 shuffle, 1 gather
  bool kill = false;
  std::string spec;
};
RoundFault round_fault() {
  RoundFault f;
  const char* v = std::getenv("HYDRASCOPE_FAULT");
  if (v == nullptr) return f;
  const std::string s = v;
  for (const char* phase : {"shuffle", "gather"})
    for (const char* action : {"kill", "fail"})
      if (s == std::string("mpi-round:") + phase + ":" + action) {
        f.phase = std::strcmp(phase, "shuffle") == 0 ? 0 : 1;
        f.kill = std::strcmp(action, "kill") == 0;
        f.spec = s;
      }
  return f;
}
void maybe_fault(const RoundFault& f, int phase, std::uint64_t round, std::uint64_t rounds, int rank, int size) {
  if (f.phase != phase || rank != size - 1 || round != rounds / 2) return;
  if (f.kill) std::raise(SIGKILL);
  throw std::runtime_error("HYDRASCOPE_FAULT=" + f.spec + ": rank " + std::to_string(rank) + " fails in round " +
                           std::to_string(round + 1) + " of " + std::to_string(rounds) + " of the " +
                           (phase == 0 ? "shuffle" : "gather"));
}

// Waits to be ended by the MPI_Abort of the rank that reports the error.
[[noreturn]] void wait_for_abort() {
  for (int i = 0; i < 60000; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::fprintf(stderr, "hydrascope: error: another rank failed and did not end the job\n");
  std::_Exit(1);
}

// Every rank calls it after a step that may have failed on some ranks: when
// any failed, the lowest failed rank rethrows its error (the caller aborts
// the job) and the others wait to be ended. `fix` adjusts the error first.
void settle(std::exception_ptr error, MPI_Comm comm) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  int mine = error ? rank : size, first = size;
  MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MIN, comm);
  if (first == size) return;
  if (first == rank) std::rethrow_exception(error);
  wait_for_abort();
}

std::uint64_t file_size(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw InputError(file_location(path), std::string("cannot open: ") + std::strerror(errno));
  return static_cast<std::uint64_t>(st.st_size);
}

// First line start at or after `pos` (a byte after a '\n', or 0, or the end).
std::uint64_t align_to_line(int fd, std::uint64_t pos, std::uint64_t size, const std::string& path) {
  if (pos == 0 || pos >= size) return std::min(pos, size);
  std::vector<char> buf(std::size_t{1} << 16);
  std::uint64_t at = pos - 1;
  while (at < size) {
    const ssize_t n = ::pread(fd, buf.data(), buf.size(), static_cast<off_t>(at));
    if (n <= 0) throw InputError(file_location(path), std::string("read error: ") + std::strerror(errno));
    if (const void* nl = std::memchr(buf.data(), '\n', static_cast<std::size_t>(n)); nl != nullptr)
      return at + static_cast<std::uint64_t>(static_cast<const char*>(nl) - buf.data()) + 1;
    at += static_cast<std::uint64_t>(n);
  }
  return size;
}

std::string read_range(const std::string& path, std::uint64_t begin, std::uint64_t end) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw InputError(file_location(path), std::string("cannot open: ") + std::strerror(errno));
  std::string out(end - begin, '\0');
  std::uint64_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::pread(fd, out.data() + done, out.size() - done, static_cast<off_t>(begin + done));
    if (n <= 0) {
      ::close(fd);
      throw InputError(file_location(path), std::string("read error: ") + std::strerror(errno));
    }
    done += static_cast<std::uint64_t>(n);
  }
  ::close(fd);
  return out;
}

// FNV-1a 64 of a whole file, as load_snapshot's checksum of a plain file.
std::uint64_t file_fnv(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw InputError(file_location(path), std::string("cannot open: ") + std::strerror(errno));
  std::vector<unsigned char> buf(std::size_t{4} << 20);
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (;;) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0) {
      ::close(fd);
      throw InputError(file_location(path), std::string("read error: ") + std::strerror(errno));
    }
    if (n == 0) break;
    for (ssize_t i = 0; i < n; ++i) {
      h ^= buf[static_cast<std::size_t>(i)];
      h *= 0x100000001b3ULL;
    }
  }
  ::close(fd);
  return h;
}

std::string fnv_text(std::uint64_t h) {
  char b[32];
  std::snprintf(b, sizeof b, "fnv1a64:%016llx", static_cast<unsigned long long>(h));
  return b;
}

// One stretch of input this rank reads: a whole part, or its byte range of the file.
// A byte range of one file is read in pieces of whole lines (one Unit each,
// `continues` the one before), so that each piece can be freed as soon as
// its records are sent.
struct Unit {
  std::uint32_t index = 0;
  std::string file;
  std::string text;
  std::uint64_t offset = 0;  // of text[0] in the unit's stream
  bool header_first = false; // its first non-blank line is a header
  bool continues = false;    // the same file as the unit before: lines and the header state go on
  std::size_t end_rec = 0;   // recs holds this unit's records before this index
};

}  // namespace

std::uint64_t parse_round_bytes(std::string_view text) {
  std::uint64_t v = 0;
  std::size_t i = 0;
  bool ok = !text.empty();
  for (; ok && i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    v = v * 10 + static_cast<std::uint64_t>(text[i] - '0');
    if (v > kMaxRoundBytes) ok = false;
  }
  ok = ok && i > 0;
  if (ok && i < text.size()) {
    const char u = text[i] | 0x20;
    const int shift = u == 'k' ? 10 : u == 'm' ? 20 : u == 'g' ? 30 : -1;
    if (shift < 0 || i + 1 != text.size()) ok = false;
    else v <<= shift;
  }
  if (!ok || v < kMinRoundBytes || v > kMaxRoundBytes)
    throw std::invalid_argument(std::string(kRoundBytesVariable) + "=" + std::string(text) +
                                ": want a number of bytes from 1024 (1k) to 1073741824 (1g), with an optional k, m or g");
  return v;
}

void sleeping_barrier(MPI_Comm comm) {
  MPI_Request req;
  MPI_Ibarrier(comm, &req);
  for (;;) {
    int done = 0;
    MPI_Test(&req, &done, MPI_STATUS_IGNORE);
    if (done) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

Snapshot load_snapshot(const std::string& path, const LoadOptions& options, LoadReport* report, MPI_Comm comm,
                       LoadStats* stats) {
  const auto t0 = std::chrono::steady_clock::now();
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  LoadStats st;

  // --- what to read ----------------------------------------------------------
  bool sharded = false, ranges = false;
  SnapshotManifest manifest;
  std::uint64_t fsize = 0;
  std::uint64_t budget = kDefaultRoundBytes;
  {
    std::exception_ptr err;
    try {
      if (const char* v = std::getenv(kRoundBytesVariable); rank == 0 && v != nullptr) budget = parse_round_bytes(v);
      sharded = options.format != SnapshotFormat::CsvPair && is_sharded_snapshot(path);
      if (sharded) {
        manifest = read_manifest(path);
      } else {
        const SnapshotFormat f = options.format == SnapshotFormat::Auto ? detect_format(path) : options.format;
        struct stat sb {};
        ranges = f == SnapshotFormat::Ndjson && ::stat(path.c_str(), &sb) == 0 && S_ISREG(sb.st_mode) &&
                 !is_gzip_file(path);
        if (ranges) fsize = file_size(path);
      }
    } catch (...) {
      err = std::current_exception();  // usually the same on every rank: the lowest one reports it
    }
    settle(err, comm);
  }
  MPI_Bcast(&budget, 1, MPI_UINT64_T, 0, comm);  // rank 0's budget, whatever the others' environment says
  st.round_bytes = budget;
  if (!sharded && !ranges) {  // JSON, CSV, edge lists, .hsnap, gzip, pipes: rank 0 reads it alone
    if (stats != nullptr) *stats = st;
    if (rank == 0) return hydrascope::load_snapshot(path, options, report);
    return Snapshot{};
  }
  st.distributed = true;

  // --- this rank's units, read and checked line by line -------------------------
  std::vector<Unit> units;
  std::vector<Rec> recs;
  std::uint64_t newlines = 0, nodes = 0, edges = 0, bytes_out = 0;
  std::exception_ptr err;
  std::optional<InputError> parse_error;
  try {
    if (sharded) {
      for (std::size_t i = static_cast<std::size_t>(rank); i < manifest.parts.size(); i += static_cast<std::size_t>(size)) {
        verify_part(manifest, i);
        Unit u;
        u.index = static_cast<std::uint32_t>(i);
        u.file = manifest.part_path(i);
        u.text = read_input_file(u.file, options.max_input_bytes);
        u.header_first = true;
        units.push_back(std::move(u));
      }
    } else {
      const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) throw InputError(file_location(path), std::string("cannot open: ") + std::strerror(errno));
      const auto P = static_cast<std::uint64_t>(size), r = static_cast<std::uint64_t>(rank);
      std::uint64_t b = 0, e = 0;
      try {
        b = align_to_line(fd, fsize * r / P, fsize, path);
        e = align_to_line(fd, fsize * (r + 1) / P, fsize, path);
      } catch (...) {
        ::close(fd);
        throw;
      }
      // Pieces of at most about min(budget, 16 MiB), cut at line starts.
      const std::uint64_t piece = std::min<std::uint64_t>(budget, std::uint64_t{16} << 20);
      try {
        for (std::uint64_t at = b; at < e;) {
          const std::uint64_t next = std::min(e, align_to_line(fd, std::min(e, at + piece), fsize, path));
          Unit u;
          u.file = path;
          u.offset = at;
          u.text = read_range(path, at, next);
          u.header_first = rank == 0 && at == b;
          u.continues = at != b;
          if (rank == 0 && at == 0 && u.text.compare(0, 3, "\xEF\xBB\xBF") == 0) {  // a byte-order mark, as the loader skips it
            u.text.erase(0, 3);
            u.offset = 3;
          }
          units.push_back(std::move(u));
          at = next;
        }
      } catch (...) {
        ::close(fd);
        throw;
      }
      ::close(fd);
    }
    std::uint64_t line = 0, unit_nodes = 0, unit_edges = 0;
    bool want_header = false;
    for (Unit& u : units) {
      bytes_out += u.text.size();
      if (!u.continues) {
        line = unit_nodes = unit_edges = 0;
        want_header = u.header_first;
      }
      std::size_t at = 0;
      const std::string_view text = u.text;
      while (at < text.size()) {
        std::size_t eol = text.find('\n', at);
        const bool has_nl = eol != std::string_view::npos;
        if (!has_nl) eol = text.size();
        ++line;
        if (has_nl) ++newlines;
        const std::string_view l = text.substr(at, eol - at);
        const std::uint64_t off = u.offset + at;
        at = eol + 1;
        try {
          const CheckedLine c = check_ndjson_line(l, want_header, u.file, line,
                                                  sharded ? unit_nodes : nodes, sharded ? unit_edges : edges);
          if (c.kind == CheckedLine::Kind::Blank) continue;
          Rec rec;
          rec.unit = u.index;
          rec.offset = off;
          rec.line = line;
          rec.text = l;
          if (c.kind != CheckedLine::Kind::Header) {
            rec.owner = owner_of(c.a, size);
            rec.owner2 = c.kind == CheckedLine::Kind::Edge ? owner_of(c.b, size) : rec.owner;
          }
          if (c.kind == CheckedLine::Kind::Header) {
            want_header = false;
            rec.kind = kHeader;
          } else if (c.kind == CheckedLine::Kind::Node) {
            rec.kind = kNode;
            ++nodes;
            ++unit_nodes;
          } else {
            rec.kind = kEdge;
            ++edges;
            ++unit_edges;
          }
          recs.push_back(rec);
        } catch (const InputError& e) {
          parse_error = e;
          throw;
        }
      }
      if (want_header && sharded)  // a part with no header line, as the loader says it
        throw InputError(file_location(u.file), "has no header line (the file is empty)");
      u.end_rec = recs.size();
    }
    st.lines_parsed = recs.size();
  } catch (const InputError& e) {
    if (!parse_error) parse_error = e;
    err = std::current_exception();
  } catch (...) {
    err = std::current_exception();
  }
  // One file in ranges: lines and record indices continue from the ranks before.
  std::uint64_t mine[3] = {newlines, nodes, edges}, before[3] = {0, 0, 0};
  MPI_Exscan(mine, before, 3, MPI_UINT64_T, MPI_SUM, comm);
  if (rank == 0) before[0] = before[1] = before[2] = 0;
  if (parse_error && !sharded) {
    SourceLocation loc = parse_error->where();
    if (loc.file == path && loc.line > 0) loc.line += before[0];
    if (loc.record_index != kNoPosition) loc.record_index += loc.record_kind == "node" ? before[1] : loc.record_kind == "edge" ? before[2] : 0;
    err = std::make_exception_ptr(InputError(std::move(loc), parse_error->message()));
  }
  settle(err, comm);
  if (!sharded)
    for (Rec& r : recs) r.line += before[0];

  // --- records to the owners of their nodes, in rounds ----------------------------
  // The copies each destination gets, as indices into recs grouped by
  // destination (an edge goes to both endpoint owners; the copy at the
  // source's owner is the primary one, the one rank 0 gets).
  const auto P = static_cast<std::size_t>(size), me = static_cast<std::size_t>(rank);
  if (recs.size() > UINT32_MAX)
    throw std::runtime_error("mpirun: rank " + std::to_string(rank) + " read " + std::to_string(recs.size()) +
                             " records, over 2^32 - 1: run with more ranks");
  std::vector<std::uint64_t> dfirst(P + 1, 0);
  for (const Rec& r : recs) {
    ++dfirst[static_cast<std::size_t>(r.owner) + 1];
    if (r.kind == kEdge && r.owner2 != r.owner) ++dfirst[static_cast<std::size_t>(r.owner2) + 1];
  }
  for (std::size_t d = 0; d < P; ++d) dfirst[d + 1] += dfirst[d];
  std::vector<std::uint32_t> copies(dfirst[P]);
  {
    std::vector<std::uint64_t> at(dfirst.begin(), dfirst.end() - 1);
    for (std::size_t i = 0; i < recs.size(); ++i) {
      const Rec& r = recs[i];
      copies[at[static_cast<std::size_t>(r.owner)]++] = static_cast<std::uint32_t>(i);
      if (r.kind == kEdge && r.owner2 != r.owner) copies[at[static_cast<std::size_t>(r.owner2)]++] = static_cast<std::uint32_t>(i);
    }
  }
  // What an owner does with a record it gets: its node id for the global
  // numbering, and the primary copies kept for rank 0 in blocks.
  const std::uint64_t cap = std::max<std::uint64_t>(1, budget / P);  // bytes per destination per round
  Blocks keep;
  keep.cap = static_cast<std::size_t>(cap);
  std::vector<std::string> owned;
  auto take = [&](const Rec& r) {
    if (r.kind == kNode) {
      owned.push_back(check_ndjson_line(r.text, false, path, r.line, 0, 0).a);
      ++st.owned_nodes;
    } else if (r.kind == kEdge) {
      ++st.edge_copies;
    }
    if (r.primary) keep.add(r);
  };
  // The end of the round that starts at copy `from` of destination d: at
  // most `cap` bytes, at least one record.
  auto round_end = [&](std::size_t d, std::uint64_t from) {
    std::uint64_t bytes = 0, i = from;
    for (; i < dfirst[d + 1]; ++i) {
      const std::uint64_t n = packed_size(recs[copies[i]]);
      if (i > from && bytes + n > cap) break;
      bytes += n;
    }
    return i;
  };
  std::vector<std::uint64_t> next(dfirst.begin(), dfirst.end() - 1);  // per destination: its first copy not yet sent
  // This rank's own records need no transfer: a round's worth at a time, in
  // step with the others.
  auto take_own = [&] {
    const std::uint64_t end = round_end(me, next[me]);
    for (std::uint64_t i = next[me]; i < end; ++i) {
      Rec r = recs[copies[i]];
      r.primary = r.owner == rank ? 1 : 0;
      take(r);
    }
    next[me] = end;
  };
  // Frees the pieces of text whose records are all sent (every destination's
  // next copy comes after them).
  std::size_t freed = 0;
  auto release = [&] {
    std::size_t low = recs.size();
    for (std::size_t d = 0; d < P; ++d)
      if (next[d] < dfirst[d + 1]) low = std::min<std::size_t>(low, copies[next[d]]);
    for (; freed < units.size() && units[freed].end_rec <= low; ++freed) std::string().swap(units[freed].text);
  };
  const RoundFault fault = round_fault();
  {
    std::uint64_t mine = 0, rounds = 0;
    for (std::size_t d = 0; d < P; ++d) {
      if (d == me) continue;
      std::uint64_t n = 0;
      for (std::uint64_t i = dfirst[d]; i < dfirst[d + 1]; i = round_end(d, i)) ++n;
      mine = std::max(mine, n);
    }
    MPI_Allreduce(&mine, &rounds, 1, MPI_UINT64_T, MPI_MAX, comm);
    st.shuffle_rounds = rounds;
    std::vector<int> scount(P, 0), rcount(P, 0), sdispl(P, 0), rdispl(P, 0);
    std::string sbuf, rbuf;
    sbuf.reserve(static_cast<std::size_t>(budget));  // no regrowth in the common case (pages are touched as written)
    for (std::uint64_t round = 0; round < rounds; ++round) {
      maybe_fault(fault, 0, round, rounds, rank, size);
      sbuf.clear();
      for (std::size_t d = 0; d < P; ++d) {
        sdispl[d] = to_int_count(sbuf.size(), "a round's sends");
        if (d != me) {
          const std::uint64_t end = round_end(d, next[d]);
          for (std::uint64_t i = next[d]; i < end; ++i) {
            const Rec& r = recs[copies[i]];
            pack(sbuf, r, static_cast<std::size_t>(r.owner) == d ? 1 : 0);
          }
          next[d] = end;
        }
        scount[d] = to_int_count(sbuf.size() - static_cast<std::size_t>(sdispl[d]), "a round's sends");
      }
      MPI_Alltoall(scount.data(), 1, MPI_INT, rcount.data(), 1, MPI_INT, comm);
      std::uint64_t rtotal = 0;
      for (std::size_t d = 0; d < P; ++d) {
        rdispl[d] = to_int_count(rtotal, "a round's receives");
        rtotal += static_cast<std::uint64_t>(rcount[d]);
      }
      rbuf.resize(static_cast<std::size_t>(to_int_count(rtotal, "a round's receives")));
      MPI_Alltoallv(sbuf.data(), scount.data(), sdispl.data(), MPI_BYTE, rbuf.data(), rcount.data(), rdispl.data(),
                    MPI_BYTE, comm);
      for (std::size_t d = 0; d < P; ++d)
        for_each_packed(std::string_view(rbuf).substr(static_cast<std::size_t>(rdispl[d]), static_cast<std::size_t>(rcount[d])), take);
      take_own();
      release();
    }
  }
  while (next[me] < dfirst[me + 1]) {  // what is left of this rank's own records (all of them when P = 1)
    take_own();
    release();
  }
  // Every line is sent: the texts and the records in flight are freed.
  std::vector<Rec>().swap(recs);
  std::vector<std::uint32_t>().swap(copies);
  units.clear();
  units.shrink_to_fit();

  // --- the owners: their ids in the global order ----------------------------------
  std::sort(owned.begin(), owned.end());
  owned.erase(std::unique(owned.begin(), owned.end()), owned.end());  // a duplicate id is rank 0's error, below
  (void)global_ids(owned, comm, &st.global_nodes);
  std::vector<std::string>().swap(owned);

  // --- gathered to rank 0 in rounds (one block per rank and round, freed as sent) ----
  std::vector<std::string> got;  // rank 0: the blocks of the other ranks
  {
    const std::uint64_t mine = rank == 0 ? 0 : keep.list.size();
    std::uint64_t rounds = 0;
    MPI_Allreduce(&mine, &rounds, 1, MPI_UINT64_T, MPI_MAX, comm);
    st.gather_rounds = rounds;
    std::vector<int> gcounts(P, 0), gdispl(P, 0);
    for (std::uint64_t round = 0; round < rounds; ++round) {
      maybe_fault(fault, 1, round, rounds, rank, size);
      std::string* block = rank != 0 && round < keep.list.size() ? &keep.list[round] : nullptr;
      const int n = block != nullptr ? to_int_count(block->size(), "a gather round's block") : 0;
      MPI_Gather(&n, 1, MPI_INT, gcounts.data(), 1, MPI_INT, 0, comm);
      std::uint64_t total = 0;
      if (rank == 0)
        for (std::size_t d = 0; d < P; ++d) {
          gdispl[d] = to_int_count(total, "a gather round");
          total += static_cast<std::uint64_t>(gcounts[d]);
        }
      std::string buf(static_cast<std::size_t>(to_int_count(total, "a gather round")), '\0');
      MPI_Gatherv(block != nullptr ? block->data() : nullptr, n, MPI_BYTE, buf.data(), gcounts.data(), gdispl.data(),
                  MPI_BYTE, 0, comm);
      if (block != nullptr) std::string().swap(*block);
      if (!buf.empty()) got.push_back(std::move(buf));
    }
  }
  std::uint64_t bytes_sum = 0;
  MPI_Reduce(&bytes_out, &bytes_sum, 1, MPI_UINT64_T, MPI_SUM, 0, comm);
  if (stats != nullptr) *stats = st;
  if (rank != 0) return Snapshot{};

  // Every record by where it starts in the blocks (8 bytes each), sorted by (part, offset).
  std::vector<const char*> in;
  for (const std::vector<std::string>* list : {&keep.list, &got})
    for (const std::string& b : *list) for_each_start(b, [&](const char* p) { in.push_back(p); });
  auto key = [](const char* p) {
    std::uint32_t unit = 0;
    std::uint64_t offset = 0;
    std::memcpy(&unit, p, 4);
    std::memcpy(&offset, p + 6, 8);
    return std::pair{unit, offset};
  };
  std::sort(in.begin(), in.end(), [&](const char* a, const char* b) { return key(a) < key(b); });
  const std::size_t nunits = sharded ? manifest.parts.size() : 1;
  auto unit_file = [&](std::uint32_t u) { return sharded ? manifest.part_path(u) : path; };
  // Headers: every part has one, equal to the first part's.
  std::vector<std::optional<Rec>> header(nunits);
  for (const char* p : in)
    if (const Rec r = decode(p); r.kind == kHeader && !header[r.unit]) header[r.unit] = r;
  SnapshotMeta first;
  for (std::size_t u = 0; u < nunits; ++u) {
    if (!header[u]) throw InputError(file_location(unit_file(static_cast<std::uint32_t>(u))), "has no header line (the file is empty)");
    const CheckedLine c = check_ndjson_line(header[u]->text, true, unit_file(static_cast<std::uint32_t>(u)), header[u]->line, 0, 0);
    if (u == 0) {
      first = c.meta;
    } else if (!(c.meta == first)) {
      SourceLocation loc = file_location(unit_file(static_cast<std::uint32_t>(u)), header[u]->line);
      loc.record_kind = "header";
      throw InputError(std::move(loc), "differs from the first part's header (every part of a sharded snapshot has the same header)");
    }
  }
  // One NDJSON stream in input order; line k + 2 is record k.
  // Written straight into an anonymous memory file (no second copy of the
  // stream in the process), 4 MiB at a time.
  const int fd = ::memfd_create("hydrascope-gathered", MFD_CLOEXEC);
  if (fd < 0) throw std::runtime_error(std::string("memfd_create: ") + std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  std::string text;
  auto flush = [&] {
    for (std::size_t done = 0; done < text.size();) {
      const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
      if (n <= 0) throw std::runtime_error(std::string("writing the gathered snapshot: ") + std::strerror(errno));
      done += static_cast<std::size_t>(n);
    }
    text.clear();
  };
  text.reserve(std::size_t{4} << 20);
  text.append(header[0]->text);
  text += '\n';
  // Where line k + 2 of the stream came from (unit, line), for errors: the
  // records themselves are freed before the build.
  struct Origin {
    std::uint32_t unit;
    std::uint64_t line;
  };
  std::vector<Origin> by_line;
  by_line.reserve(in.size());
  std::vector<std::uint64_t> node_base(nunits, 0), edge_base(nunits, 0);
  {
    std::uint64_t n = 0, m = 0;
    std::uint32_t cur = UINT32_MAX;
    for (const char* p : in) {
      const Rec r = decode(p);
      if (r.kind == kHeader) continue;
      if (r.unit != cur) {
        cur = r.unit;
        node_base[cur] = n;
        edge_base[cur] = m;
      }
      (r.kind == kNode ? n : m) += 1;
      text += r.text;
      text += '\n';
      by_line.push_back(Origin{r.unit, r.line});
      if (text.size() >= (std::size_t{4} << 20)) flush();
    }
    flush();
  }
  std::string().swap(text);
  std::vector<const char*>().swap(in);  // into the blocks, freed with them
  std::vector<std::string>().swap(keep.list);
  std::vector<std::string>().swap(got);
  const std::string mem = "/proc/self/fd/" + std::to_string(fd);
  LoadOptions lo = options;
  lo.format = SnapshotFormat::Ndjson;
  lo.checksum = false;
  lo.max_input_bytes = 0;
  lo.progress = {};
  LoadReport rep;
  Snapshot s;
  try {
    s = hydrascope::load_snapshot(mem, lo, &rep);
  } catch (const InputError& e) {
    SourceLocation loc = e.where();
    if (loc.file != mem) throw;
    if (loc.line >= 2 && loc.line - 2 < by_line.size()) {
      const Origin& r = by_line[loc.line - 2];
      loc.file = unit_file(r.unit);
      loc.line = r.line;
      if (sharded && loc.record_index != kNoPosition) {
        if (loc.record_kind == "node") loc.record_index -= node_base[r.unit];
        if (loc.record_kind == "edge") loc.record_index -= edge_base[r.unit];
      }
    } else {
      loc.file = sharded ? manifest.folder : path;
    }
    throw InputError(std::move(loc), e.message());
  }
  // The report load_snapshot(path) gives.
  LoadReport out_rep;
  out_rep.format = SnapshotFormat::Ndjson;
  out_rep.records = rep.records;
  out_rep.merged_edges = rep.merged_edges;
  if (sharded) {
    std::uint64_t raw = manifest.manifest_bytes;
    for (std::size_t i = 0; i < manifest.parts.size(); ++i) {
      raw += manifest.parts[i].bytes;
      out_rep.gzip = out_rep.gzip || is_gzip_file(manifest.part_path(i));
    }
    out_rep.input_bytes = raw;
    out_rep.bytes_read = bytes_sum;
    if (options.checksum) out_rep.checksum = manifest.checksum;
  } else {
    out_rep.input_bytes = fsize;
    out_rep.bytes_read = fsize;
    if (options.checksum) out_rep.checksum = fnv_text(file_fnv(path));
  }
  out_rep.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (report != nullptr) *report = out_rep;
  return s;
}

}  // namespace hydrascope::mpi
