// Rotary position embedding reference, in Hugging Face's rotate_half layout: element i pairs with
// i + D/2 and turns by pos · theta^(−2i/D). Angles are computed in the element type, as HF does in
// float32, so the float path matches HF's rounding. Backward is the inverse rotation.
#include <cmath>

#include "ops.h"

namespace xr {
namespace {

template <class T>
void rotate(const RopeShape& s, const int32_t* pos, const T* x, T* y, T direction) {
  const int64_t half = s.head_dim / 2;
  for (int64_t t = 0; t < s.tokens; ++t) {
    for (int64_t i = 0; i < half; ++i) {
      const T inv_freq = T(1) / std::pow(T(s.theta), T(2 * i) / T(s.head_dim));
      const T angle = T(pos[t]) * inv_freq;
      const T c = std::cos(angle), sn = direction * std::sin(angle);
      for (int64_t h = 0; h < s.heads; ++h) {
        const int64_t base = (t * s.heads + h) * s.head_dim;
        const T x1 = x[base + i], x2 = x[base + i + half];
        y[base + i] = x1 * c - x2 * sn;
        y[base + i + half] = x2 * c + x1 * sn;
      }
    }
  }
}

}  // namespace

template <class T>
void ReferenceOps<T>::rope_forward(const RopeShape& s, const int32_t* pos, const T* x, T* y) {
  rotate<T>(s, pos, x, y, T(1));
}

template <class T>
void ReferenceOps<T>::rope_backward(const RopeShape& s, const int32_t* pos, const T* dy, T* dx) {
  rotate<T>(s, pos, dy, dx, T(-1));
}

#define XR_INSTANTIATE(T) \
  template void ReferenceOps<T>::rope_forward(const RopeShape&, const int32_t*, const T*, T*); \
  template void ReferenceOps<T>::rope_backward(const RopeShape&, const int32_t*, const T*, T*); \

XR_INSTANTIATE(float)
XR_INSTANTIATE(double)
#undef XR_INSTANTIATE

}  // namespace xr
