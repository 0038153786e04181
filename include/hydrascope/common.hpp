// Cross-cutting helpers for long stages: progress callbacks and cancellation.
// Library code never prints; it reports through these.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string_view>

namespace hydrascope {

/// Called from long stages (never from inside a parallel region) with the
/// stage name, work done and total work (total 0 = unknown). Must be cheap.
using ProgressFn = std::function<void(std::string_view stage, std::uint64_t done, std::uint64_t total)>;

/// Checked between chunks of long stages; when it becomes true the stage
/// throws hydrascope::Cancelled.
struct CancelToken {
  const std::atomic<bool>* flag = nullptr;
  [[nodiscard]] bool cancelled() const noexcept { return flag != nullptr && flag->load(std::memory_order_relaxed); }
};

struct Cancelled : std::exception {
  [[nodiscard]] const char* what() const noexcept override { return "cancelled"; }
};

/// The worker threads of a stage's `threads` option: the value when > 0,
/// else OpenMP's default (the cores, or OMP_NUM_THREADS); 1 in a build
/// without OpenMP. Every stage resolves its option through this one rule.
[[nodiscard]] int resolve_threads(int threads) noexcept;

/// The engine's version string ("MAJOR.MINOR.PATCH").
[[nodiscard]] std::string_view version() noexcept;

}  // namespace hydrascope
