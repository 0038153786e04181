// libFuzzer target: the timestamp parsers. parse_rfc3339 must never read out
// of bounds, and whatever it accepts must format (format_rfc3339) to text
// that parses back to the same instant; the same for integer Unix seconds
// accepted by unix_seconds_to_timestamp.
#include <charconv>
#include <cstring>

#include "fuzz_util.hpp"
#include "io_internal.hpp"

namespace {
using namespace hydrascope;

void round_trip(Timestamp t, std::string_view source) {
  const std::string text = format_rfc3339(t);
  Timestamp back = 0;
  if (!parse_rfc3339(text, back))
    fuzz::finding("format_rfc3339(" + std::to_string(t) + ") = \"" + text + "\" (from \"" + std::string(source) +
                  "\") does not parse");
  if (back != t)
    fuzz::finding("\"" + text + "\" parses to " + std::to_string(back) + ", not " + std::to_string(t));
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  Timestamp t = 0;
  if (parse_rfc3339(text, t)) round_trip(t, text);
  std::int64_t secs = 0;
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), secs);
  if (ec == std::errc() && p == text.data() + text.size() && io::unix_seconds_to_timestamp(secs, t))
    round_trip(t, text);
  return 0;
}
