// RoPE fast path: tokens in parallel (each token's rotation is independent).
#include "../thread-pool.h"
#include "ops.h"

namespace xr {

void CpuOps::rope_forward(const RopeShape& s, const int32_t* pos, const float* x, float* y) {
  const int64_t stride = s.heads * s.head_dim;
  parallel_for(s.tokens, 4, [&](int64_t t0, int64_t t1) {
    RopeShape part = s;
    part.tokens = t1 - t0;
    ReferenceOps<float>::rope_forward(part, pos + t0, x + t0 * stride, y + t0 * stride);
  });
}

void CpuOps::rope_backward(const RopeShape& s, const int32_t* pos, const float* dy, float* dx) {
  const int64_t stride = s.heads * s.head_dim;
  parallel_for(s.tokens, 4, [&](int64_t t0, int64_t t1) {
    RopeShape part = s;
    part.tokens = t1 - t0;
    ReferenceOps<float>::rope_backward(part, pos + t0, dy + t0 * stride, dx + t0 * stride);
  });
}

}  // namespace xr
