// Basic vocabulary of hydrascope: id types, sentinels, node kinds and labels.
// Declared once here; every module uses these names.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

namespace hydrascope {

/// Index of a node in a Snapshot / AnalysisGraph (dense, 0..n-1).
using NodeId = std::uint32_t;
/// Index of an edge (Snapshot edge index, or CSR arc index).
using EdgeId = std::uint64_t;
/// Community number in a partition (dense, 0..k-1).
using CommunityId = std::uint32_t;
/// Microseconds since the Unix epoch, UTC.
using Timestamp = std::int64_t;

inline constexpr NodeId kInvalidNode = std::numeric_limits<NodeId>::max();
inline constexpr EdgeId kInvalidEdge = std::numeric_limits<EdgeId>::max();
inline constexpr CommunityId kNoCommunity = std::numeric_limits<CommunityId>::max();
/// "No timestamp given" (the field was absent).
inline constexpr Timestamp kNoTime = std::numeric_limits<Timestamp>::min();
inline constexpr Timestamp kMicrosPerSecond = 1'000'000;

/// What a node is. The snapshot's `type` string is kept verbatim; the kind is
/// the engine's reading of it (`account`, `payment_method`, `ip`, `proxy`,
/// `device`; anything else is a generic shared entity).
enum class NodeKind : std::uint8_t { Account = 0, PaymentMethod, Ip, Proxy, Device, Other };
inline constexpr int kNumNodeKinds = 6;

/// What analysts already know about an account (docs/formats.md section 2).
enum class Label : std::uint8_t { Unknown = 0, Banned, Suspect, Trusted };

[[nodiscard]] NodeKind kind_from_type(std::string_view type) noexcept;
[[nodiscard]] std::string_view to_string(NodeKind kind) noexcept;
[[nodiscard]] std::string_view to_string(Label label) noexcept;
/// Parses `banned|suspect|trusted|unknown`; nullopt for anything else.
[[nodiscard]] std::optional<Label> parse_label(std::string_view text) noexcept;
/// True for a valid generic type name `[a-z][a-z0-9_]*`.
[[nodiscard]] bool is_valid_type_name(std::string_view type) noexcept;

}  // namespace hydrascope
