// Column<T>: the storage of one of the model's columns. Either it owns a
// std::vector<T> (what SnapshotBuilder fills), or it views `size` elements
// inside a read-only buffer that it keeps alive (the mapped sections of a
// binary snapshot: no copy, no fresh pages). Reading is the same for both;
// any change first makes an owned copy (copy on write), so a view is never
// written through.
#pragma once

#include <algorithm>
#include <cstddef>
#include <memory>
#include <type_traits>
#include <vector>

namespace hydrascope {

template <class T>
class Column {
  static_assert(std::is_trivially_copyable_v<T>, "a Column views raw bytes");

 public:
  using value_type = T;

  Column() = default;
  Column(std::vector<T> v) : vec_(std::move(v)) { sync(); }  // NOLINT(google-explicit-constructor)
  Column(std::initializer_list<T> v) : vec_(v) { sync(); }
  /// A view of `size` elements at `data`, valid while `keep` lives.
  static Column view(const T* data, std::size_t size, std::shared_ptr<const void> keep) {
    Column c;
    c.data_ = size > 0 ? data : nullptr;
    c.size_ = size;
    c.keep_ = std::move(keep);
    return c;
  }

  Column(const Column& o) : vec_(o.vec_), keep_(o.keep_) {
    if (keep_) {
      data_ = o.data_;
      size_ = o.size_;
    } else {
      sync();
    }
  }
  Column& operator=(const Column& o) {
    if (this != &o) {
      Column c(o);
      *this = std::move(c);
    }
    return *this;
  }
  // A moved std::vector keeps its buffer, so data_ stays valid.
  Column(Column&& o) noexcept : vec_(std::move(o.vec_)), data_(o.data_), size_(o.size_), keep_(std::move(o.keep_)) {
    o.data_ = nullptr;
    o.size_ = 0;
    o.vec_.clear();
  }
  Column& operator=(Column&& o) noexcept {
    if (this != &o) {
      vec_ = std::move(o.vec_);
      data_ = o.data_;
      size_ = o.size_;
      keep_ = std::move(o.keep_);
      o.data_ = nullptr;
      o.size_ = 0;
      o.vec_.clear();
    }
    return *this;
  }
  Column& operator=(std::vector<T> v) {
    vec_ = std::move(v);
    keep_.reset();
    sync();
    return *this;
  }

  // --- reading ---------------------------------------------------------------
  [[nodiscard]] const T* data() const noexcept { return data_; }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] const T& operator[](std::size_t i) const noexcept { return data_[i]; }
  [[nodiscard]] const T* begin() const noexcept { return data_; }
  [[nodiscard]] const T* end() const noexcept { return data_ + size_; }
  [[nodiscard]] const T& front() const noexcept { return data_[0]; }
  [[nodiscard]] const T& back() const noexcept { return data_[size_ - 1]; }
  /// Whether the elements live in a shared read-only buffer (not owned).
  [[nodiscard]] bool is_view() const noexcept { return keep_ != nullptr; }
  /// Heap bytes owned (the vector's capacity; 0 for a view).
  [[nodiscard]] std::size_t owned_bytes() const noexcept { return vec_.capacity() * sizeof(T); }
  /// Bytes viewed in a shared buffer (0 when owned).
  [[nodiscard]] std::size_t viewed_bytes() const noexcept { return keep_ ? size_ * sizeof(T) : 0; }
  [[nodiscard]] std::size_t capacity() const noexcept { return keep_ ? size_ : vec_.capacity(); }

  friend bool operator==(const Column& a, const Column& b) noexcept {
    return a.size_ == b.size_ && std::equal(a.begin(), a.end(), b.begin());
  }

  // --- changing (makes the column owned first) ----------------------------------
  [[nodiscard]] T* data() {
    own();
    return vec_.data();
  }
  [[nodiscard]] T& operator[](std::size_t i) {
    own();
    return vec_[i];
  }
  T* begin() { return data(); }
  T* end() { return data() + size_; }
  void push_back(const T& x) {
    own();
    vec_.push_back(x);
    sync();
  }
  void resize(std::size_t n) {
    own();
    vec_.resize(n);
    sync();
  }
  void resize(std::size_t n, const T& x) {
    own();
    vec_.resize(n, x);
    sync();
  }
  void reserve(std::size_t n) {
    own();
    vec_.reserve(n);
    sync();
  }
  void clear() {
    keep_.reset();
    vec_.clear();
    sync();
  }
  void shrink_to_fit() {
    if (keep_) return;  // a view has no spare capacity
    vec_.shrink_to_fit();
    sync();
  }
  template <class It>
  void insert_back(It first, It last) {
    own();
    vec_.insert(vec_.end(), first, last);
    sync();
  }

 private:
  void sync() noexcept {
    data_ = vec_.empty() ? nullptr : vec_.data();
    size_ = vec_.size();
  }
  void own() {
    if (keep_) {
      vec_.assign(data_, data_ + size_);
      keep_.reset();
      sync();
    }
  }
  std::vector<T> vec_;
  const T* data_ = nullptr;
  std::size_t size_ = 0;
  std::shared_ptr<const void> keep_;  // non-null: a view into a buffer this keeps alive
};

}  // namespace hydrascope
