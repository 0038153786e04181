// Names of node kinds and labels.
#include <algorithm>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "hydrascope/types.hpp"

#include "hydrascope/common.hpp"

namespace hydrascope {

NodeKind kind_from_type(std::string_view type) noexcept {
  if (type == "account") return NodeKind::Account;
  if (type == "payment_method") return NodeKind::PaymentMethod;
  if (type == "ip") return NodeKind::Ip;
  if (type == "proxy") return NodeKind::Proxy;
  if (type == "device") return NodeKind::Device;
  return NodeKind::Other;
}

std::string_view to_string(NodeKind kind) noexcept {
  switch (kind) {
    case NodeKind::Account: return "account";
    case NodeKind::PaymentMethod: return "payment_method";
    case NodeKind::Ip: return "ip";
    case NodeKind::Proxy: return "proxy";
    case NodeKind::Device: return "device";
    case NodeKind::Other: return "other";
  }
  return "other";
}

std::string_view to_string(Label label) noexcept {
  switch (label) {
    case Label::Unknown: return "unknown";
    case Label::Banned: return "banned";
    case Label::Suspect: return "suspect";
    case Label::Trusted: return "trusted";
  }
  return "unknown";
}

std::optional<Label> parse_label(std::string_view text) noexcept {
  if (text == "unknown") return Label::Unknown;
  if (text == "banned") return Label::Banned;
  if (text == "suspect") return Label::Suspect;
  if (text == "trusted") return Label::Trusted;
  return std::nullopt;
}

bool is_valid_type_name(std::string_view type) noexcept {
  if (type.empty() || type[0] < 'a' || type[0] > 'z') return false;
  for (char c : type) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

std::string_view version() noexcept { return HYDRASCOPE_VERSION; }

int resolve_threads(int threads) noexcept {
#ifdef _OPENMP
  return threads > 0 ? threads : std::max(1, omp_get_max_threads());
#else
  (void)threads;
  return 1;
#endif
}

}  // namespace hydrascope
