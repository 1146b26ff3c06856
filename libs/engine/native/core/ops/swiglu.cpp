// SwiGLU reference: h = silu(g) · u with silu(x) = x·σ(x); silu'(x) = σ(x)·(1 + x·(1 − σ(x))).
#include <cmath>

#include "ops.h"

namespace xr {

template <class T>
void ReferenceOps<T>::swiglu_forward(int64_t n, const T* g, const T* u, T* h) {
  for (int64_t i = 0; i < n; ++i) {
    const T sig = T(1) / (T(1) + std::exp(-g[i]));
    h[i] = g[i] * sig * u[i];
  }
}

template <class T>
void ReferenceOps<T>::swiglu_backward(int64_t n, const T* g, const T* u, const T* dh, T* dg, T* du) {
  for (int64_t i = 0; i < n; ++i) {
    const T sig = T(1) / (T(1) + std::exp(-g[i]));
    const T silu = g[i] * sig;
    dg[i] = dh[i] * u[i] * sig * (T(1) + g[i] * (T(1) - sig));
    du[i] = dh[i] * silu;
  }
}

#define XR_INSTANTIATE(T) \
  template void ReferenceOps<T>::swiglu_forward(int64_t, const T*, const T*, T*); \
  template void ReferenceOps<T>::swiglu_backward(int64_t, const T*, const T*, const T*, T*, T*); \

XR_INSTANTIATE(float)
XR_INSTANTIATE(double)
#undef XR_INSTANTIATE

}  // namespace xr
