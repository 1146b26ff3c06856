// Attention fast path: (sequence, kv head) groups in parallel, each owning its slices of
// o/lse/dq/dk/dv. Within a group, every query head works through blocks of queries with GEMMs on the
// strided Q/K/V rows — S = Q Kᵀ, O = P V; backward dV += Pᵀ dO, dP = dO Vᵀ, dQ = dS K, dK += dSᵀ Q —
// so the inner products run in the BLAS kernel instead of scalar loops. P is recomputed from the saved
// log-sum-exp in backward (as in the reference), and lives only for one block: [block, keys].
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "../thread-pool.h"
#include "ops.h"
#include "vector-math.h"

namespace xr {
namespace {

constexpr int64_t kQueryBlock = 64;

inline bool visible(const AttentionShape& s, const int32_t* q_seg, const int32_t* k_seg, int64_t b, int64_t i,
                    int64_t j) {
  const int32_t qs = q_seg[b * s.q_len + i];
  return j <= s.q_start + i && qs != 0 && k_seg[b * s.kv_capacity + j] == qs;
}

// Sets the scores of keys query i may not see to −inf (causal, padding, other packed documents).
inline void mask_row(const AttentionShape& s, const int32_t* q_seg, const int32_t* k_seg, int64_t b, int64_t i,
                     int64_t keys, float* row) {
  for (int64_t j = 0; j < keys; ++j)
    if (!visible(s, q_seg, k_seg, b, i, j)) row[j] = -std::numeric_limits<float>::infinity();
}

// Row of masked scores → probabilities in place; returns the log-sum-exp (−inf when nothing is visible).
XR_VECTOR_CLONES
float softmax_row(int64_t keys, float* row) {
  float mx = -std::numeric_limits<float>::infinity();
#pragma omp simd reduction(max : mx)
  for (int64_t j = 0; j < keys; ++j) mx = row[j] > mx ? row[j] : mx;
  if (mx == -std::numeric_limits<float>::infinity()) {
    for (int64_t j = 0; j < keys; ++j) row[j] = 0.0f;
    return mx;
  }
  float sum = 0;
#pragma omp simd reduction(+ : sum)
  for (int64_t j = 0; j < keys; ++j) sum += row[j] = fast_expf(row[j] - mx);
  const float inv = 1.0f / sum;
#pragma omp simd
  for (int64_t j = 0; j < keys; ++j) row[j] *= inv;
  return mx + std::log(sum);
}

// Backward row: P = exp(S − lse) from masked scores, dS = P ∘ (dP − d) · scale, both in place.
XR_VECTOR_CLONES
void softmax_grad_row(int64_t keys, float lse, float d, float scale, float* p, float* dp) {
#pragma omp simd
  for (int64_t j = 0; j < keys; ++j) {
    const float pj = fast_expf(p[j] - lse);
    p[j] = pj;
    dp[j] = pj * (dp[j] - d) * scale;
  }
}

inline int64_t block_keys(const AttentionShape& s, int64_t i_last) {
  return std::min(s.q_start + i_last + 1, s.kv_len);
}

}  // namespace

void CpuOps::attention_forward(const AttentionShape& s, const float* q, const float* k, const float* v,
                               const int32_t* q_seg, const int32_t* k_seg, float* o, float* lse) {
  const int64_t D = s.head_dim, rep = s.q_heads / s.kv_heads, ldq = s.q_heads * D, ldk = s.kv_heads * D;
  const float scale = 1.0f / std::sqrt(float(D));
  parallel_for(s.batch * s.kv_heads, 1, [&](int64_t g0, int64_t g1) {
    std::vector<float> p;
    for (int64_t grp = g0; grp < g1; ++grp) {
      const int64_t b = grp / s.kv_heads, g = grp % s.kv_heads;
      const float* kg = k + (b * s.kv_capacity * s.kv_heads + g) * D;
      const float* vg = v + (b * s.kv_capacity * s.kv_heads + g) * D;
      for (int64_t h = g * rep; h < (g + 1) * rep; ++h) {
        for (int64_t i0 = 0; i0 < s.q_len; i0 += kQueryBlock) {
          const int64_t rows = std::min(kQueryBlock, s.q_len - i0), keys = block_keys(s, i0 + rows - 1);
          const float* qb = q + ((b * s.q_len + i0) * s.q_heads + h) * D;
          float* ob = o + ((b * s.q_len + i0) * s.q_heads + h) * D;
          p.resize(static_cast<size_t>(rows * keys));
          gemm(false, true, rows, keys, D, scale, qb, ldq, kg, ldk, 0.0f, p.data(), keys);
          for (int64_t r = 0; r < rows; ++r) {
            float* pr = p.data() + r * keys;
            mask_row(s, q_seg, k_seg, b, i0 + r, keys, pr);
            lse[(b * s.q_heads + h) * s.q_len + i0 + r] = softmax_row(keys, pr);
          }
          gemm(false, false, rows, D, keys, 1.0f, p.data(), keys, vg, ldk, 0.0f, ob, ldq);
        }
      }
    }
  });
}

void CpuOps::attention_backward(const AttentionShape& s, const float* q, const float* k, const float* v,
                                const int32_t* q_seg, const int32_t* k_seg, const float* o, const float* lse,
                                const float* d_o, float* dq, float* dk, float* dv) {
  const int64_t D = s.head_dim, rep = s.q_heads / s.kv_heads, ldq = s.q_heads * D, ldk = s.kv_heads * D;
  const float scale = 1.0f / std::sqrt(float(D));
  parallel_for(s.batch * s.kv_heads, 1, [&](int64_t g0, int64_t g1) {
    std::vector<float> p, dp;
    for (int64_t grp = g0; grp < g1; ++grp) {
      const int64_t b = grp / s.kv_heads, g = grp % s.kv_heads;
      const int64_t kv0 = (b * s.kv_capacity * s.kv_heads + g) * D;
      for (int64_t j = 0; j < s.kv_len; ++j) {
        std::fill_n(dk + kv0 + j * ldk, D, 0.0f);
        std::fill_n(dv + kv0 + j * ldk, D, 0.0f);
      }
      for (int64_t h = g * rep; h < (g + 1) * rep; ++h) {
        for (int64_t i0 = 0; i0 < s.q_len; i0 += kQueryBlock) {
          const int64_t rows = std::min(kQueryBlock, s.q_len - i0), keys = block_keys(s, i0 + rows - 1);
          const int64_t qoff = ((b * s.q_len + i0) * s.q_heads + h) * D;
          p.resize(static_cast<size_t>(rows * keys));
          dp.resize(static_cast<size_t>(rows * keys));
          gemm(false, true, rows, keys, D, scale, q + qoff, ldq, k + kv0, ldk, 0.0f, p.data(), keys);
          gemm(false, true, rows, keys, D, 1.0f, d_o + qoff, ldq, v + kv0, ldk, 0.0f, dp.data(), keys);
          for (int64_t r = 0; r < rows; ++r) {
            const int64_t i = i0 + r;
            const float l = lse[(b * s.q_heads + h) * s.q_len + i];
            float* pr = p.data() + r * keys;
            float* dpr = dp.data() + r * keys;
            if (l == -std::numeric_limits<float>::infinity()) {
              std::fill_n(pr, keys, 0.0f);
              std::fill_n(dpr, keys, 0.0f);
              continue;
            }
            float d = 0;
            for (int64_t e = 0; e < D; ++e) d += d_o[qoff + r * ldq + e] * o[qoff + r * ldq + e];
            mask_row(s, q_seg, k_seg, b, i, keys, pr);
            softmax_grad_row(keys, l, d, scale, pr, dpr);
          }
          gemm(true, false, keys, D, rows, 1.0f, p.data(), keys, d_o + qoff, ldq, 1.0f, dv + kv0, ldk);
          gemm(false, false, rows, D, keys, 1.0f, dp.data(), keys, k + kv0, ldk, 0.0f, dq + qoff, ldq);
          gemm(true, false, keys, D, rows, 1.0f, dp.data(), keys, q + qoff, ldq, 1.0f, dk + kv0, ldk);
        }
      }
    }
  });
}

}  // namespace xr
