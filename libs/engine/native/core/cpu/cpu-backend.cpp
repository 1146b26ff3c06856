// The CPU backend: host memory behind a size-keyed cache, synchronous "stream", the float fast
// paths and the double reference ops (which the gradient checks run through).
#include <cstdlib>
#include <iterator>
#include <cstring>
#include <map>
#include <mutex>
#include <new>
#include <unordered_map>

#include "../backend.h"
#include "../ops/ops.h"

namespace xr {
namespace {

template <class T, class Impl>
OpTable<T> make_table() {
  OpTable<T> table{};
#define XR_FILL(op) table.op = &Impl::op;
  XR_OPS(XR_FILL)
#undef XR_FILL
  return table;
}

class CpuBackend final : public Backend {
 public:
  const char* name() const override { return "cpu"; }
  // Freed blocks wait in a cache keyed by their size class: a training step allocates the same
  // activation shapes every time, and fresh pages from the kernel cost a fault each (~7% of a step
  // before the cache). Sizes round up to classes an eighth of a power of two apart (<= 12.5% slack),
  // so batches padded to different lengths still reuse each other's blocks. The cache holds at most
  // cache_limit_ bytes; past it the largest cached blocks go back to the system first.
  static size_t size_class(size_t bytes) {
    const size_t size = (bytes + 63) / 64 * 64;
    if (size <= 4096) return size;
    size_t power = 4096;
    while (power * 2 < size) power *= 2;
    const size_t step = power / 8;
    return (size + step - 1) / step * step;
  }
  void* alloc(size_t bytes) override {
    const size_t size = size_class(bytes);
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = free_.find(size);
      if (it != free_.end()) {
        void* p = it->second;
        free_.erase(it);
        cached_ -= size;
        return p;
      }
    }
    void* p = std::aligned_alloc(64, size);
    if (!p) throw std::bad_alloc();
    std::lock_guard<std::mutex> lock(mu_);
    sizes_[p] = size;
    return p;
  }
  void release(void* ptr) override {
    std::lock_guard<std::mutex> lock(mu_);
    free_.emplace(sizes_.at(ptr), ptr);
    cached_ += sizes_.at(ptr);
    trim_locked();
  }
  void set_cache_limit(size_t bytes) override {
    std::lock_guard<std::mutex> lock(mu_);
    cache_limit_ = bytes;
    trim_locked();
  }
  void upload(void* dst, const void* src, size_t bytes) override { std::memcpy(dst, src, bytes); }
  void download(void* dst, const void* src, size_t bytes) override { std::memcpy(dst, src, bytes); }
  void copy(void* dst, const void* src, size_t bytes) override { std::memmove(dst, src, bytes); }
  void zero(void* ptr, size_t bytes) override { std::memset(ptr, 0, bytes); }
  void synchronize() override {}
  const OpTable<float>* ops_f32() const override { return &f32_; }
  const OpTable<double>* ops_f64() const override { return &f64_; }
  std::string gemm_kernel() const override { return gemm_kernel_name(); }

 private:
  OpTable<float> f32_ = make_table<float, CpuOps>();
  OpTable<double> f64_ = make_table<double, ReferenceOps<double>>();
  std::mutex mu_;
  std::unordered_map<void*, size_t> sizes_;  // every live or cached block → its size
  std::multimap<size_t, void*> free_;
  size_t cached_ = 0;
  size_t cache_limit_ = cache_limit_from_env();

  // Gives back the largest cached blocks until the cache fits its limit (mu_ held).
  void trim_locked() {
    while (cached_ > cache_limit_) {
      auto it = std::prev(free_.end());
      cached_ -= it->first;
      sizes_.erase(it->second);
      std::free(it->second);
      free_.erase(it);
    }
  }

  static size_t cache_limit_from_env() {
    const char* mb = std::getenv("XREASON_ENGINE_CACHE_MB");
    return size_t(mb ? std::strtoull(mb, nullptr, 10) : 512) << 20;
  }
};

}  // namespace

Backend& cpu_backend() {
  static CpuBackend backend;
  return backend;
}

}  // namespace xr
