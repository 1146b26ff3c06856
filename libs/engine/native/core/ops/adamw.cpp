// AdamW reference (Loshchilov & Hutter): decoupled weight decay, bias-corrected moments; and the
// sum of squares the global gradient norm is made of. Arithmetic in double whatever T is.
#include <cmath>

#include "ops.h"

namespace xr {

template <class T>
double ReferenceOps<T>::sum_squares(int64_t n, const T* x) {
  double s = 0;
  for (int64_t i = 0; i < n; ++i) s += double(x[i]) * double(x[i]);
  return s;
}

template <class T>
void ReferenceOps<T>::adamw(int64_t n, const AdamWUpdate& u, T* w, const T* g, T* m, T* v) {
  for (int64_t i = 0; i < n; ++i) {
    const double gi = double(g[i]) * u.grad_scale;
    const double mi = u.beta1 * double(m[i]) + (1 - u.beta1) * gi;
    const double vi = u.beta2 * double(v[i]) + (1 - u.beta2) * gi * gi;
    m[i] = T(mi);
    v[i] = T(vi);
    double wi = double(w[i]);
    wi -= u.lr * u.weight_decay * wi;
    wi -= u.lr * (mi / u.bias_correction1) / (std::sqrt(vi / u.bias_correction2) + u.eps);
    w[i] = T(wi);
  }
}

#define XR_INSTANTIATE(T)                                        \
  template double ReferenceOps<T>::sum_squares(int64_t, const T*); \
  template void ReferenceOps<T>::adamw(int64_t, const AdamWUpdate&, T*, const T*, T*, T*);

XR_INSTANTIATE(float)
XR_INSTANTIATE(double)
#undef XR_INSTANTIATE

}  // namespace xr
