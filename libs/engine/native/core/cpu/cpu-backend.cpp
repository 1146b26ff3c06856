// The CPU backend: host memory, synchronous "stream", the float fast paths and the double
// reference ops (which the gradient checks run through).
#include <cstdlib>
#include <cstring>
#include <new>

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
  void* alloc(size_t bytes) override {
    void* p = std::aligned_alloc(64, (bytes + 63) / 64 * 64);
    if (!p) throw std::bad_alloc();
    return p;
  }
  void release(void* ptr) override { std::free(ptr); }
  void upload(void* dst, const void* src, size_t bytes) override { std::memcpy(dst, src, bytes); }
  void download(void* dst, const void* src, size_t bytes) override { std::memcpy(dst, src, bytes); }
  void synchronize() override {}
  const OpTable<float>* ops_f32() const override { return &f32_; }
  const OpTable<double>* ops_f64() const override { return &f64_; }
  std::string gemm_kernel() const override { return gemm_kernel_name(); }

 private:
  OpTable<float> f32_ = make_table<float, CpuOps>();
  OpTable<double> f64_ = make_table<double, ReferenceOps<double>>();
};

}  // namespace

Backend& cpu_backend() {
  static CpuBackend backend;
  return backend;
}

}  // namespace xr
