// json reader: placeholder until its step lands (reports a clear error).
#include "io_internal.hpp"

namespace hydrascope::io {
Snapshot read_json(const std::string& path, const LoadOptions&, LoadReport&) {
  fail_file(path, "this input format is not supported yet");
}
}  // namespace hydrascope::io
