// Log-probabilities fast path: rows in parallel, each row's max / Σexp / Σp·z in one vectorised pass
// with fast_expf and float accumulators in vector lanes (omp simd reductions) (the reference accumulates in double; rows
// of a few thousand logits stay within 1e-6 relative).
#include <cmath>

#include "../thread-pool.h"
#include "ops.h"
#include "vector-math.h"

namespace xr {
namespace {

XR_VECTOR_CLONES
float row_max(int64_t vocab, const float* z) {
  float m = z[0];
#pragma omp simd reduction(max : m)
  for (int64_t i = 1; i < vocab; ++i) m = z[i] > m ? z[i] : m;
  return m;
}

XR_VECTOR_CLONES
void row_sums(int64_t vocab, const float* z, float m, float& sum, float& weighted) {
  float s = 0, w = 0;
#pragma omp simd reduction(+ : s, w)
  for (int64_t i = 0; i < vocab; ++i) {
    const float e = fast_expf(z[i] - m);
    s += e;
    w += e * z[i];
  }
  sum = s;
  weighted = w;
}

XR_VECTOR_CLONES
void row_grad(int64_t vocab, const float* z, float lse, float g, float* dz) {
#pragma omp simd
  for (int64_t i = 0; i < vocab; ++i) dz[i] = -g * fast_expf(z[i] - lse);
}

}  // namespace

void CpuOps::logprobs_forward(int64_t rows, int64_t vocab, const float* logits, const int32_t* targets, float* logp,
                              float* lse, float* entropy) {
  parallel_for(rows, 8, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      const float* z = logits + r * vocab;
      const float m = row_max(vocab, z);
      float sum, weighted;
      row_sums(vocab, z, m, sum, weighted);
      const float l = m + std::log(sum);
      lse[r] = l;
      if (entropy) entropy[r] = l - weighted / sum;
      logp[r] = targets[r] >= 0 ? z[targets[r]] - l : 0.0f;
    }
  });
}

void CpuOps::logprobs_backward(int64_t rows, int64_t vocab, const float* logits, const int32_t* targets,
                               const float* lse, const float* dlogp, float* dlogits) {
  parallel_for(rows, 8, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) {
      float* dz = dlogits + r * vocab;
      if (targets[r] < 0) {
        std::fill_n(dz, vocab, 0.0f);
        continue;
      }
      row_grad(vocab, logits + r * vocab, lse[r], dlogp[r], dz);
      dz[targets[r]] += dlogp[r];
    }
  });
}

}  // namespace xr
