// The IP ranges of datasets/ip-ranges (datacenter-ipv4.txt, vpn-ipv4.txt),
// placed in the library's read-only data by the assembler (.incbin), so that
// `hydrascope generate` makes the same world from any working folder and
// after installation, without reading a file (docs/generator.md).
#include <string_view>

#include "synth_internal.hpp"

#if !defined(HYDRASCOPE_IP_RANGES_DIR)
#error "HYDRASCOPE_IP_RANGES_DIR must name datasets/ip-ranges (engine/synth/CMakeLists.txt)"
#endif

__asm__(".section .rodata\n"
        ".balign 16\n"
        "hydrascope_datacenter_ranges_begin:\n"
        ".incbin \"" HYDRASCOPE_IP_RANGES_DIR "/datacenter-ipv4.txt\"\n"
        "hydrascope_datacenter_ranges_end:\n"
        ".byte 0\n"
        ".balign 16\n"
        "hydrascope_vpn_ranges_begin:\n"
        ".incbin \"" HYDRASCOPE_IP_RANGES_DIR "/vpn-ipv4.txt\"\n"
        "hydrascope_vpn_ranges_end:\n"
        ".byte 0\n"
        ".previous\n");
extern "C" {
extern const char hydrascope_datacenter_ranges_begin[] __asm__("hydrascope_datacenter_ranges_begin");
extern const char hydrascope_datacenter_ranges_end[] __asm__("hydrascope_datacenter_ranges_end");
extern const char hydrascope_vpn_ranges_begin[] __asm__("hydrascope_vpn_ranges_begin");
extern const char hydrascope_vpn_ranges_end[] __asm__("hydrascope_vpn_ranges_end");
}

namespace hydrascope::synth {

std::string_view builtin_datacenter_ranges() noexcept {
  return {hydrascope_datacenter_ranges_begin,
          static_cast<std::size_t>(hydrascope_datacenter_ranges_end - hydrascope_datacenter_ranges_begin)};
}

std::string_view builtin_vpn_ranges() noexcept {
  return {hydrascope_vpn_ranges_begin, static_cast<std::size_t>(hydrascope_vpn_ranges_end - hydrascope_vpn_ranges_begin)};
}

}  // namespace hydrascope::synth
