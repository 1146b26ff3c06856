// Attention fast path: (sequence, kv head) groups in parallel; each group owns its slices of
// o/lse/dq/dk/dv, so no two threads write the same memory.
#include "../thread-pool.h"
#include "ops.h"

namespace xr {

void CpuOps::attention_forward(const AttentionShape& s, const float* q, const float* k, const float* v,
                               const int32_t* q_seg, const int32_t* k_seg, float* o, float* lse) {
  parallel_for(s.batch * s.kv_heads, 1, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; ++i)
      ReferenceOps<float>::attention_forward_group(s, i / s.kv_heads, i % s.kv_heads, q, k, v, q_seg, k_seg, o, lse);
  });
}

void CpuOps::attention_backward(const AttentionShape& s, const float* q, const float* k, const float* v,
                                const int32_t* q_seg, const int32_t* k_seg, const float* o, const float* lse,
                                const float* d_o, float* dq, float* dk, float* dv) {
  parallel_for(s.batch * s.kv_heads, 1, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; ++i)
      ReferenceOps<float>::attention_backward_group(s, i / s.kv_heads, i % s.kv_heads, q, k, v, q_seg, k_seg, o, lse,
                                                    d_o, dq, dk, dv);
  });
}

}  // namespace xr
