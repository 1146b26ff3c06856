// Causal grouped-query attention reference. Query head h reads kv head h / (q_heads / kv_heads).
// Forward keeps only the log-sum-exp per query; backward recomputes the probabilities from it
// (P = exp(S − lse)), the flash-attention identity, so no [T, T] matrix is stored.
//   dV_j += P_ij dO_i;  dS_ij = P_ij (dO_i·V_j − dO_i·O_i);  dQ_i += c Σ_j dS_ij K_j;  dK_j += c dS_ij Q_i
// A query that sees no key (a padding position) outputs zeros and passes no gradient.
#include <cmath>
#include <limits>
#include <vector>

#include "ops.h"

namespace xr {
namespace {

inline bool visible(const AttentionShape& s, const int32_t* q_seg, const int32_t* k_seg, int64_t b, int64_t i,
                    int64_t j) {
  const int32_t qs = q_seg[b * s.q_len + i];
  const int32_t ks = k_seg[b * s.kv_capacity + j];
  return j <= s.q_start + i && qs != 0 && ks == qs;
}

inline int64_t key_end(const AttentionShape& s, int64_t i) {
  const int64_t causal_end = s.q_start + i + 1;
  return causal_end < s.kv_len ? causal_end : s.kv_len;
}

}  // namespace

template <class T>
void ReferenceOps<T>::attention_forward_group(const AttentionShape& s, int64_t b, int64_t g, const T* q, const T* k,
                                              const T* v, const int32_t* q_seg, const int32_t* k_seg, T* o, T* lse) {
  const int64_t D = s.head_dim, rep = s.q_heads / s.kv_heads;
  const T scale = T(1) / std::sqrt(T(D));
  std::vector<T> scores(static_cast<size_t>(s.kv_len));
  for (int64_t h = g * rep; h < (g + 1) * rep; ++h) {
    for (int64_t i = 0; i < s.q_len; ++i) {
      const T* qi = q + ((b * s.q_len + i) * s.q_heads + h) * D;
      T* oi = o + ((b * s.q_len + i) * s.q_heads + h) * D;
      T& lse_i = lse[(b * s.q_heads + h) * s.q_len + i];
      const int64_t end = key_end(s, i);
      T max_score = -std::numeric_limits<T>::infinity();
      for (int64_t j = 0; j < end; ++j) {
        if (!visible(s, q_seg, k_seg, b, i, j)) continue;
        const T* kj = k + ((b * s.kv_capacity + j) * s.kv_heads + g) * D;
        T dot = 0;
        for (int64_t d = 0; d < D; ++d) dot += qi[d] * kj[d];
        scores[j] = dot * scale;
        if (scores[j] > max_score) max_score = scores[j];
      }
      for (int64_t d = 0; d < D; ++d) oi[d] = 0;
      if (max_score == -std::numeric_limits<T>::infinity()) {
        lse_i = -std::numeric_limits<T>::infinity();
        continue;
      }
      T sum = 0;
      for (int64_t j = 0; j < end; ++j) {
        if (!visible(s, q_seg, k_seg, b, i, j)) continue;
        const T p = std::exp(scores[j] - max_score);
        sum += p;
        const T* vj = v + ((b * s.kv_capacity + j) * s.kv_heads + g) * D;
        for (int64_t d = 0; d < D; ++d) oi[d] += p * vj[d];
      }
      for (int64_t d = 0; d < D; ++d) oi[d] /= sum;
      lse_i = max_score + std::log(sum);
    }
  }
}

template <class T>
void ReferenceOps<T>::attention_backward_group(const AttentionShape& s, int64_t b, int64_t g, const T* q, const T* k,
                                               const T* v, const int32_t* q_seg, const int32_t* k_seg, const T* o,
                                               const T* lse, const T* d_o, T* dq, T* dk, T* dv) {
  const int64_t D = s.head_dim, rep = s.q_heads / s.kv_heads;
  const T scale = T(1) / std::sqrt(T(D));
  for (int64_t j = 0; j < s.kv_len; ++j)
    for (int64_t d = 0; d < D; ++d) {
      dk[((b * s.kv_capacity + j) * s.kv_heads + g) * D + d] = 0;
      dv[((b * s.kv_capacity + j) * s.kv_heads + g) * D + d] = 0;
    }
  for (int64_t h = g * rep; h < (g + 1) * rep; ++h) {
    for (int64_t i = 0; i < s.q_len; ++i) {
      const int64_t qoff = ((b * s.q_len + i) * s.q_heads + h) * D;
      const T* qi = q + qoff;
      const T* doi = d_o + qoff;
      T* dqi = dq + qoff;
      for (int64_t d = 0; d < D; ++d) dqi[d] = 0;
      const T lse_i = lse[(b * s.q_heads + h) * s.q_len + i];
      if (lse_i == -std::numeric_limits<T>::infinity()) continue;
      T di = 0;
      for (int64_t d = 0; d < D; ++d) di += doi[d] * o[qoff + d];
      const int64_t end = key_end(s, i);
      for (int64_t j = 0; j < end; ++j) {
        if (!visible(s, q_seg, k_seg, b, i, j)) continue;
        const int64_t koff = ((b * s.kv_capacity + j) * s.kv_heads + g) * D;
        T dot = 0, dp = 0;
        for (int64_t d = 0; d < D; ++d) {
          dot += qi[d] * k[koff + d];
          dp += doi[d] * v[koff + d];
        }
        const T p = std::exp(dot * scale - lse_i);
        const T ds = p * (dp - di) * scale;
        for (int64_t d = 0; d < D; ++d) {
          dqi[d] += ds * k[koff + d];
          dk[koff + d] += ds * qi[d];
          dv[koff + d] += p * doi[d];
        }
      }
    }
  }
}

template <class T>
void ReferenceOps<T>::attention_forward(const AttentionShape& s, const T* q, const T* k, const T* v,
                                        const int32_t* q_seg, const int32_t* k_seg, T* o, T* lse) {
  for (int64_t b = 0; b < s.batch; ++b)
    for (int64_t g = 0; g < s.kv_heads; ++g) attention_forward_group(s, b, g, q, k, v, q_seg, k_seg, o, lse);
}

template <class T>
void ReferenceOps<T>::attention_backward(const AttentionShape& s, const T* q, const T* k, const T* v,
                                         const int32_t* q_seg, const int32_t* k_seg, const T* o, const T* lse,
                                         const T* d_o, T* dq, T* dk, T* dv) {
  for (int64_t b = 0; b < s.batch; ++b)
    for (int64_t g = 0; g < s.kv_heads; ++g)
      attention_backward_group(s, b, g, q, k, v, q_seg, k_seg, o, lse, d_o, dq, dk, dv);
}

#define XR_INSTANTIATE(T) \
  template void ReferenceOps<T>::attention_forward(const AttentionShape&, const T*, const T*, const T*, const int32_t*, const int32_t*, T*, T*); \
  template void ReferenceOps<T>::attention_backward(const AttentionShape&, const T*, const T*, const T*, const int32_t*, const int32_t*, const T*, const T*, const T*, T*, T*, T*); \
  template void ReferenceOps<T>::attention_forward_group(const AttentionShape&, int64_t, int64_t, const T*, const T*, const T*, const int32_t*, const int32_t*, T*, T*); \
  template void ReferenceOps<T>::attention_backward_group(const AttentionShape&, int64_t, int64_t, const T*, const T*, const T*, const int32_t*, const int32_t*, const T*, const T*, const T*, T*, T*, T*); \

XR_INSTANTIATE(float)
XR_INSTANTIATE(double)
#undef XR_INSTANTIATE

}  // namespace xr
