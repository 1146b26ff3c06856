// A linear layer in Hugging Face's layout (weight [out, in], y = x Wᵀ + b) with an optional LoRA
// branch, unmerged: y += s · (x Aᵀ) Bᵀ with s = alpha / r, or alpha / √r for rsLoRA.
#pragma once
#include <vector>

#include "../backend.h"
#include "parameters.h"

namespace xr {

template <class T>
struct Linear {
  Param<T>* weight = nullptr;
  Param<T>* bias = nullptr;
  Param<T>* lora_a = nullptr;  // [r, in]
  Param<T>* lora_b = nullptr;  // [out, r]
  T lora_scale = 0;
  int64_t in = 0, out = 0;

  int64_t rank() const { return lora_a ? lora_a->shape[0] : 0; }
  // y[n, out] = forward(x[n, in]); xa[n, r] keeps x Aᵀ for backward when LoRA is on.
  void forward(const OpTable<T>& ops, int64_t n, const T* x, T* y, std::vector<T>* xa) const;
  // dx[n, in] = (accumulate ? dx : 0) + ∂/∂x; trainable parameters accumulate their gradients.
  void backward(const OpTable<T>& ops, int64_t n, const T* x, const std::vector<T>* xa, const T* dy, T* dx,
                bool accumulate) const;
};

}  // namespace xr
