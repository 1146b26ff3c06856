// Dropout reference: y_i = x_i / (1 − p) where dropout_keep(seed, i, p), else 0. Inverted dropout
// (PEFT's nn.Dropout), so the expectation of y is x and evaluation needs no rescaling.
#include "dropout.h"

#include "ops.h"

namespace xr {

template <class T>
void ReferenceOps<T>::dropout(int64_t n, double p, uint64_t seed, const T* x, T* y) {
  const T scale = T(1.0 / (1.0 - p));
  for (int64_t i = 0; i < n; ++i) y[i] = dropout_keep(seed, static_cast<uint64_t>(i), p) ? x[i] * scale : T(0);
}

template void ReferenceOps<float>::dropout(int64_t, double, uint64_t, const float*, float*);
template void ReferenceOps<double>::dropout(int64_t, double, uint64_t, const double*, double*);

}  // namespace xr
