// A linear layer in Hugging Face's layout (weight [out, in], y = x Wᵀ + b) with an optional LoRA
// branch, unmerged: y += s · (drop(x) Aᵀ) Bᵀ with s = alpha / r, or alpha / √r for rsLoRA, and drop
// PEFT's inverted dropout on the branch's input (training calls only, seeded per call and module).
#pragma once
#include <optional>

#include "../backend.h"
#include "../buffer.h"
#include "parameters.h"

namespace xr {

template <class T>
struct Linear {
  Param<T>* weight = nullptr;
  Param<T>* bias = nullptr;
  Param<T>* lora_a = nullptr;  // [r, in]
  Param<T>* lora_b = nullptr;  // [out, r]
  T lora_scale = 0;
  double lora_dropout = 0;
  int64_t in = 0, out = 0;

  int64_t rank() const { return lora_a ? lora_a->shape[0] : 0; }
  // y[n, out] = forward(x[n, in]); xa[n, r] keeps drop(x) Aᵀ for backward when LoRA is on.
  // dropout_seed: set in training calls (the mask), unset in evaluation (no dropout).
  void forward(const OpTable<T>& ops, int64_t n, const T* x, T* y, Buffer<T>* xa,
               std::optional<uint64_t> dropout_seed = std::nullopt) const;
  // dx[n, in] = (accumulate ? dx : 0) + ∂/∂x; trainable parameters accumulate their gradients.
  // The same dropout_seed as the forward redraws the same mask.
  void backward(const OpTable<T>& ops, int64_t n, const T* x, const Buffer<T>* xa, const T* dy, T* dx,
                bool accumulate, std::optional<uint64_t> dropout_seed = std::nullopt) const;

 private:
  bool dropping(std::optional<uint64_t> seed) const { return lora_a && lora_dropout > 0 && seed.has_value(); }
};

}  // namespace xr
