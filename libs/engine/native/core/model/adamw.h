// AdamW (Loshchilov & Hutter): decoupled weight decay, bias-corrected moments, optional global
// gradient-norm clipping. State is kept per parameter name, so LoRA and full fine-tuning share it.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "parameters.h"

namespace xr {

struct AdamWOptions {
  double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0.0;
  double max_grad_norm = 0.0;  // 0 = no clipping
};

template <class T>
class AdamW {
 public:
  // Updates every trainable parameter from its gradient; returns the global gradient norm (before clipping).
  double step(ParameterStore<T>& params, const AdamWOptions& o);
  int64_t steps() const { return t_; }

 private:
  struct Moments {
    explicit Moments(Backend& b) : m(b), v(b) {}
    Buffer<T> m, v;
  };
  std::map<std::string, Moments> state_;
  int64_t t_ = 0;
};

}  // namespace xr
