// SwiGLU fast path: elementwise, split across threads, sigmoid through the vectorisable fast_expf.
#include "../thread-pool.h"
#include "ops.h"
#include "vector-math.h"

namespace xr {
namespace {

XR_VECTOR_CLONES
void swiglu_forward_range(int64_t n, const float* g, const float* u, float* h) {
#pragma omp simd
  for (int64_t i = 0; i < n; ++i) {
    const float sig = 1.0f / (1.0f + fast_expf(-g[i]));
    h[i] = g[i] * sig * u[i];
  }
}

// h = g·σ(g)·u: dh/du = g·σ(g); dh/dg = u·σ(g)·(1 + g·(1 − σ(g))).
XR_VECTOR_CLONES
void swiglu_backward_range(int64_t n, const float* g, const float* u, const float* dh, float* dg, float* du) {
#pragma omp simd
  for (int64_t i = 0; i < n; ++i) {
    const float sig = 1.0f / (1.0f + fast_expf(-g[i]));
    const float silu = g[i] * sig;
    du[i] = dh[i] * silu;
    dg[i] = dh[i] * u[i] * sig * (1.0f + g[i] * (1.0f - sig));
  }
}

}  // namespace

void CpuOps::swiglu_forward(int64_t n, const float* g, const float* u, float* h) {
  parallel_for(n, 4096, [&](int64_t i0, int64_t i1) { swiglu_forward_range(i1 - i0, g + i0, u + i0, h + i0); });
}

void CpuOps::swiglu_backward(int64_t n, const float* g, const float* u, const float* dh, float* dg, float* du) {
  parallel_for(n, 4096, [&](int64_t i0, int64_t i1) {
    swiglu_backward_range(i1 - i0, g + i0, u + i0, dh + i0, dg + i0, du + i0);
  });
}

}  // namespace xr
