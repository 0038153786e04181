// StringPool: interned strings in one contiguous buffer (no std::string per
// node). Used for node ids, type names, attr keys and attr string values.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hydrascope/column.hpp"

namespace hydrascope {

/// Interns byte strings. Ids are dense (0..size-1) in order of first intern.
/// Invariants: bytes_[offsets_[i] .. offsets_[i+1]) is string i; the hash
/// index holds every id exactly once, at a load factor of at most 1/2.
/// Memory: bytes + 8 B/string + 16-32 B/string of index.
class StringPool {
 public:
  static constexpr std::uint32_t kNotFound = 0xFFFFFFFFu;

  StringPool();
  /// A pool of `offsets.size() - 1` strings: string i is
  /// bytes[offsets[i] .. offsets[i+1]) (the caller has checked offsets[0] == 0,
  /// monotone, last == bytes.size()). Builds the index; `duplicate` (when
  /// given) receives the first id whose string equals an earlier one's, or
  /// kNotFound. For the binary snapshot reader.
  [[nodiscard]] static StringPool from_parts(Column<char> bytes, Column<std::uint64_t> offsets,
                                             std::uint32_t* duplicate = nullptr);
  /// The same pool (bytes and offsets may be views into a mapped file)
  /// without building the index now: the first find() builds it (once,
  /// thread-safe; copies of the pool share it). The caller has checked the
  /// strings unique. For the binary snapshot reader.
  [[nodiscard]] static StringPool from_parts_lazy(Column<char> bytes, Column<std::uint64_t> offsets);
  /// The whole byte buffer and the size() + 1 offsets (for the binary snapshot writer).
  [[nodiscard]] std::span<const char> bytes() const noexcept { return bytes_; }
  [[nodiscard]] std::span<const std::uint64_t> offsets() const noexcept { return offsets_; }
  /// Returns the id of `s`, adding it if new.
  std::uint32_t intern(std::string_view s);
  /// intern() with `hash` = hash_id(s) already computed.
  std::uint32_t intern(std::string_view s, std::uint64_t hash);
  /// Starts loading the index slot of a string with this hash_id() into
  /// the cache (a hint before intern(s, hash); the result is unaffected).
  void prefetch(std::uint64_t hash) const noexcept {
    if (!slots_.empty()) __builtin_prefetch(slots_.data() + (hash & mask_));
  }
  /// Appends `s` without interning (may duplicate); find() will not see it
  /// unless rebuild_index() is called.
  std::uint32_t append(std::string_view s);
  [[nodiscard]] std::uint32_t find(std::string_view s) const noexcept;
  [[nodiscard]] std::string_view get(std::uint32_t id) const noexcept {
    return {bytes_.data() + offsets_[id], static_cast<std::size_t>(offsets_[id + 1] - offsets_[id])};
  }
  [[nodiscard]] std::uint32_t size() const noexcept { return static_cast<std::uint32_t>(offsets_.size() - 1); }
  /// Bytes of all strings together.
  [[nodiscard]] std::size_t byte_size() const noexcept { return bytes_.size(); }
  /// Heap bytes: owned strings, offsets and the index (built or not yet).
  [[nodiscard]] std::size_t memory_bytes() const noexcept;
  /// Bytes of strings and offsets viewed in a mapped file (not heap).
  [[nodiscard]] std::size_t mapped_bytes() const noexcept { return bytes_.viewed_bytes() + offsets_.viewed_bytes(); }
  void reserve(std::size_t strings, std::size_t bytes);
  /// Puts the strings in a new order: string i becomes new_to_old[i]'s
  /// string, and old_to_new is the inverse (both permutations of 0..size-1).
  /// The index is renumbered in place, nothing is hashed again.
  void reorder(std::span<const std::uint32_t> new_to_old, std::span<const std::uint32_t> old_to_new);
  /// Rebuilds the hash index over all strings (after append()).
  void rebuild_index();
  /// Drops the hash index (find() becomes unavailable) to save memory.
  void drop_index();
  void shrink_to_fit();

