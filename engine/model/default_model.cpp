// The built-in model: the bytes of datasets/model/hydrascope-default.json.gz,
// placed in the library's read-only data by the assembler (.incbin), so that
// the program needs no file at run time and does not depend on where it runs.
#include <stdexcept>
#include <string_view>

#include "hydrascope/model.hpp"

#if defined(HYDRASCOPE_DEFAULT_MODEL_FILE)
__asm__(".section .rodata\n"
        ".balign 16\n"
        "hydrascope_default_model_begin:\n"
        ".incbin \"" HYDRASCOPE_DEFAULT_MODEL_FILE "\"\n"
        "hydrascope_default_model_end:\n"
        ".byte 0\n"
        ".previous\n");
extern "C" {
extern const char hydrascope_default_model_begin[] __asm__("hydrascope_default_model_begin");
extern const char hydrascope_default_model_end[] __asm__("hydrascope_default_model_end");
}
#endif

namespace hydrascope {

bool has_default_model() noexcept {
#if defined(HYDRASCOPE_DEFAULT_MODEL_FILE)
  return true;
#else
  return false;
#endif
}

Model default_model() {
#if defined(HYDRASCOPE_DEFAULT_MODEL_FILE)
  const std::string_view bytes(hydrascope_default_model_begin,
                               static_cast<std::size_t>(hydrascope_default_model_end - hydrascope_default_model_begin));
  return Model::from_buffer(bytes, "the built-in model");
#else
  throw std::runtime_error(
      "this build has no built-in model (datasets/model/hydrascope-default.json.gz was missing at build time): "
      "give one with --model FILE");
#endif
}

}  // namespace hydrascope
