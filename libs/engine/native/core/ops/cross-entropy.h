// Masked cross-entropy over next-token targets, built on the logprobs op: the mean of −logp over
// the rows whose target is >= 0 (the loss falls only on target tokens).
#pragma once
#include <vector>

#include "../backend.h"

namespace xr {

template <class T>
struct CrossEntropy {
  std::vector<T> logp, lse;
  int64_t count = 0;
  // Returns the mean loss (0 when no row has a target).
  double forward(const OpTable<T>& ops, int64_t rows, int64_t vocab, const T* logits, const int32_t* targets);
  // dlogits = scale · ∂loss/∂logits (scale lets a caller weight this loss among others).
  void backward(const OpTable<T>& ops, int64_t rows, int64_t vocab, const T* logits, const int32_t* targets,
                double scale, T* dlogits) const;
};

}  // namespace xr