  friend bool operator==(const StringPool& a, const StringPool& b) noexcept {
    return a.offsets_ == b.offsets_ && a.bytes_ == b.bytes_;
  }

 private:
  /// Grows the index to hold `strings` strings at load <= 1/2 (never shrinks).
  void index_capacity(std::size_t strings);
  /// Before a change: a lazily indexed pool gets its own eager index.
  void detach();
  struct LazyIndex;
  Column<char> bytes_;
  Column<std::uint64_t> offsets_;  // size()+1 entries
  // Set by from_parts_lazy(): the index, built by the first find() (then
  // slots_ stays empty). Shared by copies, which see the same strings.
  std::shared_ptr<LazyIndex> lazy_;
  // Open addressing; each slot packs (hash tag << 32 | id), kEmptySlot when
  // free. The tag (high 32 bits of the hash) lets a probe skip other strings
  // without touching their bytes.
  std::vector<std::uint64_t> slots_;
  std::uint64_t mask_ = 0;
};

/// 64-bit hash of a byte string (stable across runs and platforms). Not
/// for hash tables keyed by input: anyone can compute it, so an input can be
/// made of strings that all collide (hash flooding); use hash_id() there.
[[nodiscard]] std::uint64_t hash_bytes(std::string_view s) noexcept;

/// Keyed 64-bit hash of a byte string for hash tables whose keys come from
/// input (node ids, names): SipHash-1-3 (Aumasson and Bernstein 2012) under a
/// key drawn at random once per process, so that no input can be made to
/// collide. Values differ between processes: they only place entries, and
/// nothing written depends on them (StringPool ids follow first-intern
/// order). docs/reliability.md has the flood benchmark.
[[nodiscard]] std::uint64_t hash_id(std::string_view s) noexcept;
/// The same for a 64-bit integer key (packed pairs of node numbers).
[[nodiscard]] std::uint64_t hash_id(std::uint64_t x) noexcept;

/// Appends `s` as one RFC 4180 CSV field: quoted (quotes doubled) when it
/// holds a comma, quote, CR or LF, or starts or ends with a space (kept
/// verbatim by the quoting); as it is otherwise.
void append_csv_field(std::string& out, std::string_view s);

/// Streams the RFC 4180 records of a file (quoted fields may hold commas,
/// quotes and line breaks; LF, CRLF or CR line ends) to f(line of the
/// record's start, fields). Blank lines are skipped. InputError naming the
/// file and line on a stray or unterminated quote, or when it cannot be read.
void for_each_csv_record(const std::string& path,
                         const std::function<void(std::uint64_t, std::vector<std::string>&)>& f);

// CSV formula injection (OWASP "CSV Injection"): a spreadsheet runs a cell
// that starts with = + - @ (or TAB / CR before one) as a formula. Where each
// of hydrascope's CSV files stands is in docs/reliability.md ("CSV and
// spreadsheets"): analyst tables (accounts.csv, detect's and score's CSV)
// are written with append_sheet_cell, data files (nodes.csv, edges.csv,
// Neo4j CSV, accounts.txt) exactly unless `--csv-guard all`.

/// True when `s` starts with =, @, TAB or CR, or with + or - and is not a
/// plain number (`-5`, `+1.5e3` are numbers, not formulas).
[[nodiscard]] bool csv_formula_risk(std::string_view s);
/// Appends `s` as an analyst-table cell: a leading `'` is added when `s`
/// starts with `'` (always, so that the encoding can be undone) or, with
/// `formula_guard`, when csv_formula_risk(s); then RFC 4180 quoting.
void append_sheet_cell(std::string& out, std::string_view s, bool formula_guard = true);
/// The text of an analyst-table cell: one leading `'` removed (the inverse
/// of append_sheet_cell; what eval, export --run and report read).
[[nodiscard]] std::string_view sheet_cell_text(std::string_view cell) noexcept;
/// Appends `s` as a data-file cell under `--csv-guard all`: `'` + s when
/// csv_formula_risk(s) (not undone by the snapshot reader), then quoting.
void append_guarded_csv_field(std::string& out, std::string_view s);

}  // namespace hydrascope
