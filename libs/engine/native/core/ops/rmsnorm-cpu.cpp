// RMSNorm fast path: rows in parallel. The weight gradient keeps one partial per fixed block of rows and
// adds them in block order, as AdamW's sum of squares does: added as threads finished (it was), the sum's
// rounding depended on timing, and two pretrainings of one seed drifted apart from their third step.
#include <algorithm>
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
  constexpr int64_t block = 32;
  const int64_t blocks = (rows + block - 1) / block;
  std::vector<float> partial(dw ? static_cast<size_t>(blocks * dim) : 0, 0.0f);
  parallel_for(blocks, 1, [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b) {
      const int64_t r0 = b * block, r1 = std::min(rows, r0 + block);
      ReferenceOps<float>::rmsnorm_backward(r1 - r0, dim, x + r0 * dim, w, rstd + r0, dy + r0 * dim, dx + r0 * dim,
                                            dw ? partial.data() + b * dim : nullptr);
    }
  });
  if (!dw) return;
  for (int64_t b = 0; b < blocks; ++b)
    for (int64_t i = 0; i < dim; ++i) dw[i] += partial[b * dim + i];
}

}  // namespace xr
