// Embedding fast path: forward splits tokens; backward splits the hidden dimension so threads never
// write the same table entry even when a token repeats.
#include "../thread-pool.h"
#include "ops.h"

namespace xr {

void CpuOps::embedding_forward(int64_t tokens, int64_t dim, const int32_t* ids, const float* table, float* out) {
  parallel_for(tokens, 16, [&](int64_t t0, int64_t t1) {
    ReferenceOps<float>::embedding_forward(t1 - t0, dim, ids + t0, table, out + t0 * dim);
  });
}

void CpuOps::embedding_backward(int64_t tokens, int64_t dim, const int32_t* ids, const float* dout, float* dtable) {
  parallel_for(dim, 16, [&](int64_t i0, int64_t i1) {
    for (int64_t t = 0; t < tokens; ++t) {
      float* row = dtable + static_cast<int64_t>(ids[t]) * dim;
      const float* drow = dout + t * dim;
      for (int64_t i = i0; i < i1; ++i) row[i] += drow[i];
    }
  });
}

}  // namespace xr
