// AdamW fast path: the reference update over contiguous chunks on the pool; the sum of squares
// keeps one partial per chunk and adds them in chunk order, so the norm does not depend on timing.
#include <algorithm>
#include <vector>

#include "../thread-pool.h"
#include "ops.h"

namespace xr {

double CpuOps::sum_squares(int64_t n, const float* x) {
  constexpr int64_t chunk = 1 << 14;
  const int64_t chunks = (n + chunk - 1) / chunk;
  std::vector<double> partial(static_cast<size_t>(chunks), 0.0);
  parallel_for(chunks, 1, [&](int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; ++c) {
      const int64_t i0 = c * chunk, i1 = std::min(n, i0 + chunk);
      partial[c] = ReferenceOps<float>::sum_squares(i1 - i0, x + i0);
    }
  });
  double s = 0;
  for (double p : partial) s += p;
  return s;
}

void CpuOps::adamw(int64_t n, const AdamWUpdate& u, float* w, const float* g, float* m, float* v) {
  parallel_for(n, 4096, [&](int64_t i0, int64_t i1) {
    ReferenceOps<float>::adamw(i1 - i0, u, w + i0, g + i0, m + i0, v + i0);
  });
}

}  // namespace xr
