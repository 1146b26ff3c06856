#include "cross-entropy.h"

namespace xr {

template <class T>
double CrossEntropy<T>::forward(const OpTable<T>& ops, int64_t rows, int64_t vocab, const T* logits,
                                const int32_t* targets) {
  logp.assign(static_cast<size_t>(rows), T(0));
  lse.assign(static_cast<size_t>(rows), T(0));
  ops.logprobs_forward(rows, vocab, logits, targets, logp.data(), lse.data(), nullptr);
  double sum = 0;
  count = 0;
  for (int64_t r = 0; r < rows; ++r)
    if (targets[r] >= 0) {
      sum -= double(logp[r]);
      ++count;
    }
  return count > 0 ? sum / double(count) : 0.0;
}

template <class T>
void CrossEntropy<T>::backward(const OpTable<T>& ops, int64_t rows, int64_t vocab, const T* logits,
                               const int32_t* targets, double scale, T* dlogits) const {
  std::vector<T> dlogp(static_cast<size_t>(rows), count > 0 ? T(-scale / double(count)) : T(0));
  ops.logprobs_backward(rows, vocab, logits, targets, lse.data(), dlogp.data(), dlogits);
}

template struct CrossEntropy<float>;
template struct CrossEntropy<double>;

}  // namespace xr
