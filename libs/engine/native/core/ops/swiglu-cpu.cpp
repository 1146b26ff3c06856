// SwiGLU fast path: elementwise, split across threads.
#include "../thread-pool.h"
#include "ops.h"

namespace xr {

void CpuOps::swiglu_forward(int64_t n, const float* g, const float* u, float* h) {
  parallel_for(n, 4096, [&](int64_t i0, int64_t i1) { ReferenceOps<float>::swiglu_forward(i1 - i0, g + i0, u + i0, h + i0); });
}

void CpuOps::swiglu_backward(int64_t n, const float* g, const float* u, const float* dh, float* dg, float* du) {
  parallel_for(n, 4096, [&](int64_t i0, int64_t i1) {
    ReferenceOps<float>::swiglu_backward(i1 - i0, g + i0, u + i0, dh + i0, dg + i0, du + i0);
  });
}

}  // namespace xr
