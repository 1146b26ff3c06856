#include "linear.h"

namespace xr {

template <class T>
void Linear<T>::forward(const OpTable<T>& ops, int64_t n, const T* x, T* y, std::vector<T>* xa) const {
  ops.gemm(false, true, n, out, in, T(1), x, in, weight->value.data(), in, T(0), y, out);
  if (bias)
    for (int64_t r = 0; r < n; ++r)
      for (int64_t j = 0; j < out; ++j) y[r * out + j] += bias->value[j];
  if (lora_a) {
    const int64_t rk = rank();
    std::vector<T> local;
    std::vector<T>& buf = xa ? *xa : local;
    buf.resize(static_cast<size_t>(n * rk));
    ops.gemm(false, true, n, rk, in, T(1), x, in, lora_a->value.data(), in, T(0), buf.data(), rk);
    ops.gemm(false, true, n, out, rk, lora_scale, buf.data(), rk, lora_b->value.data(), rk, T(1), y, out);
  }
}

template <class T>
void Linear<T>::backward(const OpTable<T>& ops, int64_t n, const T* x, const std::vector<T>* xa, const T* dy, T* dx,
                         bool accumulate) const {
  ops.gemm(false, false, n, in, out, T(1), dy, out, weight->value.data(), in, accumulate ? T(1) : T(0), dx, in);
  if (weight->trainable()) ops.gemm(true, false, out, in, n, T(1), dy, out, x, in, T(1), weight->grad.data(), in);
  if (bias && bias->trainable())
    for (int64_t r = 0; r < n; ++r)
      for (int64_t j = 0; j < out; ++j) bias->grad[j] += dy[r * out + j];
  if (lora_a) {
    const int64_t rk = rank();
    std::vector<T> dyb(static_cast<size_t>(n * rk));
    ops.gemm(false, false, n, rk, out, T(1), dy, out, lora_b->value.data(), rk, T(0), dyb.data(), rk);
    if (lora_b->trainable())
      ops.gemm(true, false, out, rk, n, lora_scale, dy, out, xa->data(), rk, T(1), lora_b->grad.data(), rk);
    if (lora_a->trainable())
      ops.gemm(true, false, rk, in, n, lora_scale, dyb.data(), rk, x, in, T(1), lora_a->grad.data(), in);
    ops.gemm(false, false, n, in, rk, lora_scale, dyb.data(), rk, lora_a->value.data(), in, T(1), dx, in);
  }
}

template struct Linear<float>;
template struct Linear<double>;

}  // namespace xr
