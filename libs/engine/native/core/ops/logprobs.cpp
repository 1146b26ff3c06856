// Per-token log-probabilities reference: logp = logits[target] − logsumexp(logits), accumulated in
// double whatever the element type (vocabularies are large). Entropy H = lse − Σ p·logit.
// Rows whose target is negative are ignored: logp = 0 and no gradient.
#include <cmath>

#include "ops.h"

namespace xr {

template <class T>
void ReferenceOps<T>::logprobs_forward(int64_t rows, int64_t vocab, const T* logits, const int32_t* targets, T* logp,
                                       T* lse, T* entropy) {
  for (int64_t r = 0; r < rows; ++r) {
    const T* z = logits + r * vocab;
    double m = z[0];
    for (int64_t i = 1; i < vocab; ++i) m = z[i] > m ? double(z[i]) : m;
    double sum = 0, weighted = 0;
    for (int64_t i = 0; i < vocab; ++i) {
      const double e = std::exp(double(z[i]) - m);
      sum += e;
      weighted += e * double(z[i]);
    }
    const double l = m + std::log(sum);
    lse[r] = T(l);
    if (entropy) entropy[r] = T(l - weighted / sum);
    logp[r] = targets[r] >= 0 ? T(double(z[targets[r]]) - l) : T(0);
  }
}

template <class T>
void ReferenceOps<T>::logprobs_backward(int64_t rows, int64_t vocab, const T* logits, const int32_t* targets,
                                        const T* lse, const T* dlogp, T* dlogits) {
  for (int64_t r = 0; r < rows; ++r) {
    T* dz = dlogits + r * vocab;
    if (targets[r] < 0) {
      for (int64_t i = 0; i < vocab; ++i) dz[i] = 0;
      continue;
    }
    const T* z = logits + r * vocab;
    const T g = dlogp[r];
    for (int64_t i = 0; i < vocab; ++i) dz[i] = -g * T(std::exp(double(z[i]) - double(lse[r])));
    dz[targets[r]] += g;
  }
}

#define XR_INSTANTIATE(T) \
  template void ReferenceOps<T>::logprobs_forward(int64_t, int64_t, const T*, const int32_t*, T*, T*, T*); \
  template void ReferenceOps<T>::logprobs_backward(int64_t, int64_t, const T*, const int32_t*, const T*, const T*, T*); \

XR_INSTANTIATE(float)
XR_INSTANTIATE(double)
#undef XR_INSTANTIATE

}  // namespace xr
