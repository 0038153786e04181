// Errors as values with a place: every bad-input error names the file, the
// line or byte offset, the record and the field (house rule 3).
#pragma once

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

namespace hydrascope {

inline constexpr std::uint64_t kNoPosition = std::numeric_limits<std::uint64_t>::max();

/// Where in an input a problem is. Unknown parts stay at their defaults and
/// are left out of the message.
struct SourceLocation {
  std::string file;                          ///< path as the user gave it
  std::uint64_t line = 0;                    ///< 1-based line (NDJSON, CSV, edge list); 0 = unknown
  std::uint64_t byte_offset = kNoPosition;   ///< 0-based byte offset (JSON); kNoPosition = unknown
  std::string record_kind;                   ///< "node", "edge", "header", "row", ...
  std::uint64_t record_index = kNoPosition;  ///< 0-based index of the record of that kind
  std::string record_id;                     ///< id of the node, or "src -> dst" of the edge
  std::string field;                         ///< offending key / column
};

/// The place `file` (line `line`, 0 = unknown; `field`, empty = none), for
/// errors about a whole file or one line of it.
[[nodiscard]] inline SourceLocation file_location(const std::string& file, std::uint64_t line = 0, std::string field = {}) {
  SourceLocation w;
  w.file = file;
  w.line = line;
  w.field = std::move(field);
  return w;
}

/// Bad input data. what() reads, for example:
///   `snap.ndjson:17: edge #15 (a:1 -> ip:9), field "weight": must be a positive finite number, got -3`
class InputError : public std::runtime_error {
 public:
  InputError(SourceLocation where, std::string message);
  [[nodiscard]] const SourceLocation& where() const noexcept { return where_; }
  [[nodiscard]] const std::string& message() const noexcept { return message_; }

 private:
  SourceLocation where_;
  std::string message_;
};

/// A resource limit set by the caller was reached (LoadOptions::max_memory_bytes,
/// `--max-memory`): the work stopped before using more. The CLI's exit code 4.
class ResourceLimitError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Formats a location and message the way InputError::what() does.
[[nodiscard]] std::string format_error(const SourceLocation& where, const std::string& message);

}  // namespace hydrascope
