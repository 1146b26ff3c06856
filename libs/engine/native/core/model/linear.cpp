#include "linear.h"

namespace xr {

template <class T>
void Linear<T>::forward(const OpTable<T>& ops, int64_t n, const T* x, T* y, Buffer<T>* xa,
                        std::optional<uint64_t> dropout_seed) const {
  ops.gemm(false, true, n, out, in, T(1), x, in, weight->value.data(), in, T(0), y, out);
  if (bias) ops.bias_forward(n, out, bias->value.data(), y);
  if (!lora_a) return;
  Backend& backend = weight->value.backend();
  const int64_t rk = rank();
  Buffer<T> local(backend), dropped(backend);
  Buffer<T>& buf = xa ? *xa : local;
  buf.resize(static_cast<size_t>(n * rk));
  const T* x_in = x;
  if (dropping(dropout_seed)) {
    dropped.resize(static_cast<size_t>(n * in));
    ops.dropout(n * in, lora_dropout, *dropout_seed, x, dropped.data());
    x_in = dropped.data();
  }
  ops.gemm(false, true, n, rk, in, T(1), x_in, in, lora_a->value.data(), in, T(0), buf.data(), rk);
  ops.gemm(false, true, n, out, rk, lora_scale, buf.data(), rk, lora_b->value.data(), rk, T(1), y, out);
}

template <class T>
void Linear<T>::backward(const OpTable<T>& ops, int64_t n, const T* x, const Buffer<T>* xa, const T* dy, T* dx,
                         bool accumulate, std::optional<uint64_t> dropout_seed) const {
  ops.gemm(false, false, n, in, out, T(1), dy, out, weight->value.data(), in, accumulate ? T(1) : T(0), dx, in);
  if (weight->trainable()) ops.gemm(true, false, out, in, n, T(1), dy, out, x, in, T(1), weight->grad.data(), in);
  if (bias && bias->trainable()) ops.bias_backward(n, out, dy, bias->grad.data());
  if (!lora_a) return;
  Backend& backend = weight->value.backend();
  const int64_t rk = rank();
  const bool drop = dropping(dropout_seed);
  Buffer<T> dyb(backend, static_cast<size_t>(n * rk));
  ops.gemm(false, false, n, rk, out, T(1), dy, out, lora_b->value.data(), rk, T(0), dyb.data(), rk);
  if (lora_b->trainable())
    ops.gemm(true, false, out, rk, n, lora_scale, dy, out, xa->data(), rk, T(1), lora_b->grad.data(), rk);
  Buffer<T> scratch(backend);
  if (lora_a->trainable()) {
    const T* x_in = x;
    if (drop) {  // the mask is a function of the seed: redraw it rather than keep drop(x) from the forward
      scratch.resize(static_cast<size_t>(n * in));
      ops.dropout(n * in, lora_dropout, *dropout_seed, x, scratch.data());
      x_in = scratch.data();
    }
    ops.gemm(true, false, rk, in, n, lora_scale, dyb.data(), rk, x_in, in, T(1), lora_a->grad.data(), in);
  }
  if (!drop) {
    ops.gemm(false, false, n, in, rk, lora_scale, dyb.data(), rk, lora_a->value.data(), in, T(1), dx, in);
    return;
  }
  // d drop(x) = s · dyb A, then through the mask (dropout is its own transpose) into dx.
  scratch.resize(static_cast<size_t>(n * in));
  ops.gemm(false, false, n, in, rk, lora_scale, dyb.data(), rk, lora_a->value.data(), in, T(0), scratch.data(), in);
  ops.dropout(n * in, lora_dropout, *dropout_seed, scratch.data(), scratch.data());
  ops.add(n * in, scratch.data(), dx);
}

template struct Linear<float>;
template struct Linear<double>;

}  // namespace xr
