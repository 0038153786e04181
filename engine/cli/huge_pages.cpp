// Global operator new for the `hydrascope` executable: large blocks (>= 4 MiB:
// CSR arrays, columns, PageRank vectors) are 2 MiB aligned and marked
// MADV_HUGEPAGE, so first touch faults once per 2 MiB instead of once per
// 4 KiB. On virtual machines small-page faults dominate the build of a
// multi-million-edge graph. Small blocks go to malloc as usual; everything is
// released with free(). Library code is unaffected (tests use the default).
#include <sys/mman.h>

#include <cstdlib>
#include <new>

namespace {
constexpr std::size_t kHuge = std::size_t{2} << 20;
constexpr std::size_t kThreshold = std::size_t{4} << 20;

void* allocate(std::size_t bytes) {
  if (bytes >= kThreshold) {
    const std::size_t rounded = (bytes + kHuge - 1) / kHuge * kHuge;
    if (void* p = std::aligned_alloc(kHuge, rounded)) {
      (void)::madvise(p, rounded, MADV_HUGEPAGE);  // a hint: failure only costs speed
      return p;
    }
    throw std::bad_alloc();
  }
  if (void* p = std::malloc(bytes == 0 ? 1 : bytes)) return p;
  throw std::bad_alloc();
}

void* allocate_aligned(std::size_t bytes, std::size_t align) {
  if (align < kHuge && bytes >= kThreshold) return allocate(bytes);
  const std::size_t rounded = (bytes + align - 1) / align * align;
  if (void* p = std::aligned_alloc(align, rounded == 0 ? align : rounded)) return p;
  throw std::bad_alloc();
}
}  // namespace

void* operator new(std::size_t bytes) { return allocate(bytes); }
void* operator new[](std::size_t bytes) { return allocate(bytes); }
void* operator new(std::size_t bytes, const std::nothrow_t&) noexcept {
  try {
    return allocate(bytes);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t bytes, const std::nothrow_t&) noexcept {
  try {
    return allocate(bytes);
  } catch (...) {
    return nullptr;
  }
}
void* operator new(std::size_t bytes, std::align_val_t a) { return allocate_aligned(bytes, static_cast<std::size_t>(a)); }
void* operator new[](std::size_t bytes, std::align_val_t a) { return allocate_aligned(bytes, static_cast<std::size_t>(a)); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
