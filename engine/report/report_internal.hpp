// Private helpers of the report module.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hydrascope::rpt {

/// A palette PNG (8-bit indices, `palette` RGB triples, at most 256) of
/// width x height pixels, row by row; deterministic bytes (zlib level 9).
[[nodiscard]] std::string encode_png(std::uint32_t width, std::uint32_t height, const std::vector<std::uint8_t>& pixels,
                                     const std::vector<std::uint8_t>& palette);

/// Standard base64 with padding.
[[nodiscard]] std::string base64(std::string_view bytes);

/// Splits one RFC 4180 CSV record (no line break inside) into fields;
/// false on a stray quote.
[[nodiscard]] bool split_csv_line(std::string_view line, std::vector<std::string>& fields);

}  // namespace hydrascope::rpt
