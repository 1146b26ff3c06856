// Log-probabilities fast path: rows in parallel.
#include "../thread-pool.h"
#include "ops.h"

namespace xr {

void CpuOps::logprobs_forward(int64_t rows, int64_t vocab, const float* logits, const int32_t* targets, float* logp,
                              float* lse, float* entropy) {
  parallel_for(rows, 1, [&](int64_t r0, int64_t r1) {
    ReferenceOps<float>::logprobs_forward(r1 - r0, vocab, logits + r0 * vocab, targets + r0, logp + r0, lse + r0,
                                          entropy ? entropy + r0 : nullptr);
  });
}

void CpuOps::logprobs_backward(int64_t rows, int64_t vocab, const float* logits, const int32_t* targets,
                               const float* lse, const float* dlogp, float* dlogits) {
  parallel_for(rows, 1, [&](int64_t r0, int64_t r1) {
    ReferenceOps<float>::logprobs_backward(r1 - r0, vocab, logits + r0 * vocab, targets + r0, lse + r0, dlogp + r0,
                                           dlogits + r0 * vocab);
  });
}

}  // namespace xr
