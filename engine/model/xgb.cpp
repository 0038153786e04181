// The thin layer over XGBoost's C API: handle RAII, per-thread silencing,
// error strings, array-interface descriptors; plus small helpers of the module
// (thread counts, number formatting, feature-name rule, deterministic gzip).
#include <xgboost/c_api.h>
#include <zlib.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <thread>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "model_impl.hpp"

namespace hydrascope {
namespace detail {

void BoosterFree::operator()(void* handle) const noexcept {
  if (handle != nullptr) XGBoosterFree(handle);
}

void DMatrixFree::operator()(void* handle) const noexcept {
  if (handle != nullptr) XGDMatrixFree(handle);
}

namespace {
void drop_log_line(const char*) {}
}  // namespace

void quiet_xgboost() {
  // XGBoost 1.7 stores the global configuration and the log callback per
  // thread (dmlc::ThreadLocalStore), so each calling thread sets them once.
  thread_local bool done = false;
  if (done) return;
  if (XGBSetGlobalConfig(R"({"verbosity":0})") != 0) throw std::runtime_error("XGBoost: " + xgboost_error());
  if (XGBRegisterLogCallback(&drop_log_line) != 0) throw std::runtime_error("XGBoost: " + xgboost_error());
  done = true;
}

std::string xgboost_error() {
  const char* raw = XGBGetLastError();
  std::string s = raw != nullptr ? raw : "";
  // "[21:40:01] /build/xgboost/src/learner.cc:123: Check failed: ...\nStack trace:\n ..."
  if (const auto st = s.find("Stack trace:"); st != std::string::npos) s.erase(st);
  if (!s.empty() && s.front() == '[') {
    if (const auto close = s.find("] "); close != std::string::npos && close < 16) s.erase(0, close + 2);
  }
  // Drop the source position "path/file.cc:123: " when it leads the message.
  if (const auto cc = s.find(".cc:"); cc != std::string::npos && s.find(' ') > cc) {
    if (const auto colon = s.find(": ", cc + 4); colon != std::string::npos) s.erase(0, colon + 2);
  } else if (const auto h = s.find(".h:"); h != std::string::npos && s.find(' ') > h) {
    if (const auto colon = s.find(": ", h + 3); colon != std::string::npos) s.erase(0, colon + 2);
  }
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
  for (char& c : s)
    if (c == '\n') c = ' ';
  return s.empty() ? std::string("unknown error") : s;
}

void check(int rc, std::string_view what) {
  if (rc != 0) throw std::runtime_error("XGBoost " + std::string(what) + ": " + xgboost_error());
}

std::string dense_interface(const float* data, std::uint64_t rows, std::uint64_t cols) {
  // numpy's __array_interface__ (version 3) as XGBoost reads it: the address
  // as an integer, read-only; little-endian float32; C order (no strides).
  std::string s = R"({"data":[)";
  s += std::to_string(reinterpret_cast<std::uintptr_t>(data));
  s += R"(,true],"shape":[)";
  s += std::to_string(rows);
  s += ',';
  s += std::to_string(cols);
  s += R"(],"typestr":"<f4","version":3})";
  return s;
}

std::string format_double(double v) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

bool usable_feature_name(std::string_view name) noexcept {
  if (name.empty()) return false;
  for (const char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') return false;
  }
  return true;
}

std::string gzip_compress(std::string_view bytes) {
  if (bytes.size() >= (std::size_t{1} << 31)) throw std::runtime_error("gzip compression: input over 2 GiB");
  z_stream z{};
  // windowBits 15 + 16: a gzip wrapper; zlib writes modification time 0 and
  // no name, so the output depends only on the input.
  if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("cannot start gzip compression");
  std::string out;
  out.resize(deflateBound(&z, static_cast<uLong>(bytes.size())) + 64);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  z.avail_in = static_cast<uInt>(bytes.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  const auto written = out.size() - z.avail_out;
  deflateEnd(&z);
  if (rc != Z_STREAM_END) throw std::runtime_error("gzip compression failed");
  out.resize(written);
  return out;
}

}  // namespace detail

std::string xgboost_version() {
  int major = 0, minor = 0, patch = 0;
  XGBoostVersion(&major, &minor, &patch);
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

}  // namespace hydrascope
