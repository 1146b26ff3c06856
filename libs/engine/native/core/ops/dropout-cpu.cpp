// Dropout fast path: the reference loop split across threads (the mask is a pure function of the
// element index, so any split draws the same mask).
#include "../thread-pool.h"
#include "dropout.h"
#include "ops.h"

namespace xr {

void CpuOps::dropout(int64_t n, double p, uint64_t seed, const float* x, float* y) {
  const float scale = float(1.0 / (1.0 - p));
  parallel_for(n, 1 << 13, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; ++i) y[i] = dropout_keep(seed, static_cast<uint64_t>(i), p) ? x[i] * scale : 0.0f;
  });
}

}  // namespace xr
