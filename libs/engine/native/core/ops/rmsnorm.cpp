// RMSNorm reference. y = x · rstd · w with rstd = 1/sqrt(mean(x²) + eps).
// Backward: with x̂ = x · rstd, dx = rstd · (dy⊙w − x̂ · mean(dy⊙w⊙x̂)), dw += Σ_rows dy ⊙ x̂.
#include <cmath>

#include "ops.h"

namespace xr {

template <class T>
void ReferenceOps<T>::rmsnorm_forward(int64_t rows, int64_t dim, T eps, const T* x, const T* w, T* y, T* rstd) {
  for (int64_t r = 0; r < rows; ++r) {
    const T* xr_ = x + r * dim;
    T ss = 0;
    for (int64_t i = 0; i < dim; ++i) ss += xr_[i] * xr_[i];
    const T s = T(1) / std::sqrt(ss / T(dim) + eps);
    rstd[r] = s;
    for (int64_t i = 0; i < dim; ++i) y[r * dim + i] = xr_[i] * s * w[i];
  }
}

template <class T>
void ReferenceOps<T>::rmsnorm_backward(int64_t rows, int64_t dim, const T* x, const T* w, const T* rstd, const T* dy,
                                       T* dx, T* dw) {
  for (int64_t r = 0; r < rows; ++r) {
    const T* xr_ = x + r * dim;
    const T* dyr = dy + r * dim;
    const T s = rstd[r];
    T dot = 0;  // Σ dy·w·x̂
    for (int64_t i = 0; i < dim; ++i) dot += dyr[i] * w[i] * xr_[i] * s;
    const T mean_dot = dot / T(dim);
    for (int64_t i = 0; i < dim; ++i) {
      const T xhat = xr_[i] * s;
      dx[r * dim + i] = s * (dyr[i] * w[i] - xhat * mean_dot);
      if (dw) dw[i] += dyr[i] * xhat;
    }
  }
}

#define XR_INSTANTIATE(T) \
  template void ReferenceOps<T>::rmsnorm_forward(int64_t, int64_t, T, const T*, const T*, T*, T*); \
  template void ReferenceOps<T>::rmsnorm_backward(int64_t, int64_t, const T*, const T*, const T*, const T*, T*, T*); \

XR_INSTANTIATE(float)
XR_INSTANTIATE(double)
#undef XR_INSTANTIATE

}  // namespace xr
