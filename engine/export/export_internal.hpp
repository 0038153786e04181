// Private helpers of the export module: escaping for each output syntax,
// number and time text, the accounts.csv row shared by accounts.csv and the
// run attributes of subgraph exports.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hydrascope/export.hpp"

namespace hydrascope::exp {

/// FNV-1a 64-bit of the bytes.
[[nodiscard]] std::uint64_t fnv1a64(std::string_view bytes) noexcept;
/// 16 lower-case hex digits.
[[nodiscard]] std::string hex16(std::uint64_t v);

/// `s` as valid UTF-8: each invalid sequence becomes U+FFFD; with `xml`,
/// code points XML 1.0 forbids (controls other than tab, LF, CR; U+FFFE,
/// U+FFFF) also become U+FFFD. Sets `changed` when anything was replaced.
[[nodiscard]] std::string clean_utf8(std::string_view s, bool xml, bool& changed);

/// A node id as an XML or DOT identifier: the id itself when it is clean
/// (clean_utf8 changed nothing), otherwise the cleaned text + "#" + its hash,
/// so that distinct ids stay distinct.
[[nodiscard]] std::string clean_id(std::string_view id, bool xml);

/// Appends `s` for an XML attribute value or text: clean_utf8(xml), then the
/// five entities, and tab / LF / CR as character references (so that parsers
/// do not normalise them away).
void append_xml(std::string& out, std::string_view s);

/// Appends `s` as a double-quoted DOT string: cleaned as for XML (Graphviz
/// copies text into SVG), `"` and `\` escaped with a backslash, `&` as `&amp;`
/// (Graphviz decodes entities in labels), LF and CR as `\n` / `\r`.
void append_dot(std::string& out, std::string_view s);

/// Appends `s` as one RFC 4180 field (quoted when it holds a comma, quote, CR,
/// LF, or starts / ends with a blank).
void append_csv(std::string& out, std::string_view s);

/// Shortest round-trip text of a double (finite; "0" otherwise).
void append_double(std::string& out, double v);

/// The accounts.csv header after `account_id` for these columns, and the cells
/// of account v's row after its id (exactly as written to accounts.csv).
[[nodiscard]] std::vector<std::string> account_header(const AccountColumns& columns, std::size_t num_nodes);
void account_cells(const Snapshot& s, const Partition& partition, const ScoringResult& scoring,
                   const AccountColumns& columns, NodeId v, std::vector<std::string>& cells);

}  // namespace hydrascope::exp
