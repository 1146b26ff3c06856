// RMSNorm fast path: rows in parallel; the weight gradient is reduced from per-chunk partials.
#include <mutex>
#include <vector>

#include "../thread-pool.h"
#include "ops.h"

namespace xr {

void CpuOps::rmsnorm_forward(int64_t rows, int64_t dim, float eps, const float* x, const float* w, float* y,
                             float* rstd) {
  parallel_for(rows, 8, [&](int64_t r0, int64_t r1) {
    ReferenceOps<float>::rmsnorm_forward(r1 - r0, dim, eps, x + r0 * dim, w, y + r0 * dim, rstd + r0);
  });
}

void CpuOps::rmsnorm_backward(int64_t rows, int64_t dim, const float* x, const float* w, const float* rstd,
                              const float* dy, float* dx, float* dw) {
  std::mutex mu;
  parallel_for(rows, 8, [&](int64_t r0, int64_t r1) {
    std::vector<float> partial(dw ? static_cast<size_t>(dim) : 0, 0.0f);
    ReferenceOps<float>::rmsnorm_backward(r1 - r0, dim, x + r0 * dim, w, rstd + r0, dy + r0 * dim, dx + r0 * dim,
                                          dw ? partial.data() : nullptr);
    if (dw) {
      std::lock_guard<std::mutex> lock(mu);
      for (int64_t i = 0; i < dim; ++i) dw[i] += partial[i];
    }
  });
}

}  // namespace xr
