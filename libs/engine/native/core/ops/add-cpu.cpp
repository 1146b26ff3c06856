// Additions fast path: split across threads; the bias backward splits the columns so no two threads
// write the same db entry.
#include <algorithm>

#include "../thread-pool.h"
#include "ops.h"

namespace xr {

void CpuOps::add(int64_t n, const float* x, float* y) {
  parallel_for(n, 1 << 14, [&](int64_t i0, int64_t i1) {
#pragma omp simd
    for (int64_t i = i0; i < i1; ++i) y[i] += x[i];
  });
}

void CpuOps::bias_forward(int64_t rows, int64_t dim, const float* b, float* y) {
  parallel_for(rows, std::max<int64_t>(1, (1 << 14) / std::max<int64_t>(dim, 1)), [&](int64_t r0, int64_t r1) {
    ReferenceOps<float>::bias_forward(r1 - r0, dim, b, y + r0 * dim);
  });
}

void CpuOps::bias_backward(int64_t rows, int64_t dim, const float* dy, float* db) {
  parallel_for(dim, 64, [&](int64_t j0, int64_t j1) {
    for (int64_t r = 0; r < rows; ++r) {
      const float* row = dy + r * dim;
#pragma omp simd
      for (int64_t j = j0; j < j1; ++j) db[j] += row[j];
    }
  });
}

}  // namespace xr
